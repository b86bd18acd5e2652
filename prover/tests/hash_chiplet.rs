//! The hash chiplet (`vm_air::chiplets::hasher`) on its own: a tiny winterfell AIR with the
//! chiplet's 36 columns, a selector column and a round-flag column proves
//! `Rp64_256::hash_elements` of a 24-element message (3 blocks, 64 rows, the digest on the
//! row after the chiplet's last cycle), and a prover that lies about one round's output is
//! rejected by the verifier.

use vm_air::chiplets::hasher::{
    self as hash, CYCLE_LEN, HASH_WIDTH, NUM_CONSTRAINTS, NUM_PERIODIC, NUM_ROUNDS,
};
use vm_core::{Felt, FieldElement};
use winter_air::{
    Air, AirContext, Assertion, AuxRandElements, BatchingMethod, EvaluationFrame, FieldExtension,
    PartitionOptions, ProofOptions, TraceInfo, TransitionConstraintDegree,
};
use winter_crypto::{
    hashers::{Blake3_256, Rp64_256},
    DefaultRandomCoin, ElementHasher, MerkleTree,
};
use winter_math::ToElements;
use winter_prover::{
    matrix::ColMatrix, CompositionPoly, CompositionPolyTrace, ConstraintCompositionCoefficients,
    DefaultConstraintCommitment, DefaultConstraintEvaluator, DefaultTraceLde, Proof, Prover,
    StarkDomain, Trace, TracePolyTable, TraceTable,
};
use winter_verifier::AcceptableOptions;

type H = Blake3_256<Felt>;
type Coin = DefaultRandomCoin<H>;
type Vc = MerkleTree<H>;

/// The selector column, after the chiplet's columns.
const ACTIVE: usize = HASH_WIDTH;
/// The round flag `active * R`.
const ROUND: usize = HASH_WIDTH + 1;
const WIDTH: usize = HASH_WIDTH + 2;
const TRACE_LEN: usize = 64;
/// Constraints on the selector (binary, non-increasing, constant within a cycle) and the
/// round flag.
const NUM_ACTIVE_CONSTRAINTS: usize = 4;
/// Assertions: the 12 state lanes at row 0, the selector around the last cycle, the 4
/// digest lanes on the row after it.
const NUM_ASSERTIONS: usize = 12 + 2 + 4;

fn options() -> ProofOptions {
    ProofOptions::new(
        40,
        4,
        0,
        FieldExtension::Quadratic,
        4,
        31,
        BatchingMethod::Linear,
        BatchingMethod::Linear,
    )
}

// AIR
// ================================================================================================

#[derive(Clone, Debug, PartialEq)]
struct PubInputs {
    /// Number of hashed elements (the initial capacity lane 0).
    num_elements: u64,
    /// Claimed digest (state lanes 4..8 on the row after the last cycle).
    digest: [Felt; 4],
}

impl PubInputs {
    fn num_blocks(&self) -> usize {
        (self.num_elements as usize).div_ceil(8)
    }
}

impl ToElements<Felt> for PubInputs {
    fn to_elements(&self) -> Vec<Felt> {
        let mut v = vec![Felt::new(self.num_elements)];
        v.extend(self.digest);
        v
    }
}

fn degrees() -> Vec<TransitionConstraintDegree> {
    let mut d = hash::constraint_degrees();
    d.push(TransitionConstraintDegree::new(2));
    d.push(TransitionConstraintDegree::new(2));
    d.push(TransitionConstraintDegree::with_cycles(1, vec![CYCLE_LEN]));
    d.push(TransitionConstraintDegree::with_cycles(1, vec![CYCLE_LEN]));
    d
}

struct HashAir {
    context: AirContext<Felt>,
    public: PubInputs,
}

impl Air for HashAir {
    type BaseField = Felt;
    type PublicInputs = PubInputs;

    fn new(trace_info: TraceInfo, public: PubInputs, options: ProofOptions) -> Self {
        assert_eq!(trace_info.main_trace_width(), WIDTH);
        let blocks = public.num_blocks();
        assert!(blocks >= 1 && CYCLE_LEN * blocks < trace_info.length());
        let context = AirContext::new(trace_info, degrees(), NUM_ASSERTIONS, options);
        Self { context, public }
    }

    fn context(&self) -> &AirContext<Felt> {
        &self.context
    }

    fn evaluate_transition<E: FieldElement<BaseField = Felt>>(
        &self,
        frame: &EvaluationFrame<E>,
        periodic: &[E],
        result: &mut [E],
    ) {
        evaluate_all(frame.current(), frame.next(), periodic, result);
    }

    fn get_periodic_column_values(&self) -> Vec<Vec<Felt>> {
        let mut cols = hash::periodic_columns();
        let mut last = vec![Felt::ZERO; CYCLE_LEN];
        last[CYCLE_LEN - 1] = Felt::ONE;
        cols.push(last);
        cols
    }

    fn get_assertions(&self) -> Vec<Assertion<Felt>> {
        let end = CYCLE_LEN * self.public.num_blocks();
        let mut a = Vec::with_capacity(NUM_ASSERTIONS);
        a.push(Assertion::single(
            hash::S,
            0,
            Felt::new(self.public.num_elements),
        ));
        for i in 1..12 {
            a.push(Assertion::single(hash::S + i, 0, Felt::ZERO));
        }
        a.push(Assertion::single(ACTIVE, end - 1, Felt::ONE));
        a.push(Assertion::single(ACTIVE, end, Felt::ZERO));
        for (i, v) in self.public.digest.into_iter().enumerate() {
            a.push(Assertion::single(hash::S + 4 + i, end, v));
        }
        a
    }
}

/// The chiplet's constraints followed by those on `active`; `periodic` is the chiplet's
/// periodic values followed by the last-row-of-a-cycle flag.
fn evaluate_all<E: FieldElement<BaseField = Felt>>(
    cur: &[E],
    next: &[E],
    periodic: &[E],
    result: &mut [E],
) {
    let (active, active_next) = (cur[ACTIVE], next[ACTIVE]);
    hash::evaluate(
        &cur[..HASH_WIDTH],
        &next[..HASH_WIDTH],
        active,
        cur[ROUND],
        active * (E::ONE - cur[ROUND]),
        &periodic[..NUM_PERIODIC],
        &mut vm_air::named::Writer::new(&mut result[..NUM_CONSTRAINTS]),
    );
    let last_in_cycle = periodic[NUM_PERIODIC];
    let r = &mut result[NUM_CONSTRAINTS..];
    r[0] = active * (active - E::ONE);
    r[1] = (E::ONE - active) * active_next;
    r[2] = (E::ONE - last_in_cycle) * (active_next - active);
    r[3] = cur[ROUND] - active * periodic[hash::P_ROUND];
}

// PROVER
// ================================================================================================

struct HashProver {
    options: ProofOptions,
    public: PubInputs,
}

impl Prover for HashProver {
    type BaseField = Felt;
    type Air = HashAir;
    type Trace = TraceTable<Felt>;
    type HashFn = H;
    type VC = Vc;
    type RandomCoin = Coin;
    type TraceLde<E: FieldElement<BaseField = Felt>> = DefaultTraceLde<E, H, Vc>;
    type ConstraintCommitment<E: FieldElement<BaseField = Felt>> =
        DefaultConstraintCommitment<E, H, Vc>;
    type ConstraintEvaluator<'a, E: FieldElement<BaseField = Felt>> =
        DefaultConstraintEvaluator<'a, HashAir, E>;

    fn get_pub_inputs(&self, _trace: &TraceTable<Felt>) -> PubInputs {
        self.public.clone()
    }

    fn options(&self) -> &ProofOptions {
        &self.options
    }

    fn new_trace_lde<E: FieldElement<BaseField = Felt>>(
        &self,
        info: &TraceInfo,
        main: &ColMatrix<Felt>,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self::TraceLde<E>, TracePolyTable<E>) {
        DefaultTraceLde::new(info, main, domain, partition)
    }

    fn new_evaluator<'a, E: FieldElement<BaseField = Felt>>(
        &self,
        air: &'a HashAir,
        aux_rands: Option<AuxRandElements<E>>,
        coefficients: ConstraintCompositionCoefficients<E>,
    ) -> Self::ConstraintEvaluator<'a, E> {
        DefaultConstraintEvaluator::new(air, aux_rands, coefficients)
    }

    fn build_constraint_commitment<E: FieldElement<BaseField = Felt>>(
        &self,
        composition: CompositionPolyTrace<E>,
        num_columns: usize,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self::ConstraintCommitment<E>, CompositionPoly<E>) {
        DefaultConstraintCommitment::new(composition, num_columns, domain, partition)
    }
}

// TRACES
// ================================================================================================

/// A lie: block `block`'s round `round` outputs its honest value plus `delta` in `lane`.
#[derive(Clone, Copy, Debug)]
struct Tamper {
    block: usize,
    round: usize,
    lane: usize,
    delta: Felt,
}

/// The trace of hashing `msg` (padded with zeros to whole blocks) and the digest its last
/// row holds. With a tamper, every row after the lie is recomputed from the lie (helpers
/// included), so only the lied-about round's constraint can notice.
fn build_trace(msg: &[Felt], tamper: Option<Tamper>) -> (TraceTable<Felt>, [Felt; 4]) {
    let mut cols = vec![vec![Felt::ZERO; TRACE_LEN]; WIDTH];
    let mut set_row = |i: usize, row: &[Felt; HASH_WIDTH], active: Felt| {
        for (c, v) in row.iter().enumerate() {
            cols[c][i] = *v;
        }
        cols[ACTIVE][i] = active;
        cols[ROUND][i] = active * Felt::from((!i.is_multiple_of(CYCLE_LEN)) as u8);
    };
    let mut state = [Felt::ZERO; 12];
    state[0] = Felt::new(msg.len() as u64);
    let blocks = msg.len().div_ceil(8);
    for k in 0..blocks {
        let mut block = [Felt::ZERO; 8];
        for (j, b) in block.iter_mut().enumerate() {
            *b = msg.get(8 * k + j).copied().unwrap_or(Felt::ZERO);
        }
        let (mut rows, mut out) = hash::permutation_rows(state, block);
        if let Some(t) = tamper.filter(|t| t.block == k) {
            let mut s: [Felt; 12] = rows[1 + t.round][..12].try_into().unwrap();
            for round in t.round..NUM_ROUNDS {
                let mut next = s;
                Rp64_256::apply_round(&mut next, round);
                if round == t.round {
                    next[t.lane] += t.delta;
                }
                rows[1 + round] = hash::round_row(&s, &next, round);
                s = next;
            }
            out = s;
        }
        for (r, row) in rows.iter().enumerate() {
            set_row(CYCLE_LEN * k + r, row, Felt::ONE);
        }
        state = out;
    }
    // The row after the last cycle carries the digest; the rows below are outside the
    // chiplet (zero).
    let mut after = [Felt::ZERO; HASH_WIDTH];
    after[hash::S..hash::S + 12].copy_from_slice(&state);
    set_row(CYCLE_LEN * blocks, &after, Felt::ZERO);
    (TraceTable::init(cols), state[4..8].try_into().unwrap())
}

fn message() -> Vec<Felt> {
    (0..24u64)
        .map(|i| Felt::new(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i << 7)))
        .collect()
}

fn prove(trace: TraceTable<Felt>, public: &PubInputs) -> Proof {
    HashProver {
        options: options(),
        public: public.clone(),
    }
    .prove(trace)
    .expect("proving failed")
}

fn verify(proof: Proof, public: &PubInputs) -> Result<(), winter_verifier::VerifierError> {
    winter_verifier::verify::<HashAir, H, Coin, Vc>(
        proof,
        public.clone(),
        &AcceptableOptions::OptionSet(vec![options()]),
    )
}

/// The `(row, constraint)` pairs that the trace violates.
fn violations(trace: &TraceTable<Felt>, public: &PubInputs) -> Vec<(usize, usize)> {
    let air = HashAir::new(trace.info().clone(), public.clone(), options());
    let periodic = air.get_periodic_column_values();
    let n = trace.length();
    let mut frame = EvaluationFrame::new(WIDTH);
    let mut result = vec![Felt::ZERO; NUM_CONSTRAINTS + NUM_ACTIVE_CONSTRAINTS];
    let mut bad = Vec::new();
    for i in 0..n - 1 {
        trace.read_main_frame(i, &mut frame);
        let p: Vec<Felt> = periodic.iter().map(|c| c[i % c.len()]).collect();
        evaluate_all(frame.current(), frame.next(), &p, &mut result);
        bad.extend(
            result
                .iter()
                .enumerate()
                .filter(|(_, v)| **v != Felt::ZERO)
                .map(|(c, _)| (i, c)),
        );
    }
    for a in air.get_assertions() {
        a.apply(n, |step, value| {
            assert_eq!(trace.get(a.column(), step), value, "assertion {a}");
        });
    }
    bad
}

// TESTS
// ================================================================================================

#[test]
fn honest_hash_of_24_elements_proves_and_verifies() {
    let msg = message();
    let (trace, digest) = build_trace(&msg, None);
    let expected: [Felt; 4] = Rp64_256::hash_elements(&msg).into();
    assert_eq!(digest, expected);
    let public = PubInputs {
        num_elements: msg.len() as u64,
        digest,
    };
    assert_eq!(violations(&trace, &public), Vec::new());
    let proof = prove(trace, &public);
    verify(proof.clone(), &public).expect("honest proof rejected");

    // The same proof does not prove another digest.
    let mut wrong = public.clone();
    wrong.digest[2] += Felt::ONE;
    assert!(verify(proof, &wrong).is_err());
}

/// Winterfell's debug-build prover refuses invalid traces, so this runs in release builds.
#[test]
#[cfg_attr(debug_assertions, ignore = "debug-build provers refuse invalid traces")]
fn a_lie_about_one_round_output_is_rejected() {
    let msg = message();
    let (_, honest) = build_trace(&msg, None);
    for (block, round, lane) in [(1, 3, 5), (2, 0, 0), (2, 6, 6), (1, 6, 4), (0, 2, 9)] {
        let tamper = Tamper {
            block,
            round,
            lane,
            delta: Felt::new(1 + lane as u64),
        };
        let (trace, digest) = build_trace(&msg, Some(tamper));
        assert_ne!(digest, honest);
        let public = PubInputs {
            num_elements: msg.len() as u64,
            digest,
        };
        // Only the lied-about round's constraints fail (the assertions hold).
        let bad = violations(&trace, &public);
        let row = CYCLE_LEN * block + 1 + round;
        assert!(!bad.is_empty());
        for (r, c) in bad {
            assert_eq!(r, row, "{tamper:?}");
            assert!(
                (hash::C_ROUND..hash::C_ROUND + 12).contains(&c),
                "{tamper:?}: constraint {c}"
            );
        }
        let proof = prove(trace, &public);
        let err = verify(proof, &public).expect_err("a lie was accepted");
        eprintln!("{tamper:?}: {err}");
    }
}

#[test]
fn air_context_accepts_the_degrees_at_blowup_4() {
    for log_n in 3..=16 {
        let n = 1usize << log_n;
        let ctx = AirContext::<Felt>::new(
            TraceInfo::new(WIDTH, n),
            degrees(),
            NUM_ASSERTIONS,
            options(),
        );
        if 60 <= n / 2 + 1 {
            let ctx = ctx.set_num_transition_exemptions(60);
            assert_eq!(ctx.num_transition_exemptions(), 60);
        }
    }
}
