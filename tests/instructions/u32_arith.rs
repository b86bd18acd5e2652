//! u32 arithmetic (u32_operations.md, "Arithmetic operations"). Miden leaves the results
//! undefined for inputs of 2^32 or more; this VM must trap on them.

use crate::common::*;

pub const U32S: [u64; 8] = [0, 1, 2, 3, 0x7fff_ffff, 0x8000_0000, U32_MAX - 1, U32_MAX];
pub const NOT_U32: [u64; 3] = [TWO32, TWO32 + 1, P - 1];

/// A binary u32 instruction `[b, a] -> result (top first)`.
pub type Binary = fn(u64, u64) -> Vec<u64>;

/// (instruction, result for (a, b), whether an immediate form `op.b` exists)
pub fn binary_ops() -> Vec<(&'static str, Binary, bool)> {
    vec![
        (
            "u32overflowing_add",
            |a, b| vec![(a + b) >> 32, (a + b) & U32_MAX],
            true,
        ),
        ("u32wrapping_add", |a, b| vec![(a + b) & U32_MAX], true),
        (
            "u32overflowing_sub",
            |a, b| vec![(a < b) as u64, a.wrapping_sub(b) & U32_MAX],
            true,
        ),
        (
            "u32wrapping_sub",
            |a, b| vec![a.wrapping_sub(b) & U32_MAX],
            true,
        ),
        (
            "u32overflowing_mul",
            |a, b| vec![(a * b) >> 32, (a * b) & U32_MAX],
            true,
        ),
        ("u32wrapping_mul", |a, b| vec![(a * b) & U32_MAX], true),
    ]
}

/// Division-like instructions: `b` must be non-zero.
pub fn division_ops() -> Vec<(&'static str, Binary)> {
    vec![
        ("u32div", |a, b| vec![a / b]),
        ("u32mod", |a, b| vec![a % b]),
        ("u32divmod", |a, b| vec![a % b, a / b]),
    ]
}

#[test]
fn binary_arithmetic_on_u32_edges() {
    for (op, f, _) in binary_ops() {
        for a in U32S {
            for b in U32S {
                check(&format!("begin {op} end"), &[b, a], 2, &f(a, b));
            }
        }
    }
}

#[test]
fn binary_arithmetic_with_immediates() {
    for (op, f, imm) in binary_ops() {
        assert!(imm);
        for a in U32S {
            for b in U32S {
                check(&format!("begin {op}.{b} end"), &[a], 1, &f(a, b));
            }
        }
    }
}

#[test]
fn overflow_flags_at_the_limits() {
    check("begin u32overflowing_add end", &[1, U32_MAX], 2, &[1, 0]);
    check(
        "begin u32overflowing_add end",
        &[U32_MAX, U32_MAX],
        2,
        &[1, U32_MAX - 1],
    );
    check("begin u32overflowing_sub end", &[1, 0], 2, &[1, U32_MAX]);
    check("begin u32overflowing_sub end", &[0, 0], 2, &[0, 0]);
    check(
        "begin u32overflowing_mul end",
        &[U32_MAX, U32_MAX],
        2,
        &[U32_MAX - 1, 1],
    );
}

#[test]
fn add3_and_madd() {
    for a in U32S {
        for b in [0, 1, U32_MAX] {
            for c in [0, 7, U32_MAX] {
                let s = a + b + c;
                // [c, b, a] -> [carry, sum]
                check(
                    "begin u32overflowing_add3 end",
                    &[c, b, a],
                    3,
                    &[s >> 32, s & U32_MAX],
                );
                check("begin u32wrapping_add3 end", &[c, b, a], 3, &[s & U32_MAX]);
                // [b, a, c] -> a * b + c
                let m = a as u128 * b as u128 + c as u128;
                let (hi, lo) = ((m >> 32) as u64, (m as u64) & U32_MAX);
                check("begin u32overflowing_madd end", &[b, a, c], 3, &[hi, lo]);
                check("begin u32wrapping_madd end", &[b, a, c], 3, &[lo]);
            }
        }
    }
    // The largest madd: (2^32 - 1)^2 + 2^32 - 1 = 2^64 - 2^32, high limb 2^32 - 1.
    check(
        "begin u32overflowing_madd end",
        &[U32_MAX, U32_MAX, U32_MAX],
        3,
        &[U32_MAX, 0],
    );
    check(
        "begin u32overflowing_add3 end",
        &[U32_MAX, U32_MAX, U32_MAX],
        3,
        &[2, U32_MAX - 2],
    );
}

#[test]
fn division_and_remainder() {
    for (op, f) in division_ops() {
        for a in U32S {
            for b in U32S.iter().copied().filter(|&b| b != 0) {
                check(&format!("begin {op} end"), &[b, a], 2, &f(a, b));
                check(&format!("begin {op}.{b} end"), &[a], 1, &f(a, b));
            }
        }
    }
}

#[test]
fn division_by_zero_fails() {
    for (op, _) in division_ops() {
        check_fails(&format!("begin {op} end"), &[0, 5], "DivideByZero");
        check_fails(&format!("begin {op} end"), &[0, 0], "DivideByZero");
        rejected(&format!("begin {op}.0 end"));
    }
}

#[test]
fn non_u32_operands_trap() {
    let mut all: Vec<&str> = binary_ops().iter().map(|o| o.0).collect();
    all.extend(division_ops().iter().map(|o| o.0));
    for op in all {
        for bad in NOT_U32 {
            check_fails(&format!("begin {op} end"), &[bad, 3], "NotU32");
            check_fails(&format!("begin {op} end"), &[3, bad], "NotU32");
            check_fails(&format!("begin {op}.3 end"), &[bad], "NotU32");
        }
    }
    for op in [
        "u32overflowing_add3",
        "u32wrapping_add3",
        "u32overflowing_madd",
        "u32wrapping_madd",
    ] {
        for bad in NOT_U32 {
            for i in 0..3 {
                let mut args = [1u64, 2, 3];
                args[i] = bad;
                check_fails(&format!("begin {op} end"), &args, "NotU32");
            }
        }
    }
}

#[test]
fn immediates_must_be_u32() {
    for (op, _, _) in binary_ops() {
        rejected(&format!("begin {op}.4294967296 end"));
    }
    for (op, _) in division_ops() {
        rejected(&format!("begin {op}.4294967296 end"));
    }
}
