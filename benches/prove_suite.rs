//! Criterion benchmark of the suite in `benches/suite/`: proving time of each program at the
//! default preset (96-bit, BLAKE3, zero knowledge on), 10 samples. Not part of CI. Run one
//! group with a filter, e.g. `cargo bench --profile release --bench prove_suite -- merkle`
//! (the `bench` profile's LTO build is slower to compile; both measure the same code).
//! Cycles, trace length, width and proof size are printed once per program; `vm bench`
//! reports the same figures with the time of each phase. `VM_BENCH_PROGRAMS=merkle,hbs`
//! restricts the run to those programs (each listed program is proven once before
//! criterion's filter applies, to print its figures).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use vm::processor::InputFile;
use vm::{DefaultHost, ProvingOptions};

/// The suite's programs this benchmark proves (the fib sizes above 2^16 take minutes per
/// sample on a small machine; `vm bench` covers them).
const PROGRAMS: &[&str] = &[
    "fib-12",
    "fib-14",
    "fib-16",
    "u32-loop",
    "memory",
    "sha256-compress",
    "sha256-1k",
    "blake3-1k",
    "merkle",
    "hbs",
];

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/suite");
    let mut group = c.benchmark_group("prove_suite");
    group.sample_size(10);
    let options = ProvingOptions::default();
    let only = std::env::var("VM_BENCH_PROGRAMS").ok();
    let selected = |name: &str| {
        only.as_ref()
            .is_none_or(|l| l.split(',').any(|n| n == name))
    };
    for name in PROGRAMS.iter().filter(|n| selected(n)) {
        let path = dir.join(format!("{name}.masm"));
        let program = vm::Assembler::new()
            .assemble_file(&path)
            .expect("suite program assembles");
        let text = std::fs::read_to_string(path.with_extension("inputs")).expect("inputs file");
        let inputs = InputFile::parse(&text).expect("valid inputs file");
        let run = || {
            vm::prove(
                &program,
                inputs.stack_inputs(),
                inputs.advice_inputs(),
                &mut DefaultHost,
                &options,
            )
            .expect("the suite program proves")
        };
        let p = run();
        println!(
            "{name}: cycles {}, trace length {}, width {}+{}, proof {} bytes",
            p.stats.cycles,
            p.stats.trace_len,
            p.stats.main_width,
            p.stats.aux_width,
            p.proof.to_bytes().len(),
        );
        group.bench_function(BenchmarkId::new(options.preset.name, name), |b| b.iter(run));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
