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

// ----- division ---------------------------------------------------------------------------

fn check_division(a: u64, b: u64) {
    let args = args2(a, b);
    let (q, r) = (a / b, a % b);
    check(&src("div"), &args, 4, &[hi(q), lo(q)]);
    check(&src("mod"), &args, 4, &[hi(r), lo(r)]);
    check(&src("divmod"), &args, 4, &[hi(r), lo(r), hi(q), lo(q)]);
}

#[test]
fn division_on_edge_values() {
    for a in EDGES {
        for b in EDGES.into_iter().filter(|&b| b != 0) {
            check_division(a, b);
        }
    }
    // Remainder one below the divisor, quotient with both limbs, products at 2^64 - 1.
    for (a, b) in [
        (u64::MAX, 0xffff_fffe),
        (u64::MAX, 0x1_0000_0001),
        (u64::MAX - 1, u64::MAX),
        ((1 << 32) * 0xffff_ffff, 0xffff_ffff),
        (0xffff_fffe_0000_0001, 0xffff_ffff),
        (12345, 12346),
    ] {
        check_division(a, b);
    }
}

fn divisor() -> impl Strategy<Value = u64> {
    prop_oneof![
        1u64..=u64::MAX,
        1u64..=0xffff_ffff,
        (1u32..64).prop_map(|s| u64::MAX >> s),
        prop::sample::select(EDGES[1..].to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn division_matches_rust(a in value(), b in divisor()) {
        check_division(a, b);
    }

    #[test]
    fn division_with_small_quotients(b in divisor(), q in 0u64..4, r in any::<u64>()) {
        // a = q * b + r with r < b, where the quotient's limbs are small or zero.
        if let Some(a) = q.checked_mul(b).and_then(|x| x.checked_add(r % b)) {
            check_division(a, b);
        }
    }
}

#[test]
fn division_by_zero_fails() {
    for p in ["div", "mod", "divmod"] {
        for a in [0, 1, u64::MAX] {
            check_fails(&src(p), &args2(a, 0), "DivideByZero");
        }
    }
}

#[test]
fn division_traps_on_non_u32_limbs() {
    for p in ["div", "mod", "divmod"] {
        for i in 0..4 {
            let mut args = vec![1u64, 2, 3, 4];
            args[i] = TWO32;
            check_fails(&src(p), &args, "NotU32");
        }
    }
}

/// The body of `u64::PROC` without its `adv.push_u64div`, as a program that reads the
/// quotient and remainder the test puts on the advice stack.
fn division_without_hint(proc: &str) -> String {
    let source = vm::stdlib::module("std::math::u64").unwrap().source;
    let start = source.find(&format!("export.{proc}\n")).unwrap();
    let body = &source[start + format!("export.{proc}\n").len()..];
    let body = &body[..body.find("\nend\n").unwrap()];
    assert!(body.contains("adv.push_u64div"));
    format!("begin {} end", body.replace("adv.push_u64div", ""))
}

#[test]
fn division_rejects_wrong_hints() {
    let (a, b) = (0x1234_5678_9abc_def0u64, 0x1_0000_0003u64);
    let (q, r) = (a / b, a % b);
    let hint = |q: u64, r: u64| vec![lo(q), hi(q), lo(r), hi(r)];
    let stack = with_sentinels(&args2(a, b));
    for p in ["div", "mod", "divmod"] {
        let prog = division_without_hint(p);
        // The honest hint passes.
        ok(&prog, &stack, &hint(q, r));
        for (bad, what) in [
            (hint(q - 1, r + b), "remainder is not below the divisor"),
            (
                hint(q + 1, r.wrapping_sub(b)),
                "remainder is not below the divisor",
            ),
            (hint(q, r + 1), "is not the dividend"),
            (hint(q + (1 << 32), r), "quotient times divisor overflows"),
            (hint(q, r + (1 << 32)), "remainder is not below the divisor"),
            (vec![TWO32, 0, 0, 0], "quotient limb is not a u32"),
            (vec![lo(q), hi(q), TWO32, 0], "remainder limb is not a u32"),
        ] {
            fails_with(&prog, &stack, &bad, what);
        }
    }
    // q * b + r wraps past 2^64: a = 5, b = 2^63 + 1, q = 2, r = 3 (q * b = 2^64 + 2).
    let (a, b) = (5u64, (1u64 << 63) + 1);
    let stack = with_sentinels(&args2(a, b));
    for p in ["div", "mod", "divmod"] {
        fails_with(
            &division_without_hint(p),
            &stack,
            &hint(2, 3),
            "quotient times divisor overflows",
        );
    }
    // A quotient with both limbs set times a divisor with both limbs set.
    let (a, b) = (u64::MAX, 0x1_0000_0001u64);
    let stack = with_sentinels(&args2(a, b));
    for p in ["div", "mod", "divmod"] {
        fails_with(
            &division_without_hint(p),
            &stack,
            &hint((1 << 32) + 5, 0),
            "quotient times divisor overflows",
        );
    }
}

// ----- shifts and rotations ---------------------------------------------------------------

fn check_shifts(a: u64, b: u32) {
    let args = [u64::from(b), hi(a), lo(a)];
    assert!(b < 64);
    let (l, r) = (a << b, a >> b);
    check(&src("shl"), &args, 3, &[hi(l), lo(l)]);
    check(&src("shr"), &args, 3, &[hi(r), lo(r)]);
    let (l, r) = (a.rotate_left(b), a.rotate_right(b));
    check(&src("rotl"), &args, 3, &[hi(l), lo(l)]);
    check(&src("rotr"), &args, 3, &[hi(r), lo(r)]);
}

#[test]
fn shifts_on_edge_values() {
    for a in EDGES {
        for b in 0..64 {
            check_shifts(a, b);
            check_shifts(!a, b);
        }
    }
    // A low limb of all ones with amounts of 32 and more (Miden 0.17's `shr` returns
    // 0x1_ffff_ffff for u64::MAX >> 32) and amounts that are multiples of 32 on values
    // whose limbs overflow the field when recombined (Miden 0.17's `rotr` by 0 or 32).
    for b in [0, 1, 31, 32, 33, 63] {
        check_shifts(u64::MAX, b);
        check_shifts(0x0000_0001_ffff_ffff, b);
        check_shifts(0xffff_ffff_0000_0001, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn shifts_match_rust(a in value(), b in 0u32..64) {
        check_shifts(a, b);
    }

    #[test]
    fn rotations_by_64_and_more_match_miden(a in value(), b in 64u64..=0xffff_ffff) {
        // Miden's code rotates by 32 + (b mod 32) for every b >= 32.
        let args = [b, hi(a), lo(a)];
        let k = 32 + (b % 32) as u32;
        let (l, r) = (a.rotate_left(k), a.rotate_right(k));
        check(&src("rotl"), &args, 3, &[hi(l), lo(l)]);
        check(&src("rotr"), &args, 3, &[hi(r), lo(r)]);
    }
}

#[test]
fn shift_amounts_at_the_bounds() {
    let a = 0x8000_0001_8000_0001u64;
    for b in [64u64, 65, 95, 96, 127, 1000, 0xffff_ffff, TWO32, P - 1] {
        // shl and shr fail in pow2, as Miden's do.
        for p in ["shl", "shr"] {
            check_fails(&src(p), &[b, hi(a), lo(a)], "FailedAssertion");
        }
    }
    for b in [64u64, 96, 127, 0xffff_ffff] {
        let k = 32 + (b % 32) as u32;
        for (p, c) in [("rotl", a.rotate_left(k)), ("rotr", a.rotate_right(k))] {
            check(&src(p), &[b, hi(a), lo(a)], 3, &[hi(c), lo(c)]);
        }
    }
    for b in [TWO32, P - 1] {
        for p in ["rotl", "rotr"] {
            check_fails(&src(p), &[b, hi(a), lo(a)], "NotU32");
        }
    }
}

#[test]
fn shifts_trap_on_non_u32_limbs() {
    for p in ["shl", "shr", "rotl", "rotr"] {
        for b in [0, 1, 31, 32, 33, 63] {
            check_fails(&src(p), &[b, TWO32, 0], "NotU32");
            check_fails(&src(p), &[b, 0, TWO32], "NotU32");
        }
    }
}

#[test]
fn division_and_shift_cycles() {
    let run = |p: &str, args: &[u64]| {
        run_full(
            &src(p),
            &with_sentinels(args),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap()
        .cycles
            - 3
    };
    for (p, cycles) in [("div", 52), ("mod", 52), ("divmod", 52)] {
        for (a, b) in [(0u64, 1u64), (u64::MAX, 3), (u64::MAX, u64::MAX)] {
            assert_eq!(run(p, &args2(a, b)), cycles, "u64::{p}");
        }
    }
    for (p, cycles) in [("shl", 26), ("shr", 39), ("rotl", 29), ("rotr", 38)] {
        for b in [0, 31, 32, 63] {
            assert_eq!(run(p, &[b, 5, 6]), cycles, "u64::{p} by {b}");
        }
    }
}

#[test]
fn failures_are_located_in_the_library() {
    for (p, args, what) in [
        ("div", args2(5, 0), "DivideByZero"),
        ("mod", args2(5, 0), "DivideByZero"),
        ("divmod", vec![1, 2, TWO32, 4], "NotU32"),
        ("shl", vec![64, 1, 2], "FailedAssertion"),
        ("shr", vec![64, 1, 2], "FailedAssertion"),
        ("rotl", vec![TWO32, 1, 2], "NotU32"),
        ("rotr", vec![1, TWO32, 2], "NotU32"),
    ] {
        let e = fails(&src(p), &with_sentinels(&args), &[]);
        assert!(common::what(&e).contains(what), "u64::{p}: {e}");
        assert!(
            e.contains(&format!("in std::math::u64::{p}")),
            "u64::{p}: {e}"
        );
    }
}
