//! Assertions (field_operations.md, "Assertions and tests"): pass and remove their inputs,
//! or fail naming the message given with `.err=`.

use crate::common::*;

#[test]
fn passing_assertions_remove_their_inputs() {
    check("begin assert end", &[1, 5], 1, &[]);
    check("begin assertz end", &[0, 5], 1, &[]);
    for a in [0u64, 1, U32_MAX, TWO32, P - 1] {
        check("begin assert_eq end", &[a, a], 2, &[]);
    }
    let word = [1u64, P - 1, 0, TWO32];
    let args: Vec<u64> = word.iter().chain(&word).copied().collect();
    check("begin assert_eqw end", &args, 8, &[]);
}

#[test]
fn failing_assertions() {
    for a in [0u64, 2, P - 1] {
        check_fails("begin assert end", &[a], "FailedAssertion");
    }
    for a in [1u64, 2, P - 1] {
        check_fails("begin assertz end", &[a], "FailedAssertion");
    }
    check_fails("begin assert_eq end", &[1, 2], "FailedAssertion");
    check_fails("begin assert_eq end", &[0, P - 1], "FailedAssertion");
    for i in 0..8 {
        let mut args = vec![1u64, 2, 3, 4, 1, 2, 3, 4];
        args[i] = 9;
        check_fails("begin assert_eqw end", &args, "FailedAssertion");
    }
    // Same elements in another order are a different word.
    check_fails(
        "begin assert_eqw end",
        &[1, 2, 3, 4, 4, 3, 2, 1],
        "FailedAssertion",
    );
}

#[test]
fn failed_assertions_name_their_message() {
    for (src, args) in [
        ("begin assert.err=\"must be one\" end", vec![0u64]),
        ("begin assertz.err=\"must be one\" end", vec![1]),
        ("begin assert_eq.err=\"must be one\" end", vec![1, 2]),
        (
            "begin assert_eqw.err=\"must be one\" end",
            vec![1, 2, 3, 4, 1, 2, 3, 5],
        ),
    ] {
        check_fails(src, &args, "must be one");
    }
    // Messages from constants.
    check_fails(
        "const.ERR=\"named failure\" begin assert.err=ERR end",
        &[0],
        "named failure",
    );
}

#[test]
fn failure_location_points_at_the_source_line() {
    let src = "begin\n    push.1\n    assert\n    push.0\n    assert.err=\"second\"\nend";
    let e = fails(src, &[], &[]);
    assert!(what(&e).contains("second"), "{e}");
    assert!(e.contains(":5:"), "the error should point at line 5: {e}");
}

#[test]
fn failure_inside_a_procedure_names_the_call_chain() {
    let src = "proc.inner assert.err=\"deep\" end
        proc.outer exec.inner end
        begin push.0 exec.outer end";
    let e = fails(src, &[], &[]);
    assert!(what(&e).contains("deep"), "{e}");
    assert!(e.contains("inner") && e.contains("outer"), "{e}");
}
