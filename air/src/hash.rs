//! The Rescue Prime (`Rp64_256`) hash chiplet: 36 main columns that recompute the program
//! hash as a sponge, one 8-row cycle per absorbed block.
//!
//! Cycle `k` covers rows `8k .. 8k+8`. Row `8k` holds the state before absorbing; the
//! transition `8k -> 8k+1` adds the block into the rate (the capacity is copied, the rate
//! difference is the block, which the bus reads as four program-table entries); the
//! transitions `8k+1+j -> 8k+2+j` for `j = 0..7` are the seven rounds; row `8k+8` is the
//! permutation's output, i.e. the next cycle's first row. When the `active` column (owned
//! by the CPU side) is 0, the state is copied from row to row.
//!
//! A round `s -> s'` of `Rp64_256` is `s' = MDS z + ARK2[j]` with
//! `z^7 = MDS (s^7) + ARK1[j]`. Degree-7 powers are split with helper columns: `a = s^3`
//! (so `s^7 = a^2 s`) and `b = z^3` (so `z^7 = b^2 z`), where `z = MDS^-1 s' - K_j` with
//! `K_j = MDS^-1 ARK2[j]` is linear in the next row. The round constants enter through
//! 8-periodic columns; `z^3` is expanded so that no periodic column is ever raised to a power
//! (winterfell counts each periodic factor as extra degree): with `A = MDS^-1 s'`,
//! `z^3 = A^3 - 3 A^2 K + 3 A K^2 - K^3`, and `K`, `K^2`, `K^3` are separate periodic columns.

use alloc::{vec, vec::Vec};

use vm_core::{Felt, FieldElement};
use winter_air::TransitionConstraintDegree;
use winter_crypto::hashers::Rp64_256;

/// Number of chiplet columns.
pub const HASH_WIDTH: usize = 36;
/// Rows per permutation (one absorb row and seven rounds).
pub const CYCLE_LEN: usize = 8;
/// Width of the Rescue Prime state.
pub const STATE_WIDTH: usize = 12;
/// Offset of the state columns `x0..x11` within the chiplet.
pub const S: usize = 0;
/// Offset of the cube columns `a_i = x_i^3`.
pub const A: usize = 12;
/// Offset of the inverse-S-box helper columns `b_i = z_i^3` (round rows only).
pub const B: usize = 24;

const ROUNDS: usize = 7;

/// Periodic columns, in order: the round flag `R`, then per lane `ARK1`, `K`, `K^2`, `K^3`.
pub const NUM_PERIODIC: usize = 1 + 4 * STATE_WIDTH;
const P_ARK1: usize = 1;
const P_K: usize = P_ARK1 + STATE_WIDTH;
const P_K2: usize = P_K + STATE_WIDTH;
const P_K3: usize = P_K2 + STATE_WIDTH;

/// Number of chiplet constraints: cubes, inverse S-box helpers, rounds, capacity on absorb
/// rows, copies on idle rows.
pub const NUM_CONSTRAINTS: usize = 4 * STATE_WIDTH + 4;

/// The chiplet's periodic columns (length 8 each, aligned with row 0): the round flag `R`
/// (1 on rows `1..8` of a cycle, whose transition is a round) first.
pub fn periodic_columns() -> Vec<Vec<Felt>> {
    let mut cols = vec![vec![Felt::ZERO; CYCLE_LEN]; NUM_PERIODIC];
    for t in 1..CYCLE_LEN {
        let round = t - 1;
        cols[0][t] = Felt::ONE;
        let k = mat_vec(&Rp64_256::INV_MDS, &Rp64_256::ARK2[round]);
        for lane in 0..STATE_WIDTH {
            cols[P_ARK1 + lane][t] = Rp64_256::ARK1[round][lane];
            cols[P_K + lane][t] = k[lane];
            cols[P_K2 + lane][t] = k[lane].square();
            cols[P_K3 + lane][t] = k[lane].cube();
        }
    }
    cols
}

/// Degrees of the chiplet constraints, in the order [`evaluate`] writes them.
pub fn constraint_degrees() -> Vec<TransitionConstraintDegree> {
    let cyc = |base| TransitionConstraintDegree::with_cycles(base, vec![CYCLE_LEN]);
    let mut v = Vec::with_capacity(NUM_CONSTRAINTS);
    v.extend((0..STATE_WIDTH).map(|_| TransitionConstraintDegree::new(3)));
    v.extend((0..2 * STATE_WIDTH).map(|_| cyc(4)));
    v.extend((0..4).map(|_| cyc(2)));
    v.extend((0..STATE_WIDTH).map(|_| TransitionConstraintDegree::new(2)));
    v
}

/// Evaluates the chiplet constraints on the transition `cur -> next` (the chiplet's 36
/// columns of each row), with the CPU-side `active` flag and the chiplet's periodic values.
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    active: E,
    periodic: &[E],
    result: &mut [E],
) {
    let s = &cur[S..S + STATE_WIDTH];
    let a = &cur[A..A + STATE_WIDTH];
    let b = &cur[B..B + STATE_WIDTH];
    let sn = &next[S..S + STATE_WIDTH];
    let round = periodic[0];
    let in_round = active * round;

    // s^7 = a^2 s, then the forward half round's linear layer.
    let mut s7 = [E::ZERO; STATE_WIDTH];
    for i in 0..STATE_WIDTH {
        s7[i] = a[i].square() * s[i];
    }
    let forward = mat_vec_e(&Rp64_256::MDS, &s7);
    let back = mat_vec_e(&Rp64_256::INV_MDS, sn);

    for i in 0..STATE_WIDTH {
        result[i] = a[i] - s[i].cube();
        let (k, k2, k3) = (periodic[P_K + i], periodic[P_K2 + i], periodic[P_K3 + i]);
        let big_a = back[i];
        let three = E::from(Felt::new(3));
        let z_cubed = big_a.cube() - three * big_a.square() * k + three * big_a * k2 - k3;
        result[STATE_WIDTH + i] = in_round * (b[i] - z_cubed);
        let z = big_a - k;
        result[2 * STATE_WIDTH + i] =
            in_round * (b[i].square() * z - forward[i] - periodic[P_ARK1 + i]);
    }
    let absorbing = active * (E::ONE - round);
    for i in 0..4 {
        result[3 * STATE_WIDTH + i] = absorbing * (sn[i] - s[i]);
    }
    let idle = E::ONE - active;
    for i in 0..STATE_WIDTH {
        result[3 * STATE_WIDTH + 4 + i] = idle * (sn[i] - s[i]);
    }
}

/// The 8 chiplet rows of one cycle that starts from the state `pre` and absorbs `block`,
/// and the permutation's output (the next cycle's first row state).
pub fn permutation_rows(
    pre: [Felt; STATE_WIDTH],
    block: [Felt; 8],
) -> ([[Felt; HASH_WIDTH]; CYCLE_LEN], [Felt; STATE_WIDTH]) {
    let mut rows = [[Felt::ZERO; HASH_WIDTH]; CYCLE_LEN];
    rows[0] = idle_row(pre);
    let mut state = pre;
    for (x, v) in state[4..].iter_mut().zip(block) {
        *x += v;
    }
    for round in 0..ROUNDS {
        let row = &mut rows[round + 1];
        row[..STATE_WIDTH].copy_from_slice(&state);
        for i in 0..STATE_WIDTH {
            row[A + i] = state[i].cube();
        }
        let mut y = [Felt::ZERO; STATE_WIDTH];
        for i in 0..STATE_WIDTH {
            y[i] = state[i].exp(7);
        }
        let mut y = mat_vec(&Rp64_256::MDS, &y);
        for (v, k) in y.iter_mut().zip(Rp64_256::ARK1[round]) {
            *v += k;
        }
        let z = y.map(inv_sbox);
        for i in 0..STATE_WIDTH {
            row[B + i] = z[i].cube();
        }
        state = mat_vec(&Rp64_256::MDS, &z);
        for (v, k) in state.iter_mut().zip(Rp64_256::ARK2[round]) {
            *v += k;
        }
    }
    (rows, state)
}

/// A chiplet row that only carries `state` (idle rows and each cycle's absorb row).
pub fn idle_row(state: [Felt; STATE_WIDTH]) -> [Felt; HASH_WIDTH] {
    let mut row = [Felt::ZERO; HASH_WIDTH];
    row[..STATE_WIDTH].copy_from_slice(&state);
    for i in 0..STATE_WIDTH {
        row[A + i] = state[i].cube();
    }
    row
}

/// `x^(1/7)`: 7 is coprime to p - 1, so this is the inverse of the S-box.
fn inv_sbox(x: Felt) -> Felt {
    // 1/7 mod p - 1
    x.exp(10540996611094048183)
}

fn mat_vec(m: &[[Felt; STATE_WIDTH]; STATE_WIDTH], v: &[Felt]) -> [Felt; STATE_WIDTH] {
    core::array::from_fn(|i| (0..STATE_WIDTH).fold(Felt::ZERO, |acc, j| acc + m[i][j] * v[j]))
}

fn mat_vec_e<E: FieldElement<BaseField = Felt>>(
    m: &[[Felt; STATE_WIDTH]; STATE_WIDTH],
    v: &[E],
) -> [E; STATE_WIDTH] {
    core::array::from_fn(|i| (0..STATE_WIDTH).fold(E::ZERO, |acc, j| acc + v[j].mul_base(m[i][j])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use winter_crypto::{ElementHasher, Hasher};

    fn state(seed: u64) -> [Felt; 12] {
        core::array::from_fn(|i| {
            Felt::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i as u64 * 7919))
        })
    }

    #[test]
    fn rows_reproduce_the_permutation() {
        let pre = state(3);
        let block = [Felt::new(5); 8];
        let (rows, out) = permutation_rows(pre, block);
        let mut expected = pre;
        for (x, v) in expected[4..].iter_mut().zip(block) {
            *x += v;
        }
        Rp64_256::apply_permutation(&mut expected);
        assert_eq!(out, expected);
        assert_eq!(&rows[0][..12], &pre);
    }

    #[test]
    fn sponge_reproduces_hash_elements() {
        let msg: Vec<Felt> = (0..21u64).map(|i| Felt::new(i * i + 1)).collect();
        let mut st = [Felt::ZERO; 12];
        st[0] = Felt::new(msg.len() as u64);
        for chunk in msg.chunks(8) {
            let mut block = [Felt::ZERO; 8];
            block[..chunk.len()].copy_from_slice(chunk);
            st = permutation_rows(st, block).1;
        }
        let digest: [Felt; 4] = Rp64_256::hash_elements(&msg).into();
        assert_eq!(&st[4..8], &digest);
    }

    /// The rows of `cycles` consecutive permutations followed by idle rows, with the
    /// active flag per row.
    fn chain(blocks: &[[Felt; 8]], idle: usize) -> Vec<([Felt; HASH_WIDTH], Felt)> {
        let mut st = [Felt::ZERO; 12];
        st[0] = Felt::new(8 * blocks.len() as u64);
        let mut out = Vec::new();
        for b in blocks {
            let (rows, next) = permutation_rows(st, *b);
            out.extend(rows.iter().map(|r| (*r, Felt::ONE)));
            st = next;
        }
        out.extend((0..idle).map(|_| (idle_row(st), Felt::ZERO)));
        out
    }

    fn violations(rows: &[([Felt; HASH_WIDTH], Felt)]) -> Vec<usize> {
        let periodic = periodic_columns();
        let mut bad = Vec::new();
        for i in 0..rows.len() - 1 {
            let p: Vec<Felt> = periodic.iter().map(|c| c[i % CYCLE_LEN]).collect();
            let mut res = [Felt::ZERO; NUM_CONSTRAINTS];
            evaluate(&rows[i].0, &rows[i + 1].0, rows[i].1, &p, &mut res);
            if res.iter().any(|v| *v != Felt::ZERO) {
                bad.push(i);
            }
        }
        bad
    }

    #[test]
    fn honest_rows_satisfy_every_constraint() {
        let rows = chain(
            &[[Felt::new(1); 8], [Felt::new(2); 8], [Felt::new(3); 8]],
            9,
        );
        assert_eq!(violations(&rows), Vec::<usize>::new());
        assert_eq!(constraint_degrees().len(), NUM_CONSTRAINTS);
    }

    #[test]
    fn a_wrong_round_recomputed_consistently_is_caught() {
        for lane in 0..12 {
            let mut rows = chain(&[[Felt::new(1); 8], [Felt::new(2); 8]], 3);
            // Lie about round 3's output of the second permutation, then recompute every
            // later round honestly from the lie.
            let row = CYCLE_LEN + 4;
            let mut st: [Felt; 12] = rows[row].0[..12].try_into().unwrap();
            st[lane] += Felt::ONE;
            rows[row].0 = idle_row(st);
            for r in row..2 * CYCLE_LEN {
                let mut next = st;
                Rp64_256::apply_round(&mut next, r - CYCLE_LEN - 1);
                // recompute the helpers of row r for the round it starts
                let (honest, _) = permutation_rows_from_round(st, r - CYCLE_LEN - 1);
                rows[r].0 = honest;
                st = next;
            }
            for r in rows.iter_mut().skip(2 * CYCLE_LEN) {
                r.0 = idle_row(st);
            }
            let bad = violations(&rows);
            assert_eq!(bad, vec![row - 1], "lane {lane}");
        }
    }

    /// The row that starts round `round` from `state`, with its helpers, and the round's output.
    fn permutation_rows_from_round(
        state: [Felt; 12],
        round: usize,
    ) -> ([Felt; HASH_WIDTH], [Felt; 12]) {
        let mut row = idle_row(state);
        let mut y = state.map(|x| x.exp(7));
        y = mat_vec(&Rp64_256::MDS, &y);
        for (v, k) in y.iter_mut().zip(Rp64_256::ARK1[round]) {
            *v += k;
        }
        let z = y.map(inv_sbox);
        for i in 0..12 {
            row[B + i] = z[i].cube();
        }
        let mut out = state;
        Rp64_256::apply_round(&mut out, round);
        (row, out)
    }

    #[test]
    fn idle_rows_must_copy_and_absorb_keeps_capacity() {
        let mut rows = chain(&[[Felt::new(1); 8]], 4);
        rows[10].0 = idle_row([Felt::new(9); 12]);
        assert!(violations(&rows).contains(&9));
        let mut rows = chain(&[[Felt::new(1); 8], [Felt::new(2); 8]], 2);
        let mut st: [Felt; 12] = rows[CYCLE_LEN + 1].0[..12].try_into().unwrap();
        st[0] += Felt::ONE;
        rows[CYCLE_LEN + 1].0[..12].copy_from_slice(&st);
        assert!(violations(&rows).contains(&CYCLE_LEN));
        let _ = <Rp64_256 as Hasher>::hash(b"");
    }
}
