//! A channel's events in its JetStream stream: the intake's publish, answered only once
//! JetStream has acknowledged it (stored on a majority of the stream's replicas), and the
//! stream's reads, which go to the stream's leader so that nothing acknowledged is missed.

use std::time::{Duration, Instant};

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::message::StreamMessage;
use async_nats::jetstream::stream::RawMessageErrorKind;
use futures_util::future::join_all;

use super::errors::{is_backlog_full, timed_out, unavailable};
use super::layout::event_subject;
use super::records::{event_from, event_headers, message_id};

use super::state::{Shared, Side};
use crate::store::records::StoredEvent;
use crate::store::{ReadEvent, StoreError};

/// How long one publish waits for JetStream's ack before it is sent again (with the same
/// message id, so JetStream stores it once): a leader election takes a few seconds.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a post waits in all before it is answered `503`: under a lost majority there
/// is no ack to wait for, and Lever retries a refused webhook later.
const PUBLISH_DEADLINE: Duration = Duration::from_secs(6);
/// Pause between attempts.
const RETRY_PAUSE: Duration = Duration::from_millis(200);
/// Messages fetched at once from the leader while reading (one round trip for all).
const READ_BATCH: usize = 16;

/// Publishes an event; returns its stream sequence, and whether JetStream already had it
/// (a duplicate inside the dedupe window), once JetStream acknowledged it.
pub(super) async fn publish(
    shared: &Shared,
    side: &Side,
    event: &StoredEvent,
) -> Result<(u64, bool), StoreError> {
    let msg_id = message_id(&event.endpoint, &event.body);
    let headers = event_headers(event, &msg_id)?;
    let payload = bytes::Bytes::from(event.body.clone().into_bytes());
    publish_raw(shared, side, headers, payload).await
}

/// Publishes a prepared message (its headers carry the message id), retrying until
/// JetStream acknowledges it or [`PUBLISH_DEADLINE`] passes.
pub(super) async fn publish_raw(
    shared: &Shared,
    side: &Side,
    headers: async_nats::HeaderMap,
    payload: bytes::Bytes,
) -> Result<(u64, bool), StoreError> {
    let subject = event_subject(&side.id);
    let deadline = Instant::now() + PUBLISH_DEADLINE;
    loop {
        let (headers, payload) = (headers.clone(), payload.clone());
        let attempt = async {
            shared
                .js
                .publish_with_headers(subject.clone(), headers, payload)
                .await?
                .await
        };
        let outcome = tokio::time::timeout(ATTEMPT_TIMEOUT, attempt).await;
        let err = match outcome {
            Ok(Ok(ack)) => return Ok((ack.sequence, ack.duplicate)),
            Ok(Err(e)) if is_backlog_full(&e) => {
                return Err(StoreError::Full(
                    "the channel's backlog is at --max-pending (JetStream refused more)".into(),
                ))
            }
            Ok(Err(e)) if e.kind() == PublishErrorKind::MaxPayloadExceeded => {
                return Err(unavailable(
                    "store an event this large (raise max_payload in nats-server.conf)",
                    e,
                ))
            }
            Ok(Err(e)) => unavailable("store the event", e),
            Err(_) => timed_out("store the event", ATTEMPT_TIMEOUT.as_secs()),
        };
        if Instant::now() + RETRY_PAUSE >= deadline {
            return Err(err);
        }
        tracing::debug!(channel = %side.id, "publish not acknowledged yet, trying again: {err}");
        tokio::time::sleep(RETRY_PAUSE).await;
    }
}

/// Reads events with stream sequences in `from..=to`: at most `limit`, and no more once
/// `max_bytes` of bodies are read (at least one). Sequences that are gone (acknowledged or
/// aged out) are skipped; an undecodable message comes back as its error in its place.
pub(super) async fn read(
    side: &Side,
    from: u64,
    to: u64,
    limit: usize,
    max_bytes: usize,
) -> Result<Vec<ReadEvent>, StoreError> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    let mut next = from.max(1);
    while next <= to && out.len() < limit && (bytes < max_bytes || out.is_empty()) {
        let count = (to - next + 1)
            .min(READ_BATCH as u64)
            .min((limit - out.len()) as u64);
        let batch = join_all((next..next + count).map(|seq| get(side, seq))).await;
        let mut found = false;
        for item in batch {
            let Some(msg) = item? else { continue };
            found = true;
            bytes = bytes.saturating_add(msg.payload.len());
            let event = event_from(Some(&msg.headers), &msg.payload);
            out.push((side.base + msg.sequence, event));
            if bytes >= max_bytes || out.len() >= limit {
                break;
            }
        }
        next += count;
        if !found {
            // A gap (aged out or purged): jump to the next message that is there.
            match next_present(side, next).await? {
                Some(seq) if seq <= to => next = seq,
                _ => break,
            }
        }
    }
    Ok(out)
}

/// The message at `seq`, or `None` when it is gone.
async fn get(side: &Side, seq: u64) -> Result<Option<StreamMessage>, StoreError> {
    match side.stream.get_raw_message(seq).await {
        Ok(msg) => Ok(Some(msg)),
        Err(e) if e.kind() == RawMessageErrorKind::NoMessageFound => Ok(None),
        Err(e) => Err(unavailable("read a stored event", e)),
    }
}

/// The sequence of the first message at or after `seq`, if any.
async fn next_present(side: &Side, seq: u64) -> Result<Option<u64>, StoreError> {
    let subject = event_subject(&side.id);
    match side
        .stream
        .raw_message_builder()
        .sequence(seq)
        .next_by_subject(subject)
        .send()
        .await
    {
        Ok(msg) => Ok(Some(msg.sequence)),
        Err(e) if e.kind() == RawMessageErrorKind::NoMessageFound => Ok(None),
        Err(e) => Err(unavailable("read a stored event", e)),
    }
}
