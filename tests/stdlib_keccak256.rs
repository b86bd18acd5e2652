//! `std::crypto::hashes::keccak256` (Miden 0.17's procedures and limb layout) against the
//! `sha3` crate's `Keccak256` (Ethereum's Keccak-256, not SHA3-256) and published vectors:
//! each procedure assembled from the embedded stdlib, run by both executors
//! (`common::run_full`), and checked on the whole output stack.
//!
//! A lane (8 bytes as a little-endian u64) lies on the stack as `[hi, lo]`; `hash_bytes`
//! reads bytes packed four per element (little-endian u32s).

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use sha3::{Digest, Keccak256};
use vm::processor::{AdviceInputs, ExecutionOptions};

const IMPORT: &str = "use.std::crypto::hashes::keccak256\n";

fn keccak(bytes: &[u8]) -> [u8; 32] {
    Keccak256::digest(bytes).into()
}

/// Bytes (a multiple of 8) as lanes on the stack, top first: `[hi0, lo0, hi1, lo1, ...]`.
fn lanes_stack(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .flat_map(|c| {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            [v >> 32, v & 0xffff_ffff]
        })
        .collect()
}

fn hex32(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

/// Bytes packed four per element, little-endian; the last element's missing bytes are
/// `fill` (which `hash_bytes` must ignore).
fn packed(bytes: &[u8], fill: u8) -> Vec<u64> {
    bytes
        .chunks(4)
        .map(|c| {
            let mut w = [fill; 4];
            w[..c.len()].copy_from_slice(c);
            u64::from(u32::from_le_bytes(w))
        })
        .collect()
}

fn run_hash_bytes(addr: u64, elems: &[u64], len: u64) -> Result<Outcome, String> {
    // `addr` may be unaligned: store from the word below it.
    let base = addr & !3;
    let mut all = vec![0xffff_ffffu64; (addr - base) as usize];
    all.extend(elems);
    let src = format!(
        "{IMPORT}begin {} push.{len}.{addr} exec.keccak256::hash_bytes end",
        store_elems(base, &all, 0xffff_ffff)
    );
    run_full(
        &src,
        &with_sentinels(&[]),
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
}

fn check_hash_bytes(addr: u64, bytes: &[u8], fill: u8) {
    let out = run_hash_bytes(addr, &packed(bytes, fill), bytes.len() as u64)
        .unwrap_or_else(|e| panic!("hash_bytes of {} bytes: {e}", bytes.len()));
    let want = expected(&[], 0, &lanes_stack(&keccak(bytes)));
    assert_eq!(
        out.stack,
        want,
        "hash_bytes of {} bytes at {addr}",
        bytes.len()
    );
}

fn sample_bytes(n: usize, seed: u64) -> Vec<u8> {
    (0..n as u64)
        .map(|i| (i.wrapping_mul(131).wrapping_add(seed * 17) ^ (i >> 3)) as u8)
        .collect()
}

#[test]
fn known_vectors() {
    assert_eq!(
        keccak(b""),
        hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    );
    assert_eq!(
        keccak(b"abc"),
        hex32("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    );
    let fox = b"The quick brown fox jumps over the lazy dog";
    assert_eq!(
        keccak(fox),
        hex32("4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
    );
    check_hash_bytes(0, b"", 0xff);
    check_hash_bytes(64, b"abc", 0xff);
    check_hash_bytes(64, fox, 0);
}

#[test]
fn hash_bytes_matches_keccak256_around_block_boundaries() {
    let mut lens: Vec<usize> = (0..=20).collect();
    lens.extend([
        31, 32, 33, 63, 64, 65, 131, 132, 133, 134, 135, 136, 137, 140,
    ]);
    lens.extend([200, 270, 271, 272, 273, 408, 409]);
    for n in lens {
        check_hash_bytes(1000, &sample_bytes(n, n as u64), 0xa5);
    }
    // Unaligned pointers and the last addresses below 2^32.
    check_hash_bytes(1001, &sample_bytes(10, 1), 0);
    check_hash_bytes(1003, &sample_bytes(140, 2), 0x80);
    check_hash_bytes(U32_MAX - 39, &sample_bytes(160, 3), 0x11);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn hash_bytes_matches_keccak256(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        fill in any::<u8>(),
    ) {
        check_hash_bytes(256, &bytes, fill);
    }

    #[test]
    fn hash_matches_keccak256_of_64_bytes(bytes in prop::array::uniform32(any::<u8>()),
                                          more in prop::array::uniform32(any::<u8>())) {
        let mut msg = bytes.to_vec();
        msg.extend(more);
        check_hash(&msg);
    }
}

fn check_hash(msg: &[u8]) {
    let args = lanes_stack(msg);
    check(
        &format!("{IMPORT}begin exec.keccak256::hash end"),
        &args,
        16,
        &lanes_stack(&keccak(msg)),
    );
}

#[test]
fn hash_of_edge_inputs() {
    check_hash(&[0; 64]);
    check_hash(&[0xff; 64]);
    check_hash(&sample_bytes(64, 9));
    // Miden's test: two 32-byte digests concatenated.
    let mut msg = keccak(b"left").to_vec();
    msg.extend(keccak(b"right"));
    check_hash(&msg);
}

fn interleave(v: u64) -> (u64, u64) {
    let (mut even, mut odd) = (0u64, 0u64);
    for i in 0..32 {
        even |= ((v >> (2 * i)) & 1) << i;
        odd |= ((v >> (2 * i + 1)) & 1) << i;
    }
    (even, odd)
}

#[test]
fn bit_interleaving_matches_the_definition() {
    let mut values = vec![0u64, 1, 2, 3, u64::MAX, 0x5555_5555_5555_5555, 1 << 63];
    values.extend((0..40u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i << 7)));
    for v in values {
        let (even, odd) = interleave(v);
        let (hi, lo) = (v >> 32, v & 0xffff_ffff);
        check(
            &format!("{IMPORT}begin exec.keccak256::to_bit_interleaved end"),
            &[hi, lo, 5],
            2,
            &[even, odd],
        );
        check(
            &format!("{IMPORT}begin exec.keccak256::from_bit_interleaved end"),
            &[even, odd, 5],
            2,
            &[hi, lo],
        );
        // Miden's round trip.
        check(
            &format!(
                "{IMPORT}begin exec.keccak256::to_bit_interleaved \
                 exec.keccak256::from_bit_interleaved end"
            ),
            &[hi, lo],
            2,
            &[hi, lo],
        );
    }
}

#[test]
fn non_u32_inputs_fail() {
    let src = |p: &str| format!("{IMPORT}begin exec.keccak256::{p} end");
    for p in ["to_bit_interleaved", "from_bit_interleaved"] {
        check_fails(&src(p), &[TWO32, 0], "NotU32");
        check_fails(&src(p), &[0, TWO32], "NotU32");
    }
    for i in 0..16 {
        let mut args = vec![7u64; 16];
        args[i] = TWO32 + 1;
        check_fails(&src("hash"), &args, "NotU32");
    }
    // A packed element that is not a u32, in a full block and in the last one.
    for (n, bad) in [(140usize, 3usize), (140, 34), (141, 35), (5, 1)] {
        let mut elems = packed(&sample_bytes(n, 4), 0);
        elems[bad] = P - 1;
        let e = run_hash_bytes(0, &elems, n as u64).unwrap_err();
        assert!(what(&e).contains("NotU32"), "{e}");
    }
    check_fails(&src("hash_bytes"), &[0, TWO32], "NotU32");
    check_fails(&src("hash_bytes"), &[U32_MAX - 2, 16], "AddressOutOfRange");
}

/// Cycles of `exec.keccak256::{proc}` alone, on `args` (top first) after `setup`.
fn proc_cycles(setup: &str, proc: &str, args: &[u64]) -> u64 {
    let cycles = |body: &str| {
        let src = format!("{IMPORT}begin {setup} {body} end");
        run_full(
            &src,
            &with_sentinels(args),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap()
        .cycles
    };
    cycles(&format!("exec.keccak256::{proc}")) - cycles("") - 2
}

#[test]
fn cycles_are_the_documented_ones() {
    assert_eq!(proc_cycles("", "hash", &[1; 16]), 36987);
    assert_eq!(proc_cycles("", "to_bit_interleaved", &[1, 2]), 114);
    assert_eq!(proc_cycles("", "from_bit_interleaved", &[1, 2]), 97);
    for n in [0u64, 1, 3, 4, 5, 8, 133, 135, 136, 137, 272, 300] {
        let (q, r) = (n / 136, n % 136);
        let want = 37010 + 37527 * q + 18 * (r / 4) + 8 * u64::from(r % 4 != 0);
        let got = proc_cycles(&format!("push.{n}.0"), "hash_bytes", &[]);
        assert_eq!(got, want, "hash_bytes of {n} bytes");
    }
}
