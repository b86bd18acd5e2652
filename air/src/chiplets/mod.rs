//! The chiplet region: the columns beside the CPU that the chiplets share. Today it holds
//! the Rescue Prime hash chiplet ([`hasher`]), which recomputes the program hash from the
//! program's instructions and so fills the program table the CPU reads its instructions
//! from; its bookkeeping columns (`active`, the block address, the multiplicities of the
//! absorbed instructions) are constrained here.

pub mod hasher;

use vm_core::{Felt, FieldElement};

use crate::named::{Degree, Sink};

/// The chiplet region's columns.
pub mod cols {
    /// 1 while the chiplet hashes the program (whole 8-row cycles), then 0 for good.
    pub const HASH_ACTIVE: usize = crate::layout::CPU_WIDTH;
    /// Address of the first of the four instructions the current cycle absorbs.
    pub const HASH_ADDR: usize = HASH_ACTIVE + 1;
    /// First of the four multiplicities: how often each absorbed instruction is executed.
    pub const HASH_MULT: usize = HASH_ADDR + 1;
    /// Instructions absorbed per cycle.
    pub const INSTRUCTIONS_PER_CYCLE: usize = 4;
    /// First column of the Rescue Prime permutation block (`crate::chiplets::hasher`).
    pub const HASH: usize = HASH_MULT + INSTRUCTIONS_PER_CYCLE;
    /// First of the 12 state columns; the digest is state elements 4..8.
    pub const HASH_STATE: usize = HASH;
    /// One past the region's last column.
    pub const END: usize = HASH + super::hasher::HASH_WIDTH;
}

use cols::*;

/// A row of the chiplet region, read by name.
#[derive(Clone, Copy)]
pub struct Chiplets<'a, E>(pub &'a [E]);

impl<E: Copy> Chiplets<'_, E> {
    /// The hash chiplet's `active` flag.
    #[inline(always)]
    pub fn active(&self) -> E {
        self.0[HASH_ACTIVE]
    }

    /// The block address.
    #[inline(always)]
    pub fn addr(&self) -> E {
        self.0[HASH_ADDR]
    }

    /// Multiplicity `j` of the absorbed block.
    #[inline(always)]
    pub fn mult(&self, j: usize) -> E {
        self.0[HASH_MULT + j]
    }

    /// The hash chiplet's permutation columns.
    #[inline(always)]
    pub fn hasher(&self) -> &[E] {
        &self.0[HASH..HASH + hasher::HASH_WIDTH]
    }
}

/// Index of the region's own periodic column (after the hasher's): 1 on the last row of
/// each 8-row cycle.
pub const P_LAST: usize = hasher::NUM_PERIODIC;
/// Number of periodic columns of the region.
pub const NUM_PERIODIC: usize = P_LAST + 1;

/// The region's periodic columns: the hasher's, then [`P_LAST`].
pub fn periodic_columns() -> alloc::vec::Vec<alloc::vec::Vec<Felt>> {
    let mut columns = hasher::periodic_columns();
    let mut last = alloc::vec![Felt::ZERO; hasher::CYCLE_LEN];
    last[hasher::CYCLE_LEN - 1] = Felt::ONE;
    columns.push(last);
    columns
}

/// The region's constraints on the transition `cur -> next`: the bookkeeping columns,
/// then the hash chiplet's own.
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &Chiplets<'_, E>,
    next: &Chiplets<'_, E>,
    periodic: &[E],
    out: &mut impl Sink<E>,
) {
    use Degree::{Cyclic, Plain};
    let one = E::ONE;
    let (round, last) = (periodic[hasher::P_ROUND], periodic[P_LAST]);
    let (active, active_n) = (cur.active(), next.active());
    out.emit("chiplet.active_binary", Plain(2), active * (active - one));
    out.emit(
        "chiplet.active_constant_in_cycle",
        Cyclic(1),
        (one - last) * (active_n - active),
    );
    out.emit(
        "chiplet.active_never_restarts",
        Plain(2),
        active_n * (one - active),
    );
    // Degree 1: the periodic flag only multiplies a constant.
    out.emit(
        "chiplet.addr_step",
        Plain(1),
        next.addr() - cur.addr() - last * E::from(Felt::new(4)),
    );
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        out.emit_at(
            "chiplet.mult_on_absorb_row",
            j,
            Cyclic(1),
            cur.mult(j) * round,
        );
    }
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        out.emit_at(
            "chiplet.mult_only_when_active",
            j,
            Plain(2),
            cur.mult(j) * (one - active),
        );
    }
    hasher::evaluate(
        cur.hasher(),
        next.hasher(),
        active,
        &periodic[..hasher::NUM_PERIODIC],
        out,
    );
}
