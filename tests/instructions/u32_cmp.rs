//! u32 comparisons (u32_operations.md, "Comparison operations").

use crate::common::*;
use crate::u32_arith::{NOT_U32, U32S};

type Cmp = fn(u64, u64) -> u64;

fn ops() -> Vec<(&'static str, Cmp)> {
    vec![
        ("u32lt", |a, b| (a < b) as u64),
        ("u32lte", |a, b| (a <= b) as u64),
        ("u32gt", |a, b| (a > b) as u64),
        ("u32gte", |a, b| (a >= b) as u64),
        ("u32min", |a, b| a.min(b)),
        ("u32max", |a, b| a.max(b)),
    ]
}

#[test]
fn comparisons_min_max() {
    for (op, f) in ops() {
        for a in U32S {
            for b in U32S {
                check(&format!("begin {op} end"), &[b, a], 2, &[f(a, b)]);
                check(&format!("begin {op}.{b} end"), &[a], 1, &[f(a, b)]);
            }
        }
    }
}

#[test]
fn non_u32_operands_trap() {
    for (op, _) in ops() {
        for bad in NOT_U32 {
            check_fails(&format!("begin {op} end"), &[bad, 1], "");
            check_fails(&format!("begin {op} end"), &[1, bad], "");
            check_fails(&format!("begin {op}.1 end"), &[bad], "");
        }
        rejected(&format!("begin {op}.4294967296 end"));
    }
}
