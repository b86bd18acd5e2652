//! Programs written for Miden VM 0.17's standard library, run verbatim on ours.
//!
//! Every program text is one of Miden v0.17.0's own stdlib test programs
//! (`tests/miden_programs/v0_17.rs`, extracted unchanged from `stdlib/tests/**`), with Miden's
//! `use.std::...` imports and syntax. Where Miden's test builds its program with `format!`, the
//! template is filled here the same way (`fill`), with the values Miden's test uses: the fixed
//! vectors of its `test_case`s, or fresh random draws where Miden draws random values (from a
//! seeded generator, so every run checks the same programs).
//!
//! The expected outputs are Miden's: the same Rust reference computation Miden's test uses to
//! build its expected stack (Rust's integers, `num-bigint`, the `sha2`, `blake3` and `sha3`
//! crates), the whole 16-element output stack compared as Miden's `expect_stack` does (the
//! expected values, then zeros). Values that depend on the native hash (Miden: RPO; here:
//! Rescue Prime `Rp64_256`) are compared against `vm_core::hash` instead, computing what the
//! program computes: `hash_elements` where Miden's test uses `build_expected_hash`, the
//! permutation where it uses `build_expected_perm`, and, where Miden's expectation leans on a
//! property of RPO's sponge that `Rp64_256::hash_elements` lacks, the sponge the program runs
//! (each such case says so; `docs/language.md` lists the difference). A program Miden expects
//! to fail must fail with the same kind of error (its clock cycle and the limb it names may
//! differ: cycle counts differ, `docs/language.md`).
//!
//! Run with `--nocapture` to see how many program runs each test makes.

#[allow(dead_code)]
#[path = "miden_programs/v0_17.rs"]
mod programs;

use num_bigint::BigUint;
use programs::*;
use std::collections::BTreeMap;
use vm::core::hash;
use vm::processor::{execute, execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use vm::{assembly::Assembler, Felt, Program, StackInputs};

/// The Goldilocks modulus.
const P: u64 = 0xffff_ffff_0000_0001;

// ---- running programs ---------------------------------------------------------------------

/// Fills a Rust `format!` template as Miden's test does: each `{}` takes the next positional
/// value, each `{name}` the value named `name`.
fn fill(template: &str, positional: &[u64], named: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut next = positional.iter();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("a closing brace");
        let name = &rest[open + 1..close];
        if name.is_empty() {
            let v = next.next().expect("as many values as `{}` placeholders");
            out.push_str(&v.to_string());
        } else {
            let (_, v) = named
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("no value for {{{name}}}"));
            out.push_str(v);
        }
        rest = &rest[close + 1..];
    }
    assert!(next.next().is_none(), "unused positional values");
    out.push_str(rest);
    out
}

fn assemble(src: &str) -> Program {
    Assembler::new()
        .assemble_source("miden_test.masm", src)
        .unwrap_or_else(|e| panic!("Miden's program does not assemble: {e:?}\n{src}"))
}

// `DefaultHost` is a unit struct today; `default()` keeps this right if it gains state.
#[allow(clippy::default_constructed_unit_structs)]
fn host() -> DefaultHost {
    DefaultHost::default()
}

fn advice(values: &[u64]) -> AdviceInputs {
    AdviceInputs {
        stack: values.iter().map(|&v| Felt::new(v)).collect(),
        ..Default::default()
    }
}

/// Runs `program` with `stack` in Miden's `build_test!` order (the last value ends on top) and
/// `advice_stack` (the first value popped first); returns the 16 outputs, top first, or the
/// error's kind.
fn run(program: &Program, stack: &[u64], advice_stack: &[u64]) -> Result<Vec<u64>, String> {
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).expect("stack inputs");
    execute(
        program,
        inputs,
        advice(advice_stack),
        &mut host(),
        ExecutionOptions::default(),
    )
    .map(|out| out.stack.as_ints().to_vec())
    .map_err(|e| format!("{:?}", e.kind))
}

/// As `run`, also returning the final memory of the root context (element address -> value).
fn run_with_memory(
    src: &str,
    stack: &[u64],
    advice_stack: &[u64],
) -> (Vec<u64>, BTreeMap<u32, u64>) {
    let program = assemble(src);
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).expect("stack inputs");
    let (out, trace) = execute_traced(
        &program,
        inputs,
        advice(advice_stack),
        &mut host(),
        ExecutionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("Miden's program fails here: {e}\n{src}"));
    let mut memory = BTreeMap::new();
    for access in trace.memory.iter().filter(|a| a.ctx == 0 && a.write) {
        memory.insert(access.addr, access.value.as_int());
    }
    (out.stack.as_ints().to_vec(), memory)
}

/// Miden's `expect_stack`: the outputs are `want` followed by zeros.
fn padded(want: &[u64]) -> Vec<u64> {
    let mut v = want.to_vec();
    v.resize(16, 0);
    v
}

/// Counts program runs so that each test can report them.
struct Runs {
    what: &'static str,
    n: usize,
}

impl Runs {
    fn new(what: &'static str) -> Self {
        Runs { what, n: 0 }
    }

    /// Miden's `build_test!(src, stack, advice).expect_stack(want)`.
    fn expect_adv(&mut self, src: &str, stack: &[u64], advice_stack: &[u64], want: &[u64]) {
        self.expect_prog(&assemble(src), src, stack, advice_stack, want);
    }

    fn expect(&mut self, src: &str, stack: &[u64], want: &[u64]) {
        self.expect_adv(src, stack, &[], want);
    }

    fn expect_prog(
        &mut self,
        program: &Program,
        src: &str,
        stack: &[u64],
        advice_stack: &[u64],
        want: &[u64],
    ) {
        self.n += 1;
        let got = run(program, stack, advice_stack)
            .unwrap_or_else(|e| panic!("Miden's program fails here with {e} on {stack:?}\n{src}"));
        assert_eq!(
            got,
            padded(want),
            "outputs differ from Miden's on stack inputs {stack:?}\n{src}"
        );
    }

    /// Miden's `expect_stack_and_memory`: also the memory from `addr` on.
    fn expect_memory(
        &mut self,
        src: &str,
        advice_stack: &[u64],
        want: &[u64],
        addr: u32,
        mem: &[u64],
    ) {
        self.n += 1;
        let (got, memory) = run_with_memory(src, &[], advice_stack);
        assert_eq!(got, padded(want), "outputs differ from Miden's\n{src}");
        for (i, &v) in mem.iter().enumerate() {
            let a = addr + i as u32;
            assert_eq!(
                memory.get(&a).copied().unwrap_or(0),
                v,
                "memory {a} differs\n{src}"
            );
        }
    }

    /// Miden's test expects an error of this kind (the name of Miden's `ExecutionError`
    /// variant, as our `ErrorKind` names it).
    fn expect_err(&mut self, src: &str, stack: &[u64], advice_stack: &[u64], kind: &str) {
        self.n += 1;
        match run(&assemble(src), stack, advice_stack) {
            Ok(out) => panic!("Miden's program fails there but runs here: {out:?}\n{src}"),
            Err(e) => assert!(
                e.starts_with(kind),
                "Miden fails with {kind}, we with {e}\n{src}"
            ),
        }
    }

    /// Miden's `assert!(test.execute().is_ok())`: the program checks its own results.
    fn expect_ok(&mut self, src: &str, stack: &[u64]) {
        self.n += 1;
        if let Err(e) = run(&assemble(src), stack, &[]) {
            panic!("Miden's program fails here with {e}\n{src}");
        }
    }
}

impl Drop for Runs {
    fn drop(&mut self) {
        println!("{}: {} Miden programs run", self.what, self.n);
    }
}

/// A small seeded generator (SplitMix64) standing in for Miden's `rand_value`.
struct Rng(u64);

impl Rng {
    fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn u32(&mut self) -> u64 {
        self.u64() >> 32
    }
    /// A field element (Miden's random `Felt`).
    fn felt(&mut self) -> u64 {
        loop {
            let v = self.u64();
            if v < P {
                return v;
            }
        }
    }
    fn below(&mut self, n: u64) -> u64 {
        self.u64() % n
    }
}

// ---- std::math::u64 (math/u64_mod.rs) -----------------------------------------------------

fn split(v: u64) -> (u64, u64) {
    (v >> 32, v & 0xffff_ffff)
}

/// Miden's `[a0, a1, b0, b1]`: `b` on top, high limb above low limb.
fn ab(a: u64, b: u64) -> Vec<u64> {
    let ((a1, a0), (b1, b0)) = (split(a), split(b));
    vec![a0, a1, b0, b1]
}

fn hl(v: u64) -> [u64; 2] {
    let (h, l) = split(v);
    [h, l]
}

/// Random u64s, with the edge values Miden's fixed cases use among them.
fn u64_samples(rng: &mut Rng, n: usize) -> Vec<u64> {
    let mut v = vec![0, 1, u32::MAX as u64, 1 << 32, u64::MAX];
    v.extend((0..n).map(|_| rng.u64()));
    v.extend((0..n).map(|_| rng.u32()));
    v
}

#[test]
fn u64_programs() {
    let mut runs = Runs::new("std::math::u64");
    let mut rng = Rng(0x64);
    let samples = u64_samples(&mut rng, 12);
    let pairs: Vec<(u64, u64)> = samples
        .iter()
        .flat_map(|&a| [(a, rng.u64()), (a, a), (rng.u32(), a)])
        .collect();

    // Binary arithmetic and comparisons: wrapping_add .. eq, and their proptests.
    type Binary = fn(u64, u64) -> Vec<u64>;
    let binary: [(&str, Binary); 22] = [
        (U64_WRAPPING_ADD, |a, b| hl(a.wrapping_add(b)).to_vec()),
        (U64_OVERFLOWING_ADD, |a, b| {
            let (c, o) = a.overflowing_add(b);
            vec![u64::from(o), c >> 32, c & 0xffff_ffff]
        }),
        (U64_WRAPPING_SUB, |a, b| hl(a.wrapping_sub(b)).to_vec()),
        (U64_OVERFLOWING_SUB, |a, b| {
            let (c, o) = a.overflowing_sub(b);
            vec![u64::from(o), c >> 32, c & 0xffff_ffff]
        }),
        (U64_WRAPPING_MUL, |a, b| hl(a.wrapping_mul(b)).to_vec()),
        (U64_OVERFLOWING_MUL, |a, b| {
            let c = u128::from(a) * u128::from(b);
            (0..4)
                .rev()
                .map(|i| (c >> (32 * i)) as u64 & 0xffff_ffff)
                .collect()
        }),
        (U64_UNCHECKED_LT, |a, b| vec![u64::from(a < b)]),
        (U64_UNCHECKED_LTE, |a, b| vec![u64::from(a <= b)]),
        (U64_UNCHECKED_GT, |a, b| vec![u64::from(a > b)]),
        (U64_UNCHECKED_GTE, |a, b| vec![u64::from(a >= b)]),
        (U64_UNCHECKED_MIN, |a, b| hl(a.min(b)).to_vec()),
        (U64_UNCHECKED_MAX, |a, b| hl(a.max(b)).to_vec()),
        (U64_UNCHECKED_EQ, |a, b| vec![u64::from(a == b)]),
        (U64_UNCHECKED_NEQ, |a, b| vec![u64::from(a != b)]),
        (U64_CHECKED_AND, |a, b| hl(a & b).to_vec()),
        (U64_CHECKED_OR, |a, b| hl(a | b).to_vec()),
        (U64_CHECKED_XOR, |a, b| hl(a ^ b).to_vec()),
        (U64_UNCHECKED_LT_PROPTEST, |a, b| vec![u64::from(a < b)]),
        (U64_UNCHECKED_GT_PROPTEST, |a, b| vec![u64::from(a > b)]),
        (U64_UNCHECKED_MIN_PROPTEST, |a, b| hl(a.min(b)).to_vec()),
        (U64_UNCHECKED_MAX_PROPTEST, |a, b| hl(a.max(b)).to_vec()),
        (U64_UNCHECKED_NEQ, |a, b| vec![u64::from(a != b)]),
    ];
    for (src, f) in binary {
        let program = assemble(src);
        // Miden's fixed cases: a = 0, b = 0 / a = 0, b = 1 / a = 1, b = 0 / a = 1, b = 2 / ...
        for (a, b) in [(0, 0), (0, 1), (1, 0), (1, 2), (3, 2), (u64::MAX, 5)] {
            runs.expect_prog(&program, src, &ab(a, b), &[], &f(a, b));
        }
        for &(a, b) in &pairs {
            runs.expect_prog(&program, src, &ab(a, b), &[], &f(a, b));
        }
    }

    // Division: b random, and b a u32 (Miden's `[a0, a1, b0, 0]`); never b = 0.
    type Div = fn(u64, u64) -> Vec<u64>;
    let division: [(&str, Div); 5] = [
        (U64_UNCHECKED_DIV, |a, b| hl(a / b).to_vec()),
        (U64_UNCHECKED_MOD, |a, b| hl(a % b).to_vec()),
        (U64_UNCHECKED_DIVMOD, |a, b| [hl(a % b), hl(a / b)].concat()),
        (U64_UNCHECKED_DIV_PROPTEST, |a, b| hl(a / b).to_vec()),
        (U64_UNCHECKED_MOD_PROPTEST, |a, b| hl(a % b).to_vec()),
    ];
    for (src, f) in division {
        let program = assemble(src);
        for &(a, b) in &pairs {
            for b in [b, b & 0xffff_ffff, b >> 40] {
                if b != 0 {
                    runs.expect_prog(&program, src, &ab(a, b), &[], &f(a, b));
                }
            }
        }
    }

    // Non-u32 limbs: Miden's `ensure_div_doesnt_crash` and `checked_*_fail` expect NotU32Value.
    let bound = 1u64 << 32;
    runs.expect_err(
        U64_ENSURE_DIV_DOESNT_CRASH,
        &[1, 0, bound, u32::MAX as u64],
        &[],
        "NotU32",
    );
    runs.expect_err(
        U64_ENSURE_DIV_DOESNT_CRASH,
        &[bound, u32::MAX as u64, 1, 0],
        &[],
        "NotU32",
    );
    for src in [
        U64_CHECKED_AND_FAIL,
        U64_CHECKED_OR_FAIL,
        U64_CHECKED_XOR_FAIL,
    ] {
        for _ in 0..4 {
            let (a0, b0) = (rng.felt(), rng.felt());
            runs.expect_err(src, &[a0, bound, b0, bound], &[], "NotU32");
        }
    }

    // Shifts and rotations: `[5, a0, a1, b]`, Miden's fixed amounts and every amount below 64.
    type Shift = fn(u64, u32) -> u64;
    let shifts: [(&str, Shift); 8] = [
        (U64_UNCHECKED_SHL, |a, b| a.wrapping_shl(b)),
        (U64_UNCHECKED_SHR, |a, b| a.wrapping_shr(b)),
        (U64_UNCHECKED_ROTL, |a, b| a.rotate_left(b)),
        (U64_UNCHECKED_ROTR, |a, b| a.rotate_right(b)),
        (U64_SHL_PROPTEST, |a, b| a.wrapping_shl(b)),
        (U64_SHR_PROPTEST, |a, b| a.wrapping_shr(b)),
        (U64_ROTL_PROPTEST, |a, b| a.rotate_left(b)),
        (U64_ROTR_PROPTEST, |a, b| a.rotate_right(b)),
    ];
    for (i, (src, f)) in shifts.into_iter().enumerate() {
        let program = assemble(src);
        let mut cases: Vec<(u64, u32)> = vec![
            (rng.u64(), 0),
            (rng.u64(), 31),
            (1, 32),
            (1, 33),
            (64, 58),
            (4294967296, 2),
        ];
        if i >= 4 {
            cases = (0..64)
                .map(|b| (samples[b as usize % samples.len()], b))
                .collect();
        }
        for (a, b) in cases {
            let (a1, a0) = split(a);
            let c = f(a, b);
            runs.expect_prog(
                &program,
                src,
                &[5, a0, a1, u64::from(b)],
                &[],
                &[c >> 32, c & 0xffff_ffff, 5],
            );
        }
    }
    // Miden's hand-written shr cases.
    runs.expect(U64_UNCHECKED_SHR, &[5, 1, 1, 1], &[0, 1 << 31, 5]);
    runs.expect(U64_UNCHECKED_SHR, &[5, 3, 3, 1], &[1, (1 << 31) + 1, 5]);

    // eqz and the bit counts: Miden's fixed vectors, then random values.
    runs.expect(U64_UNCHECKED_EQZ, &[0, 0], &[1]);
    runs.expect(U64_UNCHECKED_EQZ, &[1, 0], &[0]);
    let fixed: [(&str, [[u64; 3]; 5]); 4] = [
        (
            U64_CLZ,
            [
                [0, 0, 64],
                [492665065, 0, 35],
                [3941320520, 0, 32],
                [3941320520, 492665065, 3],
                [492665065, 492665065, 3],
            ],
        ),
        (
            U64_CTZ,
            [
                [0, 0, 64],
                [0, 3668265216, 40],
                [0, 3668265217, 32],
                [3668265216, 3668265217, 8],
                [3668265216, 3668265216, 8],
            ],
        ),
        (
            U64_CLO,
            [
                [4294967295, 4294967295, 64],
                [4278190080, 4294967295, 40],
                [0, 4294967295, 32],
                [0, 4278190080, 8],
                [4278190080, 4278190080, 8],
            ],
        ),
        (
            U64_CTO,
            [
                [4294967295, 4294967295, 64],
                [4294967295, 255, 40],
                [4294967295, 0, 32],
                [255, 0, 8],
                [255, 255, 8],
            ],
        ),
    ];
    for (src, cases) in fixed {
        for [s0, s1, want] in cases {
            runs.expect(src, &[s0, s1], &[want]);
        }
    }
    type Unary = fn(u64) -> u64;
    let unary: [(&str, Unary); 5] = [
        (U64_UNCHECKED_EQZ, |a| u64::from(a == 0)),
        (U64_CLZ_PROPTEST, |a| u64::from(a.leading_zeros())),
        (U64_CTZ_PROPTEST, |a| u64::from(a.trailing_zeros())),
        (U64_CLO_PROPTEST, |a| u64::from(a.leading_ones())),
        (U64_CTO_PROPTEST, |a| u64::from(a.trailing_ones())),
    ];
    let mut values = samples.clone();
    values.extend((0..64).map(|i| (1u64 << i) | (rng.u64() >> (64 - i))));
    values.extend((0..64).map(|i| !((1u64 << i) | (rng.u64() >> (64 - i)))));
    values.extend([0xffff_ffff_0000_0000, 0x0000_0000_ffff_ffff]);
    for (src, f) in unary {
        let program = assemble(src);
        for &a in &values {
            let (a1, a0) = split(a);
            runs.expect_prog(&program, src, &[a0, a1], &[], &[f(a)]);
        }
    }
}

// ---- std::math::u256, std::word, std::sys -------------------------------------------------

#[test]
fn u256_programs() {
    let mut runs = Runs::new("std::math::u256");
    let mut rng = Rng(0x256);
    let program = assemble(U256_MUL_UNSAFE);
    for _ in 0..24 {
        let a: Vec<u64> = (0..8).map(|_| rng.u32()).collect();
        let b: Vec<u64> = (0..8).map(|_| rng.u32()).collect();
        let (ab, bb) = (limbs_to_big(&a), limbs_to_big(&b));
        let prod = ab * bb;
        let want: Vec<u64> = big_to_limbs(&prod, 16)[..8].iter().rev().copied().collect();
        let stack: Vec<u64> = a.iter().chain(&b).copied().collect();
        runs.expect_prog(&program, U256_MUL_UNSAFE, &stack, &[], &want);
    }
}

fn word_cmp(lhs: &[u64; 4], rhs: &[u64; 4]) -> std::cmp::Ordering {
    lhs.iter().rev().cmp(rhs.iter().rev())
}

#[test]
fn word_programs() {
    use std::cmp::Ordering::*;
    let mut runs = Runs::new("std::word");
    let mut rng = Rng(0xfacade);
    let word = |rng: &mut Rng| [rng.felt(), rng.felt(), rng.felt(), rng.felt()];
    let procs: [(&str, &[std::cmp::Ordering]); 5] = [
        ("gt", &[Greater]),
        ("gte", &[Greater, Equal]),
        ("eq", &[Equal]),
        ("lt", &[Less]),
        ("lte", &[Less, Equal]),
    ];
    for (name, valid) in procs {
        let src = fill(
            WORD_WORD_COMPARISON,
            &[],
            &[("proc_name", name.to_string())],
        );
        let program = assemble(&src);
        for i in 0..200 {
            let lhs = word(&mut rng);
            let mut rhs = if i % 2 == 0 { word(&mut rng) } else { lhs };
            // Words that differ in one element only, so that each position decides once.
            if i % 4 == 1 {
                rhs[i / 4 % 4] = rng.felt();
            }
            let stack: Vec<u64> = lhs.iter().chain(&rhs).copied().collect();
            let want = u64::from(valid.contains(&word_cmp(&lhs, &rhs)));
            runs.expect_prog(&program, &src, &stack, &[], &[want]);
        }
    }
    let program = assemble(WORD_REVERSE);
    for _ in 0..50 {
        let w = word(&mut rng);
        runs.expect_prog(&program, WORD_REVERSE, &w, &[], &w);
    }
    runs.expect(WORD_EQZ, &[0, 0, 0, 0], &[1]);
    runs.expect(WORD_EQZ, &[0, 1, 2, 3], &[0]);
    runs.expect(WORD_PRESERVING_EQZ, &[0, 0, 0, 0], &[1, 0, 0, 0, 0]);
    runs.expect(WORD_PRESERVING_EQZ, &[0, 1, 2, 3], &[0, 3, 2, 1, 0]);
    let program = assemble(WORD_PRESERVING_EQ);
    for i in 0..100 {
        let lhs = word(&mut rng);
        let rhs = if i % 2 == 0 { word(&mut rng) } else { lhs };
        let stack: Vec<u64> = rhs.iter().chain(&lhs).copied().collect();
        let mut want = stack.clone();
        want.push(u64::from(lhs == rhs));
        want.reverse();
        runs.expect_prog(&program, WORD_PRESERVING_EQ, &stack, &[], &want);
    }
}

#[test]
fn sys_programs() {
    let mut runs = Runs::new("std::sys");
    runs.expect(
        SYS_TRUNCATE_STACK,
        &[16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4],
    );
    // Miden's proptest builds this program from `n` random pushes.
    let mut rng = Rng(0x5e5);
    for n in [1usize, 2, 5, 15, 16, 17, 40, 99] {
        let test_values: Vec<u64> = (0..16).map(|_| rng.felt()).collect();
        let push_values: Vec<u64> = (0..n).map(|_| rng.felt()).collect();
        let mut source_vec = vec!["use.std::sys".to_string(), "begin".to_string()];
        for value in &push_values {
            source_vec.push(format!("push.{value}"));
        }
        source_vec.push("exec.sys::truncate_stack".to_string());
        source_vec.push("end".to_string());
        let source = source_vec.join(" ");
        let mut want = test_values.clone();
        want.extend(&push_values);
        want.reverse();
        want.truncate(16);
        runs.expect(&source, &test_values, &want);
    }
}

// ---- native-hash references -----------------------------------------------------------------

fn felts(xs: &[u64]) -> Vec<Felt> {
    xs.iter().map(|&x| Felt::new(x)).collect()
}

/// Miden's `build_expected_hash` on our hash: `hash_elements`, as a word on the stack (top
/// first).
fn expected_hash(values: &[u64]) -> Vec<u64> {
    let d = hash::hash_elements(&felts(values));
    d.iter().rev().map(|f| f.as_int()).collect()
}

/// Miden's `build_expected_perm` on our hash: the permuted state, top first.
fn expected_perm(values: &[u64]) -> Vec<u64> {
    let mut state = [Felt::new(0); 12];
    for (s, &v) in state.iter_mut().zip(values) {
        *s = Felt::new(v);
    }
    hash::permute(&mut state);
    state.iter().rev().map(|f| f.as_int()).collect()
}

/// The digest (state elements 4..8, top first) after absorbing `values` (whole blocks of 8)
/// from the all-zero state, each block added to the rate: what `padw padw padw` followed by
/// `rpo::absorb_double_words_from_memory` (or `mem_stream hperm`) computes here.
fn zero_state_sponge_digest(values: &[u64]) -> Vec<u64> {
    let mut state = [Felt::new(0); 12];
    for block in values.chunks(8) {
        for (j, &v) in block.iter().enumerate() {
            state[4 + j] += Felt::new(v);
        }
        hash::permute(&mut state);
    }
    state[4..8].iter().rev().map(|f| f.as_int()).collect()
}

// ---- std::mem (mem/mod.rs) ------------------------------------------------------------------

#[test]
fn mem_programs() {
    let mut runs = Runs::new("std::mem");
    let words = [
        [0, 0, 0, 1],
        [0, 0, 1, 0],
        [0, 0, 1, 1],
        [0, 1, 0, 0],
        [0, 1, 0, 1],
    ];
    let flat: Vec<u64> = words.concat();
    runs.expect_memory(MEM_MEMCOPY_WORDS, &[], &[], 1000, &flat);
    runs.expect_memory(MEM_MEMCOPY_WORDS, &[], &[], 2000, &flat);

    // pipe_double_words_to_memory from the zero state: the permutation of the data.
    let (start_addr, end_addr) = (1000u64, 1008u64);
    let src = fill(
        MEM_PIPE_DOUBLE_WORDS_TO_MEMORY,
        &[],
        &[
            ("end_addr", end_addr.to_string()),
            ("start_addr", start_addr.to_string()),
        ],
    );
    let data = [1, 2, 3, 4, 5, 6, 7, 8];
    let mut want = expected_perm(&[0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    want.push(end_addr);
    runs.expect_memory(&src, &data, &want, 1000, &data);

    // pipe_words_to_memory: the digest is `hash_elements` of the words.
    let mem_addr = [("mem_addr", "1000".to_string())];
    let one = fill(MEM_PIPE_WORDS_TO_MEMORY, &[], &mem_addr);
    let data = [1, 2, 3, 4];
    let mut want = expected_hash(&data);
    want.push(1004);
    runs.expect_memory(&one, &data, &want, 1000, &data);
    let three = fill(MEM_PIPE_WORDS_TO_MEMORY_2, &[], &mem_addr);
    let data: Vec<u64> = (1..=12).collect();
    let mut want = expected_hash(&data);
    want.push(1012);
    runs.expect_memory(&three, &data, &want, 1000, &data);

    // pipe_preimage_to_memory: the commitment on the advice stack, then the data.
    let src = fill(MEM_PIPE_PREIMAGE_TO_MEMORY, &[], &mem_addr);
    let mut advice_stack = expected_hash(&data);
    advice_stack.reverse();
    advice_stack.extend(&data);
    runs.expect_memory(&src, &advice_stack, &[1012], 1000, &data);
    advice_stack[0] += 1;
    runs.expect_err(
        MEM_PIPE_PREIMAGE_TO_MEMORY_INVALID_PREIMAGE,
        &[],
        &advice_stack,
        "FailedAssertion",
    );
}

// ---- std::crypto::hashes::rpo (crypto/rpo.rs), on the native hash ---------------------------

#[test]
fn rpo_programs() {
    let mut runs = Runs::new("std::crypto::hashes::rpo");
    // `hash_memory_words` with end < start: Miden fails an assertion (at its cycle 18).
    runs.expect_err(RPO_INVALID_END_ADDR, &[], &[], "FailedAssertion");

    // `mem_stream hperm` from the zero state, against `hash_memory_words` of the same 8
    // elements. With RPO both are `hash_elements` (RPO's capacity holds the length mod 8,
    // 0 here); `Rp64_256::hash_elements` puts the length, 8, in the capacity, so here the
    // first is the bare permutation and only the second is `hash_elements`.
    let zeros = [0u64; 8];
    runs.expect(RPO_HASH_EMPTY, &[], &zero_state_sponge_digest(&zeros));
    runs.expect(RPO_HASH_EMPTY_2, &[], &expected_hash(&zeros));
    let one = [1, 0, 0, 0, 0, 0, 0, 0];
    runs.expect(RPO_SINGLE_ITERATION, &[], &zero_state_sponge_digest(&one));
    runs.expect(RPO_SINGLE_ITERATION_2, &[], &expected_hash(&one));

    runs.expect(RPO_HASH_ONE_WORD, &[], &expected_hash(&[1, 0, 0, 0]));
    runs.expect(
        RPO_HASH_EVEN_WORDS,
        &[],
        &expected_hash(&[1, 0, 0, 0, 0, 1, 0, 0]),
    );
    runs.expect(
        RPO_HASH_ODD_WORDS,
        &[],
        &expected_hash(&[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]),
    );

    let mut want = expected_perm(&[0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    want.extend([1008, 1008]);
    runs.expect(RPO_ABSORB_DOUBLE_WORDS_FROM_MEMORY, &[], &want);

    let sixteen = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    runs.expect(RPO_HASH_MEMORY_DOUBLE_WORDS, &[], &expected_hash(&sixteen));
    runs.expect(RPO_HASH_MEMORY_DOUBLE_WORDS_2, &[], &[0; 4]);

    // Absorbing 16 elements from the zero state, then squeezing: with RPO this is
    // `hash_elements` (16 mod 8 = 0 in the capacity); here it is the sponge run from the
    // zero capacity (`hash_elements` would have 16 there).
    let mut want = zero_state_sponge_digest(&sixteen);
    want.extend([1016, 1016]);
    runs.expect(RPO_SQUEEZE_DIGEST, &[], &want);

    let mut want = expected_perm(&[0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    let digest: Vec<u64> = want[4..8].to_vec();
    want.splice(0..0, digest);
    runs.expect(RPO_COPY_DIGEST, &[], &want);

    let mut want = expected_hash(&[1, 2, 3, 4, 5]);
    want.push(11);
    runs.expect(RPO_HASH_MEMORY, &[], &want);
    let mut want = expected_hash(&[1, 2, 3, 4, 5, 6, 7, 8]);
    want.push(11);
    runs.expect(RPO_HASH_MEMORY_2, &[], &want);
    let mut want = expected_hash(&(1..=15).collect::<Vec<u64>>());
    want.push(11);
    runs.expect(RPO_HASH_MEMORY_3, &[], &want);

    let mut want = vec![0; 12];
    want.extend([1000, 1000]);
    runs.expect(RPO_HASH_MEMORY_EMPTY, &[], &want);
    runs.expect(RPO_HASH_MEMORY_EMPTY_2, &[], &[0; 4]);
    runs.expect(RPO_HASH_MEMORY_EMPTY_3, &[], &[0; 16]);
}

// ---- SHA-256, BLAKE3, Keccak-256 (crypto/{sha256, blake3, keccak256}.rs) -------------------

/// Miden's `rand_array::<Felt, 4>().into_bytes()`: four field elements, 8 little-endian bytes
/// each.
fn felt_bytes(rng: &mut Rng) -> Vec<u8> {
    (0..4).flat_map(|_| rng.felt().to_le_bytes()).collect()
}

fn be_limbs(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(4)
        .map(|c| u64::from(u32::from_be_bytes(c.try_into().unwrap())))
        .collect()
}

fn le_limbs(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(4)
        .map(|c| u64::from(u32::from_le_bytes(c.try_into().unwrap())))
        .collect()
}

#[test]
fn sha256_programs() {
    use sha2::{Digest, Sha256};
    let mut runs = Runs::new("std::crypto::hashes::sha256");
    let mut rng = Rng(0x256_256);
    let mut lengths = vec![0usize, 1, 3, 4, 55, 56, 63, 64, 65, 119, 120, 128, 1023];
    lengths.extend((0..6).map(|_| rng.below(1024) as usize));
    for len in lengths {
        let ibytes: Vec<u8> = (0..len).map(|_| rng.u64() as u8).collect();
        let mut padded_bytes = ibytes.clone();
        padded_bytes.resize(len.div_ceil(4) * 4, 0);
        let mut ifelts: Vec<u64> = be_limbs(&padded_bytes);
        ifelts.reverse();
        ifelts.push(len as u64);
        let inputs: String = ifelts.iter().map(|v| format!("push.{v}\n")).collect();
        let src = fill(SHA256_HASH_MEMORY, &[], &[("inputs", inputs)]);
        runs.expect(&src, &[], &be_limbs(&Sha256::digest(&ibytes)));
    }
    let two = assemble(SHA256_2_TO_1_HASH);
    let one = assemble(SHA256_1_TO_1_HASH);
    for _ in 0..8 {
        let ibytes = [felt_bytes(&mut rng), felt_bytes(&mut rng)].concat();
        let mut ifelts = be_limbs(&ibytes);
        ifelts.reverse();
        let want = be_limbs(&Sha256::digest(&ibytes));
        runs.expect_prog(&two, SHA256_2_TO_1_HASH, &ifelts, &[], &want);
        let ibytes = felt_bytes(&mut rng);
        let mut ifelts = be_limbs(&ibytes);
        ifelts.reverse();
        let want = be_limbs(&Sha256::digest(&ibytes));
        runs.expect_prog(&one, SHA256_1_TO_1_HASH, &ifelts, &[], &want);
    }
}

#[test]
fn blake3_programs() {
    let mut runs = Runs::new("std::crypto::hashes::blake3");
    let mut rng = Rng(0xb1a4e3);
    let two = assemble(BLAKE3_HASH_64_BYTES);
    let one = assemble(BLAKE3_HASH_32_BYTES);
    for _ in 0..8 {
        let ibytes = [felt_bytes(&mut rng), felt_bytes(&mut rng)].concat();
        let mut ifelts = le_limbs(&ibytes);
        ifelts.reverse();
        let want = le_limbs(blake3::hash(&ibytes).as_bytes());
        runs.expect_prog(&two, BLAKE3_HASH_64_BYTES, &ifelts, &[], &want);
        let ibytes = felt_bytes(&mut rng);
        let mut ifelts = le_limbs(&ibytes);
        ifelts.reverse();
        let want = le_limbs(blake3::hash(&ibytes).as_bytes());
        runs.expect_prog(&one, BLAKE3_HASH_32_BYTES, &ifelts, &[], &want);
    }
}

/// Miden's `to_stack`: each 8-byte lane as a little-endian u64, high limb first.
fn keccak_stack(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .flat_map(|c| {
            let w = u64::from_le_bytes(c.try_into().unwrap());
            [w >> 32, w & 0xffff_ffff]
        })
        .collect()
}

#[test]
fn keccak256_programs() {
    use sha3::{Digest, Keccak256};
    let mut runs = Runs::new("std::crypto::hashes::keccak256");
    let mut rng = Rng(0x4ecc);
    let program = assemble(KECCAK256_BIT_INTERLEAVING);
    for _ in 0..16 {
        // Miden checks the top two outputs only; the round trip leaves nothing else.
        let word = rng.u64();
        let (high, low) = split(word);
        runs.expect_prog(
            &program,
            KECCAK256_BIT_INTERLEAVING,
            &[low, high],
            &[],
            &[high, low],
        );
    }
    let program = assemble(KECCAK256_2_TO_1_HASH);
    for _ in 0..8 {
        let i_digest = [felt_bytes(&mut rng), felt_bytes(&mut rng)].concat();
        let want = keccak_stack(&Keccak256::digest(&i_digest));
        let mut in_stack = keccak_stack(&i_digest);
        in_stack.reverse();
        runs.expect_prog(&program, KECCAK256_2_TO_1_HASH, &in_stack, &[], &want);
    }
}

// ---- secp256k1 (math/secp256k1/*.rs, crypto/ecdsa_secp256k1.rs) ---------------------------

fn limbs_to_big(limbs: &[u64]) -> BigUint {
    limbs.iter().rev().fold(BigUint::from(0u32), |acc, &l| {
        (acc << 32) + BigUint::from(l)
    })
}

fn big_to_limbs(x: &BigUint, n: usize) -> Vec<u64> {
    let mut digits = x.to_u32_digits();
    digits.resize(n, 0);
    digits.into_iter().map(u64::from).collect()
}

fn secp_p() -> BigUint {
    (BigUint::from(1u32) << 256) - (BigUint::from(1u32) << 32) - BigUint::from(977u32)
}

fn secp_n() -> BigUint {
    BigUint::parse_bytes(
        b"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        16,
    )
    .unwrap()
}

/// Montgomery multiplication a b 2^-256 mod m (Miden's reference `mul`).
fn mont_mul(a: &BigUint, b: &BigUint, m: &BigUint) -> BigUint {
    let r_inv = (BigUint::from(1u32) << 256u32).modpow(&(m - 2u32), m);
    (a * b % m) * r_inv % m
}

fn random_limbs(rng: &mut Rng) -> Vec<u64> {
    (0..8).map(|_| rng.u32()).collect()
}

#[test]
fn secp256k1_field_programs() {
    let mut runs = Runs::new("std::math::secp256k1::{base_field, scalar_field}");
    let mut rng = Rng(0x5ec9);
    let p = secp_p();
    let n = secp_n();
    // Miden's stacks: `[a limbs, b limbs]` reversed, so limb 0 of `a` is on top.
    let two = |a: &[u64], b: &[u64]| -> Vec<u64> {
        let mut s: Vec<u64> = a.iter().chain(b).copied().collect();
        s.reverse();
        s
    };
    let one_el = |a: &[u64]| -> Vec<u64> { a.iter().rev().copied().collect() };
    let one_mont_p = big_to_limbs(&((BigUint::from(1u32) << 256u32) % &p), 8);
    let one_mont_n = big_to_limbs(&((BigUint::from(1u32) << 256u32) % &n), 8);
    assert_eq!(
        one_mont_p,
        vec![977, 1, 0, 0, 0, 0, 0, 0],
        "Miden's BaseField::one"
    );
    assert_eq!(
        one_mont_n,
        vec![801750719, 1076732275, 1354194884, 1162945305, 1, 0, 0, 0],
        "Miden's ScalarField::one"
    );
    for _ in 0..6 {
        let (a, b) = (random_limbs(&mut rng), random_limbs(&mut rng));
        let (ab, bb) = (limbs_to_big(&a), limbs_to_big(&b));
        runs.expect(BASE_FIELD_MONTGOMERY_REPR, &one_el(&a), &a);
        let prod = big_to_limbs(&mont_mul(&ab, &bb, &p), 8);
        runs.expect(BASE_FIELD_MUL, &two(&a, &b), &prod);
        let sum = (&ab + &bb) % &p;
        runs.expect(BASE_FIELD_ADD, &two(&a, &b), &big_to_limbs(&sum, 8));
        runs.expect(
            BASE_FIELD_ADD_THEN_SUB,
            &two(&a, &b),
            &big_to_limbs(&sum, 8),
        );
        let neg = (&p - &ab % &p) % &p;
        runs.expect(BASE_FIELD_NEG, &one_el(&a), &big_to_limbs(&neg, 8));
        let diff = (&ab + &p - &bb % &p) % &p;
        runs.expect(BASE_FIELD_SUB, &two(&a, &b), &big_to_limbs(&diff, 8));
        // Miden's add_then_sub: (a + b) - a = b.
        let c = big_to_limbs(&sum, 8);
        runs.expect(BASE_FIELD_ADD_THEN_SUB_2, &two(&c, &a), &b);
        runs.expect(BASE_FIELD_INV, &one_el(&a), &one_mont_p);
        let prod = big_to_limbs(&mont_mul(&ab, &bb, &n), 8);
        runs.expect(SCALAR_FIELD_MUL, &two(&a, &b), &prod);
        runs.expect(SCALAR_FIELD_INV, &one_el(&a), &one_mont_n);
    }
}

#[test]
fn secp256k1_group_programs() {
    let mut runs = Runs::new("std::math::secp256k1::group");
    for args in GROUP_POINT_DOUBLING_ARGS {
        runs.expect_ok(&fill(GROUP_POINT_DOUBLING, &args, &[]), &[]);
    }
    for args in GROUP_POINT_ADDITION_ARGS {
        runs.expect_ok(&fill(GROUP_POINT_ADDITION, &args, &[]), &[]);
    }
    for args in GROUP_GENERATOR_MULTIPLICATION_ARGS {
        runs.expect_ok(&fill(GROUP_GENERATOR_MULTIPLICATION, &args, &[]), &[]);
    }
    // Miden's `mul` test (ignored there) declares 12 locals and uses `locaddr.44`: Miden
    // 0.17's assembler refuses that ("invalid procedure local index"), and so does ours.
    for args in GROUP_POINT_MULTIPLICATION_ARGS {
        runs.n += 1;
        let src = fill(GROUP_POINT_MULTIPLICATION, &args, &[]);
        let err = Assembler::new()
            .assemble_source("miden_test.masm", &src)
            .expect_err("Miden's assembler refuses this program");
        assert!(format!("{err:?}").contains("local_range"), "{err:?}");
    }
}

#[test]
fn ecdsa_secp256k1_program() {
    // Miden's test (ignored there) passes 48 stack inputs, which Miden 0.17's `StackInputs`
    // refuses (at most 16, `InputLengthExceeded`): so does ours. The same vector is verified
    // by tests/stdlib_secp256k1.rs (`miden_ecdsa_vector`), its inputs pushed by the program.
    let mut runs = Runs::new("std::crypto::dsa::ecdsa::secp256k1");
    runs.n += 1;
    assemble(ECDSA_VERIFY);
    assert!(StackInputs::try_from_ints(ECDSA_VERIFY_STACK.iter().copied()).is_err());
}

/// Miden's `group::mul` test program with its one error corrected (12 locals declared where
/// it uses 48: `.12` becomes `.48`, nothing else changes): it asserts Miden's coordinates
/// limb by limb, and passes.
#[test]
fn secp256k1_mul_program_with_its_locals_corrected() {
    let mut runs = Runs::new("std::math::secp256k1::group (mul, locals corrected)");
    let declared = "proc.point_multiplication_test_wrapper.12";
    assert_eq!(GROUP_POINT_MULTIPLICATION.matches(declared).count(), 1);
    for args in GROUP_POINT_MULTIPLICATION_ARGS {
        let src = fill(GROUP_POINT_MULTIPLICATION, &args, &[])
            .replace(declared, "proc.point_multiplication_test_wrapper.48");
        runs.expect_ok(&src, &[]);
    }
}

// ---- miden-vm/masm-examples --------------------------------------------------------------------

/// Runs an example with its inputs file (Miden's JSON shape, read as ours).
fn run_example(src: &str, inputs: &str) -> Result<Vec<u64>, String> {
    let file = vm::processor::InputFile::parse(inputs).expect("Miden's inputs file parses");
    let program = assemble(src);
    execute(
        &program,
        file.stack_inputs(),
        file.advice_inputs(),
        &mut host(),
        ExecutionOptions::default(),
    )
    .map(|out| out.stack.as_ints().to_vec())
    .map_err(|e| format!("{:?}", e.kind))
}

#[test]
fn masm_examples() {
    let mut runs = Runs::new("miden-vm/masm-examples");
    // blake3_1to1: hash_1to1 applied 100 times (the advice) to 32 bytes of ones.
    runs.n += 1;
    // Limbs top first, each the little-endian u32 of the next 4 bytes (Miden's layout).
    let mut limbs = vec![u64::from(u32::MAX); 8];
    for _ in 0..100 {
        let bytes: Vec<u8> = limbs
            .iter()
            .flat_map(|&l| (l as u32).to_le_bytes())
            .collect();
        limbs = le_limbs(blake3::hash(&bytes).as_bytes());
    }
    let got = run_example(EXAMPLE_BLAKE3_1TO1, EXAMPLE_BLAKE3_1TO1_INPUTS).unwrap();
    assert_eq!(got, padded(&limbs), "blake3_1to1");

    // blake3_2to1 and sha256 assert the digests of 64 bytes of ones themselves.
    for (src, inputs) in [
        (EXAMPLE_BLAKE3_2TO1, EXAMPLE_BLAKE3_2TO1_INPUTS),
        (EXAMPLE_SHA256, EXAMPLE_SHA256_INPUTS),
    ] {
        runs.n += 1;
        assert_eq!(run_example(src, inputs).unwrap(), padded(&[]), "{src}");
    }

    // unhashing: 50 times `adv_pipe hperm` from the zero state (overwrite mode: the
    // instructions', not a stdlib sponge), then `rpo::squeeze_digest`; on our hash.
    runs.n += 1;
    let file = vm::processor::InputFile::parse(EXAMPLE_UNHASHING_INPUTS).unwrap();
    let data: Vec<Felt> = file.advice.stack.clone();
    assert_eq!(data.len(), 400);
    let mut state = [Felt::new(0); 12];
    for pair in data.chunks(8) {
        state[4..12].copy_from_slice(pair);
        hash::permute(&mut state);
    }
    let digest: Vec<u64> = state[4..8].iter().rev().map(|f| f.as_int()).collect();
    let got = run_example(EXAMPLE_UNHASHING, EXAMPLE_UNHASHING_INPUTS).unwrap();
    assert_eq!(got, padded(&digest), "unhashing");

    // nprime: the first 50 primes, the largest 16 on top (its comment gives them).
    runs.n += 1;
    let mut primes = vec![];
    let mut k = 2u64;
    while primes.len() < 50 {
        if (2..k)
            .take_while(|d| d * d <= k)
            .all(|d| !k.is_multiple_of(d))
        {
            primes.push(k);
        }
        k += 1;
    }
    let want: Vec<u64> = primes.iter().rev().take(16).copied().collect();
    assert_eq!(
        want,
        [229, 227, 223, 211, 199, 197, 193, 191, 181, 179, 173, 167, 163, 157, 151, 149]
    );
    let got = run_example(EXAMPLE_NPRIME, EXAMPLE_NPRIME_INPUTS).unwrap();
    assert_eq!(got, want, "nprime");
}

// ---- std::collections::mmr (collections/mmr.rs), on the native hash -------------------------

/// Miden's `init_merkle_leaf`: the word `[v, 0, 0, 0]`.
fn leaf(v: u64) -> vm::core::Word {
    [Felt::new(v), Felt::new(0), Felt::new(0), Felt::new(0)]
}

fn word_ints(w: &vm::core::Word) -> Vec<u64> {
    w.iter().map(|f| f.as_int()).collect()
}

/// The peaks of an MMR of `leaves` (largest tree first), with `hash::merge` for nodes.
fn mmr_peaks(leaves: &[vm::core::Word]) -> Vec<vm::core::Word> {
    let mut peaks = vec![];
    let mut at = 0;
    for bit in (0..usize::BITS).rev() {
        let size = 1usize << bit;
        if leaves.len() & size != 0 {
            let mut level = leaves[at..at + size].to_vec();
            while level.len() > 1 {
                level = level.chunks(2).map(|p| hash::merge(&p[0], &p[1])).collect();
            }
            peaks.push(level[0]);
            at += size;
        }
    }
    peaks
}

/// The MMR commitment: `hash_elements` of the peaks padded with empty words to at least 16
/// and to an even number (Miden's `hash_peaks`, on our hash).
fn mmr_commitment(peaks: &[vm::core::Word]) -> vm::core::Word {
    let mut padded_peaks = peaks.to_vec();
    let len = padded_peaks.len().max(16).next_multiple_of(2);
    padded_peaks.resize(len, [Felt::new(0); 4]);
    hash::hash_elements(&padded_peaks.concat())
}

#[test]
fn mmr_programs() {
    let mut runs = Runs::new("std::collections::mmr");
    for (n, peaks) in [
        (0b0000, 0),
        (0b0001, 1),
        (0b0011, 2),
        (0b1100, 2),
        (0b1000_0000_0000_0000, 1),
        (0b1010_1100_0011_1001, 8),
        (0b1111_1111_1111_1111, 16),
        (0b1111_1111_1111_1111_0000, 16),
        (0b0001_1111_1111_1111_1111, 17),
    ] {
        runs.expect(MMR_NUM_LEAVES_TO_NUM_PEAKS, &[n], &[peaks]);
    }
    for (peaks, words) in [
        (1, 16),
        (2, 16),
        (3, 16),
        (4, 16),
        (7, 16),
        (11, 16),
        (16, 16),
        (17, 18),
        (18, 18),
        (19, 20),
        (20, 20),
        (21, 22),
        (22, 22),
    ] {
        runs.expect(MMR_NUM_PEAKS_TO_MESSAGE_SIZE, &[peaks], &[words * 4]);
    }

    // `get` with the trees in the Merkle store and the peaks on the advice stack.
    let mut run_get = |src: &str, trees: &[&[u64]], pos: usize| {
        let mut adv = AdviceInputs::default();
        let mut all = vec![];
        for t in trees {
            let leaves: Vec<_> = t.iter().map(|&v| leaf(v)).collect();
            let root = if leaves.len() == 1 {
                leaves[0]
            } else {
                adv.add_merkle_tree(&leaves)
            };
            adv.stack.extend(root);
            all.extend(leaves);
        }
        let want: Vec<u64> = word_ints(&all[pos]).into_iter().rev().collect();
        runs.n += 1;
        let out = execute(
            &assemble(src),
            StackInputs::default(),
            adv,
            &mut host(),
            ExecutionOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(out.stack.as_ints().to_vec(), padded(&want), "{src}");
    };
    let single: &[u64] = &[1, 2, 3, 4];
    for pos in 0..4u64 {
        let src = fill(
            MMR_GET_SINGLE_PEAK,
            &[],
            &[("num_leaves", "4".into()), ("pos", pos.to_string())],
        );
        run_get(&src, &[single], pos as usize);
    }
    let (t1, t2): (&[u64], &[u64]) = (&[1, 2, 3, 4, 5, 6, 7, 8], &[9, 10]);
    for pos in [0u64, 1, 2, 3, 7, 8, 9] {
        let src = fill(
            MMR_GET_TWO_PEAKS,
            &[],
            &[
                ("num_leaves", "10".into()),
                ("absolute_pos", pos.to_string()),
            ],
        );
        run_get(&src, &[t1, t2], pos as usize);
    }
    let t3: &[u64] = &[11];
    let src = fill(
        MMR_TREE_WITH_ONE_ELEMENT,
        &[],
        &[("num_leaves", "1".into()), ("pos", "0".into())],
    );
    run_get(&src, &[t3], 0);
    let src = fill(
        MMR_TREE_WITH_ONE_ELEMENT_2,
        &[],
        &[("num_leaves", "11".into()), ("pos", "10".into())],
    );
    run_get(&src, &[t1, t2, t3], 10);

    // `add`: one leaf, two leaves, seven leaves then `pack`.
    let mmr_ptr = [("mmr_ptr", "1000".to_string())];
    let src = fill(MMR_ADD_SINGLE, &[], &mmr_ptr);
    runs.expect_memory(&src, &[], &[], 1000, &[1, 0, 0, 0, 1, 2, 3, 4]);
    let src = fill(MMR_TWO, &[], &mmr_ptr);
    let w = |a: u64, b: u64, c: u64, d: u64| [a, b, c, d].map(Felt::new);
    let peaks = mmr_peaks(&[w(1, 2, 3, 4), w(5, 6, 7, 8)]);
    let mut mem = vec![2, 0, 0, 0];
    mem.extend(word_ints(&peaks[0]));
    runs.expect_memory(&src, &[], &[], 1000, &mem);
    let src = fill(MMR_ADD_MMR_LARGE, &[], &mmr_ptr);
    let leaves: Vec<_> = (1..=7).map(|v| w(0, 0, 0, v)).collect();
    let peaks = mmr_peaks(&leaves);
    assert_eq!(peaks.len(), 3);
    let mut mem = vec![7, 0, 0, 0];
    for p in &peaks {
        mem.extend(word_ints(p));
    }
    let want: Vec<u64> = word_ints(&mmr_commitment(&peaks))
        .into_iter()
        .rev()
        .collect();
    runs.expect_memory(&src, &[], &want, 1000, &mem);
}

/// Runs `src` with `stack` (Miden's order) and `adv` on the tracing executor: the outputs and
/// the root context's final memory, or the error's kind.
fn run_adv_memory(
    src: &str,
    stack: &[u64],
    adv: AdviceInputs,
) -> Result<(Vec<u64>, BTreeMap<u32, u64>), String> {
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).expect("stack inputs");
    let (out, trace) = execute_traced(
        &assemble(src),
        inputs,
        adv,
        &mut host(),
        ExecutionOptions::default(),
    )
    .map_err(|e| format!("{:?}", e.kind))?;
    let mut memory = BTreeMap::new();
    for access in trace.memory.iter().filter(|a| a.ctx == 0 && a.write) {
        memory.insert(access.addr, access.value.as_int());
    }
    Ok((out.stack.as_ints().to_vec(), memory))
}

/// Miden's `[mmr_ptr, h0, h1, h2, h3]` (`HASH` on top, then the pointer), and the advice map
/// entry `[n, 0, 0, 0] ++ padded peaks` under `HASH`.
fn mmr_unpack_inputs(
    n: u64,
    padded_peaks: &[vm::core::Word],
    ptrs: &[u64],
) -> (Vec<u64>, AdviceInputs, vm::core::Word) {
    let hash = hash::hash_elements(&padded_peaks.concat());
    let mut stack = ptrs.to_vec();
    stack.extend(word_ints(&hash));
    let mut values = vec![Felt::new(n), Felt::new(0), Felt::new(0), Felt::new(0)];
    values.extend(padded_peaks.concat());
    let mut adv = AdviceInputs::default();
    adv.map.insert(vm::processor::word_key(&hash), values);
    (stack, adv, hash)
}

fn check_memory(memory: &BTreeMap<u32, u64>, addr: u32, want: &[u64], what: &str) {
    for (i, &v) in want.iter().enumerate() {
        let a = addr + i as u32;
        assert_eq!(
            memory.get(&a).copied().unwrap_or(0),
            v,
            "{what}: memory {a}"
        );
    }
}

#[test]
fn mmr_unpack_and_pack_programs() {
    let mut runs = Runs::new("std::collections::mmr (unpack, pack)");
    let w = |v: u64| [Felt::new(0), Felt::new(0), Felt::new(0), Felt::new(v)];
    let empty = [Felt::new(0); 4];

    // unpack: 21 leaves (3 peaks), padded to 16 words.
    let mut peaks: Vec<_> = (1..=3).map(w).collect();
    peaks.resize(16, empty);
    let (stack, adv, _) = mmr_unpack_inputs(0b10101, &peaks, &[1000]);
    runs.n += 1;
    let (out, memory) = run_adv_memory(MMR_UNPACK, &stack, adv).unwrap();
    assert_eq!(out, padded(&[]));
    let mut want = vec![0b10101, 0, 0, 0];
    for v in 1..=3 {
        want.extend([0, 0, 0, v]);
    }
    check_memory(&memory, 1000, &want, "unpack");

    // The same with the map's data changed: the commitment check fails.
    let (stack, mut adv, hash) = mmr_unpack_inputs(0b10101, &peaks, &[1000]);
    adv.map.get_mut(&vm::processor::word_key(&hash)).unwrap()[4] += Felt::new(1);
    runs.n += 1;
    let e = run_adv_memory(MMR_UNPACK_INVALID_HASH, &stack, adv).unwrap_err();
    assert!(e.starts_with("FailedAssertion"), "{e}");

    // 17 peaks, padded to 18 words.
    let mut peaks: Vec<_> = (1..=17).map(w).collect();
    peaks.push(empty);
    let (stack, adv, _) = mmr_unpack_inputs(0b1_1111_1111_1111_1111, &peaks, &[1000]);
    runs.n += 1;
    let (out, memory) = run_adv_memory(MMR_UNPACK_LARGE_MMR, &stack, adv).unwrap();
    assert_eq!(out, padded(&[]));
    let mut want = vec![0b1_1111_1111_1111_1111, 0, 0, 0];
    for v in 1..=17 {
        want.extend([0, 0, 0, v]);
    }
    check_memory(&memory, 1000, &want, "unpack of 17 peaks");

    // unpack then pack: three leaves.
    let leaves: Vec<_> = (1..=3).map(leaf).collect();
    let mut padded_peaks = mmr_peaks(&leaves);
    let n_peaks = padded_peaks.len();
    padded_peaks.resize(16, empty);
    let (stack, adv, hash) = mmr_unpack_inputs(3, &padded_peaks, &[1000, 1000]);
    runs.n += 1;
    let (out, memory) = run_adv_memory(MMR_PACK_ROUNDTRIP, &stack, adv).unwrap();
    let want_hash: Vec<u64> = word_ints(&hash).into_iter().rev().collect();
    assert_eq!(out, padded(&want_hash), "pack after unpack");
    assert_eq!(hash, mmr_commitment(&padded_peaks[..n_peaks]));
    let mut want = vec![3, 0, 0, 0];
    for p in &padded_peaks {
        want.extend(word_ints(p));
    }
    check_memory(&memory, 1000, &want, "pack after unpack");

    // pack of a hand-written MMR: the commitment of its padded peaks (Miden checks the
    // advice map entry it writes; tests/stdlib_mmr.rs reads it back with unpack).
    runs.n += 1;
    let (out, _) = run_adv_memory(MMR_PACK, &[], AdviceInputs::default()).unwrap();
    let peaks = [leaf(1), leaf(2)];
    let want_hash: Vec<u64> = word_ints(&mmr_commitment(&peaks))
        .into_iter()
        .rev()
        .collect();
    assert_eq!(out, padded(&want_hash), "pack");

    // unpack 7 leaves, add an 8th, pack: one peak, the old ones cleared.
    let leaves: Vec<_> = (1..=7).map(w).collect();
    let mut padded_peaks = mmr_peaks(&leaves);
    padded_peaks.resize(16, empty);
    let (stack, adv, _) = mmr_unpack_inputs(7, &padded_peaks, &[1000]);
    let src = fill(MMR_LARGE_ADD_ROUNDTRIP, &[], &[("mmr_ptr", "1000".into())]);
    runs.n += 1;
    let (out, memory) = run_adv_memory(&src, &stack, adv).unwrap();
    let all: Vec<_> = (1..=8).map(w).collect();
    let new_peaks = mmr_peaks(&all);
    assert_eq!(new_peaks.len(), 1);
    let want_hash: Vec<u64> = word_ints(&mmr_commitment(&new_peaks))
        .into_iter()
        .rev()
        .collect();
    assert_eq!(out, padded(&want_hash), "add after unpack, then pack");
    let mut want = vec![8, 0, 0, 0];
    let mut padded_new = new_peaks.clone();
    padded_new.resize(16, empty);
    for p in &padded_new {
        want.extend(word_ints(p));
    }
    check_memory(&memory, 1000, &want, "add after unpack");
}

// ---- std::collections::smt (collections/smt.rs), on the native hash -------------------------

/// A sparse Merkle tree of depth 64 on the native hash, one key per leaf (as
/// tests/stdlib_smt.rs's reference): leaf index `k3`, a leaf holding (K, V) is
/// `hash::merge(K, V)` (Miden's single-entry leaf hash, on our hash).
#[derive(Clone, Default)]
struct Smt {
    pairs: BTreeMap<[u64; 4], [u64; 4]>,
}

impl Smt {
    fn leaves(&self) -> Vec<(u64, vm::core::Word)> {
        self.pairs
            .iter()
            .map(|(k, v)| (k[3], hash::merge(&k.map(Felt::new), &v.map(Felt::new))))
            .collect()
    }

    fn root(&self) -> vm::core::Word {
        AdviceInputs::default()
            .add_sparse_merkle_tree(&self.leaves())
            .unwrap()
    }

    /// Miden's `build_advice_inputs`: the tree's nodes and the leaves' preimages by hash.
    fn advice(&self) -> AdviceInputs {
        let mut a = AdviceInputs::default();
        a.add_sparse_merkle_tree(&self.leaves()).unwrap();
        for (k, v) in &self.pairs {
            let leaf = hash::merge(&k.map(Felt::new), &v.map(Felt::new));
            a.map
                .insert(vm::processor::word_key(&leaf), felts(&[*k, *v].concat()));
        }
        a
    }

    /// Inserts (or removes, for the empty value); returns the old value.
    fn insert(&mut self, k: [u64; 4], v: [u64; 4]) -> [u64; 4] {
        let old = self.pairs.get(&k).copied().unwrap_or([0; 4]);
        if v == [0; 4] {
            self.pairs.remove(&k);
        } else {
            self.pairs.insert(k, v);
        }
        old
    }
}

/// Miden's `build_expected_stack(w0, w1)`: both words, element 3 on top.
fn two_words(w0: &[u64; 4], w1: &vm::core::Word) -> Vec<u64> {
    let w1 = word_ints(w1);
    vec![w0[3], w0[2], w0[1], w0[0], w1[3], w1[2], w1[1], w1[0]]
}

/// Miden's `prepare_insert_or_set`: `[V, K, R]` (stack inputs in Miden's order), the advice
/// of the tree before, and the expected `[V_old, R_new]`; updates `smt`.
fn prepare_insert_or_set(
    key: [u64; 4],
    value: [u64; 4],
    smt: &mut Smt,
) -> (Vec<u64>, Vec<u64>, AdviceInputs) {
    let mut stack = word_ints(&smt.root());
    stack.extend(key);
    stack.extend(value);
    let adv = smt.advice();
    let old = smt.insert(key, value);
    (stack, two_words(&old, &smt.root()), adv)
}

#[test]
fn smt_programs() {
    let mut runs = Runs::new("std::collections::smt");
    let leaves = [
        ([101, 102, 103, 104], [1, 2, 3, 4]),
        ([105, 106, 107, 108], [5, 6, 7, 8]),
    ];
    let mut check = |src: &str, stack: &[u64], adv: AdviceInputs, want: Option<&[u64]>| {
        runs.n += 1;
        let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
        let out = execute(
            &assemble(src),
            inputs,
            adv,
            &mut host(),
            ExecutionOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}\n{src}"));
        if let Some(want) = want {
            assert_eq!(out.stack.as_ints().to_vec(), padded(want), "{src}");
        }
    };

    // get: every key, and an absent one.
    let mut smt = Smt::default();
    for (k, v) in leaves {
        smt.insert(k, v);
    }
    for (k, v) in leaves.iter().copied().chain([([42; 4], [0; 4])]) {
        let mut stack = word_ints(&smt.root());
        stack.extend(k);
        check(
            SMT_EXPECT_VALUE_FROM_GET,
            &stack,
            smt.advice(),
            Some(&two_words(&v, &smt.root())),
        );
    }

    // set: insert both, then remove them in reverse order, twice.
    let mut smt = Smt::default();
    let empty_root = smt.root();
    for _ in 0..2 {
        let mut old_roots = vec![];
        for (k, v) in leaves {
            old_roots.push(smt.root());
            let (stack, want, adv) = prepare_insert_or_set(k, v, &mut smt);
            check(SMT_ASSERT_INSERT_AND_REMOVE, &stack, adv, Some(&want));
        }
        for (k, old) in leaves.iter().rev() {
            let (stack, want, adv) = prepare_insert_or_set(*k, [0; 4], &mut smt);
            assert_eq!(want, two_words(old, &old_roots.pop().unwrap()));
            check(SMT_ASSERT_INSERT_AND_REMOVE, &stack, adv, Some(&want));
        }
        assert_eq!(smt.root(), empty_root);
    }

    // set on an existing key.
    let mut smt = Smt::default();
    for (k, v) in leaves {
        smt.insert(k, v);
    }
    let (stack, want, adv) = prepare_insert_or_set(leaves[0].0, [42323; 4], &mut smt);
    check(SMT_SET_SAME_KEY, &stack, adv, Some(&want));

    // the empty value to an empty leaf: the root stays the empty tree's.
    let mut smt = Smt::default();
    let (stack, want, adv) = prepare_insert_or_set([41, 42, 43, 44], [0; 4], &mut smt);
    check(SMT_SET_EMPTY_VALUE_TO_EMPTY_LEAF, &stack, adv, Some(&want));
    assert_eq!(smt.root(), empty_root);

    // set then `adv.push_smtpeek`: the program asserts the advice map holds the new value.
    let mut smt = Smt::default();
    let (stack, _, adv) = prepare_insert_or_set([41, 42, 43, 44], [42323; 4], &mut smt);
    check(SMT_SET_ADVICE_MAP_EMPTY_KEY, &stack, adv, None);
    let mut smt = Smt::default();
    for (k, v) in leaves {
        smt.insert(k, v);
    }
    let (stack, _, adv) = prepare_insert_or_set(leaves[0].0, [42323; 4], &mut smt);
    check(SMT_SET_ADVICE_MAP_SINGLE_KEY, &stack, adv, None);

    // the empty value to an absent key whose leaf holds another key.
    let mut smt = Smt::default();
    smt.insert([101, 102, 103, 42], [1, 2, 3, 4]);
    let (stack, want, adv) = prepare_insert_or_set([1, 12, 3, 42], [0; 4], &mut smt);
    check(
        SMT_SET_EMPTY_KEY_IN_NON_EMPTY_LEAF,
        &stack,
        adv,
        Some(&want),
    );
}

/// `std::crypto::hashes::rpo` (Miden's name, kept so that Miden's programs run) re-exports
/// every procedure of `rp64`, and nothing else.
#[test]
fn rpo_re_exports_every_rp64_procedure() {
    let exports = |path: &str, prefix: &str| -> Vec<String> {
        let src = vm::stdlib::module(path).expect("embedded").source;
        src.lines()
            .filter_map(|l| l.strip_prefix(prefix))
            .map(|n| n.split(['.', ' ']).next().unwrap().to_string())
            .collect()
    };
    let rp64 = exports("std::crypto::hashes::rp64", "export.");
    let rpo = exports("std::crypto::hashes::rpo", "export.rp64::");
    assert_eq!(rp64.len(), 9);
    assert_eq!(rpo, rp64);
}
