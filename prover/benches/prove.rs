//! Proving time and proof size for Fibonacci at 2^12..2^18 cycles, with and without zero
//! knowledge, at the default preset (96-bit, BLAKE3). Run with `cargo bench -p vm-prover`
//! (not part of CI). Proof sizes and trace lengths are printed once per size.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use vm_air::preset;
use vm_core::{Program, StackInputs};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};

/// `repeat.k swap dup.1 add end`: about 3 cycles per iteration.
fn fib(cycles: usize) -> Program {
    let src = format!("begin repeat.{} swap dup.1 add end end", cycles / 3);
    vm_assembly::Assembler::new()
        .assemble_source("fib.masm", &src)
        .expect("valid program")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("prove_fib");
    group.sample_size(10);
    for log in [12u32, 14, 16, 18] {
        let program = fib((1 << log) - 200);
        for preset in [
            preset::default_preset(),
            preset::default_preset().without_zk(),
        ] {
            let run = || {
                vm_prover::prove(
                    &program,
                    StackInputs::try_from_ints([0, 1]).unwrap(),
                    AdviceInputs::default(),
                    &mut DefaultHost,
                    ExecutionOptions::default(),
                    preset,
                )
                .expect("fib proves")
            };
            let p = run();
            let started = std::time::Instant::now();
            let proof = vm_air::VmProof::from_bytes(&p.proof.to_bytes()).unwrap();
            vm_verifier::verify(
                program.hash(),
                p.public.stack_inputs.clone(),
                p.output.stack,
                &proof,
                96,
            )
            .expect("verifies");
            println!(
                "fib 2^{log} {}: cycles {}, trace length {}, width {}+{}, proof {} bytes, verify {:?}, {} bits",
                preset.name,
                p.stats.cycles,
                p.stats.trace_len,
                p.stats.main_width,
                p.stats.aux_width,
                p.proof.to_bytes().len(),
                started.elapsed(),
                p.proof.security_bits()
            );
            group.bench_function(BenchmarkId::new(preset.name, format!("2^{log}")), |b| {
                b.iter(run)
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
