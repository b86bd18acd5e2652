//! The chiplet region: one set of columns beside the CPU that the chiplets share, stacked
//! vertically as Miden's chiplets are, each section owning the rows where its degree-1
//! selector is 1. Today it holds one section, the Rescue Prime hash chiplet ([`hasher`]),
//! from row 0: it recomputes the program hash from the program's instructions and so fills
//! the program table the CPU reads its instructions from, and sends the digest to the bus,
//! which the verifier balances against the public program hash (no assertion reads the
//! chiplet's last row). The rows below it are free for the sections the memory and bitwise
//! components add (`docs/air.md`, "Width plan"). The bookkeeping columns (the hasher's
//! selector, its round flag, the block address) are constrained here.

pub mod hasher;

use vm_core::{Felt, FieldElement};

use crate::named::{Degree, Sink};

/// The chiplet region's columns.
pub mod cols {
    /// The hasher's selector: 1 on the hash chiplet's rows (whole 8-row cycles from row 0),
    /// then 0 for good.
    pub const HASH_ACTIVE: usize = crate::layout::CPU_WIDTH;
    /// The hasher's round flag `HASH_ACTIVE * R` (1 on its round rows), a column so that
    /// the degree-4 round constraints carry no periodic factor.
    pub const HASH_ROUND: usize = HASH_ACTIVE + 1;
    /// Address of the first of the four instructions the current cycle absorbs.
    pub const HASH_ADDR: usize = HASH_ROUND + 1;
    /// First column of the Rescue Prime permutation block (`crate::chiplets::hasher`).
    pub const HASH: usize = HASH_ADDR + 1;
    /// First of the four multiplicities (how often each absorbed instruction is executed):
    /// cells of the hasher's S-box helpers, meaningful on absorb rows only.
    pub const HASH_MULT: usize = HASH + super::hasher::MULT;
    /// Instructions absorbed per cycle.
    pub const INSTRUCTIONS_PER_CYCLE: usize = 4;
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

    /// The hasher's round flag.
    #[inline(always)]
    pub fn round(&self) -> E {
        self.0[HASH_ROUND]
    }

    /// The block address.
    #[inline(always)]
    pub fn addr(&self) -> E {
        self.0[HASH_ADDR]
    }

    /// Multiplicity `j` of the absorbed block (on absorb rows).
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
    let (h, h_next) = (cur.active(), next.active());
    out.emit("chiplet.active_binary", Plain(2), h * (h - one));
    out.emit(
        "chiplet.active_constant_in_cycle",
        Cyclic(1),
        (one - last) * (h_next - h),
    );
    out.emit(
        "chiplet.active_never_restarts",
        Plain(2),
        h_next * (one - h),
    );
    out.emit("chiplet.round_flag", Cyclic(1), cur.round() - h * round);
    // The address steps by 4 per hasher cycle while the next row is the hasher's (then so
    // is this one: the selector never restarts); below the hasher the column is free.
    // Degree 2: the periodic flag only multiplies the selector.
    out.emit(
        "chiplet.addr_step",
        Plain(2),
        h_next * (next.addr() - cur.addr()) - h_next * last * E::from(Felt::new(4)),
    );
    hasher::evaluate(
        cur.hasher(),
        next.hasher(),
        h,
        cur.round(),
        &periodic[..hasher::NUM_PERIODIC],
        out,
    );
}
