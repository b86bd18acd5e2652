//! Executor throughput on a simple loop: the fast executor against the tracing one.
//! Run with `cargo bench -p vm-processor` (not part of CI).

// Criterion closures return the executor result as is; its large error type is irrelevant here.
#![allow(clippy::result_large_err)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vm_core::{DebugInfo, Felt, Instruction, Opcode, Program, StackInputs};
use vm_processor::{execute, execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};

/// `repeat.N add.1 dup mul.3 drop end`: five native operations per iteration.
fn loop_program(iterations: u64) -> Program {
    let code = vec![
        Instruction::with_imm(Opcode::Repeat, Felt::new(iterations)),
        Instruction::with_imm(Opcode::Addi, Felt::new(1)),
        Instruction::new(Opcode::Dup0),
        Instruction::with_imm(Opcode::Muli, Felt::new(3)),
        Instruction::new(Opcode::Drop),
        Instruction::with_imm(Opcode::Next, Felt::new(1)),
        Instruction::new(Opcode::Halt),
    ];
    Program::new(code, DebugInfo::default()).expect("valid program")
}

fn bench(c: &mut Criterion) {
    let iterations = 1 << 18;
    let program = loop_program(iterations);
    let cycles = execute(
        &program,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .expect("runs")
    .cycles;
    let mut group = c.benchmark_group("execute");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(cycles));
    group.bench_function("fast", |b| {
        b.iter(|| {
            execute(
                &program,
                StackInputs::default(),
                AdviceInputs::default(),
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
        })
    });
    group.bench_function("traced", |b| {
        b.iter(|| {
            execute_traced(
                &program,
                StackInputs::default(),
                AdviceInputs::default(),
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
