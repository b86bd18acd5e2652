//! `std::math::u256` (Miden 0.16/0.17's stack conventions) against `num_bigint::BigUint`:
//! each procedure assembled from the embedded stdlib, run by both executors
//! (`common::run_full`), and checked on the whole output stack. A u256 `a` lies on the
//! stack as `[a7, ..., a0]` (most significant limb on top).

#[path = "instructions/common.rs"]
mod common;

use common::*;
use num_bigint::BigUint;
use proptest::prelude::*;
use vm::processor::{AdviceInputs, ExecutionOptions};

fn src(proc: &str) -> String {
    format!("use.std::math::u256\nbegin exec.u256::{proc} end")
}

/// Little-endian u32 limbs of a u256 (`l[0]` least significant).
type Limbs = [u32; 8];

fn big(l: &Limbs) -> BigUint {
    BigUint::from_slice(l)
}

/// `x mod 2^256` as limbs.
fn limbs(x: &BigUint) -> Limbs {
    let mut out = [0u32; 8];
    for (o, d) in out.iter_mut().zip(x.to_u32_digits()) {
        *o = d;
    }
    out
}

fn modulus() -> BigUint {
    BigUint::from(1u8) << 256
}

/// Stack values, top first: most significant limb on top.
fn top_first(l: &Limbs) -> Vec<u64> {
    l.iter().rev().map(|&x| u64::from(x)).collect()
}

/// Arguments `[b7, ..., b0, a7, ..., a0]` (top first).
fn args2(a: &Limbs, b: &Limbs) -> Vec<u64> {
    let mut v = top_first(b);
    v.extend(top_first(a));
    v
}

fn check_binary(a: &Limbs, b: &Limbs) {
    let args = args2(a, b);
    let (x, y, m) = (big(a), big(b), modulus());
    check(
        &src("add_unsafe"),
        &args,
        16,
        &top_first(&limbs(&((&x + &y) % &m))),
    );
    check(
        &src("sub_unsafe"),
        &args,
        16,
        &top_first(&limbs(&((&x + &m - &y) % &m))),
    );
    check(
        &src("mul_unsafe"),
        &args,
        16,
        &top_first(&limbs(&((&x * &y) % &m))),
    );
    check(&src("and"), &args, 16, &top_first(&limbs(&(&x & &y))));
    check(&src("or"), &args, 16, &top_first(&limbs(&(&x | &y))));
    check(&src("xor"), &args, 16, &top_first(&limbs(&(&x ^ &y))));
    check(&src("eq_unsafe"), &args, 16, &[u64::from(x == y)]);
    for l in [a, b] {
        let zero = big(l) == BigUint::default();
        check(&src("iszero_unsafe"), &top_first(l), 8, &[u64::from(zero)]);
    }
}

const M: u32 = u32::MAX;

/// Edge values: zero, one, all ones, single limbs, alternating limbs, 2^255, and values
/// whose limbs are one or all ones in every position.
fn edges() -> Vec<Limbs> {
    let mut v = vec![
        [0; 8],
        [1, 0, 0, 0, 0, 0, 0, 0],
        [2, 0, 0, 0, 0, 0, 0, 0],
        [M; 8],
        [M - 1, M, M, M, M, M, M, M],
        [0, 0, 0, 0, 0, 0, 0, 1 << 31],
        [M, 0, M, 0, M, 0, M, 0],
        [0, M, 0, M, 0, M, 0, M],
        [M, M, M, M, 0, 0, 0, 0],
        [0, 0, 0, 0, M, M, M, M],
        [
            0x1234_5678,
            0x9abc_def0,
            0x0fed_cba9,
            0x8765_4321,
            0xdead_beef,
            0xcafe_babe,
            0x0bad_f00d,
            0x0123_4567,
        ],
    ];
    for i in 0..8 {
        let mut one = [0; 8];
        one[i] = 1;
        v.push(one);
        let mut top = [0; 8];
        top[i] = M;
        v.push(top);
    }
    v
}

#[test]
fn procedures_on_edge_values() {
    let e = edges();
    for a in &e {
        for b in &e {
            check_binary(a, b);
        }
    }
}

fn value() -> impl Strategy<Value = Limbs> {
    prop_oneof![
        2 => any::<Limbs>(),
        1 => prop::sample::select(edges()),
        // Limbs drawn from 0, 1, u32::MAX - 1 and u32::MAX.
        1 => prop::array::uniform8(prop::sample::select(vec![0u32, 1, M - 1, M])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn procedures_match_bigint(a in value(), b in value()) {
        check_binary(&a, &b);
    }

    #[test]
    fn procedures_on_near_equal_values(a in value(), i in 0usize..8, d in 1u32..4) {
        // Operands that differ in one limb (eq_unsafe must look at every limb).
        let mut b = a;
        b[i] ^= d;
        check_binary(&a, &b);
        check_binary(&a, &a);
    }
}

#[test]
fn u32_instructions_trap_on_non_u32_limbs() {
    for p in ["add_unsafe", "sub_unsafe", "mul_unsafe", "and", "or", "xor"] {
        for i in 0..16 {
            let mut args: Vec<u64> = (1..=16).collect();
            args[i] = TWO32;
            check_fails(&src(p), &args, "NotU32");
        }
    }
}

#[test]
fn comparisons_use_field_elements() {
    // As in Miden: limbs are compared as field elements, not checked to be u32.
    let mut args: Vec<u64> = (1..=8).chain(1..=8).collect();
    args[3] = TWO32;
    args[11] = TWO32;
    check(&src("eq_unsafe"), &args, 16, &[1]);
    args[11] = TWO32 + 1;
    check(&src("eq_unsafe"), &args, 16, &[0]);
    let mut z = vec![0u64; 8];
    check(&src("iszero_unsafe"), &z, 8, &[1]);
    z[5] = TWO32;
    check(&src("iszero_unsafe"), &z, 8, &[0]);
    z[5] = P - 1;
    check(&src("iszero_unsafe"), &z, 8, &[0]);
}

#[test]
fn u256_cycles_are_the_documented_ones() {
    for (p, cycles) in [
        ("add_unsafe", 25),
        ("sub_unsafe", 40),
        ("and", 24),
        ("or", 56),
        ("xor", 24),
        ("eq_unsafe", 30),
        ("mul_unsafe", 277),
    ] {
        for (a, b) in [
            ([0; 8], [0; 8]),
            ([M; 8], [M; 8]),
            ([1, 2, 3, 4, 5, 6, 7, 8], [M; 8]),
        ] {
            let out = run_full(
                &src(p),
                &with_sentinels(&args2(&a, &b)),
                AdviceInputs::default(),
                ExecutionOptions::default(),
            )
            .unwrap();
            // Less the `exec` (CALL, RET) and the HALT.
            assert_eq!(out.cycles - 3, cycles, "u256::{p}");
        }
    }
    for a in [[0; 8], [M; 8]] {
        let out = run_full(
            &src("iszero_unsafe"),
            &with_sentinels(&top_first(&a)),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap();
        assert_eq!(out.cycles - 3, 22, "u256::iszero_unsafe");
    }
}

#[test]
fn failures_are_located_in_the_library() {
    for p in ["add_unsafe", "sub_unsafe", "mul_unsafe", "and", "or", "xor"] {
        let mut args: Vec<u64> = (1..=16).collect();
        args[0] = TWO32;
        let e = fails(&src(p), &with_sentinels(&args), &[]);
        assert!(what(&e).contains("NotU32"), "u256::{p}: {e}");
        assert!(
            e.contains(&format!("in std::math::u256::{p}")),
            "u256::{p}: {e}"
        );
    }
}
