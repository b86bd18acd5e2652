//! Honest proofs: programs using the proven operations prove and verify under every preset.

use vm_air::preset::{self, PRESETS};
use vm_core::{Program, StackInputs};
use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};
use vm_prover::{check, prove, trace};

fn assemble(src: &str) -> Program {
    vm_assembly::Assembler::new()
        .assemble_source("test.masm", src)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn inputs(v: &[u64]) -> StackInputs {
    StackInputs::try_from_ints(v.iter().copied()).unwrap()
}

/// Proves `program` on `stack` under `preset` (no advice).
fn prove_on(
    program: &Program,
    stack: &[u64],
    preset: &'static vm_air::Preset,
    options: ExecutionOptions,
) -> Result<vm_prover::Proved, vm_prover::ProveError> {
    prove(
        program,
        inputs(stack),
        AdviceInputs::default(),
        &mut DefaultHost,
        options,
        preset,
    )
}

const FIB: &str = "begin repeat.50 swap dup.1 add end end";

#[test]
fn honest_trace_satisfies_every_constraint() {
    let (t, public) = default_fib_trace();
    assert_eq!(check::check(&t, &public, preset::default_preset()), Ok(()));
}

/// Proves `program` on `[0, 1]` under the default preset and verifies the proof read back
/// from its bytes at 96 bits: the proof and the security the verifier reports.
fn prove_and_verify_by_default(program: &Program) -> (vm_air::VmProof, u32) {
    let proved = prove_on(
        program,
        &[0, 1],
        preset::default_preset(),
        ExecutionOptions::default(),
    )
    .unwrap();
    let proof = vm_air::VmProof::from_bytes(&proved.proof.to_bytes()).unwrap();
    let bits = vm_verifier::verify(
        program.hash(),
        inputs(&[0, 1]),
        proved.output.stack,
        &proof,
        96,
    )
    .unwrap();
    (proof, bits)
}

#[test]
fn fib_proves_and_verifies() {
    let (proof, bits) = prove_and_verify_by_default(&assemble(FIB));
    // A trace of at most 2^12 rows is proven under the default preset's short-trace
    // sibling, with the same security.
    assert_eq!(proof.preset.name, "96-short");
    assert_eq!(proof.preset.general().id, PRESETS[0].id);
    assert_eq!(bits, 96);
}

#[test]
fn a_trace_longer_than_the_short_presets_is_proven_under_the_general_one() {
    // 7 860 cycles: a 2^13-row trace, past the short-trace preset's 2^12.
    let program = assemble("begin repeat.2600 swap dup.1 add end end");
    let (proof, bits) = prove_and_verify_by_default(&program);
    assert_eq!(proof.preset.id, PRESETS[0].id);
    assert_eq!(proof.trace_len(), 1 << 13);
    assert_eq!(bits, 96);
    // Asking for the short-trace preset itself is refused with the lengths it allows.
    let short = preset::default_preset().for_short_traces().unwrap();
    let err = prove_on(&program, &[0, 1], short, ExecutionOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            vm_prover::ProveError::TraceShape {
                rows: 8192,
                max_rows: 4096,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_wrong_claimed_output_is_rejected() {
    let program = assemble(FIB);
    let proved = prove_on(
        &program,
        &[0, 1],
        preset::default_preset(),
        ExecutionOptions::default(),
    )
    .unwrap();
    let mut wrong = proved.output.stack.as_ints();
    wrong[0] += 1;
    let wrong = vm_core::StackOutputs::new(
        &wrong
            .iter()
            .map(|v| vm_core::Felt::new(*v))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let err = vm_verifier::verify(program.hash(), inputs(&[0, 1]), wrong, &proved.proof, 96);
    // winterfell's typed cause is kept, as the error's source.
    let ood = vm_verifier::VerifierError::InconsistentOodConstraintEvaluations;
    assert_eq!(err, Err(vm_verifier::VerifyError::Rejected(ood.clone())));
    let err = err.unwrap_err();
    let source = std::error::Error::source(&err).expect("the cause is the source");
    assert_eq!(source.downcast_ref(), Some(&ood));
    assert_eq!(err.to_string(), format!("proof rejected: {ood}"));
    let mut hash = program.hash();
    hash[0] += vm_core::Felt::new(1);
    let err = vm_verifier::verify(
        hash,
        inputs(&[0, 1]),
        proved.output.stack,
        &proved.proof,
        96,
    );
    assert!(
        matches!(err, Err(vm_verifier::VerifyError::Rejected(_))),
        "{err:?}"
    );
}

#[test]
fn a_failing_program_reports_its_execution_error() {
    let program = assemble("begin push.0 assert.err=\"must be one\" end");
    let err = prove_on(
        &program,
        &[],
        preset::default_preset(),
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, vm_prover::ProveError::Execution(_)), "{err}");
    assert!(err.to_string().contains("must be one"), "{err}");
    let program = assemble("begin push.1 while.true push.1 end end");
    let err = prove_on(
        &program,
        &[],
        preset::default_preset(),
        ExecutionOptions::default().with_max_cycles(1000),
    )
    .unwrap_err();
    assert!(err.to_string().contains("1000"), "{err}");
}

#[test]
fn unprovable_instructions_are_refused_with_their_location() {
    // The assembler emits no MPVERIFY (the Merkle instructions lower to constrained loops),
    // so the refused operation is put into an assembled program by hand, at the address
    // of `mtree_verify`'s first native instruction (line 4).
    use vm_core::{Instruction, Opcode};
    let program =
        assemble("begin\n  push.1 mem_store.0\n  padw padw padw hperm\n  mtree_verify\nend");
    vm_prover::check_provable(&program).unwrap();
    // The first native instruction after line 3's HPERM is `mtree_verify`'s.
    let addr = program
        .code()
        .iter()
        .position(|i| i.op == Opcode::Hperm)
        .unwrap()
        + 1;
    let mut code = program.code().to_vec();
    code[addr] = Instruction::new(Opcode::Mpverify);
    let hand_written = Program::new(code, program.debug().clone()).unwrap();
    let err = vm_prover::check_provable(&hand_written).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("MPVERIFY") && msg.contains("test.masm:4:"),
        "{msg}"
    );
}

#[test]
fn every_refusal_names_the_missing_component_and_its_issue() {
    use vm_core::{Component, Felt, Instruction, Opcode, OPCODES};
    let mut refused = 0;
    for info in OPCODES.iter().filter(|i| !vm_air::ops::is_proven(i.op)) {
        // The operation at address 1 (an `Addr` immediate of 2 points at the final HALT).
        let imm = if info.op.has_imm() { 2 } else { 0 };
        let code = vec![
            Instruction::new(Opcode::Noop),
            Instruction::with_imm(info.op, Felt::new(imm)),
            Instruction::new(Opcode::Halt),
        ];
        let program = Program::new(code, Default::default()).unwrap();
        let err = vm_prover::check_provable(&program).unwrap_err();
        let vm_prover::ProveError::Unsupported {
            op,
            ref location,
            reason,
        } = err
        else {
            panic!("{}: {err}", info.op)
        };
        assert_eq!((op, location.as_str()), (info.op, "address 1"));
        let (component, issue) = match info.component {
            Component::Hasher => ("the hasher's Merkle path requests", "(issue: hash proofs)"),
            Component::Cpu | Component::Memory | Component::Range | Component::Bitwise => {
                panic!("{op} is built but refused")
            }
        };
        assert!(
            reason.starts_with(&format!("needs {component}")),
            "{op}: {reason}"
        );
        assert!(reason.ends_with(issue), "{op}: {reason}");
        assert_eq!(
            err.to_string(),
            format!("`vm prove` cannot prove {op} yet (at address 1): {reason}")
        );
        refused += 1;
    }
    assert_eq!(refused, 2);
}

#[test]
fn a_64_bit_exponent_proves_now_that_u32split_is_constrained() {
    // `exp` on 3^5 once proved 3^6 (a 64-step chain took the bits of 5 + p). It splits the
    // exponent with U32SPLIT, canonical by `u32.canonical`, into two 32-step chains.
    for src in ["begin exp end", "begin exp.u64 end", "begin exp.u63 end"] {
        let program = assemble(src);
        vm_prover::check_provable(&program).unwrap();
        let proved = prove(
            &program,
            StackInputs::try_from_ints([3, 5]).unwrap(),
            AdviceInputs::default(),
            &mut DefaultHost,
            ExecutionOptions::default(),
            preset::default_preset(),
        )
        .unwrap();
        assert_eq!(proved.output.stack.top_first()[0].as_int(), 243, "{src}");
    }
}

#[test]
fn a_stark_failure_keeps_winterfells_cause() {
    let cause = vm_prover::ProverError::UnsatisfiedTransitionConstraintError(3);
    let err = vm_prover::ProveError::from(cause.clone());
    let source = std::error::Error::source(&err).expect("the cause is the source");
    assert_eq!(
        source.downcast_ref::<vm_prover::ProverError>(),
        Some(&cause)
    );
    assert_eq!(err.to_string(), format!("the STARK prover failed: {cause}"));
}

#[test]
fn every_preset_proves_and_verifies() {
    let program = assemble("begin repeat.20 swap dup.1 add end end");
    for p in PRESETS {
        let proved = prove_on(&program, &[0, 1], p, ExecutionOptions::default()).unwrap();
        let proof = vm_air::VmProof::from_bytes(&proved.proof.to_bytes()).unwrap();
        // A short trace is proven under the short-trace sibling where the preset has one.
        assert_eq!(proof.preset.id, p.for_short_traces().unwrap_or(p).id);
        let bits = vm_verifier::verify(
            program.hash(),
            inputs(&[0, 1]),
            proved.output.stack,
            &proof,
            p.security_bits,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert!(bits >= p.security_bits, "{}: {bits}", p.name);
        // Asking for more security than the preset gives is refused.
        let err = vm_verifier::verify(
            program.hash(),
            inputs(&[0, 1]),
            proved.output.stack,
            &proof,
            200,
        );
        assert_eq!(
            err,
            Err(vm_verifier::VerifyError::InsufficientSecurity {
                provided: bits,
                required: 200
            }),
            "{}",
            p.name
        );
    }
}

/// The FIB trace on `[0, 1]` built for the default preset, with its honest public inputs.
fn default_fib_trace() -> (trace::VmTrace, vm_air::PublicInputs) {
    let program = assemble(FIB);
    let preset = preset::default_preset();
    let (out, exec) = vm_processor::execute_traced(
        &program,
        inputs(&[0, 1]),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap();
    let t = trace::build(
        &program,
        &exec,
        out.final_depth,
        preset,
        &mut rand::thread_rng(),
    );
    let public = vm_air::PublicInputs {
        preset: preset.id,
        program_hash: program.hash(),
        stack_inputs: inputs(&[0, 1]),
        stack_outputs: out.stack,
    };
    (t, public)
}

fn seeded() -> rand::rngs::StdRng {
    rand::SeedableRng::seed_from_u64(8)
}

#[test]
fn public_inputs_naming_another_preset_are_refused() {
    let default = preset::default_preset();
    for id in [1u8, 3] {
        let (t, mut public) = default_fib_trace();
        public.preset = id;
        let err =
            vm_prover::prove_trace_unchecked_for_testing(t, public, default, seeded()).unwrap_err();
        assert!(
            matches!(
                err,
                vm_prover::ProveError::PresetMismatch {
                    public,
                    preset: 0,
                    name: "96",
                } if public == id
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains(&format!("the public inputs name preset {id}")),
            "{err}"
        );
    }
}

#[test]
fn a_trace_built_for_another_preset_is_refused() {
    let default = preset::default_preset();
    // Presets 1 and 3 (128 bits) have wider traces than the default; preset 4 (no zero
    // knowledge) has no randomizer or mask columns. The public inputs agree with the preset.
    for id in [1u8, 3, 4] {
        let other = preset::by_id(id).unwrap();
        assert_ne!(other.main_width(), default.main_width(), "{}", other.name);
        let (t, mut public) = default_fib_trace();
        public.preset = id;
        let err =
            vm_prover::prove_trace_unchecked_for_testing(t, public, other, seeded()).unwrap_err();
        match err {
            vm_prover::ProveError::TraceShape {
                width,
                rows,
                expected,
                name,
                ..
            } => {
                assert_eq!(width, default.main_width(), "{}", other.name);
                assert_eq!(expected, other.main_width(), "{}", other.name);
                assert_eq!(rows, 1 << 10, "{}", other.name);
                assert_eq!(name, other.name);
            }
            e => panic!("{}: expected a trace shape error, got {e}", other.name),
        }
    }
    // Columns replaced behind the trace's back: one column fewer than the trace info says.
    let (mut t, public) = default_fib_trace();
    let cols = t.columns_mut_for_testing();
    let fewer: Vec<Vec<vm_core::Felt>> = (0..cols.num_cols() - 1)
        .map(|i| cols.get_column(i).to_vec())
        .collect();
    *cols = winter_prover::matrix::ColMatrix::new(fewer);
    let err =
        vm_prover::prove_trace_unchecked_for_testing(t, public, default, seeded()).unwrap_err();
    assert!(
        matches!(
            err,
            vm_prover::ProveError::TraceShape { width, expected, .. }
                if width == default.main_width() - 1 && expected == default.main_width()
        ),
        "{err}"
    );
}

#[test]
fn the_last_real_row_is_never_a_chiplet_row() {
    // The bus sums the fractions of rows 0..last, so the last real row must be the range
    // checker's filler (multiplicity 0): a table whose real last entry (2^16 - 1, looked up
    // by a u32 limb 0xffff) landed on it would leave that lookup unanswered. An honest
    // `std::collections::mmr` run whose chiplet region filled 2002 rows of a 2048-row trace
    // (last real row 2001) did exactly that before the shape reserved the row.
    for preset in [
        vm_prover::preset::by_name("96").unwrap(),
        vm_prover::preset::by_name("128").unwrap(),
    ] {
        for range_rows in 1..1000 {
            let shape =
                vm_prover::trace::TraceShape::new(100, 16, 800, 10, 35, 60, range_rows, preset);
            assert!(
                shape.chiplet_rows <= shape.last_real,
                "{range_rows}: {shape:?}"
            );
        }
    }
}
