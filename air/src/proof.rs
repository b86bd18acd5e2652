//! The proof file: a versioned, self-describing envelope around winterfell's proof.
//!
//! Layout: the magic `VMPF`, a format version byte, the preset identifier, the preset's
//! security bits (informational; the verifier recomputes them), the base-2 log of the trace
//! length, then winterfell's serialized `Proof`. Everything is checked on read; nothing
//! panics on malformed bytes.

use alloc::{string::String, vec::Vec};
use core::fmt;

use winter_air::proof::Proof;
use winter_utils::{ByteReader, Deserializable, DeserializationError, SliceReader};

use crate::preset::{self, Preset};

/// The file's magic bytes.
pub const MAGIC: &[u8; 4] = b"VMPF";
/// The current format version.
pub const VERSION: u8 = 1;
const HEADER_LEN: usize = 4 + 1 + 1 + 1 + 1;

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
    /// The embedded STARK proof does not deserialize.
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

impl VmProof {
    /// Conjectured security in bits, as winterfell computes it for this proof.
    pub fn security_bits(&self) -> u32 {
        use winter_crypto::hashers::{Blake3_256, Rp64_256};
        match self.preset.hash {
            preset::CommitmentHash::Blake3 => self
                .proof
                .conjectured_security::<Blake3_256<vm_core::Felt>>()
                .bits(),
            preset::CommitmentHash::Rescue => self.proof.conjectured_security::<Rp64_256>().bits(),
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

    /// Reads a proof file, checking its header against the proof it carries.
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
            return Err(ProofError::HeaderMismatch(alloc::format!(
                "header says {} bits, preset {} has {}",
                bytes[6],
                preset.name,
                preset.security_bits
            )));
        }
        let (proof, trailing) = read_proof(&bytes[HEADER_LEN..])?;
        check_openings(&proof)?;
        if trailing {
            return Err(ProofError::Malformed(
                "trailing bytes after the proof".into(),
            ));
        }
        let log_len = proof.trace_info().length().trailing_zeros();
        if bytes[7] as u32 != log_len {
            return Err(ProofError::HeaderMismatch(alloc::format!(
                "header says trace length 2^{}, proof has 2^{log_len}",
                bytes[7]
            )));
        }
        Ok(Self { preset, proof })
    }
}

/// Bytes of a commitment digest (BLAKE3 and `Rp64_256` digests are both 32 bytes).
const DIGEST_BYTES: usize = 32;

/// Checks the length fields of every batch Merkle opening in the proof before winterfell's
/// verifier parses them. Winterfell reads an opening's node-vector count and allocates that
/// many vectors up front (`BatchMerkleProof::read_from`), so a corrupted count makes an
/// allocation of hundreds of gigabytes, which aborts the process instead of failing: every
/// count here must fit in the bytes that follow it.
fn check_openings(proof: &Proof) -> Result<(), ProofError> {
    use winter_utils::Serializable;
    let malformed = |what: &str| ProofError::Malformed(String::from(what));
    // A `Queries` serializes as its value bytes, then its opening bytes.
    let queries = proof
        .trace_queries
        .iter()
        .chain(core::iter::once(&proof.constraint_queries));
    for q in queries {
        let bytes = q.to_bytes();
        let mut r = BoundedReader::new(&bytes);
        let _values = Vec::<u8>::read_from(&mut r).map_err(|_| malformed("query values"))?;
        let opening = Vec::<u8>::read_from(&mut r).map_err(|_| malformed("query opening"))?;
        check_batch_opening(&opening).map_err(|_| malformed("trace or constraint opening"))?;
    }
    // A FRI proof serializes as its layer count (u8) and layers (each: value bytes and
    // opening bytes, u32-length-prefixed), then the remainder and the partition count.
    let bytes = proof.fri_proof.to_bytes();
    let mut r = BoundedReader::new(&bytes);
    let layers = r.read_u8().map_err(|_| malformed("FRI layer count"))?;
    for _ in 0..layers {
        let n = r.read_u32().map_err(|_| malformed("FRI values"))? as usize;
        r.read_slice(n).map_err(|_| malformed("FRI values"))?;
        let n = r.read_u32().map_err(|_| malformed("FRI opening"))? as usize;
        let opening = r.read_slice(n).map_err(|_| malformed("FRI opening"))?;
        check_batch_opening(opening).map_err(|_| malformed("FRI layer opening"))?;
    }
    // The out-of-domain frame: two u16-length-prefixed byte strings (trace states, then
    // quotient states), each starting with its frame size, which winterfell asserts is 2
    // (an abort without `std`) rather than returning an error.
    let bytes = proof.ood_frame.to_bytes();
    let mut r = BoundedReader::new(&bytes);
    for what in ["out-of-domain trace frame", "out-of-domain quotient frame"] {
        let n = r.read_u16().map_err(|_| malformed(what))? as usize;
        let states = r.read_slice(n).map_err(|_| malformed(what))?;
        if states.first() != Some(&2) {
            return Err(malformed(what));
        }
    }
    Ok(())
}

/// The layout of a batch Merkle opening: depth (u8), the number of node vectors, then each
/// vector as its length and its digests. Every count must fit in the remaining bytes.
fn check_batch_opening(bytes: &[u8]) -> Result<(), DeserializationError> {
    let mut r = BoundedReader::new(bytes);
    let _depth = r.read_u8()?;
    let vectors = r.read_usize()?;
    if vectors > r.remaining {
        return Err(DeserializationError::UnexpectedEOF);
    }
    for _ in 0..vectors {
        let len = r.read_usize()?;
        let n = len
            .checked_mul(DIGEST_BYTES)
            .ok_or(DeserializationError::UnexpectedEOF)?;
        r.read_slice(n)?;
    }
    Ok(())
}

/// Deserializes winterfell's proof; returns whether bytes are left over.
fn read_proof(bytes: &[u8]) -> Result<(Proof, bool), ProofError> {
    let read = || {
        let mut reader = BoundedReader::new(bytes);
        Proof::read_from(&mut reader)
            .map(|p| (p, reader.has_more_bytes()))
            .map_err(|e| ProofError::Malformed(alloc::format!("{e}")))
    };
    // winterfell's constructors assert on some field values (trace length, options) while
    // deserializing; with std those panics become errors. Without std they still abort:
    // a stated gap (docs/zk.md, docs/cli.md).
    #[cfg(feature = "std")]
    {
        extern crate std;
        std::panic::catch_unwind(read).unwrap_or_else(|e| {
            let msg = e
                .downcast_ref::<&str>()
                .map(|s| String::from(*s))
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "invalid field".into());
            Err(ProofError::Malformed(msg))
        })
    }
    #[cfg(not(feature = "std"))]
    read()
}

/// A byte reader that refuses to pre-allocate more elements than there are bytes left:
/// winterfell's default `read_many` reserves the claimed count up front, so a corrupted
/// length field would otherwise abort the process for lack of memory.
struct BoundedReader<'a> {
    inner: SliceReader<'a>,
    remaining: usize,
}

impl<'a> BoundedReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            inner: SliceReader::new(bytes),
            remaining: bytes.len(),
        }
    }

    fn consumed(&mut self, n: usize) {
        self.remaining = self.remaining.saturating_sub(n);
    }
}

impl ByteReader for BoundedReader<'_> {
    fn read_u8(&mut self) -> Result<u8, DeserializationError> {
        let v = self.inner.read_u8()?;
        self.consumed(1);
        Ok(v)
    }

    fn peek_u8(&self) -> Result<u8, DeserializationError> {
        self.inner.peek_u8()
    }

    fn read_slice(&mut self, len: usize) -> Result<&[u8], DeserializationError> {
        self.remaining = self
            .remaining
            .checked_sub(len)
            .ok_or(DeserializationError::UnexpectedEOF)?;
        self.inner.read_slice(len)
    }

    fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DeserializationError> {
        let v = self.inner.read_array::<N>()?;
        self.consumed(N);
        Ok(v)
    }

    fn check_eor(&self, num_bytes: usize) -> Result<(), DeserializationError> {
        self.inner.check_eor(num_bytes)
    }

    fn has_more_bytes(&self) -> bool {
        self.inner.has_more_bytes()
    }

    fn read_many<D: Deserializable>(
        &mut self,
        num_elements: usize,
    ) -> Result<Vec<D>, DeserializationError> {
        // Every element takes at least one byte.
        if num_elements > self.remaining {
            return Err(DeserializationError::UnexpectedEOF);
        }
        let mut out = Vec::with_capacity(num_elements);
        for _ in 0..num_elements {
            out.push(D::read_from(self)?);
        }
        Ok(out)
    }
}
