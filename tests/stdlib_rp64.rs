//! `std::crypto::hashes::rp64` (Miden 0.17's `rpo` procedures and stack conventions on the
//! native hash) against `winter_crypto::hashers::Rp64_256` through `vm::core::hash`
//! (`hash_elements`, `merge`, `permute`): each procedure assembled from the embedded stdlib,
//! run by both executors (`common::run_full`), and checked on the whole output stack.
//!
//! Stack notation lists the top first; a word `[w0, w1, w2, w3]` lies as `[w3, w2, w1, w0]`.

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use vm::core::hash;
use vm::processor::{AdviceInputs, ExecutionOptions};
use vm::Felt;

const IMPORT: &str = "use.std::crypto::hashes::rp64\n";

/// A digest as the stack holds it (top first).
fn digest_stack(d: &[Felt]) -> Vec<u64> {
    let d = ints(d);
    vec![d[3], d[2], d[1], d[0]]
}

/// `Rp64_256::hash_elements` of `elems`.
fn hash_ref(elems: &[u64]) -> Vec<u64> {
    digest_stack(&hash::hash_elements(&felts(elems)))
}

/// Elements that cover zero, small values, the u32 boundary and p - 1.
fn sample_elems(n: usize, seed: u64) -> Vec<u64> {
    (0..n as u64)
        .map(|i| match (i + seed) % 5 {
            0 => P - 1 - i,
            1 => seed * 1000 + i,
            2 => TWO32 + i * seed,
            3 => 0,
            _ => fmul(seed + 7, i + 0x1234_5678_9abc),
        })
        .collect()
}

/// Runs `body` after storing `elems` at `addr` (and `pad` behind them, up to the next
/// double word, which a correct procedure never reads), on `args` above sentinels.
fn run_on_memory(body: &str, addr: u64, elems: &[u64], args: &[u64]) -> Result<Outcome, String> {
    let mut padded = elems.to_vec();
    padded.resize(elems.len().div_ceil(8) * 8, 0xdead);
    let src = format!(
        "{IMPORT}begin {} {body} end",
        store_elems(addr, &padded, 0xbeef)
    );
    run_full(
        &src,
        &with_sentinels(args),
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
}

/// Cycles of the `exec` in `body` alone: the run minus the same program without it.
fn exec_cycles(body: &str, addr: u64, elems: &[u64], args: &[u64]) -> u64 {
    let with = run_on_memory(body, addr, elems, args).unwrap().cycles;
    let without = run_on_memory("", addr, elems, args).unwrap().cycles;
    with - without - 2
}

fn check_hash_memory(addr: u64, elems: &[u64]) {
    let n = elems.len() as u64;
    let args = [addr, n, 77];
    let out = run_on_memory("exec.rp64::hash_memory", addr, elems, &args)
        .unwrap_or_else(|e| panic!("hash_memory of {n} elements: {e}"));
    assert_eq!(
        out.stack,
        expected(&args, 2, &hash_ref(elems)),
        "hash_memory of {n} elements at {addr}"
    );
}

#[test]
fn hash_memory_is_hash_elements_for_every_count() {
    for n in 0..=41usize {
        check_hash_memory(0, &sample_elems(n, n as u64));
        check_hash_memory(4000, &sample_elems(n, n as u64 + 100));
    }
    // The last addresses below 2^32.
    check_hash_memory(U32_MAX + 1 - 16, &sample_elems(13, 5));
}

#[test]
fn hash_memory_of_known_inputs() {
    // No elements: no permutation, the zero word.
    check_hash_memory(0, &[]);
    assert_eq!(hash_ref(&[]), vec![0, 0, 0, 0]);
    // Eight elements: Rp64_256::merge of the two words.
    let e = sample_elems(8, 3);
    let (a, b) = (felts(&e[..4]), felts(&e[4..]));
    let m = hash::merge(&a.try_into().unwrap(), &b.try_into().unwrap());
    assert_eq!(hash_ref(&e), digest_stack(&m));
    check_hash_memory(64, &e);
    // Trailing zeros change the hash (the count is in the capacity).
    assert_ne!(hash_ref(&[1, 2, 3]), hash_ref(&[1, 2, 3, 0]));
    check_hash_memory(64, &[1, 2, 3]);
    check_hash_memory(64, &[1, 2, 3, 0]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn hash_memory_matches_rp64_256(
        elems in prop::collection::vec(prop_oneof![0..P, Just(P - 1), Just(0u64)], 0..60),
        block in 0u64..1000,
    ) {
        check_hash_memory(4 * block, &elems);
    }
}

#[test]
fn hash_memory_words_is_hash_elements() {
    for words in 0..=9usize {
        let elems = sample_elems(4 * words, words as u64 + 9);
        let (s, e) = (800u64, 800 + 4 * words as u64);
        let args = [s, e, 66];
        let out = run_on_memory("exec.rp64::hash_memory_words", s, &elems, &args).unwrap();
        assert_eq!(out.stack, expected(&args, 2, &hash_ref(&elems)), "{words}");
    }
}

#[test]
fn hash_memory_double_words_is_hash_elements() {
    for pairs in 0..=4usize {
        let elems = sample_elems(8 * pairs, pairs as u64 + 19);
        let (s, e) = (96u64, 96 + 8 * pairs as u64);
        let args = [s, e, 55];
        let out = run_on_memory("exec.rp64::hash_memory_double_words", s, &elems, &args).unwrap();
        assert_eq!(out.stack, expected(&args, 2, &hash_ref(&elems)), "{pairs}");
    }
}

/// Reference of `prepare_hasher_state`: the output stack (top first).
fn prepare_ref(ptr: u64, n: u64, pad: bool) -> Vec<u64> {
    let cap = if pad { n.div_ceil(8) * 8 } else { n };
    let mut state = [0u64; 12];
    state[0] = cap;
    let mut out = state_stack(&state);
    out.extend([ptr, ptr + 8 * (n / 8), n % 8]);
    out
}

#[test]
fn prepare_hasher_state_layout() {
    for n in [0u64, 1, 7, 8, 9, 15, 16, 17, 1000, U32_MAX] {
        for pad in [false, true] {
            let args = [40, n, u64::from(pad), 88];
            check(
                &format!("{IMPORT}begin exec.rp64::prepare_hasher_state end"),
                &args,
                3,
                &prepare_ref(40, n, pad),
            );
        }
    }
}

#[test]
fn hash_memory_with_state_padded_is_hash_of_zero_padded_elements() {
    for n in 0..=17usize {
        let elems = sample_elems(n, n as u64 + 40);
        let mut padded = elems.clone();
        padded.resize(n.div_ceil(8) * 8, 0);
        let args = [256, n as u64, 1, 33];
        let body = "exec.rp64::prepare_hasher_state exec.rp64::hash_memory_with_state";
        let out = run_on_memory(body, 256, &elems, &args).unwrap();
        assert_eq!(out.stack, expected(&args, 3, &hash_ref(&padded)), "{n}");
        // Without padding: hash_memory.
        let args = [256, n as u64, 0, 33];
        let out = run_on_memory(body, 256, &elems, &args).unwrap();
        assert_eq!(out.stack, expected(&args, 3, &hash_ref(&elems)), "{n}");
    }
}

#[test]
fn absorb_double_words_adds_blocks_to_any_state() {
    for pairs in 0..=3usize {
        let elems = sample_elems(8 * pairs, pairs as u64 + 60);
        let mut state: State = core::array::from_fn(|j| P - 100 + j as u64 * 7);
        let (s, e) = (512u64, 512 + 8 * pairs as u64);
        let mut args = state_stack(&state);
        args.extend([s, e, 99]);
        for block in elems.chunks(8) {
            for (j, x) in block.iter().enumerate() {
                state[4 + j] = fadd(state[4 + j], *x);
            }
            permute(&mut state);
        }
        let mut want = state_stack(&state);
        want.extend([e, e]);
        let out = run_on_memory(
            "exec.rp64::absorb_double_words_from_memory",
            s,
            &elems,
            &args,
        )
        .unwrap();
        assert_eq!(out.stack, expected(&args, 14, &want), "{pairs}");
    }
}

#[test]
fn state_helpers() {
    let w: Vec<u64> = (1..=12).collect();
    let src = |p: &str| format!("{IMPORT}begin exec.rp64::{p} end");
    check(&src("init_no_padding"), &[5], 0, &[0; 12]);
    check(&src("squeeze_digest"), &w, 12, &w[4..8]);
    let mut copied = w[4..8].to_vec();
    copied.extend(&w);
    check(&src("copy_digest"), &w, 12, &copied);
    // A permutation of the zero state squeezed: the digest of `init_no_padding hperm`.
    let mut state = [0u64; 12];
    permute(&mut state);
    check(
        &format!("{IMPORT}begin exec.rp64::init_no_padding hperm exec.rp64::squeeze_digest end"),
        &[],
        0,
        &state_stack(&state)[4..8],
    );
}

#[test]
fn bad_ranges_and_pointers_fail() {
    let src = |p: &str| format!("{IMPORT}begin exec.rp64::{p} end");
    for p in ["hash_memory_words", "hash_memory_double_words"] {
        check_fails(&src(p), &[16, 8], "start address should be less or equal");
        check_fails(&src(p), &[TWO32, TWO32 + 8], "NotU32");
        check_fails(&src(p), &[0, 6], "whole number of");
        check_fails(&src(p), &[2, 10], "UnalignedWordAccess");
    }
    check_fails(
        &src("hash_memory_double_words"),
        &[0, 4],
        "whole number of double words",
    );
    check_fails(
        &src("hash_memory"),
        &[2, 8],
        "the pointer must be word-aligned",
    );
    check_fails(&src("hash_memory"), &[TWO32, 8], "NotU32");
    check_fails(&src("hash_memory"), &[0, TWO32], "NotU32");
    check_fails(&src("hash_memory"), &[U32_MAX - 3, 8], "AddressOutOfRange");
    check_fails(&src("hash_memory"), &[U32_MAX - 3, 5], "AddressOutOfRange");
    check_fails(&src("prepare_hasher_state"), &[0, 8, 2], "NotBinary");
}

#[test]
fn cycles_are_the_documented_ones() {
    for n in 0..=24u64 {
        let elems = sample_elems(n as usize, 1);
        let (q, r) = (n / 8, n % 8);
        let partial = if r == 7 { 72 } else { 11 * r };
        let got = exec_cycles("exec.rp64::hash_memory", 0, &elems, &[0, n]);
        assert_eq!(got, 72 + partial + 48 * q, "hash_memory of {n} elements");
        let prepared = prepare_ref(0, n, false);
        let got = exec_cycles("exec.rp64::hash_memory_with_state", 0, &elems, &prepared);
        assert_eq!(got, 26 + partial + 48 * q, "hash_memory_with_state of {n}");
        if n % 4 == 0 {
            let words = n / 4;
            let got = exec_cycles("exec.rp64::hash_memory_words", 0, &elems, &[0, n]);
            let want = if words % 2 == 0 { 61 } else { 82 } + 48 * q;
            assert_eq!(got, want, "hash_memory_words of {words} words");
        }
        if r == 0 {
            let got = exec_cycles("exec.rp64::hash_memory_double_words", 0, &elems, &[0, n]);
            assert_eq!(got, 48 + 48 * q, "hash_memory_double_words of {n} elements");
            let mut args = vec![0; 12];
            args.extend([0, n]);
            let got = exec_cycles(
                "exec.rp64::absorb_double_words_from_memory",
                0,
                &elems,
                &args,
            );
            assert_eq!(got, 5 + 48 * q, "absorb of {n} elements");
        }
    }
    let fixed = [
        ("init_no_padding", vec![], 12),
        ("squeeze_digest", vec![0; 12], 9),
        ("copy_digest", vec![0; 12], 4),
        ("prepare_hasher_state", vec![0, 9, 0], 40),
    ];
    for (p, args, want) in fixed {
        let got = exec_cycles(&format!("exec.rp64::{p}"), 0, &[], &args);
        assert_eq!(got, want, "{p}");
    }
}
