//! `std::math::u64` (Miden 0.17's stack conventions) against Rust's `u64`: each procedure
//! assembled from the embedded stdlib, run by both executors (`common::run_full`), and
//! checked on the whole output stack. A u64 `a` lies on the stack as `[a_hi, a_lo]`.

#[path = "instructions/common.rs"]
mod common;

use common::*;
use proptest::prelude::*;
use vm::processor::{AdviceInputs, ExecutionOptions};

fn src(proc: &str) -> String {
    format!("use.std::math::u64\nbegin exec.u64::{proc} end")
}

fn hi(x: u64) -> u64 {
    x >> 32
}

fn lo(x: u64) -> u64 {
    x & 0xffff_ffff
}

/// Arguments `[b_hi, b_lo, a_hi, a_lo]` (top first).
fn args2(a: u64, b: u64) -> Vec<u64> {
    vec![hi(b), lo(b), hi(a), lo(a)]
}

fn check_binary(a: u64, b: u64) {
    let args = args2(a, b);
    let f = |x: bool| u64::from(x);
    let (s, carry) = a.overflowing_add(b);
    check(&src("overflowing_add"), &args, 4, &[f(carry), hi(s), lo(s)]);
    check(&src("wrapping_add"), &args, 4, &[hi(s), lo(s)]);
    let (d, borrow) = a.overflowing_sub(b);
    check(
        &src("overflowing_sub"),
        &args,
        4,
        &[f(borrow), hi(d), lo(d)],
    );
    check(&src("wrapping_sub"), &args, 4, &[hi(d), lo(d)]);
    let w = a.wrapping_mul(b);
    check(&src("wrapping_mul"), &args, 4, &[hi(w), lo(w)]);
    let full = u128::from(a) * u128::from(b);
    let (ph, pl) = ((full >> 64) as u64, full as u64);
    check(
        &src("overflowing_mul"),
        &args,
        4,
        &[hi(ph), lo(ph), hi(pl), lo(pl)],
    );
    check(&src("lt"), &args, 4, &[f(a < b)]);
    check(&src("lte"), &args, 4, &[f(a <= b)]);
    check(&src("gt"), &args, 4, &[f(a > b)]);
    check(&src("gte"), &args, 4, &[f(a >= b)]);
    check(&src("eq"), &args, 4, &[f(a == b)]);
    check(&src("neq"), &args, 4, &[f(a != b)]);
    let m = a.min(b);
    check(&src("min"), &args, 4, &[hi(m), lo(m)]);
    let m = a.max(b);
    check(&src("max"), &args, 4, &[hi(m), lo(m)]);
    for (p, c) in [("and", a & b), ("or", a | b), ("xor", a ^ b)] {
        check(&src(p), &args, 4, &[hi(c), lo(c)]);
    }
}

const EDGES: [u64; 10] = [
    0,
    1,
    2,
    0xffff_ffff,
    1 << 32,
    (1 << 32) + 1,
    0x8000_0000_0000_0000,
    u64::MAX - 1,
    u64::MAX,
    0x1234_5678_9abc_def0,
];

#[test]
fn binary_procedures_on_edge_values() {
    for a in EDGES {
        for b in EDGES {
            check_binary(a, b);
        }
    }
}

#[test]
fn eqz_on_edge_values() {
    for a in EDGES {
        check(&src("eqz"), &[hi(a), lo(a)], 2, &[u64::from(a == 0)]);
    }
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![prop::sample::select(EDGES.to_vec()), any::<u64>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn binary_procedures_match_rust(a in value(), b in value()) {
        check_binary(a, b);
    }

    #[test]
    fn procedures_on_limb_neighbours(a in any::<u64>(), d in 0u64..3) {
        // Equal high limbs (or equal low limbs) make the other limb decide.
        check_binary(a, a ^ d);
        check_binary(a, a ^ (d << 32));
    }
}

#[test]
fn u32_instructions_trap_on_non_u32_limbs() {
    let bad = TWO32;
    for p in [
        "overflowing_add",
        "wrapping_add",
        "overflowing_sub",
        "wrapping_sub",
        "wrapping_mul",
        "overflowing_mul",
        "lt",
        "gt",
        "lte",
        "gte",
        "min",
        "max",
        "and",
        "or",
        "xor",
    ] {
        for i in 0..4 {
            let mut args = vec![1u64, 2, 3, 4];
            args[i] = bad;
            check_fails(&src(p), &args, "NotU32");
        }
    }
}

#[test]
fn u64_cycles_are_the_documented_ones() {
    for (p, cycles) in [
        ("overflowing_add", 6),
        ("wrapping_add", 7),
        ("overflowing_sub", 11),
        ("wrapping_sub", 12),
        ("wrapping_mul", 11),
        ("overflowing_mul", 22),
        ("lt", 16),
        ("gt", 20),
        ("lte", 23),
        ("gte", 19),
        ("eq", 5),
        ("neq", 6),
        ("eqz", 4),
        ("min", 37),
        ("max", 41),
        ("and", 6),
        ("or", 16),
        ("xor", 6),
    ] {
        let out = run_full(
            &src(p),
            &with_sentinels(&[1, 2, 3, 4]),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap();
        // Less the `exec` (CALL, RET) and the HALT.
        assert_eq!(out.cycles - 3, cycles, "u64::{p}");
    }
}

fn check_counts(a: u64) {
    let args = [hi(a), lo(a)];
    let n = |x: u32| u64::from(x);
    check(&src("clz"), &args, 2, &[n(a.leading_zeros())]);
    check(&src("ctz"), &args, 2, &[n(a.trailing_zeros())]);
    check(&src("clo"), &args, 2, &[n(a.leading_ones())]);
    check(&src("cto"), &args, 2, &[n(a.trailing_ones())]);
}

#[test]
fn bit_counts_on_edge_values() {
    for a in EDGES {
        check_counts(a);
        check_counts(!a);
    }
    for i in 0..64 {
        check_counts(1 << i);
        check_counts(!(1 << i));
        check_counts(u64::MAX << i);
        check_counts(u64::MAX >> i);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bit_counts_match_rust(a in value(), shift in 0u32..64) {
        check_counts(a);
        check_counts(a >> shift);
        check_counts(a << shift);
    }
}

#[test]
fn bit_counts_trap_on_non_u32_limbs() {
    for p in ["clz", "ctz", "clo", "cto"] {
        check_fails(&src(p), &[TWO32, 0], "NotU32");
        check_fails(&src(p), &[0, TWO32], "NotU32");
    }
}

#[test]
fn bit_count_cycles() {
    // (procedure, a value decided by one limb, one needing both limbs, their cycles)
    for (p, one_limb, both, cycles) in [
        ("clz", 1u64 << 40, 1, (33, 34)),
        ("ctz", 1, 1 << 40, (33, 34)),
        ("clo", 0, u64::MAX << 3, (36, 37)),
        ("cto", 0, u64::MAX >> 3, (32, 33)),
    ] {
        let mut got = vec![];
        for a in [one_limb, both] {
            let out = run_full(
                &src(p),
                &with_sentinels(&[hi(a), lo(a)]),
                AdviceInputs::default(),
                ExecutionOptions::default(),
            )
            .unwrap();
            got.push(out.cycles - 3);
        }
        assert_eq!((got[0], got[1]), cycles, "u64::{p}");
    }
}
