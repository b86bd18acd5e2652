//! The CPU's columns (decoder, stack, the overflow and control tables' registers, helpers),
//! filled from the rows and table registers the processor recorded.

use vm_air::layout::*;
use vm_core::{Felt, FieldElement, Instruction, Opcode};
use vm_processor::trace::{CycleRow, ExecutionTrace, TableOp};

use super::Hooks;

/// The CPU columns, read from what the processor recorded: per row the state and the table
/// registers before the instruction and what it did to the tables; after `HALT`, copies of
/// the `HALT` row that drain the overflow table the processor left, newest row first.
/// `requests_at` is the first row of the hasher's request section, where the first
/// `HPERM`'s permutation starts (each later one 8 rows further).
pub(super) fn fill_cpu(
    cols: &mut [Vec<Felt>],
    exec: &ExecutionTrace,
    u32_cells: &U32Cells,
    requests_at: usize,
    last_real: usize,
    hooks: Hooks,
) {
    let mut next_permutation = requests_at;
    let rows = &exec.rows;
    let halt_row = *rows.last().expect("an execution has at least its HALT row");
    let contexts = super::memory::context_ids(exec);
    // Whether each control frame below the top was pushed by CALLCTX (the frame flag).
    let mut frame_flags: Vec<bool> = Vec::new();
    // The HALT rows' overflow registers: depth, pointer and the rows left (address, value).
    let mut drain = exec.overflow_at_halt.clone();
    let (mut depth, mut ovf_ptr) = (halt_row.depth, halt_row.ovf_ptr);
    let mut halting = false;
    for i in 0..=last_real {
        let row: CycleRow = if i < rows.len() { rows[i] } else { halt_row };
        let Instruction { op, imm } = row.instruction;
        let stack = row.stack;
        let mut set = |c: usize, v: Felt| cols[c][i] = v;
        set(CLK, Felt::new(i as u64));
        set(PC, Felt::from(row.pc));
        set(IMM, imm);
        for c in flag_columns(op) {
            set(c, Felt::ONE);
        }
        for (k, v) in stack.iter().enumerate() {
            set(STACK + k, *v);
        }
        set(CTOP, row.ctop);
        set(CKIND, row.ckind);
        set(CPTR, row.cptr);
        set(
            CTX,
            Felt::new(contexts.get(row.ctx as usize).copied().unwrap_or(0)),
        );
        set(FMP, row.fmp);
        let mut frame_flag = false;

        if op == Opcode::Halt {
            // The first HALT row starts from the recorded registers.
            if !halting {
                (depth, ovf_ptr) = (row.depth, row.ovf_ptr);
                halting = true;
            }
            set(DEPTH, Felt::new(depth as u64));
            set(OVF_PTR, ovf_ptr);
            if !hooks.skip_drain && depth > 16 {
                if let Some((_, value)) = drain.pop() {
                    set(OVF_POP, Felt::ONE);
                    set(OVF_VAL, value);
                    ovf_ptr = drain.last().map_or(Felt::ZERO, |r| r.0);
                    depth -= 1;
                }
            }
        } else {
            // Rows past the end of a run cut short (a test's) repeat the last row's registers
            // and do nothing to the tables.
            set(DEPTH, Felt::new(row.depth as u64));
            set(OVF_PTR, row.ovf_ptr);
            if i < rows.len() {
                let t = row.tables;
                match t.overflow {
                    TableOp::Push => set(OVF_PUSH, Felt::ONE),
                    TableOp::Pop => {
                        set(OVF_POP, Felt::ONE);
                        set(OVF_VAL, t.overflow_value);
                    }
                    TableOp::Keep => {}
                }
                match t.control {
                    TableOp::Push => {
                        set(CTL_PUSH, Felt::ONE);
                        frame_flag = op == Opcode::CallCtx;
                        frame_flags.push(frame_flag);
                    }
                    TableOp::Pop => {
                        set(CTL_POP, Felt::ONE);
                        frame_flag = frame_flags.pop().unwrap_or(false);
                    }
                    TableOp::Keep => {}
                }
            }
        }

        // The helper column: what only the AIR needs.
        let helper = match op {
            Opcode::Next => inv_or_zero(row.ctop - Felt::ONE),
            Opcode::Eq => inv_or_zero(stack[0] - stack[1]),
            Opcode::Eqz => inv_or_zero(stack[0]),
            Opcode::Expacc => {
                let bit = stack[3].as_int() & 1;
                if bit == 1 {
                    stack[1]
                } else {
                    Felt::ONE
                }
            }
            // The absorb row of the permutation that answers (requests in execution order).
            Opcode::Hperm if i < rows.len() => {
                let at = next_permutation;
                next_permutation += vm_air::chiplets::hasher::CYCLE_LEN;
                Felt::new(at as u64)
            }
            _ => Felt::ZERO,
        };
        set(HELPER, helper);
        set(HELPER + 1, Felt::from(frame_flag as u8));
        // A u32 operation's limbs and quotient (its row pushes and pops no frame).
        if let Some(Some(h)) = u32_cells.cells.get(i).filter(|_| i < rows.len()) {
            for (k, v) in h.iter().enumerate() {
                set(HELPER + k, *v);
            }
        }
    }
}

/// A test's change to a u32 operation's helper cells: called with the row, the operation
/// and the cells.
pub type U32CellsHook = fn(usize, Opcode, &mut [Felt; 6]);

/// The helper cells of the u32 operations' rows and the limbs they look up in the range
/// checker.
pub(super) struct U32Cells {
    /// Per executed row: the cells of a u32 operation (`vm_air::u32ops::helper_cells`).
    pub cells: Vec<Option<[Felt; 6]>>,
    /// Every value the rows look up, for the range checker's multiplicities.
    pub lookups: Vec<Felt>,
}

/// The u32 operations' helper cells, computed from each row's stack and the next row's
/// (what the processor did), changed by `hook` if a test gives one.
pub(super) fn u32_cells(exec: &ExecutionTrace, hook: Option<U32CellsHook>) -> U32Cells {
    let rows = &exec.rows;
    let mut cells = Vec::with_capacity(rows.len());
    let mut lookups = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let op = row.instruction.op;
        let next = rows.get(i + 1);
        let c = next.and_then(|n| {
            let mut h = vm_air::u32ops::helper_cells(op, &row.stack, &n.stack)?;
            if let Some(hook) = hook {
                hook(i, op, &mut h);
            }
            lookups.extend(vm_air::u32ops::row_lookups(op, &row.stack, &n.stack, &h));
            Some(h)
        });
        cells.push(c);
    }
    U32Cells { cells, lookups }
}

fn inv_or_zero(x: Felt) -> Felt {
    if x == Felt::ZERO {
        Felt::ZERO
    } else {
        x.inv()
    }
}
