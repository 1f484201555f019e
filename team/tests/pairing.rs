//! SPAKE2 pairing: both sides agree only with the same code, and the join messages go through.

use hirewire_team::{JoinAnswer, JoinRequest, Pairing, PairingError, Session, Side};

fn pair(engine_pw: &[u8; 16], seat_pw: &[u8; 16]) -> (Session, Session) {
    let (e, e_msg) = Pairing::start(Side::Engine, engine_pw);
    let (s, s_msg) = Pairing::start(Side::Seat, seat_pw);
    (
        e.finish(&s_msg).expect("engine finishes"),
        s.finish(&e_msg).expect("seat finishes"),
    )
}

#[test]
fn same_code_gives_same_fingerprint_and_messages_open() {
    let pw: [u8; 16] = rand::random();
    let (engine, seat) = pair(&pw, &pw);
    let fp = engine.fingerprint();
    assert_eq!(fp, seat.fingerprint());
    assert_eq!(fp.len(), 9);
    assert_eq!(fp.as_bytes()[4], b'-');

    let req = JoinRequest {
        key: "k".into(),
        recipient: "age1x".into(),
        name: "Dana".into(),
    };
    let sealed = seat.seal(Side::Seat, &serde_json::to_vec(&req).expect("json"));
    let got: JoinRequest =
        serde_json::from_slice(&engine.open(Side::Seat, &sealed).expect("opens")).expect("json");
    assert_eq!(got, req);

    let ans = JoinAnswer {
        device: "d".into(),
        role: "member".into(),
        epoch: 3,
        team_key: "t".into(),
        engine_key: "e".into(),
        owner: "Olu".into(),
        name: "dana".into(),
    };
    let sealed = engine.seal(Side::Engine, &serde_json::to_vec(&ans).expect("json"));
    let got: JoinAnswer =
        serde_json::from_slice(&seat.open(Side::Engine, &sealed).expect("opens")).expect("json");
    assert_eq!(got, ans);
}

#[test]
fn directions_are_separated() {
    let pw = [9u8; 16];
    let (engine, seat) = pair(&pw, &pw);
    // A message the engine sent cannot be reflected back to it as if from the seat.
    let sealed = engine.seal(Side::Engine, b"answer");
    assert_eq!(
        engine.open(Side::Seat, &sealed),
        Err(PairingError::WrongCode)
    );
    assert_eq!(seat.open(Side::Seat, &sealed), Err(PairingError::WrongCode));
}

#[test]
fn a_different_code_is_wrong_code_on_open_and_fingerprints_differ() {
    let (engine, seat) = pair(&[1u8; 16], &[2u8; 16]);
    assert_ne!(engine.fingerprint(), seat.fingerprint());
    let sealed = seat.seal(Side::Seat, b"join");
    assert_eq!(
        engine.open(Side::Seat, &sealed),
        Err(PairingError::WrongCode)
    );
    let sealed = engine.seal(Side::Engine, b"answer");
    assert_eq!(
        seat.open(Side::Engine, &sealed),
        Err(PairingError::WrongCode)
    );
}

#[test]
fn fingerprints_differ_between_pairings_with_different_codes() {
    let (a, _) = pair(&[1u8; 16], &[1u8; 16]);
    let (b, _) = pair(&[2u8; 16], &[2u8; 16]);
    assert_ne!(a.fingerprint(), b.fingerprint());
}

#[test]
fn altered_pairing_messages_are_refused() {
    let pw = [5u8; 16];
    let (engine, seat) = pair(&pw, &pw);
    let sealed = seat.seal(Side::Seat, b"join request");
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 1;
        assert_eq!(
            engine.open(Side::Seat, &bad),
            Err(PairingError::WrongCode),
            "byte {i}"
        );
    }
}

#[test]
fn a_message_from_the_same_side_is_refused() {
    let pw = [5u8; 16];
    let (e1, _) = Pairing::start(Side::Engine, &pw);
    let (_, e2_msg) = Pairing::start(Side::Engine, &pw);
    assert_eq!(e1.finish(&e2_msg).err(), Some(PairingError::BadMessage));
}
