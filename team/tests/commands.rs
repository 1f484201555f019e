//! Commands: round trips, and the engine refuses old epochs, strangers, forgeries and
//! alterations.

use hirewire_team::{
    new_device_id, open_command, peek_command, seal_command, Action, CommandBody, CommandError,
    DeviceId, DeviceKeys, Epochs, TeamKey, MAX_COMMAND_BYTES,
};
use serde_json::json;

const CH: &str = "ch_team";

struct Setup {
    epochs: Epochs,
    dev: DeviceId,
    keys: DeviceKeys,
}

fn setup() -> Setup {
    let mut epochs = Epochs::default();
    epochs.insert(TeamKey::generate(0));
    epochs.insert(TeamKey::generate(1));
    Setup {
        epochs,
        dev: new_device_id(),
        keys: DeviceKeys::generate(),
    }
}

impl Setup {
    fn seal(&self, epoch: u32, body: &CommandBody) -> Vec<u8> {
        let key = self.epochs.get(epoch).expect("epoch held");
        seal_command(CH, key, &self.dev, self.keys.signing_key(), body)
    }
    fn open(&self, bytes: &[u8]) -> Result<(DeviceId, CommandBody), CommandError> {
        let (dev, public) = (self.dev, self.keys.public_key());
        open_command(
            CH,
            &self.epochs,
            1,
            |d| (*d == dev).then_some(public),
            bytes,
        )
    }
}

fn body() -> CommandBody {
    CommandBody::new(
        Action::Approve,
        Some(12),
        Some(json!({"hire": "x"})),
        1_700_000_000_000,
    )
}

#[test]
fn command_round_trips_and_peek_reads_the_header() {
    let s = setup();
    for action in [
        Action::Approve,
        Action::Dismiss,
        Action::Retry,
        Action::CatchUp,
    ] {
        let b = CommandBody::new(action, None, None, 5);
        let c = s.seal(1, &b);
        assert_eq!(peek_command(&c), Ok((1, s.dev)));
        assert_eq!(s.open(&c), Ok((s.dev, b)));
    }
}

#[test]
fn actions_are_snake_case_and_ids_are_random_base64url() {
    let b = CommandBody::new(Action::CatchUp, None, None, 9);
    let v = serde_json::to_value(&b).expect("json");
    assert_eq!(v["action"], "catch_up");
    assert_eq!(v["sent_at"], 9);
    assert_eq!(b.id.len(), 22);
    assert_ne!(b.id, CommandBody::new(Action::CatchUp, None, None, 9).id);
}

#[test]
fn every_single_byte_flip_of_a_command_is_refused() {
    let s = setup();
    let c = s.seal(1, &body());
    for i in 0..c.len() {
        for bit in [0x01u8, 0x80, 0xff] {
            let mut bad = c.clone();
            bad[i] ^= bit;
            assert!(
                s.open(&bad).is_err(),
                "flip of byte {i} (bit {bit:#x}) accepted"
            );
        }
    }
    for len in 0..c.len() {
        assert!(s.open(&c[..len]).is_err(), "first {len} bytes accepted");
    }
}

#[test]
fn a_command_under_an_old_epoch_is_refused() {
    let s = setup();
    let c = s.seal(0, &body());
    assert_eq!(
        s.open(&c),
        Err(CommandError::OldEpoch {
            epoch: 0,
            current: 1
        })
    );
}

#[test]
fn a_command_under_an_epoch_the_engine_does_not_hold_is_refused() {
    let s = setup();
    let stray = TeamKey::generate(2);
    let c = seal_command(CH, &stray, &s.dev, s.keys.signing_key(), &body());
    assert_eq!(s.open(&c), Err(CommandError::UnknownEpoch(2)));
}

#[test]
fn a_command_from_a_device_not_in_the_list_is_refused() {
    let s = setup();
    let stranger = DeviceKeys::generate();
    let c = seal_command(
        CH,
        s.epochs.get(1).expect("key"),
        &new_device_id(),
        stranger.signing_key(),
        &body(),
    );
    assert_eq!(s.open(&c), Err(CommandError::UnknownDevice));
}

#[test]
fn a_command_signed_by_another_device_but_naming_a_listed_one_is_refused() {
    let s = setup();
    // Another member holds the team key and its own signing key, and claims to be `dev`.
    let other = DeviceKeys::generate();
    let c = seal_command(
        CH,
        s.epochs.get(1).expect("key"),
        &s.dev,
        other.signing_key(),
        &body(),
    );
    assert_eq!(s.open(&c), Err(CommandError::BadSignature));
}

#[test]
fn a_command_for_another_channel_is_refused() {
    let s = setup();
    let c = seal_command(
        "ch_other",
        s.epochs.get(1).expect("key"),
        &s.dev,
        s.keys.signing_key(),
        &body(),
    );
    assert_eq!(s.open(&c), Err(CommandError::Tampered));
}

#[test]
fn oversized_commands_are_refused_before_opening() {
    let s = setup();
    let big = CommandBody::new(
        Action::Approve,
        None,
        Some(json!("x".repeat(MAX_COMMAND_BYTES))),
        0,
    );
    let c = s.seal(1, &big);
    assert!(matches!(s.open(&c), Err(CommandError::Malformed(_))));
}

#[test]
fn a_signed_body_that_is_not_a_command_is_refused() {
    // A member who holds the team key and its own key could seal any JSON; the engine
    // checks the shape (and the id) after the signature.
    let s = setup();
    let mut b = body();
    b.id = "short".into();
    assert!(matches!(
        s.open(&s.seal(1, &b)),
        Err(CommandError::Malformed(_))
    ));
}
