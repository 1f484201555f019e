//! The start of an archive's (decrypted) payload: a fixed magic, then the manifest's
//! length (four bytes, little-endian) and the manifest itself, JSON: the archive's format
//! version, the Hirewire that wrote it, when, and how many rows of each table and which
//! secrets follow. `restore` reads it first: an archive from a newer format is refused
//! before anything is written, and the counts are checked against what follows.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// The first bytes of every payload.
pub const MAGIC: &[u8; 16] = b"hirewire-backup\n";
/// The archive format this build writes and the newest it reads.
pub const FORMAT: u32 = 1;
/// A manifest is a few KiB; a larger length is not one.
pub const MAX_MANIFEST: u32 = 64 * 1024;

/// One table's name and its number of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    /// The table's name (with its version, e.g. `entries-v1`).
    pub name: String,
    /// Rows that follow.
    pub rows: u64,
}

/// What an archive holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive format ([`FORMAT`] when written by this build).
    pub format: u32,
    /// The Hirewire version that wrote it.
    pub hirewire: String,
    /// When it was written (ms since the epoch).
    pub created_at: u64,
    /// The profile it was taken from.
    pub profile: String,
    /// Every table, in the order its rows follow.
    pub tables: Vec<TableRows>,
    /// The names of the secrets that follow the rows (never their values).
    pub secrets: Vec<String>,
}

impl Manifest {
    /// The rows of the table named `name` (0 when the archive has none).
    pub fn rows(&self, name: &str) -> u64 {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.rows)
            .unwrap_or(0)
    }
}

/// Why a payload's start cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// It does not start with [`MAGIC`].
    #[error("it is not a Hirewire backup")]
    NotArchive,
    /// It ends inside the manifest.
    #[error("it ends before its table of contents does")]
    Truncated,
    /// The manifest's length is out of bounds.
    #[error("its table of contents claims {0} bytes")]
    BadLength(u32),
    /// The manifest is not one.
    #[error("its table of contents cannot be read ({0})")]
    Bad(String),
    /// A newer format than this build reads.
    #[error("it was written by Hirewire {hirewire} in backup format {format}; this Hirewire reads up to format {FORMAT}")]
    Newer {
        /// The archive's format.
        format: u64,
        /// The Hirewire that wrote it, as the archive says.
        hirewire: String,
    },
    /// Reading failed (for an encrypted archive: the decryption of a damaged part).
    #[error("{0}")]
    Io(io::Error),
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<(), ManifestError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ManifestError::Truncated,
        _ => ManifestError::Io(e),
    })
}

/// Writes the magic, the length and the manifest.
pub fn write(w: &mut impl Write, m: &Manifest) -> io::Result<()> {
    let json = serde_json::to_vec(m).map_err(io::Error::other)?;
    let len = u32::try_from(json.len())
        .ok()
        .filter(|l| *l <= MAX_MANIFEST)
        .ok_or_else(|| io::Error::other("the table of contents is too large"))?;
    w.write_all(MAGIC)?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&json)
}

/// Reads the magic, the length and the manifest; refuses a newer format before reading
/// anything else of it.
pub fn read(r: &mut impl Read) -> Result<Manifest, ManifestError> {
    let mut magic = [0u8; 16];
    read_exact(r, &mut magic)?;
    if &magic != MAGIC {
        return Err(ManifestError::NotArchive);
    }
    let mut len = [0u8; 4];
    read_exact(r, &mut len)?;
    let len = u32::from_le_bytes(len);
    if len == 0 || len > MAX_MANIFEST {
        return Err(ManifestError::BadLength(len));
    }
    let mut json = vec![0u8; len as usize];
    read_exact(r, &mut json)?;
    parse(&json)
}

/// The manifest in `json`: the format is checked first, so that a newer archive whose
/// manifest has changed shape is said to be newer, not damaged.
pub fn parse(json: &[u8]) -> Result<Manifest, ManifestError> {
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| ManifestError::Bad(e.to_string()))?;
    let format = value
        .get("format")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| ManifestError::Bad("no format version".into()))?;
    if format > u64::from(FORMAT) {
        let hirewire = value
            .get("hirewire")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("of a later version")
            .chars()
            .take(40)
            .collect();
        return Err(ManifestError::Newer { format, hirewire });
    }
    if format == 0 {
        return Err(ManifestError::Bad("format version 0".into()));
    }
    serde_json::from_value(value).map_err(|e| ManifestError::Bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT,
            hirewire: "0.1.0".into(),
            created_at: 1_700_000_000_000,
            profile: "default".into(),
            tables: vec![TableRows {
                name: "entries-v1".into(),
                rows: 3,
            }],
            secrets: vec!["bob-token".into()],
        }
    }

    fn bytes(m: &Manifest) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, m).unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn a_manifest_reads_back_and_leaves_what_follows_unread() {
        let mut b = bytes(&sample());
        b.extend_from_slice(b"rows");
        let mut r = &b[..];
        assert_eq!(read(&mut r).ok(), Some(sample()));
        assert_eq!(r, b"rows");
        assert_eq!(sample().rows("entries-v1"), 3);
        assert_eq!(sample().rows("jobs-v1"), 0);
    }

    #[test]
    fn a_newer_format_is_refused_naming_the_version_that_wrote_it() {
        let mut m = sample();
        m.format = FORMAT + 1;
        m.hirewire = "9.0.0".into();
        let err = read(&mut &bytes(&m)[..]).err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(err.contains("9.0.0") && err.contains("format 2"), "{err}");
    }

    #[test]
    fn a_newer_format_is_newer_even_when_the_rest_has_changed_shape() {
        let json = br#"{"format": 7, "hirewire": "3.0.0", "tables": "elsewhere"}"#;
        assert!(matches!(
            parse(json),
            Err(ManifestError::Newer { format: 7, .. })
        ));
    }

    #[test]
    fn bad_starts_are_refused_with_their_reason() {
        assert!(matches!(
            read(&mut &b"not a backup at all, no"[..]),
            Err(ManifestError::NotArchive)
        ));
        assert!(matches!(
            read(&mut &MAGIC[..8]),
            Err(ManifestError::Truncated)
        ));
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read(&mut &b[..]),
            Err(ManifestError::BadLength(u32::MAX))
        ));
        let whole = bytes(&sample());
        assert!(matches!(
            read(&mut &whole[..whole.len() - 1]),
            Err(ManifestError::Truncated)
        ));
        let mut zero = sample();
        zero.format = 0;
        assert!(matches!(
            read(&mut &bytes(&zero)[..]),
            Err(ManifestError::Bad(_))
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_are_refused_or_read_never_a_panic(tail in proptest::collection::vec(any::<u8>(), 0..256), len in any::<u32>(), magic in any::<bool>()) {
            let mut b = if magic { MAGIC.to_vec() } else { Vec::new() };
            b.extend_from_slice(&len.to_le_bytes());
            b.extend_from_slice(&tail);
            let _ = read(&mut &b[..]);
            let _ = parse(&tail);
        }

        #[test]
        fn any_format_number_is_read_refused_as_newer_or_refused_as_bad(format in any::<u64>(), version in "[ -~]{0,80}") {
            let json = serde_json::json!({
                "format": format, "hirewire": version, "created_at": 1, "profile": "p",
                "tables": [], "secrets": []
            });
            let got = parse(&serde_json::to_vec(&json).unwrap_or_default());
            match got {
                Ok(m) => prop_assert!(m.format >= 1 && m.format <= FORMAT),
                Err(ManifestError::Newer { format: f, hirewire }) => {
                    prop_assert!(f > u64::from(FORMAT));
                    prop_assert!(hirewire.chars().count() <= 40);
                }
                Err(ManifestError::Bad(_)) => prop_assert_eq!(format, 0),
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }
}
