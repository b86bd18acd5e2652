//! Zero-knowledge tests that can fail.
//!
//! Every privacy property is a *predicate*: it runs an attack (or a simulation) against
//! proofs or traces made with a set of randomization sources and says whether privacy held.
//! The suite asserts that every predicate holds with every source on, and, for each source
//! switched off alone (`ZkSourcesForTesting`, a switch of the `testing` feature that fills the
//! source with zeros), that some predicate fails; an attack that recovers the secret must
//! recover it among [`CANDIDATES`] candidates. `docs/zk.md` lists what each test checks.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher as _};
use std::ops::Range;
use std::sync::OnceLock;

use rand::{rngs::StdRng, Rng, SeedableRng};
use vm_air::{layout, preset, preset::HashFunction, Preset, PublicInputs, VmAir};
use vm_core::{Felt, FieldElement, Program, StackInputs, StarkField};
use vm_processor::{execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use vm_prover::trace::{VmTrace, ZkSourcesForTesting};
use winter_crypto::{hashers::Blake3_192, DefaultRandomCoin, Hasher, MerkleTree, RandomCoin};
use winter_math::{fields::QuadExtension, ToElements};
use winter_prover::{Air, DefaultTraceLde, EvaluationFrame, Proof, StarkDomain, Trace, TraceLde};

type E = QuadExtension<Felt>;
type H = Blake3_192<Felt>;
type Digest = <H as Hasher>::Digest;

/// Squares a secret from the advice stack, mixes it, pushes the result deep enough that
/// copies of it enter the overflow table (so the auxiliary bus depends on the secret too),
/// and drops everything derived from it.
const SECRET_PROGRAM: &str = concat!(
    "begin adv_push.1 dup.0 mul add.7 mul.3 ",
    "dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 ",
    "dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 dup.0 ",
    "drop drop drop drop drop drop drop drop drop ",
    "drop drop drop drop drop drop drop drop end",
);
/// The secret the proofs are made of.
const SECRET: u64 = 23;
/// Another secret, for the simulations.
const OTHER: u64 = 24;
/// The attackers try the secrets `0..CANDIDATES`.
const CANDIDATES: u64 = 32;

const ALL_ON: ZkSourcesForTesting = ZkSourcesForTesting::ALL_ON;
const ALL_OFF: ZkSourcesForTesting = ZkSourcesForTesting {
    main_random_rows: false,
    randomizer_columns: false,
    mask_rows: false,
    aux_random_rows: false,
};

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        vm_assembly::Assembler::new()
            .assemble_source("secret.masm", SECRET_PROGRAM)
            .unwrap()
    })
}

fn advice(secret: u64) -> AdviceInputs {
    AdviceInputs {
        stack: vec![Felt::new(secret)],
        ..Default::default()
    }
}

/// The preset the program below is proven under by default: the default preset's
/// short-trace sibling (its trace has the minimum length 2^10), checked to be what the
/// attackers below assume (BLAKE3-192 as `H`, quadratic extension).
fn zk() -> &'static Preset {
    let p = preset::default_preset().for_short_traces().unwrap();
    checked(p)
}

/// The default preset itself, which proves traces longer than 2^12 (blowup 4, 40 queries):
/// the predicates are run under it too, on the same short program.
fn zk_general() -> &'static Preset {
    checked(preset::default_preset())
}

fn checked(p: &'static Preset) -> &'static Preset {
    assert!(p.zk && p.hash_function() == HashFunction::Blake3_192 && p.extension_degree == 2);
    p
}

// ---- proving -----------------------------------------------------------------------------

/// The trace of `secret` under `preset` with only `sources` random, and its statement.
fn trace_of(
    secret: u64,
    preset: &'static Preset,
    sources: ZkSourcesForTesting,
    rng: &mut StdRng,
) -> (VmTrace, PublicInputs) {
    let p = program();
    let (out, exec) = execute_traced(
        p,
        StackInputs::default(),
        advice(secret),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap();
    let mut trace = vm_prover::trace::build(p, &exec, out.final_depth, preset, rng);
    if sources != ALL_ON {
        trace.weaken_zk_for_testing(preset, sources);
    }
    let public = PublicInputs {
        preset: preset.id,
        program_hash: p.hash(),
        stack_inputs: StackInputs::default(),
        stack_outputs: out.stack,
    };
    (trace, public)
}

/// A proof with the statement the attacker sees.
struct Proved {
    proof: Proof,
    public: PublicInputs,
}

/// Proves `trace`, the auxiliary random rows drawn from a generator seeded from `rng`.
fn prove_built(
    trace: VmTrace,
    public: PublicInputs,
    preset: &'static Preset,
    rng: &mut StdRng,
) -> Proved {
    let rng = StdRng::from_rng(rng).unwrap();
    let proof = vm_prover::prove_trace_unchecked_for_testing(trace, public.clone(), preset, rng)
        .unwrap()
        .proof;
    Proved { proof, public }
}

/// A proof of [`SECRET`]: the prover's own entry point when every source is on and the
/// prover would choose `preset` for this program (it proves a short trace under the
/// short-trace preset, so [`zk_general`]'s proofs of it are built as it builds them).
fn prove_secret(preset: &'static Preset, sources: ZkSourcesForTesting) -> Proved {
    if sources == ALL_ON && preset.id != zk_general().id {
        let proved = vm_prover::prove(
            program(),
            StackInputs::default(),
            advice(SECRET),
            &mut DefaultHost,
            ExecutionOptions::default(),
            preset,
        )
        .unwrap();
        return Proved {
            proof: proved.proof.proof,
            public: proved.public,
        };
    }
    let mut rng = StdRng::from_entropy();
    let (trace, public) = trace_of(SECRET, preset, sources, &mut rng);
    prove_built(trace, public, preset, &mut rng)
}

/// The roots a proof commits to, each on its own.
#[derive(Debug)]
struct Roots {
    main: Digest,
    aux: Digest,
    constraint: Digest,
}

fn roots(proof: &Proof) -> Roots {
    let layers = proof
        .options()
        .to_fri_options()
        .num_fri_layers(proof.lde_domain_size());
    let (trace, constraint, _fri) = proof.commitments.clone().parse::<H>(2, layers).unwrap();
    Roots {
        main: trace[0],
        aux: trace[1],
        constraint,
    }
}

/// The auxiliary random elements of a proof, replayed as the verifier draws them: from the
/// public coin seeded with the proof context and the public inputs, reseeded with the
/// main-trace root.
fn aux_rands(proved: &Proved) -> Vec<E> {
    let mut seed = proved.proof.context.to_elements();
    seed.extend(proved.public.to_elements());
    let mut coin = DefaultRandomCoin::<H>::new(&seed);
    coin.reseed(roots(&proved.proof).main);
    (0..layout::AUX_RANDS)
        .map(|_| coin.draw().unwrap())
        .collect()
}

// ---- predicates ----------------------------------------------------------------------------

/// What a failed predicate found.
#[derive(Debug)]
struct Leak {
    /// The candidate secrets the attack singled out (`None` for a check that names none).
    candidates: Option<Vec<u64>>,
    what: String,
}

/// `Ok` when privacy held.
type Verdict = Result<(), Leak>;

const BRUTE_FORCE: &str = "the main-trace root resists a brute force";
const FRESH: &str = "two proofs share no commitment";
const FRESH_AUX: &str = "the aux root is fresh for a fixed main trace";
const PREDICT_MAIN: &str = "opened main values are unpredictable";
const PREDICT_RANDOMIZERS: &str = "opened randomizer values are unpredictable";
const PREDICT_MASKS: &str = "opened mask values are unpredictable";
const PREDICT_AUX: &str = "opened aux values are unpredictable";
const SIMULATE_MAIN: &str = "main openings are simulatable for another secret";
const SIMULATE_AUX: &str = "aux openings are simulatable for another secret";

/// Runs every predicate against [`zk`]'s preset with `sources`.
fn check_privacy(sources: ZkSourcesForTesting) -> Vec<(&'static str, Verdict)> {
    check_privacy_under(zk(), sources)
}

/// Runs every predicate against `preset` with `sources`.
fn check_privacy_under(
    preset: &'static Preset,
    sources: ZkSourcesForTesting,
) -> Vec<(&'static str, Verdict)> {
    let skeletons = Skeletons::of(preset);
    let [main, randomizers, masks, aux] = openings_attack(preset, sources, skeletons);
    let [sim_main, sim_aux] = simulation(preset, sources);
    vec![
        (BRUTE_FORCE, brute_force(preset, sources, skeletons)),
        (FRESH, fresh_commitments(preset, sources)),
        (FRESH_AUX, fresh_aux_commitment(preset, sources)),
        (PREDICT_MAIN, main),
        (PREDICT_RANDOMIZERS, randomizers),
        (PREDICT_MASKS, masks),
        (PREDICT_AUX, aux),
        (SIMULATE_MAIN, sim_main),
        (SIMULATE_AUX, sim_aux),
    ]
}

/// What the attacker computes for every candidate secret: its trace with every random source
/// zero (all the prover commits to that does not come from randomness), the main-trace root
/// of that trace, and a fingerprint of each main column group at every point of the LDE.
struct Skeletons {
    preset: &'static Preset,
    domain: StarkDomain<Felt>,
    candidates: Vec<Skeleton>,
}

struct Skeleton {
    secret: u64,
    trace: VmTrace,
    main_root: Digest,
    /// Per group of [`main_groups`], one fingerprint per LDE point.
    lde: Vec<Vec<u64>>,
}

/// The main column groups the openings attacker predicts: the columns of the VM
/// (`BASE_WIDTH`), the randomizer columns and the mask columns.
fn main_groups(preset: &Preset) -> [Range<usize>; 3] {
    [
        0..layout::BASE_WIDTH,
        layout::RANDOMIZER..preset.first_mask_column(),
        preset.first_mask_column()..preset.main_width(),
    ]
}

/// A 64-bit fingerprint of some values (SipHash): a row's identity in the set comparisons.
fn fingerprint(values: &[Felt]) -> u64 {
    let mut h = DefaultHasher::new();
    for v in values {
        v.as_int().hash(&mut h);
    }
    h.finish()
}

impl Skeletons {
    fn build(preset: &'static Preset) -> Self {
        let mut rng = StdRng::seed_from_u64(0);
        let mut domain = None;
        let candidates = (0..CANDIDATES)
            .map(|secret| {
                let (trace, public) = trace_of(secret, preset, ALL_OFF, &mut rng);
                let options = preset.options();
                let air = VmAir::new(trace.info().clone(), public, options.clone());
                let domain = domain.get_or_insert_with(|| StarkDomain::new(&air));
                let (lde, _) = DefaultTraceLde::<E, H, MerkleTree<H>>::new(
                    trace.info(),
                    trace.main_segment(),
                    domain,
                    options.partition_options(),
                );
                let width = preset.main_width();
                let mut frame = EvaluationFrame::<Felt>::new(width);
                let mut groups = vec![Vec::new(); 3];
                for step in 0..domain.lde_domain_size() {
                    lde.read_main_trace_frame_into(step, &mut frame);
                    for (g, cols) in main_groups(preset).into_iter().enumerate() {
                        groups[g].push(fingerprint(&frame.current()[cols]));
                    }
                }
                Skeleton {
                    secret,
                    main_root: lde.get_main_trace_commitment(),
                    trace,
                    lde: groups,
                }
            })
            .collect();
        Self {
            preset,
            domain: domain.unwrap(),
            candidates,
        }
    }

    /// The skeletons under `preset` ([`zk`]'s or [`zk_general`]'s), built once.
    fn of(preset: &'static Preset) -> &'static Self {
        static SHORT: OnceLock<Skeletons> = OnceLock::new();
        static GENERAL: OnceLock<Skeletons> = OnceLock::new();
        let cell = if preset.id == zk().id {
            &SHORT
        } else {
            assert_eq!(preset.id, zk_general().id);
            &GENERAL
        };
        cell.get_or_init(|| Self::build(preset))
    }
}

/// Predicate: an attacker who computes the main-trace root of every candidate's
/// deterministic trace finds none equal to the proof's main-trace root (the auxiliary root,
/// whose random rows differ anyway, plays no part).
fn brute_force(
    preset: &'static Preset,
    sources: ZkSourcesForTesting,
    skeletons: &Skeletons,
) -> Verdict {
    assert_eq!(preset.id, skeletons.preset.id);
    let target = roots(&prove_secret(preset, sources).proof).main;
    let found: Vec<u64> = skeletons
        .candidates
        .iter()
        .filter(|s| s.main_root == target)
        .map(|s| s.secret)
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    Err(Leak {
        what: format!("the main-trace root is that of candidate(s) {found:?}"),
        candidates: Some(found),
    })
}

/// Predicate: two proofs of the same statement differ in the main-trace root, the
/// auxiliary root and the constraint root, each compared on its own.
fn fresh_commitments(preset: &'static Preset, sources: ZkSourcesForTesting) -> Verdict {
    let a = roots(&prove_secret(preset, sources).proof);
    let b = roots(&prove_secret(preset, sources).proof);
    let mut same = Vec::new();
    if a.main == b.main {
        same.push("main trace");
    }
    if a.aux == b.aux {
        same.push("aux trace");
    }
    if a.constraint == b.constraint {
        same.push("constraint");
    }
    if same.is_empty() {
        return Ok(());
    }
    Err(Leak {
        candidates: None,
        what: format!("two proofs share the {same:?} root(s)"),
    })
}

/// Predicate: two proofs of one and the same main trace (hence the same main root and the
/// same auxiliary random elements) have different auxiliary roots: the auxiliary trace
/// carries randomness of its own, so it is no deterministic function of the main trace.
fn fresh_aux_commitment(preset: &'static Preset, sources: ZkSourcesForTesting) -> Verdict {
    let seed = rand::random();
    let proof = || {
        let (trace, public) = trace_of(SECRET, preset, sources, &mut StdRng::seed_from_u64(seed));
        roots(&prove_built(trace, public, preset, &mut StdRng::from_entropy()).proof)
    };
    let (a, b) = (proof(), proof());
    assert_eq!(
        a.main, b.main,
        "the same main trace commits to the same root"
    );
    if a.aux != b.aux {
        return Ok(());
    }
    Err(Leak {
        candidates: None,
        what: "the aux root is a function of the main trace".into(),
    })
}

/// Four predicates on the values a proof of [`SECRET`] opens at its query positions: the
/// attacker parses the opened main and auxiliary rows, rebuilds every candidate's
/// deterministic trace (every random source zero; the auxiliary trace for the random
/// elements replayed from the proof's main root) and its low-degree extension, and asks,
/// for each column group, whether every opened row of the group is a row of the
/// candidate's extension. Privacy holds for a group when no candidate predicts it.
fn openings_attack(
    preset: &'static Preset,
    sources: ZkSourcesForTesting,
    skeletons: &Skeletons,
) -> [Verdict; 4] {
    assert_eq!(preset.id, skeletons.preset.id);
    let proved = prove_secret(preset, sources);
    let proof = &proved.proof;
    let (size, queries) = (proof.lde_domain_size(), proof.num_unique_queries as usize);
    assert_eq!(size, skeletons.domain.lde_domain_size());
    let (_, main_rows) = proof.trace_queries[0]
        .clone()
        .parse::<Felt, H, MerkleTree<H>>(size, queries, preset.main_width())
        .unwrap();
    let (_, aux_rows) = proof.trace_queries[1]
        .clone()
        .parse::<E, H, MerkleTree<H>>(size, queries, layout::AUX_WIDTH)
        .unwrap();

    let verdict = |name: &str, predicts: &dyn Fn(&Skeleton) -> bool| {
        let found: Vec<u64> = skeletons
            .candidates
            .iter()
            .filter(|s| predicts(s))
            .map(|s| s.secret)
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        Err(Leak {
            what: format!("candidate(s) {found:?} predict all {queries} opened {name} rows"),
            candidates: Some(found),
        })
    };
    let mut verdicts = Vec::new();
    for (g, cols) in main_groups(preset).into_iter().enumerate() {
        assert!(!cols.is_empty());
        let opened: HashSet<u64> = main_rows
            .rows()
            .map(|row| fingerprint(&row[cols.clone()]))
            .collect();
        let predicts = |s: &Skeleton| {
            let lde: HashSet<&u64> = s.lde[g].iter().collect();
            opened.iter().all(|f| lde.contains(f))
        };
        let name = ["main", "randomizer", "mask"][g];
        verdicts.push(verdict(name, &predicts));
    }

    let rands = aux_rands(&proved);
    let opened: HashSet<u64> = aux_rows
        .rows()
        .map(|row| fingerprint(E::slice_as_base_elements(row)))
        .collect();
    let predicts = |s: &Skeleton| {
        // The skeleton's auxiliary random rows are zero (its sources are all off).
        let aux = s
            .trace
            .aux_trace_for_testing(&rands, &mut StdRng::seed_from_u64(0));
        let lde = aux
            .interpolate_columns()
            .evaluate_columns_over(&skeletons.domain);
        let mut row = vec![E::ZERO; layout::AUX_WIDTH];
        let rows: HashSet<u64> = (0..lde.num_rows())
            .map(|i| {
                lde.read_row_into(i, &mut row);
                fingerprint(E::slice_as_base_elements(&row))
            })
            .collect();
        opened.iter().all(|f| rows.contains(f))
    };
    verdicts.push(verdict("aux", &predicts));
    verdicts.try_into().unwrap()
}

// ---- simulation of the trace openings ------------------------------------------------------

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

/// The Lagrange weights of the points a proof opens every column at: `z` and `g z` (in the
/// extension field, outside the trace domain) and `q` distinct points of the LDE coset.
struct Points {
    z: Vec<E>,
    gz: Vec<E>,
    queries: Vec<Vec<Felt>>,
}

impl Points {
    fn random(preset: &Preset, n: usize, rng: &mut StdRng) -> Self {
        let w = Felt::get_root_of_unity(n.trailing_zeros());
        let lde = n * preset.blowup;
        let g = Felt::get_root_of_unity(lde.trailing_zeros());
        let offset = preset.options().domain_offset::<Felt>();
        let mut positions = HashSet::new();
        while positions.len() < preset.queries {
            positions.insert(rng.gen_range(0..lde as u64));
        }
        let z = E::new(random_felt(rng), random_felt(rng));
        Self {
            z: lagrange_at(n, w, z),
            gz: lagrange_at(n, w, z * E::from(w)),
            queries: positions
                .into_iter()
                .map(|p| lagrange_at(n, w, offset * g.exp(p)))
                .collect(),
        }
    }
}

fn random_felt(rng: &mut impl Rng) -> Felt {
    Felt::new(rng.gen_range(0..vm_core::MODULUS))
}

fn dot<F: FieldElement<BaseField = Felt>, V: Copy + Into<F>>(
    l: &[F],
    values: &[V],
    rows: &[usize],
) -> F {
    rows.iter()
        .fold(F::ZERO, |acc, &i| acc + l[i] * values[i].into())
}

/// Rank of a matrix (Gaussian elimination).
fn rank<F: FieldElement>(mut m: Vec<Vec<F>>) -> usize {
    let cols = m.first().map_or(0, |r| r.len());
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c] != F::ZERO) else {
            continue;
        };
        m.swap(r, p);
        let inv = m[r][c].inv();
        for i in r + 1..m.len() {
            if m[i][c] != F::ZERO {
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

/// Whether `m x = b` has a solution.
fn consistent<F: FieldElement>(m: &[Vec<F>], b: &[F]) -> bool {
    let augmented = m
        .iter()
        .zip(b)
        .map(|(row, v)| row.iter().copied().chain([*v]).collect())
        .collect();
    rank(m.to_vec()) == rank(augmented)
}

/// The rows where two builds of the same trace differ: the rows a prover fills with
/// randomness (the others are determined by the secret).
fn random_positions<F: PartialEq>(a: &[F], b: &[F]) -> Vec<usize> {
    (0..a.len()).filter(|&i| a[i] != b[i]).collect()
}

/// Whether some values on the rows `free` of the base-field column `other` (its other rows
/// kept) make it open like `real` at `points`: one equation per opened base coordinate.
fn main_column_simulatable(points: &Points, real: &[Felt], other: &[Felt], free: &[usize]) -> bool {
    let all: Vec<usize> = (0..real.len()).collect();
    let kept: Vec<usize> = all.iter().copied().filter(|i| !free.contains(i)).collect();
    let (mut m, mut b) = (Vec::new(), Vec::new());
    for l in &points.queries {
        m.push(free.iter().map(|&i| l[i]).collect());
        b.push(dot::<Felt, Felt>(l, real, &all) - dot::<Felt, Felt>(l, other, &kept));
    }
    for l in [&points.z, &points.gz] {
        let d = dot::<E, Felt>(l, real, &all) - dot::<E, Felt>(l, other, &kept);
        for k in 0..2 {
            m.push(free.iter().map(|&i| l[i].to_base_elements()[k]).collect());
            b.push(d.to_base_elements()[k]);
        }
    }
    consistent(&m, &b)
}

/// [`main_column_simulatable`] for an extension-field (auxiliary) column: unknowns and
/// equations over the extension field.
fn aux_column_simulatable(points: &Points, real: &[E], other: &[E], free: &[usize]) -> bool {
    let all: Vec<usize> = (0..real.len()).collect();
    let kept: Vec<usize> = all.iter().copied().filter(|i| !free.contains(i)).collect();
    let lift = |l: &Vec<Felt>| l.iter().map(|&x| E::from(x)).collect::<Vec<E>>();
    let queries: Vec<Vec<E>> = points.queries.iter().map(lift).collect();
    let (mut m, mut b) = (Vec::new(), Vec::new());
    for l in queries.iter().chain([&points.z, &points.gz]) {
        m.push(free.iter().map(|&i| l[i]).collect());
        b.push(dot::<E, E>(l, real, &all) - dot::<E, E>(l, other, &kept));
    }
    consistent(&m, &b)
}

/// Two predicates: the openings of the real trace of [`SECRET`] (main columns, and the
/// auxiliary columns for random elements) at random points are reproduced by a trace the
/// prover could have built for [`OTHER`]. The simulator keeps `OTHER`'s deterministic rows
/// and may choose only the rows the prover randomizes, which it learns by building
/// `OTHER`'s trace twice and comparing: with a source off those rows are fixed (zero), and
/// a secret-dependent column no longer opens like the real one.
fn simulation(preset: &'static Preset, sources: ZkSourcesForTesting) -> [Verdict; 2] {
    let mut rng = StdRng::from_entropy();
    let (real, _) = trace_of(SECRET, preset, sources, &mut rng);
    let (other, _) = trace_of(OTHER, preset, sources, &mut rng);
    let (again, _) = trace_of(OTHER, preset, sources, &mut rng);
    let n = real.info().length();
    let points = Points::random(preset, n, &mut rng);

    let column = |t: &VmTrace, c: usize| t.main_segment().get_column(c).to_vec();
    let bad_main: Vec<usize> = (0..preset.main_width())
        .filter(|&c| {
            let free = random_positions(&column(&other, c), &column(&again, c));
            !main_column_simulatable(&points, &column(&real, c), &column(&other, c), &free)
        })
        .collect();

    let rands: Vec<E> = (0..layout::AUX_RANDS)
        .map(|_| E::new(random_felt(&mut rng), random_felt(&mut rng)))
        .collect();
    let aux = |t: &VmTrace, rng: &mut StdRng| t.aux_trace_for_testing(&rands, rng);
    let (real_aux, other_aux, again_aux) = (
        aux(&real, &mut rng),
        aux(&other, &mut rng),
        aux(&again, &mut rng),
    );
    let bad_aux: Vec<usize> = (0..layout::AUX_WIDTH)
        .filter(|&c| {
            let (o, a) = (other_aux.get_column(c), again_aux.get_column(c));
            !aux_column_simulatable(&points, real_aux.get_column(c), o, &random_positions(o, a))
        })
        .collect();

    let verdict = |name: &str, bad: Vec<usize>| {
        if bad.is_empty() {
            return Ok(());
        }
        Err(Leak {
            candidates: None,
            what: format!(
                "no trace of secret {OTHER} opens like {SECRET}'s in {name} column(s) {bad:?}"
            ),
        })
    };
    [verdict("main", bad_main), verdict("aux", bad_aux)]
}

// ---- tests -----------------------------------------------------------------------------------

fn report(sources: ZkSourcesForTesting, verdicts: &[(&str, Verdict)]) {
    println!("sources {sources:?}");
    for (name, v) in verdicts {
        match v {
            Ok(()) => println!("  holds: {name}"),
            Err(leak) => println!("  FAILS: {name}: {}", leak.what),
        }
    }
}

#[test]
fn every_zk_predicate_holds_with_every_source_on() {
    for preset in [zk(), zk_general()] {
        let verdicts = check_privacy_under(preset, ALL_ON);
        println!("preset {}", preset.name);
        report(ALL_ON, &verdicts);
        let failed: Vec<_> = verdicts.iter().filter(|(_, v)| v.is_err()).collect();
        assert!(
            failed.is_empty(),
            "with zero knowledge under {}: {failed:?}",
            preset.name
        );
    }
}

/// Switching off `sources` (alone, or the given set) must fail some predicate, and at least
/// each of `expected`, with the candidates it names (`Some(&[SECRET])`: the attack recovers
/// the secret).
fn assert_caught(sources: ZkSourcesForTesting, expected: &[(&str, Option<&[u64]>)]) {
    let verdicts = check_privacy(sources);
    report(sources, &verdicts);
    assert!(
        verdicts.iter().any(|(_, v)| v.is_err()),
        "no zero-knowledge predicate notices {sources:?}"
    );
    for (name, candidates) in expected {
        let (_, verdict) = verdicts.iter().find(|(n, _)| n == name).unwrap();
        let Err(leak) = verdict else {
            panic!("`{name}` holds with {sources:?}");
        };
        if let Some(c) = candidates {
            assert_eq!(leak.candidates.as_deref(), Some(*c), "{name}");
        }
    }
}

const EVERY_CANDIDATE: &[u64] = &{
    let mut all = [0u64; CANDIDATES as usize];
    let mut i = 0;
    while i < all.len() {
        all[i] = i as u64;
        i += 1;
    }
    all
};

#[test]
fn switching_off_the_main_random_rows_fails_a_zk_predicate() {
    let sources = ZkSourcesForTesting {
        main_random_rows: false,
        ..ALL_ON
    };
    assert_caught(
        sources,
        &[(PREDICT_MAIN, Some(&[SECRET])), (SIMULATE_MAIN, None)],
    );
}

#[test]
fn switching_off_the_randomizer_columns_fails_a_zk_predicate() {
    let sources = ZkSourcesForTesting {
        randomizer_columns: false,
        ..ALL_ON
    };
    assert_caught(sources, &[(PREDICT_RANDOMIZERS, Some(EVERY_CANDIDATE))]);
}

#[test]
fn switching_off_the_composition_masks_fails_a_zk_predicate() {
    let sources = ZkSourcesForTesting {
        mask_rows: false,
        ..ALL_ON
    };
    assert_caught(sources, &[(PREDICT_MASKS, Some(EVERY_CANDIDATE))]);
}

#[test]
fn switching_off_the_aux_random_rows_fails_a_zk_predicate() {
    let sources = ZkSourcesForTesting {
        aux_random_rows: false,
        ..ALL_ON
    };
    assert_caught(
        sources,
        &[
            (PREDICT_AUX, Some(&[SECRET])),
            (FRESH_AUX, None),
            (SIMULATE_AUX, None),
        ],
    );
}

/// The attack of issue 8: every main source off, the auxiliary random rows on (so the
/// commitment bytes as a whole still differ): the main-trace root alone gives the secret
/// away.
#[test]
fn switching_off_every_main_source_lets_the_main_root_give_the_secret_away() {
    let sources = ZkSourcesForTesting {
        aux_random_rows: true,
        ..ALL_OFF
    };
    assert_caught(
        sources,
        &[
            (BRUTE_FORCE, Some(&[SECRET])),
            (FRESH, None),
            (PREDICT_MAIN, Some(&[SECRET])),
        ],
    );
}

/// The real prover under the preset without zero knowledge: the brute force recovers the
/// secret (so the attacker rebuilds exactly what the prover commits to).
#[test]
fn without_zk_the_brute_force_recovers_the_secret() {
    let plain = zk().without_zk();
    let skeletons = Skeletons::build(plain);
    let Err(leak) = brute_force(plain, ALL_ON, &skeletons) else {
        panic!("the brute force found nothing without zero knowledge");
    };
    assert_eq!(leak.candidates, Some(vec![SECRET]));
}

/// The count `r >= q + 2e` (main) and `r >= q + 2` (aux) is exact: a simulator that may
/// choose only the last `q + 2e` rows of a secret-dependent main column (the other random
/// rows kept) reproduces the openings, and with one row fewer it cannot; the same for an
/// auxiliary column with `q + 2` rows. And the full random block gives the opening system
/// full rank.
#[test]
fn exactly_q_plus_2e_random_rows_hide_the_openings() {
    let preset = zk();
    let mut rng = StdRng::from_entropy();
    let (real, _) = trace_of(SECRET, preset, ALL_ON, &mut rng);
    let (other, _) = trace_of(OTHER, preset, ALL_ON, &mut rng);
    let n = real.info().length();
    let (r, last) = (preset.random_rows(), real.last_real);
    assert_eq!(last, n - r - 1);
    let points = Points::random(preset, n, &mut rng);
    let last_rows = |k: usize| (n - k..n).collect::<Vec<usize>>();

    // The whole random block: one equation per opened base coordinate, full rank.
    let mut m: Vec<Vec<Felt>> = points
        .queries
        .iter()
        .map(|l| l[last + 1..].to_vec())
        .collect();
    for l in [&points.z, &points.gz] {
        for k in 0..2 {
            m.push(
                l[last + 1..]
                    .iter()
                    .map(|x| x.to_base_elements()[k])
                    .collect(),
            );
        }
    }
    let equations = preset.queries + 2 * preset.extension_degree;
    assert_eq!(m.len(), equations);
    assert_eq!(
        rank(m),
        equations,
        "r = {r} random rows cannot hide {equations} openings"
    );

    // A main column that depends on the secret.
    let column = |t: &VmTrace, c: usize| t.main_segment().get_column(c).to_vec();
    let c = (0..layout::BASE_WIDTH)
        .find(|&c| column(&real, c)[..=last] != column(&other, c)[..=last])
        .expect("some column depends on the secret");
    let (a, b) = (column(&real, c), column(&other, c));
    assert!(main_column_simulatable(
        &points,
        &a,
        &b,
        &last_rows(equations)
    ));
    assert!(!main_column_simulatable(
        &points,
        &a,
        &b,
        &last_rows(equations - 1)
    ));

    // An auxiliary column that depends on the secret.
    let rands = [E::new(random_felt(&mut rng), random_felt(&mut rng)); layout::AUX_RANDS];
    let aux_real = real.aux_trace_for_testing(&rands, &mut rng);
    let aux_other = other.aux_trace_for_testing(&rands, &mut rng);
    let c = (0..layout::AUX_WIDTH)
        .find(|&c| aux_real.get_column(c)[..=last] != aux_other.get_column(c)[..=last])
        .expect("some auxiliary column depends on the secret");
    let (a, b) = (aux_real.get_column(c), aux_other.get_column(c));
    let aux_equations = preset.queries + 2;
    assert!(aux_column_simulatable(
        &points,
        a,
        b,
        &last_rows(aux_equations)
    ));
    assert!(!aux_column_simulatable(
        &points,
        a,
        b,
        &last_rows(aux_equations - 1)
    ));
}

/// The switch itself: with every source on it changes nothing, and each source it turns
/// off is zero exactly where the prover puts randomness.
#[test]
fn the_zk_switch_zeroes_exactly_its_source() {
    let preset = zk();
    let build = |sources| trace_of(SECRET, preset, sources, &mut StdRng::seed_from_u64(9)).0;
    let reference = build(ALL_ON);
    let mut weakened = build(ALL_ON);
    weakened.weaken_zk_for_testing(preset, ALL_ON);
    let main = |t: &VmTrace| -> Vec<Vec<Felt>> {
        (0..preset.main_width())
            .map(|c| t.main_segment().get_column(c).to_vec())
            .collect()
    };
    assert_eq!(main(&weakened), main(&reference));

    let (n, last) = (reference.info().length(), reference.last_real);
    let [base, randomizers, masks] = main_groups(preset);
    let zeroed = build(ZkSourcesForTesting {
        aux_random_rows: true,
        ..ALL_OFF
    });
    let (z, r) = (main(&zeroed), main(&reference));
    for c in 0..preset.main_width() {
        for i in 0..n {
            let random = (base.contains(&c) && i > last)
                || randomizers.contains(&c)
                || (masks.contains(&c) && i > last);
            let expected = if random { Felt::ZERO } else { r[c][i] };
            assert_eq!(z[c][i], expected, "column {c}, row {i}");
            if random {
                assert_ne!(r[c][i], Felt::ZERO, "column {c}, row {i} is not random");
            }
        }
    }
    let mut rng = StdRng::from_entropy();
    let rands: Vec<E> = (0..layout::AUX_RANDS)
        .map(|_| E::new(random_felt(&mut rng), random_felt(&mut rng)))
        .collect();
    let aux = |t: &VmTrace| t.aux_trace_for_testing(&rands, &mut StdRng::seed_from_u64(1));
    let (on, off) = (aux(&reference), aux(&build(ALL_OFF)));
    for c in 0..layout::AUX_WIDTH {
        assert_eq!(on.get_column(c)[..=last], off.get_column(c)[..=last]);
        assert!(off.get_column(c)[last + 1..].iter().all(|v| *v == E::ZERO));
        assert!(on.get_column(c)[last + 1..].iter().all(|v| *v != E::ZERO));
    }
}
