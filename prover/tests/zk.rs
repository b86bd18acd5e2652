//! Privacy tests that can fail: a brute-force attacker, and a simulation of the trace
//! openings for another witness.

use rand::Rng;
use vm_air::{layout, preset, Preset};
use vm_core::{Felt, FieldElement, Program, StackInputs, StarkField};
use vm_processor::{execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use vm_prover::prove;
use winter_math::fields::QuadExtension;
use winter_prover::Trace;
use winter_utils::Serializable;

type E = QuadExtension<Felt>;

/// Squares a secret from the advice stack, mixes it, and drops everything derived from it.
const SECRET_PROGRAM: &str = "begin adv_push.1 dup.0 mul add.7 mul.3 drop end";

fn program() -> Program {
    vm_assembly::Assembler::new()
        .assemble_source("secret.masm", SECRET_PROGRAM)
        .unwrap()
}

fn advice(secret: u64) -> AdviceInputs {
    AdviceInputs {
        stack: vec![Felt::new(secret)],
        ..Default::default()
    }
}

/// The proof's commitments (trace, constraint and FRI roots): what the attacker compares.
fn commitments(p: &Program, secret: u64, preset: &'static Preset) -> Vec<u8> {
    let proved = prove(
        p,
        StackInputs::default(),
        advice(secret),
        &mut DefaultHost,
        ExecutionOptions::default(),
        preset,
    )
    .unwrap();
    proved.proof.proof.commitments.to_bytes()
}

#[test]
fn brute_force_recovers_the_secret_without_zk_and_finds_nothing_with_it() {
    let p = program();
    let secret = 23;
    let candidates = 0..32u64;

    let plain = preset::default_preset().without_zk();
    let target = commitments(&p, secret, plain);
    let found: Vec<u64> = candidates
        .clone()
        .filter(|c| commitments(&p, *c, plain) == target)
        .collect();
    assert_eq!(
        found,
        vec![secret],
        "without ZK the attack must work (else it tests nothing)"
    );

    let zk = preset::default_preset();
    let target = commitments(&p, secret, zk);
    let found: Vec<u64> = candidates
        .filter(|c| commitments(&p, *c, zk) == target)
        .collect();
    assert!(found.is_empty(), "with ZK the attack found {found:?}");
}

#[test]
fn two_zk_proofs_of_the_same_statement_share_no_commitment() {
    let p = program();
    let zk = preset::default_preset();
    assert_ne!(commitments(&p, 5, zk), commitments(&p, 5, zk));
}

// ---- simulation of the trace openings ---------------------------------------------------

/// `L_i(y)` for the trace domain of size `n` (generator `w`), for every row `i`.
fn lagrange_at<F: FieldElement<BaseField = Felt>>(n: usize, w: Felt, y: F) -> Vec<F> {
    let yn_minus_1 = y.exp((n as u64).into()) - F::ONE;
    let n_inv = Felt::new(n as u64).inv();
    let mut wi = Felt::ONE;
    (0..n)
        .map(|_| {
            let l = yn_minus_1 * (y - F::from(wi)).inv() * F::from(wi * n_inv);
            wi *= w;
            l
        })
        .collect()
}

/// Rank of a matrix over the base field (Gaussian elimination).
fn rank(mut m: Vec<Vec<Felt>>) -> usize {
    let cols = m.first().map_or(0, |r| r.len());
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c] != Felt::ZERO) else {
            continue;
        };
        m.swap(r, p);
        let inv = m[r][c].inv();
        for i in 0..m.len() {
            if i != r && m[i][c] != Felt::ZERO {
                let f = m[i][c] * inv;
                let pivot = m[r].clone();
                for (x, y) in m[i].iter_mut().zip(pivot) {
                    *x -= f * y;
                }
            }
        }
        r += 1;
    }
    r
}

/// Solves `m x = b` (consistent systems only); `None` if inconsistent.
fn solve(m: &[Vec<Felt>], b: &[Felt]) -> Option<Vec<Felt>> {
    let cols = m[0].len();
    let mut a: Vec<Vec<Felt>> = m
        .iter()
        .zip(b)
        .map(|(row, v)| row.iter().copied().chain([*v]).collect())
        .collect();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..a.len()).find(|&i| a[i][c] != Felt::ZERO) else {
            continue;
        };
        a.swap(r, p);
        let inv = a[r][c].inv();
        for x in a[r].iter_mut() {
            *x *= inv;
        }
        for i in 0..a.len() {
            if i != r && a[i][c] != Felt::ZERO {
                let f = a[i][c];
                let pivot = a[r].clone();
                for (x, y) in a[i].iter_mut().zip(pivot) {
                    *x -= f * y;
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    if a[r..].iter().any(|row| row[cols] != Felt::ZERO) {
        return None;
    }
    let mut x = vec![Felt::ZERO; cols];
    for (i, c) in pivots.into_iter().enumerate() {
        x[c] = a[i][cols];
    }
    Some(x)
}

fn random_felt(rng: &mut impl Rng) -> Felt {
    Felt::new(rng.gen_range(0..vm_core::MODULUS))
}

#[test]
fn openings_of_a_zk_trace_are_reproducible_for_another_secret() {
    let p = program();
    let preset = preset::default_preset();
    let mut rng = rand::thread_rng();
    let trace_of = |secret: u64, rng: &mut rand::rngs::ThreadRng| {
        let (out, exec) = execute_traced(
            &p,
            StackInputs::default(),
            advice(secret),
            &mut DefaultHost,
            ExecutionOptions::default(),
        )
        .unwrap();
        vm_prover::trace::build(&p, &exec, out.final_depth, preset, rng)
    };
    let real = trace_of(23, &mut rng);
    let other = trace_of(24, &mut rng);
    let n = real.info().length();
    let r = preset.random_rows();
    let last = n - r - 1;
    let w = Felt::get_root_of_unity(n.trailing_zeros());

    // What a proof opens: each column at z and g z (z in the extension field, outside the
    // trace domain) and at q query points of the LDE coset (never in the trace domain).
    let z = E::new(random_felt(&mut rng), random_felt(&mut rng));
    let gz = z * E::from(w);
    let queries: Vec<Felt> = (0..preset.queries)
        .map(|_| Felt::GENERATOR * random_felt(&mut rng))
        .collect();
    let lz = lagrange_at(n, w, z);
    let lgz = lagrange_at(n, w, gz);
    let lq: Vec<Vec<Felt>> = queries.iter().map(|x| lagrange_at(n, w, *x)).collect();

    // One equation per opened base-field coordinate; unknowns: the r random rows.
    let coords = |l: &[E], i: usize| l[i].to_base_elements().to_vec();
    let mut m: Vec<Vec<Felt>> = Vec::new();
    for l in &lq {
        m.push(l[last + 1..].to_vec());
    }
    for l in [&lz, &lgz] {
        for k in 0..2 {
            m.push((last + 1..n).map(|i| coords(l, i)[k]).collect());
        }
    }
    let equations = m.len();
    assert_eq!(equations, preset.queries + 2 * preset.extension_degree);
    assert_eq!(
        rank(m.clone()),
        equations,
        "r = {r} random rows cannot hide {equations} openings"
    );
    // With one random row fewer than the openings need, the same system loses full rank.
    let short: Vec<Vec<Felt>> = m.iter().map(|row| row[..equations - 1].to_vec()).collect();
    assert!(rank(short) < equations);

    // Reproduce every opening of every main column for the other secret.
    for col in 0..layout::BASE_WIDTH {
        let value = |l: &[E], t: &vm_prover::trace::VmTrace, real_only: bool| {
            let column = t.main_segment().get_column(col);
            let rows = if real_only { 0..last + 1 } else { 0..n };
            rows.fold(E::ZERO, |acc, i| acc + l[i] * E::from(column[i]))
        };
        let value_q = |l: &[Felt], t: &vm_prover::trace::VmTrace, real_only: bool| {
            let column = t.main_segment().get_column(col);
            let rows = if real_only { 0..last + 1 } else { 0..n };
            rows.fold(Felt::ZERO, |acc, i| acc + l[i] * column[i])
        };
        let mut rhs = Vec::new();
        for l in &lq {
            rhs.push(value_q(l, &real, false) - value_q(l, &other, true));
        }
        for l in [&lz, &lgz] {
            let d = value(l, &real, false) - value(l, &other, true);
            rhs.extend_from_slice(&d.to_base_elements());
        }
        let rho = solve(&m, &rhs)
            .unwrap_or_else(|| panic!("column {col}: no random rows reproduce the openings"));
        // Check: the other secret's real rows plus these random rows open to the same values.
        let check = |l: &[Felt]| {
            let column = other.main_segment().get_column(col);
            (0..=last).fold(Felt::ZERO, |acc, i| acc + l[i] * column[i])
                + rho
                    .iter()
                    .zip(&l[last + 1..])
                    .fold(Felt::ZERO, |acc, (x, y)| acc + *x * *y)
        };
        for l in &lq {
            assert_eq!(check(l), value_q(l, &real, false), "column {col}");
        }
    }
}
