//! The LogUp bus in the auxiliary trace. Every message kind is a [`Channel`] of the
//! registry [`CHANNELS`]: who sends it, who receives it, and the auxiliary columns
//! ([`COLUMNS`], allocated in that registry's order) that hold its fractions. One running
//! sum collects:
//! - `+1 / fp(ROM, pc, opcode, imm)` for the instruction the CPU executes on each row;
//! - `-m_j / fp(ROM, addr + j, op_j, imm_j)` for each instruction the hash chiplet absorbs
//!   (the program table, with `m_j` how often it is executed);
//! - `+1 / fp(PROGRAM, d0, d1, d2, d3)` once, on the transition where the hash chiplet's
//!   section ends, with `d` the digest of the absorbed program;
//! - `+1 / fp(OVERFLOW, clk + 1, s15, ovf_ptr)` when a right shift pushes `s15`, and
//!   `-1 / fp(OVERFLOW, ovf_ptr, ovf_val, ovf_ptr')` when a pop removes the top row;
//! - `+1 / fp(CONTROL, clk + 1, ctop, ckind + 2k, cptr, ctx, fmp, k depth, k ovf_ptr)`
//!   when `CALL`/`CALLCTX`/`REPEAT` save the top frame with the context and frame pointer
//!   (and, for `CALLCTX`, whose flag `k` is 1, the caller's overflow registers), and
//!   `-1 / fp(CONTROL, cptr, ctop', ckind' + 2k, cptr', ctx', fmp', k depth', k ovf_ptr')`
//!   when `RET`/`NEXT` restore them;
//! - `+1 / fp(MEM + rw + 2 ew, ctx, addr, clk, v0, v1, v2, v3)` for each memory access a CPU
//!   operation makes (`MSTREAM`/`PIPE` make two, the second in the table column), and
//!   `-1 / fp(...)` of the same on the memory chiplet's row of that access;
//! - `+1 / fp(RANGE, x)` for each 16-bit value a memory row has range-checked, and for
//!   each 16-bit limb of a u32 value a CPU u32 operation reads or writes (`crate::u32ops`),
//!   and `-mult / fp(RANGE, v)` on each range checker row;
//! - `+1 / fp(BITWISE, a, b, a AND b)` for each `U32AND` (`s0' = a AND b`) and `U32XOR`
//!   (`(a + b - s0') / 2 = a AND b`) with `a = s1`, `b = s0`, and `-1 / fp(...)` of the
//!   same on the bitwise chiplet's first row of that operation;
//! - `+1 / fp(HASH_IN, S, x0..x11)` and `+1 / fp(HASH_OUT, S + 8, y0..y11)` for each
//!   `HPERM` (state lane `j` is `s(11 - j)` before and after, `S` the helper `h0`: the
//!   absorb row of the permutation that answers), and `-c_in / fp(HASH_IN, clk, s')`,
//!   `-c_out / fp(HASH_OUT, clk, s)` on each absorb row of the hasher's request section
//!   (its multiplicity cells; `s'` is the state its cycle permutes, `s` the output of the
//!   cycle that ends there).
//!
//! with `fp(tag, x0..x3) = alpha - (tag + beta x0 + beta^2 x1 + beta^3 x2 + beta^4 x3)`. The
//! sum starts at 0 on row 0 and must equal `1 / fp(PROGRAM, H)` at the last real row, with
//! `H` the public program hash: the verifier's side of the digest message, so the program
//! hash is checked on the bus and no assertion reads the chiplet's last row.
//!
//! The fractions live in helper columns ([`COLUMNS`]) so that every constraint has degree
//! at most 4, the AIR's maximum, while each column holds as many fractions as that degree
//! allows: messages that never meet on one row (the memory operations' requests; a chiplet
//! row's answer and the hasher's digest) share one denominator through their exclusive
//! selectors, and fractions that do meet share a column through a common denominator (two
//! program-table entries; three range lookups; the CPU's program lookup and two range
//! lookups). Every auxiliary column costs about two main columns of proving time (its
//! extension-field LDE and commitment), so this packing matters; the running sum's own
//! constraint, whose step is linear, carries three fractions as well (the last three u32
//! limb lookups, [`U32_FOLDED`]).

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
    /// The auxiliary columns that hold its fractions (names of [`COLUMNS`]).
    pub carried_in: &'static str,
}

/// Every message kind on the bus.
pub const CHANNELS: &[Channel] = &[
    Channel {
        name: "rom_lookup",
        sender: "decoder (every executed row)",
        receiver: "hasher (program table)",
        message: "(ROM, pc, opcode, imm)",
        carried_in: "lookups",
    },
    Channel {
        name: "rom_entry",
        sender: "hasher (absorb rows, multiplicity m_j)",
        receiver: "decoder",
        message: "(ROM, addr + j, op_j, imm_j), j = 0..4",
        carried_in: "rom_entries",
    },
    Channel {
        name: "table",
        sender: "control (overflow and control table insertions)",
        receiver: "control (removals)",
        message:
            "(OVERFLOW, addr, value, previous addr) or (CONTROL, addr, top, kind, previous addr)",
        carried_in: "table",
    },
    Channel {
        name: "program",
        sender: "hasher (end of its section)",
        receiver: "verifier (public program hash)",
        message: "(PROGRAM, d0, d1, d2, d3)",
        carried_in: "chiplet",
    },
    Channel {
        name: "memory",
        sender: "CPU (memory operations; the second word of MSTREAM/PIPE goes in `table`)",
        receiver: "memory chiplet",
        message: "(MEM + rw + 2 ew, ctx, addr, clk, v0, v1, v2, v3)",
        carried_in: "memory, table",
    },
    Channel {
        name: "bitwise",
        sender: "CPU (U32AND with result r = s0', U32XOR with (a + b - r) / 2; a = s1, b = s0)",
        receiver: "bitwise chiplet (an operation's first row)",
        message: "(BITWISE, a, b, a AND b)",
        carried_in: "memory; answers in chiplet",
    },
    Channel {
        name: "range",
        sender:
            "memory chiplet rows (the delta limbs d0, d1 and the word index limbs w0, 4 w1, w1)",
        receiver: "range checker (multiplicity)",
        message: "(RANGE, x) for each value x looked up",
        carried_in: "range_limbs, lookups; answers in chiplet",
    },
    Channel {
        name: "hash",
        sender: "CPU (HPERM: its input state and, 8 rows later, its output; the address S in \
                 helper h0)",
        receiver: "hasher (request section, absorb rows, multiplicities c_in, c_out)",
        message: "(HASH_IN, S, x0..x11) and (HASH_OUT, S + 8, y0..y11)",
        carried_in: "memory (input), table (output); answers in hash",
    },
    Channel {
        name: "u32_range",
        sender: "CPU (u32 operations: two 16-bit limbs of each u32 value, `crate::u32ops`)",
        receiver: "range checker",
        message: "(RANGE, x) for each limb x",
        carried_in: "u32_range; answers in chiplet",
    },
];

/// One group of auxiliary columns: what its fractions are. Every column's fractions share
/// a constraint of degree at most 4 (the AIR's maximum), which is what bounds how many a
/// column holds: a fraction with a degree-1 denominator costs one degree, and exclusive
/// selectors fold several messages into one denominator.
#[derive(Clone, Copy, Debug)]
pub struct AuxColumn {
    /// Short name, the stem of its constraint's name.
    pub name: &'static str,
    /// Its fractions.
    pub fractions: &'static str,
    /// How many columns of this shape.
    pub count: usize,
    /// Whether the running sum subtracts it (received) or adds it (sent).
    pub received: bool,
}

/// The auxiliary columns, in the order they are allocated; the running sum comes last.
pub const COLUMNS: &[AuxColumn] = &[
    AuxColumn {
        name: "rom_entries",
        fractions: "m_j / fp(ROM, addr + j, op_j, imm_j) for two entries j = 2k, 2k + 1",
        count: INSTRUCTIONS_PER_CYCLE / 2,
        received: true,
    },
    AuxColumn {
        name: "table",
        fractions: "one overflow or control table row inserted (+1) or removed (-1), or the \
                    second memory request of MSTREAM/PIPE (exclusive flags)",
        count: 1,
        received: false,
    },
    AuxColumn {
        name: "memory",
        fractions: "the memory or bitwise request of the CPU's operation (exclusive op flags)",
        count: 1,
        received: false,
    },
    AuxColumn {
        name: "chiplet",
        fractions: "what a chiplet row answers: a memory row's access, a bitwise \
                    operation's first row, a range row's value (its multiplicity), the \
                    hasher's digest on its last row (sent to the verifier, so with weight \
                    -1) (exclusive selectors)",
        count: 1,
        received: true,
    },
    AuxColumn {
        name: "range_limbs",
        fractions: "a memory row's lookups of d0, d1 and w0",
        count: 1,
        received: false,
    },
    AuxColumn {
        name: "lookups",
        fractions: "the CPU's program-table lookup, and a memory row's lookups of 4 w1 and w1",
        count: 1,
        received: false,
    },
    AuxColumn {
        name: "hash",
        fractions: "what an absorb row of the hasher's request section answers: the input \
                    of the permutation starting there and the output of the one ending \
                    there",
        count: 1,
        received: true,
    },
    AuxColumn {
        name: "u32_range",
        fractions: "three of the CPU's u32 limb lookups (`crate::u32ops`), each weighted by \
                    the flags of the operations that look it up",
        count: U32_RANGE_COLUMNS,
        received: false,
    },
];

/// Auxiliary columns of the u32 operations' range lookups (three fractions each). The last
/// [`U32_FOLDED`] lookups have no column: the running sum's own constraint carries them
/// (`bus.sum`), which saves an extension column (about two main columns of proving time).
pub const U32_RANGE_COLUMNS: usize = (crate::u32ops::NUM_LOOKUPS - U32_FOLDED) / 3;
/// The u32 lookups whose fractions the running sum's constraint carries: as many as keep
/// it at degree 4 (its step, of degree 1, times their three degree-1 denominators).
pub const U32_FOLDED: usize = 3;
/// What the running sum's step adds beside the columns (for `docs/air.md`).
pub const SUM_FRACTIONS: &str = "the CPU's last three u32 limb lookups (`crate::u32ops`), \
                                 each weighted by the flags of the operations that look it up";

/// The first auxiliary column of group `i` of [`COLUMNS`].
pub const fn first_column(i: usize) -> usize {
    let mut col = 0;
    let mut k = 0;
    while k < i {
        col += COLUMNS[k].count;
        k += 1;
    }
    col
}

/// First of two `m_2k / fp(entry 2k) + m_2k+1 / fp(entry 2k+1)`: the program table's
/// entries, read from the hash chiplet's absorbed blocks.
pub const AUX_ROM_ENTRY: usize = first_column(0);
/// `(push - pop) / (alpha - row)`: the overflow or control table row inserted or removed.
pub const AUX_TABLE: usize = first_column(1);
/// `f_mem / (alpha - mem(...))`: the memory access the CPU's operation requests.
pub const AUX_MEMORY: usize = first_column(2);
/// `(m + g mult - end) / D_chip`: what a chiplet row answers, and the attested digest.
pub const AUX_CHIPLET: usize = first_column(3);
/// `m (1/a + 1/b + 1/c)`: a memory row's range lookups of its delta limbs and `w0`.
pub const AUX_RANGE: usize = first_column(4);
/// `1 / fp(ROM, pc, opcode, imm) + m (1/d + 1/e)`: the CPU's program-table lookup and a
/// memory row's range lookups of `4 w1` and `w1`.
pub const AUX_LOOKUPS: usize = first_column(5);
/// `c_in / fp(HASH_IN, ...) + c_out / fp(HASH_OUT, ...)`: a hash request section's answers.
pub const AUX_HASH: usize = first_column(6);
/// Columns of range lookups by the CPU's u32 operations: three fractions each.
pub const AUX_U32_RANGE: usize = first_column(7);
/// The running sum of all the fractions above (a LogUp bus).
pub const AUX_SUM: usize = first_column(COLUMNS.len());
/// Number of auxiliary columns.
pub const AUX_WIDTH: usize = AUX_SUM + 1;
/// Random elements drawn for the auxiliary trace: `alpha` and `beta`.
pub const AUX_RANDS: usize = 2;

/// Whether the running sum subtracts auxiliary column `col` (a received fraction) rather
/// than adding it.
pub const fn is_received(col: usize) -> bool {
    let mut k = 0;
    while k < COLUMNS.len() {
        if col < first_column(k + 1) {
            return COLUMNS[k].received;
        }
        k += 1;
    }
    false
}

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
    /// A 16-bit value looked up in the range checker.
    pub const RANGE: u64 = 5;
    /// A bitwise chiplet's answer `(a, b, a AND b)`.
    pub const BITWISE: u64 = 6;
    /// Memory accesses: `MEM + rw + 2 ew` (element read, element write, word read, word
    /// write).
    pub const MEM: u64 = crate::chiplets::memory::MEM_TAG;
    /// A permutation's input state `(S, x0..x11)` (after `MEM`'s four tags).
    pub const HASH_IN: u64 = MEM + 4;
    /// A permutation's output state `(S + 8, y0..y11)`.
    pub const HASH_OUT: u64 = HASH_IN + 1;
}

/// Number of auxiliary constraints (one per column).
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

/// Most values a message carries (a permutation message: an address and 12 lanes).
pub const MAX_MESSAGE_VALUES: usize = 13;

/// The bus's random challenges: `alpha` and the powers `beta, beta^2, ...` of `beta`, so
/// that a fingerprint costs multiplications by its values and no power of `beta` is
/// recomputed per message. The AIR draws `alpha` and `beta` and appends the powers once
/// per proof ([`with_powers`], used by `VmAir::get_aux_rand_elements`), so that building
/// this per evaluated row is a copy.
#[derive(Clone, Copy, Debug)]
pub struct Challenges<E> {
    alpha: E,
    powers: [E; MAX_MESSAGE_VALUES],
}

/// `[alpha, beta, beta^2, ..., beta^MAX_MESSAGE_VALUES]` from the drawn `[alpha, beta]`:
/// the auxiliary random elements as the AIR hands them to the prover's and the verifier's
/// constraint evaluation (only `alpha` and `beta` come from the public coin).
pub fn with_powers<E: FieldElement<BaseField = Felt>>(drawn: &[E]) -> alloc::vec::Vec<E> {
    if drawn.len() != AUX_RANDS {
        // Not this AIR's shape (the verifier rejects such a proof before evaluating).
        return drawn.to_vec();
    }
    let mut all = alloc::vec::Vec::with_capacity(1 + MAX_MESSAGE_VALUES);
    all.extend_from_slice(drawn);
    for _ in 1..MAX_MESSAGE_VALUES {
        let next = all[all.len() - 1] * drawn[1];
        all.push(next);
    }
    all
}

impl<E: FieldElement<BaseField = Felt>> Challenges<E> {
    /// The challenges of the random elements `[alpha, beta]`, or of `[alpha, beta, beta^2,
    /// ...]` as [`with_powers`] extends them (then nothing is recomputed).
    #[inline(always)]
    pub fn new(rands: &[E]) -> Self {
        let alpha = rands[0];
        let mut powers = [rands[1]; MAX_MESSAGE_VALUES];
        if rands.len() > MAX_MESSAGE_VALUES {
            powers.copy_from_slice(&rands[1..=MAX_MESSAGE_VALUES]);
        } else {
            for i in 1..MAX_MESSAGE_VALUES {
                powers[i] = powers[i - 1] * rands[1];
            }
        }
        Self { alpha, powers }
    }

    /// `alpha`.
    #[inline(always)]
    pub fn alpha(&self) -> E {
        self.alpha
    }
}

/// `alpha - (tag + beta x0 + beta^2 x1 + beta^3 x2 + beta^4 x3)` for base-field values.
#[inline(always)]
pub fn fingerprint<F, E>(rands: &Challenges<E>, tag: u64, x: [F; 4]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint_of(rands, F::from(Felt::new(tag)), &x)
}

/// `alpha - (tag + beta x0 + beta^2 x1 + ...)` for any number of values (at most
/// [`MAX_MESSAGE_VALUES`]) and a tag that may depend on the trace.
#[inline(always)]
pub fn fingerprint_of<F, E>(rands: &Challenges<E>, tag: F, x: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    rands.alpha - (crate::arith::weighted_sum(&rands.powers, x) + E::from(tag))
}

/// The program-table row `(pc, opcode, imm)` the CPU looks up on row `cur`.
#[inline(always)]
pub fn rom_lookup<F, E>(rands: &Challenges<E>, cur: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint(rands, tag::ROM, [cur[PC], opcode(cur), cur[IMM], F::ZERO])
}

/// The `j`-th program-table entry the chiplet absorbs on the transition `cur -> next`
/// (meaningful on absorb rows; elsewhere its multiplicity is zero).
#[inline(always)]
pub fn rom_entry<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F], j: usize) -> E
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
/// absorb row of the attestation (`h (1 - r) = 1`), zero elsewhere (degree 3; `h - r`
/// would be `-1` on the request section's round rows).
#[inline(always)]
pub fn rom_multiplicity<F: FieldElement<BaseField = Felt>>(cur: &[F], j: usize) -> F {
    cur[HASH_MULT + j] * cur[HASH_ACTIVE] * (F::ONE - cur[HASH_ROUND])
}

/// The permutation message `(tag, addr, x0..x11)` of the state `x` (lanes in order).
#[inline(always)]
pub fn hash_message<F, E>(rands: &Challenges<E>, tag: u64, addr: F, x: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let mut v = [F::ZERO; 13];
    v[0] = addr;
    v[1..].copy_from_slice(&x[..12]);
    fingerprint_of(rands, F::from(Felt::new(tag)), &v)
}

/// The flag of `HPERM` on row `cur`.
#[inline(always)]
pub fn hperm_flag<F: FieldElement<BaseField = Felt>>(cur: &[F]) -> F {
    mem_op_flag(cur, vm_core::Opcode::Hperm)
}

/// The state lanes of a CPU row's top 12 stack elements (`HPERM`'s layout: lane `j` is
/// `s(11 - j)`).
#[inline(always)]
fn stack_state<F: FieldElement<BaseField = Felt>>(row: &[F]) -> [F; 12] {
    crate::arith::from_fn(|j| row[STACK + 11 - j])
}

/// `HPERM`'s input request `(HASH_IN, S, x)` on row `cur` (`S` in the helper `h0`).
#[inline(always)]
pub fn hperm_input<F, E>(rands: &Challenges<E>, cur: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    hash_message(rands, tag::HASH_IN, cur[HELPER], &stack_state(cur))
}

/// `HPERM`'s output request `(HASH_OUT, S + 8, y)` on the transition `cur -> next`.
#[inline(always)]
pub fn hperm_output<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let addr = cur[HELPER] + F::from(Felt::new(crate::chiplets::hasher::CYCLE_LEN as u64));
    hash_message(rands, tag::HASH_OUT, addr, &stack_state(next))
}

/// The request section's answers on the transition `cur -> next` of an absorb row: the
/// input `(HASH_IN, clk, s')` and the output `(HASH_OUT, clk, s)` fingerprints with their
/// multiplicities `q (1 - r) c_in`, `q (1 - r) c_out` (degree 3; zero off its absorb rows).
#[inline(always)]
pub fn hash_answers<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F]) -> [(E, F); 2]
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let absorb = cur[HASH_REQ] * (F::ONE - cur[HASH_ROUND]);
    let (s, sn) = (&cur[HASH_STATE..], &next[HASH_STATE..]);
    [
        (
            hash_message(rands, tag::HASH_IN, cur[CLK], sn),
            absorb * cur[HASH_REQ_IN],
        ),
        (
            hash_message(rands, tag::HASH_OUT, cur[CLK], s),
            absorb * cur[HASH_REQ_OUT],
        ),
    ]
}

/// The digest message `(PROGRAM, d0..d3)` of the state on row `next`.
#[inline(always)]
pub fn program<F, E>(rands: &Challenges<E>, next: &[F]) -> E
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
#[inline(always)]
pub fn program_end<F: FieldElement<BaseField = Felt>>(cur: &[F], next: &[F]) -> F {
    cur[HASH_ACTIVE] * (F::ONE - next[HASH_ACTIVE])
}

/// What the running sum must hold at the last real row: the verifier's side of the digest
/// message, `1 / fp(PROGRAM, H)` for the public program hash `H`.
pub fn expected_end<E: FieldElement<BaseField = Felt>>(rands: &[E], hash: [Felt; 4]) -> E {
    let h = hash.map(E::from);
    fingerprint::<E, E>(&Challenges::new(rands), tag::PROGRAM, h).inv()
}

/// The flag `F_a F_b` of an operation, read from a row's flag columns.
#[inline(always)]
fn mem_op_flag<F: FieldElement<BaseField = Felt>>(cur: &[F], op: vm_core::Opcode) -> F {
    let [a, b] = crate::decoder::flag_columns(op);
    cur[a] * cur[b]
}

/// The flag column that is 1 on `PIPE`'s rows and 0 on `MSTREAM`'s: on the rows of either
/// (`MSTREAM + PIPE`'s flag set), it tells them apart in degree 1.
const PIPE_NOT_MSTREAM: usize = {
    let (pipe, mstream) = (
        vm_core::Opcode::Pipe.flag_pair(),
        vm_core::Opcode::Mstream.flag_pair(),
    );
    assert!(pipe.0 == mstream.0 && pipe.1 != mstream.1);
    crate::decoder::cols::FLAGS + pipe.1
};

/// The control frame message `(CONTROL, addr, top, kind + 2 k, previous addr, ctx, fmp,
/// k depth, k ovf_ptr)`, with `k` the frame's `call` flag.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn control_row<F, E>(rands: &Challenges<E>, addr: F, regs: &[F], prev: F, k: F) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint_of(
        rands,
        F::from(Felt::new(tag::CONTROL)),
        &[
            addr,
            regs[CTOP],
            regs[CKIND] + k.double(),
            prev,
            regs[CTX],
            regs[FMP],
            k * regs[DEPTH],
            k * regs[OVF_PTR],
        ],
    )
}

/// The memory message `(MEM + rw + 2 ew, ctx, addr, clk, x0..x3)`.
#[inline(always)]
fn mem_message<F, E>(rands: &Challenges<E>, tag_offset: F, ctx: F, addr: F, clk: F, x: [F; 4]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let tag = F::from(Felt::new(tag::MEM)) + tag_offset;
    fingerprint_of(rands, tag, &[ctx, addr, clk, x[0], x[1], x[2], x[3]])
}

/// The table row inserted or removed on the transition `cur -> next`, as the fraction's
/// denominator, with the selectors folded in (1 when the row touches no table). The second
/// word of `MSTREAM`/`PIPE` shares this column (those operations touch no table).
#[inline(always)]
pub fn table_denominator<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    use vm_core::Opcode::{Mstream, Pipe};
    let one = F::ONE;
    let addr = cur[CLK] + one;
    let (push, pop, cpush, cpop) = (cur[OVF_PUSH], cur[OVF_POP], cur[CTL_PUSH], cur[CTL_POP]);
    let k = cur[HELPER + 1];
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
    let ctl_in: E = control_row(rands, addr, cur, cur[CPTR], k);
    let ctl_out: E = control_row(rands, cur[CPTR], next, next[CPTR], k);
    let f_second = mem_op_flag(cur, Mstream) + mem_op_flag(cur, Pipe);
    let f_hperm = hperm_flag(cur);
    let output: E = hperm_output(rands, cur, next);
    let s = |i: usize| next[STACK + i];
    let second: E = mem_message(
        rands,
        F::from(Felt::new(2)) + cur[PIPE_NOT_MSTREAM],
        cur[CTX],
        cur[STACK + 12] + F::from(Felt::new(4)),
        cur[CLK],
        [s(3), s(2), s(1), s(0)],
    );
    ovf_in.mul_base(push)
        + ovf_out.mul_base(pop)
        + ctl_in.mul_base(cpush)
        + ctl_out.mul_base(cpop)
        + second.mul_base(f_second)
        + output.mul_base(f_hperm)
        + E::from(one - push - pop - cpush - cpop - f_second - f_hperm)
}

/// The table fraction's numerator: +1 for an insertion (or the second word's request, or
/// `HPERM`'s output request), -1 for a removal, 0 otherwise.
#[inline(always)]
pub fn table_weight<F: FieldElement<BaseField = Felt>>(cur: &[F]) -> F {
    use vm_core::Opcode::{Mstream, Pipe};
    cur[OVF_PUSH] + cur[CTL_PUSH] - cur[OVF_POP] - cur[CTL_POP]
        + mem_op_flag(cur, Mstream)
        + mem_op_flag(cur, Pipe)
        + hperm_flag(cur)
}

/// The memory or bitwise request of the CPU's row `cur -> next` as a denominator with the
/// operation flags folded in (1 on rows without one), and its numerator (the sum of those
/// flags). A bitwise request asks for `a AND b` (`crate::chiplets::bitwise`): `U32AND`'s
/// result, or `(a + b - r) / 2` for `U32XOR`'s result `r`.
#[inline(always)]
pub fn memory_request<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F]) -> (E, F)
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    use vm_core::Opcode::*;
    let f = |x: u64| F::from(Felt::new(x));
    let (s, sn) = (|i: usize| cur[STACK + i], |i: usize| next[STACK + i]);
    let (ctx, clk, zero) = (cur[CTX], cur[CLK], F::ZERO);
    let requests = [
        (Mload, f(0), s(0), [sn(0), zero, zero, zero]),
        (Mstore, f(1), s(0), [s(1), zero, zero, zero]),
        (Mloadw, f(2), s(0), [sn(3), sn(2), sn(1), sn(0)]),
        (Mstorew, f(3), s(0), [s(4), s(3), s(2), s(1)]),
        (Mstream, f(2), s(12), [sn(7), sn(6), sn(5), sn(4)]),
        (Pipe, f(3), s(12), [sn(7), sn(6), sn(5), sn(4)]),
    ];
    // The flags are exclusive and a fingerprint is affine in its values, so the flagged sum
    // of the six fingerprints is one fingerprint of the flag-selected values (computed in
    // the base field), with `alpha` counted `num` times:
    // `sum f fp(m_f) = fp(sum f m_f) + (num - 1) alpha`.
    let mut num = F::ZERO;
    let mut tag = F::ZERO;
    let mut at = F::ZERO;
    let mut xs = [F::ZERO; 4];
    for (op, t, addr, x) in requests {
        let flag = mem_op_flag(cur, op);
        num += flag;
        tag += flag * t;
        at += flag * addr;
        for (acc, v) in xs.iter_mut().zip(x) {
            *acc += flag * v;
        }
    }
    // `mem_message` adds the MEM tag once; the flagged sum holds it `num` times.
    let tag = tag + F::from(Felt::new(tag::MEM)) * (num - F::ONE);
    let selected: E = mem_message(rands, tag, ctx * num, at, clk * num, xs);
    let alpha = rands.alpha();
    let mut den = selected + alpha.mul_base(num - F::ONE);
    // The bitwise requests, exclusive with the memory operations and each other.
    let (a, b, r) = (s(1), s(0), sn(0));
    // 1/2 mod p, a constant so that no row computes the inversion.
    let half = F::from(Felt::new(9223372034707292161));
    for (op, and) in [(U32and, r), (U32xor, (a + b - r) * half)] {
        let flag = mem_op_flag(cur, op);
        den += bitwise_message::<F, E>(rands, [a, b, and]).mul_base(flag);
        num += flag;
    }
    // HPERM's input request, exclusive with all of these (its output is in the table
    // column, which it shares with no table operation).
    let f_hperm = hperm_flag(cur);
    den += hperm_input::<F, E>(rands, cur).mul_base(f_hperm);
    num += f_hperm;
    (den + E::from(F::ONE - num), num)
}

/// `alpha - (BITWISE + beta a + beta^2 b + beta^3 z)`: the bitwise message `(a, b, z)`.
#[inline(always)]
pub fn bitwise_message<F, E>(rands: &Challenges<E>, x: [F; 3]) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint_of(rands, F::from(Felt::new(tag::BITWISE)), &x)
}

/// What a chiplet row answers on the transition `cur -> next`, as a denominator with the
/// selectors folded in, and its numerator: a memory row's access (multiplicity 1), a
/// bitwise operation's message on its first row (`k p`, read from both of its rows), a
/// range row's value (its multiplicity), and on the hasher's last row the digest it
/// computed (weight -1: the column is received, the digest is sent to the verifier); 1 and
/// 0 on the hasher's other rows and on the bitwise section's second rows (`k (1 - p)`).
/// The selectors are exclusive (`h`, `q`, `m`, `k` and `g = 1 - h - q - m - k` split the rows,
/// `end = h (1 - h')` picks one of the hasher's, `k p` the bitwise first rows), so one
/// fraction per row suffices.
#[inline(always)]
pub fn chiplet_response<F, E>(rands: &Challenges<E>, cur: &[F], next: &[F]) -> (E, F)
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    use crate::chiplets::{bitwise, memory, range, Chiplets};
    let row = Chiplets(cur);
    let (h, m, k, g) = (row.active(), row.mem(), row.bit(), row.range());
    let end = program_end(cur, next);
    let shared = row.shared();
    let (tag, values) = memory::message(&shared);
    let mem: E = fingerprint_of(rands, tag, &values);
    let rng: E = range_fingerprint(rands, shared[range::cols::VALUE]);
    let (bc, bn) = (bitwise::cells(cur), bitwise::cells(next));
    let bit: E = bitwise_message(rands, bitwise::message(&bc, &bn));
    let first = k * bc[bitwise::cols::P];
    let digest: E = program(rands, next);
    (
        mem.mul_base(m)
            + rng.mul_base(g)
            + bit.mul_base(first)
            + digest.mul_base(end)
            + E::from(h + row.req() - end + k - first),
        m + g * shared[range::cols::MULT] + first - end,
    )
}

/// `alpha - (RANGE + beta v)`: the range checker's entry for `v`.
#[inline(always)]
pub fn range_fingerprint<F, E>(rands: &Challenges<E>, v: F) -> E
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    fingerprint_of(rands, F::from(Felt::new(tag::RANGE)), &[v])
}

/// The range lookups of the memory row `cur`, as fingerprints: three for the first column,
/// two for the second.
#[inline(always)]
pub fn range_lookups<F, E>(rands: &Challenges<E>, cur: &[F]) -> [E; 5]
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    let shared = crate::chiplets::Chiplets(cur).shared();
    let values = crate::chiplets::memory::lookups(&shared);
    crate::arith::from_fn(|i| range_fingerprint(rands, values[i]))
}

/// Evaluates the auxiliary constraints on the transition `cur -> next`.
#[inline(always)]
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
    let rands = &Challenges::new(rands);
    // Two program-table entries per column: `v e0 e1 = m0 e1 + m1 e0`, with degree-1
    // fingerprints and degree-3 multiplicities (degree 4).
    let mut entries = E::ZERO;
    for k in 0..INSTRUCTIONS_PER_CYCLE / 2 {
        let v = aux[AUX_ROM_ENTRY + k];
        let (e0, e1) = (
            rom_entry(rands, cur, next, 2 * k),
            rom_entry::<F, E>(rands, cur, next, 2 * k + 1),
        );
        let (m0, m1) = (
            E::from(rom_multiplicity(cur, 2 * k)),
            E::from(rom_multiplicity(cur, 2 * k + 1)),
        );
        out.emit_at(
            "bus.rom_entries",
            k,
            Plain(4),
            v * e0 * e1 - (m0 * e1 + m1 * e0),
        );
        entries += v;
    }
    let w = aux[AUX_TABLE];
    // The table denominator folds selectors (degree 1 or 2) into fingerprints of degree 2
    // (the call flag times depth and pointer) or 1 (the second word): degree 3, times the
    // helper.
    out.emit(
        "bus.table",
        Plain(4),
        w * table_denominator(rands, cur, next) - E::from(table_weight(cur)),
    );
    // The CPU's memory or bitwise request: flags (degree 2) times fingerprints (degree 1).
    let q = aux[AUX_MEMORY];
    let (den, num) = memory_request(rands, cur, next);
    out.emit("bus.memory", Plain(4), q * den - E::from(num));
    // A chiplet row's answer: selectors times fingerprints of degree 2 (memory), 1 (range)
    // or, for the bitwise first row's `k p` and the digest's end flag (degree 2), 1.
    let c = aux[AUX_CHIPLET];
    let (den, num) = chiplet_response(rands, cur, next);
    out.emit("bus.chiplet", Plain(4), c * den - E::from(num));
    // The memory row's range lookups: 1/a + 1/b + 1/c = (bc + ac + ab) / abc.
    let m = E::from(cur[MEM_ACTIVE]);
    let [a, b, d, e, g] = range_lookups::<F, E>(rands, cur);
    let (r0, r1) = (aux[AUX_RANGE], aux[AUX_LOOKUPS]);
    out.emit(
        "bus.range_limbs",
        Plain(4),
        r0 * a * b * d - m * (b * d + a * d + a * b),
    );
    // The CPU's program-table lookup with the word-index lookups: 1/l + m (1/e + 1/g) =
    // (e g + m l (e + g)) / (l e g).
    let l = rom_lookup(rands, cur);
    out.emit(
        "bus.lookups",
        Plain(4),
        r1 * l * e * g - (e * g + m * l * (e + g)),
    );
    // The request section's two answers: `v = n_in / d_in + n_out / d_out`, degree-3
    // multiplicities over degree-1 fingerprints.
    let v = aux[AUX_HASH];
    let [(d_in, n_in), (d_out, n_out)] = hash_answers::<F, E>(rands, cur, next);
    let (n_in, n_out) = (E::from(n_in), E::from(n_out));
    out.emit(
        "bus.hash",
        Plain(4),
        v * d_in * d_out - (n_in * d_out + n_out * d_in),
    );
    let (u32_lookups, [(f0, d0), (f1, d1), (f2, d2)]) =
        crate::u32ops::emit_lookups(cur, next, aux, rands, out);
    // The step adds the columns' fractions and the three folded u32 lookups `f_i / d_i`:
    // times `d0 d1 d2`, degree 1 + 3 = 2 + 2.
    let step = aux_next[AUX_SUM] - aux[AUX_SUM] + entries - w - q + c - r0 - r1 + v - u32_lookups;
    let (d01, d12) = (d0 * d1, d1 * d2);
    let scale = <E as ExtensionOf<F>>::mul_base;
    out.emit(
        "bus.sum",
        Plain(4),
        step * d0 * d12 - (scale(d12, f0) + scale(d0 * d2, f1) + scale(d01, f2)),
    );
}
