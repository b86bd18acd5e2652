//! The proof presets: one table that the prover, the AIR and the verifier all read.
//!
//! A preset fixes everything about a proof that is not the statement: the STARK options
//! (queries, blowup, grinding, extension field, FRI), the commitment hash, whether zero
//! knowledge is on, and from these the number of random rows `r` and of randomizer columns.
//! The verifier accepts a proof only under one of these presets, so neither `r` nor the
//! options can be chosen by a prover.

use winter_air::{BatchingMethod, FieldExtension, ProofOptions};

/// The hash function of the STARK's commitments (Merkle trees and Fiat-Shamir).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitmentHash {
    /// BLAKE3 with 256-bit output (the default; fastest to prove).
    Blake3,
    /// Rescue Prime `Rp64_256` (cheaper to verify inside another STARK).
    Rescue,
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
    /// Commitment hash.
    pub hash: CommitmentHash,
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
}

fn find(pred: impl Fn(&Preset) -> bool) -> &'static Preset {
    PRESETS
        .iter()
        .find(|p| pred(p))
        .expect("the preset table is complete")
}

const fn preset(id: u8, name: &'static str, bits: u32, hash: CommitmentHash, zk: bool) -> Preset {
    // 96 bits: 40 queries x log2(4) + 17 grinding bits = 97, minus 1 (winterfell's formula),
    // within the quadratic extension's 128 bits. 128 bits: 56 x 2 + 17 = 129, minus 1, which
    // needs the cubic extension (the quadratic one caps at 127).
    let (queries, extension_degree) = if bits == 96 { (40, 2) } else { (56, 3) };
    Preset {
        id,
        name,
        security_bits: bits,
        hash,
        zk,
        queries,
        blowup: 4,
        grinding: 17,
        extension_degree,
        fri_folding: 4,
        fri_remainder_max_degree: 63,
        min_trace_len: 1 << 10,
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
