//! The memory chiplet: the section of the chiplet region right after the hash chiplet, one
//! row per element or word access, sorted by (context, word, clock), that proves every
//! memory read returns the last value written to its cell (zero if none).
//!
//! # Layout
//!
//! Memory is element-addressed, one map per context; the table groups the elements in words
//! of four: element address `a = 4 w + i`, `w` the word index, `i` the element's index in
//! it. A row is one access, by the CPU's operation at clock `clk`, and holds the whole word
//! *after* the access (`v[0..4]`, `v[j]` the element at `4 w + j`):
//!
//! | column | meaning |
//! | --- | --- |
//! | `rw` | 1 for a write, 0 for a read |
//! | `ew` | 1 for a word access, 0 for an element access |
//! | `sel[0..4]` | the accessed elements: all four for a word, one for an element |
//! | `wr[0..4]` | `rw sel[j]`: the elements written |
//! | `ctx`, `w`, `clk` | the sort key: context, word index, clock |
//! | `v[0..4]` | the word after the access |
//! | `u` | the value of the access: `v[i]` for element `i`, `v[0]` for a word |
//! | `cc`, `nw` | this row starts a new context; this row starts a new word (or context) |
//! | `d0`, `d1` | the sort delta's 16-bit limbs (see below) |
//! | `w0`, `w1` | the word index's limbs, `w = w0 + 2^16 w1` |
//!
//! # Why it is sound
//!
//! * **Every access is a CPU request.** Each row receives the message
//!   `(MEM + rw + 2 ew, ctx, a, clk, u, ew v1, ew v2, ew v3)` from the bus (`crate::bus`),
//!   with `a = 4 w + (1 - ew) i` the access's address, which the CPU's memory operations
//!   send, one per element or word access; the multisets must agree.
//! * **Sorted, so each cell's history is contiguous.** Between consecutive rows the key
//!   strictly increases: a new context (`cc' = 1`) by `ctx' - ctx - 1 >= 0`, a new word in
//!   the same context (`nw' = 1`) by `w' - w - 1 >= 0`, the same word by `clk' - clk - 1 >=
//!   0`. The delta is `d0 + 2^16 d1` with both limbs looked up in the 16-bit range table,
//!   so it lies in `[0, 2^32)`: the keys increase as integers (no wrap-around mod p, as the
//!   trace has fewer than 2^32 rows), and a word's rows cannot be split by a later run that
//!   would restart it at zero.
//! * **Reads return the last write, and zero first.** An element not written by a row
//!   keeps its value from the previous row of the same word, or is zero on the word's first
//!   row (`nw = 1`): the table's first row is always a new word. So a never-written cell
//!   reads zero (the soundness bug Miden had until 2026 was a first read left free).
//! * **Addresses are aligned and below 2^32.** `w0` and `4 w1` are looked up in the 16-bit
//!   table, so `w1 < 2^14` and `w < 2^30`: the word's base `4 w` is a multiple of four below
//!   2^32 (no two words share an element) and a word access's address `4 w` is aligned.
//!
//! Every constraint is gated by the section's selector `m` (`m m'` for those between two
//! rows), so the section is off everywhere else.

use vm_core::{Felt, FieldElement};

use crate::named::{Degree, Sink};

/// Offsets of the memory columns within the chiplet region's shared block
/// (`crate::chiplets::cols::SHARED`).
pub mod cols {
    /// Write flag.
    pub const RW: usize = 0;
    /// Word-access flag.
    pub const EW: usize = 1;
    /// First of the four access selectors.
    pub const SEL: usize = 2;
    /// First of the four written-element flags `rw sel[j]`.
    pub const WR: usize = SEL + 4;
    /// Context.
    pub const CTX: usize = WR + 4;
    /// Word index.
    pub const WORD: usize = CTX + 1;
    /// Clock of the access.
    pub const CLK: usize = WORD + 1;
    /// First of the four values of the word after the access.
    pub const V: usize = CLK + 1;
    /// The access's value (the element's, or the word's first).
    pub const U: usize = V + 4;
    /// New-context flag.
    pub const CC: usize = U + 1;
    /// New-word flag.
    pub const NW: usize = CC + 1;
    /// Low limb of the sort delta.
    pub const D0: usize = NW + 1;
    /// High limb of the sort delta.
    pub const D1: usize = D0 + 1;
    /// Low limb of the word index.
    pub const W0: usize = D1 + 1;
    /// High limb of the word index.
    pub const W1: usize = W0 + 1;
    /// Number of memory columns.
    pub const WIDTH: usize = W1 + 1;
}

use cols::*;

/// `2^16`, the range checker's bound.
pub const LIMB: u64 = 1 << 16;

/// The memory tags: `MEM + rw + 2 ew` (read or write, element or word).
pub const MEM_TAG: u64 = 8;

/// The bus message `(tag, [ctx, addr, clk, x0, x1, x2, x3])` a memory row `row` (its shared
/// block) receives, degree 2 in the columns.
#[inline(always)]
pub fn message<E: FieldElement<BaseField = Felt>>(row: &[E]) -> (E, [E; 7]) {
    let f = |x: u64| E::from(Felt::new(x));
    let (rw, ew) = (row[RW], row[EW]);
    let tag = f(MEM_TAG) + rw + ew.double();
    let index = row[SEL + 1] + row[SEL + 2].double() + row[SEL + 3] * f(3);
    let addr = row[WORD] * f(4) + (E::ONE - ew) * index;
    let values = [
        row[CTX],
        addr,
        row[CLK],
        row[U],
        ew * row[V + 1],
        ew * row[V + 2],
        ew * row[V + 3],
    ];
    (tag, values)
}

/// The values the range checker must hold for the row `row` (a slice of the shared block):
/// the delta limbs, the low word limb and four times the high one.
#[inline(always)]
pub fn lookups<E: FieldElement<BaseField = Felt>>(row: &[E]) -> [E; 5] {
    let four = E::from(Felt::new(4));
    [row[D0], row[D1], row[W0], row[W1] * four, row[W1]]
}

/// Evaluates the memory constraints on the transition `cur -> next` of the shared block,
/// with `m`, `m_next` the section's selector on both rows.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    m: E,
    m_next: E,
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    let one = E::ONE;
    let c = |i: usize| cur[i];
    let n = |i: usize| next[i];
    let binary = |x: E| x * (x - one);
    let (rw, ew) = (c(RW), c(EW));

    // ---- one row: the access's shape and message
    out.emit("mem.rw_binary", Plain(3), m * binary(rw));
    out.emit("mem.ew_binary", Plain(3), m * binary(ew));
    let mut count = E::ZERO;
    for j in 0..4 {
        out.emit_at("mem.sel_binary", j, Plain(3), m * binary(c(SEL + j)));
        count += c(SEL + j);
    }
    // One element, or all four for a word.
    out.emit(
        "mem.sel_count",
        Plain(2),
        m * (count - one - E::from(Felt::new(3)) * ew),
    );
    for j in 0..4 {
        out.emit_at(
            "mem.written",
            j,
            Plain(3),
            m * (c(WR + j) - rw * c(SEL + j)),
        );
    }
    out.emit(
        "mem.word_limbs",
        Plain(2),
        m * (c(WORD) - c(W0) - c(W1) * E::from(Felt::new(LIMB))),
    );
    let mut element = E::ZERO;
    for j in 0..4 {
        element += c(SEL + j) * c(V + j);
    }
    out.emit(
        "mem.value_of_access",
        Plain(4),
        m * (c(U) - ew * c(V) - (one - ew) * element),
    );

    // ---- the next row: its flags, and the values it keeps
    let (cc, nw) = (n(CC), n(NW));
    out.emit("mem.cc_binary", Plain(3), m_next * binary(cc));
    out.emit("mem.nw_binary", Plain(3), m_next * binary(nw));
    // The section's first row starts a word: nothing before it is memory.
    out.emit(
        "mem.first_is_new",
        Plain(3),
        m_next * (one - m) * (one - nw),
    );
    out.emit(
        "mem.new_ctx_is_new_word",
        Plain(3),
        m_next * cc * (one - nw),
    );
    // An element the next row does not write keeps this row's value, or is zero on a new
    // word: reads return the last write, and a never-written cell reads zero.
    for j in 0..4 {
        out.emit_at(
            "mem.value",
            j,
            Plain(4),
            m_next * (one - n(WR + j)) * (n(V + j) - (one - nw) * c(V + j)),
        );
    }

    // ---- the sort between two memory rows
    let both = m * m_next;
    let (d_ctx, d_word, d_clk) = (n(CTX) - c(CTX), n(WORD) - c(WORD), n(CLK) - c(CLK));
    out.emit("mem.ctx_kept", Plain(4), both * (one - cc) * d_ctx);
    out.emit("mem.word_kept", Plain(4), both * (one - nw) * d_word);
    let delta = cc * (d_ctx - one) + (nw - cc) * (d_word - one) + (one - nw) * (d_clk - one);
    out.emit(
        "mem.delta",
        Plain(4),
        both * (n(D0) + n(D1) * E::from(Felt::new(LIMB)) - delta),
    );
}
