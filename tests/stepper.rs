//! `vm_processor::Stepper`: stepping a run cycle by cycle gives what the fast executor gives
//! (outputs, cycles, statistics, errors), and going back by re-execution reaches the same
//! states.

#[path = "instructions/common.rs"]
mod common;

use std::path::Path;

use common::EXAMPLES;
use vm::assembly::Assembler;
use vm::processor::{execute, DefaultHost, ExecutionOptions, InputFile, StepState, Stepper};

fn example(name: &str) -> (vm::Program, InputFile) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let program = Assembler::new()
        .assemble_file(dir.join(format!("{name}.masm")))
        .unwrap();
    let text = std::fs::read_to_string(dir.join(format!("{name}.inputs"))).unwrap();
    (program, InputFile::parse(&text).unwrap())
}

#[test]
fn stepping_to_the_end_is_the_fast_executor() {
    for name in EXAMPLES {
        let (program, inputs) = example(name);
        let options = ExecutionOptions::default();
        let fast = execute(
            &program,
            inputs.stack_inputs(),
            inputs.advice_inputs(),
            &mut DefaultHost,
            options,
        )
        .unwrap();
        let mut host = DefaultHost;
        let mut st = Stepper::new(
            &program,
            inputs.stack_inputs(),
            inputs.advice_inputs(),
            &mut host,
            options,
        );
        let mut steps = 0u64;
        while !st.step().unwrap() {
            steps += 1;
            assert_eq!(st.clk(), steps, "{name}");
        }
        assert_eq!(st.state(), &StepState::Halted);
        assert_eq!(st.output(), fast, "{name}");
        assert_eq!(steps + 1, fast.cycles);
        // Halted: stepping again changes nothing.
        assert!(st.step().unwrap());
        assert_eq!(st.output(), fast);
    }
}

#[test]
fn going_back_reaches_the_same_states() {
    let (program, inputs) = example("procedures");
    let mut host = DefaultHost;
    let mut st = Stepper::new(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut host,
        ExecutionOptions::default(),
    );
    let mut seen = Vec::new();
    loop {
        seen.push((
            st.pc(),
            st.stack(),
            st.memory_cells(),
            st.fmp(),
            st.frames().to_vec(),
        ));
        if st.step().unwrap() {
            break;
        }
    }
    for clk in [300u64, 17, 0, 120, 121, 452] {
        st.run_to(clk).unwrap();
        assert_eq!(st.clk(), clk);
        let (pc, stack, mem, fmp, frames) = &seen[clk as usize];
        assert_eq!(st.pc(), *pc, "cycle {clk}");
        assert_eq!(&st.stack(), stack, "cycle {clk}");
        assert_eq!(&st.memory_cells(), mem, "cycle {clk}");
        assert_eq!(st.fmp(), *fmp, "cycle {clk}");
        assert_eq!(st.frames(), &frames[..], "cycle {clk}");
    }
}

#[test]
fn a_failure_is_the_fast_executors_error() {
    let program = Assembler::new()
        .assemble_source(
            "fail.masm",
            "proc.f\n    push.2 assert.err=\"two\"\nend\nbegin\n    exec.f\nend\n",
        )
        .unwrap();
    let stack = vm::StackInputs::default();
    let advice = vm::processor::AdviceInputs::default();
    let options = ExecutionOptions::default();
    let fast = execute(
        &program,
        stack.clone(),
        advice.clone(),
        &mut DefaultHost,
        options,
    )
    .unwrap_err();
    let mut host = DefaultHost;
    let mut st = Stepper::new(&program, stack, advice, &mut host, options);
    let err = st.run().unwrap_err();
    assert_eq!(err, fast);
    assert_eq!(st.state(), &StepState::Failed(fast.clone()));
    assert_eq!(st.step().unwrap_err(), fast, "a failed run stays failed");
    // Before the failing cycle: the operand of the ASSERT, in f.
    st.run_to(err.clk).unwrap();
    assert_eq!(st.state(), &StepState::Running);
    assert_eq!(st.stack()[0].as_int(), 2);
    assert_eq!(st.return_addresses().len(), 1);
    assert_eq!(st.pc() as u32, err.pc);
}
