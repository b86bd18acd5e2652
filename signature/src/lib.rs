//! Hash-based many-time signatures on the VM's native hash (Rescue Prime `Rp64_256`):
//! Winternitz one-time keys (W-OTS, `w = 16`) under a Merkle tree of `2^h` leaves, XMSS-style.
//! Post-quantum (its security rests only on the hash), and cheap to verify in the VM with
//! `std::crypto::dsa::hbs::verify` (2704 + 26 per tree level + 11 cycles per chain step:
//! about 8 300 + 26 h cycles for a random digest, at most 13 594 + 26 h; see
//! `docs/stdlib.md`).
//!
//! The scheme is **stateful**: each leaf (one-time key) may sign one message only. A second
//! signature from the same leaf lets anyone forge signatures for many other messages. Use
//! [`StatefulSigner`], which persists the next leaf index to a file (atomically, fsynced)
//! *before* it releases a signature and refuses a leaf that was used; [`PrivateKey::sign_leaf`]
//! is the stateless primitive underneath and keeps no record.
//!
//! ```no_run
//! use vm_signature::{PrivateKey, StatefulSigner};
//! # fn main() -> Result<(), vm_signature::Error> {
//! let key = PrivateKey::generate([7u8; 32], 10)?;           // 1024 one-time keys
//! let pk = key.public_key();                                // a word: the Merkle root
//! let mut signer = StatefulSigner::create("key.state", key)?;
//! let msg = vm_core::hash::hash_elements(&[vm_core::Felt::new(42)]);
//! let sig = signer.sign(&msg)?;                             // leaf 0, state says 1
//! assert!(pk.verify(&msg, &sig).is_ok());
//! let advice = sig.advice_inputs(&msg);                     // for std::crypto::dsa::hbs::verify
//! # let _ = advice; Ok(()) }
//! ```
//!
//! # The scheme, exactly
//!
//! Every hash is one application of the Rescue Prime permutation `P` to a 12-element state
//! `[c | r1 | r2]` (capacity `c` = elements 0..4, rates `r1` = 4..8, `r2` = 8..12), keeping
//! `r1` of the result: `T(c, r1, r2) = P([c | r1 | r2])[4..8]` (the layout of `hperm`). The
//! capacity word starts with a domain constant, distinct from the `8` of `Rp64_256::merge`
//! (the Merkle nodes) and from the small lengths `hash_elements` puts there:
//!
//! * secret chain starts: `sk(l, i) = T([DOM_PRF, h, l, i], seed, 0)`;
//! * chain step from position `j` to `j + 1` (`j` in `0..15`) of chain `i` of leaf `l`:
//!   `F(x) = T([DOM_CHAIN, h, l, i], x, [0, 0, 1, 15 - j])`; the chain's end (position 15) is
//!   its public value `pk(l, i)`;
//! * leaf: `acc_0 = [0, 0, 0, 0]`, `acc_{i+1} = T([DOM_LEAF, h, l, 0], pk(l, i), acc_i)`,
//!   leaf `l` = `acc_67`;
//! * tree: `node = Rp64_256::merge(left, right)` (the VM's `hmerge` and Merkle store), leaf `l`
//!   at depth `h`, index `l`; the public key is the root.
//!
//! The message is a word `[m0, m1, m2, m3]` (a digest: hash the real message and its context
//! first). Its 64 base-16 digits are the nibbles of the canonical values of `m0, m1, m2, m3`,
//! most significant first; the checksum `960 - (sum of the 64 digits)` (0..=960) adds 3
//! base-16 digits, most significant first. Chain order: the 3 checksum digits, then the 64
//! message digits ([`digits`]); 67 chains of 16 positions (15 steps). The signature of leaf `l`
//! holds, for each chain `i`, the value at position `d_i` (the secret start hashed `d_i`
//! times), plus `h`, `l` and the `h` siblings of the leaf's Merkle path; the verifier hashes
//! each value `15 - d_i` more times, rebuilds the leaf and checks its path to the root.
//!
//! Why it is secure (the W-OTS+/XMSS argument, with `P` modelled as a random permutation):
//! the digit map is injective (canonical values), and for two different messages the
//! checksum makes some digit of the second *smaller* than the first's, so a forgery from
//! signed messages must hit a value the honest signer fixed: invert a chain step on a revealed
//! chain value, or give a second input for an honest leaf accumulator or Merkle node. Each
//! chain step has its own function (`h, l, i` in the capacity, the step in the rate), so one
//! search attacks one chain position; the Merkle nodes share `merge`, at most `2^(h+1)`
//! targets. The domain constants keep chain steps, leaves and nodes apart, so a claimed height
//! that is not the signer's lands on a node of another kind (and a claimed index is an attack
//! on that index's leaf, whose chains carry the index). With 4-element (about 256-bit)
//! outputs that is about `2^(256 - h)` classical and `2^(128 - h/2)` quantum (Grover) work, at
//! least `2^112` for `h <= 32`. Collisions (`2^128`, `2^85` quantum) do not forge:
//! the attacker does not choose the signer's values. A leaf that signs two messages breaks the
//! scheme (it reveals chain positions below the first message's); so does restoring an old
//! copy of the state file.
//!
//! Key generation costs `2^h * 67 * 17` permutations (a secret start, 15 steps and an
//! absorption per chain: about 1.2 million for `h = 10`) plus the tree, done on all cores.
//!
//! # ECDSA
//!
//! The [`ecdsa`] module turns a `k256` ECDSA secp256k1 signature (k256 signs; RFC 6979) into
//! the inputs of `std::crypto::dsa::ecdsa::secp256k1::verify` and of
//! `examples/ecdsa/ecdsa.masm`.

#![deny(missing_docs)]

pub mod ecdsa;
mod state;

pub use state::StatefulSigner;

use std::path::PathBuf;
use vm_core::{hash, Felt, Word, ZERO_WORD};
use vm_processor::AdviceInputs;

/// Winternitz parameter: digits are base 16, chains have 16 positions (15 steps).
pub const W: u64 = 16;
/// Message digits: 16 nibbles of each of the 4 elements of the message word.
pub const LEN1: usize = 64;
/// Checksum digits: `64 * 15 = 960 < 16^3`.
pub const LEN2: usize = 3;
/// Chains (one-time public values) per leaf.
pub const LEN: usize = LEN1 + LEN2;
/// The largest checksum, `LEN1 * (W - 1)`.
pub const MAX_CHECKSUM: u64 = LEN1 as u64 * (W - 1);
/// The largest tree height the verifiers accept (leaf indices are u32 values).
pub const MAX_HEIGHT: u32 = 32;
/// The largest tree height [`PrivateKey::generate`] builds (`2^20` one-time keys, a 64 MiB
/// tree; key generation takes about `2^h * 1139` permutations).
pub const MAX_KEYGEN_HEIGHT: u32 = 20;

/// Capacity domain of the secret chain starts (ASCII `WPRF`).
pub const DOM_PRF: u64 = 0x5750_5246;
/// Capacity domain of the chain steps (ASCII `WOTS`).
pub const DOM_CHAIN: u64 = 0x574f_5453;
/// Capacity domain of the leaf compression (ASCII `LEAF`).
pub const DOM_LEAF: u64 = 0x4c45_4146;
/// Domain of the state file's check word (ASCII `STAT`).
pub const DOM_STATE: u64 = 0x5354_4154;

/// Errors of key generation, signing and the state file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tree height outside `0..=MAX_KEYGEN_HEIGHT`.
    #[error("tree height {0} is not supported (0..={MAX_KEYGEN_HEIGHT})")]
    Height(u32),
    /// A leaf index outside the tree.
    #[error("leaf index {index} is outside a tree of height {height}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree height.
        height: u32,
    },
    /// Every one-time key has been used.
    #[error("the key is exhausted: all {0} one-time keys have been used")]
    Exhausted(u64),
    /// A leaf that was already used (or skipped) was asked for again.
    #[error("leaf {index} was already used: the next unused leaf is {next}")]
    LeafReused {
        /// The index asked for.
        index: u64,
        /// The state's next unused leaf.
        next: u64,
    },
    /// Another signer advanced the state file since this one read it.
    #[error("state file {path} was advanced by another signer (next leaf {on_disk}, this signer expected {expected})")]
    StateAdvanced {
        /// The state file.
        path: PathBuf,
        /// The next index in the file.
        on_disk: u64,
        /// The next index this signer holds.
        expected: u64,
    },
    /// Reading or writing the state file failed.
    #[error("state file {path}: {source}")]
    Io {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The state file does not parse, or its check word is wrong.
    #[error("state file {path} is corrupted: {reason}")]
    CorruptState {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The state file is another key's.
    #[error("state file {path} belongs to another key (root {file_root}, height {file_height})")]
    WrongKey {
        /// The state file.
        path: PathBuf,
        /// The root in the file.
        file_root: String,
        /// The height in the file.
        file_height: u32,
    },
    /// The state file's lock file exists: another signer is signing, or one died while
    /// signing (then remove the lock file by hand, after checking the state file).
    #[error("{0} exists: another signer is using the state file (remove it only if none is)")]
    Locked(PathBuf),
    /// [`StatefulSigner::create`] found an existing state file.
    #[error("state file {0} already exists (open it instead)")]
    StateExists(PathBuf),
}

/// Why a signature was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The signature's height is above [`MAX_HEIGHT`].
    #[error("signature height {0} is above {MAX_HEIGHT}")]
    Height(u32),
    /// The leaf index is outside the tree.
    #[error("leaf index {index} is outside a tree of height {height}")]
    IndexOutOfRange {
        /// The signature's index.
        index: u64,
        /// The signature's height.
        height: u32,
    },
    /// Wrong number of chain values or path nodes.
    #[error("malformed signature: {0}")]
    Malformed(&'static str),
    /// The rebuilt root is not the public key.
    #[error("invalid signature: the rebuilt root is not the public key")]
    Mismatch,
}

/// `T(c, r1, r2)`: the permutation applied to `[c | r1 | r2]`, the rate word `r1` kept.
pub fn compress(capacity: &Word, rate1: &Word, rate2: &Word) -> Word {
    let mut s = [Felt::new(0); hash::STATE_WIDTH];
    s[0..4].copy_from_slice(capacity);
    s[4..8].copy_from_slice(rate1);
    s[8..12].copy_from_slice(rate2);
    hash::permute(&mut s);
    [s[4], s[5], s[6], s[7]]
}

fn f(v: u64) -> Felt {
    Felt::new(v)
}

/// The 67 base-16 digits signed for `msg`, in chain order: the 3 checksum digits, then the
/// nibbles of `m0, m1, m2, m3`, most significant first.
pub fn digits(msg: &Word) -> [u8; LEN] {
    let mut d = [0u8; LEN];
    let mut sum = 0u64;
    for (k, m) in msg.iter().enumerate() {
        let v = m.as_int();
        for t in 0..16 {
            let x = (v >> (4 * (15 - t))) & 15;
            d[LEN2 + 16 * k + t] = x as u8;
            sum += x;
        }
    }
    let cs = MAX_CHECKSUM - sum;
    d[0] = (cs >> 8) as u8 & 15;
    d[1] = (cs >> 4) as u8 & 15;
    d[2] = cs as u8 & 15;
    d
}

/// Hashes chain `i` of leaf `l` (tree height `h`) from position `from` to position `to`.
pub fn chain(h: u32, l: u64, i: usize, from: u64, to: u64, x: &Word) -> Word {
    let cap = [f(DOM_CHAIN), f(h as u64), f(l), f(i as u64)];
    let mut x = *x;
    for j in from..to {
        x = compress(&cap, &x, &[f(0), f(0), f(1), f(W - 1 - j)]);
    }
    x
}

/// The leaf from the 67 chain ends.
pub fn leaf_from_ends(h: u32, l: u64, ends: &[Word]) -> Word {
    let cap = [f(DOM_LEAF), f(h as u64), f(l), f(0)];
    ends.iter()
        .fold(ZERO_WORD, |acc, end| compress(&cap, end, &acc))
}

/// The root of a Merkle path: `node` at depth `path.len()`, index `index`.
fn root_from_path(mut node: Word, index: u64, path: &[Word]) -> Word {
    for (t, sib) in path.iter().enumerate() {
        node = if (index >> t) & 1 == 0 {
            hash::merge(&node, sib)
        } else {
            hash::merge(sib, &node)
        };
    }
    node
}

/// A private key: the seed and the whole Merkle tree (built once, at generation). A clone
/// shares nothing with the original: two clones with two state files would reuse leaves.
#[derive(Clone)]
pub struct PrivateKey {
    seed: Word,
    height: u32,
    /// `levels[0]` = the `2^h` leaves, `levels[h]` = `[root]`.
    levels: Vec<Vec<Word>>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, fm: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fm.debug_struct("PrivateKey")
            .field("seed", &"<secret>")
            .field("height", &self.height)
            .field("root", &hash::word_to_hex(&self.public_key().0))
            .finish()
    }
}

impl PrivateKey {
    /// Generates the key of `2^height` one-time keys from a 32-byte secret seed (four
    /// little-endian u64 values, each reduced modulo p). Deterministic.
    pub fn generate(seed: [u8; 32], height: u32) -> Result<Self, Error> {
        let mut w = ZERO_WORD;
        for (k, c) in seed.chunks(8).enumerate() {
            w[k] = Felt::new(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        Self::from_seed_word(w, height)
    }

    /// Generates the key from a seed word.
    pub fn from_seed_word(seed: Word, height: u32) -> Result<Self, Error> {
        if height > MAX_KEYGEN_HEIGHT {
            return Err(Error::Height(height));
        }
        let n = 1usize << height;
        let mut leaves = vec![ZERO_WORD; n];
        let threads = std::thread::available_parallelism()
            .map(|t| t.get())
            .unwrap_or(1)
            .min(n);
        let chunk = n.div_ceil(threads);
        std::thread::scope(|s| {
            for (c, out) in leaves.chunks_mut(chunk).enumerate() {
                s.spawn(move || {
                    for (o, slot) in out.iter_mut().enumerate() {
                        let l = (c * chunk + o) as u64;
                        let ends: Vec<Word> = (0..LEN)
                            .map(|i| chain(height, l, i, 0, W - 1, &secret(&seed, height, l, i)))
                            .collect();
                        *slot = leaf_from_ends(height, l, &ends);
                    }
                });
            }
        });
        let mut levels = vec![leaves];
        while levels.last().expect("a level").len() > 1 {
            let up = levels
                .last()
                .expect("a level")
                .chunks(2)
                .map(|p| hash::merge(&p[0], &p[1]))
                .collect();
            levels.push(up);
        }
        Ok(PrivateKey {
            seed,
            height,
            levels,
        })
    }

    /// The tree height `h`.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The number of one-time keys, `2^h`.
    pub fn capacity(&self) -> u64 {
        1 << self.height
    }

    /// The public key: the Merkle root.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.levels[self.height as usize][0])
    }

    /// Signs `msg` with leaf `index`. Stateless and dangerous: signing two different messages
    /// with one leaf breaks the scheme. Use [`StatefulSigner`].
    pub fn sign_leaf(&self, index: u64, msg: &Word) -> Result<Signature, Error> {
        if index >= self.capacity() {
            return Err(Error::IndexOutOfRange {
                index,
                height: self.height,
            });
        }
        let h = self.height;
        let chains = digits(msg)
            .iter()
            .enumerate()
            .map(|(i, &d)| chain(h, index, i, 0, d as u64, &secret(&self.seed, h, index, i)))
            .collect();
        let path = (0..h as usize)
            .map(|t| self.levels[t][((index >> t) ^ 1) as usize])
            .collect();
        Ok(Signature {
            height: h,
            index,
            chains,
            path,
        })
    }
}

/// `sk(l, i)`, the secret start of chain `i` of leaf `l`.
fn secret(seed: &Word, h: u32, l: u64, i: usize) -> Word {
    compress(
        &[f(DOM_PRF), f(h as u64), f(l), f(i as u64)],
        seed,
        &ZERO_WORD,
    )
}

/// A public key: the Merkle root (a word; the `PK` input of `std::crypto::dsa::hbs::verify`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(pub Word);

impl PublicKey {
    /// The Rust reference verifier: `Ok` exactly when `std::crypto::dsa::hbs::verify` accepts
    /// `sig`'s advice for this key and message.
    pub fn verify(&self, msg: &Word, sig: &Signature) -> Result<(), VerifyError> {
        let root = sig.root(msg)?;
        if root == self.0 {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }
}

/// A signature: height, leaf index, the 67 chain values and the `h` path siblings (leaf level
/// first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Tree height `h`.
    pub height: u32,
    /// Leaf index `l < 2^h`.
    pub index: u64,
    /// Chain `i` at position `d_i`, in [`digits`]' order.
    pub chains: Vec<Word>,
    /// Sibling of the path node at depth `h - t`, for `t = 0..h` (the leaf's sibling first).
    pub path: Vec<Word>,
}

impl Signature {
    /// The leaf that the chain values give for `msg`.
    pub fn leaf(&self, msg: &Word) -> Result<Word, VerifyError> {
        self.check_shape()?;
        let ends: Vec<Word> = digits(msg)
            .iter()
            .zip(&self.chains)
            .enumerate()
            .map(|(i, (&d, x))| chain(self.height, self.index, i, d as u64, W - 1, x))
            .collect();
        Ok(leaf_from_ends(self.height, self.index, &ends))
    }

    /// The root that the signature gives for `msg`.
    pub fn root(&self, msg: &Word) -> Result<Word, VerifyError> {
        Ok(root_from_path(self.leaf(msg)?, self.index, &self.path))
    }

    fn check_shape(&self) -> Result<(), VerifyError> {
        if self.height > MAX_HEIGHT {
            return Err(VerifyError::Height(self.height));
        }
        if self.index >= 1u64 << self.height {
            return Err(VerifyError::IndexOutOfRange {
                index: self.index,
                height: self.height,
            });
        }
        if self.chains.len() != LEN {
            return Err(VerifyError::Malformed("not 67 chain values"));
        }
        if self.path.len() != self.height as usize {
            return Err(VerifyError::Malformed("path length is not the height"));
        }
        Ok(())
    }

    /// The advice stack `std::crypto::dsa::hbs::verify` reads: `h`, `l`, then the 67 chain
    /// values, each word element 0 first.
    pub fn advice_stack(&self) -> Vec<Felt> {
        let mut s = vec![f(self.height as u64), f(self.index)];
        for w in &self.chains {
            s.extend_from_slice(w);
        }
        s
    }

    /// The Merkle store nodes `(left, right)` of the path from the leaf that `msg` gives up to
    /// the root (the leaf's parent first); an invalid signature gives a path to another root.
    pub fn merkle_nodes(&self, msg: &Word) -> Vec<(Word, Word)> {
        let mut node = self.leaf(msg).unwrap_or(ZERO_WORD);
        let mut out = Vec::with_capacity(self.path.len());
        for (t, sib) in self.path.iter().enumerate() {
            let pair = if (self.index >> t) & 1 == 0 {
                (node, *sib)
            } else {
                (*sib, node)
            };
            node = hash::merge(&pair.0, &pair.1);
            out.push(pair);
        }
        out
    }

    /// A Miden-style inputs file (JSON) for a program that calls `hbs::verify` on `[PK, MSG]`
    /// first: `operand_stack` `MSG` then `PK` (PK on top), `advice_stack`
    /// ([`Self::advice_stack`]) and the Merkle path as a `partial_merkle_tree` (the rebuilt
    /// leaf at depth `h`, index `l`, and its siblings). For `vm run --inputs`.
    pub fn inputs_json(&self, pk: &PublicKey, msg: &Word) -> String {
        let num = |e: &Felt| format!("\"{}\"", e.as_int());
        let list = |v: &[Felt]| v.iter().map(num).collect::<Vec<_>>().join(", ");
        let mut stack = msg.to_vec();
        stack.extend_from_slice(&pk.0);
        let mut nodes = Vec::new();
        if self.height > 0 {
            let leaf = self.leaf(msg).unwrap_or(ZERO_WORD);
            let h = self.height as u64;
            nodes.push(format!(
                "[[{h}, {}], \"{}\"]",
                self.index,
                hash::word_to_hex(&leaf)
            ));
            for (t, sib) in self.path.iter().enumerate() {
                nodes.push(format!(
                    "[[{}, {}], \"{}\"]",
                    h - t as u64,
                    (self.index >> t) ^ 1,
                    hash::word_to_hex(sib)
                ));
            }
        }
        let store = if nodes.is_empty() {
            String::new()
        } else {
            format!(
                ",\n    \"merkle_store\": [\n        {{ \"partial_merkle_tree\": [\n            {}\n        ] }}\n    ]",
                nodes.join(",\n            ")
            )
        };
        format!(
            "{{\n    \"operand_stack\": [{}],\n    \"advice_stack\": [{}]{store}\n}}\n",
            list(&stack),
            list(&self.advice_stack())
        )
    }

    /// Advice inputs for `std::crypto::dsa::hbs::verify`: [`Self::advice_stack`] and
    /// [`Self::merkle_nodes`] in the Merkle store.
    pub fn advice_inputs(&self, msg: &Word) -> AdviceInputs {
        let mut a = AdviceInputs {
            stack: self.advice_stack(),
            ..Default::default()
        };
        for (l, r) in self.merkle_nodes(msg) {
            a.add_merkle_node(l, r);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seed: u64) -> Word {
        hash::hash_elements(&[f(seed)])
    }

    #[test]
    fn sign_and_verify_every_leaf() {
        let key = PrivateKey::generate([1; 32], 3).unwrap();
        let pk = key.public_key();
        for l in 0..8 {
            let m = msg(l);
            let sig = key.sign_leaf(l, &m).unwrap();
            assert_eq!(pk.verify(&m, &sig), Ok(()));
            assert_eq!(pk.verify(&msg(100 + l), &sig), Err(VerifyError::Mismatch));
        }
        assert!(matches!(
            key.sign_leaf(8, &msg(0)),
            Err(Error::IndexOutOfRange {
                index: 8,
                height: 3
            })
        ));
    }

    #[test]
    fn digits_and_checksum() {
        let zero = digits(&ZERO_WORD);
        assert_eq!(&zero[..3], &[3, 12, 0]); // 960 = 0x3c0
        assert!(zero[3..].iter().all(|&d| d == 0));
        let m = [
            f(0x0123_4567_89ab_cdef),
            f(1),
            f(0),
            f(vm_core::MODULUS - 1),
        ];
        let d = digits(&m);
        assert_eq!(
            &d[3..19],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
        );
        let sum: u64 = d[3..].iter().map(|&x| x as u64).sum();
        let cs = (d[0] as u64) << 8 | (d[1] as u64) << 4 | d[2] as u64;
        assert_eq!(cs + sum, MAX_CHECKSUM);
    }

    #[test]
    fn height_zero_is_a_one_time_key() {
        let key = PrivateKey::generate([2; 32], 0).unwrap();
        let sig = key.sign_leaf(0, &msg(5)).unwrap();
        assert!(sig.path.is_empty());
        assert_eq!(key.public_key().verify(&msg(5), &sig), Ok(()));
    }
}
