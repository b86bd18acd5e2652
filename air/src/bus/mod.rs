//! The LogUp bus in the auxiliary trace. Every message kind is a [`Channel`] of the
//! registry [`CHANNELS`]: who sends it, who receives it, and the auxiliary columns that
//! hold its fractions, allocated from the registry in its order. One running sum collects:
//! - `+1 / fp(ROM, pc, opcode, imm)` for the instruction the CPU executes on each row;
//! - `-m_j / fp(ROM, addr + j, op_j, imm_j)` for each instruction the hash chiplet absorbs
//!   (the program table, with `m_j` how often it is executed);
//! - `+1 / fp(PROGRAM, d0, d1, d2, d3)` once, on the transition where the hash chiplet's
//!   section ends, with `d` the digest of the absorbed program;
//! - `+1 / fp(OVERFLOW, clk + 1, s15, ovf_ptr)` when a right shift pushes `s15`, and
//!   `-1 / fp(OVERFLOW, ovf_ptr, ovf_val, ovf_ptr')` when a pop removes the top row;
//! - `+1 / fp(CONTROL, clk + 1, ctop, ckind, cptr)` when `CALL`/`REPEAT` save the top
//!   frame, and `-1 / fp(CONTROL, cptr, ctop', ckind', cptr')` when `RET`/`NEXT` restore it.
//!
//! with `fp(tag, x0..x3) = alpha - (tag + beta x0 + beta^2 x1 + beta^3 x2 + beta^4 x3)`. The
//! sum starts at 0 on row 0 and must equal `1 / fp(PROGRAM, H)` at the last real row, with
//! `H` the public program hash: the verifier's side of the digest message, so the program
//! hash is checked on the bus and no assertion reads the chiplet's last row. Each fraction
//! lives in its own helper column so that every constraint has degree at most 3.

use vm_core::{Felt, FieldElement};
use winter_air::TransitionConstraintDegree;
use winter_math::ExtensionOf;

use crate::decoder::opcode;
use crate::layout::*;
use crate::named::{Degree, Describer, NamedConstraint, Sink};

/// One kind of bus message.
#[derive(Clone, Copy, Debug)]
pub struct Channel {
    /// Short name.
    pub name: &'static str,
    /// The component that sends it (adds its fraction with a positive sign or multiplicity).
    pub sender: &'static str,
    /// The component, or the verifier, that receives it.
    pub receiver: &'static str,
    /// The message, as its fingerprint's tag and values.
    pub message: &'static str,
    /// Auxiliary helper columns it takes (one fraction each).
    pub columns: usize,
}

/// Every message kind on the bus, in the order its auxiliary columns are allocated. The
/// running sum takes the column after the last channel's.
pub const CHANNELS: &[Channel] = &[
    Channel {
        name: "rom_lookup",
        sender: "decoder (every executed row)",
        receiver: "hasher (program table)",
        message: "(ROM, pc, opcode, imm)",
        columns: 1,
    },
    Channel {
        name: "rom_entry",
        sender: "hasher (absorb rows, multiplicity m_j)",
        receiver: "decoder",
        message: "(ROM, addr + j, op_j, imm_j), j = 0..4",
        columns: INSTRUCTIONS_PER_CYCLE,
    },
    Channel {
        name: "table",
        sender: "control (overflow and control table insertions)",
        receiver: "control (removals)",
        message:
            "(OVERFLOW, addr, value, previous addr) or (CONTROL, addr, top, kind, previous addr)",
        columns: 1,
    },
    Channel {
        name: "program",
        sender: "hasher (end of its section)",
        receiver: "verifier (public program hash)",
        message: "(PROGRAM, d0, d1, d2, d3)",
        columns: 1,
    },
];

/// The first auxiliary column of channel `i` of [`CHANNELS`].
pub const fn first_column(i: usize) -> usize {
    let mut col = 0;
    let mut k = 0;
    while k < i {
        col += CHANNELS[k].columns;
        k += 1;
    }
    col
}

/// `1 / (alpha - rom(pc, opcode, imm))`: the CPU's lookup of the executed instruction.
pub const AUX_ROM_LOOKUP: usize = first_column(0);
/// First of four `m_j / (alpha - rom(addr + j, op_j, imm_j))`: the program table's entries,
/// read from the hash chiplet's absorbed blocks.
pub const AUX_ROM_ENTRY: usize = first_column(1);
/// `(push - pop) / (alpha - row)`: the overflow or control table row inserted or removed.
pub const AUX_TABLE: usize = first_column(2);
/// `end / (alpha - program(digest))`, `end` = 1 on the transition where the hasher's
/// section ends: the digest of the attested program.
pub const AUX_PROGRAM: usize = first_column(3);
/// The running sum of all the fractions above (a LogUp bus).
pub const AUX_SUM: usize = first_column(CHANNELS.len());
/// Number of auxiliary columns.
pub const AUX_WIDTH: usize = AUX_SUM + 1;
/// Random elements drawn for the auxiliary trace: `alpha` and `beta`.
pub const AUX_RANDS: usize = 2;

/// Tags that keep the kinds of bus rows apart in the fingerprint.
pub mod tag {
    /// Program table rows `(addr, opcode, imm)`.
    pub const ROM: u64 = 1;
    /// Overflow table rows `(addr, value, previous addr)`.
    pub const OVERFLOW: u64 = 2;
    /// Control table rows `(addr, value, kind, previous addr)`.
    pub const CONTROL: u64 = 3;
    /// The attested program's digest.
    pub const PROGRAM: u64 = 4;
}

/// Number of auxiliary constraints.
pub const NUM_CONSTRAINTS: usize = AUX_WIDTH;

/// The auxiliary constraints with their names and degrees, in the order [`evaluate`]
/// writes them (read from [`evaluate`] itself, on an all-zero frame).
pub fn constraints() -> alloc::vec::Vec<NamedConstraint> {
    let main = alloc::vec![Felt::ZERO; crate::layout::BASE_WIDTH];
    let aux = [Felt::ZERO; AUX_WIDTH];
    let mut d = Describer::default();
    evaluate(&main, &main, &aux, &aux, &[Felt::ZERO; AUX_RANDS], &mut d);
    debug_assert_eq!(d.0 .0.len(), NUM_CONSTRAINTS);
    d.0 .0
}

/// Degrees of the auxiliary constraints, in the order [`evaluate`] writes them.
pub fn degrees() -> alloc::vec::Vec<TransitionConstraintDegree> {
    constraints().into_iter().map(|c| c.degree).collect()
}

/// `alpha - (tag + beta x0 + beta^2 x1 + beta^3 x2 + beta^4 x3)` for base-field values.
#[inline(always)]
pub fn fingerprint<F, E>(rands: &[E], tag: u64, x: [F; 4]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let beta = rands[1];
    let mut acc = E::from(x[3]);
    acc = acc * beta + E::from(x[2]);
    acc = acc * beta + E::from(x[1]);
    acc = acc * beta + E::from(x[0]);
    acc = acc * beta + E::from(Felt::new(tag));
    rands[0] - acc
}

/// The program-table row `(pc, opcode, imm)` the CPU looks up on row `cur`.
pub fn rom_lookup<F, E>(rands: &[E], cur: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint(rands, tag::ROM, [cur[PC], opcode(cur), cur[IMM], F::ZERO])
}

/// The `j`-th program-table entry the chiplet absorbs on the transition `cur -> next`
/// (meaningful on absorb rows; elsewhere its multiplicity is zero).
pub fn rom_entry<F, E>(rands: &[E], cur: &[F], next: &[F], j: usize) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let rate = HASH_STATE + 4 + 2 * j;
    let addr = cur[HASH_ADDR] + F::from(Felt::new(j as u64));
    let op = next[rate] - cur[rate];
    let imm = next[rate + 1] - cur[rate + 1];
    fingerprint(rands, tag::ROM, [addr, op, imm, F::ZERO])
}

/// The multiplicity of the `j`-th entry on row `cur`: the chiplet's multiplicity cell on an
/// absorb row (`h - r = 1`), zero elsewhere (degree 2).
pub fn rom_multiplicity<F: FieldElement<BaseField = Felt>>(cur: &[F], j: usize) -> F {
    cur[HASH_MULT + j] * (cur[HASH_ACTIVE] - cur[HASH_ROUND])
}

/// The digest message `(PROGRAM, d0..d3)` of the state on row `next`.
pub fn program<F, E>(rands: &[E], next: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let d = HASH_STATE + 4;
    fingerprint(
        rands,
        tag::PROGRAM,
        [next[d], next[d + 1], next[d + 2], next[d + 3]],
    )
}

/// 1 on the transition where the hasher's section ends (`h = 1`, `h' = 0`), else 0.
pub fn program_end<F: FieldElement<BaseField = Felt>>(cur: &[F], next: &[F]) -> F {
    cur[HASH_ACTIVE] * (F::ONE - next[HASH_ACTIVE])
}

/// What the running sum must hold at the last real row: the verifier's side of the digest
/// message, `1 / fp(PROGRAM, H)` for the public program hash `H`.
pub fn expected_end<E: FieldElement<BaseField = Felt>>(rands: &[E], hash: [Felt; 4]) -> E {
    let h = hash.map(E::from);
    fingerprint::<E, E>(rands, tag::PROGRAM, h).inv()
}

/// The table row inserted or removed on the transition `cur -> next`, as the fraction's
/// denominator, with the selectors folded in (1 when the row touches no table).
pub fn table_denominator<F, E>(rands: &[E], cur: &[F], next: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let one = F::ONE;
    let addr = cur[CLK] + one;
    let (push, pop, cpush, cpop) = (cur[OVF_PUSH], cur[OVF_POP], cur[CTL_PUSH], cur[CTL_POP]);
    let ovf_in: E = fingerprint(
        rands,
        tag::OVERFLOW,
        [addr, cur[STACK + 15], cur[OVF_PTR], F::ZERO],
    );
    let ovf_out: E = fingerprint(
        rands,
        tag::OVERFLOW,
        [cur[OVF_PTR], cur[OVF_VAL], next[OVF_PTR], F::ZERO],
    );
    let ctl_in: E = fingerprint(
        rands,
        tag::CONTROL,
        [addr, cur[CTOP], cur[CKIND], cur[CPTR]],
    );
    let ctl_out: E = fingerprint(
        rands,
        tag::CONTROL,
        [cur[CPTR], next[CTOP], next[CKIND], next[CPTR]],
    );
    ovf_in.mul_base(push)
        + ovf_out.mul_base(pop)
        + ctl_in.mul_base(cpush)
        + ctl_out.mul_base(cpop)
        + E::from(one - push - pop - cpush - cpop)
}

/// The table fraction's numerator: +1 for an insertion, -1 for a removal, 0 otherwise.
pub fn table_weight<F: FieldElement<BaseField = Felt>>(cur: &[F]) -> F {
    cur[OVF_PUSH] + cur[CTL_PUSH] - cur[OVF_POP] - cur[CTL_POP]
}

/// Evaluates the auxiliary constraints on the transition `cur -> next`.
pub fn evaluate<F, E>(
    cur: &[F],
    next: &[F],
    aux: &[E],
    aux_next: &[E],
    rands: &[E],
    out: &mut impl Sink<E>,
) where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    use Degree::Plain;
    // Each fraction's helper times its (degree-1) denominator is its numerator.
    out.emit(
        "bus.rom_lookup",
        Plain(2),
        aux[AUX_ROM_LOOKUP] * rom_lookup(rands, cur) - E::ONE,
    );
    let mut entries = E::ZERO;
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        let v = aux[AUX_ROM_ENTRY + j];
        out.emit_at(
            "bus.rom_entry",
            j,
            Plain(2),
            v * rom_entry(rands, cur, next, j) - E::from(rom_multiplicity(cur, j)),
        );
        entries += v;
    }
    let w = aux[AUX_TABLE];
    // The table denominator folds in the degree-1 selectors: degree 2, times the helper.
    out.emit(
        "bus.table",
        Plain(3),
        w * table_denominator(rands, cur, next) - E::from(table_weight(cur)),
    );
    let p = aux[AUX_PROGRAM];
    out.emit(
        "bus.program",
        Plain(2),
        p * program(rands, next) - E::from(program_end(cur, next)),
    );
    out.emit(
        "bus.sum",
        Plain(1),
        aux_next[AUX_SUM] - aux[AUX_SUM] - aux[AUX_ROM_LOOKUP] + entries - w - p,
    );
}
