//! Every table as rows of bytes, for a backup: [`Store::dump`] reads them all from one
//! snapshot, [`Loader`] writes them into a new database file. Rows are the tables' own
//! keys and values in a small encoding of this module ([`Column`]), not redb's internal
//! one, so an archive outlives a change of redb.
//!
//! [`each_table`] names every table once; a test fails when a table of a new database is
//! missing from it, so a table added later is backed up and restored without more work.
//! A database holding a table this build does not know is refused, never half backed up.

use std::path::Path;

use redb::{
    ConcurrencyMode, Database, Key, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition, TableHandle, Value,
};

use super::tables::*;
use super::{Store, StoreError, DB_FILE};

/// A column type rows are copied through: its values as bytes and back. A value that
/// cannot be read back is `None` (a damaged archive), never a panic.
pub trait Column: Value + 'static {
    /// Appends the value's bytes.
    fn put(value: &Self::SelfType<'_>, out: &mut Vec<u8>);
    /// The value `put` wrote, or `None` when `bytes` cannot be one.
    fn take(bytes: &[u8]) -> Option<Self::SelfType<'_>>;
}

impl Column for &'static str {
    fn put(value: &&str, out: &mut Vec<u8>) {
        out.extend_from_slice(value.as_bytes());
    }
    fn take(bytes: &[u8]) -> Option<&str> {
        std::str::from_utf8(bytes).ok()
    }
}

impl Column for &'static [u8] {
    fn put(value: &&[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(value);
    }
    fn take(bytes: &[u8]) -> Option<&[u8]> {
        Some(bytes)
    }
}

impl Column for u64 {
    fn put(value: &u64, out: &mut Vec<u8>) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    fn take(bytes: &[u8]) -> Option<u64> {
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// The number first (eight bytes), then the text.
impl Column for (&'static str, u64) {
    fn put(value: &(&str, u64), out: &mut Vec<u8>) {
        out.extend_from_slice(&value.1.to_le_bytes());
        out.extend_from_slice(value.0.as_bytes());
    }
    fn take(bytes: &[u8]) -> Option<(&str, u64)> {
        let (n, text) = bytes.split_at_checked(8)?;
        Some((std::str::from_utf8(text).ok()?, u64::take(n)?))
    }
}

/// Something done with each table in turn.
pub trait EachTable {
    /// What stops the walk.
    type Error;
    /// Called once per table, with its definition.
    fn table<K: Column + Key, V: Column>(
        &mut self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<(), Self::Error>;
}

/// Calls `v` with every table of the app. A new table in `tables.rs` goes here too (the
/// test `every_table_of_a_new_database_is_listed` fails until it does).
pub fn each_table<V: EachTable>(v: &mut V) -> Result<(), V::Error> {
    v.table(SETTINGS)?;
    v.table(META)?;
    v.table(INBOX)?;
    v.table(ENTRIES)?;
    v.table(DETAILS)?;
    v.table(JOBS)?;
    v.table(SEEN)?;
    v.table(LINKS)?;
    v.table(ASSESSMENTS)?;
    v.table(RECENT)?;
    v.table(WATCH)?;
    v.table(OUTCOMES)?;
    v.table(TEAM)?;
    v.table(TEAM_OUTBOX)?;
    v.table(TEAM_VIEWS)?;
    Ok(())
}

/// The name of every table [`each_table`] visits, in its order.
pub fn table_names() -> Vec<String> {
    struct Names(Vec<String>);
    impl EachTable for Names {
        type Error = std::convert::Infallible;
        fn table<K: Column + Key, V: Column>(
            &mut self,
            def: TableDefinition<'static, K, V>,
        ) -> Result<(), Self::Error> {
            self.0.push(def.name().to_string());
            Ok(())
        }
    }
    let mut n = Names(Vec::new());
    let Ok(()) = each_table(&mut n);
    n.0
}

/// What [`Store::dump`] hands its callback, in this order.
#[derive(Debug)]
pub enum Dumped<'a> {
    /// Every table with its number of rows, before any row.
    Tables(&'a [(String, u64)]),
    /// The rows that follow are of this table.
    Table(&'a str, u64),
    /// One row: key and value bytes.
    Row(&'a [u8], &'a [u8]),
}

/// Tables in the file that [`each_table`] does not know.
fn unknown_tables(names: impl Iterator<Item = String>) -> Vec<String> {
    let known = table_names();
    names.filter(|n| !known.contains(n)).collect()
}

fn newer(path: &Path, unknown: &[String]) -> StoreError {
    StoreError::Db(format!(
        "{} holds tables this Hirewire does not know ({}): it was written by a newer Hirewire; use that version",
        path.display(),
        unknown.join(", ")
    ))
}

/// Counts each table's rows, for [`Dumped::Tables`]; a table not created yet has none.
struct Count<'t>(&'t redb::ReadTransaction, Vec<(String, u64)>);
impl EachTable for Count<'_> {
    type Error = StoreError;
    fn table<K: Column + Key, V: Column>(
        &mut self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<(), StoreError> {
        let rows = match self.0.open_table(def) {
            Ok(t) => t.len()?,
            Err(redb::TableError::TableDoesNotExist(_)) => 0,
            Err(e) => return Err(e.into()),
        };
        self.1.push((def.name().to_string(), rows));
        Ok(())
    }
}

/// Hands each table and its rows to the dump's `f`, keys and values in their column
/// encoding.
struct Walk<'t, F, E> {
    txn: &'t redb::ReadTransaction,
    f: F,
    _e: std::marker::PhantomData<E>,
}
impl<F: FnMut(Dumped<'_>) -> Result<(), E>, E: From<StoreError>> EachTable for Walk<'_, F, E> {
    type Error = E;
    fn table<K: Column + Key, V: Column>(
        &mut self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<(), E> {
        let t = match self.txn.open_table(def) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => {
                return (self.f)(Dumped::Table(def.name(), 0));
            }
            Err(e) => return Err(StoreError::from(e).into()),
        };
        (self.f)(Dumped::Table(
            def.name(),
            t.len().map_err(StoreError::from)?,
        ))?;
        let (mut k, mut v) = (Vec::new(), Vec::new());
        for item in t.iter().map_err(StoreError::from)? {
            let (key, value) = item.map_err(StoreError::from)?;
            k.clear();
            v.clear();
            K::put(&key.value(), &mut k);
            V::put(&value.value(), &mut v);
            (self.f)(Dumped::Row(&k, &v))?;
        }
        Ok(())
    }
}

impl Store {
    /// Reads every table, row by row, from one snapshot: what the file held at one
    /// commit, whatever the engine beside it writes meanwhile. `f` sees
    /// [`Dumped::Tables`] first, then each table and its rows.
    pub fn dump<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Dumped<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let db = self.db()?;
        let txn = db.begin_read().map_err(StoreError::from)?;
        let listed = txn
            .list_tables()
            .map_err(StoreError::from)?
            .map(|h| h.name().to_string());
        let unknown = unknown_tables(listed);
        if !unknown.is_empty() {
            return Err(newer(&self.path, &unknown).into());
        }

        let mut count = Count(&txn, Vec::new());
        each_table(&mut count)?;
        f(Dumped::Tables(&count.1))?;

        let mut rows = Walk {
            txn: &txn,
            f: &mut f,
            _e: std::marker::PhantomData,
        };
        each_table(&mut rows)
    }

    /// Whether the profile holds anything of a user's: settings, a relay connection, history,
    /// jobs, the inbox or links. Counters alone (a database only opened) are not.
    pub fn holds_data(&self) -> Result<bool, StoreError> {
        self.read(|rx| {
            for def in [SETTINGS, LINKS] {
                if rx.txn.open_table(def)?.len()? > 0 {
                    return Ok(true);
                }
            }
            for def in [ENTRIES, INBOX, JOBS] {
                if rx.txn.open_table(def)?.len()? > 0 {
                    return Ok(true);
                }
            }
            Ok(rx.txn.open_table(SEEN)?.len()? > 0)
        })
    }
}

/// Rows as bytes: key and value.
type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Rows written into a new database file, in one transaction: committed by
/// [`Loader::finish`], or nothing when dropped before.
pub struct Loader {
    db: Database,
    txn: Option<redb::WriteTransaction>,
    /// The table being filled and its rows not yet inserted.
    batch: Option<(String, Rows)>,
    batch_bytes: usize,
}

/// Rows held before they are inserted together (a table is opened once per batch).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

impl Loader {
    /// Creates the database file in `dir`, which must not hold one yet.
    pub fn create(dir: &Path) -> Result<Loader, StoreError> {
        let path = dir.join(DB_FILE);
        if path.exists() {
            return Err(StoreError::Db(format!(
                "{} exists already: a restore writes a new database only",
                path.display()
            )));
        }
        let db = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .create(&path)
            .map_err(|e| StoreError::Db(format!("{}: {e}", path.display())))?;
        let txn = db.begin_write()?;
        Ok(Loader {
            db,
            txn: Some(txn),
            batch: None,
            batch_bytes: 0,
        })
    }

    /// The rows that follow belong to `table`; an unknown table is refused.
    pub fn table(&mut self, table: &str) -> Result<(), StoreError> {
        self.flush()?;
        if !table_names().iter().any(|n| n == table) {
            return Err(StoreError::Corrupt(format!(
                "the table {table:?} is not one this Hirewire knows (an archive of a newer version?)"
            )));
        }
        self.batch = Some((table.to_string(), Vec::new()));
        Ok(())
    }

    /// One row of the current table.
    pub fn row(&mut self, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let Some((_, rows)) = self.batch.as_mut() else {
            return Err(StoreError::Corrupt("a row before its table".into()));
        };
        rows.push((key.to_vec(), value.to_vec()));
        self.batch_bytes += key.len() + value.len();
        if self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        let Some((table, rows)) = self.batch.as_mut() else {
            return Ok(());
        };
        self.batch_bytes = 0;
        let rows = std::mem::take(rows);
        if rows.is_empty() {
            return Ok(());
        }
        let Some(txn) = self.txn.as_ref() else {
            return Err(StoreError::Db("the restore was already finished".into()));
        };
        struct Insert<'a> {
            txn: &'a redb::WriteTransaction,
            table: &'a str,
            rows: Rows,
        }
        impl EachTable for Insert<'_> {
            type Error = StoreError;
            fn table<K: Column + Key, V: Column>(
                &mut self,
                def: TableDefinition<'static, K, V>,
            ) -> Result<(), StoreError> {
                if def.name() != self.table {
                    return Ok(());
                }
                let mut t = self.txn.open_table(def)?;
                for (k, v) in &self.rows {
                    let damaged = || {
                        StoreError::Corrupt(format!("a row of the table {} is damaged", self.table))
                    };
                    let key = K::take(k).ok_or_else(damaged)?;
                    let value = V::take(v).ok_or_else(damaged)?;
                    t.insert(key, value)?;
                }
                Ok(())
            }
        }
        each_table(&mut Insert {
            txn,
            table: table.as_str(),
            rows,
        })
    }

    /// Commits every row and closes the file.
    pub fn finish(mut self) -> Result<(), StoreError> {
        self.flush()?;
        if let Some(txn) = self.txn.take() {
            txn.commit()?;
        }
        drop(self.db);
        Ok(())
    }
}

/// Puts `n` rows into every table (keys and values eight ASCII digits, which every
/// column type reads), for tests that must see each table carried.
#[cfg(test)]
pub(crate) fn fill_every_table(store: &Store, n: u64) -> Result<(), StoreError> {
    struct Fill<'a>(&'a redb::WriteTransaction, u64);
    impl EachTable for Fill<'_> {
        type Error = StoreError;
        fn table<K: Column + Key, V: Column>(
            &mut self,
            def: TableDefinition<'static, K, V>,
        ) -> Result<(), StoreError> {
            let mut t = self.0.open_table(def)?;
            for i in 0..self.1 {
                let text = format!("{:08}", 90_000_000 + i);
                let bad = || StoreError::Corrupt("a test row".into());
                let k = K::take(text.as_bytes()).ok_or_else(bad)?;
                let v = V::take(text.as_bytes()).ok_or_else(bad)?;
                t.insert(k, v)?;
            }
            Ok(())
        }
    }
    store.write(|tx| each_table(&mut Fill(tx.txn, n)))
}

/// Every row of every table, as `(table, key, value)`.
#[cfg(test)]
#[allow(clippy::type_complexity)]
pub(crate) fn all_rows(store: &Store) -> Result<Vec<(String, Vec<u8>, Vec<u8>)>, StoreError> {
    let mut out = Vec::new();
    let mut table = String::new();
    store.dump(|d| -> Result<(), StoreError> {
        match d {
            Dumped::Tables(_) => {}
            Dumped::Table(name, _) => table = name.to_string(),
            Dumped::Row(k, v) => out.push((table.clone(), k.to_vec(), v.to_vec())),
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_a_new_database_is_listed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut in_file: Vec<String> = store
            .read(|rx| {
                Ok(rx
                    .txn
                    .list_tables()?
                    .map(|h| h.name().to_string())
                    .collect())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        in_file.sort();
        let mut listed = table_names();
        listed.sort();
        assert_eq!(
            in_file, listed,
            "a table the store creates is missing from store::dump::each_table (or a name there is wrong): add it, so backups carry it"
        );
    }

    #[test]
    fn columns_read_back_what_they_wrote_and_refuse_bad_bytes() {
        let mut out = Vec::new();
        <(&str, u64)>::put(&("relay:x", 42), &mut out);
        assert_eq!(<(&str, u64)>::take(&out), Some(("relay:x", 42)));
        assert_eq!(<(&str, u64)>::take(&out[..5]), None);
        assert_eq!(u64::take(&[1, 2, 3]), None);
        assert_eq!(<&str>::take(&[0xff, 0xfe]), None);
    }

    proptest::proptest! {
        #[test]
        fn columns_never_panic_on_any_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = <(&str, u64)>::take(&bytes);
            let _ = u64::take(&bytes);
            let _ = <&str>::take(&bytes);
        }
    }
}
