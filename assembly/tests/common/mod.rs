//! Helpers shared by the front-end tests.
#![allow(dead_code)]

use vm_assembly::Assembler;
use vm_core::{Opcode, Program, StackInputs};
use vm_processor::{execute, AdviceInputs, DefaultHost, ExecutionOptions};

/// Renders a report as the CLI shows it, without colours.
pub fn render(r: &miette::Report) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(200)
        .render_report(&mut s, r.as_ref())
        .expect("renders");
    s
}

/// Assembles `src` (as `t.masm`), panicking with the rendered diagnostic on failure.
pub fn assemble(src: &str) -> Program {
    Assembler::new()
        .assemble_source("t.masm", src)
        .unwrap_or_else(|e| panic!("{}", render(&e)))
}

/// The rendered diagnostic for `src`, which must fail to assemble.
pub fn err(src: &str) -> String {
    let e = Assembler::new()
        .assemble_source("t.masm", src)
        .expect_err("should fail to assemble");
    render(&e)
}

/// Asserts that `text` contains every one of `parts`.
#[track_caller]
pub fn assert_has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "missing {p:?} in:\n{text}");
    }
}

/// The opcodes of the assembled program.
pub fn ops(src: &str) -> Vec<Opcode> {
    assemble(src).code().iter().map(|i| i.op).collect()
}

/// Runs `src` on `stack` (last value on top) and returns the top `n` outputs, top first.
pub fn run(src: &str, stack: &[u64], n: usize) -> Vec<u64> {
    let program = assemble(src);
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).expect("valid inputs");
    let out = execute(
        &program,
        inputs,
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{src}: {e}"));
    out.stack.as_ints()[..n].to_vec()
}
