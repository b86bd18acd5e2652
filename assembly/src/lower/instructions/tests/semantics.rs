//! Semantics: each expansion runs on the processor (`interp`) and must leave Miden's
//! documented stack result (and leave the rest of the stack alone), or fail where Miden
//! fails, and, for u32 instructions, wherever an input is not a u32.

use vm_core::{hash, Felt, FieldElement, Opcode, Word, MODULUS};

use super::interp::{ext2_mul, Machine};
use super::{cycles, lower, Emitted};
use vm_processor::ErrorKind;

const P: u64 = MODULUS;
const U32: u64 = 1 << 32;
/// Two sentinels under the inputs, to check that expansions leave deeper elements alone.
const SENTINELS: [u64; 2] = [0xaaaa, 0xbbbb];

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn felt(&mut self) -> u64 {
        self.next() % P
    }
    fn u32(&mut self) -> u64 {
        self.next() & 0xffff_ffff
    }
}

/// Interesting field elements.
fn felt_edges() -> Vec<u64> {
    vec![
        0,
        1,
        2,
        3,
        7,
        (1 << 31) - 1,
        1 << 31,
        U32 - 2,
        U32 - 1,
        U32,
        U32 + 1,
        1 << 63,
        P - U32,
        P - U32 - 1,
        P - 2,
        P - 1,
    ]
}

/// Interesting u32 values.
fn u32_edges() -> Vec<u64> {
    vec![
        0,
        1,
        2,
        3,
        5,
        0x55,
        0xff,
        0x100,
        1 << 16,
        0x8000_0000,
        0x7fff_ffff,
        0xdead_beef,
        U32 - 2,
        U32 - 1,
    ]
}

/// Field elements for tests: edges and random values.
fn felts(seed: u64, n: usize) -> Vec<u64> {
    let mut r = Rng(seed);
    let mut v = felt_edges();
    v.extend((0..n).map(|_| r.felt()));
    v.extend((0..n).map(|_| r.u32()));
    v
}

/// u32 values for tests: edges and random values.
fn u32s(seed: u64, n: usize) -> Vec<u64> {
    let mut r = Rng(seed);
    let mut v = u32_edges();
    v.extend((0..n).map(|_| r.u32()));
    v.extend((0..n).map(|_| r.u32() >> (r.next() % 32)));
    v
}

/// Runs `src` with `inputs` on top (first = top) above the sentinels.
fn run(src: &str, inputs: &[u64]) -> Result<Machine, ErrorKind> {
    let mut all = inputs.to_vec();
    all.extend(SENTINELS);
    let mut m = Machine::with_stack(&all);
    m.run(&lower(src)).map(|_| m)
}

/// Asserts that `src` consumes `consumed` of `inputs` and leaves `expect` on top of the rest.
fn check(src: &str, inputs: &[u64], consumed: usize, expect: &[u64]) {
    let m = run(src, inputs).unwrap_or_else(|e| panic!("{src} {inputs:?}: {e}"));
    let mut want = expect.to_vec();
    want.extend(&inputs[consumed..]);
    want.extend(SENTINELS);
    let got = m.top(want.len());
    assert_eq!(got, want, "{src} on {inputs:?}");
    assert_eq!(m.stack.len(), 16 + want.len(), "{src} on {inputs:?}: depth");
}

/// Asserts that `src` fails on `inputs`.
fn fails(src: &str, inputs: &[u64]) {
    assert!(run(src, inputs).is_err(), "{src} on {inputs:?} should fail");
}

fn f(x: u64) -> Felt {
    Felt::new(x)
}

// ---- field ----

#[test]
fn field_arithmetic() {
    let v = felts(1, 12);
    for &a in &v {
        check("neg", &[a], 1, &[(-f(a)).as_int()]);
        if a == 0 {
            fails("inv", &[a]);
        } else {
            check("inv", &[a], 1, &[f(a).inv().as_int()]);
        }
        for &b in v.iter().step_by(3) {
            check("add", &[b, a], 2, &[(f(a) + f(b)).as_int()]);
            check("sub", &[b, a], 2, &[(f(a) - f(b)).as_int()]);
            check("mul", &[b, a], 2, &[(f(a) * f(b)).as_int()]);
            check(&format!("add.{b}"), &[a], 1, &[(f(a) + f(b)).as_int()]);
            check(&format!("sub.{b}"), &[a], 1, &[(f(a) - f(b)).as_int()]);
            check(&format!("mul.{b}"), &[a], 1, &[(f(a) * f(b)).as_int()]);
            if b == 0 {
                fails("div", &[b, a]);
            } else {
                check("div", &[b, a], 2, &[(f(a) / f(b)).as_int()]);
                check(&format!("div.{b}"), &[a], 1, &[(f(a) / f(b)).as_int()]);
            }
        }
    }
}

#[test]
fn pow2_exp_and_ilog2() {
    for e in 0..64u64 {
        check("pow2", &[e], 1, &[f(2).exp(e).as_int()]);
    }
    for bad in [64, 65, 1000, U32, P - 1] {
        fails("pow2", &[bad]);
    }
    let mut r = Rng(7);
    for _ in 0..40 {
        let (a, b) = (r.felt(), r.felt());
        check("exp", &[b, a], 2, &[f(a).exp(b).as_int()]);
        let small = b >> (r.next() % 64);
        let bits = 64 - small.leading_zeros() as u64;
        check(
            &format!("exp.u{bits}"),
            &[small, a],
            2,
            &[f(a).exp(small).as_int()],
        );
        if bits > 0 {
            fails(&format!("exp.u{}", bits - 1), &[small, a]);
        }
    }
    check("exp.u0", &[0, 5], 2, &[1]);
    for b in felt_edges() {
        for a in [0, 1, 3, P - 1, 0x1234_5678_9abc] {
            check("exp", &[b, a], 2, &[f(a).exp(b).as_int()]);
            check("exp.u64", &[b, a], 2, &[f(a).exp(b).as_int()]);
        }
    }
    for b in (0..70).chain([
        255,
        256,
        1 << 20,
        (1 << 20) + 5,
        U32 - 1,
        P - 1,
        P - 2,
        12345678901,
        1 << 63,
        (1 << 63) + 1,
        (1 << 63) + U32 + 5,
    ]) {
        for a in [0, 1, 3, P - 1, 0x1234_5678_9abc] {
            check(&format!("exp.{b}"), &[a], 1, &[f(a).exp(b).as_int()]);
        }
    }
    for a in felts(3, 30) {
        if a == 0 {
            fails("ilog2", &[a]);
        } else {
            check("ilog2", &[a], 1, &[63 - a.leading_zeros() as u64]);
        }
    }
}

#[test]
fn exp_imm_picks_the_cheapest_strategy() {
    assert_eq!(cycles(&lower("exp.0")), 2);
    assert_eq!(cycles(&lower("exp.1")), 0);
    assert_eq!(cycles(&lower("exp.2")), 2);
    assert_eq!(cycles(&lower("exp.3")), 4);
    assert_eq!(cycles(&lower("exp.1024")), 20);
    assert_eq!(cycles(&lower("exp.65535")), 9 + 16);
    // 64-bit exponents: U32SPLIT and two 32-step chains (never a 64-step chain).
    assert_eq!(cycles(&lower("exp")), 77);
    assert_eq!(cycles(&lower("exp.u64")), 77);
    assert_eq!(cycles(&lower("exp.u63")), 71);
    assert_eq!(cycles(&lower("exp.u32")), 40);
    // A 64-bit constant: a 63-step chain on b - 2^63, times a^(2^63).
    assert_eq!(cycles(&lower(&format!("exp.{}", 1u64 << 63))), 72);
    assert_eq!(cycles(&lower(&format!("exp.{}", P - 1))), 72);
}

#[test]
fn no_exp_form_emits_a_chain_longer_than_63_steps() {
    let longest = |src: &str| {
        let (mut run, mut max) = (0, 0);
        for e in lower(src) {
            if matches!(e, Emitted::Op { ins, .. } if ins.op == Opcode::Expacc) {
                run += 1;
                max = max.max(run);
            } else if matches!(e, Emitted::Op { .. }) {
                run = 0;
            }
        }
        max
    };
    let mut forms: Vec<String> = vec!["exp".into(), "pow2".into(), "ilog2".into()];
    forms.extend((0..=64).map(|n| format!("exp.u{n}")));
    for k in 0..64 {
        let b = 1u64 << k;
        forms.extend([b, b - 1, b | 1, b | (b >> 1)].map(|b| format!("exp.{b}")));
    }
    forms.extend([P - 1, P - 2, U32, U32 - 1].map(|b| format!("exp.{b}")));
    for src in &forms {
        assert!(
            longest(src) <= 63,
            "{src} emits {} EXPACC in a row",
            longest(src)
        );
    }
    assert_eq!(longest("exp"), 32);
    assert_eq!(longest("exp.u64"), 32);
    assert_eq!(longest("exp.u63"), 63);
}

#[test]
fn boolean_ops() {
    for a in 0..2 {
        check("not", &[a], 1, &[1 - a]);
        for b in 0..2 {
            check("and", &[b, a], 2, &[a & b]);
            check("or", &[b, a], 2, &[a | b]);
            check("xor", &[b, a], 2, &[a ^ b]);
        }
    }
    for (a, b) in [(2, 0), (0, 2), (1, 5), (P - 1, 1)] {
        for op in ["and", "or", "xor"] {
            fails(op, &[b, a]);
        }
    }
    fails("not", &[2]);
}

#[test]
fn comparisons() {
    let v = felts(11, 10);
    for &a in &v {
        check("is_odd", &[a], 1, &[a & 1]);
        for &b in &v {
            check("eq", &[b, a], 2, &[(a == b) as u64]);
            check("neq", &[b, a], 2, &[(a != b) as u64]);
            check("lt", &[b, a], 2, &[(a < b) as u64]);
            check("lte", &[b, a], 2, &[(a <= b) as u64]);
            check("gt", &[b, a], 2, &[(a > b) as u64]);
            check("gte", &[b, a], 2, &[(a >= b) as u64]);
        }
        for &b in v.iter().step_by(2) {
            check(&format!("eq.{b}"), &[a], 1, &[(a == b) as u64]);
            check(&format!("neq.{b}"), &[a], 1, &[(a != b) as u64]);
            check(&format!("lt.{b}"), &[a], 1, &[(a < b) as u64]);
            check(&format!("lte.{b}"), &[a], 1, &[(a <= b) as u64]);
            check(&format!("gt.{b}"), &[a], 1, &[(a > b) as u64]);
            check(&format!("gte.{b}"), &[a], 1, &[(a >= b) as u64]);
        }
    }
}

#[test]
fn word_equality_and_assertions() {
    let a = [1, 2, 3, 4];
    let mut b = a;
    check("eqw", &[1, 2, 3, 4, 1, 2, 3, 4], 0, &[1]);
    for k in 0..4 {
        b[k] += 10;
        let mut input = a.to_vec();
        input.extend(b);
        check("eqw", &input, 0, &[0]);
        fails("assert_eqw", &input);
        b[k] -= 10;
    }
    check("assert_eqw", &[1, 2, 3, 4, 1, 2, 3, 4], 8, &[]);
    check("assert", &[1], 1, &[]);
    fails("assert", &[0]);
    fails("assert", &[2]);
    check("assertz", &[0], 1, &[]);
    fails("assertz", &[1]);
    check("assert_eq", &[5, 5], 2, &[]);
    fails("assert_eq", &[5, 6]);
}

#[test]
fn extension_field() {
    let mut r = Rng(5);
    for _ in 0..30 {
        let (a0, a1, b0, b1) = (f(r.felt()), f(r.felt()), f(r.felt()), f(r.felt()));
        let input = [b1, b0, a1, a0].map(|x| x.as_int());
        check(
            "ext2add",
            &input,
            4,
            &[(a1 + b1).as_int(), (a0 + b0).as_int()],
        );
        check(
            "ext2sub",
            &input,
            4,
            &[(a1 - b1).as_int(), (a0 - b0).as_int()],
        );
        let (c0, c1) = ext2_mul((a0, a1), (b0, b1));
        check("ext2mul", &input, 4, &[c1.as_int(), c0.as_int()]);
        check("ext2neg", &input[2..], 2, &[(-a1).as_int(), (-a0).as_int()]);
        let m = run("ext2inv", &input[2..]).unwrap();
        let (i1, i0) = (m.s(0), m.s(1));
        assert_eq!(ext2_mul((a0, a1), (i0, i1)), (Felt::ONE, Felt::ZERO));
        let m = run("ext2div", &input).unwrap();
        let (q1, q0) = (m.s(0), m.s(1));
        assert_eq!(ext2_mul((q0, q1), (b0, b1)), (a0, a1));
        assert_eq!(m.s(2).as_int(), SENTINELS[0]);
    }
    fails("ext2inv", &[0, 0]);
    fails("ext2div", &[0, 0, 1, 2]);
}

// ---- u32 ----

/// Checks a binary u32 instruction (and its immediate form) against `reference(a, b)`, and
/// that non-u32 inputs trap.
fn binary_u32(
    name: &str,
    reference: impl Fn(u64, u64) -> Option<Vec<u64>>,
    imm_ok: impl Fn(u64) -> bool,
) {
    let v = u32s(17, 8);
    for &a in &v {
        for &b in v.iter().step_by(2) {
            match reference(a, b) {
                Some(expect) => {
                    check(name, &[b, a], 2, &expect);
                    if imm_ok(b) {
                        check(&format!("{name}.{b}"), &[a], 1, &expect);
                    }
                }
                None => fails(name, &[b, a]),
            }
        }
    }
    for bad in [U32, P - 1] {
        fails(name, &[1, bad]);
        fails(name, &[bad, 1]);
        if imm_ok(1) {
            fails(&format!("{name}.1"), &[bad]);
        }
    }
}

#[test]
fn u32_arithmetic() {
    let m = 0xffff_ffffu64;
    let any = |_| true;
    binary_u32(
        "u32overflowing_add",
        |a, b| Some(vec![(a + b) >> 32, (a + b) & m]),
        any,
    );
    binary_u32("u32wrapping_add", |a, b| Some(vec![(a + b) & m]), any);
    binary_u32(
        "u32overflowing_sub",
        |a, b| Some(vec![(a < b) as u64, a.wrapping_sub(b) & m]),
        any,
    );
    binary_u32(
        "u32wrapping_sub",
        |a, b| Some(vec![a.wrapping_sub(b) & m]),
        any,
    );
    binary_u32(
        "u32overflowing_mul",
        |a, b| Some(vec![(a * b) >> 32, (a * b) & m]),
        any,
    );
    binary_u32("u32wrapping_mul", |a, b| Some(vec![(a * b) & m]), any);
    let nonzero = |b| b != 0;
    binary_u32("u32div", |a, b| (b != 0).then(|| vec![a / b]), nonzero);
    binary_u32("u32mod", |a, b| (b != 0).then(|| vec![a % b]), nonzero);
    binary_u32(
        "u32divmod",
        |a, b| (b != 0).then(|| vec![a % b, a / b]),
        nonzero,
    );
    binary_u32("u32and", |a, b| Some(vec![a & b]), any);
    binary_u32("u32or", |a, b| Some(vec![a | b]), any);
    binary_u32("u32xor", |a, b| Some(vec![a ^ b]), any);
    binary_u32("u32lt", |a, b| Some(vec![(a < b) as u64]), any);
    binary_u32("u32lte", |a, b| Some(vec![(a <= b) as u64]), any);
    binary_u32("u32gt", |a, b| Some(vec![(a > b) as u64]), any);
    binary_u32("u32gte", |a, b| Some(vec![(a >= b) as u64]), any);
    binary_u32("u32min", |a, b| Some(vec![a.min(b)]), any);
    binary_u32("u32max", |a, b| Some(vec![a.max(b)]), any);
}

#[test]
fn u32_three_operand_ops() {
    let v = u32s(23, 4);
    let m = 0xffff_ffffu64;
    for &a in &v {
        for &b in v.iter().step_by(3) {
            for &c in v.iter().step_by(5) {
                let s = a + b + c;
                check("u32overflowing_add3", &[c, b, a], 3, &[s >> 32, s & m]);
                check("u32wrapping_add3", &[c, b, a], 3, &[s & m]);
                let r = a * b + c;
                check("u32overflowing_madd", &[b, a, c], 3, &[r >> 32, r & m]);
                check("u32wrapping_madd", &[b, a, c], 3, &[r & m]);
            }
        }
    }
    for name in [
        "u32overflowing_add3",
        "u32wrapping_add3",
        "u32overflowing_madd",
        "u32wrapping_madd",
    ] {
        for k in 0..3 {
            let mut input = vec![1, 2, 3];
            input[k] = U32;
            fails(name, &input);
        }
    }
}

#[test]
fn u32_shifts_and_rotations() {
    let m = 0xffff_ffffu64;
    for a in u32s(29, 6) {
        for b in 0..32u64 {
            let x = a as u32;
            let expect = [
                ("u32shl", (a << b) & m),
                ("u32shr", a >> b),
                ("u32rotl", x.rotate_left(b as u32) as u64),
                ("u32rotr", x.rotate_right(b as u32) as u64),
            ];
            for (name, e) in expect {
                check(name, &[b, a], 2, &[e]);
                check(&format!("{name}.{b}"), &[a], 1, &[e]);
            }
        }
        check("u32rotr", &[32, a], 2, &[a]);
    }
    for name in ["u32shl", "u32shr", "u32rotl", "u32rotr"] {
        fails(name, &[1, U32]);
        fails(name, &[33, 1]);
        fails(name, &[U32, 1]);
        fails(&format!("{name}.3"), &[U32]);
    }
    for name in ["u32shl", "u32shr", "u32rotl"] {
        fails(name, &[32, 1]);
    }
}

#[test]
fn u32_bit_counts_and_not() {
    for a in u32s(31, 60) {
        let x = a as u32;
        check("u32popcnt", &[a], 1, &[x.count_ones() as u64]);
        check("u32clz", &[a], 1, &[x.leading_zeros() as u64]);
        check("u32ctz", &[a], 1, &[x.trailing_zeros() as u64]);
        check("u32clo", &[a], 1, &[x.leading_ones() as u64]);
        check("u32cto", &[a], 1, &[x.trailing_ones() as u64]);
        check("u32not", &[a], 1, &[!x as u64]);
        check(&format!("u32not.{a}"), &[], 0, &[!x as u64]);
    }
    for name in [
        "u32popcnt",
        "u32clz",
        "u32ctz",
        "u32clo",
        "u32cto",
        "u32not",
        "u32assert",
    ] {
        for bad in [U32, U32 + 5, P - 1] {
            fails(name, &[bad]);
        }
    }
}

#[test]
fn u32_clz_rejects_wrong_hints() {
    // A lying advice provider: patch the hint value and check the verification fails.
    use vm_core::Decorator;
    let code = lower("u32clz");
    for a in [0u64, 1, 5, 0x8000_0000, 0xffff_ffff, 0x1234] {
        let right = (a as u32).leading_zeros() as u64;
        for claim in [right + 1, right.wrapping_sub(1), 40, 63, P - 1, P - 31] {
            if claim == right || claim >= P {
                continue;
            }
            let mut m = Machine::with_stack(&[a]);
            m.advice.push(Felt::new(claim));
            let without_hint: Vec<_> = code
                .iter()
                .filter(|e| !matches!(e, super::Emitted::Decorator(Decorator::AdvPushU32Clz)))
                .cloned()
                .collect();
            assert!(
                m.run(&without_hint).is_err(),
                "clz({a}) accepted claim {claim}"
            );
        }
    }
}

#[test]
fn ilog2_rejects_wrong_hints() {
    use vm_core::Decorator;
    let code: Vec<_> = lower("ilog2")
        .into_iter()
        .filter(|e| !matches!(e, super::Emitted::Decorator(Decorator::AdvPushIlog2)))
        .collect();
    for a in [1u64, 2, 3, 1 << 40, P - 1, U32 - 1, U32] {
        let right = 63 - a.leading_zeros() as u64;
        for claim in [right + 1, right.wrapping_sub(1), 64, P - 1] {
            if claim >= P {
                continue;
            }
            let mut m = Machine::with_stack(&[a]);
            m.advice.push(Felt::new(claim));
            assert!(m.run(&code).is_err(), "ilog2({a}) accepted claim {claim}");
        }
    }
}

#[test]
fn u32_tests_asserts_and_conversions() {
    for a in felts(37, 10) {
        let is = (a < U32) as u64;
        check("u32test", &[a], 0, &[is]);
        check("u32cast", &[a], 1, &[a & 0xffff_ffff]);
        check("u32split", &[a], 1, &[a >> 32, a & 0xffff_ffff]);
        if a < U32 {
            check("u32assert", &[a], 0, &[]);
        } else {
            fails("u32assert", &[a]);
        }
    }
    let w = [1, 2, 3, U32 - 1];
    check("u32testw", &w, 0, &[1]);
    check("u32assertw", &w, 0, &[]);
    check("u32assert2", &w, 0, &[]);
    for k in 0..4 {
        let mut bad = w;
        bad[k] = U32 + k as u64;
        check("u32testw", &bad, 0, &[0]);
        fails("u32assertw", &bad);
        if k < 2 {
            fails("u32assert2", &bad);
        }
    }
}

// ---- stack ----

#[test]
fn stack_manipulation() {
    let input: Vec<u64> = (100..120).collect();
    let with = |f: &dyn Fn(&mut Vec<u64>)| {
        let mut v = input.clone();
        f(&mut v);
        v
    };
    let full = |src: &str, expect: Vec<u64>| check(src, &input, input.len(), &expect);
    full(
        "drop",
        with(&|v| {
            v.remove(0);
        }),
    );
    full(
        "dropw",
        with(&|v| {
            v.drain(0..4);
        }),
    );
    full("padw", with(&|v| v.splice(0..0, [0; 4]).for_each(drop)));
    for n in 0..16 {
        full(&format!("dup.{n}"), with(&|v| v.insert(0, v[n])));
    }
    full("dup", with(&|v| v.insert(0, v[0])));
    for n in 0..4 {
        full(
            &format!("dupw.{n}"),
            with(&|v| {
                let w: Vec<u64> = v[4 * n..4 * n + 4].to_vec();
                v.splice(0..0, w).for_each(drop);
            }),
        );
    }
    for n in 1..16 {
        full(&format!("swap.{n}"), with(&|v| v.swap(0, n)));
    }
    full("swap", with(&|v| v.swap(0, 1)));
    for n in 1..4 {
        full(
            &format!("swapw.{n}"),
            with(&|v| {
                for k in 0..4 {
                    v.swap(k, 4 * n + k);
                }
            }),
        );
    }
    full(
        "swapdw",
        with(&|v| {
            for k in 0..8 {
                v.swap(k, 8 + k);
            }
        }),
    );
    for n in 2..16 {
        full(
            &format!("movup.{n}"),
            with(&|v| {
                let x = v.remove(n);
                v.insert(0, x);
            }),
        );
        full(
            &format!("movdn.{n}"),
            with(&|v| {
                let x = v.remove(0);
                v.insert(n, x);
            }),
        );
    }
    for n in 2..4 {
        full(
            &format!("movupw.{n}"),
            with(&|v| {
                let w: Vec<u64> = v.drain(4 * n..4 * n + 4).collect();
                v.splice(0..0, w).for_each(drop);
            }),
        );
        full(
            &format!("movdnw.{n}"),
            with(&|v| {
                let w: Vec<u64> = v.drain(0..4).collect();
                v.splice(4 * n..4 * n, w).for_each(drop);
            }),
        );
    }
    check("cswap", &[0, 1, 2], 3, &[1, 2]);
    check("cswap", &[1, 1, 2], 3, &[2, 1]);
    check("cdrop", &[0, 1, 2], 3, &[2]);
    check("cdrop", &[1, 1, 2], 3, &[1]);
    let ws = [1, 2, 3, 4, 5, 6, 7, 8];
    let mut cw = vec![0];
    cw.extend(ws);
    check("cswapw", &cw, 9, &ws);
    check("cdropw", &cw, 9, &ws[4..]);
    cw[0] = 1;
    check("cswapw", &cw, 9, &[5, 6, 7, 8, 1, 2, 3, 4]);
    check("cdropw", &cw, 9, &ws[..4]);
    for name in ["cswap", "cswapw", "cdrop", "cdropw"] {
        fails(name, &[2, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
}

// ---- io ----

#[test]
fn push_orders() {
    check("push.1.2.3", &[], 0, &[3, 2, 1]);
    check(&format!("push.{}", P - 1), &[], 0, &[P - 1]);
    check("push.0", &[], 0, &[0]);
    // A word literal pushes its elements in order: the last one ends on top.
    let mut out = Vec::new();
    let args = [
        super::Imm::Word([0x1234, 0x5678, 0x9012, 0xabcd]),
        super::Imm::Int(7),
    ];
    super::lower_instruction("push", &args, None, &super::CTX, &mut out).unwrap();
    let mut m = Machine::with_stack(&[]);
    m.run(&out).unwrap();
    assert_eq!(m.top(5), vec![7, 0xabcd, 0x9012, 0x5678, 0x1234]);
}

#[test]
fn memory_and_locals() {
    let mut m = Machine::with_stack(&[]);
    // Store a word at 8 and an element at 3 through immediates, read them back.
    let prog = [
        "push.1.2.3.4",
        "mem_storew.8",
        "dropw",
        "push.9",
        "mem_store.3",
        "padw",
        "mem_loadw.8",
        "mem_load.3",
    ];
    for src in prog {
        m.run(&lower(src)).unwrap();
    }
    assert_eq!(m.top(5), vec![9, 4, 3, 2, 1]);
    assert_eq!(
        m.mem.get(&11).map(|v| v.as_int()),
        Some(4),
        "s0 of the word goes to the highest address"
    );
    // The same with addresses on the stack.
    let mut m = Machine::with_stack(&[]);
    for src in [
        "push.5.6.7.8",
        "push.12",
        "mem_storew",
        "dropw",
        "push.42",
        "push.2",
        "mem_store",
        "padw",
        "push.12",
        "mem_loadw",
        "push.2",
        "mem_load",
    ] {
        m.run(&lower(src)).unwrap();
    }
    assert_eq!(m.top(5), vec![42, 8, 7, 6, 5]);
    // Locals: a procedure with 8 locals sits below fmp.
    let mut m = Machine::with_stack(&[]);
    m.fmp += 8;
    for src in [
        "push.1.2.3.4",
        "loc_storew.4",
        "dropw",
        "push.77",
        "loc_store.1",
        "padw",
        "loc_loadw.4",
        "loc_load.1",
        "locaddr.1",
        "locaddr.4",
    ] {
        m.run(&lower(src)).unwrap();
    }
    let base = (1 << 30) as u64;
    assert_eq!(m.top(7), vec![base + 4, base + 1, 77, 4, 3, 2, 1]);
    assert_eq!(m.mem.get(&(base + 1)).map(|v| v.as_int()), Some(77));
    // Advice reads: the first value popped ends deepest.
    let mut m = Machine::with_stack(&[]);
    m.advice = vec![Felt::new(3), Felt::new(2), Felt::new(1)];
    m.run(&lower("adv_push.3")).unwrap();
    assert_eq!(m.top(3), vec![3, 2, 1]);
    check("sdepth", &[5], 0, &[16 + 1 + SENTINELS.len() as u64]);
}

// ---- crypto ----

fn word_input(w: &Word) -> Vec<u64> {
    w.iter().rev().map(|e| e.as_int()).collect()
}

#[test]
fn hashes_agree_with_vm_core() {
    let a: Word = [f(1), f(2), f(3), f(4)];
    let b: Word = [f(5), f(6), f(7), f(P - 1)];
    // hmerge of [B, A] is merge(A, B).
    let mut input = word_input(&b);
    input.extend(word_input(&a));
    check("hmerge", &input, 8, &word_input(&hash::merge(&a, &b)));
    check(
        "hash",
        &word_input(&a),
        4,
        &word_input(&hash::hash_elements(&a)),
    );
    // hperm permutes the top 12 elements as Miden's layout says.
    let input: Vec<u64> = (1..=12).collect();
    let mut state = [Felt::ZERO; 12];
    for (j, e) in state.iter_mut().enumerate() {
        *e = f(input[11 - j]);
    }
    hash::permute(&mut state);
    let expect: Vec<u64> = (0..12).map(|i| state[11 - i].as_int()).collect();
    check("hperm", &input, 12, &expect);
}

#[test]
fn merkle_instructions() {
    let leaves: Vec<Word> = (0..4u64)
        .map(|i| [f(i), f(i + 10), f(i + 20), f(i + 30)])
        .collect();
    let mut m = Machine::with_stack(&[]);
    let root = m.add_tree(leaves.clone());
    // mtree_get: [d, i, R] -> [V, R]
    let mut input = vec![2, 1];
    input.extend(word_input(&root));
    let mut mm = Machine::with_stack(&input);
    mm.add_tree(leaves.clone());
    mm.run(&lower("mtree_get")).unwrap();
    let mut want = word_input(&leaves[1]);
    want.extend(word_input(&root));
    assert_eq!(mm.top(8), want);
    // mtree_verify: [V, d, i, R] unchanged.
    let mut input = word_input(&leaves[2]);
    input.extend([2, 2]);
    input.extend(word_input(&root));
    m.stack.extend(input.iter().rev().map(|&x| f(x)));
    m.run(&lower("mtree_verify")).unwrap();
    assert_eq!(m.top(10), input);
    let mut bad = input.clone();
    bad[5] = 3;
    let mut mb = Machine::with_stack(&bad);
    mb.add_tree(leaves.clone());
    assert!(
        matches!(
            mb.run(&lower("mtree_verify")),
            Err(ErrorKind::MerkleNodeMismatch {
                depth: 2,
                index: 3,
                ..
            })
        ),
        "a node that is not the tree's fails verification"
    );
    // mtree_set: [d, i, R, V'] -> [V, R']
    let newv: Word = [f(100), f(200), f(300), f(400)];
    let mut input = vec![2, 3];
    input.extend(word_input(&root));
    input.extend(word_input(&newv));
    let mut ms = Machine::with_stack(&input);
    ms.add_tree(leaves.clone());
    ms.run(&lower("mtree_set")).unwrap();
    let mut updated = leaves.clone();
    updated[3] = newv;
    let new_root = Machine::with_stack(&[]).add_tree(updated);
    let mut want = word_input(&leaves[3]);
    want.extend(word_input(&new_root));
    assert_eq!(ms.top(8), want);
    assert_eq!(ms.stack.len(), 16 + 8);
    // mtree_merge: [R, L] -> [merge(L, R)] plus the hint.
    let (l, r) = (leaves[0], leaves[1]);
    let mut input = word_input(&r);
    input.extend(word_input(&l));
    let m = run("mtree_merge", &input).unwrap();
    assert_eq!(m.top(4), word_input(&hash::merge(&l, &r)));
    assert_eq!(m.merges, 1);
}

#[test]
fn events_and_nop() {
    let m = run("emit.7", &[1]).unwrap();
    assert_eq!(m.events, vec![7]);
    check("emit.7", &[1], 0, &[]);
    check("nop", &[1], 0, &[]);
}
