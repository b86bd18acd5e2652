//! Constant and environment inputs (io_operations.md, "Constant inputs", "Environment").

use crate::common::*;

#[test]
fn push_values_in_order() {
    check("begin push.5 end", &[], 0, &[5]);
    check("begin push.0 end", &[], 0, &[0]);
    // push.a.b.c leaves c on top.
    check("begin push.1.2.3 end", &[], 0, &[3, 2, 1]);
    check(&format!("begin push.{} end", P - 1), &[], 0, &[P - 1]);
    check("begin push.0x7b end", &[], 0, &[123]);
    check("begin push.0xffffffff00000000 end", &[], 0, &[P - 1]);
    let sixteen: Vec<String> = (1..=16).map(|i| i.to_string()).collect();
    let want: Vec<u64> = (1..=16).rev().collect();
    check(
        &format!("begin push.{} end", sixteen.join(".")),
        &[],
        0,
        &want,
    );
}

#[test]
fn push_keeps_the_rest_of_the_stack() {
    check("begin push.7 end", &[1, 2, 3], 0, &[7]);
}

#[test]
fn push_hex_forms_from_the_docs() {
    // Short hex values are big-endian numbers; a 64-digit word is four little-endian
    // elements, pushed in order (the last element ends on top).
    let want = [43981u64, 36882, 22136, 4660];
    check(
        "begin push.0x00001234.0x00005678.0x00009012.0x0000abcd end",
        &[],
        0,
        &want,
    );
    check(
        "begin push.0x341200000000000078560000000000001290000000000000cdab000000000000 end",
        &[],
        0,
        &want,
    );
    check("begin push.4660.22136.36882.43981 end", &[], 0, &want);
}

#[test]
fn push_rejects_non_field_values() {
    rejected(&format!("begin push.{} end", P));
    rejected("begin push.18446744073709551615 end");
    let seventeen: Vec<String> = (1..=17).map(|i| i.to_string()).collect();
    rejected(&format!("begin push.{} end", seventeen.join(".")));
}

#[test]
fn constants_as_immediates() {
    let src = "const.A=100\nconst.B=200+(A-50)\nbegin push.A.B add end";
    check(src, &[], 0, &[350]);
}

#[test]
fn sdepth_counts_the_whole_stack() {
    // The stack starts at depth 16 whatever the inputs.
    check("begin sdepth end", &[], 0, &[16]);
    check("begin sdepth end", &[1, 2], 0, &[16]);
    check("begin push.1 push.2 sdepth end", &[], 0, &[18, 2, 1]);
    // Dropping at depth 16 keeps the depth at 16.
    let out = ok("begin drop drop sdepth end", &[5, 6, 7], &[]);
    assert_eq!(out[..3], [16, 5, 0]);
    let out = ok("begin repeat.20 push.1 end sdepth end", &[], &[]);
    assert_eq!(out[0], 36);
}
