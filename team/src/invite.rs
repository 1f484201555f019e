//! Invite codes: what a new seat needs to find the pairing mailbox and run SPAKE2.
//!
//! `hwt1-` + base64url(`version u8 | expires_at u64 | mailbox 16 | password 16 |
//! len u16 | channel | len u16 | relay URL | checksum 4`), the checksum being the first
//! 4 bytes of SHA-256 of what precedes it, so a mistyped character is caught before
//! anything is sent.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::keys::b64;

const PREFIX: &str = "hwt1-";
const VERSION: u8 = 1;
const CHECKSUM: usize = 4;
/// version + expires_at + mailbox + password.
const FIXED: usize = 1 + 8 + 16 + 16;

/// Why an invite code was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum InviteError {
    /// Not an invite code at all.
    #[error(
        "this is not a Hirewire team invite (it should start with hwt1-); paste the whole code"
    )]
    NotACode,
    /// A character was changed or lost on the way.
    #[error("the invite code is mistyped (its checksum does not match); copy it again exactly")]
    Mistyped,
    /// A later format than this version reads.
    #[error("this invite is in format {0}, which this version does not know; update Hirewire")]
    Unsupported(u8),
    /// Passes its checksum but does not hold what an invite holds.
    #[error("the invite code is malformed ({0}); ask for a new invite")]
    Malformed(String),
}

/// One invite: where the pairing mailbox is and the password SPAKE2 runs on.
#[derive(Clone)]
pub struct Invite {
    /// When the invite stops working (unix seconds).
    pub expires_at: u64,
    /// The relay mailbox the pairing messages go through.
    pub mailbox: [u8; 16],
    /// The SPAKE2 password: never sent to the relay.
    pub password: [u8; 16],
    /// The relay channel id of the team.
    pub channel: String,
    /// The relay's URL.
    pub relay_url: String,
}

impl Drop for Invite {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("expires_at", &self.expires_at)
            .field("mailbox", &self.mailbox_id())
            .field("channel", &self.channel)
            .field("relay_url", &self.relay_url)
            .finish_non_exhaustive()
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Channel ids and relay URLs are far below 64 KiB; a longer one is cut at a char
    // boundary rather than written with a wrong length.
    let mut end = s.len().min(u16::MAX as usize);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_be_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}

/// Reads a `len u16 | utf-8` string at `*at`.
fn take_str(bytes: &[u8], at: &mut usize, what: &str) -> Result<String, InviteError> {
    let short = || InviteError::Malformed(format!("{what} cut short"));
    let len = bytes.get(*at..*at + 2).ok_or_else(short)?;
    let len = u16::from_be_bytes([len[0], len[1]]) as usize;
    let s = bytes.get(*at + 2..*at + 2 + len).ok_or_else(short)?;
    *at += 2 + len;
    String::from_utf8(s.to_vec()).map_err(|_| InviteError::Malformed(format!("{what} is not text")))
}

impl Invite {
    /// A new invite to `channel` on `relay_url`, valid for `ttl_s` seconds from `now_s`,
    /// with a fresh random mailbox and password.
    pub fn new(channel: &str, relay_url: &str, now_s: u64, ttl_s: u64) -> Self {
        Invite {
            expires_at: now_s.saturating_add(ttl_s),
            mailbox: rand::random(),
            password: rand::random(),
            channel: channel.to_string(),
            relay_url: relay_url.to_string(),
        }
    }

    /// The code to hand to the new member.
    pub fn encode(&self) -> String {
        let mut raw = Zeroizing::new(Vec::with_capacity(
            FIXED + 4 + self.channel.len() + self.relay_url.len() + CHECKSUM,
        ));
        raw.push(VERSION);
        raw.extend_from_slice(&self.expires_at.to_be_bytes());
        raw.extend_from_slice(&self.mailbox);
        raw.extend_from_slice(&self.password);
        put_str(&mut raw, &self.channel);
        put_str(&mut raw, &self.relay_url);
        let sum = Sha256::digest(raw.as_slice());
        raw.extend_from_slice(&sum[..CHECKSUM]);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw.as_slice()))
    }

    /// Reads a code. Whitespace anywhere (a code wrapped over lines) is ignored.
    pub fn decode(code: &str) -> Result<Invite, InviteError> {
        let compact: Zeroizing<String> =
            Zeroizing::new(code.chars().filter(|c| !c.is_whitespace()).collect());
        let body = compact.strip_prefix(PREFIX).ok_or(InviteError::NotACode)?;
        let raw = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(body)
                .map_err(|_| InviteError::NotACode)?,
        );
        if raw.len() < 1 + CHECKSUM {
            return Err(InviteError::Mistyped);
        }
        let (content, sum) = raw.split_at(raw.len() - CHECKSUM);
        if Sha256::digest(content)[..CHECKSUM] != *sum {
            return Err(InviteError::Mistyped);
        }
        if content[0] != VERSION {
            return Err(InviteError::Unsupported(content[0]));
        }
        if content.len() < FIXED {
            return Err(InviteError::Malformed("cut short".into()));
        }
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&content[1..9]);
        let mut mailbox = [0u8; 16];
        mailbox.copy_from_slice(&content[9..25]);
        let mut at = FIXED;
        let channel = take_str(content, &mut at, "channel")?;
        let relay_url = take_str(content, &mut at, "relay URL")?;
        let mut invite = Invite {
            expires_at: u64::from_be_bytes(expires),
            mailbox,
            password: [0u8; 16],
            channel,
            relay_url,
        };
        // Copied straight into the invite, which wipes it when dropped.
        invite.password.copy_from_slice(&content[25..41]);
        if at != content.len() {
            return Err(InviteError::Malformed("unexpected bytes at the end".into()));
        }
        if invite.channel.is_empty() || invite.relay_url.is_empty() {
            return Err(InviteError::Malformed("no channel or relay URL".into()));
        }
        Ok(invite)
    }

    /// Whether the invite no longer works at `now_s` (unix seconds).
    pub fn is_expired(&self, now_s: u64) -> bool {
        now_s >= self.expires_at
    }

    /// The mailbox id as the relay's URLs take it (base64url).
    pub fn mailbox_id(&self) -> String {
        b64(&self.mailbox)
    }
}
