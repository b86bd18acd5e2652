//! The stateful signer and its state file.
//!
//! The state file is five lines of text:
//!
//! ```text
//! vm-signature hbs state v1
//! height 10
//! next 3
//! root 0x<64 hex digits>
//! check 0x<64 hex digits>
//! ```
//!
//! `next` is the first unused leaf; `root` ties the file to its key; `check` is
//! `hash_elements([DOM_STATE, height, next, root0, root1, root2, root3])`, so that a damaged
//! file (a flipped digit in `next` could otherwise hand out a used leaf again) is an error.
//! Every write goes to a temporary file in the same folder, which is fsynced and renamed over
//! the state file; the folder is then fsynced. While one signature is being made, the file
//! `STATE.lock` is held (created exclusively), so that concurrent signers on one state file
//! cannot take the same leaf.

use crate::{Error, PrivateKey, PublicKey, Signature, DOM_STATE};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use vm_core::{hash, Felt, Word};

const MAGIC: &str = "vm-signature hbs state v1";

/// A signer that never uses a leaf twice: it writes the next unused leaf index to its state
/// file, durably, before it returns a signature.
#[derive(Debug)]
pub struct StatefulSigner {
    key: PrivateKey,
    path: PathBuf,
    next: u64,
}

impl StatefulSigner {
    /// Starts using `key` with a new state file at `path` (next leaf 0). Fails if the file
    /// exists.
    pub fn create(path: impl AsRef<Path>, key: PrivateKey) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Err(Error::StateExists(path));
        }
        write_state(&path, key.height(), 0, &key.public_key().0)?;
        Ok(StatefulSigner { key, path, next: 0 })
    }

    /// Resumes using `key` from its state file.
    pub fn open(path: impl AsRef<Path>, key: PrivateKey) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let next = read_state(&path, &key)?;
        Ok(StatefulSigner { key, path, next })
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The next leaf [`Self::sign`] uses.
    pub fn next_index(&self) -> u64 {
        self.next
    }

    /// How many signatures are left.
    pub fn remaining(&self) -> u64 {
        self.key.capacity() - self.next
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Signs `msg` with the next unused leaf.
    pub fn sign(&mut self, msg: &Word) -> Result<Signature, Error> {
        self.sign_leaf(self.next, msg)
    }

    /// Signs `msg` with leaf `index`, which must not have been used: `index` below the next
    /// unused leaf is refused ([`Error::LeafReused`]); a larger one skips the leaves between,
    /// which are then never used. The state file is re-read first (another signer on the same
    /// file that moved it on makes this one fail with [`Error::StateAdvanced`]) and the new
    /// next index is written and synced before the signature is made.
    pub fn sign_leaf(&mut self, index: u64, msg: &Word) -> Result<Signature, Error> {
        let lock = Lock::take(&self.path)?;
        let result = self.sign_locked(index, msg);
        lock.release();
        result
    }

    fn sign_locked(&mut self, index: u64, msg: &Word) -> Result<Signature, Error> {
        let on_disk = read_state(&self.path, &self.key)?;
        if on_disk != self.next {
            return Err(Error::StateAdvanced {
                path: self.path.clone(),
                on_disk,
                expected: self.next,
            });
        }
        if self.next >= self.key.capacity() {
            return Err(Error::Exhausted(self.key.capacity()));
        }
        if index < self.next {
            return Err(Error::LeafReused {
                index,
                next: self.next,
            });
        }
        if index >= self.key.capacity() {
            return Err(Error::IndexOutOfRange {
                index,
                height: self.key.height(),
            });
        }
        write_state(
            &self.path,
            self.key.height(),
            index + 1,
            &self.key.public_key().0,
        )?;
        self.next = index + 1;
        self.key.sign_leaf(index, msg)
    }
}

/// `STATE.lock`, created exclusively for the read-check-write of one signature, so that two
/// signers (threads or processes) on one state file cannot both take the same leaf. A signer
/// that dies inside leaves it behind; signing then fails with [`Error::Locked`] until it is
/// removed by hand.
struct Lock(PathBuf);

impl Lock {
    fn path(state: &Path) -> PathBuf {
        let mut p = state.as_os_str().to_os_string();
        p.push(".lock");
        PathBuf::from(p)
    }

    fn take(state: &Path) -> Result<Lock, Error> {
        let path = Self::path(state);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => Ok(Lock(path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::Locked(path)),
            Err(e) => Err(io(&path)(e)),
        }
    }

    fn release(self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn check_word(height: u32, next: u64, root: &Word) -> Word {
    let mut e = vec![
        Felt::new(DOM_STATE),
        Felt::new(height as u64),
        Felt::new(next),
    ];
    e.extend_from_slice(root);
    hash::hash_elements(&e)
}

fn render(height: u32, next: u64, root: &Word) -> String {
    format!(
        "{MAGIC}\nheight {height}\nnext {next}\nroot {}\ncheck {}\n",
        hash::word_to_hex(root),
        hash::word_to_hex(&check_word(height, next, root))
    )
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the state atomically: temporary file, fsync, rename, fsync of the folder.
fn write_state(path: &Path, height: u32, next: u64, root: &Word) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp{}.{serial}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(render(height, next, root).as_bytes())
            .map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        drop(f);
        fs::rename(&tmp, path).map_err(io(path))?;
        // The rename is durable once the folder is synced (not possible on every platform).
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Reads and checks the state file of `key`; returns the next unused leaf.
fn read_state(path: &Path, key: &PrivateKey) -> Result<u64, Error> {
    let bytes = fs::read(path).map_err(io(path))?;
    let corrupt = |reason: &str| Error::CorruptState {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| corrupt("not UTF-8 text"))?;
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.len() != 6 || !lines[5].is_empty() {
        return Err(corrupt("expected five lines"));
    }
    if lines[0] != MAGIC {
        return Err(corrupt("unknown header"));
    }
    let field = |line: &'static str, i: usize| -> Result<&str, Error> {
        lines[i]
            .strip_prefix(line)
            .and_then(|s| s.strip_prefix(' '))
            .ok_or_else(|| corrupt(&format!("line {} is not `{line} ...`", i + 1)))
    };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0')))
        .then(|| s.parse().ok())
        .flatten()
    };
    let height = number(field("height", 1)?)
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| corrupt("bad height"))?;
    let next = number(field("next", 2)?).ok_or_else(|| corrupt("bad next index"))?;
    let root =
        hash::word_from_hex(field("root", 3)?).map_err(|e| corrupt(&format!("root: {e}")))?;
    let check =
        hash::word_from_hex(field("check", 4)?).map_err(|e| corrupt(&format!("check: {e}")))?;
    if check != check_word(height, next, &root) {
        return Err(corrupt("the check word does not match the contents"));
    }
    if height != key.height() || root != key.public_key().0 {
        return Err(Error::WrongKey {
            path: path.to_path_buf(),
            file_root: hash::word_to_hex(&root),
            file_height: height,
        });
    }
    if next > key.capacity() {
        return Err(corrupt("next index beyond the tree"));
    }
    Ok(next)
}
