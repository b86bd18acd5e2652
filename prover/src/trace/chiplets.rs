//! The chiplet region's columns: the hash chiplet's section from row 0 (the program's
//! attestation), its request section (a cycle per `HPERM`), the memory chiplet's rows, the
//! bitwise chiplet's, then the range checker's to the last real row.

use vm_air::{
    chiplets::{bitwise, hasher as hash, memory::cols::WIDTH as MEM_WIDTH, range},
    layout::*,
};
use vm_core::{Felt, FieldElement, Program};

pub(super) fn fill_chiplet(
    cols: &mut [Vec<Felt>],
    program: &Program,
    permutations: &[([Felt; 12], [Felt; 12])],
    memory: &[[Felt; MEM_WIDTH]],
    bitwise_rows: &[super::bitwise::Row],
    range_rows: &[(u64, u64)],
    last_real: usize,
) {
    let elements = vm_core::program::encode_for_hash(program.code());
    let blocks = program.code().len().div_ceil(INSTRUCTIONS_PER_CYCLE);
    // How often each address is executed on the rows whose lookups the bus sums.
    let mut counts = vec![0u64; blocks * INSTRUCTIONS_PER_CYCLE];
    for i in 0..last_real {
        counts[cols[PC][i].as_int() as usize] += 1;
    }
    let mut state = [Felt::ZERO; 12];
    state[0] = Felt::new(elements.len() as u64);
    for k in 0..blocks {
        let mut block = [Felt::ZERO; 8];
        for (j, b) in block.iter_mut().enumerate() {
            *b = elements.get(8 * k + j).copied().unwrap_or(Felt::ZERO);
        }
        let (rows, out) = hash::permutation_rows(state, block);
        for (r, row) in rows.iter().enumerate() {
            let i = hash::CYCLE_LEN * k + r;
            for (c, v) in row.iter().enumerate() {
                cols[HASH + c][i] = *v;
            }
            cols[HASH_ACTIVE][i] = Felt::ONE;
            cols[HASH_ROUND][i] = Felt::from((r != 0) as u8);
            cols[HASH_ADDR][i] = Felt::new((INSTRUCTIONS_PER_CYCLE * k) as u64);
        }
        // The multiplicities sit in the absorb row's free helper cells.
        for j in 0..INSTRUCTIONS_PER_CYCLE {
            cols[HASH_MULT + j][hash::CYCLE_LEN * k] = Felt::new(counts[4 * k + j]);
        }
        state = out;
    }
    // The row after the hasher's section holds the digest the bus reads (in its state
    // lanes, which no later section uses).
    let digest_row = hash::CYCLE_LEN * blocks;
    for (i, v) in state.iter().enumerate() {
        cols[HASH_STATE + i][digest_row] = *v;
    }
    let end = fill_requests(cols, digest_row, state, permutations);
    // The memory chiplet's rows, the bitwise chiplet's, then the range checker's to the
    // last real row (its last value repeated, multiplicity 0).
    for (k, row) in memory.iter().enumerate() {
        cols[MEM_ACTIVE][end + k] = Felt::ONE;
        for (c, v) in row.iter().enumerate() {
            cols[shared(c)][end + k] = *v;
        }
    }
    let start = end + memory.len();
    for (k, row) in bitwise_rows.iter().enumerate() {
        let i = start + k;
        cols[BIT_ACTIVE][i] = Felt::ONE;
        // On the row after the hasher's (a filler row) the state lanes keep the digest.
        let cells = if i == digest_row {
            SHARED_WIDTH
        } else {
            row.len()
        };
        for (c, v) in row.iter().enumerate().take(cells) {
            cols[bitwise::column(c)][i] = *v;
        }
    }
    let first = start + bitwise_rows.len();
    assert!(
        first + range_rows.len() <= last_real + 1,
        "the trace shape leaves room for the chiplets"
    );
    let value = |i: usize| range_rows.get(i - first).map_or(range::MAX, |r| r.0);
    let mult = |i: usize| range_rows.get(i - first).map_or(0, |r| r.1);
    let rows = first..=last_real;
    let steps: Vec<[Felt; 3]> = rows
        .clone()
        .map(|i| {
            let next = if i < last_real {
                value(i + 1)
            } else {
                value(i)
            };
            range::helpers(Felt::new(next) - Felt::new(value(i)))
        })
        .collect();
    let fill = |col: &mut Vec<Felt>, f: &dyn Fn(usize) -> Felt| {
        for (i, cell) in rows.clone().zip(&mut col[rows.clone()]) {
            *cell = f(i);
        }
    };
    fill(&mut cols[shared(range::cols::VALUE)], &|i| {
        Felt::new(value(i))
    });
    fill(&mut cols[shared(range::cols::MULT)], &|i| {
        Felt::new(mult(i))
    });
    for j in 0..3 {
        fill(&mut cols[shared(range::cols::U + j)], &|i| {
            steps[i - first][j]
        });
    }
}

/// The request section from row `start` (whose state `state` is the attestation's last
/// output): a cycle per permutation, its absorb row asking for the input (multiplicity 1)
/// and answering the previous cycle's output, then a closing absorb row that answers the
/// last output. Returns the first row after the section (`start` without requests).
fn fill_requests(
    cols: &mut [Vec<Felt>],
    start: usize,
    mut state: [Felt; 12],
    permutations: &[([Felt; 12], [Felt; 12])],
) -> usize {
    if permutations.is_empty() {
        return start;
    }
    for (k, (input, _)) in permutations.iter().enumerate() {
        let at = start + hash::CYCLE_LEN * k;
        let (mut rows, out) = hash::permutation_rows(*input, [Felt::ZERO; 8]);
        // The absorb row holds what the previous cycle left; the rounds start from `input`.
        rows[0] = [Felt::ZERO; hash::HASH_WIDTH];
        rows[0][hash::S..hash::S + 12].copy_from_slice(&state);
        rows[0][hash::REQ_IN] = Felt::ONE;
        rows[0][hash::REQ_OUT] = Felt::from((k > 0) as u8);
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                cols[HASH + c][at + r] = *v;
            }
            cols[HASH_REQ][at + r] = Felt::ONE;
            cols[HASH_ROUND][at + r] = Felt::from((r != 0) as u8);
        }
        state = out;
    }
    let close = start + hash::CYCLE_LEN * permutations.len();
    for (i, v) in state.iter().enumerate() {
        cols[HASH_STATE + i][close] = *v;
    }
    cols[HASH_REQ_OUT][close] = Felt::ONE;
    cols[HASH_REQ][close] = Felt::ONE;
    close + 1
}
