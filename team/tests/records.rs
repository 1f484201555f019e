//! Log records: round trips, and every way the relay or a member could alter one is refused.

use hirewire_team::{
    open_record, seal_epoch, seal_record, DeviceKeys, Epochs, Opened, RecordError, TeamKey,
};

const CH: &str = "ch_team";

struct Team {
    engine: DeviceKeys,
    epochs: Epochs,
}

fn team() -> Team {
    let mut epochs = Epochs::default();
    epochs.insert(TeamKey::generate(0));
    Team {
        engine: DeviceKeys::generate(),
        epochs,
    }
}

impl Team {
    fn key(&self) -> &TeamKey {
        self.epochs.current().expect("a key")
    }
    fn open(&self, pos: u64, me: Option<&DeviceKeys>, bytes: &[u8]) -> Result<Opened, RecordError> {
        open_record(CH, pos, &self.epochs, &self.engine.public_key(), me, bytes)
    }
}

fn body_of(o: Result<Opened, RecordError>) -> (u32, Vec<u8>) {
    match o {
        Ok(Opened::Body { epoch, body }) => (epoch, body),
        other => panic!("expected a body, got {other:?}"),
    }
}

#[test]
fn body_record_round_trips() {
    let t = team();
    for body in [&b""[..], b"x", &[7u8; 5000]] {
        let r = seal_record(CH, 42, t.key(), t.engine.signing_key(), body);
        assert_eq!(body_of(t.open(42, None, &r)), (0, body.to_vec()));
    }
}

#[test]
fn every_single_byte_flip_of_a_body_record_is_refused() {
    let t = team();
    let r = seal_record(CH, 3, t.key(), t.engine.signing_key(), b"{\"entry\":1}");
    for i in 0..r.len() {
        for bit in [0x01u8, 0x80, 0xff] {
            let mut bad = r.clone();
            bad[i] ^= bit;
            assert!(
                t.open(3, None, &bad).is_err(),
                "flip of byte {i} (bit {bit:#x}) accepted"
            );
        }
    }
    // Cut short or lengthened.
    for len in 0..r.len() {
        assert!(
            t.open(3, None, &r[..len]).is_err(),
            "first {len} bytes accepted"
        );
    }
    let mut longer = r.clone();
    longer.push(0);
    assert_eq!(t.open(3, None, &longer).err(), Some(RecordError::Tampered));
}

#[test]
fn a_record_read_at_another_position_or_channel_is_refused() {
    let t = team();
    let r = seal_record(CH, 10, t.key(), t.engine.signing_key(), b"body");
    for pos in [0, 9, 11, u64::MAX] {
        assert_eq!(
            t.open(pos, None, &r).err(),
            Some(RecordError::Tampered),
            "pos {pos}"
        );
    }
    let other = open_record("ch_other", 10, &t.epochs, &t.engine.public_key(), None, &r);
    assert_eq!(other.err(), Some(RecordError::Tampered));
}

#[test]
fn a_member_with_the_team_key_cannot_write_in_the_engines_name() {
    let t = team();
    let member = DeviceKeys::generate();
    let forged = seal_record(CH, 5, t.key(), member.signing_key(), b"approved");
    assert_eq!(
        t.open(5, None, &forged).err(),
        Some(RecordError::BadSignature)
    );
}

#[test]
fn unknown_magic_and_short_input_are_told_apart() {
    let t = team();
    assert_eq!(t.open(0, None, b"HWL").err(), Some(RecordError::Truncated));
    assert_eq!(
        t.open(0, None, b"XXXX\0\0\0\0rest").err(),
        Some(RecordError::UnknownFormat)
    );
    assert_eq!(
        t.open(0, None, b"HWL1\0\0\0\0short").err(),
        Some(RecordError::Truncated)
    );
}

#[test]
fn epoch_record_reaches_remaining_devices_only() {
    let mut t = team();
    let (a, b, c) = (
        DeviceKeys::generate(),
        DeviceKeys::generate(),
        DeviceKeys::generate(),
    );
    // C was a member at epoch 0 and holds that key.
    let mut c_epochs = t.epochs.clone();
    let new = TeamKey::generate(1);
    let rec = seal_epoch(
        CH,
        20,
        &new,
        t.engine.signing_key(),
        &[a.recipient(), b.recipient()],
    )
    .expect("sealed");

    for d in [&a, &b] {
        match t.open(20, Some(d), &rec) {
            Ok(Opened::Epoch(k)) => {
                assert_eq!(k.epoch, 1);
                assert_eq!(k.to_b64(), new.to_b64());
            }
            other => panic!("remaining device could not open: {other:?}"),
        }
    }
    let engine_pub = t.engine.public_key();
    assert_eq!(
        open_record(CH, 20, &c_epochs, &engine_pub, Some(&c), &rec).err(),
        Some(RecordError::NotForMe)
    );
    assert_eq!(t.open(20, None, &rec).err(), Some(RecordError::NotForMe));

    // After the rotation, C can read nothing new, while A can.
    t.epochs.insert(new);
    let later = seal_record(CH, 21, t.key(), t.engine.signing_key(), b"after removal");
    assert_eq!(
        body_of(t.open(21, Some(&a), &later)),
        (1, b"after removal".to_vec())
    );
    assert_eq!(
        open_record(CH, 21, &c_epochs, &engine_pub, Some(&c), &later).err(),
        Some(RecordError::UnknownEpoch(1))
    );
    // C keeps what it had: records of epoch 0 still open for it.
    let old = seal_record(
        CH,
        19,
        t.epochs.get(0).expect("epoch 0"),
        t.engine.signing_key(),
        b"before",
    );
    c_epochs.insert(TeamKey::generate(9));
    assert_eq!(
        body_of(open_record(CH, 19, &c_epochs, &engine_pub, Some(&c), &old)),
        (0, b"before".to_vec())
    );
}

#[test]
fn every_single_byte_flip_of_an_epoch_record_is_refused() {
    let t = team();
    let a = DeviceKeys::generate();
    let rec = seal_epoch(
        CH,
        7,
        &TeamKey::generate(1),
        t.engine.signing_key(),
        &[a.recipient()],
    )
    .expect("sealed");
    assert!(matches!(t.open(7, Some(&a), &rec), Ok(Opened::Epoch(_))));
    for i in 0..rec.len() {
        let mut bad = rec.clone();
        bad[i] ^= 0x01;
        assert!(
            t.open(7, Some(&a), &bad).is_err(),
            "flip of byte {i} accepted"
        );
    }
    assert_eq!(
        t.open(8, Some(&a), &rec).err(),
        Some(RecordError::BadSignature)
    );
    let other = open_record(
        "ch_other",
        7,
        &t.epochs,
        &t.engine.public_key(),
        Some(&a),
        &rec,
    );
    assert_eq!(other.err(), Some(RecordError::BadSignature));
}

#[test]
fn an_epoch_record_signed_by_someone_else_is_refused() {
    let t = team();
    let a = DeviceKeys::generate();
    let intruder = DeviceKeys::generate();
    let rec = seal_epoch(
        CH,
        7,
        &TeamKey::generate(1),
        intruder.signing_key(),
        &[a.recipient()],
    )
    .expect("sealed");
    assert_eq!(
        t.open(7, Some(&a), &rec).err(),
        Some(RecordError::BadSignature)
    );
}

#[test]
fn seal_epoch_refuses_bad_recipients() {
    let t = team();
    let k = TeamKey::generate(1);
    assert_eq!(
        seal_epoch(CH, 0, &k, t.engine.signing_key(), &[]).err(),
        Some(RecordError::NoRecipients)
    );
    assert!(matches!(
        seal_epoch(CH, 0, &k, t.engine.signing_key(), &["age1nope".into()]),
        Err(RecordError::BadRecipient(_))
    ));
}
