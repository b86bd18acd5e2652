//! Soundness: malicious provers that lie consistently must be rejected.
//!
//! Each forgery runs the malicious processor of `common` (one lie, every later row
//! recomputed from it), builds the full trace from that run (tables, chiplet, bus and
//! multiplicities all consistent with the lie), and must fail the direct constraint check;
//! one forgery per group is also proven (release build: winterfell does not validate the
//! trace) and the verifier must reject the proof.

mod common;

use common::forge::{
    after_first, assemble, forge, forge_with, honest, honest_run, inputs, rejected,
    rejected_by_verifier, rejected_only_by, Forgery,
};
use common::{rows_of, run, Frame, Phase, State};
use rand::{rngs::StdRng, SeedableRng};
use vm_air::{preset, PublicInputs};
use vm_core::{Felt, FieldElement, Instruction, Opcode, StackOutputs};
use vm_processor::{execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use vm_prover::trace::{build_with_hooks_for_testing, TraceHooksForTesting};

// ---- the malicious processor is honest when it does not lie --------------------------------

/// Programs covering every proven operation; the hooked run must reproduce `execute_traced`.
const COVERAGE: &[(&str, &[u64])] = &[
    ("begin repeat.5 swap dup.1 add end end", &[0, 1]),
    ("begin push.7 mul neg inv add.1 add.3 mul.5 dup.0 eq eq.0 not push.1 and push.0 or drop end", &[3, 4]),
    ("begin push.3 push.5 exp.u8 ext2mul drop drop ext2mul end", &[2, 3, 4, 5]),
    ("begin movup.5 movdn.7 swapw swapw.2 swapw.3 swapdw dup.13 movup.15 movdn.15 drop end", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
    ("begin push.1 cswap push.0 cswapw push.1 cswapw sdepth padw drop drop drop dropw end", &[1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ("proc.f add end proc.g exec.f dup.0 exec.f end begin repeat.3 push.1 push.2 exec.g end push.1 if.true push.9 else push.8 end push.0 if.true push.9 else push.8 end end", &[1]),
    ("begin adv_loadw dropw adv_push.1 while.true adv_push.1 end push.1 assert end", &[]),
    ("begin repeat.20 push.1 end repeat.19 drop end end", &[]),
];

#[test]
fn malicious_interpreter_agrees_with_the_processor_when_honest() {
    for (src, stack) in COVERAGE {
        let p = assemble(src);
        let advice = [5u64, 6, 7, 8, 1, 1, 0];
        let mine = run(&p, &inputs(stack), &advice, |_, _, _, _| {});
        let adv = AdviceInputs {
            stack: advice.iter().map(|v| Felt::new(*v)).collect(),
            ..Default::default()
        };
        let (out, theirs) = execute_traced(
            &p,
            inputs(stack),
            adv,
            &mut DefaultHost,
            ExecutionOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{src}: {e}"));
        // The same interpreter: every row, table register and chiplet request agrees.
        assert_eq!(mine.trace, theirs, "{src}");
        assert_eq!(mine.final_depth, out.final_depth, "{src}");
        assert_eq!(mine.outputs, out.stack, "{src}");
        let f = forge_with(
            &p,
            &p,
            stack,
            &advice,
            TraceHooksForTesting::default(),
            |_, _, _, _| {},
        );
        honest(&f);
    }
}

// ---- wrong results, one forgery per operation --------------------------------------------

/// A forgery case: source, stack inputs, the operation lied about, the lie, and the
/// constraint that must catch it.
type ResultLie = (
    &'static str,
    &'static [u64],
    Opcode,
    fn(&mut State),
    &'static str,
);

fn result_lies() -> Vec<ResultLie> {
    fn plus_one(st: &mut State) {
        st.top[0] += Felt::ONE;
    }
    fn flip(st: &mut State) {
        st.top[0] = Felt::ONE - st.top[0];
    }
    vec![
        (
            "begin add end",
            &[3, 4],
            Opcode::Add,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin mul end",
            &[3, 4],
            Opcode::Mul,
            plus_one,
            "stack.s[0]",
        ),
        ("begin neg end", &[3], Opcode::Neg, plus_one, "stack.s[0]"),
        ("begin inv end", &[3], Opcode::Inv, plus_one, "stack.s[0]"),
        (
            "begin add.1 end",
            &[3],
            Opcode::Incr,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin add.5 end",
            &[3],
            Opcode::Addi,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin mul.5 end",
            &[3],
            Opcode::Muli,
            plus_one,
            "stack.s[0]",
        ),
        ("begin eq end", &[3, 4], Opcode::Eq, flip, "stack.s[0]"),
        ("begin eq end", &[4, 4], Opcode::Eq, flip, "stack.s[0]"),
        ("begin eq.0 end", &[0], Opcode::Eqz, flip, "stack.s[0]"),
        ("begin eq.0 end", &[5], Opcode::Eqz, flip, "stack.s[0]"),
        ("begin not end", &[1], Opcode::Not, flip, "stack.s[0]"),
        ("begin and end", &[1, 1], Opcode::And, flip, "stack.s[0]"),
        ("begin or end", &[0, 0], Opcode::Or, flip, "stack.s[0]"),
        (
            "begin push.3 push.5 exp.u8 end",
            &[],
            Opcode::Expacc,
            |st| st.top[2] += Felt::ONE,
            "stack.s[2]",
        ),
        (
            "begin push.3 push.5 exp.u8 end",
            &[],
            Opcode::Expacc,
            |st| st.top[1] += Felt::ONE,
            "stack.s[1]",
        ),
        (
            "begin push.3 push.5 exp.u8 end",
            &[],
            Opcode::Expacc,
            |st| st.top[3] += Felt::ONE,
            "stack.s[3]",
        ),
        (
            "begin ext2mul end",
            &[2, 3, 4, 5],
            Opcode::Ext2mul,
            |st| st.top[2] += Felt::ONE,
            "stack.s[2]",
        ),
        (
            "begin ext2mul end",
            &[2, 3, 4, 5],
            Opcode::Ext2mul,
            |st| st.top[3] += Felt::ONE,
            "stack.s[3]",
        ),
        (
            "begin swap end",
            &[1, 2],
            Opcode::Swap,
            |st| st.top.swap(0, 1),
            "stack.s[0]",
        ),
        (
            "begin swapw end",
            &[1, 2, 3, 4, 5, 6, 7, 8],
            Opcode::Swapw,
            |st| st.top.swap(2, 6),
            "stack.s[2]",
        ),
        (
            "begin swapdw end",
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
            Opcode::Swapdw,
            |st| st.top.swap(3, 4),
            "stack.s[3]",
        ),
        (
            "begin dup.3 end",
            &[1, 2, 3, 4],
            Opcode::Dup3,
            |st| st.top[0] = st.top[3],
            "stack.s[0]",
        ),
        (
            "begin movup.7 end",
            &[1, 2, 3, 4, 5, 6, 7, 8],
            Opcode::Movup7,
            |st| st.top.swap(0, 7),
            "stack.s[0]",
        ),
        (
            "begin movdn.9 end",
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            Opcode::Movdn9,
            |st| st.top.swap(8, 9),
            "stack.s[8]",
        ),
        (
            "begin cswap end",
            &[0, 2, 3],
            Opcode::Cswap,
            |st| st.top.swap(0, 1),
            "stack.s[0]",
        ),
        (
            "begin cswapw end",
            &[1, 2, 3, 4, 5, 6, 7, 8, 9],
            Opcode::Cswapw,
            |st| st.top.swap(0, 4),
            "stack.s[0]",
        ),
        (
            "begin push.9 end",
            &[],
            Opcode::Push,
            plus_one,
            "stack.s[0]",
        ),
        ("begin padw end", &[], Opcode::Pad, plus_one, "stack.s[0]"),
        (
            "begin sdepth end",
            &[],
            Opcode::Sdepth,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin drop end",
            &[1, 2],
            Opcode::Drop,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin push.1 assert end",
            &[],
            Opcode::Assert,
            plus_one,
            "stack.s[0]",
        ),
        (
            "begin push.1 drop end",
            &[],
            Opcode::Drop,
            |st| st.top[15] = Felt::new(77),
            "stack.s[15]",
        ),
    ]
}

#[test]
fn a_wrong_result_of_any_operation_is_caught() {
    for (src, stack, op, lie, target) in result_lies() {
        let f = forge(src, stack, after_first(op, lie));
        let v = rejected(&f, target);
        assert!(
            v.names().iter().all(|n| n.starts_with("stack.")),
            "{src}: {v}"
        );
    }
}

#[test]
fn a_wrong_result_is_rejected_by_the_verifier() {
    // One proof per group: field arithmetic, comparison, stack manipulation, control.
    rejected_by_verifier(forge(
        "begin mul end",
        &[3, 4],
        after_first(Opcode::Mul, |st| st.top[0] += Felt::ONE),
    ));
    rejected_by_verifier(forge(
        "begin eq end",
        &[3, 4],
        after_first(Opcode::Eq, |st| st.top[0] = Felt::ONE),
    ));
    rejected_by_verifier(forge(
        "begin movup.7 end",
        &[1, 2, 3, 4, 5, 6, 7, 8],
        after_first(Opcode::Movup7, |st| st.top.swap(0, 7)),
    ));
    rejected_by_verifier(forge(
        "begin push.0 if.true push.1 else push.2 end end",
        &[],
        after_first(Opcode::Jmpz, |st| st.pc += 1),
    ));
}

// ---- control flow -------------------------------------------------------------------------

#[test]
fn a_wrong_branch_or_loop_count_is_caught() {
    // JMPZ on 0 must jump; the liar falls through.
    let f = forge(
        "begin push.0 if.true push.1 else push.2 end end",
        &[],
        after_first(Opcode::Jmpz, |st| st.pc += 1),
    );
    rejected(&f, "cpu.pc");
    // A counted loop that exits one iteration early: the second NEXT (counter 3) falls
    // through instead of jumping back. The claimed output is 2, not 4.
    let f = forge("begin repeat.4 add.1 end end", &[0], {
        let mut nexts = 0;
        move |phase, _, ins, st: &mut State| {
            if phase == Phase::After && ins.op == Opcode::Next {
                nexts += 1;
                if nexts == 2 {
                    st.control.pop();
                    st.pc = 3; // REPEAT, INCR, NEXT, HALT: the address after the loop
                }
            }
        }
    });
    assert_eq!(f.public.stack_outputs.top_first()[0], Felt::new(2));
    rejected(&f, "cpu.pc");
    // A loop that runs one iteration too many: the last NEXT (counter 1) pops its frame but
    // jumps back into the body; the extra iteration's NEXT finds no frame and falls
    // through. (Bumping the counter instead is a lie about `ctop`, which
    // control.top_kept_or_decremented catches: the trace shows the processor's counter.)
    let f = forge("begin repeat.4 add.1 end end", &[0], {
        let mut nexts = 0;
        move |phase, _, ins, st: &mut State| {
            if phase == Phase::After && ins.op == Opcode::Next {
                nexts += 1;
                if nexts == 4 {
                    assert!(st.control.is_empty());
                    st.pc = 1; // the INCR
                }
            }
        }
    });
    assert_eq!(f.public.stack_outputs.top_first()[0], Felt::new(5));
    rejected(&f, "cpu.pc");
    let f = forge(
        "begin repeat.4 add.1 end end",
        &[0],
        after_first(Opcode::Next, |st| {
            if let Some(Frame::Loop(c)) = st.control.last_mut() {
                *c += 1;
            }
        }),
    );
    rejected(&f, "control.top_kept_or_decremented");
    // A JMP to somewhere else.
    let f = forge(
        "begin push.1 while.true push.0 end push.5 end",
        &[],
        after_first(Opcode::Jmpnz, |st| st.pc += 1),
    );
    rejected(&f, "cpu.pc");
}

#[test]
fn a_non_binary_condition_is_caught() {
    // `if.true` on 2: the liar takes the `true` branch as if it were 1.
    for (src, op, target) in [
        (
            "begin push.2 if.true push.1 else push.0 end end",
            Opcode::Jmpz,
            "stack.condition_a",
        ),
        (
            "begin push.2 while.true push.0 end end",
            Opcode::Jmpnz,
            "stack.condition_a",
        ),
        ("begin push.2 not end", Opcode::Not, "stack.condition_a"),
        (
            "begin push.2 push.1 and end",
            Opcode::And,
            "stack.condition_b",
        ),
        (
            "begin push.1 push.1 push.2 cswap end",
            Opcode::Cswap,
            "stack.condition_a",
        ),
        (
            "begin push.1 push.2 assert end",
            Opcode::Assert,
            "stack.condition_a",
        ),
    ] {
        let f = forge(src, &[], |_, _, _, _| {});
        let v = rejected(&f, target);
        assert!(v.0.iter().all(|x| x.row < 4), "{src} {op}: {v}");
    }
}

#[test]
fn a_non_binary_operation_flag_is_caught() {
    // Mix two operations half and half on one row (ADD's and MUL's flag pairs share their
    // first column): the flags' sum still is 2, binarity not.
    let p = assemble("begin add end");
    let mut f = honest_run(&p, &[3, 4]);
    let half = Felt::new(2).inv();
    let cols = f.trace.columns_mut_for_testing();
    let [first, add] = vm_air::layout::flag_columns(Opcode::Add);
    let [mul_first, mul] = vm_air::layout::flag_columns(Opcode::Mul);
    assert_eq!(first, mul_first);
    cols.set(add, 0, half);
    cols.set(mul, 0, half);
    let name = format!("decoder.flag_binary[{}]", mul - vm_air::layout::FLAGS);
    rejected(&f, &name);
}

// ---- program attestation ------------------------------------------------------------------

#[test]
fn an_instruction_swapped_or_dropped_is_caught() {
    let attested = assemble("begin add mul push.3 add end");
    for other in [
        "begin add add push.3 add end",
        "begin add mul push.4 add end",
        "begin add push.3 add end",
        "begin mul add push.3 add end",
    ] {
        let executed = assemble(other);
        let f = forge_with(
            &attested,
            &executed,
            &[2, 3, 4],
            &[],
            TraceHooksForTesting::default(),
            |_, _, _, _| {},
        );
        rejected(&f, "bus.ends_at_program_hash");
    }
    let executed = assemble("begin add add push.3 add end");
    rejected_by_verifier(forge_with(
        &attested,
        &executed,
        &[2, 3, 4],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    ));
}

#[test]
fn a_different_program_hash_is_rejected() {
    let p = assemble("begin add end");
    let mut f = honest_run(&p, &[3, 4]);
    f.public.program_hash = assemble("begin mul end").hash();
    rejected_only_by(&f, "bus.ends_at_program_hash");
    rejected_by_verifier(f);
}

#[test]
fn a_wrong_claimed_output_is_rejected() {
    let p = assemble("begin add end");
    let mut f = honest_run(&p, &[3, 4]);
    let mut out = *f.public.stack_outputs.top_first();
    out[0] += Felt::ONE;
    f.public.stack_outputs = StackOutputs::new(&out).unwrap();
    rejected(&f, "final.stack[0]");
    rejected_by_verifier(f);
}

// ---- last-in-first-out tables -------------------------------------------------------------

#[test]
fn popping_an_overflow_element_other_than_the_newest_is_caught() {
    // 18 deep: two overflow rows. The liar's DROP pops the older one (its value into s15).
    let src = "begin push.1 push.2 drop drop end";
    let p = assemble(src);
    let stack: Vec<u64> = (10..26).collect();
    let mut first_drop = None;
    let lie = |phase: Phase, clk: usize, ins: Instruction, st: &mut State| {
        if phase == Phase::Before && ins.op == Opcode::Drop && first_drop.is_none() {
            first_drop = Some(clk);
            let n = st.overflow.len();
            st.overflow.swap(n - 1, n - 2);
            st.overflow_addrs.swap(n - 1, n - 2);
        }
    };
    let f = forge_with(&p, &p, &stack, &[], TraceHooksForTesting::default(), lie);
    rejected(&f, "bus.ends_at_program_hash");
    rejected_by_verifier(f);
}

#[test]
fn returning_to_other_than_the_last_call_site_is_caught() {
    // Three nested calls; the innermost RET restores the outermost frame instead of the
    // middle one, so the middle procedure's RET returns to the wrong call site.
    let src = "proc.c push.3 end proc.b exec.c push.2 end proc.a exec.b push.1 end begin exec.a push.0 end";
    let p = assemble(src);
    let probe = run(&p, &inputs(&[]), &[], |_, _, _, _| {});
    let at = probe
        .trace
        .rows
        .iter()
        .position(|r| r.instruction.op == Opcode::Ret)
        .unwrap();
    let lie = move |phase: Phase, clk: usize, _ins: Instruction, st: &mut State| {
        if phase == Phase::Before && clk == at {
            let n = st.control.len();
            st.control.swap(n - 2, n - 3);
            st.control_addrs.swap(n - 2, n - 3);
        }
    };
    let f = forge_with(&p, &p, &[], &[], TraceHooksForTesting::default(), lie);
    rejected(&f, "bus.ends_at_program_hash");
    rejected_by_verifier(f);
}

#[test]
fn ending_deeper_than_16_without_draining_is_caught() {
    // Honest: the HALT rows drain the overflow; the liar empties it by fiat.
    let p = assemble("begin push.1 push.2 push.3 end");
    let f = honest_run(&p, &[]);
    honest(&f);
    let hooks = TraceHooksForTesting {
        skip_drain: true,
        ..Default::default()
    };
    let f = forge_with(&p, &p, &[], &[], hooks, |_, _, _, _| {});
    rejected(&f, "overflow.pop_when_deep");
}

// ---- malformed proofs ---------------------------------------------------------------------

#[test]
fn flipped_bytes_and_truncations_of_a_proof_are_rejected() {
    // A proof made from seeded randomness, so the bytes flipped are the same on every run.
    // Winterfell's own deserializer trusts the length fields (a flip there could make it
    // try a huge allocation and abort); `VmProof::from_bytes` checks every field first
    // (docs/verifier.md; the property tests are in verifier/tests/embedded.rs).
    let p = assemble("begin repeat.10 swap dup.1 add end end");
    let stack = inputs(&[0, 1]);
    let f = honest_run(&p, &[0, 1]);
    let outputs = f.public.stack_outputs;
    let proof = vm_prover::prove_trace_unchecked_for_testing(
        f.trace,
        f.public,
        preset::default_preset(),
        StdRng::seed_from_u64(1),
    )
    .unwrap();
    let bytes = proof.to_bytes();
    let accepts = |b: &[u8]| match vm_air::VmProof::from_bytes(b) {
        Ok(proof) => vm_verifier::verify(p.hash(), stack.clone(), outputs, &proof, 96).is_ok(),
        Err(_) => false,
    };
    assert!(accepts(&bytes));
    let step = (bytes.len() / 97).max(1);
    for pos in (0..bytes.len()).step_by(step).chain(0..16) {
        let mut b = bytes.clone();
        b[pos] ^= 0x01;
        assert!(!accepts(&b), "accepted a proof with byte {pos} flipped");
    }
    for len in [0, 3, 8, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            !accepts(&bytes[..len]),
            "accepted a proof truncated to {len} bytes"
        );
    }
}

/// Random byte values written at random positions of a proof (seeded): each corrupted
/// proof is an error, never an abort. Winterfell allocates what some length fields of its
/// Merkle openings say before checking them; `VmProof::from_bytes` checks those first.
#[test]
fn random_corruptions_of_a_proof_are_errors_not_aborts() {
    use rand::Rng;
    let p = assemble("begin repeat.10 swap dup.1 add end end");
    let f = honest_run(&p, &[0, 1]);
    let (stack, outputs) = (f.public.stack_inputs.clone(), f.public.stack_outputs);
    let proof = vm_prover::prove_trace_unchecked_for_testing(
        f.trace,
        f.public,
        preset::default_preset(),
        StdRng::seed_from_u64(1),
    )
    .unwrap();
    let bytes = proof.to_bytes();
    let mut rng = StdRng::seed_from_u64(99);
    for _ in 0..1500 {
        let mut b = bytes.clone();
        for _ in 0..rng.gen_range(1..4) {
            let pos = rng.gen_range(0..b.len());
            b[pos] = rng.gen();
        }
        if b == bytes {
            continue;
        }
        let accepted = match vm_air::VmProof::from_bytes(&b) {
            Ok(proof) => vm_verifier::verify(p.hash(), stack.clone(), outputs, &proof, 96).is_ok(),
            Err(_) => false,
        };
        assert!(!accepted, "accepted a corrupted proof");
    }
}

// ---- halting ------------------------------------------------------------------------------

/// An endless loop: `while.true` on a 1 it pushes again every iteration.
const ENDLESS: &str = "begin push.1 while.true push.1 end push.0 assert end";
/// [`ENDLESS`] without its `begin`.
const ENDLESS_BODY: &str = "push.1 while.true push.1 end push.0 assert end";

#[test]
fn a_run_that_never_reaches_halt_cannot_claim_outputs() {
    let p = assemble(ENDLESS);
    let preset = preset::default_preset();
    // The liar stops the loop after 40 cycles and pads with HALT rows at a non-HALT address.
    let mut rows = rows_of(&p, &inputs(&[]), 41);
    let last = rows.last_mut().unwrap();
    last.instruction = Instruction::new(Opcode::Halt);
    let exec = vm_processor::trace::ExecutionTrace {
        rows,
        ..Default::default()
    };
    let trace = build_with_hooks_for_testing(
        &p,
        &exec,
        16,
        preset,
        &mut StdRng::seed_from_u64(3),
        TraceHooksForTesting::default(),
    );
    let outputs = StackOutputs::new(&exec.rows.last().unwrap().stack).unwrap();
    let f = Forgery {
        trace,
        public: PublicInputs {
            preset: preset.id,
            program_hash: p.hash(),
            stack_inputs: inputs(&[]),
            stack_outputs: outputs,
        },
    };
    rejected(&f, "bus.ends_at_program_hash");
    rejected_by_verifier(f);
}

/// The early-halt forgery of `common::forge::cut_short` on `src`, with the depth of the
/// claimed state.
fn cut_short(src: &str, stack: &[u64], log_n: u32) -> (Forgery, usize) {
    cut_short_under(src, stack, log_n, preset::default_preset())
}

/// [`cut_short`] under `preset`.
fn cut_short_under(
    src: &str,
    stack: &[u64],
    log_n: u32,
    preset: &'static preset::Preset,
) -> (Forgery, usize) {
    let (f, rows) = common::forge::cut_short_under(&assemble(src), stack, log_n, preset);
    let depth = rows.last().expect("rows").depth;
    (f, depth)
}

/// A countdown from 1000: halts with `[0]` after 5,007 cycles.
const COUNTDOWN: &str = "begin nop nop dup.0 neq.0 while.true sub.1 dup.0 neq.0 end end";

#[test]
fn a_run_cut_short_cannot_claim_its_state_as_the_output() {
    // 2^10 rows: the state of cycle 977 claims [805]; 2^11: cycle 2001 claims [601].
    for (log_n, claimed) in [(10, 805), (11, 601)] {
        let (f, depth) = cut_short(COUNTDOWN, &[1000], log_n);
        assert_eq!(depth, 16);
        assert_eq!(f.public.stack_outputs.top_first()[0], Felt::new(claimed));
        let v = common::forge::violations(&f);
        // Only the HALT assertion stands between this run and a false proof.
        assert!(
            !v.is_empty() && v.names().iter().all(|n| n.starts_with("halt.")),
            "{v}"
        );
        if log_n == 10 {
            rejected_by_verifier(f);
        }
    }
    // A loop that never halts, cut where the depth is 16 (so the depth assertion is
    // satisfied and only the HALT assertion on the row before the last can catch it).
    let cut = (0..4)
        .map(|nops| {
            let src = format!("begin {} {ENDLESS_BODY}", "nop ".repeat(nops));
            cut_short(&src, &[], 10)
        })
        .find(|(_, depth)| *depth == 16)
        .expect("some alignment ends at depth 16");
    let (f, _) = cut;
    let v = common::forge::violations(&f);
    assert!(
        !v.is_empty() && v.names().iter().all(|n| n.starts_with("halt.")),
        "{v}"
    );
    rejected_by_verifier(f);
}

/// The same forgery under `96-short`, the preset an honest prover uses for a trace of at
/// most 2^12 rows: its 33 random rows put the last real row elsewhere than the default
/// preset's 46, and the HALT assertions must follow it there.
#[test]
fn a_run_cut_short_under_the_short_trace_preset_is_caught_by_the_halt_assertions() {
    let short = preset::default_preset().for_short_traces().unwrap();
    assert_eq!(short.random_rows(), 33);
    // 2^10 rows, the last real row at 990; the countdown aligned by leading `nop`s so the
    // claimed state has depth 16 (only the HALT assertions can catch it). The honest
    // output is [0].
    let (f, _) = (0..5)
        .map(|nops| {
            let src = format!(
                "begin {} dup.0 neq.0 while.true sub.1 dup.0 neq.0 end end",
                "nop ".repeat(nops)
            );
            cut_short_under(&src, &[1000], 10, short)
        })
        .find(|(_, depth)| *depth == 16)
        .expect("some alignment ends at depth 16");
    assert_eq!(f.public.preset, short.id);
    assert_eq!(f.trace.last_real, (1 << 10) - 33 - 1);
    assert_ne!(f.public.stack_outputs.top_first()[0], Felt::ZERO);
    let v = common::forge::violations(&f);
    assert!(
        !v.is_empty() && v.names().iter().all(|n| n.starts_with("halt.")),
        "{v}"
    );
    rejected_by_verifier(f);
}

// ---- nondeterministic helper values -------------------------------------------------------

#[test]
fn a_helper_chosen_to_excuse_a_wrong_comparison_is_caught() {
    // EQ on 3, 4 claims 1; the liar sets the inverse helper to 0 so that the first
    // condition `s0' - 1 + (a - b) h` holds. The second, `(a - b) s0'`, must catch it.
    let p = assemble("begin eq end");
    let mut f = forge_with(
        &p,
        &p,
        &[3, 4],
        &[],
        TraceHooksForTesting::default(),
        after_first(Opcode::Eq, |st| {
            st.top[0] = Felt::ONE;
        }),
    );
    f.trace
        .columns_mut_for_testing()
        .set(vm_air::layout::HELPER, 0, Felt::ZERO);
    rejected(&f, "stack.condition_a");
    // EQZ on 5 claims 1 with helper 0: `s0 s0'` catches it.
    let p = assemble("begin eq.0 end");
    let mut f = forge_with(
        &p,
        &p,
        &[5],
        &[],
        TraceHooksForTesting::default(),
        after_first(Opcode::Eqz, |st| {
            st.top[0] = Felt::ONE;
        }),
    );
    f.trace
        .columns_mut_for_testing()
        .set(vm_air::layout::HELPER, 0, Felt::ZERO);
    rejected(&f, "stack.condition_a");
    rejected_by_verifier(f);
}

#[test]
fn a_loop_counter_helper_cannot_skip_iterations() {
    // NEXT with counter 3 must not pop: the liar pops and claims the helper 0.
    let p = assemble("begin repeat.3 add.1 end end");
    let mut f = honest_run(&p, &[0]);
    honest(&f);
    let next_row = 2; // REPEAT, INCR, NEXT
    let cols = f.trace.columns_mut_for_testing();
    assert_eq!(cols.get(vm_air::layout::PC, next_row), Felt::new(2));
    cols.set(vm_air::layout::CTL_POP, next_row, Felt::ONE);
    cols.set(vm_air::layout::HELPER, next_row, Felt::ZERO);
    rejected(&f, "control.next_pop_needs_one");
}

#[test]
fn a_composition_mask_nonzero_on_a_real_row_is_caught() {
    let p = assemble("begin add end");
    let preset = preset::default_preset();
    let mut f = honest_run(&p, &[3, 4]);
    f.trace
        .columns_mut_for_testing()
        .set(preset.first_mask_column(), 5, Felt::ONE);
    rejected(&f, "zk.mask[0]");
}

#[test]
fn huge_length_fields_in_a_proof_are_errors_not_aborts() {
    // winterfell pre-allocates counts it reads; a corrupted count must fail cleanly.
    let p = assemble("begin repeat.10 swap dup.1 add end end");
    let stack = inputs(&[0, 1]);
    let proved = vm_prover::prove(
        &p,
        stack.clone(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
        preset::default_preset(),
    )
    .unwrap();
    let bytes = proved.proof.to_bytes();
    for pos in 8..(8 + 400).min(bytes.len()) {
        let mut b = bytes.clone();
        b[pos] = 0xff;
        if let Ok(proof) = vm_air::VmProof::from_bytes(&b) {
            let ok = vm_verifier::verify(p.hash(), stack.clone(), proved.output.stack, &proof, 96);
            assert!(ok.is_err() || b == bytes, "accepted byte {pos} = 0xff");
        }
    }
}

#[test]
fn the_checker_refuses_a_statement_for_another_preset() {
    let mut f = forge("begin add end", &[3, 4], |_, _, _, _| {});
    f.public.preset = 1;
    let v = vm_prover::check::check(&f.trace, &f.public, preset::default_preset()).unwrap_err();
    assert_eq!(v.0.len(), 1);
    assert_eq!(v.0[0].kind, vm_prover::check::ViolationKind::Shape);
    assert!(v.0[0].name.starts_with("preset"), "{v}");
}
