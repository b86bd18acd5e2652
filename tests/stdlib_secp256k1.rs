//! `std::math::secp256k1::{base_field, scalar_field, group}` and
//! `std::crypto::dsa::ecdsa::secp256k1` (Miden 0.16/0.17's stack conventions: eight u32 limbs,
//! least significant on top, Montgomery form with R = 2^256) against `num-bigint` modular
//! arithmetic and the `k256` crate (group operations on `ProjectivePoint`, ECDSA signatures
//! made by `k256::ecdsa::SigningKey`).
//!
//! The field procedures run on both executors (`common::run_full`); the group and ECDSA ones
//! (hundreds of thousands to millions of cycles) on the fast executor only.

#[path = "instructions/common.rs"]
mod common;

use common::*;

use k256::elliptic_curve::PrimeField;
use k256::Scalar;
use num_bigint::BigUint;
use proptest::prelude::*;
use vm::processor::{AdviceInputs, ExecutionOptions};

const BASE: &str = "use.std::math::secp256k1::base_field\n";
const SCALAR: &str = "use.std::math::secp256k1::scalar_field\n";

fn p() -> BigUint {
    BigUint::parse_bytes(
        b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        16,
    )
    .unwrap()
}

fn n() -> BigUint {
    BigUint::parse_bytes(
        b"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap()
}

fn r() -> BigUint {
    BigUint::from(1u8) << 256
}

/// The eight u32 limbs of x, least significant first.
fn limbs(x: &BigUint) -> Vec<u64> {
    let mut ds = x.to_u32_digits();
    assert!(ds.len() <= 8, "{x} has more than 256 bits");
    ds.resize(8, 0);
    ds.into_iter().map(u64::from).collect()
}

#[allow(dead_code)]
fn from_limbs(ls: &[u64]) -> BigUint {
    let ds: Vec<u32> = ls.iter().map(|&l| u32::try_from(l).unwrap()).collect();
    BigUint::from_slice(&ds)
}

fn to_mont(x: &BigUint, m: &BigUint) -> BigUint {
    (x * r()) % m
}

fn from_mont(x: &BigUint, m: &BigUint) -> BigUint {
    (x * r().modinv(m).unwrap()) % m
}

/// `push` instructions that leave `ls` (top first) on the stack.
fn push(ls: &[u64]) -> String {
    let rev: Vec<String> = ls.iter().rev().map(u64::to_string).collect();
    rev.chunks(8)
        .map(|c| format!("push.{}\n", c.join(".")))
        .collect()
}

fn big(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

/// Runs a field program on both executors above 16 sentinels; returns the output stack.
fn run_field(src: &str) -> [u64; 16] {
    ok(src, &with_sentinels(&[]), &[])
}

/// Checks `exec.<module>::<proc>` on `args` (top first, pushed by the program) against
/// `want` (top first), with the sentinels untouched under it.
fn check_proc(import: &str, module: &str, proc: &str, args: &[u64], want: &[u64]) {
    let src = format!("{import}begin\n{}exec.{module}::{proc}\nend", push(args));
    let out = run_field(&src);
    let want = expected(&[], 0, want);
    assert_eq!(out, want, "{module}::{proc} on {args:?}");
}

fn check_base_binary(a: &BigUint, b: &BigUint) {
    let m = p();
    let mut args = limbs(a);
    args.extend(limbs(b));
    let ri = r().modinv(&m).unwrap();
    check_proc(
        BASE,
        "base_field",
        "mul",
        &args,
        &limbs(&(a * b * &ri % &m)),
    );
    check_proc(BASE, "base_field", "add", &args, &limbs(&((a + b) % &m)));
    check_proc(
        BASE,
        "base_field",
        "sub",
        &args,
        &limbs(&((a + &m - b) % &m)),
    );
}

fn check_base_unary(a: &BigUint) {
    let m = p();
    check_proc(
        BASE,
        "base_field",
        "neg",
        &limbs(a),
        &limbs(&((&m - a) % &m)),
    );
    check_proc(
        BASE,
        "base_field",
        "to_mont",
        &limbs(a),
        &limbs(&to_mont(a, &m)),
    );
    check_proc(
        BASE,
        "base_field",
        "from_mont",
        &limbs(a),
        &limbs(&from_mont(a, &m)),
    );
}

fn check_scalar_binary(a: &BigUint, b: &BigUint) {
    let m = n();
    let mut args = limbs(a);
    args.extend(limbs(b));
    let ri = r().modinv(&m).unwrap();
    check_proc(
        SCALAR,
        "scalar_field",
        "mul",
        &args,
        &limbs(&(a * b * &ri % &m)),
    );
}

/// The Montgomery-form inverse: (a / R)^-1 * R = R^2 / a.
fn mont_inv(a: &BigUint, m: &BigUint) -> BigUint {
    if *a == BigUint::from(0u8) {
        return a.clone();
    }
    (r() * r() % m) * a.modinv(m).unwrap() % m
}

fn edge_values(m: &BigUint) -> Vec<BigUint> {
    let one = BigUint::from(1u8);
    vec![
        BigUint::from(0u8),
        one.clone(),
        BigUint::from(2u8),
        BigUint::from(u32::MAX),
        BigUint::from(u64::MAX),
        (&one << 128) - &one,
        &one << 255,
        m - &one,
        m - BigUint::from(2u8),
        m >> 1,
        r() % m,
    ]
}

fn arb_below(m: BigUint) -> impl Strategy<Value = BigUint> {
    proptest::collection::vec(any::<u32>(), 8).prop_map(move |ds| BigUint::from_slice(&ds) % &m)
}

// ---- base field ------------------------------------------------------------------------------

#[test]
fn base_field_edge_values() {
    let m = p();
    let vals = edge_values(&m);
    for a in &vals {
        check_base_unary(a);
        for b in &vals {
            check_base_binary(a, b);
        }
    }
}

#[test]
fn base_field_against_k256_field_elements() {
    // k256's own field arithmetic on the same values (plain form in and out).
    use k256::FieldElement;
    let m = p();
    let fe = |x: &BigUint| {
        let mut bytes = [0u8; 32];
        let b = x.to_bytes_be();
        bytes[32 - b.len()..].copy_from_slice(&b);
        FieldElement::from_bytes(&bytes.into()).unwrap()
    };
    let back = |f: FieldElement| big(&f.normalize().to_bytes());
    let a = BigUint::parse_bytes(
        b"123456789abcdef0fedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0",
        16,
    )
    .unwrap();
    let b = BigUint::parse_bytes(
        b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffe00000000",
        16,
    )
    .unwrap();
    // mul of Montgomery forms is the Montgomery form of the product
    let (am, bm) = (to_mont(&a, &m), to_mont(&b, &m));
    let mut args = limbs(&am);
    args.extend(limbs(&bm));
    let prod = back(fe(&a) * fe(&b));
    check_proc(
        BASE,
        "base_field",
        "mul",
        &args,
        &limbs(&to_mont(&prod, &m)),
    );
    check_proc(
        BASE,
        "base_field",
        "add",
        &args,
        &limbs(&to_mont(&back(fe(&a) + fe(&b)), &m)),
    );
    let inv = back(fe(&a).invert().unwrap());
    check_proc(
        BASE,
        "base_field",
        "inv",
        &limbs(&am),
        &limbs(&to_mont(&inv, &m)),
    );
}

#[test]
fn base_field_inv() {
    let m = p();
    for a in edge_values(&m) {
        check_proc(
            BASE,
            "base_field",
            "inv",
            &limbs(&a),
            &limbs(&mont_inv(&a, &m)),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn base_field_random(a in arb_below(p()), b in arb_below(p())) {
        check_base_binary(&a, &b);
        check_base_unary(&a);
    }

    #[test]
    fn scalar_field_random(a in arb_below(n()), b in arb_below(n())) {
        check_scalar_binary(&a, &b);
        check_proc(SCALAR, "scalar_field", "from_mont", &limbs(&a), &limbs(&from_mont(&a, &n())));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn field_inv_random(a in arb_below(p()), b in arb_below(n())) {
        check_proc(BASE, "base_field", "inv", &limbs(&a), &limbs(&mont_inv(&a, &p())));
        check_proc(SCALAR, "scalar_field", "inv", &limbs(&b), &limbs(&mont_inv(&b, &n())));
    }
}

// ---- scalar field ----------------------------------------------------------------------------

#[test]
fn scalar_field_edge_values() {
    let m = n();
    let vals = edge_values(&m);
    for a in &vals {
        check_proc(
            SCALAR,
            "scalar_field",
            "from_mont",
            &limbs(a),
            &limbs(&from_mont(a, &m)),
        );
        for b in &vals {
            check_scalar_binary(a, b);
        }
    }
    for a in [BigUint::from(1u8), m.clone() - 1u8, r() % &m] {
        check_proc(
            SCALAR,
            "scalar_field",
            "inv",
            &limbs(&a),
            &limbs(&mont_inv(&a, &m)),
        );
    }
}

#[test]
fn scalar_field_against_k256_scalars() {
    let m = n();
    let a = Scalar::from_u128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
    let b = -Scalar::from(977u64);
    let sb = |s: &Scalar| big(&s.to_bytes());
    let (am, bm) = (to_mont(&sb(&a), &m), to_mont(&sb(&b), &m));
    let mut args = limbs(&am);
    args.extend(limbs(&bm));
    check_proc(
        SCALAR,
        "scalar_field",
        "mul",
        &args,
        &limbs(&to_mont(&sb(&(a * b)), &m)),
    );
    let inv = a.invert().unwrap();
    check_proc(
        SCALAR,
        "scalar_field",
        "inv",
        &limbs(&am),
        &limbs(&to_mont(&sb(&inv), &m)),
    );
}

#[test]
fn field_limbs_must_be_u32() {
    for (import, module, proc, count) in [
        (BASE, "base_field", "mul", 16),
        (BASE, "base_field", "add", 16),
        (BASE, "base_field", "sub", 16),
        (BASE, "base_field", "neg", 8),
        (BASE, "base_field", "to_mont", 8),
        (BASE, "base_field", "from_mont", 8),
        (SCALAR, "scalar_field", "mul", 16),
        (SCALAR, "scalar_field", "from_mont", 8),
    ] {
        for bad in [0, count / 2, count - 1] {
            let mut args = vec![1u64; count];
            args[bad] = TWO32;
            let src = format!("{import}begin\n{}exec.{module}::{proc}\nend", push(&args));
            fails_with(&src, &with_sentinels(&[]), &[], "NotU32");
        }
    }
}

// ---- cycles ----------------------------------------------------------------------------------

/// The `Cycles: N` figure in the doc comment of `proc` in `source`.
fn documented(source: &str, proc: &str) -> u64 {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            let head = l.split('.').take(2).collect::<Vec<_>>();
            head.len() == 2 && (head[0] == "export" || head[0] == "proc") && head[1] == proc
        })
        .unwrap_or_else(|| panic!("no procedure {proc}"));
    let figure = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.starts_with("#!"))
        .find_map(|l| l.strip_prefix("#! Cycles: "))
        .unwrap_or_else(|| panic!("{proc} has no Cycles line"));
    figure
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{proc}: {figure}"))
}

fn module_source(path: &str) -> &'static str {
    vm::stdlib::module(path).unwrap().source
}

/// Cycles of `exec.<module>::<proc>` alone (fast executor): the program with the call less
/// the program without it and less the call's CALL and RET.
fn call_cycles(import: &str, module: &str, proc: &str, setup: &str) -> u64 {
    let run = |body: &str| {
        run_full(
            &format!("{import}begin\n{setup}{body}\nend"),
            &with_sentinels(&[]),
            AdviceInputs::default(),
            ExecutionOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{proc}: {e}"))
        .cycles
    };
    run(&format!("exec.{module}::{proc}")) - run("") - 2
}

#[test]
fn field_cycles_are_the_documented_ones() {
    let a = limbs(&(p() - 5u8));
    let mut two = a.clone();
    two.extend(limbs(&(p() - 7u8)));
    for (import, module, path, procs) in [
        (
            BASE,
            "base_field",
            "std::math::secp256k1::base_field",
            &["mul", "add", "sub", "neg", "to_mont", "from_mont", "inv"][..],
        ),
        (
            SCALAR,
            "scalar_field",
            "std::math::secp256k1::scalar_field",
            &["mul", "from_mont", "inv"][..],
        ),
    ] {
        for proc in procs {
            let args = if ["mul", "add", "sub"].contains(proc) {
                &two
            } else {
                &a
            };
            let got = call_cycles(import, module, proc, &push(args));
            assert_eq!(
                got,
                documented(module_source(path), proc),
                "{module}::{proc}"
            );
        }
    }
}

/// The secp256k1 modules are what `stdlib/gen/gen_secp256k1.py` generates (skipped where
/// there is no `python3`).
#[test]
fn generated_modules_are_up_to_date() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/stdlib/gen/gen_secp256k1.py");
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
