//! Flow control (flow_control.md): if/else, while loops, repeat loops, nop.

use crate::common::*;

#[test]
fn if_true_else() {
    let src = "begin if.true push.10 else push.20 end end";
    check(src, &[1, 5], 1, &[10]);
    check(src, &[0, 5], 1, &[20]);
    // Abbreviated form: the else branch does nothing.
    let src = "begin if.true push.10 end end";
    check(src, &[1, 5], 1, &[10]);
    check(src, &[0, 5], 1, &[]);
    // An empty true branch with an else.
    let src = "begin if.true else push.20 end end";
    check(src, &[1], 1, &[]);
    check(src, &[0], 1, &[20]);
}

#[test]
fn if_false_swaps_the_branches() {
    let src = "begin if.false push.10 else push.20 end end";
    check(src, &[0, 5], 1, &[10]);
    check(src, &[1, 5], 1, &[20]);
    let src = "begin if.false push.10 end end";
    check(src, &[0], 1, &[10]);
    check(src, &[1], 1, &[]);
}

#[test]
fn nested_conditionals() {
    let src = "begin
        if.true
            if.true push.1 else push.2 end
        else
            if.true push.3 else push.4 end
        end
    end";
    // [outer, inner]
    check(src, &[1, 1], 2, &[1]);
    check(src, &[1, 0], 2, &[2]);
    check(src, &[0, 1], 2, &[3]);
    check(src, &[0, 0], 2, &[4]);
}

#[test]
fn non_binary_conditions_fail() {
    for c in [2u64, P - 1, TWO32] {
        check_fails(
            "begin if.true push.1 else push.2 end end",
            &[c],
            "NotBinary",
        );
        check_fails("begin if.false push.1 end end", &[c], "NotBinary");
        check_fails("begin while.true push.0 end end", &[c], "NotBinary");
    }
    // A non-binary value at the loop's back edge also fails.
    check_fails("begin while.true push.2 end end", &[1], "NotBinary");
}

#[test]
fn while_loops() {
    // Skipped entirely on 0.
    check("begin while.true push.99 push.0 end end", &[0, 5], 1, &[]);
    // Runs once.
    check("begin while.true push.99 push.0 end end", &[1, 5], 1, &[99]);
    // Counts down from n, summing n + (n-1) + ... + 1.
    let src = "begin
        push.0 swap                # [n, acc]
        dup neq.0
        while.true                 # [n, acc]
            dup movup.2 add swap   # [n, acc + n]
            sub.1
            dup neq.0
        end
        drop
    end";
    for n in [1u64, 2, 10, 100] {
        check(src, &[n], 1, &[n * (n + 1) / 2]);
    }
}

#[test]
fn repeat_loops() {
    check("begin repeat.1 push.7 end end", &[], 0, &[7]);
    check("begin repeat.5 add.3 end end", &[1], 1, &[16]);
    check("begin repeat.3 push.1 end end", &[], 0, &[1, 1, 1]);
    // Nested: 4 * 5 iterations.
    check("begin repeat.4 repeat.5 add.1 end end end", &[0], 1, &[20]);
    // Three levels with a while loop inside.
    let src = "begin
        repeat.2
            repeat.3
                push.1
                while.true add.1 push.0 end
            end
        end
    end";
    check(src, &[0], 1, &[6]);
    // Large counts are not unrolled into the program but still run.
    check("begin repeat.100000 add.1 end end", &[0], 1, &[100000]);
    rejected("begin repeat.0 push.1 end end");
}

#[test]
fn repeat_count_from_a_constant() {
    check("const.N=6 begin repeat.N add.2 end end", &[0], 1, &[12]);
}

#[test]
fn nop_does_nothing() {
    check("begin nop end", &[1, 2, 3], 0, &[]);
    check("begin nop nop push.1 nop end", &[], 0, &[1]);
}

#[test]
fn emit_trace_and_debug_leave_the_stack_alone() {
    check(
        "begin push.1 emit.7 trace.3 debug.stack drop end",
        &[4],
        0,
        &[],
    );
    let src = "proc.f.4 debug.local debug.local.1 debug.local.0.3 end
        begin debug.mem debug.mem.4 debug.mem.4.7 debug.adv_stack debug.adv_stack.4
        debug.stack.8 breakpoint exec.f end";
    check(src, &[4, 5], 0, &[]);
}
