//! The leaves of a commitment: the hash of each row, computed many rows at a time where the
//! hash allows it.
//!
//! A leaf is `H::hash_elements(row)`, as winterfell's. For BLAKE3 that is the hash of the
//! row's canonical little-endian bytes: a single chunk for every row the VM commits to (at
//! most 120 base elements, 960 bytes), which the `blake3` crate hashes one 64-byte block
//! after another, with no SIMD across rows. Its multi-input kernel (`hash_many`, the one it
//! uses for the chunks of a long input, compiled for SSE4.1, AVX2 and AVX-512 and picked at
//! run time) compresses 4 to 16 rows side by side instead: the rows' whole blocks go through
//! it, then each row's last partial block (if any) through its single-block compression,
//! with the flags of a one-chunk root. The digests are the crate's own `blake3::hash`
//! (`tests` compare them on every row length up to two chunks and beyond).
//!
//! That kernel lives in `blake3::platform`, which the crate marks as unstable: the
//! dependency is pinned to the exact version (`prover/Cargo.toml`), and the test catches
//! any change of meaning.

use blake3::platform::Platform;
use vm_core::{Felt, FieldElement};
use winter_crypto::hashers::{Blake3_192, Blake3_256, Rp64_256};
use winter_crypto::{ElementHasher, Hasher};
use winter_utils::Deserializable;

/// A hash of trace rows, one digest per row.
pub trait LeafHasher: ElementHasher<BaseField = Felt> {
    /// Appends to `out` the digest of each row of `rows` (row-major base elements, `width`
    /// per row), each row read as elements of `E`: `Self::hash_elements` of it.
    fn hash_rows<E: FieldElement<BaseField = Felt>>(
        rows: &[Felt],
        width: usize,
        out: &mut Vec<Self::Digest>,
    ) {
        for row in rows.chunks(width) {
            out.push(Self::hash_elements(E::slice_from_base_elements(row)));
        }
    }
}

impl LeafHasher for Rp64_256 {}

impl LeafHasher for Blake3_256<Felt> {
    fn hash_rows<E: FieldElement<BaseField = Felt>>(
        rows: &[Felt],
        width: usize,
        out: &mut Vec<Self::Digest>,
    ) {
        blake3_rows(rows, width, |d: [u8; 32]| out.push(digest::<Self>(&d))).unwrap_or_else(|| {
            for row in rows.chunks(width) {
                out.push(Self::hash_elements(E::slice_from_base_elements(row)));
            }
        });
    }
}

impl LeafHasher for Blake3_192<Felt> {
    fn hash_rows<E: FieldElement<BaseField = Felt>>(
        rows: &[Felt],
        width: usize,
        out: &mut Vec<Self::Digest>,
    ) {
        blake3_rows(rows, width, |d: [u8; 32]| {
            out.push(digest::<Self>(&d[..24]))
        })
        .unwrap_or_else(|| {
            for row in rows.chunks(width) {
                out.push(Self::hash_elements(E::slice_from_base_elements(row)));
            }
        });
    }
}

/// The digest type of `H` (winterfell does not export it) from its bytes.
fn digest<H: Hasher>(bytes: &[u8]) -> H::Digest {
    H::Digest::read_from_bytes(bytes).expect("a digest's width of bytes")
}

/// BLAKE3's block, chunk and output lengths, its initial chaining value (the first 32 bits
/// of the fractional parts of the square roots of the first 8 primes, as SHA-256's) and the
/// flags of a chunk's first and last block and of the root (BLAKE3 specification, 2.1-2.5).
const BLOCK: usize = 64;
const CHUNK: usize = 1024;
const OUT: usize = 32;
const IV: [u32; 8] = [
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
];
const CHUNK_START: u8 = 1;
const CHUNK_END: u8 = 2;
const ROOT: u8 = 8;

/// The full BLAKE3 digests of the rows, passed to `digest` in order; `None` (and nothing
/// passed) for rows longer than one chunk, which the caller hashes the plain way.
fn blake3_rows(rows: &[Felt], width: usize, mut digest: impl FnMut([u8; 32])) -> Option<()> {
    let len = width * 8;
    if len == 0 || len > CHUNK || rows.is_empty() {
        return None;
    }
    let bytes: Vec<u8> = rows.iter().flat_map(|x| x.as_int().to_le_bytes()).collect();
    let full = len / BLOCK;
    let rest = len % BLOCK;
    let platform = Platform::detect();
    let count = rows.len() / width;
    // The chaining values after each row's whole blocks (the root digests when there is no
    // partial block).
    let mut cvs = vec![0u8; count * OUT];
    let end_flags = if rest == 0 { CHUNK_END | ROOT } else { 0 };
    macro_rules! whole_blocks {
        ($($n:literal)*) => {
            match full {
                0 => {
                    for cv in cvs.chunks_mut(OUT) {
                        cv.copy_from_slice(&words_to_bytes(&IV));
                    }
                }
                $($n => {
                    let inputs: Vec<&[u8; $n * BLOCK]> = bytes
                        .chunks(len)
                        .map(|row| row[..$n * BLOCK].try_into().expect("whole blocks"))
                        .collect();
                    platform.hash_many(
                        &inputs,
                        &IV,
                        0,
                        blake3::IncrementCounter::No,
                        0,
                        CHUNK_START,
                        end_flags,
                        &mut cvs,
                    );
                })*
                _ => unreachable!("a row of one chunk has at most 16 blocks"),
            }
        };
    }
    whole_blocks!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    for (row, cv) in bytes.chunks(len).zip(cvs.chunks(OUT)) {
        if rest == 0 {
            digest(cv.try_into().expect("32 bytes"));
            continue;
        }
        let mut words = bytes_to_words(cv);
        let mut block = [0u8; BLOCK];
        block[..rest].copy_from_slice(&row[full * BLOCK..]);
        let start = if full == 0 { CHUNK_START } else { 0 };
        platform.compress_in_place(&mut words, &block, rest as u8, 0, start | CHUNK_END | ROOT);
        digest(words_to_bytes(&words));
    }
    Some(())
}

fn words_to_bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_mut(4).zip(words) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn bytes_to_words(bytes: &[u8]) -> [u32; 8] {
    let mut words = [0u32; 8];
    for (w, b) in words.iter_mut().zip(bytes.chunks(4)) {
        *w = u32::from_le_bytes(b.try_into().expect("4 bytes"));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use winter_math::fields::QuadExtension;

    /// Every row length from 1 to 130 base elements (one to 17 blocks, with and without a
    /// partial block, and past one chunk, where the plain path takes over), over the base
    /// field and the quadratic extension, for both digest widths: the digests are
    /// `hash_elements`'s, that is `blake3::hash` of the canonical bytes.
    #[test]
    fn batched_digests_are_blake3s() {
        for width in 1..=130usize {
            let count = 21;
            let rows: Vec<Felt> = (0..(width * count) as u64)
                .map(|i| Felt::new(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (width as u64)))
                .collect();
            let mut ours = Vec::new();
            Blake3_192::<Felt>::hash_rows::<Felt>(&rows, width, &mut ours);
            let theirs: Vec<_> = rows
                .chunks(width)
                .map(Blake3_192::<Felt>::hash_elements)
                .collect();
            assert_eq!(ours, theirs, "width {width}");
            let mut ours = Vec::new();
            Blake3_256::<Felt>::hash_rows::<Felt>(&rows, width, &mut ours);
            for (row, d) in rows.chunks(width).zip(&ours) {
                let bytes: Vec<u8> = row.iter().flat_map(|x| x.as_int().to_le_bytes()).collect();
                assert_eq!(
                    winter_crypto::Digest::as_bytes(d),
                    *blake3::hash(&bytes).as_bytes(),
                    "width {width}"
                );
            }
            if width % 2 == 0 {
                type E = QuadExtension<Felt>;
                let mut ours = Vec::new();
                Blake3_256::<Felt>::hash_rows::<E>(&rows, width, &mut ours);
                let theirs: Vec<_> = rows
                    .chunks(width)
                    .map(|r| Blake3_256::<Felt>::hash_elements(E::slice_from_base_elements(r)))
                    .collect();
                assert_eq!(ours, theirs, "width {width}, extension");
            }
        }
    }
}
