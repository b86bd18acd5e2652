//! Whole-program limits: the cycle limit, deep final stacks, refused instructions.

use vm::processor::{AdviceInputs, ExecutionOptions};

use crate::common::*;

fn with_limit(src: &str, max_cycles: u64) -> Result<Outcome, String> {
    run_full(
        src,
        &[],
        AdviceInputs::default(),
        ExecutionOptions::default().with_max_cycles(max_cycles),
    )
}

#[test]
fn cycle_limit_stops_an_endless_loop() {
    let e = with_limit("begin push.1 while.true push.1 end end", 10_000).unwrap_err();
    assert!(e.contains("CycleLimitExceeded"), "{e}");
    assert!(
        what(&e).contains("10000"),
        "the error should name the limit: {e}"
    );
}

#[test]
fn cycle_limit_is_inclusive_of_a_program_that_fits() {
    let src = "begin repeat.10 add.1 end end";
    let cycles = with_limit(src, 1 << 20).unwrap().cycles;
    assert!(cycles >= 10, "{cycles}");
    assert_eq!(with_limit(src, cycles).unwrap().stack[0], 10);
    assert!(with_limit(src, cycles - 1)
        .unwrap_err()
        .contains("CycleLimitExceeded"));
}

#[test]
fn final_stack_deeper_than_16_keeps_the_top_16() {
    let src = "begin push.1.2.3.4.5.6.7.8.9.10 push.11.12.13.14.15.16.17.18.19.20 end";
    let o = run_full(
        src,
        &[],
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
    .unwrap();
    let want: Vec<u64> = (5..=20).rev().collect();
    assert_eq!(o.stack.to_vec(), want);
    assert_eq!(o.depth, 36);
    // With inputs: the inputs end up below the pushed values.
    let o = run_full(
        "begin repeat.20 push.9 end end",
        &[1, 2, 3],
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
    .unwrap();
    assert_eq!(o.stack, [9; 16]);
    assert_eq!(o.depth, 36);
}

#[test]
fn instructions_this_vm_refuses_are_assembly_errors() {
    // See docs/instructions.md: no kernels, no MAST roots, no Miden cycle accounting.
    for src in ["clk", "caller", "dynexec", "dyncall"] {
        rejected(&prog(src));
    }
    rejected("proc.foo add end begin procref.foo end");
    rejected("proc.foo add end begin syscall.foo end");
}

#[test]
fn deep_stacks_pop_in_last_in_first_out_order() {
    // Push 0, 1, ..., 40 (40 on top), then drop 24: the top 16 are 16 down to 1.
    let src = "begin push.0 repeat.40 dup add.1 end \
               dropw dropw dropw dropw dropw dropw end";
    let o = run_full(
        src,
        &[],
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
    .unwrap();
    let want: Vec<u64> = (1..=16).rev().collect();
    assert_eq!(o.stack.to_vec(), want);
    assert_eq!(o.depth, 16 + 41 - 24);
    // Swapping deep words in and out keeps every element.
    let src = "begin push.0 repeat.40 dup add.1 end \
               movupw.3 movupw.3 swapdw movdnw.3 repeat.41 add end end";
    let o = run_full(
        src,
        &[],
        AdviceInputs::default(),
        ExecutionOptions::default(),
    )
    .unwrap();
    assert_eq!(o.stack[0], (0..=40).sum::<u64>());
}
