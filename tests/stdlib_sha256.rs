//! `std::crypto::hashes::sha256` (Miden 0.16/0.17's stack conventions) against the `sha2`
//! crate: each procedure assembled from the embedded stdlib, run by both executors
//! (`common::run_full`), and checked on the whole output stack. A message word is a u32
//! holding four bytes big-endian (`u32::from_be_bytes`), first word on top; `hash_memory`
//! reads message word `i` at element `addr + (i ^ 3)` (what `mem_storew` of `[m0, m1, m2,
//! m3]` writes).

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use vm::processor::{AdviceInputs, ExecutionOptions};

const IMPORT: &str = "use.std::crypto::hashes::sha256\n";

/// Big-endian u32 words of `bytes` (zero-padded to a multiple of 4).
fn be_words(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u64::from(u32::from_be_bytes(w))
        })
        .collect()
}

fn sha256_words(bytes: &[u8]) -> Vec<u64> {
    be_words(&Sha256::digest(bytes))
}

fn src(proc: &str) -> String {
    format!("{IMPORT}begin exec.sha256::{proc} end")
}

fn check_2to1(msg: &[u8; 64]) {
    check(&src("hash_2to1"), &be_words(msg), 16, &sha256_words(msg));
}

fn check_1to1(msg: &[u8; 32]) {
    check(&src("hash_1to1"), &be_words(msg), 8, &sha256_words(msg));
}

/// Instructions that write `words` into memory from `addr` in the module's layout (word `i`
/// at `addr + (i ^ 3)`), one element at a time.
fn store_elements(addr: u64, words: &[u64]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("push.{w} push.{} mem_store\n", addr + (i as u64 ^ 3)))
        .collect()
}

/// A program that stores `bytes` at `addr` (plus `junk` elements after them) and hashes the
/// first `len` bytes, with `[addr, len]` on the stack.
fn memory_src(addr: u64, bytes: &[u8], junk: &[u64]) -> String {
    let mut words = be_words(bytes);
    words.extend_from_slice(junk);
    format!(
        "{IMPORT}begin\n{}exec.sha256::hash_memory\nend",
        store_elements(addr, &words)
    )
}

fn check_memory(addr: u64, bytes: &[u8]) {
    check(
        &memory_src(addr, bytes, &[]),
        &[addr, bytes.len() as u64],
        2,
        &sha256_words(bytes),
    );
}

/// Cycles of `exec.sha256::<proc>` alone: the program with the call less the program
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
    run(&format!("exec.sha256::{proc}")) - run("") - 2
}

// ---- known answers -----------------------------------------------------------------------

#[test]
fn official_vectors() {
    // FIPS 180-4 examples (NIST CSRC): "abc", the empty string, the 448-bit and the 896-bit
    // messages.
    let vectors: [(&[u8], &str); 4] = [
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
    ];
    for (msg, hex) in vectors {
        let digest: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(Sha256::digest(msg).as_slice(), digest.as_slice());
        check(
            &memory_src(1000, msg, &[]),
            &[1000, msg.len() as u64],
            2,
            &be_words(&digest),
        );
    }
}

#[test]
fn fixed_size_hashes_of_patterns() {
    for b in [0u8, 0xff, 0x80, 0x01] {
        check_2to1(&[b; 64]);
        check_1to1(&[b; 32]);
    }
    let mut m = [0u8; 64];
    for (i, x) in m.iter_mut().enumerate() {
        *x = i as u8;
    }
    check_2to1(&m);
    check_1to1(m[..32].try_into().unwrap());
}

#[test]
fn hash_memory_of_every_length_up_to_130() {
    // Every remainder mod 64, both sides of the one-block/two-block limit (55/56), one and
    // two whole blocks before the tail.
    let bytes: Vec<u8> = (0..130u32).map(|i| (i * 37 + 11) as u8).collect();
    for len in 0..=130 {
        check_memory(2000, &bytes[..len]);
    }
}

#[test]
fn hash_memory_agrees_with_the_fixed_size_hashes() {
    let m: [u8; 64] = std::array::from_fn(|i| (i as u8).wrapping_mul(29));
    let digest = sha256_words(&m);
    check(&memory_src(0, &m, &[]), &[0, 64], 2, &digest);
    check_2to1(&m);
}

#[test]
fn hash_memory_ignores_what_follows_the_message() {
    // Bytes of the last word past `len`, and the words after it, do not matter (Miden's
    // requires them to be zero; ours never reads past the last word and masks it).
    let bytes: Vec<u8> = (0..70u8).collect();
    for len in [0usize, 1, 2, 3, 5, 55, 56, 63, 64, 67] {
        let mut src_bytes = bytes[..len].to_vec();
        // Fill the rest of the last word with ones.
        while !src_bytes.len().is_multiple_of(4) {
            src_bytes.push(0xff);
        }
        let src = memory_src(400, &src_bytes, &[0xffff_ffff, 0x1234_5678, 7, 0xdead_beef]);
        check(&src, &[400, len as u64], 2, &sha256_words(&bytes[..len]));
    }
}

#[test]
fn hash_memory_leaves_memory_unchanged() {
    let bytes: Vec<u8> = (0..40u8).collect();
    let words = be_words(&bytes);
    let mut src = format!("{IMPORT}begin\n{}", store_elements(8, &words));
    src.push_str("exec.sha256::hash_memory\n");
    // Every element of the message and the two words after it keep their value.
    for i in 0..words.len() as u64 + 8 {
        let want = words.get((i ^ 3) as usize).copied().unwrap_or(0);
        src.push_str(&format!("push.{} mem_load push.{want} assert_eq\n", 8 + i));
    }
    src.push_str("end");
    check(&src, &[8, 40], 2, &sha256_words(&bytes));
}

// ---- random inputs -------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn hash_2to1_matches_sha2(m in prop::array::uniform32(any::<u8>()), n in prop::array::uniform32(any::<u8>())) {
        let mut msg = [0u8; 64];
        msg[..32].copy_from_slice(&m);
        msg[32..].copy_from_slice(&n);
        check_2to1(&msg);
    }

    #[test]
    fn hash_1to1_matches_sha2(m in prop::array::uniform32(any::<u8>())) {
        check_1to1(&m);
    }

    #[test]
    fn hash_memory_matches_sha2(bytes in prop::collection::vec(any::<u8>(), 0..300), w in 0u64..64) {
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
        check(&src, &[40, bytes.len() as u64], 2, &sha256_words(&bytes));
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
    // An unaligned address fails at its first word access, as Miden's does.
    check_fails(&memory_src(0, b"", &[]), &[2, 3], "UnalignedWordAccess");
    check_fails(&memory_src(0, b"", &[]), &[TWO32, 0], "AddressOutOfRange");
    check_fails(&memory_src(0, b"", &[]), &[0, TWO32], "NotU32");
    // A message element that is not a u32 (in a whole block and in the tail).
    for (len, i) in [(64u64, 0u64), (64, 5), (10, 0), (10, 2), (3, 0)] {
        let src = format!(
            "{IMPORT}begin\npush.{} push.{} mem_store\nexec.sha256::hash_memory\nend",
            TWO32 + 5,
            100 + (i ^ 3)
        );
        check_fails(&src, &[100, len], "NotU32");
    }
}

// ---- cycles ----------------------------------------------------------------------------------

/// Documented cycles of `hash_memory` for `len` bytes (module doc and docs/stdlib.md).
fn hash_memory_cycles(len: u64) -> u64 {
    let (blocks, tail) = (len / 64, len % 64);
    HASH_MEMORY_BASE
        + HASH_MEMORY_PER_BLOCK * blocks
        + HASH_MEMORY_PER_TAIL_WORD * (tail / 4)
        + if tail > 55 {
            HASH_MEMORY_SECOND_BLOCK
        } else {
            0
        }
}

const HASH_1TO1: u64 = 6404;
const HASH_2TO1: u64 = 10980;
const HASH_MEMORY_BASE: u64 = 6829;
const HASH_MEMORY_PER_BLOCK: u64 = 6707;
const HASH_MEMORY_PER_TAIL_WORD: u64 = 19;
const HASH_MEMORY_SECOND_BLOCK: u64 = 6684;

#[test]
fn sha256_cycles_are_the_documented_ones() {
    assert_eq!(call_cycles("", "hash_1to1", &[1; 8]), HASH_1TO1);
    assert_eq!(call_cycles("", "hash_2to1", &[1; 16]), HASH_2TO1);
    for len in [0u64, 3, 4, 55, 56, 63, 64, 100, 128, 200] {
        assert_eq!(
            call_cycles("", "hash_memory", &[0, len]),
            hash_memory_cycles(len),
            "hash_memory of {len} bytes"
        );
    }
    // The doc comments state the same figures.
    let source = vm_stdlib::module("std::crypto::hashes::sha256")
        .unwrap()
        .source;
    for figure in [HASH_1TO1, HASH_2TO1] {
        assert!(source.contains(&format!("Cycles: {figure}\n")), "{figure}");
    }
    let memory = format!(
        "Cycles: {HASH_MEMORY_BASE} + {HASH_MEMORY_PER_BLOCK} * (len / 64) + \
         {HASH_MEMORY_PER_TAIL_WORD} * ((len mod 64) / 4),\n#! plus {HASH_MEMORY_SECOND_BLOCK} \
         when len mod 64 > 55"
    );
    assert!(source.contains(&memory), "{memory}");
    let docs = include_str!("../docs/stdlib.md");
    for figure in [
        format!("| `hash_1to1` | `[m0, ..., m7, ...]` | `[dig0, ..., dig7, ...]` | {HASH_1TO1} |"),
        format!("| `hash_2to1` | `[m0, ..., m15, ...]` | `[dig0, ..., dig7, ...]` | {HASH_2TO1} |"),
        format!(
            "| `hash_memory` | `[addr, len, ...]` | `[dig0, ..., dig7, ...]` | {HASH_MEMORY_BASE} + \
             {HASH_MEMORY_PER_BLOCK} * (len / 64) + {HASH_MEMORY_PER_TAIL_WORD} * ((len mod 64) / 4), \
             plus {HASH_MEMORY_SECOND_BLOCK} when len mod 64 > 55 |"
        ),
    ] {
        assert!(docs.contains(&figure), "docs/stdlib.md lacks {figure}");
    }
}

/// On a stack at its 16-element floor the procedures end as deep as Miden 0.17's do
/// (measured with `miden-vm run` on `exec.<proc> sdepth`): 16 for SHA-256's `hash_1to1` and
/// `hash_2to1`, whose message makes room for the state; 24 for BLAKE3's, which push their
/// state before the message's room is freed (Miden's BLAKE3 does the same).
#[test]
fn hashes_end_as_deep_as_midens() {
    for (module, proc, depth) in [
        ("sha256", "hash_1to1", 16),
        ("sha256", "hash_2to1", 16),
        ("blake3", "hash_1to1", 24),
        ("blake3", "hash_2to1", 24),
    ] {
        let src =
            format!("use.std::crypto::hashes::{module}\nbegin exec.{module}::{proc} sdepth end");
        assert_eq!(ok(&src, &[], &[])[0], depth, "{module}::{proc}");
    }
}

/// sha256.masm and blake3.masm are what `stdlib/gen/gen_hashes.py` generates (skipped where
/// there is no `python3`).
#[test]
fn generated_modules_are_up_to_date() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/stdlib/gen/gen_hashes.py");
    match std::process::Command::new("python3")
        .args(["-B", script, "--check"])
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("python3 not available ({e}): generator check skipped"),
    }
}
