//! The proof presets: one table that the prover, the AIR and the verifier all read.
//!
//! A preset fixes everything about a proof that is not the statement: the STARK options
//! (queries, blowup, grinding, extension field, FRI), the commitment hash, whether zero
//! knowledge is on, and from these the number of random rows `r` and of randomizer columns.
//! The verifier accepts a proof only under one of these presets, so neither `r` nor the
//! options can be chosen by a prover.

use winter_air::{BatchingMethod, FieldExtension, ProofOptions};

/// The family of the STARK's commitment hash (Merkle trees and Fiat-Shamir), as a user picks
/// it (`--hash`). The digest width is the preset's ([`Preset::digest_bits`]); the function
/// itself is [`Preset::hash_function`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitmentHash {
    /// BLAKE3 (the default; fastest to prove): 192-bit digests at 96 bits, 256-bit at 128.
    Blake3,
    /// Rescue Prime `Rp64_256`, 256-bit digests (cheaper to verify inside another STARK).
    Rescue,
}

/// The exact commitment hash function of a preset: its family and digest width together.
/// The prover, the verifier and the proof reader dispatch on it. Deliberately exhaustive: a
/// new function must be handled by each of them before anything compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashFunction {
    /// BLAKE3 truncated to 192 bits (`winter_crypto::hashers::Blake3_192`): 96-bit collision
    /// resistance, enough for the 96-bit presets, and a quarter off every Merkle path.
    Blake3_192,
    /// BLAKE3 with 256-bit output (`winter_crypto::hashers::Blake3_256`).
    Blake3_256,
    /// Rescue Prime `Rp64_256`: four field elements.
    Rp64_256,
}

impl HashFunction {
    /// Bytes of one digest.
    pub fn digest_bytes(&self) -> usize {
        match self {
            Self::Blake3_192 => 24,
            Self::Blake3_256 | Self::Rp64_256 => 32,
        }
    }

    /// Collision resistance in bits, as winterfell's `Hasher::COLLISION_RESISTANCE` states it
    /// (the cap of the conjectured security).
    pub fn collision_resistance(&self) -> u32 {
        match self {
            Self::Blake3_192 => 96,
            Self::Blake3_256 | Self::Rp64_256 => 128,
        }
    }

    /// Name used in reports (`BLAKE3-192`, `BLAKE3-256`, `Rp64_256`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Blake3_192 => "BLAKE3-192",
            Self::Blake3_256 => "BLAKE3-256",
            Self::Rp64_256 => "Rp64_256",
        }
    }
}

/// One row of the preset table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Identifier written into proofs (and bound into the public inputs).
    pub id: u8,
    /// Name used on the command line and in reports.
    pub name: &'static str,
    /// Conjectured security in bits, as winterfell 0.13.1 computes it for these options.
    pub security_bits: u32,
    /// Commitment hash family.
    pub hash: CommitmentHash,
    /// Digest width of the commitment hash in bits: 192 (BLAKE3 at 96 bits) or 256.
    pub digest_bits: u32,
    /// Whether the trace is randomized for zero knowledge.
    pub zk: bool,
    /// FRI queries.
    pub queries: usize,
    /// Low-degree-extension blowup.
    pub blowup: usize,
    /// Proof-of-work bits.
    pub grinding: u32,
    /// Degree of the extension field the protocol draws its randomness from (2 or 3).
    pub extension_degree: usize,
    /// FRI folding factor.
    pub fri_folding: usize,
    /// FRI remainder's maximum degree.
    pub fri_remainder_max_degree: usize,
    /// Smallest trace length a proof under this preset may have.
    pub min_trace_len: usize,
    /// Largest trace length a proof under this preset may have: [`crate::proof::MAX_TRACE_LEN`],
    /// except for the presets made for short traces ([`Preset::for_short_traces`]).
    pub max_trace_len: usize,
}

/// Margin of random rows beyond the `queries + 2 * extension` that make every opened trace
/// value uniform, so that unopened leaves keep entropy (`docs/zk.md`).
pub const RANDOM_ROW_MARGIN: usize = 2;

impl Preset {
    /// The winterfell options of this preset.
    pub fn options(&self) -> ProofOptions {
        let extension = match self.extension_degree {
            2 => FieldExtension::Quadratic,
            _ => FieldExtension::Cubic,
        };
        ProofOptions::new(
            self.queries,
            self.blowup,
            self.grinding,
            extension,
            self.fri_folding,
            self.fri_remainder_max_degree,
            BatchingMethod::Linear,
            BatchingMethod::Linear,
        )
    }

    /// The commitment hash function: the family with this preset's digest width.
    pub fn hash_function(&self) -> HashFunction {
        match (self.hash, self.digest_bits) {
            (CommitmentHash::Blake3, 192) => HashFunction::Blake3_192,
            (CommitmentHash::Blake3, _) => HashFunction::Blake3_256,
            (CommitmentHash::Rescue, _) => HashFunction::Rp64_256,
        }
    }

    /// Random rows at the end of every column: `queries + 2 e + 2` with zero knowledge.
    pub fn random_rows(&self) -> usize {
        if self.zk {
            self.queries + 2 * self.extension_degree + RANDOM_ROW_MARGIN
        } else {
            0
        }
    }

    /// Fully random base-field columns that mask the DEEP/FRI openings: `e` with zero
    /// knowledge.
    pub fn randomizer_columns(&self) -> usize {
        if self.zk {
            self.extension_degree
        } else {
            0
        }
    }

    /// Composition mask columns (a heuristic for the composition-chunk gap, `docs/zk.md`):
    /// zero on the real rows, random on the random rows, and multiplied into one degree-4
    /// constraint each, so that the composition polynomial carries a random term. `e` with
    /// zero knowledge.
    pub fn mask_columns(&self) -> usize {
        if self.zk {
            self.extension_degree
        } else {
            0
        }
    }

    /// Index of the first composition mask column (after the randomizer columns).
    pub fn first_mask_column(&self) -> usize {
        crate::layout::RANDOMIZER + self.randomizer_columns()
    }

    /// Width of the main trace under this preset.
    pub fn main_width(&self) -> usize {
        crate::layout::BASE_WIDTH + self.randomizer_columns() + self.mask_columns()
    }

    /// The index of the last real row of a trace of length `n` (`n - r - 1`).
    pub fn last_real_row(&self, trace_len: usize) -> usize {
        trace_len - self.random_rows() - 1
    }

    /// Transition exemptions: the `r` random rows plus the wrap-around.
    pub fn exemptions(&self) -> usize {
        self.random_rows() + 1
    }

    /// The preset with the same parameters and zero knowledge switched off (for measuring
    /// what zero knowledge costs).
    pub fn without_zk(&self) -> &'static Preset {
        find(|p| p.security_bits == self.security_bits && p.hash == self.hash && !p.zk)
    }

    /// The preset with the same security and zero knowledge but another commitment hash.
    pub fn with_hash(&self, hash: CommitmentHash) -> &'static Preset {
        find(|p| p.security_bits == self.security_bits && p.hash == hash && p.zk == self.zk)
    }

    /// The general preset (any trace length) of this security, hash and zero-knowledge
    /// setting: `self` unless `self` is made for short traces.
    pub fn general(&self) -> &'static Preset {
        find(|p| p.security_bits == self.security_bits && p.hash == self.hash && p.zk == self.zk)
    }

    /// The preset for short traces with this security, hash and zero-knowledge setting, if
    /// the table has one: same security, more blowup and fewer queries, so smaller proofs
    /// of traces up to its [`max_trace_len`](Preset::max_trace_len) at some proving time and
    /// memory (`docs/performance.md`). A prover picks it where the trace fits.
    pub fn for_short_traces(&self) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| {
            p.security_bits == self.security_bits
                && p.hash == self.hash
                && p.zk == self.zk
                && p.max_trace_len < crate::proof::MAX_TRACE_LEN
        })
    }

    /// Whether a proof under this preset may have a trace of `n` rows.
    pub fn allows_trace_len(&self, n: usize) -> bool {
        n.is_power_of_two() && (self.min_trace_len..=self.max_trace_len).contains(&n)
    }
}

/// The first preset of the table for which `pred` holds: general presets come before the
/// short-trace ones, so a search by security, hash and zero knowledge finds the general one.
fn find(pred: impl Fn(&Preset) -> bool) -> &'static Preset {
    PRESETS
        .iter()
        .find(|p| pred(p))
        .expect("the preset table is complete")
}

const fn preset(id: u8, name: &'static str, bits: u32, hash: CommitmentHash, zk: bool) -> Preset {
    // Winterfell 0.13.1's conjectured security is min(field, queries x log2(blowup) +
    // grinding) - 1, capped by the hash's collision resistance, and grinding counts only once
    // queries x log2(blowup) >= 80. At blowup 4 (constraint degree 4):
    // - 96 bits: 40 x 2 + 17 = 97, minus 1. 40 queries is the floor (39 x 2 < 80), so more
    //   grinding cannot buy fewer queries. The quadratic extension's 128 bits suffice.
    // - 128 bits: 56 x 2 + 17 = 129, minus 1; the cubic extension (the quadratic one caps at
    //   127). Trading queries for grinding does not pay here: 55 queries (19 bits) make
    //   r = 63 and put the last real row on the hasher's absorb row (`air/tests/degrees.rs`),
    //   and 54 queries need 21 bits, about 2^21 BLAKE3 hashes (0.1-0.2 s per proof on two
    //   cores) for 2% of the proof; an Rp64_256 hash costs 90 BLAKE3 ones.
    // `docs/performance.md` ("Presets and proof size") has the measurements.
    let (queries, extension_degree) = if bits == 96 { (40, 2) } else { (56, 3) };
    // BLAKE3 truncated to 192 bits has 96-bit collision resistance, enough for the 96-bit
    // presets (Miden 0.16's choice), and takes a quarter off every Merkle path; 128 bits
    // need the full 256. Rescue's digest is four field elements whatever the level.
    let digest_bits = match (bits, hash) {
        (96, CommitmentHash::Blake3) => 192,
        _ => 256,
    };
    Preset {
        id,
        name,
        security_bits: bits,
        hash,
        digest_bits,
        zk,
        queries,
        blowup: 4,
        grinding: 17,
        extension_degree,
        // FRI folding 8 with remainder degree below 256 (Miden 0.16's choice): two or three
        // layers instead of five, each opened once per query, against 4 KiB of remainder at
        // most. About 6% smaller proofs than folding 4 with remainder 63, and a faster FRI.
        fri_folding: 8,
        fri_remainder_max_degree: 255,
        min_trace_len: 1 << 10,
        max_trace_len: crate::proof::MAX_TRACE_LEN,
    }
}

/// Largest trace of the short-trace preset: 2^12 rows.
pub const SHORT_TRACE_LEN: usize = 1 << 12;

/// The 96-bit BLAKE3 zero-knowledge preset for traces of at most [`SHORT_TRACE_LEN`] rows:
/// Miden VM 0.23's parameters, blowup 8 with 27 queries and 16 bits of grinding
/// (27 x 3 + 16 - 1 = 96 by winterfell's formula, and 27 x 3 >= 80 so grinding counts), and so
/// `r = 33` random rows. Each query opens a row of every committed column, so 27 queries
/// instead of 40 take about a quarter off a short trace's proof, which is mostly those
/// openings; the LDE twice as long costs about a tenth more proving time at 2^12 rows and
/// more memory, which is why it is not the preset for long traces (measured in
/// `docs/performance.md`, "Where issue 15 stands").
const fn short_preset(id: u8, name: &'static str) -> Preset {
    let base = preset(id, name, 96, CommitmentHash::Blake3, true);
    Preset {
        queries: 27,
        blowup: 8,
        grinding: 16,
        max_trace_len: SHORT_TRACE_LEN,
        ..base
    }
}

/// Every preset a proof may use. The first is the default.
pub const PRESETS: &[Preset] = &[
    preset(0, "96", 96, CommitmentHash::Blake3, true),
    preset(1, "128", 128, CommitmentHash::Blake3, true),
    preset(2, "96-rescue", 96, CommitmentHash::Rescue, true),
    preset(3, "128-rescue", 128, CommitmentHash::Rescue, true),
    preset(4, "96-nozk", 96, CommitmentHash::Blake3, false),
    preset(5, "128-nozk", 128, CommitmentHash::Blake3, false),
    preset(6, "96-rescue-nozk", 96, CommitmentHash::Rescue, false),
    preset(7, "128-rescue-nozk", 128, CommitmentHash::Rescue, false),
    short_preset(8, "96-short"),
];

/// The preset with this identifier.
pub fn by_id(id: u8) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset with this name.
pub fn by_name(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The default preset: 96-bit conjectured security, BLAKE3, zero knowledge.
pub fn default_preset() -> &'static Preset {
    &PRESETS[0]
}
