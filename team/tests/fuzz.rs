//! Arbitrary bytes into every parser of outside input: never a panic, always refused.

use hirewire_team::{
    open_command, open_record, peek_command, seal_command, seal_record, Action, CommandBody,
    DeviceKeys, Epochs, Invite, Pairing, Session, Side, TeamKey,
};
use proptest::prelude::*;
use std::sync::LazyLock;

fn epochs() -> Epochs {
    let mut e = Epochs::default();
    e.insert(TeamKey::generate(0));
    e
}

/// The password of the real pairing below.
const PW: [u8; 16] = [7u8; 16];

/// A real pairing: the engine's session and a message the real seat sealed to it.
static REAL: LazyLock<(Session, Vec<u8>)> = LazyLock::new(|| {
    let (e, e_msg) = Pairing::start(Side::Engine, &PW);
    let (s, s_msg) = Pairing::start(Side::Seat, &PW);
    let engine = e.finish(&s_msg).expect("engine finishes");
    let seat = s.finish(&e_msg).expect("seat finishes");
    let sealed = seat.seal(Side::Seat, b"join");
    assert!(engine.open(Side::Seat, &sealed).is_ok());
    (engine, sealed)
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn open_record_refuses_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), pos in any::<u64>()) {
        let me = DeviceKeys::generate();
        let engine = DeviceKeys::generate().public_key();
        prop_assert!(open_record("ch", pos, &epochs(), &engine, Some(&me), &bytes).is_err());
    }

    #[test]
    fn open_record_refuses_arbitrary_bytes_behind_a_valid_header(
        magic in prop::sample::select(vec![*b"HWL1", *b"HWE1"]),
        rest in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&0u32.to_be_bytes());
        bytes.extend_from_slice(&rest);
        let me = DeviceKeys::generate();
        let engine = DeviceKeys::generate().public_key();
        prop_assert!(open_record("ch", 0, &epochs(), &engine, Some(&me), &bytes).is_err());
    }

    #[test]
    fn a_record_mutated_anywhere_is_refused(body in prop::collection::vec(any::<u8>(), 0..200), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let e = epochs();
        let engine = DeviceKeys::generate();
        let mut r = seal_record("ch", 1, e.current().expect("key"), engine.signing_key(), &body);
        let i = at.index(r.len());
        r[i] ^= 1 << bit;
        prop_assert!(open_record("ch", 1, &e, &engine.public_key(), None, &r).is_err());
    }

    #[test]
    fn command_parsers_refuse_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let key = DeviceKeys::generate().public_key();
        let _ = peek_command(&bytes);
        prop_assert!(open_command("ch", &epochs(), 0, |_| Some(key), &bytes).is_err());
    }

    #[test]
    fn command_refuses_arbitrary_bytes_behind_a_valid_header(rest in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = b"HWC1".to_vec();
        bytes.extend_from_slice(&[0u8; 4 + 16]);
        bytes.extend_from_slice(&rest);
        let key = DeviceKeys::generate().public_key();
        prop_assert!(open_command("ch", &epochs(), 0, |_| Some(key), &bytes).is_err());
    }

    #[test]
    fn a_command_mutated_anywhere_is_refused(entry in any::<Option<u64>>(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let e = epochs();
        let dev = [3u8; 16];
        let keys = DeviceKeys::generate();
        let body = CommandBody::new(Action::Retry, entry, None, 1);
        let mut c = seal_command("ch", e.current().expect("key"), &dev, keys.signing_key(), &body);
        let i = at.index(c.len());
        c[i] ^= 1 << bit;
        let public = keys.public_key();
        prop_assert!(open_command("ch", &e, 0, |d| (*d == dev).then_some(public), &c).is_err());
    }

    #[test]
    fn invite_decode_refuses_arbitrary_text(s in ".{0,200}") {
        prop_assert!(Invite::decode(&s).is_err());
    }

    #[test]
    fn invite_decode_refuses_arbitrary_base64_after_the_prefix(s in "[A-Za-z0-9_-]{0,200}") {
        let code = format!("hwt1-{s}");
        prop_assert!(Invite::decode(&code).is_err());
    }

    #[test]
    fn invite_round_trips_any_channel_and_url(ch in "\\PC{1,60}", url in "\\PC{1,120}", now in any::<u64>(), ttl in any::<u64>()) {
        let i = Invite::new(&ch, &url, now, ttl);
        let back = Invite::decode(&i.encode()).expect("decodes");
        prop_assert_eq!(&back.channel, &ch);
        prop_assert_eq!(&back.relay_url, &url);
        prop_assert_eq!(back.expires_at, i.expires_at);
        prop_assert_eq!(back.password, i.password);
        prop_assert_eq!(back.mailbox, i.mailbox);
    }

    #[test]
    fn session_open_refuses_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        prop_assert!(REAL.0.open(Side::Seat, &bytes).is_err());
    }
}

proptest! {
    // Fewer cases: each starts a SPAKE2 exchange, slow in an unoptimised build.
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Arbitrary bytes as the peer's SPAKE2 message: either refused at once, or (bytes that
    /// happen to be a valid point from the right side) a session that opens nothing the real
    /// seat sealed.
    #[test]
    fn pairing_finish_refuses_arbitrary_messages(
        mut msg in prop::collection::vec(any::<u8>(), 0..80),
        right_side in any::<bool>(),
    ) {
        let (engine, _) = Pairing::start(Side::Engine, &PW);
        if right_side && !msg.is_empty() {
            msg.resize(33, 0);
            msg[0] = b'B';
        }
        if let Ok(session) = engine.finish(&msg) {
            prop_assert!(session.open(Side::Seat, &REAL.1).is_err());
        }
    }
}
