//! The chiplet region: one set of columns beside the CPU that the chiplets share, stacked
//! vertically as Miden's chiplets are, each section owning the rows where its degree-1
//! selector is 1. The Rescue Prime hash chiplet ([`hasher`]) runs from row 0: it recomputes
//! the program hash from the program's instructions and so fills the program table the CPU
//! reads its instructions from, and sends the digest to the bus, which the verifier balances
//! against the public program hash (no assertion reads the chiplet's last row). Below it
//! come the memory chiplet ([`memory`]), the bitwise chiplet ([`bitwise`]) and the range
//! checker ([`range`]) to the last real row. The bookkeeping columns (the selectors, the
//! hasher's round flag, the block address) are constrained here.

pub mod bitwise;
pub mod hasher;
pub mod memory;
pub mod range;

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
    /// The memory chiplet's selector: 1 on its rows, right after the hasher's, then 0 for
    /// good.
    pub const MEM_ACTIVE: usize = HASH_ADDR + 1;
    /// The bitwise chiplet's selector: 1 on its rows, right after the memory chiplet's (or
    /// the hasher's), then 0 for good.
    pub const BIT_ACTIVE: usize = MEM_ACTIVE + 1;
    /// The hash requests' selector: 1 on the rows of the hasher's request section (the
    /// permutations `HPERM` asks for), which follows the program's attestation directly,
    /// then 0 for good. The section shares the permutation columns and the round flag.
    pub const HASH_REQ: usize = BIT_ACTIVE + 1;
    /// First column of the Rescue Prime permutation block (`crate::chiplets::hasher`).
    pub const HASH: usize = HASH_REQ + 1;
    /// First of the four multiplicities (how often each absorbed instruction is executed):
    /// cells of the hasher's S-box helpers, meaningful on absorb rows only.
    pub const HASH_MULT: usize = HASH + super::hasher::MULT;
    /// Instructions absorbed per cycle.
    pub const INSTRUCTIONS_PER_CYCLE: usize = 4;
    /// On an absorb row of the request section: how often the permutation that starts
    /// there is asked for (its input message), a cell of the S-box helpers.
    pub const HASH_REQ_IN: usize = HASH + super::hasher::REQ_IN;
    /// On an absorb row of the request section: how often the state there (the output of
    /// the permutation that ends there) is asked for.
    pub const HASH_REQ_OUT: usize = HASH + super::hasher::REQ_OUT;
    /// First of the 12 state columns; the digest is state elements 4..8.
    pub const HASH_STATE: usize = HASH;
    /// One past the region's last column.
    pub const END: usize = HASH + super::hasher::HASH_WIDTH;
    /// Number of the permutation block's columns the memory and range sections share: the
    /// hasher's S-box helpers `a` and `b`. (The state lanes of the row after the hasher's
    /// section are its permutation's output, pinned by its last round, so no section below
    /// may use them on that row.)
    pub const SHARED_WIDTH: usize = 24;

    /// Main column of cell `i` of the shared block.
    pub const fn shared(i: usize) -> usize {
        HASH + super::hasher::A + i
    }
}

use cols::*;

/// A row of the chiplet region, read by name.
#[derive(Clone, Copy)]
pub struct Chiplets<'a, E>(pub &'a [E]);

impl<E: Copy + Default> Chiplets<'_, E> {
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

    /// The hash requests' selector.
    #[inline(always)]
    pub fn req(&self) -> E {
        self.0[HASH_REQ]
    }

    /// The memory chiplet's selector.
    #[inline(always)]
    pub fn mem(&self) -> E {
        self.0[MEM_ACTIVE]
    }

    /// The bitwise chiplet's selector.
    #[inline(always)]
    pub fn bit(&self) -> E {
        self.0[BIT_ACTIVE]
    }

    /// The range checker's selector `1 - h - q - m - k`: the rows the earlier sections
    /// leave.
    #[inline(always)]
    pub fn range(&self) -> E
    where
        E: FieldElement,
    {
        E::ONE - self.active() - self.req() - self.mem() - self.bit()
    }

    /// The permutation block's selector `h + q`: the rows of the program's attestation or
    /// of the hash requests, where the rounds run.
    #[inline(always)]
    pub fn permuting(&self) -> E
    where
        E: FieldElement,
    {
        self.active() + self.req()
    }

    /// The shared block's cells, in order (see [`cols::shared`]).
    #[inline(always)]
    pub fn shared(&self) -> [E; SHARED_WIDTH] {
        crate::arith::from_fn(|i| self.0[cols::shared(i)])
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
#[inline(always)]
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
    // The rounds run on the round rows of both hasher sections (the attestation `h`, the
    // requests `q`).
    let (q, q_next) = (cur.req(), next.req());
    let permuting = h + q;
    out.emit(
        "chiplet.round_flag",
        Cyclic(1),
        cur.round() - permuting * round,
    );
    // The address steps by 4 per hasher cycle while the next row is the hasher's (then so
    // is this one: the selector never restarts); below the hasher the column is free.
    // Degree 2: the periodic flag only multiplies the selector.
    out.emit(
        "chiplet.addr_step",
        Plain(2),
        h_next * (next.addr() - cur.addr()) - h_next * last * E::from(Felt::new(4)),
    );
    // Only the attestation's absorb rows copy the capacity (it chains the program's blocks);
    // a request's absorb row takes any input state, which its bus message names.
    hasher::evaluate(
        cur.hasher(),
        next.hasher(),
        permuting,
        cur.round(),
        h * (one - cur.round()),
        &periodic[..hasher::NUM_PERIODIC],
        out,
    );
    // The request section: binary, on no row of the attestation, and it can only start
    // right after the attestation's rows or continue its own (the attestation never
    // restarts, so neither does it). Its rounds are the permutation block's; which of its
    // cycles answer which request is the bus's business (`crate::bus::hash_answers`).
    out.emit("chiplet.req_binary", Plain(2), q * (q - one));
    out.emit("chiplet.req_exclusive", Plain(2), q * h);
    out.emit("chiplet.req_after_hasher", Plain(2), q_next * (one - q - h));
    // The sections below the hasher: memory, then the range checker to the end. The
    // memory selector is binary, never shares a row with the hasher, and can only start
    // right after the hasher's rows (either section) or continue its own (so it never
    // restarts).
    let (m, m_next) = (cur.mem(), next.mem());
    out.emit("chiplet.mem_binary", Plain(2), m * (m - one));
    out.emit("chiplet.mem_after_hasher", Plain(2), m * permuting);
    out.emit(
        "chiplet.mem_contiguous",
        Plain(2),
        m_next * (one - m - permuting),
    );
    let (sc, sn) = (cur.shared(), next.shared());
    memory::evaluate(&sc, &sn, m, m_next, out);
    // The bitwise section: binary, on no row of the earlier sections, and it can only start
    // right after the hasher's or the memory chiplet's rows or continue its own. With the
    // memory selector's placement this orders the sections hasher, memory, bitwise, range
    // checker, each contiguous: the range checker's table is one run to the last row.
    let (k, k_next) = (cur.bit(), next.bit());
    out.emit("chiplet.bit_binary", Plain(2), k * (k - one));
    out.emit("chiplet.bit_exclusive", Plain(2), k * (permuting + m));
    out.emit(
        "chiplet.bit_contiguous",
        Plain(2),
        k_next * (one - k - m - permuting),
    );
    let (bc, bn) = (bitwise::cells(cur.0), bitwise::cells(next.0));
    bitwise::evaluate(&bc, &bn, k, out);
    range::evaluate(&sc, &sn, cur.range(), next.range(), out);
}
