//! Field arithmetic and boolean operations (field_operations.md, "Arithmetic and Boolean").

use crate::common::*;

/// Interesting field elements: limits of the field and of u32.
const EDGES: [u64; 9] = [
    0,
    1,
    2,
    U32_MAX,
    TWO32,
    P - 2,
    P - 1,
    1 << 63,
    0x1234_5678_9abc_def0,
];

#[test]
fn add_wraps_mod_p() {
    for a in EDGES {
        for b in EDGES {
            check("begin add end", &[b, a], 2, &[fadd(a, b)]);
        }
    }
    assert_eq!(fadd(P - 1, 1), 0);
}

#[test]
fn add_immediate() {
    for a in EDGES {
        check("begin add.0 end", &[a], 1, &[a]);
        check("begin add.1 end", &[a], 1, &[fadd(a, 1)]);
        check("begin add.5 end", &[a], 1, &[fadd(a, 5)]);
        check(
            &format!("begin add.{} end", P - 1),
            &[a],
            1,
            &[fadd(a, P - 1)],
        );
        check("begin add.4294967296 end", &[a], 1, &[fadd(a, TWO32)]);
    }
}

#[test]
fn sub_wraps_mod_p() {
    for a in EDGES {
        for b in EDGES {
            // [b, a] -> a - b
            check("begin sub end", &[b, a], 2, &[fsub(a, b)]);
        }
        check("begin sub.1 end", &[a], 1, &[fsub(a, 1)]);
        check("begin sub.0 end", &[a], 1, &[a]);
        check(
            &format!("begin sub.{} end", P - 1),
            &[a],
            1,
            &[fsub(a, P - 1)],
        );
    }
    check("begin sub end", &[1, 0], 2, &[P - 1]);
}

#[test]
fn mul_wraps_mod_p() {
    for a in EDGES {
        for b in EDGES {
            check("begin mul end", &[b, a], 2, &[fmul(a, b)]);
        }
        check("begin mul.0 end", &[a], 1, &[0]);
        check("begin mul.1 end", &[a], 1, &[a]);
        check("begin mul.3 end", &[a], 1, &[fmul(a, 3)]);
        check(&format!("begin mul.{} end", P - 1), &[a], 1, &[fneg(a)]);
    }
    // (p - 1)^2 = 1
    check("begin mul end", &[P - 1, P - 1], 2, &[1]);
    // 2^32 * 2^32 = 2^64 = 2^32 - 1 (mod p)
    check("begin mul end", &[TWO32, TWO32], 2, &[U32_MAX]);
}

#[test]
fn div_multiplies_by_the_inverse() {
    for a in EDGES {
        for b in EDGES.iter().copied().filter(|&b| b != 0) {
            let c = fmul(a, finv(b));
            check("begin div end", &[b, a], 2, &[c]);
            // c * b = a
            assert_eq!(fmul(c, b), a % P);
        }
        check("begin div.1 end", &[a], 1, &[a]);
        check("begin div.2 end", &[a], 1, &[fmul(a, finv(2))]);
        check(&format!("begin div.{} end", P - 1), &[a], 1, &[fneg(a)]);
    }
    // Field division, not integer division: 1 / 2 = (p + 1) / 2.
    check("begin div end", &[2, 1], 2, &[P / 2 + 1]);
    check("begin div end", &[3, 6], 2, &[2]);
}

#[test]
fn div_by_zero_fails() {
    check_fails("begin div end", &[0, 5], "InverseOfZero");
    check_fails("begin div end", &[0, 0], "InverseOfZero");
    rejected("begin div.0 end");
}

#[test]
fn neg_and_inv() {
    for a in EDGES {
        check("begin neg end", &[a], 1, &[fneg(a)]);
        if a != 0 {
            let i = finv(a);
            assert_eq!(fmul(a, i), 1);
            check("begin inv end", &[a], 1, &[i]);
        }
    }
    check("begin neg end", &[0], 1, &[0]);
    check("begin inv end", &[P - 1], 1, &[P - 1]);
    check("begin inv end", &[1], 1, &[1]);
}

#[test]
fn inv_of_zero_fails() {
    check_fails("begin inv end", &[0], "InverseOfZero");
}

#[test]
fn pow2_up_to_63() {
    for a in 0..64u64 {
        check("begin pow2 end", &[a], 1, &[fpow(2, a)]);
    }
    check("begin pow2 end", &[63], 1, &[1 << 63]);
}

#[test]
fn pow2_above_63_fails() {
    for a in [64, 65, 100, U32_MAX, TWO32, P - 1] {
        check_fails("begin pow2 end", &[a], "");
    }
}

#[test]
fn exp_with_stack_exponent() {
    let bases = [0, 1, 2, 3, P - 1, TWO32, 0xdead_beef];
    let exps = [0, 1, 2, 3, 31, 32, 63, U32_MAX, TWO32 + 7, P - 2, P - 1];
    for a in bases {
        for b in exps {
            // [b, a] -> a^b; `exp` is exp.u64.
            check("begin exp end", &[b, a], 2, &[fpow(a, b)]);
        }
    }
    // a^(p-1) = 1 for a != 0 (Fermat)
    check("begin exp end", &[P - 1, 7], 2, &[1]);
    // 0^0 = 1
    check("begin exp end", &[0, 0], 2, &[1]);
}

/// Exponents around the halves U32SPLIT gives `exp`/`exp.u64`, and the values below
/// `2^32 - 1` that a 64-step chain could have confused with `e + p`.
const EXP_EDGES: [u64; 22] = [
    0,
    1,
    2,
    5,
    (1 << 31) - 1,
    1 << 31,
    U32_MAX - 1,
    U32_MAX,
    TWO32,
    TWO32 + 1,
    TWO32 + 5,
    (1 << 33) - 1,
    0x1234_5678_9abc_def0,
    (1 << 63) - 1,
    1 << 63,
    (1 << 63) + 1,
    P - TWO32 - 1,
    P - TWO32,
    P - U32_MAX,
    P - 3,
    P - 2,
    P - 1,
];

/// `a^e` in the field as `vm::Felt` computes it, cross-checked against the u128 reference.
fn felt_pow(a: u64, e: u64) -> u64 {
    use vm::core::FieldElement;
    let r = vm::Felt::new(a).exp(e).as_int();
    assert_eq!(
        r,
        fpow(a, e),
        "reference exponentiations disagree on {a}^{e}"
    );
    r
}

#[test]
fn exp_forms_agree_with_the_field_on_edge_exponents() {
    let bases = [
        0,
        1,
        2,
        3,
        7,
        P - 1,
        P - 2,
        TWO32,
        U32_MAX,
        0xdead_beef_1234,
    ];
    for a in bases {
        for e in EXP_EDGES {
            let want = felt_pow(a, e);
            check("begin exp end", &[e, a], 2, &[want]);
            check("begin exp.u64 end", &[e, a], 2, &[want]);
            check(&format!("begin exp.{e} end"), &[a], 1, &[want]);
            let bits = 64 - e.leading_zeros();
            if bits <= 63 {
                check(&format!("begin exp.u{bits} end"), &[e, a], 2, &[want]);
            }
        }
    }
    // The forged output of issue 8: 3^5 must be 243, not 3^6 = 729.
    check("begin exp end", &[5, 3], 2, &[243]);
    check("begin exp.u64 end", &[5, 3], 2, &[243]);
}

#[test]
fn exp_forms_agree_with_the_field_on_random_inputs() {
    // xorshift64*, deterministic.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for i in 0..48 {
        let a = next() % P;
        let e = match i % 3 {
            0 => next() % P,
            1 => next() & U32_MAX,
            _ => next() >> (next() % 64),
        } % P;
        let want = felt_pow(a, e);
        check("begin exp end", &[e, a], 2, &[want]);
        check("begin exp.u64 end", &[e, a], 2, &[want]);
        check(&format!("begin exp.{e} end"), &[a], 1, &[want]);
    }
}

/// The longest run of consecutive EXPACC instructions in the assembled program.
fn longest_expacc_chain(src: &str) -> usize {
    let program = vm::assembly::Assembler::new()
        .assemble_source("test.masm", src)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"));
    let (mut run, mut max) = (0, 0);
    for ins in program.code() {
        if ins.op == vm::core::Opcode::Expacc {
            run += 1;
            max = max.max(run);
        } else {
            run = 0;
        }
    }
    max
}

#[test]
fn no_exp_lowering_emits_more_than_63_consecutive_expacc() {
    // EXPACC checks exp = 2 exp' + bit in the field: 64 steps accept the bits of e + p.
    let mut bodies: Vec<String> = vec!["exp".into(), "exp.u64".into(), "pow2".into()];
    bodies.extend((0..=64).map(|n| format!("exp.u{n}")));
    for k in 0..64 {
        let b = 1u64 << k;
        bodies.extend(
            [b - 1, b, b + 1, b | (b >> 1), !0 >> (63 - k)].map(|c| format!("exp.{}", c % P)),
        );
    }
    bodies.extend(EXP_EDGES.map(|e| format!("exp.{e}")));
    for body in &bodies {
        let n = longest_expacc_chain(&format!("begin {body} end"));
        assert!(n <= 63, "`{body}` emits {n} consecutive EXPACC");
    }
    // Two instructions in a row must not join their chains either.
    for body in [
        "exp exp",
        "exp.u63 exp.u63",
        "pow2 exp",
        "exp.18446744069414584320 exp",
    ] {
        let n = longest_expacc_chain(&format!("begin {body} end"));
        assert!(n <= 63, "`{body}` emits {n} consecutive EXPACC");
    }
    assert_eq!(longest_expacc_chain("begin exp end"), 32);
    assert_eq!(longest_expacc_chain("begin exp.u63 end"), 63);
}

#[test]
fn exp_with_bit_width() {
    for (bits, e) in [(1u32, 1u64), (6, 63), (8, 255), (16, 65535), (32, U32_MAX)] {
        for a in [0, 1, 3, P - 1] {
            check(&format!("begin exp.u{bits} end"), &[e, a], 2, &[fpow(a, e)]);
            check(&format!("begin exp.u{bits} end"), &[0, a], 2, &[1]);
        }
    }
}

#[test]
fn exp_with_too_wide_exponent_fails() {
    // Miden: exp.uxx fails when the exponent does not fit in xx bits.
    check_fails("begin exp.u6 end", &[64, 3], "");
    check_fails("begin exp.u8 end", &[256, 3], "");
    check_fails("begin exp.u32 end", &[TWO32, 3], "");
}

#[test]
fn exp_with_immediate_exponent() {
    for a in [0, 1, 2, 5, P - 1, TWO32] {
        for b in [0u64, 1, 2, 5, 10, 1024, 12345, U32_MAX] {
            check(&format!("begin exp.{b} end"), &[a], 1, &[fpow(a, b)]);
        }
    }
}

#[test]
fn ilog2_floors() {
    for a in [
        1u64,
        2,
        3,
        4,
        1023,
        1024,
        1025,
        U32_MAX,
        TWO32,
        1 << 63,
        P - 1,
    ] {
        check("begin ilog2 end", &[a], 1, &[63 - a.leading_zeros() as u64]);
    }
    check_fails("begin ilog2 end", &[0], "");
}

#[test]
fn boolean_not_and_or_xor() {
    for a in [0u64, 1] {
        check("begin not end", &[a], 1, &[1 - a]);
        for b in [0u64, 1] {
            check("begin and end", &[b, a], 2, &[a & b]);
            check("begin or end", &[b, a], 2, &[a | b]);
            check("begin xor end", &[b, a], 2, &[a ^ b]);
        }
    }
}

#[test]
fn boolean_ops_reject_non_binary() {
    for bad in [2u64, P - 1, TWO32] {
        check_fails("begin not end", &[bad], "NotBinary");
        for op in ["and", "or", "xor"] {
            check_fails(&format!("begin {op} end"), &[bad, 1], "NotBinary");
            check_fails(&format!("begin {op} end"), &[1, bad], "NotBinary");
            check_fails(&format!("begin {op} end"), &[0, bad], "NotBinary");
        }
    }
}
