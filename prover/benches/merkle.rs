//! Proving time and proof size of a Merkle-path-heavy program: `mtree_verify` of one
//! depth-`d` opening repeated `k` times against a tree of `2^d` leaves held by the advice
//! provider, at the default preset (96-bit, BLAKE3, zero knowledge on). Run with
//! `cargo bench -p vm-prover --bench merkle` (not part of CI); cycles, trace length and
//! proof size are printed once per size.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use vm_air::preset;
use vm_core::{Felt, StackInputs, Word};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};

/// Leaf `i` of the tree: `[i, 2 i + 1, 0, 7]`.
fn leaf(i: u64) -> Word {
    [
        Felt::new(i),
        Felt::new(2 * i + 1),
        Felt::new(0),
        Felt::new(7),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("prove_merkle_paths");
    group.sample_size(10);
    let preset = preset::default_preset();
    for (depth, repeats) in [(10u32, 16usize), (10, 64), (20, 16)] {
        let leaves: Vec<Word> = (0..1u64 << depth).map(leaf).collect();
        let mut advice = AdviceInputs::default();
        let root = advice.add_merkle_tree(&leaves);
        let index = (1u64 << depth) / 3;
        // [V, d, i, R] with V on top (a word lies on the stack element 3 first).
        let mut stack: Vec<u64> = root.iter().map(|x| x.as_int()).collect();
        stack.push(index);
        stack.push(u64::from(depth));
        stack.extend(leaf(index).iter().map(|x| x.as_int()));
        let src = format!("begin repeat.{repeats} mtree_verify end end");
        let program = vm_assembly::Assembler::new()
            .assemble_source("merkle.masm", &src)
            .expect("valid program");
        let inputs = StackInputs::try_from_ints(stack).unwrap();
        let run = || {
            vm_prover::prove(
                &program,
                inputs.clone(),
                advice.clone(),
                &mut DefaultHost,
                ExecutionOptions::default(),
                preset,
            )
            .expect("the openings prove")
        };
        let p = run();
        let started = std::time::Instant::now();
        let proof = vm_air::VmProof::from_bytes(&p.proof.to_bytes()).unwrap();
        vm_verifier::verify(program.hash(), inputs.clone(), p.output.stack, &proof, 96)
            .expect("verifies");
        println!(
            "{repeats} openings of depth {depth}: cycles {}, trace length {}, width {}+{}, proof {} bytes, verify {:?}",
            p.stats.cycles,
            p.stats.trace_len,
            p.stats.main_width,
            p.stats.aux_width,
            p.proof.to_bytes().len(),
            started.elapsed(),
        );
        group.bench_function(
            BenchmarkId::new(preset.name, format!("{repeats}x depth {depth}")),
            |b| b.iter(run),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
