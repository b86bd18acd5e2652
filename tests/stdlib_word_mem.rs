//! `std::word` and `std::mem` (Miden 0.17's stack conventions), end to end: each procedure
//! assembled from the embedded stdlib, run by both executors (`common::run_full`), and
//! checked on the whole output stack against a reference computed here in Rust.
//!
//! Stack notation lists the top first; a word `[w0, w1, w2, w3]` lies as `[w3, w2, w1, w0]`.

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use vm::core::hash;
use vm::processor::{AdviceInputs, ExecutionOptions};

/// Cycles of `exec.p` itself (CALL and RET) and of the HALT that ends every program.
const EXEC_AND_HALT: u64 = 3;

/// Cycles of one `exec.module::proc` on `args` (top first), without the CALL, RET and HALT.
fn proc_cycles(module: &str, proc: &str, args: &[u64], advice: &[u64]) -> u64 {
    let src = format!("use.std::{module}\nbegin exec.{module}::{proc} end");
    let advice = AdviceInputs {
        stack: felts(advice),
        ..Default::default()
    };
    let out = run_full(
        &src,
        &with_sentinels(args),
        advice,
        ExecutionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{proc} on {args:?}: {e}"));
    out.cycles - EXEC_AND_HALT
}

fn word_src(proc: &str) -> String {
    format!("use.std::word\nbegin exec.word::{proc} end")
}

// ---- std::word -------------------------------------------------------------------------

/// Words (top first) that cover zeros, equal and neighbouring elements, and the extremes.
const ELEMS: [u64; 6] = [0, 1, 2, U32_MAX, TWO32, P - 1];

#[test]
fn reverse_reverses_the_top_four() {
    for w in [[1u64, 2, 3, 4], [0, 0, 0, 0], [P - 1, 0, TWO32, 7]] {
        let mut args = w.to_vec();
        args.extend([50, 51]);
        check(&word_src("reverse"), &args, 4, &[w[3], w[2], w[1], w[0]]);
    }
}

#[test]
fn eqz_and_testz_on_every_zero_pattern() {
    for mask in 0u32..16 {
        for nonzero in [1u64, P - 1, TWO32] {
            let w: Vec<u64> = (0..4)
                .map(|i| if mask >> i & 1 == 1 { nonzero } else { 0 })
                .collect();
            let z = u64::from(mask == 0);
            check(&word_src("eqz"), &w, 4, &[z]);
            let mut kept = vec![z];
            kept.extend(&w);
            check(&word_src("testz"), &w, 4, &kept);
        }
    }
}

/// `LHS` and `RHS` given top first; the reference compares them lexicographically, top
/// element (word element 3) first, as integers.
fn cmp_ref(lhs: [u64; 4], rhs: [u64; 4]) -> std::cmp::Ordering {
    lhs.cmp(&rhs)
}

fn check_comparisons(lhs: [u64; 4], rhs: [u64; 4]) {
    let mut args = rhs.to_vec();
    args.extend(lhs);
    let o = cmp_ref(lhs, rhs);
    let b = |x: bool| u64::from(x);
    check(&word_src("gt"), &args, 8, &[b(o.is_gt())]);
    check(&word_src("gte"), &args, 8, &[b(o.is_ge())]);
    check(&word_src("lt"), &args, 8, &[b(o.is_lt())]);
    check(&word_src("lte"), &args, 8, &[b(o.is_le())]);
    check(&word_src("eq"), &args, 8, &[b(o.is_eq())]);
    let mut kept = vec![b(o.is_eq())];
    kept.extend(&args);
    check(&word_src("test_eq"), &args, 8, &kept);
}

#[test]
fn comparisons_on_edge_words() {
    // Each element position decides in turn: equal above it, differing there.
    let base = [5u64, 6, 7, 8];
    for i in 0..4 {
        for (x, y) in [(0, 1), (1, 0), (P - 1, 0), (0, P - 1), (U32_MAX, TWO32)] {
            let (mut l, mut r) = (base, base);
            l[i] = x;
            r[i] = y;
            // Lower positions pull the other way, so only position i may decide.
            for j in i + 1..4 {
                l[j] = if x < y { P - 1 } else { 0 };
                r[j] = if x < y { 0 } else { P - 1 };
            }
            check_comparisons(l, r);
        }
    }
    check_comparisons(base, base);
    check_comparisons([0; 4], [0; 4]);
    check_comparisons([P - 1; 4], [P - 1; 4]);
}

fn elem() -> impl Strategy<Value = u64> {
    prop_oneof![prop::sample::select(ELEMS.to_vec()), 0..P]
}

fn word() -> impl Strategy<Value = [u64; 4]> {
    prop::array::uniform4(elem())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn comparisons_match_rust(lhs in word(), rhs in word()) {
        check_comparisons(lhs, rhs);
    }

    #[test]
    fn comparisons_of_nearly_equal_words(lhs in word(), i in 0usize..4, v in elem()) {
        let mut rhs = lhs;
        rhs[i] = v;
        check_comparisons(lhs, rhs);
    }
}

#[test]
fn word_cycles_are_the_documented_ones() {
    let w = [1u64, 2, 3, 4, 1, 2, 3, 5];
    for (proc, cycles) in [
        ("reverse", 3),
        ("eqz", 10),
        ("testz", 11),
        ("gt", 81),
        ("gte", 80),
        ("lt", 77),
        ("lte", 84),
        ("eq", 13),
        ("test_eq", 15),
    ] {
        assert_eq!(proc_cycles("word", proc, &w, &[]), cycles, "word::{proc}");
    }
}

// ---- std::mem --------------------------------------------------------------------------

/// Instructions that fail unless memory word `addr` holds `w` (element i at `addr + i`).
fn assert_mem_word(addr: u64, w: &[u64]) -> String {
    format!(
        "padw push.{addr} mem_loadw push.{}.{}.{}.{} assert_eqw ",
        w[0], w[1], w[2], w[3]
    )
}

/// Instructions that store `w` (element i at `addr + i`) and leave the stack as it was.
fn store_word(addr: u64, w: &[u64]) -> String {
    format!(
        "push.{}.{}.{}.{} push.{addr} mem_storew dropw ",
        w[0], w[1], w[2], w[3]
    )
}

fn sample_words(n: usize, seed: u64) -> Vec<[u64; 4]> {
    (0..n as u64)
        .map(|i| {
            let k = seed * 1000 + i * 10;
            [k + 1, k + 2, P - 1 - k, k * 7 + TWO32]
        })
        .collect()
}

#[test]
fn memcopy_words_copies_n_words() {
    for n in 0..=4u64 {
        for (read, write) in [(0u64, 100), (4096, 8), (U32_MAX - 3 - 4 * n, 64)] {
            let words = sample_words(n as usize, n + 1);
            let mut src = String::from("use.std::mem\nbegin ");
            for (i, w) in words.iter().enumerate() {
                src += &store_word(read + 4 * i as u64, w);
            }
            // A word just past the destination must stay untouched.
            src += &store_word(write + 4 * n, &[9, 9, 9, 9]);
            src += &format!("push.{write}.{read}.{n} exec.mem::memcopy_words ");
            for (i, w) in words.iter().enumerate() {
                src += &assert_mem_word(write + 4 * i as u64, w);
                src += &assert_mem_word(read + 4 * i as u64, w);
            }
            src += &assert_mem_word(write + 4 * n, &[9, 9, 9, 9]);
            src += "end";
            check(&src, &[70, 71], 0, &[]);
        }
    }
}

#[test]
fn memcopy_words_consumes_its_arguments_only() {
    check(
        "use.std::mem\nbegin exec.mem::memcopy_words end",
        &[2, 0, 64, 33],
        3,
        &[],
    );
    // n = 0 touches no memory, so even unaligned pointers pass.
    check(
        "use.std::mem\nbegin exec.mem::memcopy_words end",
        &[0, 1, 3, 33],
        3,
        &[],
    );
}

#[test]
fn memcopy_words_rejects_unaligned_pointers() {
    let src = "use.std::mem\nbegin exec.mem::memcopy_words end";
    check_fails(src, &[1, 2, 64], "UnalignedWordAccess { addr: 2 }");
    check_fails(src, &[1, 0, 66], "UnalignedWordAccess { addr: 66 }");
    check_fails(src, &[1, 0, TWO32], "AddressOutOfRange");
}

#[test]
fn memcopy_words_cycles() {
    for n in 0..4u64 {
        let got = proc_cycles("mem", "memcopy_words", &[n, 0, 64], &[]);
        assert_eq!(got, 15 + 17 * n, "memcopy_words n = {n}");
    }
}

/// Runs `src` (which must leave the stack as it found it) on sentinels with `advice`.
fn check_with_advice(src: &str, advice: &[u64]) {
    let out = ok(src, &with_sentinels(&[]), advice);
    assert_eq!(out, expected(&[], 0, &[]), "{src:?}");
}

/// Absorbs pairs of words as `rp64` does: the 8 advice elements are added to state 4..12.
fn absorb_pairs(state: &mut State, elems: &[u64]) {
    for pair in elems.chunks(8) {
        for (j, &e) in pair.iter().enumerate() {
            state[4 + j] = fadd(state[4 + j], e);
        }
        permute(state);
    }
}

/// Reference of `pipe_words_to_memory`: the final state for `elems` (4 per word), the
/// sponge of `Rp64_256::hash_elements` (capacity element 0 = the number of elements, blocks
/// added to the rate, a last word added to state 4..8).
fn pipe_words_ref(elems: &[u64]) -> State {
    let n = elems.len() / 4;
    let mut state = [0u64; 12];
    state[0] = 4 * n as u64;
    let even = 8 * (n / 2);
    absorb_pairs(&mut state, &elems[..even]);
    if n % 2 == 1 {
        for (j, &e) in elems[even..].iter().enumerate() {
            state[4 + j] = fadd(state[4 + j], e);
        }
        permute(&mut state);
    }
    state
}

fn advice_elems(n_words: usize, seed: u64) -> Vec<u64> {
    sample_words(n_words, seed).concat()
}

fn mem_checks(write: u64, elems: &[u64]) -> String {
    elems
        .chunks(4)
        .enumerate()
        .map(|(i, w)| assert_mem_word(write + 4 * i as u64, w))
        .collect()
}

#[test]
fn pipe_double_words_to_memory_absorbs_and_stores() {
    for pairs in 0..=3usize {
        let elems = advice_elems(2 * pairs, pairs as u64 + 3);
        let write = 400u64;
        let end = write + 8 * pairs as u64;
        // Start from an arbitrary state [C, B, A].
        let mut state: State = core::array::from_fn(|j| 1000 + j as u64);
        let mut args = state_stack(&state);
        args.extend([write, end, 77]);
        absorb_pairs(&mut state, &elems);
        let mut want = state_stack(&state);
        want.push(end);
        let src = "use.std::mem\nbegin exec.mem::pipe_double_words_to_memory end";
        let out = ok(src, &with_sentinels(&args), &elems);
        assert_eq!(out, expected(&args, 14, &want), "{pairs} pairs");
        // Memory holds the advice elements in order.
        let mut src = format!(
            "use.std::mem\nbegin push.{end}.{write} padw padw padw \
             exec.mem::pipe_double_words_to_memory dropw dropw dropw drop "
        );
        src += &mem_checks(write, &elems);
        src += "end";
        check_with_advice(&src, &elems);
        let cycles = proc_cycles("mem", "pipe_double_words_to_memory", &args, &elems);
        assert_eq!(cycles, 9 + 51 * pairs as u64, "{pairs} pairs");
    }
}

#[test]
fn pipe_double_words_to_memory_errors() {
    let src = "use.std::mem\nbegin exec.mem::pipe_double_words_to_memory end";
    let mut args = vec![0u64; 12];
    args.extend([6, 14]);
    fails_with(
        src,
        &with_sentinels(&args),
        &[1, 2, 3, 4, 5, 6, 7, 8],
        "UnalignedWordAccess",
    );
    let mut args = vec![0u64; 12];
    args.extend([8, 24]);
    fails_with(
        src,
        &with_sentinels(&args),
        &[1, 2, 3, 4, 5, 6, 7, 8],
        "AdviceStackEmpty",
    );
}

#[test]
fn pipe_words_to_memory_hashes_and_stores() {
    for n in 0..=5usize {
        let elems = advice_elems(n, n as u64 + 11);
        let write = 8192u64;
        let args = [n as u64, write, 55];
        let state = pipe_words_ref(&elems);
        let mut want = state_stack(&state);
        want.push(write + 4 * n as u64);
        let src = "use.std::mem\nbegin exec.mem::pipe_words_to_memory end";
        let out = ok(src, &with_sentinels(&args), &elems);
        assert_eq!(out, expected(&args, 2, &want), "{n} words");
        let mut src = format!(
            "use.std::mem\nbegin push.{write}.{n} exec.mem::pipe_words_to_memory \
             dropw dropw dropw drop "
        );
        src += &mem_checks(write, &elems);
        // The word after the copied ones is not written.
        src += &assert_mem_word(write + 4 * n as u64, &[0, 0, 0, 0]);
        src += "end";
        check_with_advice(&src, &elems);
        let cycles = proc_cycles("mem", "pipe_words_to_memory", &args, &elems);
        let want_cycles = if n % 2 == 0 {
            43 + 51 * n / 2
        } else {
            78 + 51 * (n - 1) / 2
        };
        assert_eq!(cycles, want_cycles as u64, "{n} words");
    }
}

#[test]
fn pipe_words_to_memory_is_the_native_hash() {
    // For any number of words, the digest is `Rp64_256::hash_elements` of the elements.
    for n in 0..=6usize {
        let elems = advice_elems(n, n as u64 + 31);
        let digest = hash::hash_elements(&felts(&elems));
        let state = pipe_words_ref(&elems);
        assert_eq!(&state[4..8], ints(&digest).as_slice(), "{n} words");
    }
}

#[test]
fn pipe_words_to_memory_errors() {
    let src = "use.std::mem\nbegin exec.mem::pipe_words_to_memory end";
    fails_with(
        src,
        &with_sentinels(&[2, 2]),
        &[0; 8],
        "UnalignedWordAccess",
    );
    fails_with(src, &with_sentinels(&[3, 0]), &[0; 8], "AdviceStackEmpty");
    fails_with(src, &with_sentinels(&[1, 4]), &[0; 3], "AdviceStackEmpty");
}

#[test]
fn pipe_preimage_to_memory_checks_the_commitment() {
    for n in 0..=5usize {
        let elems = advice_elems(n, n as u64 + 21);
        let write = 64u64;
        let state = pipe_words_ref(&elems);
        // COM top first: the digest state[4..8] as the stack holds it.
        let com = [state[7], state[6], state[5], state[4]];
        let mut args = vec![n as u64, write];
        args.extend(com);
        args.push(44);
        let src = "use.std::mem\nbegin exec.mem::pipe_preimage_to_memory end";
        let out = ok(src, &with_sentinels(&args), &elems);
        assert_eq!(
            out,
            expected(&args, 6, &[write + 4 * n as u64]),
            "{n} words"
        );
        let mut src = format!(
            "use.std::mem\nbegin push.{}.{}.{}.{} push.{write}.{n} \
             exec.mem::pipe_preimage_to_memory drop ",
            com[3], com[2], com[1], com[0]
        );
        src += &mem_checks(write, &elems);
        src += "end";
        check_with_advice(&src, &elems);
        let cycles = proc_cycles("mem", "pipe_preimage_to_memory", &args, &elems);
        let want_cycles = if n % 2 == 0 {
            67 + 51 * n / 2
        } else {
            102 + 51 * (n - 1) / 2
        };
        assert_eq!(cycles, want_cycles as u64, "{n} words");
        // Any changed element of the commitment or of the data fails.
        for i in 0..4 {
            let mut bad = args.clone();
            bad[2 + i] = fadd(bad[2 + i], 1);
            fails_with(
                "use.std::mem\nbegin exec.mem::pipe_preimage_to_memory end",
                &with_sentinels(&bad),
                &elems,
                "FailedAssertion",
            );
        }
        if n > 0 {
            let mut bad_data = elems.clone();
            bad_data[0] = fadd(bad_data[0], 1);
            fails_with(
                "use.std::mem\nbegin exec.mem::pipe_preimage_to_memory end",
                &with_sentinels(&args),
                &bad_data,
                "FailedAssertion",
            );
        }
    }
}
