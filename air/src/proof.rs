//! The proof file: a versioned, self-describing envelope around winterfell's proof.
//!
//! Layout: the magic `VMPF`, a format version byte, the preset identifier, the preset's
//! security bits (informational; the verifier recomputes them), the base-2 log of the trace
//! length, then winterfell's serialized `Proof`.
//!
//! Winterfell 0.13.1 trusts its input: its deserializers and verifier `assert!` on field
//! values (trace length, options, frame sizes), index vectors by counts read from the
//! proof, shift and raise to powers read from it, and pre-allocate vectors of the lengths
//! it reads. Without `std` each of those is an abort. So before winterfell sees a byte,
//! [`check_stark_bytes`] walks the whole serialized proof and requires every length and
//! field to be exactly what the preset and the AIR imply (the list is in `docs/zk.md`,
//! "The embedded verifier"). A byte string that passes it deserializes and verifies
//! without a panic; one that does not is a [`ProofError`]. No `catch_unwind` is involved,
//! with or without `std`.

use alloc::{format, string::String, vec::Vec};
use core::fmt;

use vm_core::{Felt, StackInputs, StackOutputs, MODULUS};
use winter_air::{proof::Proof, Air, TraceInfo};
use winter_math::StarkField;
use winter_utils::{ByteWriter, Deserializable, Serializable, SliceReader};

use crate::preset::{self, HashFunction, Preset};
use crate::{layout, PublicInputs, VmAir};

/// The file's magic bytes.
pub const MAGIC: &[u8; 4] = b"VMPF";
/// The current format version. 2 since the presets of issue 15 (BLAKE3-192 commitments at
/// 96 bits, FRI folding 8): a version-1 file names a preset whose options and hash were
/// others, and is refused by its version rather than by its options. 3 since the auxiliary
/// trace has 12 columns (the running sum carries three u32 lookups, `crate::bus`): a
/// version-2 proof is one of the 13-column AIR.
pub const VERSION: u8 = 3;
const HEADER_LEN: usize = 4 + 1 + 1 + 1 + 1;

/// Largest trace length a proof may claim: 2^29 rows. Winterfell's prover refuses a
/// low-degree-extension domain above `u32::MAX` (`Context::new`), which is 2^29 rows at the
/// presets' blowup 4, and its verifier computes OOD powers in `u32`.
pub const MAX_TRACE_LEN: usize = 1 << 29;

/// A proof with the preset it was made under.
#[derive(Clone, Debug, PartialEq)]
pub struct VmProof {
    /// The preset (options and zero-knowledge parameters).
    pub preset: &'static Preset,
    /// The STARK proof.
    pub proof: Proof,
}

/// Why a proof file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofError {
    /// The file is shorter than its header.
    Truncated,
    /// The file does not start with `VMPF`.
    BadMagic,
    /// The format version is not one this build reads.
    UnsupportedVersion(u8),
    /// The preset identifier is not in the preset table.
    UnknownPreset(u8),
    /// The header disagrees with the proof it carries.
    HeaderMismatch(String),
    /// The embedded STARK proof is not shaped as its preset requires: the message names
    /// the field, the value found and the value expected.
    Malformed(String),
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => write!(f, "proof file is truncated (shorter than its header)"),
            Self::BadMagic => write!(f, "not a proof file (missing the VMPF magic bytes)"),
            Self::UnsupportedVersion(v) => {
                write!(
                    f,
                    "proof format version {v} is not supported (this build reads {VERSION})"
                )
            }
            Self::UnknownPreset(p) => write!(f, "proof names unknown preset {p}"),
            Self::HeaderMismatch(m) => write!(f, "proof header disagrees with the proof: {m}"),
            Self::Malformed(m) => write!(f, "malformed proof: {m}"),
        }
    }
}

impl core::error::Error for ProofError {}

impl VmProof {
    /// Conjectured security in bits, as winterfell computes it for this proof.
    pub fn security_bits(&self) -> u32 {
        use winter_crypto::hashers::{Blake3_192, Blake3_256, Rp64_256};
        let proof = &self.proof;
        match self.preset.hash_function() {
            HashFunction::Blake3_192 => proof.conjectured_security::<Blake3_192<Felt>>().bits(),
            HashFunction::Blake3_256 => proof.conjectured_security::<Blake3_256<Felt>>().bits(),
            HashFunction::Rp64_256 => proof.conjectured_security::<Rp64_256>().bits(),
        }
    }

    /// The trace length the proof is about.
    pub fn trace_len(&self) -> usize {
        self.proof.trace_info().length()
    }

    /// Serializes the proof file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = self.proof.to_bytes();
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(self.preset.id);
        out.push(self.preset.security_bits as u8);
        out.push(self.trace_len().trailing_zeros() as u8);
        out.extend_from_slice(&body);
        out
    }

    /// Reads a proof file: checks its header, then every field of the STARK proof against
    /// the preset the header names ([`check_stark_bytes`]), and only then lets winterfell
    /// deserialize it. Never panics, whatever the bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        if bytes.len() < HEADER_LEN {
            return Err(ProofError::Truncated);
        }
        if &bytes[..4] != MAGIC {
            return Err(ProofError::BadMagic);
        }
        if bytes[4] != VERSION {
            return Err(ProofError::UnsupportedVersion(bytes[4]));
        }
        let preset = preset::by_id(bytes[5]).ok_or(ProofError::UnknownPreset(bytes[5]))?;
        if bytes[6] as u32 != preset.security_bits {
            return Err(ProofError::HeaderMismatch(format!(
                "header says {} bits, preset {} has {}",
                bytes[6], preset.name, preset.security_bits
            )));
        }
        let body = &bytes[HEADER_LEN..];
        let shape = check_stark_bytes(preset, body)?;
        if bytes[7] as u32 != shape.log_trace_len {
            return Err(ProofError::HeaderMismatch(format!(
                "header says trace length 2^{}, proof has 2^{}",
                bytes[7], shape.log_trace_len
            )));
        }
        // Every field winterfell reads has been checked: this cannot panic.
        let mut reader = SliceReader::new(body);
        let proof =
            Proof::read_from(&mut reader).map_err(|e| ProofError::Malformed(format!("{e}")))?;
        Ok(Self { preset, proof })
    }
}

/// What [`check_stark_bytes`] learnt about a proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StarkShape {
    /// Base-2 log of the trace length.
    pub log_trace_len: u32,
    /// Distinct query positions the proof opens.
    pub num_unique_queries: usize,
    /// FRI layers (excluding the remainder).
    pub fri_layers: usize,
}

/// Checks a serialized winterfell proof, field by field, against `preset` and the AIR:
/// trace widths and length, field modulus, options, constraint count, the number of
/// queries, every commitment, every query table's size, every Merkle batch opening's depth,
/// vector count and vector lengths, the out-of-domain frames, the FRI layers, remainder
/// and partitions, and that nothing trails. Field elements must be canonical (below the
/// modulus) and variable-length integers minimally encoded, so that one proof has one
/// encoding. What it cannot know before the Fiat-Shamir transcript (which positions are
/// queried) is bounded: every count is at most the number of queries the proof claims.
pub fn check_stark_bytes(preset: &Preset, bytes: &[u8]) -> Result<StarkShape, ProofError> {
    let mut r = Cursor { bytes, pos: 0 };
    let ext = preset.extension_degree;
    let elem = 8 * ext;
    let hash = preset.hash_function();
    let digest = hash.digest_bytes();

    // Trace info: widths, random elements, log2 of the length, metadata.
    r.expect_u8("main trace width", preset.main_width())?;
    r.expect_u8("auxiliary trace width", layout::AUX_WIDTH)?;
    r.expect_u8("auxiliary random elements", layout::AUX_RANDS)?;
    let log_n = r.u8("log2 of the trace length")? as u32;
    let (lo, hi) = (
        preset.min_trace_len.trailing_zeros(),
        preset.max_trace_len.min(MAX_TRACE_LEN).trailing_zeros(),
    );
    if log_n < lo || log_n > hi {
        return Err(malformed(format!(
            "log2 of the trace length is {log_n}, must be in {lo}..={hi}"
        )));
    }
    let n = 1usize << log_n;
    let meta = r.u16("trace metadata length")?;
    if meta != 0 {
        return Err(malformed(format!(
            "{meta} bytes of trace metadata, expected none"
        )));
    }

    // Field modulus, options, constraint count.
    let modulus = Felt::get_modulus_le_bytes();
    r.expect_u8("field modulus length", modulus.len())?;
    if r.take("field modulus", modulus.len())? != modulus.as_slice() {
        return Err(malformed("field modulus is not Goldilocks'".into()));
    }
    let options = preset.options();
    if r.take("proof options", options.to_bytes().len())? != options.to_bytes().as_slice() {
        return Err(malformed(format!(
            "proof options differ from preset {}'s",
            preset.name
        )));
    }
    let air = shape_air(preset, n);
    let ctx = air.context();
    let constraints = ctx.num_assertions() + ctx.num_transition_constraints();
    let found = r.usize("constraint count")?;
    if found != constraints {
        return Err(malformed(format!(
            "constraint count {found}, the AIR has {constraints}"
        )));
    }
    let comp_cols = ctx.num_constraint_composition_columns();

    // Distinct queries: at least one, at most the preset's.
    let q = r.u8("number of unique queries")? as usize;
    if q == 0 || q > preset.queries {
        return Err(malformed(format!(
            "{q} unique queries, must be in 1..={}",
            preset.queries
        )));
    }

    // Commitments: two trace roots, the composition root, one root per FRI layer and the
    // remainder's.
    let lde = n * preset.blowup;
    let fri = options.to_fri_options();
    let fri_layers = fri.num_fri_layers(lde);
    let roots = 2 + 1 + fri_layers + 1;
    let len = r.u16("commitments length")? as usize;
    if len != roots * digest {
        return Err(malformed(format!(
            "commitments take {len} bytes, expected {roots} {} digests ({} bytes)",
            hash.name(),
            roots * digest
        )));
    }
    r.digests("commitments", roots, hash)?;

    // Queried rows: main trace (base field), auxiliary trace and composition columns
    // (extension field), each with a batch opening of the LDE tree.
    let depth = lde.trailing_zeros() as usize;
    for (what, row_bytes) in [
        ("main trace queries", preset.main_width() * 8),
        ("auxiliary trace queries", layout::AUX_WIDTH * elem),
        ("composition queries", comp_cols * elem),
    ] {
        let len = r.usize(what)?;
        if len != q * row_bytes {
            return Err(malformed(format!(
                "{what}: {len} value bytes, expected {q} rows of {row_bytes}"
            )));
        }
        r.felts(what, len / 8)?;
        let len = r.usize(what)?;
        let opening = r.take(what, len)?;
        check_batch_opening(opening, depth, q, hash)
            .map_err(|m| malformed(format!("{what} opening: {m}")))?;
    }

    // Out-of-domain frames: frame size 2, then current and next rows.
    for (what, width) in [
        (
            "out-of-domain trace frame",
            preset.main_width() + layout::AUX_WIDTH,
        ),
        ("out-of-domain quotient frame", comp_cols),
    ] {
        let expected = 1 + 2 * width * elem;
        let len = r.u16(what)? as usize;
        if len != expected {
            return Err(malformed(format!(
                "{what}: {len} bytes, expected {expected}"
            )));
        }
        r.expect_u8(what, 2)?;
        r.felts(what, 2 * width * ext)?;
    }

    // FRI: exactly the layers the verifier folds, each opened at no more positions than
    // the layer before, the remainder polynomial's coefficients, one partition.
    r.expect_u8("FRI layer count", fri_layers)?;
    let folding = preset.fri_folding;
    let mut domain = lde;
    let mut rows_before = q;
    for i in 0..fri_layers {
        domain /= folding;
        let what = format!("FRI layer {i}");
        let len = r.u32(&what)? as usize;
        let row = folding * elem;
        if len == 0 || !len.is_multiple_of(row) || len / row > rows_before {
            return Err(malformed(format!(
                "{what}: {len} value bytes, expected 1..={rows_before} rows of {row}"
            )));
        }
        rows_before = len / row;
        r.felts(&what, len / 8)?;
        let len = r.u32(&what)? as usize;
        let opening = r.take(&what, len)?;
        check_batch_opening(opening, domain.trailing_zeros() as usize, rows_before, hash)
            .map_err(|m| malformed(format!("{what} opening: {m}")))?;
    }
    let coefficients = domain / preset.blowup;
    let len = r.u16("FRI remainder")? as usize;
    if len != coefficients * elem {
        return Err(malformed(format!(
            "FRI remainder: {len} bytes, expected {coefficients} coefficients of {elem}"
        )));
    }
    r.felts("FRI remainder", coefficients * ext)?;
    r.expect_u8("FRI partitions (log2)", 0)?;

    // Proof-of-work nonce (any value), then nothing.
    r.take("proof-of-work nonce", 8)?;
    if r.pos != bytes.len() {
        return Err(malformed(format!(
            "{} trailing bytes after the proof",
            bytes.len() - r.pos
        )));
    }
    Ok(StarkShape {
        log_trace_len: log_n,
        num_unique_queries: q,
        fri_layers,
    })
}

/// The AIR instance of a proof of `n` rows under `preset`, for its counts (constraints,
/// composition columns); the public inputs do not change them.
fn shape_air(preset: &Preset, n: usize) -> VmAir {
    let info = TraceInfo::new_multi_segment(
        preset.main_width(),
        layout::AUX_WIDTH,
        layout::AUX_RANDS,
        n,
        Vec::new(),
    );
    let public = PublicInputs {
        preset: preset.id,
        program_hash: [Felt::new(0); 4],
        stack_inputs: StackInputs::default(),
        stack_outputs: StackOutputs::new(&[]).expect("no values fit"),
    };
    VmAir::new(info, public, preset.options())
}

/// Checks a batch Merkle opening of a tree of depth `depth` for at most `leaves` opened
/// leaves: the depth byte, the node-vector count (one per opened leaf pair, so 1..=leaves),
/// each vector's length (at most `depth` siblings) and digests, and that the bytes end with
/// it. Winterfell pre-allocates the counts it reads, shifts by the depth and indexes by
/// both, so each must be checked before it reads them.
fn check_batch_opening(
    bytes: &[u8],
    depth: usize,
    leaves: usize,
    hash: HashFunction,
) -> Result<(), String> {
    let mut r = Cursor { bytes, pos: 0 };
    let err = |e: ProofError| match e {
        ProofError::Malformed(m) => m,
        e => format!("{e}"),
    };
    let d = r.u8("depth").map_err(err)? as usize;
    if d != depth {
        return Err(format!("depth {d}, expected {depth}"));
    }
    let vectors = r.usize("node vectors").map_err(err)?;
    if vectors == 0 || vectors > leaves {
        return Err(format!("{vectors} node vectors, expected 1..={leaves}"));
    }
    for _ in 0..vectors {
        let len = r.usize("node vector").map_err(err)?;
        if len > depth {
            return Err(format!("a node vector of {len} digests, at most {depth}"));
        }
        r.digests("nodes", len, hash).map_err(err)?;
    }
    if r.pos != bytes.len() {
        return Err(format!("{} trailing bytes", bytes.len() - r.pos));
    }
    Ok(())
}

fn malformed(m: String) -> ProofError {
    ProofError::Malformed(m)
}

/// A reader over untrusted bytes: every read is bounds-checked and names what it reads.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, what: &str, n: usize) -> Result<&'a [u8], ProofError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "{what}: needs {n} bytes at offset {}, {} left",
                    self.pos,
                    self.bytes.len() - self.pos
                ))
            })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8, ProofError> {
        Ok(self.take(what, 1)?[0])
    }

    fn expect_u8(&mut self, what: &str, expected: usize) -> Result<(), ProofError> {
        let v = self.u8(what)? as usize;
        if v != expected {
            return Err(malformed(format!("{what} is {v}, expected {expected}")));
        }
        Ok(())
    }

    fn u16(&mut self, what: &str) -> Result<u16, ProofError> {
        let b = self.take(what, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ProofError> {
        let b = self.take(what, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, what: &str) -> Result<u64, ProofError> {
        let b = self.take(what, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// Winterfell's variable-length integer (1 to 9 bytes, length in the first byte's
    /// trailing zeros), required in its shortest encoding.
    fn usize(&mut self, what: &str) -> Result<usize, ProofError> {
        let start = self.pos;
        let first = *self.bytes.get(start).ok_or_else(|| {
            malformed(format!(
                "{what}: needs a length at offset {start}, none left"
            ))
        })?;
        let len = first.trailing_zeros() as usize + 1;
        let value = if len == 9 {
            self.take(what, 1)?;
            self.u64(what)?
        } else {
            let b = self.take(what, len)?;
            let mut a = [0u8; 8];
            a[..len].copy_from_slice(b);
            u64::from_le_bytes(a) >> len
        };
        let value = usize::try_from(value)
            .map_err(|_| malformed(format!("{what}: length {value} does not fit usize")))?;
        let mut canonical = Vec::new();
        canonical.write_usize(value);
        if canonical.as_slice() != &self.bytes[start..self.pos] {
            return Err(malformed(format!(
                "{what}: length {value} is not minimally encoded"
            )));
        }
        Ok(value)
    }

    /// `count` field elements (8-byte words), each below the modulus.
    fn felts(&mut self, what: &str, count: usize) -> Result<(), ProofError> {
        let bytes = count
            .checked_mul(8)
            .ok_or_else(|| malformed(format!("{what}: {count} elements")))?;
        let s = self.take(what, bytes)?;
        canonical_words(what, s)
    }

    /// `count` digests of `hash`'s width; `Rp64_256` digests are four field elements, each
    /// canonical.
    fn digests(&mut self, what: &str, count: usize, hash: HashFunction) -> Result<(), ProofError> {
        let bytes = count
            .checked_mul(hash.digest_bytes())
            .ok_or_else(|| malformed(format!("{what}: {count} digests")))?;
        let s = self.take(what, bytes)?;
        match hash {
            HashFunction::Blake3_192 | HashFunction::Blake3_256 => Ok(()),
            HashFunction::Rp64_256 => canonical_words(what, s),
        }
    }
}

fn canonical_words(what: &str, s: &[u8]) -> Result<(), ProofError> {
    for (i, w) in s.chunks_exact(8).enumerate() {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let v = u64::from_le_bytes(a);
        if v >= MODULUS {
            return Err(malformed(format!(
                "{what}: element {i} is {v}, not below the field modulus"
            )));
        }
    }
    Ok(())
}
