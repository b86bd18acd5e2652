//! Quadratic extension field operations (field_operations.md, "Extension Field Operations").
//!
//! The extension is F_p[x] / (x^2 - x + 2) (winterfell's quadratic extension of Goldilocks,
//! as in Miden); an element a0 + a1 x sits on the stack as `[a1, a0]` (a1 on top).

use crate::common::*;

/// An extension element (a0, a1) = a0 + a1 x.
pub type E = (u64, u64);

/// Product in the extension.
pub fn emul((a0, a1): E, (b0, b1): E) -> E {
    // (a0 + a1 x)(b0 + b1 x) with x^2 = x - 2
    let c0 = fsub(fmul(a0, b0), fmul(2, fmul(a1, b1)));
    let c1 = fadd(fadd(fmul(a0, b1), fmul(a1, b0)), fmul(a1, b1));
    (c0, c1)
}

/// Inverse in the extension (of a non-zero element).
pub fn einv((a0, a1): E) -> E {
    // conj(a) = (a0 + a1) - a1 x; a * conj(a) = a0^2 + a0 a1 + 2 a1^2 (a base field element)
    let norm = fadd(fadd(fmul(a0, a0), fmul(a0, a1)), fmul(2, fmul(a1, a1)));
    let n = finv(norm);
    (fmul(fadd(a0, a1), n), fmul(fneg(a1), n))
}

const SAMPLES: [E; 7] = [
    (0, 1),
    (1, 0),
    (2, 3),
    (P - 1, P - 1),
    (U32_MAX, TWO32),
    (0x1234_5678_9abc_def0, 7),
    (5, P - 2),
];

#[test]
fn ext2add_and_ext2sub() {
    for a in SAMPLES {
        for b in SAMPLES {
            let args = [b.1, b.0, a.1, a.0];
            check(
                "begin ext2add end",
                &args,
                4,
                &[fadd(a.1, b.1), fadd(a.0, b.0)],
            );
            check(
                "begin ext2sub end",
                &args,
                4,
                &[fsub(a.1, b.1), fsub(a.0, b.0)],
            );
        }
    }
}

#[test]
fn ext2mul() {
    // x * x = x - 2
    assert_eq!(emul((0, 1), (0, 1)), (P - 2, 1));
    for a in SAMPLES {
        for b in SAMPLES {
            let c = emul(a, b);
            check("begin ext2mul end", &[b.1, b.0, a.1, a.0], 4, &[c.1, c.0]);
        }
    }
}

#[test]
fn ext2neg() {
    for a in SAMPLES {
        check("begin ext2neg end", &[a.1, a.0], 2, &[fneg(a.1), fneg(a.0)]);
    }
    check("begin ext2neg end", &[0, 0], 2, &[0, 0]);
}

#[test]
fn ext2inv() {
    for a in SAMPLES {
        let i = einv(a);
        assert_eq!(emul(a, i), (1, 0), "inverse of {a:?}");
        check("begin ext2inv end", &[a.1, a.0], 2, &[i.1, i.0]);
    }
    check_fails("begin ext2inv end", &[0, 0], "");
}

#[test]
fn ext2div() {
    for a in SAMPLES {
        for b in SAMPLES {
            let c = emul(a, einv(b));
            check("begin ext2div end", &[b.1, b.0, a.1, a.0], 4, &[c.1, c.0]);
        }
    }
    check_fails("begin ext2div end", &[0, 0, 3, 2], "");
}
