//! Runs every bundled example with its inputs file and checks the documented output stack.

use vm::processor::{execute, DefaultHost, ExecutionOptions, InputFile};

fn run_example(name: &str) -> Vec<u64> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let program = vm::assembly::Assembler::new()
        .assemble_file(format!("{dir}/{name}/{name}.masm"))
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let inputs = std::fs::read_to_string(format!("{dir}/{name}/{name}.inputs")).unwrap();
    let inputs = InputFile::parse(&inputs).unwrap();
    let out = execute(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    out.stack.as_ints()
}

fn check(name: &str, expected_top: &[u64]) {
    let out = run_example(name);
    assert_eq!(&out[..expected_top.len()], expected_top, "{name}");
    assert!(
        out[expected_top.len()..].iter().all(|x| *x == 0),
        "{name}: {out:?}"
    );
}

#[test]
fn fib() {
    check("fib", &[16245143635561662896]);
}

#[test]
fn loops() {
    check("loops", &[1980]);
}

#[test]
fn procedures() {
    check("procedures", &[25]);
}

#[test]
fn memory() {
    check("memory", &[10, 4, 3, 2, 1]);
}

#[test]
fn u32_math() {
    check("u32", &[1, 5032704, 13, 100000000, 238, 4]);
}

#[test]
fn advice() {
    check("advice", &[]);
}

#[test]
fn merkle() {
    check(
        "merkle",
        &[
            8559788119115046641,
            3180099574087488181,
            8942720344400993366,
            2266692535686334814,
        ],
    );
}

#[test]
fn call() {
    check("call", &[7, 5]);
}
