//! What follows the manifest in an archive's payload: one frame per table, row and
//! secret, and an end mark. Each frame is a tag byte and length-prefixed fields
//! (little-endian):
//!
//! - `T` name (u16 length) and the table's row count (u64): the rows that follow are its;
//! - `R` key (u32 length) and value (u32 length): one row;
//! - `S` name (u16 length) and value (u32 length): one secret;
//! - `E`: the end; nothing may follow.
//!
//! Lengths are bounded, and a field is read as far as the bytes go (never allocated from
//! the length alone), so a damaged or hostile archive is refused, never a panic or an
//! allocation of its choosing.

use std::io::{self, Read, Write};

use zeroize::Zeroizing;

/// The longest table or secret name.
pub const MAX_NAME: usize = 256;
/// The longest row key (keys are ids and link keys: short).
pub const MAX_KEY: usize = 1024 * 1024;
/// The longest row value (a history entry's detail holds its webhook, at most a few MiB).
pub const MAX_VALUE: usize = 64 * 1024 * 1024;
/// The longest secret value.
pub const MAX_SECRET: usize = 64 * 1024;

/// One frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The rows that follow belong to this table, which has `rows` of them.
    Table {
        /// The table's name.
        name: String,
        /// Its row count.
        rows: u64,
    },
    /// One row.
    Row {
        /// The key's bytes.
        key: Vec<u8>,
        /// The value's bytes.
        value: Vec<u8>,
    },
    /// One secret.
    Secret {
        /// Its name.
        name: String,
        /// Its value, wiped from memory when dropped.
        value: Zeroizing<String>,
    },
    /// The end of the archive.
    End,
}

/// Why the frames cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The payload stops before its end mark.
    #[error("it stops before its end")]
    Truncated,
    /// A frame is not one.
    #[error("{0}")]
    Bad(String),
    /// Reading failed (for an encrypted archive: the decryption of a damaged part).
    #[error("{0}")]
    Io(io::Error),
}

fn io_err(e: io::Error) -> FrameError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(e),
    }
}

fn too_long(what: &str, len: usize, max: usize) -> io::Error {
    io::Error::other(format!("{what} of {len} bytes (at most {max})"))
}

fn put_field(w: &mut impl Write, width: usize, max: usize, bytes: &[u8]) -> io::Result<()> {
    if bytes.len() > max {
        return Err(too_long("a field", bytes.len(), max));
    }
    let len = (bytes.len() as u64).to_le_bytes();
    w.write_all(&len[..width])?;
    w.write_all(bytes)
}

/// Writes a table frame.
pub fn write_table(w: &mut impl Write, name: &str, rows: u64) -> io::Result<()> {
    w.write_all(b"T")?;
    put_field(w, 2, MAX_NAME, name.as_bytes())?;
    w.write_all(&rows.to_le_bytes())
}

/// Writes a row frame.
pub fn write_row(w: &mut impl Write, key: &[u8], value: &[u8]) -> io::Result<()> {
    w.write_all(b"R")?;
    put_field(w, 4, MAX_KEY, key)?;
    put_field(w, 4, MAX_VALUE, value)
}

/// Writes a secret frame.
pub fn write_secret(w: &mut impl Write, name: &str, value: &str) -> io::Result<()> {
    w.write_all(b"S")?;
    put_field(w, 2, MAX_NAME, name.as_bytes())?;
    put_field(w, 4, MAX_SECRET, value.as_bytes())
}

/// Writes the end mark.
pub fn write_end(w: &mut impl Write) -> io::Result<()> {
    w.write_all(b"E")
}

fn take_len(r: &mut impl Read, width: usize, max: usize, what: &str) -> Result<usize, FrameError> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b[..width]).map_err(io_err)?;
    let len = u64::from_le_bytes(b);
    usize::try_from(len)
        .ok()
        .filter(|l| *l <= max)
        .ok_or_else(|| FrameError::Bad(format!("{what} claims {len} bytes (at most {max})")))
}

fn take_bytes(
    r: &mut impl Read,
    width: usize,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, FrameError> {
    let len = take_len(r, width, max, what)?;
    let mut out = Vec::with_capacity(len.min(64 * 1024));
    r.take(len as u64).read_to_end(&mut out).map_err(io_err)?;
    if out.len() < len {
        return Err(FrameError::Truncated);
    }
    Ok(out)
}

fn take_text(
    r: &mut impl Read,
    width: usize,
    max: usize,
    what: &str,
) -> Result<String, FrameError> {
    String::from_utf8(take_bytes(r, width, max, what)?)
        .map_err(|_| FrameError::Bad(format!("{what} is not text")))
}

/// Reads the next frame.
pub fn read(r: &mut impl Read) -> Result<Frame, FrameError> {
    let mut tag = [0u8; 1];
    r.read_exact(&mut tag).map_err(io_err)?;
    match &tag {
        b"T" => {
            let name = take_text(r, 2, MAX_NAME, "a table name")?;
            let mut rows = [0u8; 8];
            r.read_exact(&mut rows).map_err(io_err)?;
            Ok(Frame::Table {
                name,
                rows: u64::from_le_bytes(rows),
            })
        }
        b"R" => Ok(Frame::Row {
            key: take_bytes(r, 4, MAX_KEY, "a row key")?,
            value: take_bytes(r, 4, MAX_VALUE, "a row value")?,
        }),
        b"S" => {
            let name = take_text(r, 2, MAX_NAME, "a secret name")?;
            let value = Zeroizing::new(take_text(r, 4, MAX_SECRET, "a secret value")?);
            Ok(Frame::Secret { name, value })
        }
        b"E" => Ok(Frame::End),
        other => Err(FrameError::Bad(format!("an unknown frame {:?}", other[0]))),
    }
}

/// Checks that nothing follows the end mark. For an encrypted archive this read is also
/// what checks that its last part is the last one written.
pub fn expect_end(r: &mut impl Read) -> Result<(), FrameError> {
    let mut b = [0u8; 1];
    loop {
        match r.read(&mut b) {
            Ok(0) => return Ok(()),
            Ok(_) => return Err(FrameError::Bad("bytes follow its end".into())),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<u8> {
        let mut b = Vec::new();
        write_table(&mut b, "entries-v1", 1).unwrap_or_else(|e| panic!("{e}"));
        write_row(&mut b, &7u64.to_le_bytes(), b"{\"id\":7}").unwrap_or_else(|e| panic!("{e}"));
        write_secret(&mut b, "bob-token", "s3cr3t").unwrap_or_else(|e| panic!("{e}"));
        write_end(&mut b).unwrap_or_else(|e| panic!("{e}"));
        b
    }

    fn all(mut r: &[u8]) -> Result<Vec<Frame>, FrameError> {
        let mut out = Vec::new();
        loop {
            let f = read(&mut r)?;
            let end = f == Frame::End;
            out.push(f);
            if end {
                expect_end(&mut r)?;
                return Ok(out);
            }
        }
    }

    #[test]
    fn frames_read_back_in_order() {
        let frames = all(&sample()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            frames,
            vec![
                Frame::Table {
                    name: "entries-v1".into(),
                    rows: 1
                },
                Frame::Row {
                    key: 7u64.to_le_bytes().to_vec(),
                    value: b"{\"id\":7}".to_vec()
                },
                Frame::Secret {
                    name: "bob-token".into(),
                    value: Zeroizing::new("s3cr3t".into())
                },
                Frame::End,
            ]
        );
    }

    #[test]
    fn every_cut_is_truncated_and_a_tail_after_the_end_is_refused() {
        let b = sample();
        for cut in 0..b.len() {
            assert!(
                matches!(all(&b[..cut]), Err(FrameError::Truncated)),
                "cut at {cut}"
            );
        }
        let mut tail = b.clone();
        tail.push(b'E');
        assert!(matches!(all(&tail), Err(FrameError::Bad(_))));
    }

    #[test]
    fn a_huge_length_is_refused_before_anything_is_allocated() {
        let mut b = b"R".to_vec();
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(all(&b), Err(FrameError::Bad(_))));
        let mut v = b"R\x01\x00\x00\x00k".to_vec();
        v.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(all(&v), Err(FrameError::Bad(_))));
    }

    proptest! {
        #[test]
        fn any_bytes_are_frames_or_an_error_never_a_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = all(&b);
        }

        #[test]
        fn any_flipped_byte_reads_as_something_or_an_error(at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let mut b = sample();
            let i = at.index(b.len());
            b[i] ^= 1 << bit;
            let _ = all(&b);
        }
    }
}
