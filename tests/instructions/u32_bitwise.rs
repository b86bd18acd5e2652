//! u32 bitwise operations, shifts, rotations and bit counts (u32_operations.md, "Bitwise").

use crate::common::*;
use crate::u32_arith::{NOT_U32, U32S};

const PATTERNS: [u64; 6] = [0, 1, 0xaaaa_aaaa, 0x0f0f_1234, 0x8000_0000, U32_MAX];

#[test]
fn and_or_xor() {
    for a in U32S.iter().chain(&PATTERNS).copied() {
        for b in PATTERNS {
            check("begin u32and end", &[b, a], 2, &[a & b]);
            check("begin u32or end", &[b, a], 2, &[a | b]);
            check("begin u32xor end", &[b, a], 2, &[a ^ b]);
            check(&format!("begin u32and.{b} end"), &[a], 1, &[a & b]);
            check(&format!("begin u32or.{b} end"), &[a], 1, &[a | b]);
            check(&format!("begin u32xor.{b} end"), &[a], 1, &[a ^ b]);
        }
    }
}

#[test]
fn not() {
    for a in U32S.iter().chain(&PATTERNS).copied() {
        check("begin u32not end", &[a], 1, &[!a & U32_MAX]);
        // u32not.a pushes the complement of the immediate.
        check(&format!("begin u32not.{a} end"), &[], 0, &[!a & U32_MAX]);
    }
}

#[test]
fn shifts_by_stack_and_immediate() {
    for a in U32S.iter().chain(&PATTERNS).copied() {
        for b in [0u64, 1, 4, 16, 31] {
            let shl = (a << b) & U32_MAX;
            let shr = a >> b;
            let rotl = (a as u32).rotate_left(b as u32) as u64;
            let rotr = (a as u32).rotate_right(b as u32) as u64;
            check("begin u32shl end", &[b, a], 2, &[shl]);
            check("begin u32shr end", &[b, a], 2, &[shr]);
            check("begin u32rotl end", &[b, a], 2, &[rotl]);
            check("begin u32rotr end", &[b, a], 2, &[rotr]);
            check(&format!("begin u32shl.{b} end"), &[a], 1, &[shl]);
            check(&format!("begin u32shr.{b} end"), &[a], 1, &[shr]);
            check(&format!("begin u32rotl.{b} end"), &[a], 1, &[rotl]);
            check(&format!("begin u32rotr.{b} end"), &[a], 1, &[rotr]);
        }
    }
}

#[test]
fn shift_amounts_above_31_trap() {
    for op in ["u32shl", "u32shr", "u32rotl"] {
        for b in [32u64, 33, TWO32, P - 1] {
            check_fails(&format!("begin {op} end"), &[b, 5], "");
        }
        rejected(&format!("begin {op}.32 end"));
    }
    // u32rotr by 32 is a full rotation in Miden; more is undefined and must trap.
    for b in [33u64, TWO32, P - 1] {
        check_fails("begin u32rotr end", &[b, 5], "");
    }
    rejected("begin u32rotr.32 end");
}

#[test]
fn bit_counts() {
    let values = U32S
        .iter()
        .chain(&PATTERNS)
        .copied()
        .chain([0x0001_0000, 0xffff_0000]);
    for a in values {
        let x = a as u32;
        check("begin u32popcnt end", &[a], 1, &[x.count_ones() as u64]);
        check("begin u32clz end", &[a], 1, &[x.leading_zeros() as u64]);
        check("begin u32ctz end", &[a], 1, &[x.trailing_zeros() as u64]);
        check("begin u32clo end", &[a], 1, &[x.leading_ones() as u64]);
        check("begin u32cto end", &[a], 1, &[x.trailing_ones() as u64]);
    }
    check("begin u32clz end", &[0], 1, &[32]);
    check("begin u32clo end", &[U32_MAX], 1, &[32]);
}

#[test]
fn non_u32_operands_trap() {
    for bad in NOT_U32 {
        for op in [
            "u32and", "u32or", "u32xor", "u32shl", "u32shr", "u32rotl", "u32rotr",
        ] {
            check_fails(&format!("begin {op} end"), &[1, bad], "");
            check_fails(&format!("begin {op}.1 end"), &[bad], "");
        }
        for op in ["u32and", "u32or", "u32xor"] {
            check_fails(&format!("begin {op} end"), &[bad, 1], "");
        }
        for op in [
            "u32not",
            "u32popcnt",
            "u32clz",
            "u32ctz",
            "u32clo",
            "u32cto",
        ] {
            check_fails(&format!("begin {op} end"), &[bad], "");
        }
    }
}
