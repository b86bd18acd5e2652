//! Ties the operation table's facts to the processor: `can_fail` (an operation the table
//! says cannot fail never stops execution, whatever its inputs; one that can fail does on
//! some input, and the error is the operation's) and `chiplet_rows` (one execution adds
//! exactly the table's cost to its component in the trace statistics).

// The processor's error is large by design (see its crate root).
#![allow(clippy::result_large_err)]

use proptest::prelude::*;
use vm_core::{
    Component, DebugInfo, Felt, ImmKind, Instruction, Opcode, Program, StackInputs, Word, MODULUS,
    OPCODES,
};
use vm_processor::{
    execute, AdviceInputs, DefaultHost, ExecutionError, ExecutionOptions, ExecutionOutput, Host,
    TraceStats,
};

/// Rejects every event, so that `EMIT` fails.
struct RejectingHost;

impl Host for RejectingHost {
    fn on_event(&mut self, id: u32, _stack_top: &[Felt]) -> Result<(), String> {
        Err(format!("event {id} rejected"))
    }
}

/// `[op.imm, HALT]`; an address immediate always points at the `HALT`.
fn program(op: Opcode, imm: u64) -> Program {
    let imm = match op.imm_kind() {
        ImmKind::None => 0,
        ImmKind::Addr => 1,
        ImmKind::U32 => imm.clamp(1, u32::MAX as u64),
        ImmKind::Felt => imm % MODULUS,
    };
    let code = vec![
        Instruction::with_imm(op, Felt::new(imm)),
        Instruction::new(Opcode::Halt),
    ];
    Program::new(code, DebugInfo::default()).unwrap()
}

/// Runs `op` once on `stack` (in `StackInputs` order) with `advice`.
fn run_on(
    op: Opcode,
    imm: u64,
    stack: &[u64],
    advice: AdviceInputs,
    host: &mut impl Host,
) -> Result<ExecutionOutput, ExecutionError> {
    let stack = StackInputs::try_from_ints(stack.iter().map(|v| v % MODULUS)).unwrap();
    execute(
        &program(op, imm),
        stack,
        advice,
        host,
        ExecutionOptions::default(),
    )
}

/// Runs `op` once on `stack` with no advice and a host that rejects every event.
fn run(op: Opcode, imm: u64, stack: &[u64]) -> Result<ExecutionOutput, ExecutionError> {
    run_on(op, imm, stack, AdviceInputs::default(), &mut RejectingHost)
}

/// Values at the edges of what operations check: binary, word-aligned, u32, the field.
const EDGES: [u64; 9] = [
    0,
    1,
    2,
    3,
    4,
    u32::MAX as u64,
    1 << 32,
    MODULUS - 1,
    1 << 63,
];

/// Uniform stacks of the edge values: every fallible operation fails on one of them.
fn edge_stacks() -> impl Iterator<Item = [u64; 16]> {
    EDGES.into_iter().map(|v| [v; 16])
}

#[test]
fn every_fallible_operation_fails_on_some_input() {
    for info in OPCODES.iter().filter(|i| i.can_fail) {
        let err = edge_stacks()
            .find_map(|stack| run(info.op, 1, &stack).err())
            .unwrap_or_else(|| panic!("{} can fail but never did", info.op));
        assert_eq!(
            (err.pc, err.op),
            (0, Some(info.op)),
            "{}: the failure is not the operation's: {err}",
            info.op
        );
    }
}

#[test]
fn infallible_operations_do_not_fail_on_the_edges() {
    for info in OPCODES.iter().filter(|i| !i.can_fail) {
        for stack in edge_stacks() {
            for imm in EDGES {
                if let Err(e) = run(info.op, imm, &stack) {
                    panic!("{} (imm {imm}) failed on {stack:?}: {e}", info.op);
                }
            }
        }
    }
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![prop::sample::select(EDGES.to_vec()), any::<u64>()]
}

fn infallible_op() -> impl Strategy<Value = Opcode> {
    let ops: Vec<Opcode> = OPCODES
        .iter()
        .filter(|i| !i.can_fail)
        .map(|i| i.op)
        .collect();
    prop::sample::select(ops)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// No input makes an operation that the table says cannot fail stop execution.
    #[test]
    fn infallible_operations_never_fail(
        op in infallible_op(),
        stack in prop::array::uniform16(value()),
        imm in value(),
    ) {
        let result = run(op, imm, &stack);
        prop_assert!(result.is_ok(), "{} (imm {}) failed on {:?}: {}",
            op, imm, stack, result.unwrap_err());
    }
}

/// The rows of `stats` in `component` (0 for the CPU, which has no chiplet rows).
fn rows_of(stats: &TraceStats, component: Component) -> u64 {
    match component {
        Component::Cpu => 0,
        Component::Memory => stats.memory,
        Component::Range => stats.range,
        Component::Bitwise => stats.bitwise,
        Component::Hasher => stats.hasher,
    }
}

/// Stack inputs (file order) for `[V, d, i, R, NV]`, words in Miden's layout.
fn merkle_stack(v: Word, d: u64, idx: u64, root: Word) -> Vec<u64> {
    let mut top = Vec::new();
    top.extend(v.iter().rev().map(|e| e.as_int()));
    top.push(d);
    top.push(idx);
    top.extend(root.iter().rev().map(|e| e.as_int()));
    top.extend([7; 4]);
    top.reverse();
    top
}

#[test]
fn one_execution_costs_its_table_rows() {
    let word = |k: u64| {
        [
            Felt::new(k),
            Felt::new(k + 1),
            Felt::new(k + 2),
            Felt::new(k + 3),
        ]
    };
    let leaves: Vec<Word> = (0..8).map(|k| word(10 * k)).collect();
    let mut advice = AdviceInputs::default();
    let root = advice.add_merkle_tree(&leaves);
    advice.stack = vec![Felt::new(1); 8];
    let depth = 3;
    let merkle = merkle_stack(leaves[5], depth, 5, root);
    for info in OPCODES {
        // The Merkle stack first: a depth-0 walk (of the zero stack) would cost nothing.
        let attempts = [merkle.clone(), vec![0; 16], vec![1; 16]];
        let out = attempts
            .iter()
            .find_map(|s| run_on(info.op, 1, s, advice.clone(), &mut DefaultHost).ok());
        let Some(out) = out else {
            // RET and NEXT need a frame that a one-instruction program cannot open.
            assert!(matches!(info.op, Opcode::Ret | Opcode::Next), "{}", info.op);
            assert_eq!(info.chiplet_rows.rows(depth), 0);
            continue;
        };
        let rows = info.chiplet_rows.rows(depth);
        for c in Component::ALL {
            let want = if c == info.component { rows } else { 0 };
            assert_eq!(rows_of(&out.stats, c), want, "{} in {c:?}", info.op);
        }
        let cycles = if info.op == Opcode::Halt { 1 } else { 2 };
        assert_eq!(
            (out.stats.stack, out.stats.program),
            (cycles, 2),
            "{}",
            info.op
        );
    }
}
