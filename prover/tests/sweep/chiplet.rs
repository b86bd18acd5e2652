//! Forgeries for the mutation sweep (see `main.rs`): the hash chiplet (`vm_air::chiplets::hasher`), its
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
    chiplets::hasher::{round_row, CYCLE_LEN, HASH_WIDTH, NUM_ROUNDS, STATE_WIDTH},
    layout::*,
    preset,
};
use vm_core::{DebugInfo, Felt, FieldElement, Instruction, Opcode, Program};
use vm_prover::trace::TraceHooksForTesting;
use winter_crypto::hashers::Rp64_256;
use winter_prover::matrix::ColMatrix;

use crate::common::forge::{forge_with, honest_run, Forgery};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[(
    "chiplet.active_binary",
    "implied on every row it is evaluated on (the transitions from rows 0..last): on a \
         row r with r % 8 != 7, active_constant_in_cycle gives active' = active and then \
         active_never_restarts, active' (1 - active) = 0, reads active (1 - active) = 0; a row \
         r with r % 8 == 7 has the same value as row r - 1 (active_constant_in_cycle on the \
         transition r - 1 -> r, r - 1 < last, r - 1 % 8 == 6), which is binary by the first \
         case. So switched off alone it lets no non-binary active through.",
)];

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
    cases.push(Case::new("chiplet.addr_step", addr_repeats()));
    cases.push(Case::new("chiplet.round_flag", round_flag_on_absorb_row()));
    cases.push(Case::new(
        "chiplet.active_never_restarts",
        restarted_hasher_injects_an_instruction(),
    ));
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
    honest_run(&p, &[1, 2])
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
/// following the selector column: an active row `8k` absorbs `blocks[k]` (helpers 0 but
/// for the multiplicities, which are kept), an active row `8k + 1 + r` runs round `r`; the
/// state passes unchanged through rows outside the chiplet, and the first such row after
/// an active one carries it (the digest the bus reads); the round flag follows.
fn replay(
    cols: &mut ColMatrix<Felt>,
    blocks: &[[Felt; 8]],
    from: usize,
    mut st: State12,
    last: usize,
) {
    for row in from..=last {
        let active = cols.get(HASH_ACTIVE, row) == Felt::ONE;
        let p = row % CYCLE_LEN;
        cols.set(HASH_ROUND, row, Felt::from((active && p != 0) as u8));
        let (vals, next) = if active {
            if p == 0 {
                let mut vals = [Felt::ZERO; HASH_WIDTH];
                vals[..STATE_WIDTH].copy_from_slice(&st);
                for j in 0..INSTRUCTIONS_PER_CYCLE {
                    vals[HASH_MULT - HASH + j] = cols.get(HASH_MULT + j, row);
                }
                let mut next = st;
                let block = blocks.get(row / CYCLE_LEN).copied().unwrap_or_default();
                for (x, v) in next[4..].iter_mut().zip(block) {
                    *x += v;
                }
                (vals, next)
            } else {
                let mut next = st;
                Rp64_256::apply_round(&mut next, p - 1);
                (round_row(&st, &next, p - 1), next)
            }
        } else {
            // Below the hasher only the state lanes are its own (the memory and range
            // sections keep the helper cells).
            let digest = row > 0 && cols.get(HASH_ACTIVE, row - 1) == Felt::ONE;
            for (i, v) in st.iter().enumerate() {
                cols.set(HASH_STATE + i, row, if digest { *v } else { Felt::ZERO });
            }
            continue;
        };
        write_row(cols, row, &vals);
        st = next;
    }
}

/// Claims the digest the bus reads (the state on the first row after the hasher's section)
/// as the program hash; returns whether it differs from the honest hash of the absorbed
/// program (the statement is then false).
fn claim_digest(f: &mut Forgery) -> bool {
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let end = (1..=last)
        .find(|&r| cols.get(HASH_ACTIVE, r) == Felt::ZERO)
        .expect("the hasher's section ends");
    let st = state_at(cols, end);
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
    // The range checker's section now starts where the hasher stops.
    range_tail(cols, row, last);
    claim_false_digest(&mut f);
    f
}

/// Rewrites the range checker's section honestly from row `from` to `last`: the table of a
/// run without lookups (0 to 2^16 - 1 in the largest steps, multiplicities 0).
fn range_tail(cols: &mut ColMatrix<Felt>, from: usize, last: usize) {
    let table = vm_prover::trace::memory::range_table(&[]);
    crate::common::memtable::write_range(cols, from, last, &table, |_| {});
}

/// A program whose block 1 is dead code: the first instruction jumps over it to address 8.
fn jump_over_block_1() -> Program {
    use Opcode::*;
    program(vec![
        imm(Jmp, 8),
        ins(Noop),
        ins(Noop),
        ins(Halt),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        ins(Noop),
        imm(Push, 5),
        ins(Add),
        ins(Halt),
    ])
}

/// `chiplet.round_flag`: the round flag set on the absorb row of the dead block 1 of
/// [`jump_over_block_1`]. There the capacity copy and the entries' multiplicities are off
/// (`active - round = 0`) and the round constraints read a round with zero constants, so the
/// liar replaces the absorption by that keyless round (helpers `a = s^3`, `b = y^3`) and
/// recomputes every later row: the digest is the hash of no program.
fn round_flag_on_absorb_row() -> Forgery {
    let b = jump_over_block_1();
    let mut f = honest_run(&b, &[1, 2]);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    let blocks = blocks(cols);
    let row = CYCLE_LEN;
    let s = state_at(cols, row);
    // s' = MDS z with z^7 = MDS(s^7): a round without constants.
    let z = mat_vec(&Rp64_256::MDS, &s.map(|x| x.exp(7))).map(|x| x.exp(INV_ALPHA));
    let next = mat_vec(&Rp64_256::MDS, &z);
    let mut vals = [Felt::ZERO; HASH_WIDTH];
    for i in 0..STATE_WIDTH {
        vals[i] = s[i];
        vals[STATE_WIDTH + i] = s[i].cube();
        vals[2 * STATE_WIDTH + i] = z[i].cube();
    }
    write_row(cols, row, &vals);
    cols.set(HASH_ROUND, row, Felt::ONE);
    replay(cols, &blocks, row + 1, next, last);
    claim_false_digest(&mut f);
    f
}

/// `chiplet.active_never_restarts`: the attested program is `push.1 add` (on `[2]` it
/// leaves 3); the liar runs `push.7 add` and claims 9. A second hasher section, started one
/// cycle after the attestation's (a cycle of range rows between, value 0) and running to
/// the last real row, absorbs the entry `(0, PUSH, 7)` with multiplicity 1 at block address
/// 0 (the range row before it holds address -4, a cell free below the hasher), which answers
/// the CPU's lookup in place of the attested `(0, PUSH, 1)` (multiplicity 0). The restarted
/// section never ends on a checked transition, so it sends no second digest; the range
/// checker's final assertion reads the S-box cell `a0` of the last real row, a round row
/// whose cube constraint sits on the exempt transition out of it, so that cell holds
/// `2^16 - 1` and the range table itself stays at 0 (the step into the restart's absorb
/// row is its multiplicity, 1).
fn restarted_hasher_injects_an_instruction() -> Forgery {
    use vm_air::chiplets::hasher::permutation_rows;
    use Opcode::*;
    let attested = program(vec![imm(Push, 1), ins(Add), ins(Halt)]);
    let run = program(vec![imm(Push, 7), ins(Add), ins(Halt)]);
    let mut f = forge_with(
        &attested,
        &run,
        &[2],
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    assert_eq!(f.public.stack_outputs.as_ints()[0], 9);
    let last = f.trace.last_real;
    let cols = f.trace.columns_mut_for_testing();
    assert_eq!(
        cols.get(HASH_ACTIVE, CYCLE_LEN),
        Felt::ZERO,
        "one attested block"
    );
    // The attested entry at address 0 is never looked up now.
    cols.set(HASH_MULT, 0, Felt::ZERO);
    let restart = 2 * CYCLE_LEN;
    crate::common::memtable::write_range(cols, CYCLE_LEN, restart - 1, &[(0, 0)], |_| {});
    cols.set(
        HASH_ADDR,
        restart - 1,
        -Felt::new(INSTRUCTIONS_PER_CYCLE as u64),
    );
    let entry = vm_core::program::encode_for_hash(&[imm(Push, 7)]);
    let mut state: State12 = [Felt::ZERO; STATE_WIDTH];
    for k in 0.. {
        let at = restart + CYCLE_LEN * k;
        if at > last {
            break;
        }
        let mut block = [Felt::ZERO; 8];
        if k == 0 {
            block[..2].copy_from_slice(&entry);
        }
        let (rows, out) = permutation_rows(state, block);
        for (r, vals) in rows.iter().enumerate() {
            let row = at + r;
            if row > last {
                break;
            }
            write_row(cols, row, vals);
            cols.set(HASH_ACTIVE, row, Felt::ONE);
            cols.set(HASH_ROUND, row, Felt::from((r != 0) as u8));
            cols.set(
                HASH_ADDR,
                row,
                Felt::new((INSTRUCTIONS_PER_CYCLE * k) as u64),
            );
        }
        state = out;
    }
    cols.set(HASH_MULT, restart, Felt::ONE);
    assert_ne!(last % CYCLE_LEN, 0, "the last real row is a round row");
    cols.set(
        shared(vm_air::chiplets::range::cols::VALUE),
        last,
        Felt::new(vm_air::chiplets::range::MAX),
    );
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
