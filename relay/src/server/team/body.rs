//! Reading a seat-API body: at most a given size, within `--body-timeout`, parsed as the
//! request's wire type (unknown fields refused), and base64url values decoded under their
//! own bound. Whatever comes in, the answer is a value or a refusal, never a panic.

use axum::body::Body;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;

use super::refusal::Refusal;
use crate::server::AppState;

/// Reads and parses a JSON body of at most `cap` bytes.
pub(crate) async fn read_json<T: DeserializeOwned>(
    st: &AppState,
    body: Body,
    cap: usize,
) -> Result<T, Refusal> {
    let limited = http_body_util::Limited::new(body, cap);
    let bytes = match tokio::time::timeout(st.cfg.limits.body_timeout, limited.collect()).await {
        Err(_) => {
            st.metrics.timeout("body");
            return Err(Refusal::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!(
                    "the body did not arrive within {}",
                    humantime::format_duration(st.cfg.limits.body_timeout)
                ),
            ));
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(too_large("team_request_too_large", "the request", cap))
        }
        Ok(Err(e)) => return Err(Refusal::bad_body(format!("could not read it: {e}"))),
        Ok(Ok(c)) => c.to_bytes(),
    };
    parse_json(&bytes)
}

/// Parses a body already read.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(bytes).map_err(Refusal::bad_body)
}

/// Decodes one base64url value of at most `cap` bytes decoded.
pub(crate) fn decode(
    value: &str,
    what: &str,
    cap: usize,
    reason: &'static str,
) -> Result<Vec<u8>, Refusal> {
    // base64 of `cap` bytes is at most ceil(cap * 4 / 3) characters: refuse before decoding.
    if value.len() > cap.saturating_mul(4).div_ceil(3) {
        return Err(too_large(reason, what, cap));
    }
    let bytes = crate::team::unb64(value)
        .ok_or_else(|| Refusal::bad_body(format!("{what} is not base64url without padding")))?;
    if bytes.len() > cap {
        return Err(too_large(reason, what, cap));
    }
    Ok(bytes)
}

/// The JSON size that carries `cap` bytes of base64 plus a small envelope.
pub(crate) fn json_cap(cap: usize) -> usize {
    cap.saturating_mul(4).div_ceil(3).saturating_add(4096)
}

pub(crate) fn too_large(reason: &'static str, what: &str, cap: usize) -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        reason,
        format!("{what} is over the limit of {cap} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::{b64, LogAppend};
    use proptest::prelude::*;

    #[test]
    fn a_value_over_its_bound_is_413_and_bad_base64_is_400() {
        assert_eq!(
            decode(&b64(&[1; 10]), "x", 10, "r").map(|v| v.len()).ok(),
            Some(10)
        );
        assert_eq!(
            decode(&b64(&[1; 11]), "x", 10, "r").err().map(|r| r.status),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(
            decode("a+b/", "x", 10, "r").err().map(|r| r.status),
            Some(StatusCode::BAD_REQUEST)
        );
    }

    proptest! {
        #[test]
        fn any_body_is_parsed_or_refused_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_json::<LogAppend>(&bytes);
            let _ = parse_json::<crate::team::MailboxPost>(&bytes);
            let s = String::from_utf8_lossy(&bytes);
            let r = decode(&s, "x", 16, "r");
            if let Ok(v) = r { prop_assert!(v.len() <= 16) }
        }
    }
}
