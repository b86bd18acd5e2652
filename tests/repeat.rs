//! `repeat.K`: unrolled short bodies give the stack of the body written out `K` times (and of
//! a `while` loop), report errors at the body's source lines, cost the cycles the layout in
//! `vm_assembly::lower::repeat` promises, and keep huge counts small.

use vm::assembly::lower::repeat::{plan, RepeatPlan, MAX_REPEAT_CODE, UNROLL_TARGET};
use vm::assembly::Assembler;
use vm::core::{Opcode, Program};
use vm::processor::{
    execute, DefaultHost, ExecutionError, ExecutionOptions, ExecutionOutput, Host,
};
use vm::prover::preset;
use vm::StackInputs;

fn assemble(src: &str) -> Program {
    Assembler::new()
        .assemble_source("t.masm", src)
        .unwrap_or_else(|e| panic!("{src} does not assemble: {e:?}"))
}

fn run_on(
    p: &Program,
    stack: &[u64],
    host: &mut impl Host,
) -> Result<ExecutionOutput, Box<ExecutionError>> {
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
    let options = ExecutionOptions::default().with_tracing(true);
    execute(p, inputs, Default::default(), host, options).map_err(Box::new)
}

fn run(src: &str, stack: &[u64]) -> ExecutionOutput {
    run_on(&assemble(src), stack, &mut DefaultHost).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// The length of the program body's code (up to its `HALT`; procedures follow it).
fn body_len(p: &Program) -> u64 {
    p.code().iter().position(|i| i.op == Opcode::Halt).unwrap() as u64
}

// ---- Miden's fib benchmark -----------------------------------------------------------------

/// (K, our cycles, F outputs (top two), Miden 0.17.2's cycles, Miden's padded trace length).
/// The outputs are those of the counted loop before unrolling.
const FIB: &[(u64, u64, [u64; 2], u64, u64)] = &[
    (
        1278,
        3865,
        [3814049726304709708, 11253485102961838562],
        3889,
        1 << 12,
    ),
    (
        5294,
        16007,
        [18307839672694916432, 16950333022585757887],
        16107,
        1 << 14,
    ),
    (
        21356,
        64566,
        [11877636888009988447, 13120490727686156782],
        64960,
        1 << 16,
    ),
    (
        85607,
        258813,
        [1921614482143173334, 6738806871736050597],
        260389,
        1 << 18,
    ),
];

#[test]
fn fib_pads_no_longer_than_miden() {
    for &(k, cycles, outputs, miden_cycles, miden_len) in FIB {
        let src = format!("begin repeat.{k} swap dup.1 add end end");
        let p = assemble(&src);
        let out = run_on(&p, &[0, 1], &mut DefaultHost).unwrap();
        assert_eq!(&out.stack.as_ints()[..2], &outputs, "K = {k}");
        assert_eq!(out.cycles, cycles, "K = {k}");
        // 43 copies of the 3-instruction body per NEXT: REPEAT, K/43 iterations of 130
        // cycles, K mod 43 bodies after the loop, HALT.
        assert_eq!(cycles, 1 + (k / 43) * 130 + (k % 43) * 3 + 1, "K = {k}");
        assert!(out.stats.padded_trace_len() <= miden_len, "K = {k}");
        // The prover's length: with the HALT row and the zero-knowledge random rows.
        let shape = vm::prover::trace::shape_without_memory(
            out.cycles as usize,
            out.final_depth,
            p.code().len(),
            preset::default_preset(),
        );
        assert!(shape.trace_len as u64 <= miden_len, "K = {k}: {shape:?}");
        // Within 0.2% of Miden's cycles.
        assert!(cycles * 1000 <= miden_cycles * 1002, "K = {k}");
    }
}

// ---- unrolled bodies mean what the body written out means -----------------------------------

/// Procedures the bodies may invoke: `f` with `exec` (same context), `g` with `call` (a new
/// context; the stack stays 16 deep, as `call` needs).
const PROCS: &str = "proc.f swap dup.1 add mul.3 end\nproc.g add.5 swap movup.3 end\n";

/// Depth-preserving snippets, straight-line and with control flow; the body of length `n`
/// is built from them.
const PIECES: &[&str] = &[
    "swap",
    "dup.1 add",
    "add.7",
    "mul.3",
    "movup.2",
    "movdn.3",
    "swap dup.1 add",
    "neg",
    "swapw",
    "dup.2 mul",
    // A data-dependent branch on the low bit of s0.
    "dup.0 u32split drop push.1 u32and if.true add.3 else mul.5 swap end",
    "dup.0 u32split drop push.1 u32and if.false movup.2 end",
    "push.3 push.1 while.true swap add.1 swap sub.1 dup.0 neq.0 end drop",
    "repeat.3 dup.1 add end",
    // A nested repeat that is itself unrolled (128 copies, 4 after the loop).
    "repeat.260 add.1 end",
    "exec.f",
    "call.g",
];

/// A tiny deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A body of exactly `n` native instructions, from random pieces that fit, the shortfall
/// filled with one-instruction pieces.
fn body_of_len(n: u64, rng: &mut Rng) -> String {
    let len_of = |s: &str| body_len(&assemble(&format!("{PROCS}begin {s} end")));
    let mut parts: Vec<&str> = Vec::new();
    let mut len = 0;
    for _ in 0..50 {
        let piece = PIECES[rng.below(PIECES.len())];
        let l = len_of(piece);
        if len + l <= n {
            parts.push(piece);
            len += l;
        }
    }
    while len < n {
        parts.push(["swap", "add.7", "mul.3", "movup.2", "neg"][rng.below(5)]);
        len += 1;
    }
    let body = parts.join(" ");
    assert_eq!(len_of(&body), n, "{body}");
    body
}

#[test]
fn unrolled_repeats_match_the_body_written_out_and_a_while_loop() {
    let stack: Vec<u64> = (1..=16).map(|i| i * 1_000_003 + 17).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut unrolled = 0;
    let (mut unrolled_bodies, mut bodies) = (String::new(), String::new());
    // Every short length, then lengths around U's steps up to U = 1.
    for n in (1..=70u64).chain([85, 86, 127, 128, 135, 136]) {
        let body = match n {
            // The unrolled nested repeat is 134 instructions long.
            135.. => format!("repeat.260 add.1 end {}", body_of_len(n - 134, &mut rng)),
            _ => body_of_len(n, &mut rng),
        };
        bodies += &body;
        let u = UNROLL_TARGET.div_ceil(n);
        let counts = [
            1,
            u - 1,
            u,
            u + 1,
            2 * u - 1,
            2 * u,
            2 * u + 1,
            2 * u + 3,
            5 * u + 7,
        ];
        for k in counts.into_iter().filter(|k| *k >= 1) {
            let looped = assemble(&format!("{PROCS}begin repeat.{k} {body} end end"));
            let written = format!(
                "{PROCS}begin {} end",
                vec![body.as_str(); k as usize].join(" ")
            );
            // The count lives in memory, which no piece touches.
            let while_loop = format!(
                "{PROCS}begin push.{k} mem_store.100 push.1 \
                 while.true {body} mem_load.100 sub.1 dup.0 mem_store.100 neq.0 end end"
            );
            let out = run_on(&looped, &stack, &mut DefaultHost).unwrap();
            let at = format!("K = {k}, body ({n}) = {body}");
            for reference in [written, while_loop] {
                let r = run(&reference, &stack);
                assert_eq!(out.stack, r.stack, "{at}");
                assert_eq!(out.final_depth, r.final_depth, "{at}");
            }
            let code = body_len(&looped);
            match plan(k, n, false) {
                RepeatPlan::Unrolled { copies, rest, .. } => {
                    unrolled += 1;
                    unrolled_bodies += &body;
                    assert_eq!(code, 2 + (copies + rest) * n, "{at}");
                    assert!(code <= MAX_REPEAT_CODE, "{at}");
                }
                _ => assert_eq!(code, n + 2, "{at}"),
            }
        }
    }
    assert!(unrolled > 200, "{unrolled}");
    for flow in [
        "if.true",
        "if.false",
        "while.true",
        "repeat.3",
        "exec",
        "call",
    ] {
        assert!(
            unrolled_bodies.contains(flow),
            "no unrolled body has {flow}"
        );
    }
    // An unrolled repeat is at least 130 instructions long, so a body holding one is a
    // counted loop (U = 1).
    assert!(bodies.contains("repeat.260"));
}

#[test]
fn repeat_zero_is_still_an_error() {
    let e = Assembler::new().assemble_source("t.masm", "begin repeat.0 add.1 end end");
    assert!(e.is_err());
}

/// Records `trace.N` ids in order.
#[derive(Default)]
struct Traces(Vec<u32>);

impl Host for Traces {
    fn on_trace(&mut self, id: u32) {
        self.0.push(id);
    }
}

#[test]
fn decorators_run_once_per_iteration_in_order() {
    for k in [1, 5, 31, 32, 64, 65, 1000, 1001] {
        let src = format!("begin trace.0 repeat.{k} trace.1 add.1 mul.2 trace.2 end trace.3 end");
        let p = assemble(&src);
        let mut host = Traces::default();
        let out = run_on(&p, &[3], &mut host).unwrap();
        let mut expected = vec![0];
        for _ in 0..k {
            expected.extend([1, 2]);
        }
        expected.push(3);
        assert_eq!(host.0, expected, "K = {k}");
        let mut v = 3u128;
        for _ in 0..k {
            v = (v + 1) * 2 % 0xffff_ffff_0000_0001;
        }
        assert_eq!(out.stack.as_ints()[0] as u128, v, "K = {k}");
    }
    // A body of decorators only still runs them K times.
    let mut host = Traces::default();
    run_on(
        &assemble("begin repeat.500 trace.4 end end"),
        &[],
        &mut host,
    )
    .unwrap();
    assert_eq!(host.0, vec![4; 500]);
}

#[test]
fn errors_in_an_unrolled_copy_report_the_body_line() {
    // The body runs 200 times as K / U loop iterations of U copies and K mod U copies
    // after the loop: iteration 150 fails inside the loop, 199 after it.
    for (stop, in_loop) in [(150, true), (199, false)] {
        let src = format!(
            "begin\n    push.0\n    repeat.200\n        add.1\n        \
             dup.0 neq.{stop} assert.err=\"reached {stop}\"\n    end\nend\n"
        );
        let p = assemble(&src);
        let e = run_on(&p, &[], &mut DefaultHost).unwrap_err();
        let loop_end = p.code().iter().position(|i| i.op == Opcode::Next).unwrap();
        assert_eq!((e.pc as usize) < loop_end, in_loop, "{e}");
        let at = e.location.as_ref().expect("a location");
        assert_eq!((at.file.as_str(), at.line), ("t.masm", 5), "{e}");
        assert!(e.to_string().contains(&format!("reached {stop}")), "{e}");
    }
}

// ---- huge counts ------------------------------------------------------------------------------

#[test]
fn huge_counts_stay_small_and_run() {
    let p = assemble("begin repeat.2000000 add.1 end end");
    assert!(p.code().len() <= 140, "{}", p.code().len());
    let out = run_on(&p, &[0], &mut DefaultHost).unwrap();
    assert_eq!(out.stack.as_ints()[0], 2_000_000);
    // 128 copies per NEXT.
    assert_eq!(out.cycles, 1 + 2_000_000 / 128 * 129 + 1);

    let p = assemble("begin repeat.2000 repeat.1000 add.1 end swap end end");
    assert!(
        p.code().len() as u64 <= MAX_REPEAT_CODE + 5,
        "{}",
        p.code().len()
    );
    let out = run_on(&p, &[0, 0], &mut DefaultHost).unwrap();
    assert_eq!(&out.stack.as_ints()[..2], &[1_000_000, 1_000_000]);

    // Four levels deep, the largest count: assembles, and only adds a few instructions
    // per level.
    let p = assemble(
        "begin repeat.4294967295 repeat.4294967295 repeat.4294967295 repeat.4294967295 \
         swap end end end end end",
    );
    assert!(
        p.code().len() as u64 <= MAX_REPEAT_CODE + 10,
        "{}",
        p.code().len()
    );
}
