//! `std::crypto::hashes::blake3` (Miden 0.16/0.17's stack conventions for `hash_1to1` and
//! `hash_2to1`; `hash_memory` is ours) against the `blake3` crate: each procedure assembled
//! from the embedded stdlib, run by both executors (`common::run_full`), and checked on the
//! whole output stack. A message word is a u32 holding four bytes little-endian
//! (`u32::from_le_bytes`), first word on top; `hash_memory` reads message word `i` at element
//! `addr + (i ^ 3)` (what `mem_storew` of `[m0, m1, m2, m3]` writes).

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use vm::processor::{AdviceInputs, ExecutionOptions};

const IMPORT: &str = "use.std::crypto::hashes::blake3\n";

/// Little-endian u32 words of `bytes` (zero-padded to a multiple of 4).
fn le_words(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u64::from(u32::from_le_bytes(w))
        })
        .collect()
}

fn blake3_words(bytes: &[u8]) -> Vec<u64> {
    le_words(blake3::hash(bytes).as_bytes())
}

fn src(proc: &str) -> String {
    format!("{IMPORT}begin exec.blake3::{proc} end")
}

fn check_2to1(msg: &[u8; 64]) {
    check(&src("hash_2to1"), &le_words(msg), 16, &blake3_words(msg));
}

fn check_1to1(msg: &[u8; 32]) {
    check(&src("hash_1to1"), &le_words(msg), 8, &blake3_words(msg));
}

/// Instructions that write `words` into memory from `addr` (word-aligned) in the module's
/// layout (word `i` at `addr + (i ^ 3)`), a memory word at a time.
fn store_words(addr: u64, words: &[u64]) -> String {
    words
        .chunks(4)
        .enumerate()
        .map(|(j, c)| {
            let mut w = [0u64; 4];
            w[..c.len()].copy_from_slice(c);
            format!(
                "push.{}.{}.{}.{} push.{} mem_storew dropw\n",
                w[3],
                w[2],
                w[1],
                w[0],
                addr + 4 * j as u64
            )
        })
        .collect()
}

/// A program that stores `bytes` at `addr` (plus `junk` words after them) and hashes the
/// first `len` bytes, with `[addr, len]` on the stack.
fn memory_src(addr: u64, bytes: &[u8], junk: &[u64]) -> String {
    let mut words = le_words(bytes);
    words.extend_from_slice(junk);
    format!(
        "{IMPORT}begin\n{}exec.blake3::hash_memory\nend",
        store_words(addr, &words)
    )
}

fn check_memory(addr: u64, bytes: &[u8]) {
    check(
        &memory_src(addr, bytes, &[]),
        &[addr, bytes.len() as u64],
        2,
        &blake3_words(bytes),
    );
}

/// BLAKE3's test-vector input: the bytes 0, 1, ..., 250 repeated.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Cycles of `exec.blake3::<proc>` alone: the program with the call less the program
/// without it and less the call's CALL and RET.
fn call_cycles(prefix: &str, proc: &str, args: &[u64]) -> u64 {
    let run = |body: &str| {
        run_full(
            &format!("{IMPORT}begin\n{prefix}{body}\nend"),
            &with_sentinels(args),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{proc}: {e}"))
        .cycles
    };
    run(&format!("exec.blake3::{proc}")) - run("") - 2
}

// ---- known answers -----------------------------------------------------------------------

/// BLAKE3's official test vectors (test_vectors/test_vectors.json of the BLAKE3 repository,
/// the first 32 bytes of each `hash`): input lengths across chunk boundaries up to 31
/// chunks (a tree four levels deep), the input the `pattern`.
const VECTORS: [(usize, &str); 16] = [
    (
        0,
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    ),
    (
        1,
        "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
    ),
    (
        1023,
        "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
    ),
    (
        1024,
        "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
    ),
    (
        1025,
        "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
    ),
    (
        2048,
        "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
    ),
    (
        2049,
        "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
    ),
    (
        3072,
        "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2",
    ),
    (
        3073,
        "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
    ),
    (
        4096,
        "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969",
    ),
    (
        4097,
        "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995",
    ),
    (
        5121,
        "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff",
    ),
    (
        8192,
        "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63",
    ),
    (
        8193,
        "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
    ),
    (
        16384,
        "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4",
    ),
    (
        31744,
        "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
    ),
];

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn official_vectors() {
    for (len, hex) in VECTORS {
        let input = pattern(len);
        let digest = from_hex(hex);
        assert_eq!(
            blake3::hash(&input).as_bytes().as_slice(),
            digest.as_slice()
        );
        check(
            &memory_src(64, &input, &[]),
            &[64, len as u64],
            2,
            &le_words(&digest),
        );
    }
}

#[test]
fn fixed_size_hashes_of_patterns() {
    for b in [0u8, 0xff, 0x80, 0x01] {
        check_2to1(&[b; 64]);
        check_1to1(&[b; 32]);
    }
    let m: [u8; 64] = pattern(64).try_into().unwrap();
    check_2to1(&m);
    check_1to1(m[..32].try_into().unwrap());
    // The fixed-size hashes are hash_memory of 64 and 32 bytes.
    check(&memory_src(0, &m, &[]), &[0, 64], 2, &blake3_words(&m));
    check(
        &memory_src(0, &m[..32], &[]),
        &[0, 32],
        2,
        &blake3_words(&m[..32]),
    );
}

#[test]
fn hash_memory_of_every_length_up_to_130_and_around_chunks() {
    let bytes = pattern(2200);
    for len in (0..=130).chain(1020..=1030).chain(2045..=2050) {
        check_memory(128, &bytes[..len]);
    }
}

#[test]
fn hash_memory_ignores_what_follows_the_message() {
    let bytes: Vec<u8> = (0..200u8).collect();
    for len in [0usize, 1, 2, 3, 5, 63, 64, 65, 67, 130] {
        let mut src_bytes = bytes[..len].to_vec();
        while !src_bytes.len().is_multiple_of(4) {
            src_bytes.push(0xff);
        }
        let src = memory_src(400, &src_bytes, &[0xffff_ffff, 0x1234_5678, 7, 0xdead_beef]);
        check(&src, &[400, len as u64], 2, &blake3_words(&bytes[..len]));
    }
}

#[test]
fn hash_memory_leaves_memory_unchanged() {
    let bytes = pattern(70);
    let words = le_words(&bytes);
    let mut src = format!("{IMPORT}begin\n{}", store_words(8, &words));
    src.push_str("exec.blake3::hash_memory\n");
    for i in 0..words.len() as u64 + 8 {
        let want = words.get((i ^ 3) as usize).copied().unwrap_or(0);
        src.push_str(&format!("push.{} mem_load push.{want} assert_eq\n", 8 + i));
    }
    src.push_str("end");
    check(&src, &[8, 70], 2, &blake3_words(&bytes));
}

// ---- random inputs -------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn hash_2to1_matches_blake3(m in prop::array::uniform32(any::<u8>()), n in prop::array::uniform32(any::<u8>())) {
        let mut msg = [0u8; 64];
        msg[..32].copy_from_slice(&m);
        msg[32..].copy_from_slice(&n);
        check_2to1(&msg);
    }

    #[test]
    fn hash_1to1_matches_blake3(m in prop::array::uniform32(any::<u8>())) {
        check_1to1(&m);
    }

    #[test]
    fn hash_memory_matches_blake3(bytes in prop::collection::vec(any::<u8>(), 0..2200), w in 0u64..64) {
        check_memory(4 * w, &bytes);
    }

    #[test]
    fn hash_memory_ignores_random_junk_after_the_message(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        fill in prop::collection::vec(any::<u8>(), 3),
        junk in prop::collection::vec(any::<u32>(), 0..8),
    ) {
        // The rest of the last word, and words after it, hold random values.
        let mut stored = bytes.clone();
        stored.extend_from_slice(&fill[..(4 - bytes.len() % 4) % 4]);
        let junk: Vec<u64> = junk.into_iter().map(u64::from).collect();
        let src = memory_src(40, &stored, &junk);
        check(&src, &[40, bytes.len() as u64], 2, &blake3_words(&bytes));
    }
}

// ---- bad input -------------------------------------------------------------------------------

#[test]
fn non_u32_message_words_fail() {
    for i in 0..16 {
        let mut args = vec![7u64; 16];
        args[i] = TWO32 + 1;
        check_fails(&src("hash_2to1"), &args, "NotU32");
    }
    for i in 0..8 {
        let mut args = vec![7u64; 8];
        args[i] = P - 1;
        check_fails(&src("hash_1to1"), &args, "NotU32");
    }
}

#[test]
fn hash_memory_rejects_bad_arguments() {
    check_fails(&memory_src(0, b"", &[]), &[2, 3], "UnalignedWordAccess");
    check_fails(&memory_src(0, b"", &[]), &[TWO32, 0], "AddressOutOfRange");
    check_fails(&memory_src(0, b"", &[]), &[0, TWO32], "NotU32");
    // A message element that is not a u32 (in a whole block and in the last one).
    for (len, i) in [(128u64, 0u64), (128, 5), (10, 0), (10, 2), (3, 0)] {
        let src = format!(
            "{IMPORT}begin\npush.{} push.{} mem_store\nexec.blake3::hash_memory\nend",
            TWO32 + 5,
            100 + (i ^ 3)
        );
        check_fails(&src, &[100, len], "NotU32");
    }
}

// ---- cycles ----------------------------------------------------------------------------------

const HASH_1TO1: u64 = 2405;
const HASH_2TO1: u64 = 2529;

/// Documented cycles of `hash_memory` for `len` bytes (module doc and docs/stdlib.md): `c`
/// chunks, the last of `n` bytes in `b` whole blocks and a last block of `r` bytes.
fn hash_memory_cycles(len: u64) -> u64 {
    let c = len.div_ceil(1024).max(1);
    let n = len - 1024 * (c - 1);
    let b = (n.max(1) - 1) / 64;
    let r = n - 64 * b;
    2694 + 44254 * (c - 1) - 4 * u64::from((c - 1).count_ones())
        + 2576 * b
        + 19 * (r / 4)
        + if r.is_multiple_of(4) { 0 } else { 33 }
}

#[test]
fn blake3_cycles_are_the_documented_ones() {
    assert_eq!(call_cycles("", "hash_1to1", &[1; 8]), HASH_1TO1);
    assert_eq!(call_cycles("", "hash_2to1", &[1; 16]), HASH_2TO1);
    for len in [
        0u64, 1, 3, 4, 63, 64, 65, 1024, 1025, 2048, 3073, 4097, 8193, 16384,
    ] {
        assert_eq!(
            call_cycles("", "hash_memory", &[0, len]),
            hash_memory_cycles(len),
            "hash_memory of {len} bytes"
        );
    }
    let source = vm_stdlib::module("std::crypto::hashes::blake3")
        .unwrap()
        .source;
    for figure in [HASH_1TO1, HASH_2TO1] {
        assert!(source.contains(&format!("Cycles: {figure}\n")), "{figure}");
    }
    let memory = "2694 + 44254 * (c - 1) - 4 * popcount(c - 1) + 2576 * b + 19 * (r / 4) + 33 * (r mod 4 != 0)";
    assert!(source.contains(memory), "the module doc lacks {memory}");
    let docs = include_str!("../docs/stdlib.md");
    for figure in [
        format!("| `hash_1to1` | `[m0, ..., m7, ...]` | `[dig0, ..., dig7, ...]` | {HASH_1TO1} |"),
        format!("| `hash_2to1` | `[m0, ..., m15, ...]` | `[dig0, ..., dig7, ...]` | {HASH_2TO1} |"),
        format!("| `hash_memory` | `[addr, len, ...]` | `[dig0, ..., dig7, ...]` | {memory} |"),
    ] {
        assert!(docs.contains(&figure), "docs/stdlib.md lacks {figure}");
    }
}
