//! Keys: a device's identity (Ed25519 signing key + age X25519 identity), device ids, and
//! the team key of each epoch, with the text forms they are stored under in the keychain.
//! Secrets are zeroized when dropped and never printed by `Debug`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use zeroize::{Zeroize, Zeroizing};

/// A device's id on the relay and in the member list: 16 random bytes.
pub type DeviceId = [u8; 16];

/// Prefix of a device's stored secret (`DeviceKeys::to_secret`).
const DEVICE_SECRET_PREFIX: &str = "hwdev1:";
/// Prefix of the stored team keys (`Epochs::to_secret`).
const EPOCHS_SECRET_PREFIX: &str = "hwep1:";

/// A key or id that could not be read back.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// A device id that is not 16 bytes of base64url.
    #[error("this is not a device id (expected 22 characters of base64url)")]
    BadDeviceId,
    /// The stored device secret is damaged or from another program.
    #[error("the device's stored secret is damaged ({0}); join the team again with a new invite")]
    BadDeviceSecret(String),
    /// The stored team keys are damaged.
    #[error("the stored team keys are damaged ({0}); join the team again with a new invite")]
    BadTeamKeys(String),
    /// A team key that is not 32 bytes of base64url.
    #[error("this is not a team key (expected 32 bytes of base64url)")]
    BadTeamKey,
}

/// base64url without padding, the encoding of every binary value in team mode.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding into exactly `N` bytes.
pub(crate) fn b64_fixed<const N: usize>(s: &str) -> Option<[u8; N]> {
    let v = Zeroizing::new(URL_SAFE_NO_PAD.decode(s).ok()?);
    <[u8; N]>::try_from(v.as_slice()).ok()
}

/// A device id as text: base64url without padding (22 characters).
pub fn device_id_to_string(id: &DeviceId) -> String {
    b64(id)
}

/// Reads a device id written by [`device_id_to_string`].
pub fn device_id_from_str(s: &str) -> Result<DeviceId, KeyError> {
    b64_fixed::<16>(s.trim()).ok_or(KeyError::BadDeviceId)
}

/// A fresh random device id.
pub fn new_device_id() -> DeviceId {
    rand::random()
}

/// A fresh Ed25519 signing key from 32 random bytes (the seed is wiped after).
fn new_signing_key() -> SigningKey {
    let mut seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    seed.zeroize();
    key
}

/// One device's own keys: the Ed25519 key that signs its commands (the engine's signs the
/// log) and the age X25519 identity that receives each new epoch's team key.
#[derive(Clone)]
pub struct DeviceKeys {
    signing: SigningKey,
    age: age::x25519::Identity,
}

impl fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKeys")
            .field("public_key", &b64(&self.public_key()))
            .field("recipient", &self.recipient())
            .finish_non_exhaustive()
    }
}

impl DeviceKeys {
    /// New random keys for this device.
    pub fn generate() -> Self {
        DeviceKeys {
            signing: new_signing_key(),
            age: age::x25519::Identity::generate(),
        }
    }

    /// The text stored in the keychain: `hwdev1:` + base64url(Ed25519 seed) + `:` + the age
    /// identity (`AGE-SECRET-KEY-1…`).
    pub fn to_secret(&self) -> String {
        let seed = Zeroizing::new(self.signing.to_bytes());
        let seed_b64 = Zeroizing::new(b64(seed.as_slice()));
        let age = self.age.to_string();
        let age = age.expose_secret();
        let mut out = String::with_capacity(DEVICE_SECRET_PREFIX.len() + 44 + 1 + age.len());
        out.push_str(DEVICE_SECRET_PREFIX);
        out.push_str(&seed_b64);
        out.push(':');
        out.push_str(age);
        out
    }

    /// Reads back what [`DeviceKeys::to_secret`] wrote.
    pub fn from_secret(s: &str) -> Result<Self, KeyError> {
        let bad = |why: &str| KeyError::BadDeviceSecret(why.to_string());
        let rest = s
            .trim()
            .strip_prefix(DEVICE_SECRET_PREFIX)
            .ok_or_else(|| bad("unknown format"))?;
        let (seed_b64, age) = rest.split_once(':').ok_or_else(|| bad("missing part"))?;
        let seed = Zeroizing::new(b64_fixed::<32>(seed_b64).ok_or_else(|| bad("signing key"))?);
        let age = age::x25519::Identity::from_str(age).map_err(|_| bad("age identity"))?;
        Ok(DeviceKeys {
            signing: SigningKey::from_bytes(&seed),
            age,
        })
    }

    /// The Ed25519 key this device signs with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The Ed25519 public key (registered on the relay, sent to the engine when joining).
    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The age recipient (`age1…`) new epochs' team keys are sealed to.
    pub fn recipient(&self) -> String {
        self.age.to_public().to_string()
    }

    /// The age identity that opens epoch records sealed to [`DeviceKeys::recipient`].
    pub(crate) fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }
}

/// The team key of one epoch: 32 random bytes, wiped when dropped.
#[derive(Clone)]
pub struct TeamKey {
    /// The epoch this key belongs to (0 for the team's first key, +1 at each removal).
    pub epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamKey")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

impl TeamKey {
    /// A fresh random key for `epoch`.
    pub fn generate(epoch: u32) -> Self {
        TeamKey {
            epoch,
            key: Zeroizing::new(rand::random()),
        }
    }

    /// The key as base64url (sent in the sealed join answer).
    pub fn to_b64(&self) -> String {
        b64(self.key.as_slice())
    }

    /// Reads a key written by [`TeamKey::to_b64`].
    pub fn from_b64(epoch: u32, s: &str) -> Result<Self, KeyError> {
        let key = b64_fixed::<32>(s.trim()).ok_or(KeyError::BadTeamKey)?;
        Ok(Self::from_bytes(epoch, key))
    }

    pub(crate) fn from_bytes(epoch: u32, key: [u8; 32]) -> Self {
        TeamKey {
            epoch,
            key: Zeroizing::new(key),
        }
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// The team keys a device holds, by epoch.
#[derive(Default, Clone)]
pub struct Epochs {
    keys: BTreeMap<u32, TeamKey>,
}

impl fmt::Debug for Epochs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Epochs")
            .field("epochs", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Epochs {
    /// Adds (or replaces) the key of `k.epoch`.
    pub fn insert(&mut self, k: TeamKey) {
        self.keys.insert(k.epoch, k);
    }

    /// The key of `epoch`, if this device holds it.
    pub fn get(&self, epoch: u32) -> Option<&TeamKey> {
        self.keys.get(&epoch)
    }

    /// The key of the highest epoch held.
    pub fn current(&self) -> Option<&TeamKey> {
        self.keys.values().next_back()
    }

    /// The epochs held, lowest first.
    pub fn epochs(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The text stored in the keychain: `hwep1:` + `EPOCH.KEY` pairs (key in base64url)
    /// separated by `,`, lowest epoch first.
    pub fn to_secret(&self) -> String {
        let mut out = String::from(EPOCHS_SECRET_PREFIX);
        for (i, k) in self.keys.values().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&k.epoch.to_string());
            out.push('.');
            out.push_str(&Zeroizing::new(k.to_b64()));
        }
        out
    }

    /// Reads back what [`Epochs::to_secret`] wrote.
    pub fn from_secret(s: &str) -> Result<Self, KeyError> {
        let bad = |why: String| KeyError::BadTeamKeys(why);
        let rest = s
            .trim()
            .strip_prefix(EPOCHS_SECRET_PREFIX)
            .ok_or_else(|| bad("unknown format".into()))?;
        let mut out = Epochs::default();
        for part in rest.split(',').filter(|p| !p.is_empty()) {
            let (epoch, key) = part
                .split_once('.')
                .ok_or_else(|| bad("missing part".into()))?;
            let epoch: u32 = epoch.parse().map_err(|_| bad("epoch number".into()))?;
            let key =
                TeamKey::from_b64(epoch, key).map_err(|_| bad(format!("key of epoch {epoch}")))?;
            out.insert(key);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_keys_round_trip_through_their_secret() {
        let k = DeviceKeys::generate();
        let back = DeviceKeys::from_secret(&k.to_secret()).expect("reads back");
        assert_eq!(back.public_key(), k.public_key());
        assert_eq!(back.recipient(), k.recipient());
        assert!(k.recipient().starts_with("age1"));
        assert!(k.to_secret().starts_with("hwdev1:"));
    }

    #[test]
    fn damaged_device_secret_is_refused() {
        let s = DeviceKeys::generate().to_secret();
        for bad in [
            String::new(),
            "hwdev1:".into(),
            s.replace("hwdev1:", "hwdev2:"),
            s.replacen(':', "", 2),
            s[..s.len() - 3].to_string(),
        ] {
            assert!(DeviceKeys::from_secret(&bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let k = DeviceKeys::generate();
        let secret = k.to_secret();
        let seed = secret.split(':').nth(1).expect("seed part");
        let shown = format!("{k:?}");
        assert!(
            !shown.contains(seed) && !shown.contains("AGE-SECRET-KEY"),
            "{shown}"
        );
        let t = TeamKey::generate(3);
        assert!(!format!("{t:?}").contains(&t.to_b64()));
    }

    #[test]
    fn device_ids_round_trip_and_refuse_other_lengths() {
        let id = new_device_id();
        let s = device_id_to_string(&id);
        assert_eq!(s.len(), 22);
        assert_eq!(device_id_from_str(&s), Ok(id));
        assert_eq!(device_id_from_str(&s[..20]), Err(KeyError::BadDeviceId));
        assert_eq!(
            device_id_from_str("not base64!"),
            Err(KeyError::BadDeviceId)
        );
    }

    #[test]
    fn epochs_round_trip_and_current_is_highest() {
        let mut e = Epochs::default();
        assert!(e.current().is_none());
        for n in [2, 0, 7] {
            e.insert(TeamKey::generate(n));
        }
        assert_eq!(e.current().map(|k| k.epoch), Some(7));
        let back = Epochs::from_secret(&e.to_secret()).expect("reads back");
        assert_eq!(back.epochs().collect::<Vec<_>>(), vec![0, 2, 7]);
        for n in [0, 2, 7] {
            assert_eq!(
                back.get(n).map(TeamKey::to_b64),
                e.get(n).map(TeamKey::to_b64)
            );
        }
        assert!(Epochs::from_secret("hwep1:").expect("empty").is_empty());
        assert!(Epochs::from_secret("hwep1:1.short").is_err());
        assert!(Epochs::from_secret("hwep1:x.AAAA").is_err());
        assert!(Epochs::from_secret("other").is_err());
    }

    #[test]
    fn team_key_b64_round_trip() {
        let k = TeamKey::generate(4);
        let back = TeamKey::from_b64(4, &k.to_b64()).expect("reads back");
        assert_eq!(back.bytes(), k.bytes());
        assert_eq!(
            TeamKey::from_b64(4, "AAAA").err(),
            Some(KeyError::BadTeamKey)
        );
    }
}
