//! Shared helpers: assemble a source, run it on every executor, compare the whole stack.
//!
//! Stack notation follows Miden's documentation: `top_first` slices list the top of the
//! stack first (`[b, a]` means `b` on top). Inputs files and `StackInputs` use the opposite
//! order (the last value ends on top); the helpers convert.

#![allow(dead_code)]

use vm::core::hash;
use vm::processor::{execute, execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use vm::{assembly::Assembler, Felt, StackInputs};

/// The Goldilocks modulus.
pub const P: u64 = 0xffff_ffff_0000_0001;
/// The largest u32.
pub const U32_MAX: u64 = u32::MAX as u64;
/// 2^32, the smallest value that is not a u32.
pub const TWO32: u64 = 1 << 32;

/// Values placed under the arguments so that a test also checks that an instruction leaves
/// the rest of the stack alone (they are distinctive and never results of the tests).
pub const SENTINELS: [u64; 16] = [
    9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010, 9011, 9012, 9013, 9014, 9015, 9016,
];

/// A fresh default host for one run.
// `DefaultHost` is a unit struct today; `default()` keeps this right if it gains state.
#[allow(clippy::default_constructed_unit_structs)]
fn host() -> DefaultHost {
    DefaultHost::default()
}

/// What one successful run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The 16 output elements, top first.
    pub stack: [u64; 16],
    /// Executed cycles.
    pub cycles: u64,
    /// Final stack depth.
    pub depth: usize,
}

/// `a + b mod p` with u128 arithmetic (independent of the VM's field code).
pub fn fadd(a: u64, b: u64) -> u64 {
    ((a as u128 + b as u128) % P as u128) as u64
}

/// `a - b mod p`.
pub fn fsub(a: u64, b: u64) -> u64 {
    ((a as u128 + P as u128 - (b % P) as u128) % P as u128) as u64
}

/// `a * b mod p`.
pub fn fmul(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) % P as u128) as u64
}

/// `-a mod p`.
pub fn fneg(a: u64) -> u64 {
    fsub(0, a)
}

/// `a^e mod p` by square-and-multiply.
pub fn fpow(a: u64, mut e: u64) -> u64 {
    let (mut base, mut acc) = (a % P, 1u64);
    while e > 0 {
        if e & 1 == 1 {
            acc = fmul(acc, base);
        }
        base = fmul(base, base);
        e >>= 1;
    }
    acc
}

/// `a^-1 mod p` (Fermat); `a` must be non-zero.
pub fn finv(a: u64) -> u64 {
    assert!(!a.is_multiple_of(P), "inverse of zero");
    fpow(a, P - 2)
}

/// Field elements as canonical integers.
pub fn ints(fs: &[Felt]) -> Vec<u64> {
    fs.iter().map(|f| f.as_int()).collect()
}

/// Integers as field elements.
pub fn felts(xs: &[u64]) -> Vec<Felt> {
    xs.iter().map(|&x| Felt::new(x)).collect()
}

/// Runs `src` on every executor and returns the fast executor's outcome after checking
/// that the executors agree (same stack, cycles and depth, or the same error).
pub fn run_full(
    src: &str,
    stack_file_order: &[u64],
    advice: AdviceInputs,
    options: ExecutionOptions,
) -> Result<Outcome, String> {
    let program = Assembler::new()
        .assemble_source("test.masm", src)
        .map_err(|e| format!("assembly failed: {e:?}"))?;
    let inputs = StackInputs::try_from_ints(stack_file_order.iter().copied())
        .map_err(|e| format!("bad stack inputs: {e}"))?;
    let fast = execute(
        &program,
        inputs.clone(),
        advice.clone(),
        &mut host(),
        options,
    );
    let fast = match fast {
        Ok(out) => Ok(Outcome {
            stack: out.stack.as_ints().try_into().expect("16 outputs"),
            cycles: out.cycles,
            depth: out.final_depth,
        }),
        Err(e) => Err(error_text(&e)),
    };
    let traced = run_traced(&program, inputs.clone(), advice.clone(), options);
    assert_eq!(
        fast, traced,
        "the fast and tracing executors disagree on {src:?}"
    );
    if let Ok(out) = &fast {
        let small = out.cycles <= MAX_PROVEN_CYCLES && program.code().len() <= MAX_PROVEN_CODE;
        if small && uses_chiplet_proofs(&program) && first_proof_of(&program, src) {
            prove_and_verify(src, &program, inputs, advice, options);
        }
    }
    fast
}

/// The largest run `run_full` also proves: a few thousand cycles and instructions keep the
/// trace at 2^12 rows or less (2 attestation rows per instruction), so that the tests of
/// the standard library's large procedures (BLAKE3, SHA-256, ECDSA, thousands of cycles
/// per run) run them without proving each. Their proofs are the examples' and benchmarks'.
const MAX_PROVEN_CYCLES: u64 = 3_000;
/// See [`MAX_PROVEN_CYCLES`].
const MAX_PROVEN_CODE: usize = 1_000;

/// Whether `program` is provable and exercises what the memory proofs (memory, procedure
/// locals, `call` contexts), the u32 proofs (the range-checked u32 operations), the
/// bitwise chiplet (`u32and`, `u32xor`) or the hasher's request section (`hperm` and what
/// builds on it) constrain: such a run is also proven and verified.
fn uses_chiplet_proofs(program: &vm::Program) -> bool {
    use vm::core::Component::{Bitwise, Hasher, Memory, Range};
    let chiplet = program
        .code()
        .iter()
        .any(|i| matches!(i.op.component(), Memory | Range | Bitwise | Hasher));
    chiplet && vm_prover::check_provable(program).is_ok()
}

/// Whether this run should be proven: in the instruction tests (`tests/instructions`) every
/// run of a program that touches memory; otherwise the first run of each program shape (the
/// source with its numbers blanked), so that the comparison, u32 and standard-library tests'
/// hundreds of inputs prove each program once rather than once per input, and in the
/// standard library's tests only the first [`MAX_PROVEN_ELSEWHERE`] shapes.
fn first_proof_of(program: &vm::Program, src: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static PROVEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let memory = program
        .code()
        .iter()
        .any(|i| i.op.component() == vm::core::Component::Memory);
    if memory && env!("CARGO_CRATE_NAME") == "instructions" {
        return true;
    }
    let shape: String = src
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    let mut proven = PROVEN.get_or_init(Default::default).lock().unwrap();
    // Outside the instruction tests (the standard library's, which share this file) a few
    // programs per test binary: their runs take thousands of cycles each.
    if env!("CARGO_CRATE_NAME") != "instructions" && proven.len() >= MAX_PROVEN_ELSEWHERE {
        return false;
    }
    proven.insert(shape)
}

/// How many programs a test binary other than `tests/instructions` proves (see
/// [`first_proof_of`]).
const MAX_PROVEN_ELSEWHERE: usize = 6;

/// Proves the run at both security presets with zero knowledge on and verifies each proof
/// with the release-build verifier, from its bytes.
fn prove_and_verify(
    src: &str,
    program: &vm::Program,
    inputs: StackInputs,
    advice: AdviceInputs,
    options: ExecutionOptions,
) {
    for name in ["96", "128"] {
        let preset = vm_prover::preset::by_name(name).expect("a preset");
        let proved = vm_prover::prove(
            program,
            inputs.clone(),
            advice.clone(),
            &mut host(),
            options,
            preset,
        )
        .unwrap_or_else(|e| panic!("{src:?} runs but does not prove at {name}: {e}"));
        let proof = vm_verifier::VmProof::from_bytes(&proved.proof.to_bytes()).expect("bytes");
        vm_verifier::verify(
            program.hash(),
            inputs.clone(),
            proved.output.stack,
            &proof,
            preset.security_bits,
        )
        .unwrap_or_else(|e| panic!("{src:?} proved at {name} but does not verify: {e}"));
    }
}

/// The tracing executor's outcome, after checking the trace's shape against the outcome:
/// one row per cycle (clock 0, 1, ...), the first row holding the initial stack and the
/// last (the `HALT`) the output stack.
fn run_traced(
    program: &vm::Program,
    inputs: StackInputs,
    advice: AdviceInputs,
    options: ExecutionOptions,
) -> Result<Outcome, String> {
    let initial = inputs.padded();
    match execute_traced(program, inputs, advice, &mut host(), options) {
        Ok((out, trace)) => {
            assert_eq!(
                trace.rows.len() as u64,
                out.cycles,
                "one trace row per cycle"
            );
            for (i, row) in trace.rows.iter().enumerate() {
                assert_eq!(row.clk, i as u64, "trace row {i} has clock {}", row.clk);
            }
            let first = trace.rows.first().expect("at least the HALT row");
            let last = trace.rows.last().expect("at least the HALT row");
            assert_eq!(first.stack, initial, "first trace row vs stack inputs");
            assert_eq!(&last.stack, out.stack.top_first(), "HALT row vs outputs");
            assert_eq!(last.depth, out.final_depth, "HALT row depth vs final depth");
            Ok(Outcome {
                stack: out.stack.as_ints().try_into().expect("16 outputs"),
                cycles: out.cycles,
                depth: out.final_depth,
            })
        }
        Err(e) => Err(error_text(&e)),
    }
}

/// Separates what went wrong from where it happened in [`error_text`].
pub const LOCATION_MARK: &str = "\n--- at ---\n";

/// An execution error as text: the kind's name and fields (Debug, e.g. `DivideByZero`), its
/// message, then after [`LOCATION_MARK`] the full rendering with the source location (which
/// quotes the source line, so a message must be looked for before the mark).
fn error_text(e: &vm::processor::ExecutionError) -> String {
    format!("{:?}\n{}{LOCATION_MARK}{e}", e.kind, e.kind)
}

/// The part of an error text that says what went wrong, without the location.
pub fn what(error: &str) -> &str {
    error.split(LOCATION_MARK).next().unwrap_or(error)
}

/// Runs `src` with `stack` (file order: the last value ends on top) and `advice` (the
/// first value is popped first) on both executors; returns the 16 output elements.
pub fn run(src: &str, stack: &[u64], advice: &[u64]) -> Result<[u64; 16], String> {
    let advice = AdviceInputs {
        stack: felts(advice),
        ..Default::default()
    };
    run_full(src, stack, advice, ExecutionOptions::default()).map(|o| o.stack)
}

/// Like [`run`] with advice inputs given in full (map, Merkle store).
pub fn run_adv(src: &str, stack: &[u64], advice: AdviceInputs) -> Result<[u64; 16], String> {
    run_full(src, stack, advice, ExecutionOptions::default()).map(|o| o.stack)
}

/// Runs a program that must succeed.
pub fn ok(src: &str, stack: &[u64], advice: &[u64]) -> [u64; 16] {
    run(src, stack, advice).unwrap_or_else(|e| panic!("{src:?} on {stack:?} failed: {e}"))
}

/// Runs a program that must fail; returns the error text (kind, then message).
pub fn fails(src: &str, stack: &[u64], advice: &[u64]) -> String {
    match run(src, stack, advice) {
        Ok(out) => panic!("{src:?} on {stack:?} should fail but returned {out:?}"),
        Err(e) => e,
    }
}

/// Asserts that `src` fails at run time (not at assembly) with an error containing `what`.
pub fn fails_with(src: &str, stack: &[u64], advice: &[u64], what: &str) {
    let e = fails(src, stack, advice);
    assert!(
        !e.starts_with("assembly failed"),
        "{src:?} was rejected by the assembler, expected a run-time error: {e}"
    );
    assert!(
        self::what(&e).contains(what),
        "{src:?} on {stack:?}: expected {what:?} in {e}"
    );
}

/// Asserts that the assembler rejects `src`.
pub fn rejected(src: &str) {
    let r = Assembler::new().assemble_source("test.masm", src);
    assert!(r.is_err(), "the assembler accepted {src:?}");
}

/// Stack inputs (file order) holding `args` (top first) above sentinels, 16 values in all.
pub fn with_sentinels(args_top_first: &[u64]) -> Vec<u64> {
    assert!(args_top_first.len() <= 16);
    let mut file: Vec<u64> = SENTINELS[..16 - args_top_first.len()].to_vec();
    file.reverse(); // the first sentinel ends right under the arguments
    file.extend(args_top_first.iter().rev());
    file
}

/// The expected 16 outputs when `consumed` of the `args` (top first) are replaced by
/// `pushed` (top first): everything below is unchanged, zeros shift in at the bottom.
pub fn expected(args_top_first: &[u64], consumed: usize, pushed: &[u64]) -> [u64; 16] {
    let mut below: Vec<u64> = args_top_first[consumed..].to_vec();
    below.extend_from_slice(&SENTINELS[..16 - args_top_first.len()]);
    let mut out: Vec<u64> = pushed.to_vec();
    out.extend(below);
    out.resize(16, 0);
    out.truncate(16);
    out.try_into().unwrap()
}

/// Runs `src` on `args` (top first) above sentinels and checks the whole output stack:
/// `consumed` arguments replaced by `pushed` (top first).
pub fn check(src: &str, args_top_first: &[u64], consumed: usize, pushed: &[u64]) {
    let out = ok(src, &with_sentinels(args_top_first), &[]);
    let want = expected(args_top_first, consumed, pushed);
    assert_eq!(out, want, "{src:?} on {args_top_first:?} (top first)");
}

/// Like [`check`] for a program that must fail with an error containing `what`.
pub fn check_fails(src: &str, args_top_first: &[u64], what: &str) {
    fails_with(src, &with_sentinels(args_top_first), &[], what);
}

/// Wraps instructions in `begin .. end`.
pub fn prog(body: &str) -> String {
    format!("begin {body} end")
}

/// Instructions that store `elems` from `addr` (element i at `addr + i`; a last partial
/// word is padded with `pad`) and leave the stack as it was.
pub fn store_elems(addr: u64, elems: &[u64], pad: u64) -> String {
    let mut src = String::new();
    for (i, w) in elems.chunks(4).enumerate() {
        let mut w = w.to_vec();
        w.resize(4, pad);
        src += &format!(
            "push.{}.{}.{}.{} push.{} mem_storew dropw ",
            w[0],
            w[1],
            w[2],
            w[3],
            addr + 4 * i as u64
        );
    }
    src
}

/// The hasher state as `hperm` sees it: element j is stack position 11 - j.
pub type State = [u64; 12];

/// Applies the native permutation (`hperm`'s) to `state`.
pub fn permute(state: &mut State) {
    let mut s: [Felt; 12] = state.map(Felt::new);
    hash::permute(&mut s);
    *state = s.map(|f| f.as_int());
}

/// Stack (top first) of a state.
pub fn state_stack(state: &State) -> Vec<u64> {
    (0..12).map(|p| state[11 - p]).collect()
}

/// Every bundled example (`examples/<name>/<name>.masm` with `<name>.inputs`), by name.
pub const EXAMPLES: [&str; 12] = [
    "secret",
    "fib",
    "loops",
    "procedures",
    "memory",
    "u32",
    "advice",
    "merkle",
    "call",
    "hashes",
    "hbs",
    "ecdsa",
];

/// Examples too long for the tracing executor (which keeps every row: about 10 million
/// here): tests run them on the fast executor only.
pub const FAST_ONLY_EXAMPLES: [&str; 1] = ["ecdsa"];
