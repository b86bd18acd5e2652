//! Stack manipulation and conditional manipulation (stack_manipulation.md).
//!
//! Each instruction runs on a full stack of 16 distinct values and is compared with a
//! model of Miden's documented stack transition on a `Vec` (top first).

use crate::common::*;

/// Sixteen distinct values, top first; p - 1 and 2^32 included to catch any reduction.
fn initial() -> Vec<u64> {
    let mut v: Vec<u64> = (1..=14).map(|i| i * 111).collect();
    v.push(P - 1);
    v.push(TWO32);
    v
}

/// Runs `src` on [`initial`] and compares the 16 outputs with `model(initial)`.
fn check_model(src: &str, model: impl Fn(&mut Vec<u64>)) {
    let start = initial();
    let mut want = start.clone();
    model(&mut want);
    want.resize(16.max(want.len()), 0);
    want.truncate(16);
    let out = ok(&prog(src), &with_sentinels(&start), &[]);
    assert_eq!(out.to_vec(), want, "{src}");
}

fn word(v: &[u64], n: usize) -> Vec<u64> {
    v[4 * n..4 * n + 4].to_vec()
}

#[test]
fn drop_dropw_padw() {
    check_model("drop", |s| {
        s.remove(0);
    });
    check_model("dropw", |s| {
        s.drain(0..4);
    });
    check_model("padw", |s| {
        s.splice(0..0, [0, 0, 0, 0]);
    });
    // Dropping below 16 shifts zeros in at the bottom.
    check_model("dropw dropw dropw dropw drop", |s| s.clear());
}

#[test]
fn dup_n() {
    for n in 0..16 {
        check_model(&format!("dup.{n}"), |s| s.insert(0, s[n]));
    }
    check_model("dup", |s| s.insert(0, s[0]));
}

#[test]
fn dupw_n() {
    for n in 0..4 {
        check_model(&format!("dupw.{n}"), |s| {
            let w = word(s, n);
            s.splice(0..0, w);
        });
    }
    check_model("dupw", |s| {
        let w = word(s, 0);
        s.splice(0..0, w);
    });
}

#[test]
fn swap_n() {
    for n in 1..16 {
        check_model(&format!("swap.{n}"), |s| s.swap(0, n));
    }
    check_model("swap", |s| s.swap(0, 1));
}

#[test]
fn swapw_n_and_swapdw() {
    for n in 1..4 {
        check_model(&format!("swapw.{n}"), |s| {
            for i in 0..4 {
                s.swap(i, 4 * n + i);
            }
        });
    }
    check_model("swapw", |s| {
        for i in 0..4 {
            s.swap(i, 4 + i);
        }
    });
    // [D, C, B, A] -> [B, A, D, C]
    check_model("swapdw", |s| {
        for i in 0..8 {
            s.swap(i, 8 + i);
        }
    });
}

#[test]
fn movup_movdn() {
    for n in 2..16 {
        check_model(&format!("movup.{n}"), |s| {
            let x = s.remove(n);
            s.insert(0, x);
        });
        check_model(&format!("movdn.{n}"), |s| {
            let x = s.remove(0);
            s.insert(n, x);
        });
        // movdn.n undoes movup.n
        check_model(&format!("movup.{n} movdn.{n}"), |_| {});
    }
}

#[test]
fn movupw_movdnw() {
    for n in 2..4 {
        check_model(&format!("movupw.{n}"), |s| {
            let w: Vec<u64> = s.drain(4 * n..4 * n + 4).collect();
            s.splice(0..0, w);
        });
        check_model(&format!("movdnw.{n}"), |s| {
            let w: Vec<u64> = s.drain(0..4).collect();
            s.splice(4 * n..4 * n, w);
        });
    }
}

#[test]
fn out_of_range_indices_are_rejected() {
    for src in [
        "dup.16", "dupw.4", "swap.0", "swap.16", "swapw.0", "swapw.4", "movup.0", "movup.1",
        "movup.16", "movdn.1", "movdn.16", "movupw.1", "movupw.4", "movdnw.1", "movdnw.4",
    ] {
        rejected(&prog(src));
    }
}

#[test]
fn cswap_and_cdrop() {
    for (b, a) in [(5u64, 7u64), (P - 1, 0)] {
        // [c, b, a]: c = 0 keeps [b, a]; c = 1 swaps to [a, b].
        check("begin cswap end", &[0, b, a], 3, &[b, a]);
        check("begin cswap end", &[1, b, a], 3, &[a, b]);
        // cdrop keeps a if c = 0, b if c = 1.
        check("begin cdrop end", &[0, b, a], 3, &[a]);
        check("begin cdrop end", &[1, b, a], 3, &[b]);
    }
}

#[test]
fn cswapw_and_cdropw() {
    let b = [1u64, 2, 3, 4];
    let a = [5u64, 6, 7, 8];
    let args = |c: u64| {
        let mut v = vec![c];
        v.extend(b);
        v.extend(a);
        v
    };
    let cat = |x: [u64; 4], y: [u64; 4]| x.iter().chain(&y).copied().collect::<Vec<_>>();
    check("begin cswapw end", &args(0), 9, &cat(b, a));
    check("begin cswapw end", &args(1), 9, &cat(a, b));
    check("begin cdropw end", &args(0), 9, &a);
    check("begin cdropw end", &args(1), 9, &b);
}

#[test]
fn conditional_ops_reject_non_binary() {
    for c in [2u64, P - 1, TWO32] {
        for op in ["cswap", "cdrop"] {
            check_fails(&format!("begin {op} end"), &[c, 1, 2], "NotBinary");
        }
        for op in ["cswapw", "cdropw"] {
            check_fails(
                &format!("begin {op} end"),
                &[c, 1, 2, 3, 4, 5, 6, 7, 8],
                "NotBinary",
            );
        }
    }
}
