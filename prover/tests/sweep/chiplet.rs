//! Forgeries for the mutation sweep (see `main.rs`): the hash chiplet (`vm_air::hash`), its
//! bookkeeping columns (`active`, the block address, the multiplicities) and the
//! composition masks.
//!
//! The statement a proof makes is "the program with public hash `H`, started on these
//! inputs, halts with these outputs". The chiplet recomputes `H` from the program table the
//! CPU reads its instructions from. A liar inside the sponge (one wrong S-box helper, one
//! wrong round lane, a changed capacity lane, an idle row that moves the state, a permutation
//! cut short or skipped) recomputes every later row honestly from the lie, so the last real
//! row carries a digest that is not the hash of the absorbed code; the forgery claims that
//! digest as `H`. The absorbed blocks (the rate differences on the absorb rows, which the
//! bus reads) are unchanged, so the bus and every assertion still hold and only the targeted
//! chiplet constraint sees the lie.

use vm_air::{
    hash::{idle_row, round_row, CYCLE_LEN, HASH_WIDTH, NUM_ROUNDS, STATE_WIDTH},
    layout::*,
    preset,
};
use vm_core::{DebugInfo, Felt, FieldElement, Instruction, Opcode, Program};
use vm_prover::trace::TraceHooksForTesting;
use winter_crypto::hashers::Rp64_256;
use winter_prover::matrix::ColMatrix;

use crate::common::forge::{forge_with, Forgery};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[
    (
        "chiplet.active_binary",
        "implied on every row it is evaluated on (the transitions from rows 0..last): on a \
         row r with r % 8 != 7, active_constant_in_cycle gives active' = active and then \
         active_never_restarts, active' (1 - active) = 0, reads active (1 - active) = 0; a row \
         r with r % 8 == 7 has the same value as row r - 1 (active_constant_in_cycle on the \
         transition r - 1 -> r, r - 1 < last, r - 1 % 8 == 6), which is binary by the first \
         case. So switched off alone it lets no non-binary active through.",
    ),
    (
        "chiplet.mult_only_when_active[0]",
        "a multiplicity m != 0 on an idle row: on an idle round row (R = 1) \
         mult_on_absorb_row[0] forbids it; on an idle row 8k (R = 0) hash.idle forces \
         s(8k+1) = s(8k), so the entry the bus reads is (4k, 0, 0) (the address is \
         4 floor(row / 8) by init.hash_addr and addr_step). Opcode 0 is never proven, so no \
         CPU lookup carries it (decoder.proven_op), and no other entry carries address 4k \
         with a nonzero multiplicity (same address means same cycle and lane; the cycle's \
         other rows are round rows). The fraction -m / fp(4k, 0, 0) is then unmatched and the \
         LogUp sum cannot end at zero (bus.ends_at_zero) except with negligible probability \
         over alpha, beta.",
    ),
    (
        "chiplet.mult_only_when_active[1]",
        "as for mult_only_when_active[0]: on an idle round row mult_on_absorb_row[1] forbids \
         the multiplicity; on an idle row 8k the entry is (4k + 1, 0, 0) (hash.idle, \
         addr_step), which no CPU lookup matches (opcode 0 is never proven) and no other \
         entry carries, so bus.ends_at_zero fails.",
    ),
    (
        "chiplet.mult_only_when_active[2]",
        "as for mult_only_when_active[0]: on an idle round row mult_on_absorb_row[2] forbids \
         the multiplicity; on an idle row 8k the entry is (4k + 2, 0, 0) (hash.idle, \
         addr_step), which no CPU lookup matches (opcode 0 is never proven) and no other \
         entry carries, so bus.ends_at_zero fails.",
    ),
    (
        "chiplet.mult_only_when_active[3]",
        "as for mult_only_when_active[0]: on an idle round row mult_on_absorb_row[3] forbids \
         the multiplicity; on an idle row 8k the entry is (4k + 3, 0, 0) (hash.idle, \
         addr_step), which no CPU lookup matches (opcode 0 is never proven) and no other \
         entry carries, so bus.ends_at_zero fails.",
    ),
];

/// 1/7 mod (p - 1): the inverse S-box exponent.
const INV_ALPHA: u64 = 10540996611094048183;

type State12 = [Felt; STATE_WIDTH];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for lane in 0..STATE_WIDTH {
        cases.push(Case::new(format!("hash.cube[{lane}]"), cube(lane)));
        cases.push(Case::new(format!("hash.round[{lane}]"), round(lane)));
        cases.push(Case::new(format!("hash.inv[{lane}]"), inv(lane)));
        cases.push(Case::new(format!("hash.idle[{lane}]"), idle(lane)));
    }
    for lane in 0..4 {
        cases.push(Case::new(format!("hash.capacity[{lane}]"), capacity(lane)));
    }
    for i in 0..preset::default_preset().mask_columns() {
        cases.push(Case::new(format!("zk.mask[{i}]"), mask(i)));
    }
    cases.push(Case::new(
        "chiplet.active_constant_in_cycle",
        active_stops_mid_cycle(),
    ));
    cases.push(Case::new(
        "chiplet.active_never_restarts",
        active_restarts(),
    ));
    cases.push(Case::new("chiplet.addr_step", addr_repeats()));
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        cases.push(Case::new(
            format!("chiplet.mult_on_absorb_row[{j}]"),
            entry_on_round_row(j),
        ));
    }
    cases
}

// PROGRAMS AND HELPERS
// ================================================================================================

fn ins(op: Opcode) -> Instruction {
    Instruction::new(op)
}

fn imm(op: Opcode, v: u64) -> Instruction {
    Instruction::with_imm(op, Felt::new(v))
}

fn program(code: Vec<Instruction>) -> Program {
    Program::new(code, DebugInfo::default()).unwrap()
}

/// A two-block program (7 instructions): the chiplet runs two permutations, then idles.
fn two_blocks() -> Program {
    use Opcode::*;
    program(vec![
        imm(Push, 3),
        ins(Add),
        imm(Push, 5),
        ins(Mul),
        imm(Push, 7),
        ins(Add),
        ins(Halt),
    ])
}

/// The honest trace of [`two_blocks`] on `[1, 2]`.
fn honest_two_blocks() -> Forgery {
    let p = two_blocks();
    forge_with(
        &p,
        &p,
        &[1, 2],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    )
}

fn state_at(cols: &ColMatrix<Felt>, row: usize) -> State12 {
    core::array::from_fn(|i| cols.get(HASH_STATE + i, row))
}

fn write_row(cols: &mut ColMatrix<Felt>, row: usize, vals: &[Felt; HASH_WIDTH]) {
    for (c, v) in vals.iter().enumerate() {
        cols.set(HASH + c, row, *v);
    }
}

/// The blocks the chiplet absorbs, cycle by cycle (the rate differences of the absorb
/// transitions of the active cycles), read from an honest trace.
fn blocks(cols: &ColMatrix<Felt>) -> Vec<[Felt; 8]> {
    let mut out = Vec::new();
    let mut k = 0;
    while cols.get(HASH_ACTIVE, CYCLE_LEN * k) == Felt::ONE {
        let (a, b) = (
            state_at(cols, CYCLE_LEN * k),
            state_at(cols, CYCLE_LEN * k + 1),
        );
        out.push(core::array::from_fn(|j| b[4 + j] - a[4 + j]));
        k += 1;
    }
    out
}

/// Rewrites the chiplet's rows `from..=last` honestly from the state `st` at row `from`,
/// following the `active` column: an active row `8k` absorbs `blocks[k]` (helpers 0), an
/// active row `8k + 1 + r` runs round `r`, an idle row copies the state.
fn replay(
    cols: &mut ColMatrix<Felt>,
    blocks: &[[Felt; 8]],
    from: usize,
    mut st: State12,
    last: usize,
) {
    for row in from..=last {
        let (vals, next) = if cols.get(HASH_ACTIVE, row) == Felt::ONE {
            let p = row % CYCLE_LEN;
            if p == 0 {
                let mut vals = [Felt::ZERO; HASH_WIDTH];
                vals[..STATE_WIDTH].copy_from_slice(&st);
                let mut next = st;
                for (x, v) in next[4..].iter_mut().zip(blocks[row / CYCLE_LEN]) {
                    *x += v;
                }
                (vals, next)
            } else {
                let mut next = st;
                Rp64_256::apply_round(&mut next, p - 1);
                (round_row(&st, &next, p - 1), next)
            }
        } else {
            (idle_row(st), st)
        };
        write_row(cols, row, &vals);
        st = next;
    }
}

/// Claims the digest the last real row carries as the program hash; returns whether it
/// differs from the honest hash of the absorbed program (the statement is then false).
fn claim_digest(f: &mut Forgery) -> bool {
    let last = f.trace.last_real;
    let st = state_at(f.trace.columns_mut_for_testing(), last);
    let honest = f.public.program_hash;
    f.public.program_hash = [st[4], st[5], st[6], st[7]];
    f.public.program_hash != honest
}

/// [`claim_digest`] for a lie that must change the digest.
fn claim_false_digest(f: &mut Forgery) {
    let before = f.public.program_hash;
    assert!(
        claim_digest(f),
        "the lie did not change the digest {before:?}"
    );
}

fn mat_vec(m: &[[Felt; STATE_WIDTH]; STATE_WIDTH], v: &State12) -> State12 {
    core::array::from_fn(|i| {
        m[i].iter()
            .zip(v)
            .fold(Felt::ZERO, |acc, (&c, &x)| acc + c * x)
    })
}

/// `w = MDS(s7) + ARK1[round]` (the value `z^7` of the round, given `s^7 = s7`).
fn w_of(s7: &State12, round: usize) -> State12 {
    let mut w = mat_vec(&Rp64_256::MDS, s7);
    for (x, k) in w.iter_mut().zip(Rp64_256::ARK1[round]) {
        *x += k;
    }
    w
}

/// The round's output `MDS z + ARK2[round]`.
fn out_of(z: &State12, round: usize) -> State12 {
    let mut out = mat_vec(&Rp64_256::MDS, z);
    for (x, k) in out.iter_mut().zip(Rp64_256::ARK2[round]) {
        *x += k;
    }
    out
}

/// A forgery on round `round` of cycle 0 of [`two_blocks`]: `lie(s, round)` returns the
/// round row and the state it claims the round outputs; every later row is recomputed
/// from that output and the new digest is claimed as the program hash.
fn lie_in_round(
    round: usize,
    lie: impl FnOnce(&State12, usize) -> ([Felt; HASH_WIDTH], State12),
) -> Forgery {
    let mut f = honest_two_blocks();
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let blocks = blocks(cols);
    let row = 1 + round;
    let s = state_at(cols, row);
    let (vals, next) = lie(&s, round);
    write_row(cols, row, &vals);
    replay(cols, &blocks, row + 1, next, last);
    claim_false_digest(&mut f);
    f
}

fn delta(lane: usize) -> Felt {
    Felt::new(0x9e37_79b9 + 17 * lane as u64)
}

// HASH CHIPLET
// ================================================================================================

/// `hash.cube[lane]`: the S-box helper `a_lane` of a round row is `s^3 + d`, and the round
/// is computed from `s^7 := a^2 s` with that wrong helper (`w`, `z = w^(1/7)`, `b = z^3`,
/// the output `MDS z + ARK2`), so `hash.round` and `hash.inv` hold and only the cube check
/// sees that the S-box was evaluated on a wrong value: the digest is not the program's hash.
/// (Not round 0: a lane of the absorbed state can be 0, where `a^2 s` ignores `a`.)
fn cube(lane: usize) -> Forgery {
    lie_in_round(1 + lane % (NUM_ROUNDS - 1), |s, round| {
        let mut a = s.map(|x| x.cube());
        a[lane] += delta(lane);
        let s7: State12 = core::array::from_fn(|i| a[i].square() * s[i]);
        let z = w_of(&s7, round).map(|x| x.exp(INV_ALPHA));
        let next = out_of(&z, round);
        let mut vals = round_row(s, &next, round);
        vals[STATE_WIDTH + lane] = a[lane];
        (vals, next)
    })
}

/// `hash.round[lane]`: the round's `z_lane` is the 7th root of `w_lane + d` instead of
/// `w_lane` (the other lanes honest), the helpers are the honest ones for that output
/// (`a = s^3`, `b = z^3`), so only the round equation of that lane fails.
fn round(lane: usize) -> Forgery {
    lie_in_round((lane + 3) % NUM_ROUNDS, |s, round| {
        let mut w = w_of(&s.map(|x| x.exp(7)), round);
        w[lane] += delta(lane);
        let z = w.map(|x| x.exp(INV_ALPHA));
        let next = out_of(&z, round);
        (round_row(s, &next, round), next)
    })
}

/// `hash.inv[lane]`: the inverse S-box helper `b_lane` is an arbitrary value `r`, and
/// `z_lane := w_lane / r^2` so that the round equation `b^2 z = w` holds; the output is
/// `MDS z + ARK2`. Only `b = z^3` fails: the round computed no 7th root in that lane.
fn inv(lane: usize) -> Forgery {
    lie_in_round((lane + 5) % NUM_ROUNDS, |s, round| {
        let w = w_of(&s.map(|x| x.exp(7)), round);
        let mut z = w.map(|x| x.exp(INV_ALPHA));
        let r = Felt::new(0x1234_5678_9abc + lane as u64);
        z[lane] = w[lane] / r.square();
        let next = out_of(&z, round);
        let mut vals = round_row(s, &next, round);
        vals[2 * STATE_WIDTH + lane] = r;
        (vals, next)
    })
}

/// `hash.capacity[lane]`: the absorb transition of cycle 1 adds `d` to capacity lane
/// `lane` (the rate difference, the absorbed block the bus reads, is unchanged); the second
/// permutation runs honestly from there, so the digest is the hash of nothing.
fn capacity(lane: usize) -> Forgery {
    let mut f = honest_two_blocks();
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let blocks = blocks(cols);
    let row = CYCLE_LEN + 1;
    let mut st = state_at(cols, row);
    st[lane] += delta(lane);
    replay(cols, &blocks, row, st, last);
    claim_false_digest(&mut f);
    f
}

/// `hash.idle[lane]`: an idle transition from a row `8k` (no round flag, so `hash.inv`
/// reads nothing there) changes state lane `lane`; every later idle row carries the new
/// state. For a digest lane (4..8) the claimed program hash is the changed digest, not the
/// hash of the program. For the other lanes the statement itself is unchanged (nothing
/// reads the capacity or the upper rate after the last permutation): the forgery only shows
/// that the copy constraint is the one that fires.
fn idle(lane: usize) -> Forgery {
    let mut f = honest_two_blocks();
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let row = 4 * CYCLE_LEN;
    assert_eq!(cols.get(HASH_ACTIVE, row), Felt::ZERO);
    let mut st = state_at(cols, row + 1);
    st[lane] += delta(lane);
    replay(cols, &[], row + 1, st, last);
    assert_eq!(claim_digest(&mut f), (4..8).contains(&lane));
    f
}

// BOOKKEEPING
// ================================================================================================

/// `chiplet.active_constant_in_cycle`: `active` drops to 0 right after the last block is
/// absorbed (on the transition `8 -> 9`), so the second permutation never runs and the
/// idle rows carry `pre + block`: the claimed digest is the hash of nothing (a sponge with
/// its last permutation cut off).
fn active_stops_mid_cycle() -> Forgery {
    let mut f = honest_two_blocks();
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let row = CYCLE_LEN + 1;
    for r in row..2 * CYCLE_LEN {
        cols.set(HASH_ACTIVE, r, Felt::ZERO);
    }
    let st = state_at(cols, row);
    replay(cols, &[], row, st, last);
    claim_false_digest(&mut f);
    f
}

/// `chiplet.active_never_restarts`: a three-block program whose block 1 is dead code (the
/// first instruction jumps over it to address 8). The chiplet absorbs block 0, idles
/// through cycle 1 (skipping block 1's permutation: the state is copied), restarts for
/// cycle 2 and absorbs block 2, whose instructions the CPU executes. The claimed digest is
/// the hash of no program: a sponge with one permutation left out.
fn active_restarts() -> Forgery {
    use Opcode::*;
    let p = program(vec![
        imm(Jmp, 8),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        imm(Push, 5),
        ins(Add),
        ins(Halt),
    ]);
    let mut f = forge_with(
        &p,
        &p,
        &[1, 2],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let blocks = blocks(cols);
    assert_eq!(blocks.len(), 3);
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        assert_eq!(
            cols.get(HASH_MULT + j, CYCLE_LEN),
            Felt::ZERO,
            "block 1 is dead"
        );
    }
    for r in CYCLE_LEN..2 * CYCLE_LEN {
        cols.set(HASH_ACTIVE, r, Felt::ZERO);
    }
    let st = state_at(cols, CYCLE_LEN);
    replay(cols, &blocks, CYCLE_LEN, st, last);
    claim_false_digest(&mut f);
    f
}

/// `chiplet.addr_step`: the attested program is `A ++ B` (two blocks: `A` adds 100, `B`
/// adds 7 and halts); the chiplet claims block `B` at address 0 again (the block address
/// repeats instead of stepping to 4, and keeps stepping from there). The CPU executes `B`
/// from address 0, its lookups matched by cycle 1's entries, and never runs `A`: the proof
/// claims `A ++ B` (its true hash) outputs `1 + 7` where it outputs `1 + 100 + 7`.
fn addr_repeats() -> Forgery {
    use Opcode::*;
    let b = vec![imm(Push, 7), ins(Add), ins(Noop), ins(Halt)];
    let mut ab = vec![imm(Push, 100), ins(Add), ins(Noop), ins(Noop)];
    ab.extend(b.iter().copied());
    let (ab, b) = (program(ab), program(b));
    let run = |exec: &Program| {
        forge_with(
            &ab,
            exec,
            &[1, 2],
            &[],
            TraceHooksForTesting::default(),
            |_, _, _, _| {},
        )
    };
    let honest = run(&ab);
    let mut f = run(&b);
    assert_ne!(f.public.stack_outputs, honest.public.stack_outputs);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    // The builder counted B's addresses 0..4 on cycle 0; they are cycle 1's entries now.
    for j in 0..INSTRUCTIONS_PER_CYCLE {
        let m = cols.get(HASH_MULT + j, 0);
        cols.set(HASH_MULT + j, 0, Felt::ZERO);
        cols.set(HASH_MULT + j, CYCLE_LEN, m);
    }
    for r in CYCLE_LEN..=last {
        let a = cols.get(HASH_ADDR, r);
        cols.set(HASH_ADDR, r, a - Felt::new(INSTRUCTIONS_PER_CYCLE as u64));
    }
    f
}

/// `chiplet.mult_on_absorb_row[j]`: the program table gets an entry the program does not
/// hold. The bus reads lanes `4 + 2j`, `5 + 2j` of a row's rate difference as the opcode and
/// immediate of address `4k + j`; on a round row that difference is the round's, not an
/// absorbed instruction. The liar solves for a block whose first round moves lane `4 + 2j`
/// by exactly `HALT`'s opcode ([`round_moving_lane_by`]), absorbs it as block 1 (junk
/// instructions, never executed: multiplicity 0 on the absorb row) and puts the count of
/// the `HALT` rows at address `4 + j` on the round row instead. The CPU jumps there and
/// halts with whatever immediate the round's lane `5 + 2j` moved by. The claimed program
/// (the digest of the junk block) holds no `HALT` at `4 + j`: its run would fail there.
fn entry_on_round_row(j: usize) -> Forgery {
    use Opcode::*;
    let target = INSTRUCTIONS_PER_CYCLE + j;
    let p = program(vec![
        imm(Push, 3),
        ins(Add),
        imm(Jmp, target as u64),
        ins(Noop),
        ins(Halt),
        ins(Halt),
        ins(Halt),
        ins(Halt),
    ]);
    let mut f = forge_with(
        &p,
        &p,
        &[1, 2],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let mut blocks = blocks(cols);
    let (absorb, lane) = (CYCLE_LEN, 4 + 2 * j);
    let pre = state_at(cols, absorb);
    let halt = blocks[1][2 * j];
    let s = round_moving_lane_by(&pre, lane, halt);
    blocks[1] = core::array::from_fn(|i| s[4 + i] - pre[4 + i]);
    replay(cols, &blocks, absorb, pre, last);
    let mut out = s;
    Rp64_256::apply_round(&mut out, 0);
    assert_eq!(out[lane] - s[lane], halt);
    let moved = out[lane + 1] - s[lane + 1];
    for row in 0..=last {
        if cols.get(PC, row) == Felt::new(target as u64) {
            cols.set(IMM, row, moved);
        }
    }
    let m = cols.get(HASH_MULT + j, absorb);
    assert_ne!(m, Felt::ZERO, "the HALT at {target} is executed");
    cols.set(HASH_MULT + j, absorb, Felt::ZERO);
    cols.set(HASH_MULT + j, absorb + 1, m);
    claim_false_digest(&mut f);
    f
}

/// A state `s` with the capacity of `pre` whose round 0 moves lane `lane` by `d`:
/// `R(s)[lane] - s[lane] = d`, solved in closed form (no search).
///
/// With `z` the round's value after the inverse S-box, `R(s) = MDS z + ARK2` is linear in
/// `z`, and `s^7 = MDS^-1 (z^7 - ARK1)` is linear in `z^7`. Take `z = z0 + t g` with `z0`
/// and `g` on disjoint lanes (`D` and its complement), so `z^7 = z0^7 + t^7 g^7`. Choose
/// `g^7` so that rows 0..4 and `lane` of `MDS^-1 g^7` vanish (5 equations, 6 lanes), and
/// `z0^7` so that rows 0..4 of `MDS^-1 (z0^7 - ARK1)` are the capacity's 7th powers (4
/// equations, 6 lanes). For every `t` the capacity is then `pre`'s and `s[lane]^7 = a` is
/// fixed, while `R(s)[lane] = c + t e` is linear in `t`: `t = (a^(1/7) + d - c) / e`.
fn round_moving_lane_by(pre: &State12, lane: usize, d: Felt) -> State12 {
    let inv_ark1 = mat_vec(&Rp64_256::INV_MDS, &Rp64_256::ARK1[0]);
    let on_g = [0, 1, 2, 3, 4, 5];
    let on_z0 = [6, 7, 8, 9, 10, 11];
    // g^7: unit on its last lane, the other five solving the five vanishing rows.
    let rows = [0, 1, 2, 3, lane];
    let a: Vec<Vec<Felt>> = rows
        .iter()
        .map(|&r| on_g[..5].iter().map(|&i| Rp64_256::INV_MDS[r][i]).collect())
        .collect();
    let b: Vec<Felt> = rows
        .iter()
        .map(|&r| -Rp64_256::INV_MDS[r][on_g[5]])
        .collect();
    let mut g7 = [Felt::ZERO; STATE_WIDTH];
    for (&i, v) in on_g[..5].iter().zip(solve(a, b)) {
        g7[i] = v;
    }
    g7[on_g[5]] = Felt::ONE;
    // z0^7: two lanes fixed, four solving the capacity rows.
    let mut z07 = [Felt::ZERO; STATE_WIDTH];
    z07[on_z0[4]] = Felt::new(0x0dd_ba11);
    z07[on_z0[5]] = Felt::new(0xca_fe);
    let a: Vec<Vec<Felt>> = (0..4)
        .map(|r| {
            on_z0[..4]
                .iter()
                .map(|&i| Rp64_256::INV_MDS[r][i])
                .collect()
        })
        .collect();
    let b: Vec<Felt> = (0..4)
        .map(|r| {
            pre[r].exp(7) + inv_ark1[r]
                - on_z0[4..]
                    .iter()
                    .fold(Felt::ZERO, |acc, &i| acc + Rp64_256::INV_MDS[r][i] * z07[i])
        })
        .collect();
    for (&i, v) in on_z0[..4].iter().zip(solve(a, b)) {
        z07[i] = v;
    }
    let root = |x: Felt| x.exp(INV_ALPHA);
    let (z0, g) = (z07.map(root), g7.map(root));
    let s7_lane = mat_vec(&Rp64_256::INV_MDS, &z07)[lane] - inv_ark1[lane];
    let c = mat_vec(&Rp64_256::MDS, &z0)[lane] + Rp64_256::ARK2[0][lane];
    let e = mat_vec(&Rp64_256::MDS, &g)[lane];
    let t = (root(s7_lane) + d - c) / e;
    let z: State12 = core::array::from_fn(|i| z0[i] + t * g[i]);
    let mut s7 = mat_vec(&Rp64_256::INV_MDS, &z.map(|x| x.exp(7)));
    for (x, k) in s7.iter_mut().zip(inv_ark1) {
        *x -= k;
    }
    let s = s7.map(root);
    assert_eq!(s[..4], pre[..4], "the capacity is kept");
    s
}

/// Solves the square system `a x = b` by Gaussian elimination (the matrix must be
/// invertible).
fn solve(mut a: Vec<Vec<Felt>>, mut b: Vec<Felt>) -> Vec<Felt> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n)
            .find(|&r| a[r][col] != Felt::ZERO)
            .expect("an invertible system");
        a.swap(col, piv);
        b.swap(col, piv);
        let inv = a[col][col].inv();
        let (pivot, pb) = (a[col].clone(), b[col]);
        for (r, (row, rb)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
            if r == col || row[col] == Felt::ZERO {
                continue;
            }
            let f = row[col] * inv;
            for (x, p) in row.iter_mut().zip(&pivot).skip(col) {
                *x -= f * *p;
            }
            *rb -= f * pb;
        }
    }
    (0..n).map(|i| b[i] / a[i][i]).collect()
}

// ZERO KNOWLEDGE
// ================================================================================================

/// `zk.mask[i]`: composition mask column `i` is nonzero on a real row (it must be zero
/// there: its random rows are what masks the composition polynomial).
fn mask(i: usize) -> Forgery {
    let mut f = honest_two_blocks();
    let col = preset::default_preset().first_mask_column() + i;
    f.trace.columns_mut_for_testing().set(col, 5, Felt::ONE);
    f
}
