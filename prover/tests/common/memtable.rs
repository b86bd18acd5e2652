//! Editing the memory chiplet's section and the range checker's table of a built trace, for
//! memory forgeries: a liar's rows are written over the section and the range checker's
//! table after it is rebuilt from their lookups, so only what the liar chose is a lie.

use vm_air::{
    chiplets::{memory::cols as m, range},
    layout::*,
};
use vm_core::{Felt, FieldElement};
use vm_prover::trace::memory::range_table;
use winter_prover::matrix::ColMatrix;

use super::forge::Forgery;

/// The memory section: its first row and its rows (shared blocks).
pub fn mem_rows(cols: &ColMatrix<Felt>, last: usize) -> (usize, Vec<[Felt; m::WIDTH]>) {
    let start = (0..=last)
        .find(|&r| cols.get(MEM_ACTIVE, r) == Felt::ONE)
        .expect("a memory row");
    let rows = (start..=last)
        .take_while(|&r| cols.get(MEM_ACTIVE, r) == Felt::ONE)
        .map(|r| core::array::from_fn(|c| cols.get(shared(c), r)))
        .collect();
    (start, rows)
}

/// Writes `rows` over the memory section (same length) and rebuilds the range checker's
/// table after it from their lookups.
pub fn put_mem_rows(f: &mut Forgery, rows: &[[Felt; m::WIDTH]]) {
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let (start, old) = mem_rows(cols, last);
    assert_eq!(old.len(), rows.len());
    for (k, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            cols.set(shared(c), start + k, *v);
        }
    }
    write_range(cols, start + rows.len(), last, &range_table(rows), |_| {});
}

/// Writes the range checker's table `table` (value, multiplicity) from row `from` to
/// `last` (the last value repeated), with honest step helpers that `helpers` may change on
/// the first row whose step is not an allowed one.
pub fn write_range(
    cols: &mut ColMatrix<Felt>,
    from: usize,
    last: usize,
    table: &[(u64, u64)],
    mut helpers: impl FnMut(&mut [Felt; 3]),
) {
    let fill = table.last().map_or(range::MAX, |r| r.0);
    let at = |i: usize| table.get(i - from).copied().unwrap_or((fill, 0));
    let mut lied = false;
    for i in from..=last {
        let (v, mult) = at(i);
        let next = if i < last { at(i + 1).0 } else { v };
        cols.set(shared(range::cols::VALUE), i, Felt::new(v));
        cols.set(shared(range::cols::MULT), i, Felt::new(mult));
        let step = next.wrapping_sub(v);
        let mut u = range::helpers(Felt::new(next) - Felt::new(v));
        if !lied && !range::STEPS.contains(&step) {
            helpers(&mut u);
            lied = true;
        }
        for (j, x) in u.into_iter().enumerate() {
            cols.set(shared(range::cols::U + j), i, x);
        }
    }
}
