//! Invite codes: round trip, tolerance of line wraps, every mistyped character caught.

use hirewire_team::{Invite, InviteError};

fn invite() -> Invite {
    Invite::new(
        "ch_abc123",
        "https://relay.example.com:8443",
        1_800_000_000,
        86_400,
    )
}

fn same(a: &Invite, b: &Invite) -> bool {
    a.expires_at == b.expires_at
        && a.mailbox == b.mailbox
        && a.password == b.password
        && a.channel == b.channel
        && a.relay_url == b.relay_url
}

#[test]
fn invite_round_trips() {
    let i = invite();
    let code = i.encode();
    assert!(code.starts_with("hwt1-"));
    let back = Invite::decode(&code).expect("decodes");
    assert!(same(&i, &back));
    assert_eq!(back.expires_at, 1_800_086_400);
    assert_eq!(back.mailbox_id().len(), 22);
}

#[test]
fn whitespace_around_and_inside_is_tolerated() {
    let i = invite();
    let code = i.encode();
    let wrapped: String = code
        .as_bytes()
        .chunks(20)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect::<Vec<_>>()
        .join("\n  ");
    let back = Invite::decode(&format!("  {wrapped}\r\n")).expect("decodes");
    assert!(same(&i, &back));
}

#[test]
fn every_single_changed_character_is_refused() {
    // Three channel lengths: the base64 text ends on each of its three possible boundaries
    // (the last character carrying 6, 4 or 2 bits of data).
    for channel in ["ch_abc123", "ch_abc1234", "ch_abc12345"] {
        let code = Invite::new(channel, "https://relay.example.com", 1_800_000_000, 60).encode();
        every_change_refused(&code);
    }
}

fn every_change_refused(code: &str) {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.";
    let chars: Vec<char> = code.chars().collect();
    for i in 0..chars.len() {
        for replacement in alphabet.chars().filter(|c| *c != chars[i]) {
            let mut changed = chars.clone();
            changed[i] = replacement;
            let changed: String = changed.into_iter().collect();
            match Invite::decode(&changed) {
                Err(InviteError::Mistyped | InviteError::NotACode) => {}
                other => panic!("{changed} (char {i} -> {replacement}) gave {other:?}"),
            }
        }
    }
    // A dropped character too.
    for i in 0..chars.len() {
        let mut shorter = chars.clone();
        shorter.remove(i);
        let shorter: String = shorter.into_iter().collect();
        assert!(
            Invite::decode(&shorter).is_err(),
            "dropping char {i} accepted"
        );
    }
}

#[test]
fn not_a_code_is_told_apart() {
    for s in ["", "hello", "hwr1:abc", "HWT1-AAAA", "hwt1-***"] {
        assert_eq!(Invite::decode(s).err(), Some(InviteError::NotACode), "{s}");
    }
    assert_eq!(Invite::decode("hwt1-").err(), Some(InviteError::Mistyped));
}

#[test]
fn a_later_version_is_unsupported() {
    use base64::Engine;
    use sha2::Digest;
    let mut raw = vec![2u8; 50];
    let sum = sha2::Sha256::digest(&raw);
    raw.extend_from_slice(&sum[..4]);
    let code = format!(
        "hwt1-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw)
    );
    assert_eq!(
        Invite::decode(&code).err(),
        Some(InviteError::Unsupported(2))
    );
}

#[test]
fn expiry() {
    let i = Invite::new("ch", "https://r", 1000, 60);
    assert!(!i.is_expired(1000));
    assert!(!i.is_expired(1059));
    assert!(i.is_expired(1060));
    assert!(i.is_expired(u64::MAX));
    assert!(!Invite::new("ch", "https://r", u64::MAX - 1, 60).is_expired(u64::MAX - 1));
}

#[test]
fn debug_hides_the_password() {
    let i = invite();
    let shown = format!("{i:?}");
    assert!(!shown.contains("password"), "{shown}");
}
