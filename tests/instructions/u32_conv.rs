//! u32 conversions and tests (u32_operations.md, "Conversions and tests").

use crate::common::*;

const VALUES: [u64; 9] = [
    0,
    1,
    0x8000_0000,
    U32_MAX,
    TWO32,
    TWO32 + 5,
    1 << 63,
    P - 2,
    P - 1,
];

#[test]
fn u32test_keeps_the_value() {
    for a in VALUES {
        check("begin u32test end", &[a], 1, &[(a < TWO32) as u64, a]);
    }
}

#[test]
fn u32testw_checks_all_four() {
    let good = [0u64, 1, U32_MAX, 7];
    let mut pushed = vec![1];
    pushed.extend(good);
    check("begin u32testw end", &good, 4, &pushed);
    for i in 0..4 {
        for bad in [TWO32, P - 1] {
            let mut w = good;
            w[i] = bad;
            let mut pushed = vec![0];
            pushed.extend(w);
            check("begin u32testw end", &w, 4, &pushed);
        }
    }
}

#[test]
fn u32assert_family_passes_u32_values() {
    for a in [0u64, 1, U32_MAX] {
        check("begin u32assert end", &[a], 0, &[]);
        check("begin u32assert2 end", &[a, 5], 0, &[]);
        check("begin u32assert2 end", &[5, a], 0, &[]);
    }
    check("begin u32assertw end", &[0, 1, U32_MAX, 9], 0, &[]);
}

#[test]
fn u32assert_family_fails_on_non_u32() {
    for bad in [TWO32, TWO32 + 5, P - 1] {
        check_fails("begin u32assert end", &[bad], "NotU32");
        check_fails("begin u32assert2 end", &[bad, 1], "NotU32");
        check_fails("begin u32assert2 end", &[1, bad], "NotU32");
        for i in 0..4 {
            let mut w = [1u64, 2, 3, 4];
            w[i] = bad;
            check_fails("begin u32assertw end", &w, "NotU32");
        }
    }
}

#[test]
fn u32assert_failure_names_its_message() {
    check_fails(
        "begin u32assert.err=\"value too large\" end",
        &[TWO32],
        "value too large",
    );
    check_fails(
        "const.MSG=\"pair too large\" begin u32assert2.err=MSG end",
        &[1, TWO32],
        "pair too large",
    );
    check_fails(
        "begin u32assertw.err=\"word too large\" end",
        &[1, 2, P - 1, 4],
        "word too large",
    );
}

#[test]
fn u32assert_message_is_reported_as_an_assertion() {
    let e = fails(
        "begin u32assert.err=\"value too large\" end",
        &with_sentinels(&[TWO32]),
        &[],
    );
    assert!(
        what(&e).contains("assertion failed: value too large (value 4294967296 is not a u32)"),
        "{e}"
    );
    // Without a message, the plain error.
    let e = fails("begin u32assert end", &with_sentinels(&[TWO32]), &[]);
    assert!(what(&e).contains("\nvalue 4294967296 is not a u32"), "{e}");
    // A failing decorator attached to the asserting instruction is not the assertion: its
    // error carries no message (here `adv.push_u64div` on a non-u32 limb).
    let e = fails(
        "begin adv.push_u64div u32assert2.err=\"limbs too large\" end",
        &with_sentinels(&[TWO32, 1, 0, 0]),
        &[],
    );
    assert!(what(&e).contains("NotU32"), "{e}");
    assert!(!what(&e).contains("limbs too large"), "{e}");
}

#[test]
fn u32cast_and_u32split_accept_any_element() {
    for a in VALUES {
        check("begin u32cast end", &[a], 1, &[a & U32_MAX]);
        // [a] -> [hi, lo]
        check("begin u32split end", &[a], 1, &[a >> 32, a & U32_MAX]);
    }
}
