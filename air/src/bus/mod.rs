//! The LogUp bus in the auxiliary trace. One running sum collects:
//! - `+1 / fp(ROM, pc, opcode, imm)` for the instruction the CPU executes on each row;
//! - `-m_j / fp(ROM, addr + j, op_j, imm_j)` for each instruction the hash chiplet absorbs
//!   (the program table, with `m_j` how often it is executed);
//! - `+1 / fp(OVERFLOW, clk + 1, s15, ovf_ptr)` when a right shift pushes `s15`, and
//!   `-1 / fp(OVERFLOW, ovf_ptr, ovf_val, ovf_ptr')` when a pop removes the top row;
//! - `+1 / fp(CONTROL, clk + 1, ctop, ckind, cptr)` when `CALL`/`REPEAT` save the top
//!   frame, and `-1 / fp(CONTROL, cptr, ctop', ckind', cptr')` when `RET`/`NEXT` restore it.
//!
//! with `fp(tag, x0..x3) = alpha - (tag + beta x0 + beta^2 x1 + beta^3 x2 + beta^4 x3)`. The
//! sum starts at 0 on row 0 and must be 0 again at the last real row. Each fraction lives in
//! its own helper column so that every constraint has degree at most 3.

use vm_core::{Felt, FieldElement};
use winter_air::TransitionConstraintDegree;
use winter_math::ExtensionOf;

use crate::decoder::opcode;
use crate::layout::*;
use crate::named::{Degree, Describer, NamedConstraint, Sink};

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
            v * rom_entry(rands, cur, next, j) - E::from(cur[HASH_MULT + j]),
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
    out.emit(
        "bus.sum",
        Plain(1),
        aux_next[AUX_SUM] - aux[AUX_SUM] - aux[AUX_ROM_LOOKUP] + entries - w,
    );
}
