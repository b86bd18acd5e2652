//! The Rescue Prime (`Rp64_256`) hash chiplet: 36 main columns that recompute the program
//! hash as a sponge, one 8-row cycle per absorbed block.
//!
//! # Layout
//!
//! Cycle `k` covers rows `8k .. 8k+8` (periodic columns are aligned with row 0):
//! * row `8k` holds the state before absorbing (the previous permutation's output, or the
//!   initial state `[len, 0, 0, 0, 0 x 8]`);
//! * the transition `8k -> 8k+1` absorbs: the capacity `s[0..4]` is copied, the rate
//!   `s[4..12]` is free (the block added is `s'[4..12] - s[4..12]`, read by the bus);
//! * the transitions `8k+1+j -> 8k+2+j`, `j = 0..7`, are the seven rounds of
//!   `Rp64_256::apply_round`;
//! * row `8k+8` (the next cycle's first row) holds the permutation's output.
//!
//! The chiplet holds the first two sections of the shared chiplet region
//! (`crate::chiplets`). The program's attestation comes first: its selector `h` (the
//! region's `HASH_ACTIVE` column, binary, constant within a cycle, 1 from row 0 and then 0
//! for good) says which rows are its own. The hash requests follow (selector `q`,
//! `HASH_REQ`): one cycle per permutation `HPERM` asks for, whose absorb row takes any
//! state. The region's round-flag column `r = (h + q) R` says which rows of either are
//! round rows. Below, `h` stands for the selector this module is given, `h + q`; on rows
//! where it is 0 every constraint of this module is off: the columns belong to whatever the
//! region holds there.
//!
//! Columns (relative to the chiplet): `s[0..12]` the state ([`S`]), `a[0..12]` ([`A`]) and
//! `b[0..12]` ([`B`]), the helpers of the S-box and of the inverse S-box. On an absorb row
//! of the attestation `a[0..4]` carry the multiplicities of the four absorbed instructions
//! (how often the CPU executes each), on one of the requests `a[0]` and `a[1]` how often
//! its input and output are asked for ([`REQ_IN`], [`REQ_OUT`]), which the bus reads;
//! nothing else constrains `a` and `b` there.
//!
//! # A round as low-degree constraints
//!
//! A round `s -> s'` is `s' = MDS z + ARK2[j]` where `z^7 = MDS(s^7) + ARK1[j]`. With
//! `y = MDS^-1 s'` (linear in the next row) and `K_j = MDS^-1 ARK2[j]`, `z = y - K_j`.
//! The helpers are `a = s^3` (so `s^7 = a^2 s`) and `b = z^3` (so `z^7 = b^2 z`).
//!
//! Winterfell counts every periodic factor of a term as extra degree: a term with base
//! degree `d` and `c` periodic factors has evaluation degree `d (n-1) + c (7n/8)`, and the
//! transition exemptions that zero knowledge needs are capped at
//! `4n - 1 + n - (evaluation degree)` at blowup 4. A degree-4 term with a periodic factor
//! (`4.875 n`) would cap the exemptions at `n/8 + 3`, i.e. below 60 for `n <= 256`. So every
//! term here has either base degree 4 and no periodic factor, or base degree <= 3 and one
//! periodic factor (evaluation degree `<= 4n - 4`, which leaves `n + 3` exemptions). That is
//! why the round flag is a trace column `r` rather than the product `h R` (which would put a
//! periodic factor on the degree-4 terms). `K`, `K^2`, `K^3` and `ARK1` are periodic columns
//! that are 0 on row 0 of a cycle, so `h K = r K` on the trace, and `h`, `r` are binary:
//!
//! | constraints | expression (lane `i`) | declared degree |
//! |---|---|---|
//! | `C_CUBE` (12) | `r (a - s^3)` | `4` |
//! | `C_INV` (12) | `r (b - y^3) + h (3 y^2 K - 3 y K^2 + K^3)` | `4` |
//! | `C_ROUND` (12) | `r (b^2 (y - K) - MDS(a^2 s) - ARK1)` | `4` |
//! | `C_CAPACITY` (4) | `c (s' - s)` | `3` |
//!
//! On a round row (`r = h = 1`) these say `a = s^3`, `b = (y - K)^3 = z^3` and
//! `z^7 = b^2 z = MDS(s^7) + ARK1`, which (since `x -> x^7` is a bijection of the field)
//! pins `s'` to the round's output. On an absorb row (`h = 1`, `r = 0`, `K = ARK1 = 0`)
//! only the capacity copy applies, and only where the region says the row chains a sponge
//! (the attestation's absorb rows, `h (1 - r)` with the region's selectors).

use alloc::{vec, vec::Vec};

use vm_core::{Felt, FieldElement};
use winter_air::TransitionConstraintDegree;
use winter_crypto::hashers::Rp64_256;

use crate::named::{Degree, Describer, NamedConstraint, Sink};

// LAYOUT
// ================================================================================================

/// Number of chiplet columns: the state, the S-box helpers `a`, the inverse S-box helpers `b`.
pub const HASH_WIDTH: usize = 3 * STATE_WIDTH;
/// Rows per permutation: one absorb transition and seven round transitions.
pub const CYCLE_LEN: usize = 8;
/// Width of the Rescue Prime state (capacity `0..4`, rate `4..12`, digest `4..8`).
pub const STATE_WIDTH: usize = 12;
/// Number of capacity lanes (copied by the absorb transition).
pub const CAPACITY: usize = 4;
/// Rounds per permutation.
pub const NUM_ROUNDS: usize = 7;
/// Offset of the state columns `s[0..12]` within the chiplet.
pub const S: usize = 0;
/// Offset of the S-box helpers `a_i = s_i^3` (constrained on round rows; on absorb rows
/// `a[0..4]` are the absorbed instructions' multiplicities, see [`MULT`]).
pub const A: usize = S + STATE_WIDTH;
/// Offset of the inverse S-box helpers: `b_i = z_i^3` on round rows, where
/// `z = MDS^-1 (s' - ARK2[j])`; 0 on absorb rows.
pub const B: usize = A + STATE_WIDTH;

/// Offset of the four multiplicities on an absorb row of the program's attestation (the
/// first four S-box helper cells, which no constraint reads there).
pub const MULT: usize = A;
/// On an absorb row of the request section: the multiplicity of the permutation input
/// message (the state of the next row), an S-box helper cell no constraint reads there.
pub const REQ_IN: usize = A;
/// On an absorb row of the request section: the multiplicity of the permutation output
/// message (the state of this row).
pub const REQ_OUT: usize = A + 1;

// PERIODIC COLUMNS
// ================================================================================================

/// Periodic column: the round flag `R` (0 on row 0 of a cycle, 1 on rows 1..8).
pub const P_ROUND: usize = 0;
/// First of 12 periodic columns `K_i = (MDS^-1 ARK2[j])_i` on row `1 + j`, 0 on row 0.
pub const P_K: usize = P_ROUND + 1;
/// First of 12 periodic columns `K_i^2` (0 on row 0).
pub const P_K2: usize = P_K + STATE_WIDTH;
/// First of 12 periodic columns `K_i^3` (0 on row 0).
pub const P_K3: usize = P_K2 + STATE_WIDTH;
/// First of 12 periodic columns `ARK1[j]_i` on row `1 + j`, 0 on row 0.
pub const P_ARK1: usize = P_K3 + STATE_WIDTH;
/// Number of periodic columns of the chiplet (all of length [`CYCLE_LEN`]).
pub const NUM_PERIODIC: usize = P_ARK1 + STATE_WIDTH;

// CONSTRAINTS
// ================================================================================================

/// First of 12 constraints `r (a - s^3)`.
pub const C_CUBE: usize = 0;
/// First of 12 constraints `r (b - y^3) + h (3 y^2 K - 3 y K^2 + K^3)` (`b = z^3`).
pub const C_INV: usize = C_CUBE + STATE_WIDTH;
/// First of 12 constraints `r (b^2 (y - K) - MDS(a^2 s) - ARK1)` (the round).
pub const C_ROUND: usize = C_INV + STATE_WIDTH;
/// First of 4 constraints `c (s' - s)` on the capacity lanes, with `c` the flag of the
/// absorb rows that chain a sponge (the attestation's: `c = h (1 - r)` in the region).
pub const C_CAPACITY: usize = C_ROUND + STATE_WIDTH;
/// Number of chiplet constraints.
pub const NUM_CONSTRAINTS: usize = C_CAPACITY + CAPACITY;

const MDS: [[Felt; STATE_WIDTH]; STATE_WIDTH] = Rp64_256::MDS;
const INV_MDS: [[Felt; STATE_WIDTH]; STATE_WIDTH] = Rp64_256::INV_MDS;

/// The chiplet's periodic columns, each of length [`CYCLE_LEN`] and aligned with row 0, in
/// the order [`P_ROUND`] (first), [`P_K`], [`P_K2`], [`P_K3`], [`P_ARK1`]. Row `1 + j` of
/// a cycle carries round `j`'s constants; row 0 (the absorb row) carries zeros.
pub fn periodic_columns() -> Vec<Vec<Felt>> {
    let mut cols = vec![vec![Felt::ZERO; CYCLE_LEN]; NUM_PERIODIC];
    for round in 0..NUM_ROUNDS {
        let row = round + 1;
        cols[P_ROUND][row] = Felt::ONE;
        let k = mat_vec(&INV_MDS, &Rp64_256::ARK2[round]);
        for i in 0..STATE_WIDTH {
            cols[P_K + i][row] = k[i];
            cols[P_K2 + i][row] = k[i].square();
            cols[P_K3 + i][row] = k[i].cube();
            cols[P_ARK1 + i][row] = Rp64_256::ARK1[round][i];
        }
    }
    cols
}

/// Degrees of the chiplet constraints, in the order [`evaluate`] writes them (see the
/// module documentation). All need a constraint-evaluation blowup of 4, and none has an
/// evaluation degree above `4 (n - 1)`.
pub fn constraint_degrees() -> Vec<TransitionConstraintDegree> {
    constraints().into_iter().map(|c| c.degree).collect()
}

/// The chiplet constraints with their names (`hash.cube[i]`, `hash.inv[i]`, `hash.round[i]`,
/// `hash.capacity[i]`, `i` the state lane) and degrees, in the order [`evaluate`] writes
/// them (read from [`evaluate`] itself).
pub fn constraints() -> Vec<NamedConstraint> {
    let zero = [Felt::ZERO; HASH_WIDTH];
    let mut d = Describer::default();
    let p = [Felt::ZERO; NUM_PERIODIC];
    evaluate(&zero, &zero, Felt::ZERO, Felt::ZERO, Felt::ZERO, &p, &mut d);
    debug_assert_eq!(d.0 .0.len(), NUM_CONSTRAINTS);
    d.0 .0
}

/// Evaluates the chiplet constraints on the transition `cur -> next`.
///
/// `cur` and `next` are the chiplet's [`HASH_WIDTH`] columns of the current and the next
/// row, `h` the chiplet's selector and `r` the round flag of the current row (both binary,
/// `r = h R`: the constraints use them in place of their powers), `chain` the flag of the
/// absorb rows whose transition copies the capacity (a sponge's next block; degree at most
/// 2), `periodic` the chiplet's [`NUM_PERIODIC`] periodic values in the order of
/// [`periodic_columns`]; emits [`NUM_CONSTRAINTS`] values.
#[inline(always)]
pub fn evaluate<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    h: E,
    r: E,
    chain: E,
    periodic: &[E],
    out: &mut impl Sink<E>,
) {
    use Degree::Plain;
    debug_assert!(cur.len() >= HASH_WIDTH && next.len() >= HASH_WIDTH);
    debug_assert!(periodic.len() >= NUM_PERIODIC);
    let s = &cur[S..S + STATE_WIDTH];
    let a = &cur[A..A + STATE_WIDTH];
    let b = &cur[B..B + STATE_WIDTH];
    let sn = &next[S..S + STATE_WIDTH];

    // y = MDS^-1 s' (so z = y - K), and w - ARK1 = MDS(s^7) with s^7 = a^2 s.
    let y = mat_vec_e(&INV_MDS, sn);
    let s7: [E; STATE_WIDTH] = crate::arith::from_fn(|i| a[i].square() * s[i]);
    let w = mat_vec_e(&MDS, &s7);

    for i in 0..STATE_WIDTH {
        out.emit_at("hash.cube", i, Plain(4), r * (a[i] - s[i].cube()));
    }
    for i in 0..STATE_WIDTH {
        let (k, k2, k3) = (periodic[P_K + i], periodic[P_K2 + i], periodic[P_K3 + i]);
        let (yi, y2) = (y[i], y[i].square());
        // h R (b - (y - K)^3), with R K^m = K^m and h^m = h, r = h R.
        let mixed = y2 * k - yi * k2;
        out.emit_at(
            "hash.inv",
            i,
            Plain(4),
            r * (b[i] - y2 * yi) + h * (mixed.double() + mixed + k3),
        );
    }
    for i in 0..STATE_WIDTH {
        let (k, ark1) = (periodic[P_K + i], periodic[P_ARK1 + i]);
        out.emit_at(
            "hash.round",
            i,
            Plain(4),
            r * (b[i].square() * (y[i] - k) - w[i] - ark1),
        );
    }
    for i in 0..CAPACITY {
        out.emit_at("hash.capacity", i, Plain(3), chain * (sn[i] - s[i]));
    }
}

// TRACE FILLING
// ================================================================================================

/// The 8 chiplet rows of one active cycle that starts from the state `pre` and absorbs
/// `block` (added into the rate), and the permutation's output (the state of the next
/// cycle's first row).
///
/// Row 0 holds `pre` with `a = b = 0`; row `1 + j` holds the state before round `j`
/// (row 1 is `pre` plus the block) with its helpers for round `j`.
pub fn permutation_rows(
    pre: [Felt; STATE_WIDTH],
    block: [Felt; 8],
) -> ([[Felt; HASH_WIDTH]; CYCLE_LEN], [Felt; STATE_WIDTH]) {
    let mut rows = [[Felt::ZERO; HASH_WIDTH]; CYCLE_LEN];
    rows[0][S..S + STATE_WIDTH].copy_from_slice(&pre);
    let mut state = pre;
    for (x, v) in state[CAPACITY..].iter_mut().zip(block) {
        *x += v;
    }
    for round in 0..NUM_ROUNDS {
        let mut next = state;
        Rp64_256::apply_round(&mut next, round);
        rows[round + 1] = round_row(&state, &next, round);
        state = next;
    }
    (rows, state)
}

/// The active chiplet row that starts round `round` (0..7) from `state` when the next row
/// holds the state `next`: `a = state^3`, `b = (MDS^-1 (next - ARK2[round]))^3`.
///
/// Honest traces use `next = Rp64_256::apply_round(state)` (as [`permutation_rows`] does);
/// soundness tests pass other values to build malicious traces.
pub fn round_row(
    state: &[Felt; STATE_WIDTH],
    next: &[Felt; STATE_WIDTH],
    round: usize,
) -> [Felt; HASH_WIDTH] {
    let mut row = [Felt::ZERO; HASH_WIDTH];
    let mut shifted = *next;
    for (x, k) in shifted.iter_mut().zip(Rp64_256::ARK2[round]) {
        *x -= k;
    }
    let z = mat_vec(&INV_MDS, &shifted);
    for i in 0..STATE_WIDTH {
        row[S + i] = state[i];
        row[A + i] = state[i].cube();
        row[B + i] = z[i].cube();
    }
    row
}

// HELPERS
// ================================================================================================

fn mat_vec(m: &[[Felt; STATE_WIDTH]; STATE_WIDTH], v: &[Felt; STATE_WIDTH]) -> [Felt; STATE_WIDTH] {
    core::array::from_fn(|i| {
        m[i].iter()
            .zip(v)
            .fold(Felt::ZERO, |acc, (&c, &x)| acc + c * x)
    })
}

/// `m v` for a matrix over the base field and a vector over the base field or an extension
/// of it: the prover's hottest code in the hash chiplet (two of these per point of the
/// constraint evaluation domain). The map is linear over the base field, so it acts on each
/// base coordinate of `v` alone, and each dot product sums its twelve 128-bit products of
/// Montgomery forms before reducing once ([`crate::arith::dot`]), where `E` arithmetic would reduce
/// every product.
/// The most base components [`mat_vec_e`] takes.
const MAX_COMPONENTS: usize = 8;

#[inline(always)]
fn mat_vec_e<E: FieldElement<BaseField = Felt>>(
    m: &[[Felt; STATE_WIDTH]; STATE_WIDTH],
    v: &[E],
) -> [E; STATE_WIDTH] {
    let d = E::EXTENSION_DEGREE;
    let base = E::slice_as_base_elements(&v[..STATE_WIDTH]);
    // At most 8 base components: the presets' extensions have 2 or 3, the prover's
    // evaluation lanes (which the map acts on one by one too) 8.
    assert!(
        d <= MAX_COMPONENTS,
        "at most {MAX_COMPONENTS} base components"
    );
    let mut out = [Felt::ZERO; STATE_WIDTH * MAX_COMPONENTS];
    for c in 0..d {
        let x: [Felt; STATE_WIDTH] = crate::arith::from_fn(|j| base[j * d + c]);
        for (i, row) in m.iter().enumerate() {
            out[i * d + c] = crate::arith::dot(row.iter().copied().zip(x));
        }
    }
    let out = E::slice_from_base_elements(&out[..STATE_WIDTH * d]);
    crate::arith::from_fn(|i| out[i])
}

// TESTS
// ================================================================================================

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::Writer;
    use winter_air::{AirContext, BatchingMethod, FieldExtension, ProofOptions, TraceInfo};
    use winter_crypto::ElementHasher;
    use winter_math::fields::QuadExtension;

    /// The one-reduction mat-vec equals the plain sum of field products, over the base
    /// field and the quadratic extension, on random and on extreme (`p - 1`, 0) inputs.
    #[test]
    fn fast_mat_vec_is_the_plain_one() {
        fn plain<E: FieldElement<BaseField = Felt>>(
            m: &[[Felt; STATE_WIDTH]; STATE_WIDTH],
            v: &[E],
        ) -> [E; STATE_WIDTH] {
            core::array::from_fn(|i| {
                m[i].iter()
                    .zip(v)
                    .fold(E::ZERO, |acc, (&c, &x)| acc + x.mul_base(c))
            })
        }
        let mut rng = Rng(7);
        let max = -Felt::ONE;
        let extreme = [[max; STATE_WIDTH]; STATE_WIDTH];
        for m in [&MDS, &INV_MDS, &extreme] {
            for round in 0..50 {
                let v: [Felt; STATE_WIDTH] = core::array::from_fn(|j| match round {
                    0 => max,
                    1 => Felt::ZERO,
                    2 => {
                        if j % 2 == 0 {
                            max
                        } else {
                            Felt::ONE
                        }
                    }
                    _ => rng.felt(),
                });
                assert_eq!(mat_vec_e(m, &v), plain(m, &v));
                let e: [QuadExtension<Felt>; STATE_WIDTH] =
                    core::array::from_fn(|j| QuadExtension::new(v[j], v[(j + 5) % STATE_WIDTH]));
                assert_eq!(mat_vec_e(m, &e), plain(m, &e));
            }
        }
    }

    /// 1/7 mod (p - 1): the inverse S-box exponent.
    const INV_ALPHA: u64 = 10540996611094048183;

    /// A small deterministic generator (vm-air has no `rand`).
    struct Rng(u64);

    impl Rng {
        fn felt(&mut self) -> Felt {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            Felt::new(self.0.wrapping_mul(0x2545_f491_4f6c_dd1d))
        }

        fn state(&mut self) -> [Felt; STATE_WIDTH] {
            core::array::from_fn(|_| self.felt())
        }

        fn block(&mut self) -> [Felt; 8] {
            core::array::from_fn(|_| self.felt())
        }
    }

    type Row = ([Felt; HASH_WIDTH], Felt);

    /// The chiplet rows of a sponge over `blocks` from `[8 * blocks, 0, ...]`, then `idle`
    /// rows outside the chiplet (selector 0, arbitrary values), each with its selector.
    fn chain(blocks: &[[Felt; 8]], idle: usize) -> Vec<Row> {
        let mut st = [Felt::ZERO; STATE_WIDTH];
        st[0] = Felt::new(8 * blocks.len() as u64);
        let mut rows = Vec::new();
        for block in blocks {
            let (cycle, out) = permutation_rows(st, *block);
            rows.extend(cycle.iter().map(|r| (*r, Felt::ONE)));
            st = out;
        }
        let mut rng = Rng(99);
        rows.push((first_row_after(st), Felt::ZERO));
        rows.extend((1..idle).map(|_| (core::array::from_fn(|_| rng.felt()), Felt::ZERO)));
        rows
    }

    /// The row after the chiplet's last cycle: its state is the last permutation's output
    /// (the program digest the bus reads); the other cells belong to the region's next
    /// section (zero here).
    fn first_row_after(st: [Felt; STATE_WIDTH]) -> [Felt; HASH_WIDTH] {
        let mut row = [Felt::ZERO; HASH_WIDTH];
        row[S..S + STATE_WIDTH].copy_from_slice(&st);
        row
    }

    /// The round flag `r = h R` of row `i` with selector `h`.
    fn round_flag(h: Felt, i: usize) -> Felt {
        h * periodic_at(i)[P_ROUND]
    }

    fn periodic_at(row: usize) -> Vec<Felt> {
        periodic_columns()
            .iter()
            .map(|c| c[row % CYCLE_LEN])
            .collect()
    }

    /// `(transition, constraint)` pairs that do not evaluate to zero.
    fn violations(rows: &[Row]) -> Vec<(usize, usize)> {
        let mut bad = Vec::new();
        for i in 0..rows.len() - 1 {
            let mut res = [Felt::ZERO; NUM_CONSTRAINTS];
            evaluate(
                &rows[i].0,
                &rows[i + 1].0,
                rows[i].1,
                round_flag(rows[i].1, i),
                rows[i].1 - round_flag(rows[i].1, i),
                &periodic_at(i),
                &mut Writer::new(&mut res),
            );
            bad.extend(
                res.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != Felt::ZERO)
                    .map(|(c, _)| (i, c)),
            );
        }
        bad
    }

    fn state_of(row: &Row) -> [Felt; STATE_WIDTH] {
        row.0[S..S + STATE_WIDTH].try_into().unwrap()
    }

    #[test]
    fn inv_mds_is_the_inverse_of_mds() {
        for (i, row) in MDS.iter().enumerate() {
            for j in 0..STATE_WIDTH {
                let p = row
                    .iter()
                    .zip(&INV_MDS)
                    .fold(Felt::ZERO, |acc, (&m, inv)| acc + m * inv[j]);
                assert_eq!(p, if i == j { Felt::ONE } else { Felt::ZERO }, "({i}, {j})");
            }
        }
    }

    #[test]
    fn apply_round_is_the_matrix_form_of_a_round() {
        let mut rng = Rng(7);
        for round in 0..NUM_ROUNDS {
            let s = rng.state();
            let mut expected = s;
            Rp64_256::apply_round(&mut expected, round);
            let mut w = mat_vec(&MDS, &s.map(|x| x.exp(7)));
            for (x, k) in w.iter_mut().zip(Rp64_256::ARK1[round]) {
                *x += k;
            }
            let z = w.map(|x| x.exp(INV_ALPHA));
            assert_eq!(z.map(|x| x.exp(7)), w);
            let mut out = mat_vec(&MDS, &z);
            for (x, k) in out.iter_mut().zip(Rp64_256::ARK2[round]) {
                *x += k;
            }
            assert_eq!(out, expected, "round {round}");
        }
    }

    #[test]
    fn permutation_rows_reproduce_apply_permutation() {
        let mut rng = Rng(11);
        for _ in 0..4 {
            let pre = rng.state();
            let block = rng.block();
            let (rows, out) = permutation_rows(pre, block);
            let mut st = pre;
            for (x, v) in st[CAPACITY..].iter_mut().zip(block) {
                *x += v;
            }
            let mut expected = st;
            Rp64_256::apply_permutation(&mut expected);
            assert_eq!(out, expected);
            assert_eq!(rows[0][S..S + STATE_WIDTH], pre);
            assert_eq!(rows[0][A..], [Felt::ZERO; 2 * STATE_WIDTH]);
            for (round, row) in rows[1..].iter().enumerate() {
                assert_eq!(row[S..S + STATE_WIDTH], st);
                for i in 0..STATE_WIDTH {
                    assert_eq!(row[A + i], st[i].cube());
                }
                Rp64_256::apply_round(&mut st, round);
            }
            assert_eq!(st, out);
        }
    }

    #[test]
    fn sponge_reproduces_hash_elements() {
        let mut rng = Rng(5);
        for len in [1usize, 8, 13, 21, 24, 40] {
            let msg: Vec<Felt> = (0..len).map(|_| rng.felt()).collect();
            let mut st = [Felt::ZERO; STATE_WIDTH];
            st[0] = Felt::new(len as u64);
            for chunk in msg.chunks(8) {
                let mut block = [Felt::ZERO; 8];
                block[..chunk.len()].copy_from_slice(chunk);
                st = permutation_rows(st, block).1;
            }
            let digest: [Felt; 4] = Rp64_256::hash_elements(&msg).into();
            assert_eq!(st[4..8], digest, "length {len}");
        }
    }

    #[test]
    fn honest_rows_satisfy_every_constraint() {
        let mut rng = Rng(3);
        let blocks = [rng.block(), rng.block(), rng.block()];
        let rows = chain(&blocks, 17);
        assert_eq!(violations(&rows), Vec::new());
        assert_eq!(constraint_degrees().len(), NUM_CONSTRAINTS);
        assert_eq!(periodic_columns().len(), NUM_PERIODIC);

        // The same in the quadratic extension (as the verifier evaluates them).
        type Q = QuadExtension<Felt>;
        for i in 0..rows.len() - 1 {
            let cur: Vec<Q> = rows[i].0.iter().map(|&x| Q::from(x)).collect();
            let next: Vec<Q> = rows[i + 1].0.iter().map(|&x| Q::from(x)).collect();
            let p: Vec<Q> = periodic_at(i).into_iter().map(Q::from).collect();
            let mut res = [Q::ZERO; NUM_CONSTRAINTS];
            evaluate(
                &cur,
                &next,
                Q::from(rows[i].1),
                Q::from(round_flag(rows[i].1, i)),
                Q::from(rows[i].1 - round_flag(rows[i].1, i)),
                &p,
                &mut Writer::new(&mut res),
            );
            assert!(res.iter().all(|v| *v == Q::ZERO), "transition {i}");
        }
    }

    #[test]
    fn a_wrong_round_output_recomputed_consistently_is_caught() {
        let mut rng = Rng(9);
        let blocks = [rng.block(), rng.block(), rng.block()];
        let honest = chain(&blocks, 9);
        for k in 0..blocks.len() {
            for round in 0..NUM_ROUNDS {
                for lane in 0..STATE_WIDTH {
                    let mut rows = honest.clone();
                    let at = CYCLE_LEN * k + 1 + round;
                    let mut st = state_of(&rows[at]);
                    let mut out = st;
                    Rp64_256::apply_round(&mut out, round);
                    out[lane] += rng.felt();
                    // b of the round row is recomputed from the wrong output (so C_INV holds).
                    rows[at].0 = round_row(&st, &out, round);
                    st = out;
                    for r in round + 1..NUM_ROUNDS {
                        let mut next = st;
                        Rp64_256::apply_round(&mut next, r);
                        rows[CYCLE_LEN * k + 1 + r].0 = round_row(&st, &next, r);
                        st = next;
                    }
                    for (kk, block) in blocks.iter().enumerate().skip(k + 1) {
                        let (cycle, next) = permutation_rows(st, *block);
                        for (j, row) in cycle.iter().enumerate() {
                            rows[CYCLE_LEN * kk + j].0 = *row;
                        }
                        st = next;
                    }
                    rows[CYCLE_LEN * blocks.len()].0 = first_row_after(st);
                    let bad = violations(&rows);
                    assert!(!bad.is_empty(), "block {k} round {round} lane {lane}");
                    for (t, c) in bad {
                        assert_eq!(t, at);
                        assert!(
                            (C_ROUND..C_ROUND + STATE_WIDTH).contains(&c),
                            "constraint {c}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn wrong_helpers_and_absorb_capacity_are_caught_and_rows_outside_are_free() {
        let mut rng = Rng(13);
        let blocks = [rng.block(), rng.block()];
        let honest = chain(&blocks, 9);
        let in_range = |bad: &[(usize, usize)], t: usize, first: usize, len: usize| {
            !bad.is_empty()
                && bad
                    .iter()
                    .all(|&(tt, c)| tt == t && (first..first + len).contains(&c))
        };
        for lane in 0..STATE_WIDTH {
            // a wrong S-box helper on a round row
            let mut rows = honest.clone();
            rows[CYCLE_LEN + 3].0[A + lane] += Felt::ONE;
            let bad = violations(&rows);
            assert!(bad.contains(&(CYCLE_LEN + 3, C_CUBE + lane)));
            // a wrong inverse S-box helper on a round row
            let mut rows = honest.clone();
            rows[CYCLE_LEN + 5].0[B + lane] += Felt::ONE;
            let bad = violations(&rows);
            assert!(bad.contains(&(CYCLE_LEN + 5, C_INV + lane)));
            // rows outside the chiplet are free: any change there violates nothing
            let mut rows = honest.clone();
            let last = rows.len() - 1;
            rows[last].0[S + lane] += Felt::ONE;
            rows[last - 1].0[B + lane] += Felt::ONE;
            assert_eq!(violations(&rows), Vec::new());
            // the absorb transition changes a capacity lane (rate lanes are free)
            let mut rows = honest.clone();
            let mut st = state_of(&rows[CYCLE_LEN + 1]);
            st[lane] += Felt::ONE;
            for r in 0..NUM_ROUNDS {
                let mut next = st;
                Rp64_256::apply_round(&mut next, r);
                rows[CYCLE_LEN + 1 + r].0 = round_row(&st, &next, r);
                st = next;
            }
            rows[2 * CYCLE_LEN].0 = first_row_after(st);
            let bad = violations(&rows);
            if lane < CAPACITY {
                assert!(
                    in_range(&bad, CYCLE_LEN, C_CAPACITY, CAPACITY),
                    "lane {lane}"
                );
            } else {
                // adding to a rate lane is absorbing a different block: a valid sponge
                assert_eq!(bad, Vec::new(), "lane {lane}");
            }
        }
    }

    // The declared degrees are checked against the actual ones for every component at
    // once, in `air/tests/degrees.rs`.

    #[test]
    fn degrees_allow_60_exemptions_at_blowup_4() {
        let options = ProofOptions::new(
            40,
            4,
            0,
            FieldExtension::Quadratic,
            4,
            31,
            BatchingMethod::Linear,
            BatchingMethod::Linear,
        );
        for log_n in 3..=16 {
            let n = 1usize << log_n;
            let info = TraceInfo::new(HASH_WIDTH + 1, n);
            let ctx = AirContext::<Felt>::new(info, constraint_degrees(), 1, options.clone());
            let ex = 60.min(n / 2 + 1);
            let ctx = ctx.set_num_transition_exemptions(ex);
            assert_eq!(ctx.num_transition_exemptions(), ex);
        }
    }
}
