//! The memory chiplet's rows (`vm_air::chiplets::memory`) and the range checker's table
//! (`vm_air::chiplets::range`), built from the memory accesses the processor recorded.

use std::collections::BTreeMap;

use vm_air::chiplets::{memory::cols as m, memory::LIMB, range};
use vm_core::{Felt, FieldElement, Opcode};
use vm_processor::trace::ExecutionTrace;

/// One access of the memory table: an element or a whole word, read or written by the
/// operation at `clk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// The context, as the AIR numbers it (0, or `clk + 1` of the `CALLCTX` that made it).
    pub ctx: u64,
    /// Word index: the element address divided by four.
    pub word: u64,
    /// Element index within the word (0 for a word access).
    pub index: usize,
    /// Whether the whole word is accessed.
    pub is_word: bool,
    /// Whether it is a write.
    pub write: bool,
    /// Clock of the access.
    pub clk: u64,
    /// The values read or written (`values[0]` only for an element).
    pub values: [Felt; 4],
}

/// The AIR's number for each of the processor's contexts (indexed by the processor's
/// number, in creation order): 0 for the root, `clk + 1` of the `CALLCTX` that created it.
pub fn context_ids(exec: &ExecutionTrace) -> Vec<u64> {
    let mut ids = vec![0u64];
    for pair in exec.rows.windows(2) {
        let k = pair[1].ctx as usize;
        // (A forged run may reuse a context; each keeps the number of its creation.)
        if pair[0].instruction.op == Opcode::CallCtx && k != 0 {
            if ids.len() <= k {
                ids.resize(k + 1, 0);
            }
            if ids[k] == 0 {
                ids[k] = pair[0].clk + 1;
            }
        }
    }
    ids
}

/// The accesses of the run, in execution order: the processor records elements, which are
/// grouped back into the operations' element and word accesses.
pub fn accesses(exec: &ExecutionTrace) -> Vec<Access> {
    let ids = context_ids(exec);
    let mut out = Vec::new();
    let mut elements = exec.memory.iter().peekable();
    for row in &exec.rows {
        let (words, is_word) = match row.instruction.op {
            Opcode::Mload | Opcode::Mstore => (1, false),
            Opcode::Mloadw | Opcode::Mstorew => (1, true),
            Opcode::Mstream | Opcode::Pipe => (2, true),
            _ => continue,
        };
        for _ in 0..words {
            let n = if is_word { 4 } else { 1 };
            let mut values = [Felt::ZERO; 4];
            let mut first = None;
            for v in values.iter_mut().take(n) {
                // An access the processor did not record (a run cut short) ends the table.
                let Some(e) = elements.next_if(|e| e.clk == row.clk) else {
                    break;
                };
                first.get_or_insert(*e);
                *v = e.value;
            }
            let Some(e) = first else { break };
            out.push(Access {
                ctx: ids.get(e.ctx as usize).copied().unwrap_or(0),
                word: (e.addr / 4) as u64,
                index: if is_word { 0 } else { (e.addr % 4) as usize },
                is_word,
                write: e.write,
                clk: e.clk,
                values,
            });
        }
    }
    out
}

/// The memory table's rows (each a shared block, `vm_air::chiplets::memory::cols`), sorted
/// by (context, word, clock), with every derived column filled: the word's state after
/// each access, the flags, the sort deltas and the word limbs.
pub fn table(mut accesses: Vec<Access>) -> Vec<[Felt; m::WIDTH]> {
    accesses.sort_by_key(|a| (a.ctx, a.word, a.clk));
    rows_in_order(&accesses)
}

/// The memory table's rows for `accesses` in the order given (which [`table`] sorts
/// first): each word's state starts at zero on its first row and follows the writes.
pub fn rows_in_order(accesses: &[Access]) -> Vec<[Felt; m::WIDTH]> {
    let f = Felt::new;
    let mut rows = Vec::with_capacity(accesses.len());
    let mut state = [Felt::ZERO; 4];
    let mut prev: Option<&Access> = None;
    for a in accesses {
        let mut r = [Felt::ZERO; m::WIDTH];
        let new_ctx = prev.is_none_or(|p| p.ctx != a.ctx);
        let new_word = new_ctx || prev.is_some_and(|p| p.word != a.word);
        if new_word {
            state = [Felt::ZERO; 4];
        }
        let selected: Vec<usize> = if a.is_word {
            (0..4).collect()
        } else {
            vec![a.index]
        };
        if a.write {
            for (k, &j) in selected.iter().enumerate() {
                state[j] = a.values[k];
            }
        }
        r[m::RW] = f(a.write as u64);
        r[m::EW] = f(a.is_word as u64);
        for &j in &selected {
            r[m::SEL + j] = Felt::ONE;
            r[m::WR + j] = f(a.write as u64);
        }
        r[m::CTX] = f(a.ctx);
        r[m::WORD] = f(a.word);
        r[m::CLK] = f(a.clk);
        r[m::V..m::V + 4].copy_from_slice(&state);
        r[m::U] = state[selected[0]];
        r[m::CC] = f((new_ctx && prev.is_some()) as u64);
        r[m::NW] = f(new_word as u64);
        let delta = match prev {
            None => 0,
            Some(p) if new_ctx => a.ctx.wrapping_sub(p.ctx).wrapping_sub(1),
            Some(p) if new_word => a.word.wrapping_sub(p.word).wrapping_sub(1),
            Some(p) => a.clk.wrapping_sub(p.clk).wrapping_sub(1),
        };
        // (Out of order, as only a forged table is, the delta wraps and its limbs are no
        // 16-bit values.)
        r[m::D0] = f(delta % LIMB);
        r[m::D1] = f(delta / LIMB);
        r[m::W0] = f(a.word % LIMB);
        r[m::W1] = f(a.word / LIMB);
        rows.push(r);
        prev = Some(a);
    }
    rows
}

/// The range checker's rows `(value, multiplicity)` for the values the memory rows look
/// up (and no u32 limbs, see [`range_table_with`]): from 0 to `2^16 - 1` in the allowed steps, each looked-up value on one row with its
/// count, the largest steps bridging between them.
pub fn range_table(memory: &[[Felt; m::WIDTH]]) -> Vec<(u64, u64)> {
    range_table_with(memory, &[])
}

/// The range checker's rows for the values the memory rows look up and the limbs `cpu` the
/// CPU's u32 operations look up (`vm_air::u32ops`), as [`range_table`] builds them.
pub fn range_table_with(memory: &[[Felt; m::WIDTH]], cpu: &[Felt]) -> Vec<(u64, u64)> {
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for r in memory {
        for v in vm_air::chiplets::memory::lookups(r) {
            *counts.entry(v.as_int()).or_default() += 1;
        }
    }
    for v in cpu {
        *counts.entry(v.as_int()).or_default() += 1;
    }
    counts.entry(range::MAX).or_default();
    let mut rows = vec![(0u64, counts.remove(&0).unwrap_or(0))];
    let mut v = 0u64;
    for (&target, &count) in &counts {
        // Values of 2^16 or more cannot be bridged to: the table stops below them, and the
        // bus leaves their lookups unanswered (only a forged trace has them).
        if target > range::MAX {
            break;
        }
        while target - v > 0 {
            let step = *range::STEPS
                .iter()
                .rev()
                .find(|&&s| s <= target - v)
                .expect("a step of 1 always fits");
            v += step;
            rows.push((v, if v == target { count } else { 0 }));
        }
    }
    rows
}
