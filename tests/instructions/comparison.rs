//! Field comparisons (field_operations.md, "Comparison operations"): integers in [0, p).

use crate::common::*;

const EDGES: [u64; 10] = [
    0,
    1,
    2,
    U32_MAX,
    TWO32,
    TWO32 + 1,
    (1 << 63) - 1,
    1 << 63,
    P - 2,
    P - 1,
];

#[test]
fn eq_and_neq() {
    for a in EDGES {
        for b in EDGES {
            check("begin eq end", &[b, a], 2, &[(a == b) as u64]);
            check("begin neq end", &[b, a], 2, &[(a != b) as u64]);
            check(&format!("begin eq.{b} end"), &[a], 1, &[(a == b) as u64]);
            check(&format!("begin neq.{b} end"), &[a], 1, &[(a != b) as u64]);
        }
    }
}

#[test]
fn ordering_of_field_elements() {
    for a in EDGES {
        for b in EDGES {
            // [b, a]: compares a (below) with b (top).
            check("begin lt end", &[b, a], 2, &[(a < b) as u64]);
            check("begin lte end", &[b, a], 2, &[(a <= b) as u64]);
            check("begin gt end", &[b, a], 2, &[(a > b) as u64]);
            check("begin gte end", &[b, a], 2, &[(a >= b) as u64]);
        }
    }
}

#[test]
fn ordering_with_immediates() {
    for a in EDGES {
        for b in EDGES {
            check(&format!("begin lt.{b} end"), &[a], 1, &[(a < b) as u64]);
            check(&format!("begin lte.{b} end"), &[a], 1, &[(a <= b) as u64]);
            check(&format!("begin gt.{b} end"), &[a], 1, &[(a > b) as u64]);
            check(&format!("begin gte.{b} end"), &[a], 1, &[(a >= b) as u64]);
        }
    }
}

#[test]
fn is_odd() {
    for a in EDGES {
        check("begin is_odd end", &[a], 1, &[a & 1]);
    }
}

#[test]
fn eqw_keeps_both_words() {
    let a = [1u64, 2, 3, 4];
    let b = [1u64, 2, 3, 4];
    // [A, B] top first: A = s0..s3, B = s4..s7.
    let args: Vec<u64> = a.iter().chain(b.iter()).copied().collect();
    let mut pushed = vec![1];
    pushed.extend(&args);
    check("begin eqw end", &args, 8, &pushed);
    // Any single differing element makes them unequal.
    for i in 0..8 {
        let mut args = args.clone();
        args[i] = P - 1;
        let mut pushed = vec![0];
        pushed.extend(&args);
        check("begin eqw end", &args, 8, &pushed);
    }
    // Same elements, different order: not equal.
    let args = [1u64, 2, 3, 4, 4, 3, 2, 1];
    let mut pushed = vec![0];
    pushed.extend(args);
    check("begin eqw end", &args, 8, &pushed);
}
