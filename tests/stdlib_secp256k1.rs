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
