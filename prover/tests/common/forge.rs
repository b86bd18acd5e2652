//! Forged statements and the checks every soundness test applies to them: the direct
//! checker must name the constraint a forgery targets among those it violates, and the
//! release-build verifier must reject a proof of it.

use rand::{rngs::StdRng, SeedableRng};
use vm_air::{preset, PublicInputs};
use vm_core::{Instruction, Opcode, Program, StackInputs};
use vm_prover::{
    check::{check, Violations},
    prove_trace_unchecked_for_testing,
    trace::{build_with_hooks_for_testing, TraceHooksForTesting, VmTrace},
};

use super::{run, Phase, Run, State};

/// Assembles a test program.
pub fn assemble(src: &str) -> Program {
    vm_assembly::Assembler::new()
        .assemble_source("forgery.masm", src)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// Stack inputs from integers (first element on top).
pub fn inputs(v: &[u64]) -> StackInputs {
    StackInputs::try_from_ints(v.iter().copied()).unwrap()
}

/// A forged statement: the trace and the public inputs the liar claims.
pub struct Forgery {
    /// The trace the liar commits to.
    pub trace: VmTrace,
    /// The statement it claims.
    pub public: PublicInputs,
}

/// Runs `program` maliciously and builds the trace the chiplet attests for `attested`.
pub fn forge_with(
    attested: &Program,
    program: &Program,
    stack: &[u64],
    advice: &[u64],
    hooks: TraceHooksForTesting,
    lie: impl FnMut(Phase, usize, Instruction, &mut State),
) -> Forgery {
    let preset = preset::default_preset();
    let Run {
        trace,
        final_depth,
        outputs,
    } = run(program, &inputs(stack), advice, lie);
    let mut rng = StdRng::seed_from_u64(7);
    let trace =
        build_with_hooks_for_testing(attested, &trace, final_depth, preset, &mut rng, hooks);
    let public = PublicInputs {
        preset: preset.id,
        program_hash: attested.hash(),
        stack_inputs: inputs(stack),
        stack_outputs: outputs,
    };
    Forgery { trace, public }
}

/// The honest run of `program` (attested as itself) on `stack`: the trace a liar then edits.
pub fn honest_run(program: &Program, stack: &[u64]) -> Forgery {
    forge_with(
        program,
        program,
        stack,
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    )
}

/// A malicious run of `src` (attested as itself) with the lie `lie`.
pub fn forge(
    src: &str,
    stack: &[u64],
    lie: impl FnMut(Phase, usize, Instruction, &mut State),
) -> Forgery {
    let p = assemble(src);
    forge_with(&p, &p, stack, &[], TraceHooksForTesting::default(), lie)
}

/// A lie after the first execution of `op`: `change` edits the state it produced.
pub fn after_first(
    op: Opcode,
    mut change: impl FnMut(&mut State),
) -> impl FnMut(Phase, usize, Instruction, &mut State) {
    let mut done = false;
    move |phase, _, ins, st| {
        if phase == Phase::After && ins.op == op && !done {
            done = true;
            change(st);
        }
    }
}

/// The preset a forgery's public inputs name (the one its trace was built under).
fn preset_of(f: &Forgery) -> &'static preset::Preset {
    preset::by_id(f.public.preset).expect("a forgery names a preset of the table")
}

/// Every violation of a forgery under the preset it names.
pub fn violations(f: &Forgery) -> Violations {
    match check(&f.trace, &f.public, preset_of(f)) {
        Ok(()) => Violations::default(),
        Err(v) => v,
    }
}

/// The forgery must violate `target` (the constraint it is built to break); returns all
/// its violations.
#[track_caller]
pub fn rejected(f: &Forgery, target: &str) -> Violations {
    let v = violations(f);
    assert!(!v.is_empty(), "the forgery satisfies every constraint");
    assert!(
        v.contains(target),
        "the forgery aimed at {target} is caught only by {v}"
    );
    v
}

/// The forgery must be caught by `target` alone: with it switched off, nothing else sees
/// the lie (what the mutation sweep relies on).
#[track_caller]
pub fn rejected_only_by(f: &Forgery, target: &str) {
    let v = rejected(f, target);
    assert_eq!(
        v.names().into_iter().collect::<Vec<_>>(),
        vec![target],
        "the forgery aimed at {target} is caught by {v}"
    );
}

/// An honest trace satisfies every constraint.
#[track_caller]
pub fn honest(f: &Forgery) {
    let v = violations(f);
    assert!(v.is_empty(), "an honest trace violates {v}");
}

/// The forgery must also be rejected by the verifier after a real proof.
pub fn rejected_by_verifier(f: Forgery) {
    let preset = preset_of(&f);
    let public = f.public.clone();
    let proof =
        prove_trace_unchecked_for_testing(f.trace, f.public, preset, StdRng::seed_from_u64(1))
            .expect("release-mode winterfell proves any trace");
    let res = vm_verifier::verify(
        public.program_hash,
        public.stack_inputs,
        public.stack_outputs,
        &proof,
        96,
    );
    assert!(res.is_err(), "the verifier accepted a forged proof");
}

/// Proves `program` on `inputs` with `advice` under the preset named `preset`, reads the
/// proof back from its bytes and verifies it; panics naming `label` and the preset when
/// either step fails (what every honest prove-and-verify test checks).
#[track_caller]
pub fn proves_and_verifies(
    program: &Program,
    inputs: &StackInputs,
    advice: vm_processor::AdviceInputs,
    preset: &str,
    label: &str,
) {
    use vm_processor::{DefaultHost, ExecutionOptions};
    let p = preset::by_name(preset).unwrap_or_else(|| panic!("no preset {preset}"));
    let proved = vm_prover::prove(
        program,
        inputs.clone(),
        advice,
        &mut DefaultHost,
        ExecutionOptions::default(),
        p,
    )
    .unwrap_or_else(|e| panic!("{label} at {preset}: {e}"));
    let proof = vm_air::VmProof::from_bytes(&proved.proof.to_bytes())
        .unwrap_or_else(|e| panic!("{label} at {preset}: the proof's bytes: {e}"));
    vm_verifier::verify(
        program.hash(),
        inputs.clone(),
        proved.output.stack,
        &proof,
        p.security_bits,
    )
    .unwrap_or_else(|e| panic!("{label} at {preset}: {e}"));
}

/// [`proves_and_verifies`] at the 96-bit and the 128-bit preset, without advice.
#[track_caller]
pub fn proves_and_verifies_at_both_presets(program: &Program, stack: &[u64], label: &str) {
    for preset in ["96", "128"] {
        proves_and_verifies(
            program,
            &inputs(stack),
            vm_processor::AdviceInputs::default(),
            preset,
            label,
        );
    }
}

/// Recomputes the chiplet's multiplicities from the trace's `pc` column (rows `0..last`,
/// the lookups the bus sums), after a test edited the CPU columns by hand, so that the
/// program table balances the edited lookups.
pub fn recount_multiplicities(trace: &mut VmTrace) {
    use vm_air::{chiplets::hasher::CYCLE_LEN, layout::*};
    use vm_core::{Felt, FieldElement};
    let last = trace.last_real;
    let cols = trace.columns_mut_for_testing();
    let mut counts = std::collections::HashMap::<u64, u64>::new();
    for i in 0..last {
        *counts.entry(cols.get(PC, i).as_int()).or_default() += 1;
    }
    for k in 0..=last / CYCLE_LEN {
        let row = CYCLE_LEN * k;
        if cols.get(HASH_ACTIVE, row) != Felt::ONE {
            break;
        }
        for j in 0..INSTRUCTIONS_PER_CYCLE {
            let addr = (INSTRUCTIONS_PER_CYCLE * k + j) as u64;
            let m = counts.get(&addr).copied().unwrap_or(0);
            cols.set(HASH_MULT + j, row, Felt::new(m));
        }
    }
}

/// The early-halt forgery: runs `program` for the first `last` cycles of a trace of
/// `2^log_n` rows and claims the state of cycle `last` as the output, with the `HALT` flags
/// put on the last real row only (whose own lookup no transition sums). Returns the forgery
/// and the rows of the run's first `last + 1` cycles.
pub fn cut_short(
    program: &Program,
    stack: &[u64],
    log_n: u32,
) -> (Forgery, Vec<vm_processor::trace::CycleRow>) {
    cut_short_under(program, stack, log_n, preset::default_preset())
}

/// [`cut_short`] under `preset`, whose random rows place the last real row.
pub fn cut_short_under(
    program: &Program,
    stack: &[u64],
    log_n: u32,
    preset: &'static preset::Preset,
) -> (Forgery, Vec<vm_processor::trace::CycleRow>) {
    use vm_air::layout::*;
    use vm_core::{Felt, StackOutputs};
    let n = 1usize << log_n;
    let last = n - preset.random_rows() - 1;
    let rows = super::rows_of(program, &inputs(stack), last + 1);
    let exec = vm_processor::trace::ExecutionTrace {
        rows: rows[..last].to_vec(),
        ..Default::default()
    };
    let mut trace = build_with_hooks_for_testing(
        program,
        &exec,
        16,
        preset,
        &mut StdRng::seed_from_u64(4),
        TraceHooksForTesting::default(),
    );
    assert_eq!(trace.last_real, last);
    let final_row = rows[last];
    let cols = trace.columns_mut_for_testing();
    cols.set(PC, last, Felt::from(final_row.pc));
    for k in 0..16 {
        cols.set(STACK + k, last, final_row.stack[k]);
    }
    // The registers the processor recorded for cycle `last` (the builder repeats row
    // `last - 1`'s on a row past the end of the run).
    cols.set(DEPTH, last, Felt::new(final_row.depth as u64));
    cols.set(OVF_PTR, last, final_row.ovf_ptr);
    cols.set(CTOP, last, final_row.ctop);
    cols.set(CKIND, last, final_row.ckind);
    cols.set(CPTR, last, final_row.cptr);
    let halt = flag_columns(Opcode::Halt);
    for c in FLAGS..FLAGS + NUM_FLAGS {
        cols.set(c, last, Felt::from(halt.contains(&c) as u8));
    }
    let public = PublicInputs {
        preset: preset.id,
        program_hash: program.hash(),
        stack_inputs: inputs(stack),
        stack_outputs: StackOutputs::new(&final_row.stack).unwrap(),
    };
    (Forgery { trace, public }, rows)
}
