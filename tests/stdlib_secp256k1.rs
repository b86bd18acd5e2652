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
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{ProjectivePoint, Scalar};
use num_bigint::BigUint;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use vm::processor::{execute, AdviceInputs, DefaultHost, ExecutionOptions};
use vm::{assembly::Assembler, StackInputs};

const BASE: &str = "use.std::math::secp256k1::base_field\n";
const SCALAR: &str = "use.std::math::secp256k1::scalar_field\n";
const GROUP: &str = "use.std::math::secp256k1::group\n";
const ECDSA: &str = "use.std::crypto::dsa::ecdsa::secp256k1\n";

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

/// [`check_proc`] on the fast executor only (for `inv`, 600000 cycles and more).
fn check_proc_fast(import: &str, module: &str, proc: &str, args: &[u64], want: &[u64]) {
    let src = format!("{import}begin\n{}exec.{module}::{proc}\nend", push(args));
    let (out, _) = run_fast(&src).unwrap_or_else(|e| panic!("{module}::{proc}: {e}"));
    assert_eq!(out, expected(&[], 0, want), "{module}::{proc} on {args:?}");
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
        check_proc_fast(
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
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn field_inv_random(a in arb_below(p()), b in arb_below(n())) {
        check_proc_fast(BASE, "base_field", "inv", &limbs(&a), &limbs(&mont_inv(&a, &p())));
        check_proc_fast(SCALAR, "scalar_field", "inv", &limbs(&b), &limbs(&mont_inv(&b, &n())));
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
    for a in [
        BigUint::from(0u8),
        BigUint::from(1u8),
        m.clone() - 1u8,
        r() % &m,
    ] {
        check_proc_fast(
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

/// `inv` of 0 (no inverse: the other branch) takes the cycles its doc comment gives.
#[test]
fn inv_of_zero_takes_the_documented_cycles() {
    for (import, module, path) in [
        (BASE, "base_field", "std::math::secp256k1::base_field"),
        (SCALAR, "scalar_field", "std::math::secp256k1::scalar_field"),
    ] {
        let src = module_source(path);
        let figure: u64 = src
            .lines()
            .find_map(|l| l.strip_prefix("#! For a = 0 mod "))
            .and_then(|rest| rest.split(": ").nth(1))
            .and_then(|rest| rest.strip_suffix(" cycles."))
            .unwrap_or_else(|| panic!("{path}: no zero-case figure"))
            .parse()
            .unwrap();
        let zero = push(&[0; 8]);
        assert_eq!(call_cycles(import, module, "inv", &zero), figure, "{path}");
        let docs = include_str!("../docs/stdlib.md");
        let row = format!("| `{module}::inv` |");
        let row = docs
            .lines()
            .find(|l| l.starts_with(&row))
            .expect("a docs row");
        assert!(
            row.contains(&format!("{figure} cycles for a = 0")),
            "{path}: {row}"
        );
    }
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

// ---- group -----------------------------------------------------------------------------------

/// Runs `src` on the fast executor only (group and ECDSA programs run for millions of
/// cycles) above the 16 sentinels: the outputs and cycles, or the error text.
fn run_fast(src: &str) -> Result<([u64; 16], u64), String> {
    let program = Assembler::new()
        .assemble_source("test.masm", src)
        .map_err(|e| format!("assembly failed: {e:?}"))?;
    let inputs = StackInputs::try_from_ints(with_sentinels(&[])).unwrap();
    #[allow(clippy::default_constructed_unit_structs)]
    let out = execute(
        &program,
        inputs,
        AdviceInputs::default(),
        &mut DefaultHost::default(),
        ExecutionOptions::default(),
    )
    .map_err(|e| format!("{:?}: {e}", e.kind))?;
    Ok((out.stack.as_ints().try_into().unwrap(), out.cycles))
}

/// A point in projective coordinates, plain integers (not Montgomery form).
#[derive(Clone, Debug)]
struct Proj {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

/// The affine coordinates of a k256 point, None for the identity.
fn affine(q: &ProjectivePoint) -> Option<(BigUint, BigUint)> {
    let e = q.to_affine().to_encoded_point(false);
    match (e.x(), e.y()) {
        (Some(x), Some(y)) => Some((big(x), big(y))),
        _ => None,
    }
}

/// `q` with projective factor `z` (any non-zero z; the identity is (0, 1, 0)).
fn proj(q: &ProjectivePoint, z: u64) -> Proj {
    let m = p();
    match affine(q) {
        Some((x, y)) => Proj {
            x: x * z % &m,
            y: y * z % &m,
            z: BigUint::from(z),
        },
        None => Proj {
            x: BigUint::from(0u8),
            y: BigUint::from(1u8),
            z: BigUint::from(0u8),
        },
    }
}

/// Checks that (X, Y, Z) read back from the VM (Montgomery form) is the point `want`.
fn assert_point(got: &Proj, want: &ProjectivePoint, what: &str) {
    let m = p();
    let (x, y, z) = (
        from_mont(&got.x, &m),
        from_mont(&got.y, &m),
        from_mont(&got.z, &m),
    );
    match affine(want) {
        None => assert!(
            z == BigUint::from(0u8) && x == BigUint::from(0u8) && y != BigUint::from(0u8),
            "{what}: expected the identity, got {got:?}"
        ),
        Some((wx, wy)) => {
            assert!(z != BigUint::from(0u8), "{what}: got the identity");
            assert_eq!(x, wx * &z % &m, "{what}: x");
            assert_eq!(y, wy * &z % &m, "{what}: y");
        }
    }
    for c in [&got.x, &got.y, &got.z] {
        assert!(*c < m, "{what}: coordinate not reduced");
    }
}

/// Word addresses of points in the test programs' memory.
const PA: u64 = 1000;
const PB: u64 = 1024;
const PC: u64 = 1048;

/// Instructions storing point `q` (plain coordinates, converted to Montgomery form) at the
/// six words from `at`.
fn store_point(q: &Proj, at: u64) -> String {
    let m = p();
    let mut out = String::new();
    for (i, c) in [&q.x, &q.y, &q.z].into_iter().enumerate() {
        let ls = limbs(&to_mont(c, &m));
        for h in 0..2 {
            out += &push(&ls[4 * h..4 * h + 4]);
            out += &format!(
                "push.{} mem_storew dropw\n",
                at + 8 * i as u64 + 4 * h as u64
            );
        }
    }
    out
}

/// `push`es of the six word addresses of the point at `at`, first address on top.
fn point_addrs(at: u64) -> String {
    let a: Vec<u64> = (0..6).map(|i| at + 4 * i).collect();
    push(&a)
}

/// Runs `body` (which leaves six addresses on the stack, then dropped) and reads the point
/// written at `at` back; returns it and the cycles of the first run.
fn run_point(setup: &str, body: &str, at: u64) -> (Proj, u64) {
    let read = |coords: &[u64]| {
        let loads: String = coords
            .iter()
            .rev()
            .map(|&c| {
                format!(
                    "padw push.{} mem_loadw padw push.{} mem_loadw\n",
                    at + 8 * c + 4,
                    at + 8 * c
                )
            })
            .collect();
        let src = format!("{GROUP}begin\n{setup}{body}\ndropw drop drop\n{loads}end");
        run_fast(&src).unwrap_or_else(|e| panic!("{body}: {e}"))
    };
    let (xy, cycles) = read(&[0, 1]);
    let (z, _) = read(&[2]);
    (
        Proj {
            x: from_limbs(&xy[..8]),
            y: from_limbs(&xy[8..16]),
            z: from_limbs(&z[..8]),
        },
        cycles,
    )
}

fn check_double(q: &ProjectivePoint, z: u64) {
    let setup = store_point(&proj(q, z), PA) + &point_addrs(PC) + &point_addrs(PA);
    let (got, _) = run_point(&setup, "exec.group::double", PC);
    assert_point(&got, &q.double(), "double");
    // in place
    let setup = store_point(&proj(q, z), PA) + &point_addrs(PA) + &point_addrs(PA);
    let (got, _) = run_point(&setup, "exec.group::double", PA);
    assert_point(&got, &q.double(), "double in place");
}

fn check_add(a: &ProjectivePoint, b: &ProjectivePoint, za: u64, zb: u64) {
    let setup = store_point(&proj(a, za), PA)
        + &store_point(&proj(b, zb), PB)
        + &point_addrs(PC)
        + &point_addrs(PB)
        + &point_addrs(PA);
    let (got, _) = run_point(&setup, "exec.group::add", PC);
    assert_point(&got, &(a + b), "add");
}

fn scalar_limbs(k: &BigUint) -> Vec<u64> {
    limbs(k)
}

fn k256_scalar(k: &BigUint) -> Scalar {
    let k = k % n();
    let mut bytes = [0u8; 32];
    let b = k.to_bytes_be();
    bytes[32 - b.len()..].copy_from_slice(&b);
    Scalar::from_repr(bytes.into()).unwrap()
}

fn check_mul(q: &ProjectivePoint, z: u64, k: &BigUint) -> u64 {
    let setup = store_point(&proj(q, z), PA)
        + &point_addrs(PC)
        + &push(&scalar_limbs(k))
        + &point_addrs(PA);
    let (got, cycles) = run_point(&setup, "exec.group::mul", PC);
    assert_point(&got, &(q * &k256_scalar(k)), "mul");
    cycles
}

fn check_gen_mul(k: &BigUint) -> u64 {
    let setup = point_addrs(PC) + &push(&scalar_limbs(k));
    let (got, cycles) = run_point(&setup, "exec.group::gen_mul", PC);
    assert_point(
        &got,
        &(ProjectivePoint::GENERATOR * k256_scalar(k)),
        "gen_mul",
    );
    cycles
}

fn point_of(seed: u64) -> ProjectivePoint {
    ProjectivePoint::GENERATOR
        * Scalar::from(seed)
        * Scalar::from_u128(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834)
}

#[test]
fn group_double_and_add() {
    let g = ProjectivePoint::GENERATOR;
    let id = ProjectivePoint::IDENTITY;
    let (a, b) = (point_of(3), point_of(5));
    check_double(&g, 1);
    check_double(&a, 12345);
    check_double(&id, 1);
    check_add(&a, &b, 7, 0xffff_ffff_ffff);
    check_add(&a, &a, 1, 99); // equal points
    check_add(&a, &-a, 5, 6); // opposite points
    check_add(&a, &id, 2, 1);
    check_add(&id, &b, 1, 3);
    check_add(&id, &id, 1, 1);
    check_add(&g, &g.double(), 1, 1);
}

#[test]
fn group_mul() {
    let a = point_of(11);
    let one = BigUint::from(1u8);
    for k in [
        BigUint::from(0u8),
        one.clone(),
        BigUint::from(2u8),
        n() - &one,
        n(),
        (one << 256) - 1u8,
        big(&Sha256::digest(b"scalar")),
    ] {
        check_mul(&a, 77, &k);
        check_gen_mul(&k);
    }
    check_mul(&ProjectivePoint::IDENTITY, 1, &big(&Sha256::digest(b"k")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn group_random(s in 1u64.., t in 1u64.., z in 1u64..u64::MAX, k in arb_below(n())) {
        let (a, b) = (point_of(s), point_of(t));
        check_add(&a, &b, z, 1);
        check_double(&a, z);
        check_mul(&b, z, &k);
        check_gen_mul(&k);
    }
}

#[test]
fn group_scalar_limbs_must_be_u32() {
    let mut k = vec![1u64; 8];
    k[3] = TWO32;
    let setup = store_point(&proj(&ProjectivePoint::GENERATOR, 1), PA)
        + &point_addrs(PC)
        + &push(&k)
        + &point_addrs(PA);
    let e = run_fast(&format!("{GROUP}begin\n{setup}exec.group::mul\nend")).unwrap_err();
    assert!(e.contains("NotU32"), "{e}");
    let setup = point_addrs(PC) + &push(&k);
    let e = run_fast(&format!("{GROUP}begin\n{setup}exec.group::gen_mul\nend")).unwrap_err();
    assert!(e.contains("NotU32"), "{e}");
}

fn popcount(k: &BigUint) -> u64 {
    k.count_ones()
}

#[test]
fn group_cycles_are_the_documented_ones() {
    let src = module_source("std::math::secp256k1::group");
    let q = proj(&point_of(2), 3);
    let setup = store_point(&q, PA) + &point_addrs(PC) + &point_addrs(PA);
    let (_, with) = run_point(&setup, "exec.group::double", PC);
    let (_, without) = run_point(&setup, "", PC);
    assert_eq!(with - without - 2, documented(src, "double"), "double");
    let setup = store_point(&q, PA) + &point_addrs(PC) + &point_addrs(PA) + &point_addrs(PA);
    let (_, with) = run_point(&setup, "exec.group::add", PC);
    let (_, without) = run_point(&setup, "", PC);
    assert_eq!(with - without - 2, documented(src, "add"), "add");
    // mul and gen_mul: a fixed part plus a part per set bit of the scalar
    let formula = |proc: &str| -> (u64, u64) {
        let line = src
            .lines()
            .take_while(|l| !l.starts_with(&format!("export.{proc}.")))
            .filter(|l| l.starts_with("#! Cycles: "))
            .last()
            .unwrap();
        let nums: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect();
        (nums[0], nums[1])
    };
    for k in [
        BigUint::from(0u8),
        BigUint::from(1u8),
        n() - 1u8,
        big(&Sha256::digest(b"c")),
    ] {
        let base = store_point(&q, PA) + &point_addrs(PC) + &push(&scalar_limbs(&k));
        let base = base + &point_addrs(PA);
        let (_, with) = run_point(&base, "exec.group::mul", PC);
        let (_, without) = run_point(&base, "", PC);
        let (c0, c1) = formula("mul");
        assert_eq!(with - without - 2, c0 + c1 * popcount(&k), "mul of {k}");
        let base = point_addrs(PC) + &push(&scalar_limbs(&k));
        let (_, with) = run_point(&base, "exec.group::gen_mul", PC);
        let (_, without) = run_point(&base, "", PC);
        let (c0, c1) = formula("gen_mul");
        assert_eq!(with - without - 2, c0 + c1 * popcount(&k), "gen_mul of {k}");
    }
}

// ---- ECDSA -----------------------------------------------------------------------------------

/// A signature to verify: public key (projective, plain), h, r, s (plain integers).
#[derive(Clone, Debug)]
struct Case {
    q: Proj,
    h: BigUint,
    r: BigUint,
    s: BigUint,
}

/// A k256 signature of SHA-256(`msg`) by the key derived from `seed`, checked by k256 too;
/// the public key with projective factor `z`.
fn signed(seed: &[u8], msg: &[u8], z: u64) -> Case {
    let key = SigningKey::from_bytes(&Sha256::digest(seed)).unwrap();
    let digest = Sha256::digest(msg);
    let sig: Signature = key.sign_prehash(&digest).unwrap();
    key.verifying_key().verify_prehash(&digest, &sig).unwrap();
    let (r, s) = sig.split_bytes();
    let q = ProjectivePoint::from(*key.verifying_key().as_affine());
    Case {
        q: proj(&q, z),
        h: big(&digest) % n(),
        r: big(&r),
        s: big(&s),
    }
}

/// The 48 inputs of `verify` (top first), Montgomery form.
fn verify_args(c: &Case) -> Vec<u64> {
    let (pm, nm) = (p(), n());
    let mut args = Vec::new();
    for v in [&c.q.x, &c.q.y, &c.q.z] {
        args.extend(limbs(&to_mont(v, &pm)));
    }
    for v in [&c.h, &c.r, &c.s] {
        args.extend(limbs(&to_mont(v, &nm)));
    }
    args
}

fn run_verify(c: &Case) -> Result<([u64; 16], u64), String> {
    let src = format!(
        "{ECDSA}begin\n{}exec.secp256k1::verify\nend",
        push(&verify_args(c))
    );
    run_fast(&src)
}

fn accepted(c: &Case) {
    let (out, _) = run_verify(c).unwrap_or_else(|e| panic!("{c:?} rejected: {e}"));
    assert_eq!(
        out,
        expected(&[], 0, &[]),
        "verify leaves the stack below alone"
    );
}

fn rejected_with(c: &Case, what: &str) {
    match run_verify(c) {
        Ok(_) => panic!("{c:?} accepted"),
        Err(e) => assert!(
            e.contains("FailedAssertion") && e.contains(what),
            "{c:?}: expected a failed assertion {what:?}, got {e}"
        ),
    }
}

const BAD: &str = "ECDSA signature verification failed";

fn check_tampered(c: &Case) {
    let (nm, pm) = (n(), p());
    let one = BigUint::from(1u8);
    let mut t = c.clone();
    t.r = (&c.r + &one) % &nm;
    rejected_with(&t, BAD);
    let mut t = c.clone();
    t.s = (&c.s + &one) % &nm;
    rejected_with(&t, BAD);
    let mut t = c.clone();
    t.h = (&c.h + &one) % &nm;
    rejected_with(&t, BAD);
    // the negated public key
    let mut t = c.clone();
    t.q.y = (&pm - &c.q.y) % &pm;
    rejected_with(&t, BAD);
}

#[test]
fn ecdsa_accepts_k256_signatures() {
    let c = signed(b"key 1", b"hello", 1);
    accepted(&c);
    // the same key in other projective coordinates
    accepted(&signed(b"key 1", b"hello", 0xdead_beef));
    // (r, n - s) is valid too (ECDSA's malleability; Ethereum's transaction rules reject
    // high s, the equation does not)
    let mut high = c.clone();
    high.s = n() - &c.s;
    accepted(&high);
}

#[test]
fn ecdsa_rejects_tampered_signatures() {
    let c = signed(b"key 2", b"a message", 3);
    check_tampered(&c);
    // another key's public key
    let other = signed(b"key 3", b"a message", 1);
    let mut t = c.clone();
    t.q = other.q.clone();
    rejected_with(&t, BAD);
    // another message's signature under the same key
    let mut t = c.clone();
    t.h = signed(b"key 2", b"another message", 1).h;
    rejected_with(&t, BAD);
}

#[test]
fn ecdsa_rejects_zero_values() {
    let c = signed(b"key 4", b"zeros", 1);
    let zero = BigUint::from(0u8);
    let mut t = c.clone();
    t.s = zero.clone();
    rejected_with(&t, "ECDSA: s is zero");
    let mut t = c.clone();
    t.r = zero.clone();
    rejected_with(&t, "ECDSA: r is zero");
    // r = s = 0 would pass an unchecked verification (x of the identity is 0)
    let mut t = c.clone();
    t.r = zero.clone();
    t.s = zero.clone();
    rejected_with(&t, "is zero");
    let mut t = c.clone();
    t.q = proj(&ProjectivePoint::IDENTITY, 1);
    rejected_with(&t, "ECDSA: public key Z is zero");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]

    #[test]
    fn ecdsa_random(seed in any::<[u8; 16]>(), msg in proptest::collection::vec(any::<u8>(), 0..64), z in 1u64..) {
        let c = signed(&seed, &msg, z);
        accepted(&c);
        check_tampered(&c);
    }
}

#[test]
fn ecdsa_cycles_are_the_documented_ones() {
    let src = module_source("std::crypto::dsa::ecdsa::secp256k1");
    let line = src.lines().find(|l| l.starts_with("#! Cycles: ")).unwrap();
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    let nm = n();
    for (seed, msg) in [(&b"key 5"[..], &b"m"[..]), (b"key 6", b"another")] {
        let c = signed(seed, msg, 1);
        let (_, with) = run_verify(&c).unwrap();
        let (_, without) = run_fast(&format!("begin\n{}end", push(&verify_args(&c)))).unwrap();
        let w = c.s.modinv(&nm).unwrap();
        let (u1, u2) = (&c.h * &w % &nm, &c.r * &w % &nm);
        let want = nums[0] + nums[1] * popcount(&u1) + nums[3] * popcount(&u2);
        assert_eq!(with - without - 2, want, "verify");
    }
}

/// A valid signature whose u1 G + u2 Q has an x coordinate of n or more, so that r = x - n:
/// R = (n + t, y) is chosen first and the public key made to fit, Q = (R - u1 G) / u2 (no
/// private key needed), then checked by k256. Miden's code compares x itself and rejects it.
#[test]
fn ecdsa_reduces_x_mod_n() {
    use k256::ecdsa::VerifyingKey;
    use k256::elliptic_curve::point::DecompressPoint;
    use k256::AffinePoint;
    let (pm, nm) = (p(), n());
    let be32 = |x: &BigUint| {
        let mut bytes = [0u8; 32];
        let b = x.to_bytes_be();
        bytes[32 - b.len()..].copy_from_slice(&b);
        bytes
    };
    let (rx, rpt) = (1u64..)
        .find_map(|t| {
            let x = &nm + t;
            let pt = AffinePoint::decompress(&be32(&x).into(), 0.into());
            Option::<AffinePoint>::from(pt).map(|pt| (x, ProjectivePoint::from(pt)))
        })
        .unwrap();
    assert!(rx >= nm && rx < pm);
    let (u1, u2) = (Scalar::from(12345u64), Scalar::from(678u64));
    let q = (rpt - ProjectivePoint::GENERATOR * u1) * u2.invert().unwrap();
    let r = k256_scalar(&(&rx - &nm));
    let s = r * u2.invert().unwrap();
    let h = u1 * s;
    let sig = Signature::from_scalars(r.to_bytes(), s.to_bytes()).unwrap();
    VerifyingKey::from_affine(q.to_affine())
        .unwrap()
        .verify_prehash(&h.to_bytes(), &sig)
        .expect("k256 accepts it");
    let c = Case {
        q: proj(&q, 1),
        h: big(&h.to_bytes()),
        r: big(&r.to_bytes()),
        s: big(&s.to_bytes()),
    };
    accepted(&c);
    check_tampered(&c);
}

// ---- Miden's test vectors -------------------------------------------------------------------

// The inputs and expected outputs of Miden 0.17's own tests (stdlib/tests/math/secp256k1/group.rs
// and stdlib/tests/crypto/ecdsa_secp256k1.rs), Montgomery-form limbs, limb 0 first.

/// Point, its double.
const MIDEN_DOUBLE: [[u32; 48]; 3] = [
    [
        1725045020, 1243934934, 83748696, 1271163719, 2490525753, 3709155749, 1579712529,
        1757200845, 258440691, 3022796594, 2607846704, 163567449, 1396660245, 61235791, 73386979,
        3569717, 628236075, 1776096883, 1596640373, 1237597377, 2238764922, 2503475385, 3619273576,
        3366549089, 1571365520, 1799368815, 7428921, 1427940723, 3919221800, 2377651848,
        3160934912, 2085994872, 2329310267, 2767739398, 1113377320, 447109814, 536421003,
        2795624768, 2178970503, 2186442817, 1088857644, 2485825496, 3157339099, 1571409508,
        3480032262, 4248989966, 223221158, 3053614628,
    ],
    [
        1557300347, 3826368586, 2537306948, 1194350582, 2206313690, 2155850976, 910320597,
        3536848074, 124257772, 3353686949, 2778858866, 3272416768, 3192211612, 670334657,
        2786774514, 1334286332, 2312297066, 2925488368, 3267009695, 2498870966, 1732427718,
        4239428087, 1550410695, 627716766, 3659723495, 2637562175, 4037957238, 1456041611,
        1290327999, 237726701, 1767809589, 2855059581, 4155167893, 4134499992, 4079637937,
        1309846292, 1954278775, 592701051, 257001688, 2968630199, 43236963, 3205695541, 4093727030,
        1974224130, 1389148406, 3751401424, 3638701209, 1284385121,
    ],
    [
        3527372762, 3507857639, 1594370824, 3718082544, 2518725024, 2545775599, 1088522187,
        1093635599, 3614258408, 1260438099, 1063020787, 456123286, 4107569356, 1151599969,
        3890268877, 1968252526, 3558741386, 268995358, 367673520, 1545535419, 2508499329,
        1109236387, 895079977, 1740167655, 3785081520, 3370100016, 4156379850, 4091951425,
        423340917, 252431339, 193520024, 1385386899, 3276376364, 188198541, 524857368, 3507707470,
        1074382731, 911770899, 1564099145, 931832751, 646221711, 1099045009, 2864871562,
        1462352998, 1135851116, 4048420382, 3606347384, 1645193827,
    ],
];
/// Two points, their sum.
const MIDEN_ADD: [[u32; 72]; 3] = [
    [
        1725045020, 1243934934, 83748696, 1271163719, 2490525753, 3709155749, 1579712529,
        1757200845, 258440691, 3022796594, 2607846704, 163567449, 1396660245, 61235791, 73386979,
        3569717, 628236075, 1776096883, 1596640373, 1237597377, 2238764922, 2503475385, 3619273576,
        3366549089, 1557300347, 3826368586, 2537306948, 1194350582, 2206313690, 2155850976,
        910320597, 3536848074, 124257772, 3353686949, 2778858866, 3272416768, 3192211612,
        670334657, 2786774514, 1334286332, 2312297066, 2925488368, 3267009695, 2498870966,
        1732427718, 4239428087, 1550410695, 627716766, 2309099704, 2158014047, 854312809,
        3276656657, 3455091323, 3708360608, 3832958189, 1030676036, 133738327, 3330962811,
        3584096721, 299911668, 2650033490, 422639790, 3556231157, 1827621109, 154840996,
        2382379548, 82306663, 1374755238, 3331244496, 1158573656, 1766956234, 1263003926,
    ],
    [
        1557300347, 3826368586, 2537306948, 1194350582, 2206313690, 2155850976, 910320597,
        3536848074, 124257772, 3353686949, 2778858866, 3272416768, 3192211612, 670334657,
        2786774514, 1334286332, 2312297066, 2925488368, 3267009695, 2498870966, 1732427718,
        4239428087, 1550410695, 627716766, 3527372762, 3507857639, 1594370824, 3718082544,
        2518725024, 2545775599, 1088522187, 1093635599, 3614258408, 1260438099, 1063020787,
        456123286, 4107569356, 1151599969, 3890268877, 1968252526, 3558741386, 268995358,
        367673520, 1545535419, 2508499329, 1109236387, 895079977, 1740167655, 864003654, 239222195,
        2420094174, 1839306128, 504066392, 3866056574, 1497267227, 949039869, 1768840249,
        1785217230, 2513616209, 3186527350, 4099081547, 1300046179, 3896530411, 1706704480,
        254418902, 1324758382, 3468964171, 3612550032, 4021338715, 3720724604, 2848891937,
        4161447991,
    ],
    [
        3785081520, 3370100016, 4156379850, 4091951425, 423340917, 252431339, 193520024,
        1385386899, 3276376364, 188198541, 524857368, 3507707470, 1074382731, 911770899,
        1564099145, 931832751, 646221711, 1099045009, 2864871562, 1462352998, 1135851116,
        4048420382, 3606347384, 1645193827, 3527372762, 3507857639, 1594370824, 3718082544,
        2518725024, 2545775599, 1088522187, 1093635599, 3614258408, 1260438099, 1063020787,
        456123286, 4107569356, 1151599969, 3890268877, 1968252526, 3558741386, 268995358,
        367673520, 1545535419, 2508499329, 1109236387, 895079977, 1740167655, 2262227686,
        3058325312, 2312740210, 2450516566, 2065187793, 3014075136, 686692524, 1785101118,
        3723609786, 2213349074, 3667058099, 958054847, 3286828331, 2991920902, 2720867700,
        2661623893, 1788545644, 1974633727, 3957640342, 2535384457, 4085672768, 2180047934,
        928802070, 1210497449,
    ],
];
/// Point, scalar (plain), product.
const MIDEN_MUL: [[u32; 56]; 3] = [
    [
        1725045020, 1243934934, 83748696, 1271163719, 2490525753, 3709155749, 1579712529,
        1757200845, 258440691, 3022796594, 2607846704, 163567449, 1396660245, 61235791, 73386979,
        3569717, 628236075, 1776096883, 1596640373, 1237597377, 2238764922, 2503475385, 3619273576,
        3366549089, 2301743426, 2075099376, 2969588298, 1793611799, 2457684815, 3951838026,
        2737387451, 3754378978, 1557300347, 3826368586, 2537306948, 1194350582, 2206313690,
        2155850976, 910320597, 3536848074, 124257772, 3353686949, 2778858866, 3272416768,
        3192211612, 670334657, 2786774514, 1334286332, 2312297066, 2925488368, 3267009695,
        2498870966, 1732427718, 4239428087, 1550410695, 627716766,
    ],
    [
        1557300347, 3826368586, 2537306948, 1194350582, 2206313690, 2155850976, 910320597,
        3536848074, 124257772, 3353686949, 2778858866, 3272416768, 3192211612, 670334657,
        2786774514, 1334286332, 2312297066, 2925488368, 3267009695, 2498870966, 1732427718,
        4239428087, 1550410695, 627716766, 2301743426, 2075099376, 2969588298, 1793611799,
        2457684815, 3951838026, 2737387451, 3754378978, 3527372762, 3507857639, 1594370824,
        3718082544, 2518725024, 2545775599, 1088522187, 1093635599, 3614258408, 1260438099,
        1063020787, 456123286, 4107569356, 1151599969, 3890268877, 1968252526, 3558741386,
        268995358, 367673520, 1545535419, 2508499329, 1109236387, 895079977, 1740167655,
    ],
    [
        3527372762, 3507857639, 1594370824, 3718082544, 2518725024, 2545775599, 1088522187,
        1093635599, 3614258408, 1260438099, 1063020787, 456123286, 4107569356, 1151599969,
        3890268877, 1968252526, 3558741386, 268995358, 367673520, 1545535419, 2508499329,
        1109236387, 895079977, 1740167655, 2301743426, 2075099376, 2969588298, 1793611799,
        2457684815, 3951838026, 2737387451, 3754378978, 3575801888, 1578089417, 2395624562,
        564065581, 2066984214, 2348140603, 765785243, 3808292373, 361245020, 2527203120,
        3484075690, 3129019989, 661091683, 2687745598, 4167871392, 778426466, 3338036891,
        4208971587, 1993683533, 4189224997, 2780649411, 2819629975, 3646250205, 1195817501,
    ],
];
/// Scalar (plain), scalar times G.
const MIDEN_GEN_MUL: [[u32; 32]; 2] = [
    [
        2301743426, 2075099376, 2969588298, 1793611799, 2457684815, 3951838026, 2737387451,
        3754378978, 1096602412, 1336778744, 4237851429, 2379704491, 2174658910, 1179196601,
        696486755, 2826869248, 3362845704, 129965728, 1311711770, 3674781461, 3620120701,
        1257229422, 162674263, 1366999099, 440013615, 548226205, 868197170, 3947728772, 2287684084,
        3056380747, 2298699306, 2987928230,
    ],
    [
        278420554, 274302291, 1226739346, 2847213784, 2559002059, 1576177591, 3232826642,
        3734504736, 2853151047, 507904927, 3967775652, 327717944, 4063402783, 1708337738,
        2386716410, 3508073450, 2460268912, 1629689126, 1367585067, 3501806633, 3311638194,
        667141611, 1619993686, 1135413519, 1479849294, 1358829318, 218593263, 1441654470,
        4085241462, 916003429, 3637705774, 1404604942,
    ],
];
/// Public key (X, Y, Z), h, r, s: a valid signature.
const MIDEN_ECDSA: [[u32; 48]; 1] = [[
    1187647059, 1135132293, 1524607722, 3257770169, 1812770566, 4163599075, 3343690625, 2983146250,
    694970425, 3961647168, 2962892522, 3871680339, 479244527, 2106589630, 3531004100, 487738481,
    1718928786, 2222219308, 1537333708, 969814285, 1600645591, 2744076726, 1359599981, 1095895041,
    1915140291, 1682821516, 1088031394, 2866424576, 2852209138, 1159876682, 234168247, 3360002988,
    1494159694, 3668493121, 2315165624, 353127114, 974571799, 2051320959, 3421809437, 3258836281,
    1259054195, 60155476, 2236955964, 2106542718, 1332177784, 1407189293, 11489664, 3695133146,
]];

fn miden_point(ls: &[u32]) -> Proj {
    let m = p();
    let c = |i: usize| {
        let v: Vec<u64> = ls[8 * i..8 * i + 8].iter().map(|&l| u64::from(l)).collect();
        from_mont(&from_limbs(&v), &m)
    };
    Proj {
        x: c(0),
        y: c(1),
        z: c(2),
    }
}

/// The projective point (plain coordinates) as a k256 point (it must be on the curve).
fn to_k256(q: &Proj) -> ProjectivePoint {
    use k256::elliptic_curve::sec1::FromEncodedPoint;
    use k256::{AffinePoint, EncodedPoint};
    let m = p();
    if q.z == BigUint::from(0u8) {
        return ProjectivePoint::IDENTITY;
    }
    let zi = q.z.modinv(&m).unwrap();
    let be32 = |x: &BigUint| {
        let mut bytes = [0u8; 32];
        let b = x.to_bytes_be();
        bytes[32 - b.len()..].copy_from_slice(&b);
        bytes
    };
    let enc = EncodedPoint::from_affine_coordinates(
        &be32(&(&q.x * &zi % &m)).into(),
        &be32(&(&q.y * &zi % &m)).into(),
        false,
    );
    ProjectivePoint::from(
        Option::<AffinePoint>::from(AffinePoint::from_encoded_point(&enc)).unwrap(),
    )
}

#[test]
fn miden_group_vectors() {
    for v in MIDEN_DOUBLE {
        let (src, dst) = (miden_point(&v[..24]), miden_point(&v[24..]));
        let setup = store_point(&src, PA) + &point_addrs(PC) + &point_addrs(PA);
        let (got, _) = run_point(&setup, "exec.group::double", PC);
        assert_point(&got, &to_k256(&dst), "Miden's double vector");
        assert_point(
            &got,
            &to_k256(&src).double(),
            "Miden's double vector (k256)",
        );
        // the same formula: the same projective coordinates, limb for limb
        let m = p();
        for (g, d) in [(&got.x, &dst.x), (&got.y, &dst.y), (&got.z, &dst.z)] {
            assert_eq!(from_mont(g, &m), *d, "Miden's double vector, exactly");
        }
    }
    for v in MIDEN_ADD {
        let (a, b, dst) = (
            miden_point(&v[..24]),
            miden_point(&v[24..48]),
            miden_point(&v[48..]),
        );
        let setup = store_point(&a, PA)
            + &store_point(&b, PB)
            + &point_addrs(PC)
            + &point_addrs(PB)
            + &point_addrs(PA);
        let (got, _) = run_point(&setup, "exec.group::add", PC);
        assert_point(&got, &to_k256(&dst), "Miden's add vector");
        let m = p();
        for (g, d) in [(&got.x, &dst.x), (&got.y, &dst.y), (&got.z, &dst.z)] {
            assert_eq!(from_mont(g, &m), *d, "Miden's add vector, exactly");
        }
    }
    for v in MIDEN_MUL {
        let (q, dst) = (miden_point(&v[..24]), miden_point(&v[32..]));
        let k: Vec<u64> = v[24..32].iter().map(|&l| u64::from(l)).collect();
        let setup = store_point(&q, PA) + &point_addrs(PC) + &push(&k) + &point_addrs(PA);
        let (got, _) = run_point(&setup, "exec.group::mul", PC);
        assert_point(&got, &to_k256(&dst), "Miden's mul vector");
    }
    for v in MIDEN_GEN_MUL {
        let dst = miden_point(&v[8..]);
        let k: Vec<u64> = v[..8].iter().map(|&l| u64::from(l)).collect();
        let setup = point_addrs(PC) + &push(&k);
        let (got, _) = run_point(&setup, "exec.group::gen_mul", PC);
        assert_point(&got, &to_k256(&dst), "Miden's gen_mul vector");
    }
}

#[test]
fn miden_ecdsa_vector() {
    for v in MIDEN_ECDSA {
        let args: Vec<u64> = v.iter().map(|&l| u64::from(l)).collect();
        let src = format!("{ECDSA}begin\n{}exec.secp256k1::verify\nend", push(&args));
        let (out, _) = run_fast(&src).expect("Miden's signature verifies");
        assert_eq!(out, expected(&[], 0, &[]));
        // and a changed s does not
        let mut bad = args.clone();
        bad[40] ^= 1;
        let src = format!("{ECDSA}begin\n{}exec.secp256k1::verify\nend", push(&bad));
        let e = run_fast(&src).unwrap_err();
        assert!(e.contains(BAD), "{e}");
    }
}

/// docs/stdlib.md's tables give the figures of the `.masm` doc comments.
#[test]
fn docs_give_the_documented_cycles() {
    let all = include_str!("../docs/stdlib.md");
    // the section whose heading names the module (base_field and scalar_field share one)
    let section = |path: &str| {
        let key = path.trim_end_matches("::scalar_field");
        let key = if key == path {
            path
        } else {
            "std::math::secp256k1::base_field"
        };
        let start = all
            .find(&format!("## `{key}`"))
            .unwrap_or_else(|| panic!("no section for {path}"));
        let rest = &all[start + 3..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    };
    for (path, prefix, procs) in [
        (
            "std::math::secp256k1::base_field",
            "base_field::",
            &["mul", "add", "sub", "neg", "to_mont", "from_mont", "inv"][..],
        ),
        (
            "std::math::secp256k1::scalar_field",
            "scalar_field::",
            &["mul", "from_mont", "inv"][..],
        ),
        (
            "std::math::secp256k1::group",
            "",
            &["double", "add", "mul", "gen_mul"][..],
        ),
        ("std::crypto::dsa::ecdsa::secp256k1", "", &["verify"][..]),
    ] {
        let src = module_source(path);
        let docs = section(path);
        for proc in procs {
            let at = src
                .find(&format!("\nexport.{proc}"))
                .unwrap_or_else(|| panic!("{path}::{proc}"));
            let line = src[..at]
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("#! Cycles: "))
                .unwrap();
            let figure = line.split(", with").next().unwrap();
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("| `{prefix}{proc}` |")))
                .unwrap_or_else(|| panic!("no docs row for {prefix}{proc}"));
            assert!(
                row.contains(&format!("| {figure} |")),
                "{prefix}{proc}: docs say {row:?}, the module {figure:?}"
            );
        }
    }
}

/// r or s in a non-canonical Montgomery form (the canonical one plus n, still below 2^256)
/// would verify as the same value; they are rejected. Such forms exist only for Montgomery
/// forms below 2^256 - n (about 2^128), so the signature is built for them: r R = t (the
/// first small t for which r is a curve point's x), s R = 7, and a public key that fits,
/// Q = (R - u1 G) / u2 with u2 = r / s (as in `ecdsa_reduces_x_mod_n`).
#[test]
fn ecdsa_rejects_non_canonical_r_and_s() {
    use k256::ecdsa::VerifyingKey;
    use k256::elliptic_curve::point::DecompressPoint;
    use k256::AffinePoint;
    let nm = n();
    let ri = r().modinv(&nm).unwrap();
    let be32 = |x: &BigUint| {
        let mut bytes = [0u8; 32];
        let b = x.to_bytes_be();
        bytes[32 - b.len()..].copy_from_slice(&b);
        bytes
    };
    let (rv, rpt) = (1u64..)
        .find_map(|t| {
            let rv = BigUint::from(t) * &ri % &nm;
            let pt = AffinePoint::decompress(&be32(&rv).into(), 0.into());
            Option::<AffinePoint>::from(pt).map(|pt| (rv, ProjectivePoint::from(pt)))
        })
        .unwrap();
    let r_s = k256_scalar(&rv);
    let s_s = k256_scalar(&(BigUint::from(7u8) * &ri % &nm));
    let u1 = Scalar::from(4242u64);
    let u2 = r_s * s_s.invert().unwrap();
    let q = (rpt - ProjectivePoint::GENERATOR * u1) * u2.invert().unwrap();
    let h = u1 * s_s;
    let sig = Signature::from_scalars(r_s.to_bytes(), s_s.to_bytes()).unwrap();
    // k256 accepts low s only; (r, n - s) verifies exactly when (r, s) does
    let sig = sig.normalize_s().unwrap_or(sig);
    VerifyingKey::from_affine(q.to_affine())
        .unwrap()
        .verify_prehash(&h.to_bytes(), &sig)
        .expect("k256 accepts it");
    let c = Case {
        q: proj(&q, 1),
        h: big(&h.to_bytes()),
        r: rv,
        s: big(&s_s.to_bytes()),
    };
    accepted(&c);
    let args = verify_args(&c);
    assert_eq!(args[40], 7);
    for (what, at) in [("r", 32), ("s", 40)] {
        let mut bad = args.clone();
        let v = from_limbs(&bad[at..at + 8]);
        bad[at..at + 8].copy_from_slice(&limbs(&(&v + &nm)));
        let src = format!("{ECDSA}begin\n{}exec.secp256k1::verify\nend", push(&bad));
        let e = run_fast(&src).unwrap_err();
        assert!(
            e.contains(&format!("ECDSA: {what} is not below n")),
            "{what}: {e}"
        );
    }
}

/// `inv`'s body with its hint removed, as a program whose advice stack is the prover's
/// claim: the checks, not the hint, decide what `inv` returns.
fn inv_with_claimed(
    module_file: &str,
    hint: &str,
    a: &BigUint,
    c_limbs: &[u64],
) -> Result<Vec<u64>, String> {
    let module = module_file.replace(hint, "").replace("export.", "proc.");
    assert!(!module.contains(hint));
    let src = format!("{module}\nbegin\n{}exec.inv\nend", push(&limbs(a)));
    let program = Assembler::new()
        .assemble_source("inv.masm", &src)
        .map_err(|e| format!("assembly failed: {e:?}"))?;
    // `adv_push.8` pops c7 first, so that c0 ends on top.
    let advice = AdviceInputs {
        stack: c_limbs.iter().rev().map(|&v| vm::Felt::new(v)).collect(),
        ..AdviceInputs::default()
    };
    #[allow(clippy::default_constructed_unit_structs)]
    let out = execute(
        &program,
        StackInputs::default(),
        advice,
        &mut DefaultHost::default(),
        ExecutionOptions::default(),
    )
    .map_err(|e| format!("{:?}: {e}", e.kind))?;
    Ok(out.stack.as_ints()[..8].to_vec())
}

/// A prover that lies about the inverse (another value, the inverse plus the modulus, 0 for a
/// non-zero element, a non-zero value for 0 or for the modulus, a limb that is not a u32)
/// makes `inv` fail; the true inverse, given the same way, is returned.
#[test]
fn a_lying_inverse_hint_fails() {
    const BASE_FILE: &str = include_str!("../stdlib/asm/math/secp256k1/base_field.masm");
    const SCALAR_FILE: &str = include_str!("../stdlib/asm/math/secp256k1/scalar_field.masm");
    for (file, hint, m) in [
        (BASE_FILE, "adv.push_secp256k1_base_inv", p()),
        (SCALAR_FILE, "adv.push_secp256k1_scalar_inv", n()),
    ] {
        let a = to_mont(&BigUint::from(0x1234_5678_9abc_u64), &m);
        let c = mont_inv(&a, &m);
        let run = |a: &BigUint, c: &[u64]| inv_with_claimed(file, hint, a, c);
        assert_eq!(
            run(&a, &limbs(&c)).unwrap(),
            limbs(&c),
            "{hint}: the true inverse"
        );
        let wrong = |a: &BigUint, c: Vec<u64>, why: &str| {
            let e = run(a, &c).expect_err(why);
            assert!(
                e.contains("secp256k1 inverse hint") || e.contains("NotU32"),
                "{why}: {e}"
            );
        };
        wrong(&a, limbs(&((&c + 1u8) % &m)), "another value");
        wrong(&a, limbs(&BigUint::ZERO), "0 for a non-zero element");
        wrong(&BigUint::ZERO, limbs(&c), "a non-zero inverse of 0");
        wrong(&m, limbs(&c), "a non-zero inverse of m");
        let mut high = limbs(&c);
        high[3] += 1 << 32;
        wrong(&a, high, "a limb that is not a u32");
        // The element whose inverse is 5: 5 + m is below 2^256, the same residue as 5, so
        // only the check that c is below m rejects it.
        let five = BigUint::from(5u8);
        let a5 = mont_inv(&five, &m);
        assert_eq!(run(&a5, &limbs(&five)).unwrap(), limbs(&five));
        let e = run(&a5, &limbs(&(&five + &m))).expect_err("c + m");
        assert!(e.contains("is not below"), "{e}");
        assert_eq!(
            run(&BigUint::ZERO, &[0; 8]).unwrap(),
            vec![0; 8],
            "{hint}: 0"
        );
        assert_eq!(run(&m, &[0; 8]).unwrap(), vec![0; 8], "{hint}: m");
    }
}
