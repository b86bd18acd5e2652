//! `repeat.K`: a counted loop whose short bodies are unrolled, so that an iteration costs
//! (nearly) no cycle of its own.
//!
//! A counted loop `REPEAT n; B; NEXT` pays one `NEXT` cycle per iteration: on Miden's fib
//! benchmark (`repeat.K swap dup.1 add end`) that is 4 cycles per 3-instruction iteration.
//! The body is therefore lowered once, measured (`L` native instructions) and laid out by
//! [`plan`]:
//!
//! | case | native code | cycles beyond `K` bodies |
//! | --- | --- | --- |
//! | `L = 0`, no decorators | nothing | 0 |
//! | `L >= 128`, `K < 2U`, or `L = 0` with decorators | `REPEAT K; B; NEXT` | `1 + K` |
//! | otherwise | `REPEAT K/U; B x U; NEXT; B x (K mod U)` | `1 + K/U` |
//!
//! with `U = ceil(128 / L)`, so that `U` copies hold at least [`UNROLL_TARGET`] = 128
//! instructions and the loop's `NEXT` costs at most one cycle per 128 of the body (0.8%;
//! for fib, `U = 43`: 130 cycles per 129). Why these bounds:
//!
//! - The loop's own cycles decide trace lengths at the edge of a power of two: Miden's fib
//!   benchmark sized for 2^12 (`K = 1335`, 4,005 body cycles) runs 4,038 cycles with
//!   `U = 43` and fits 2^12 with the prover's 46 zero-knowledge rows, where `U = 22` (a
//!   target of 64) ran 4,067 and needed 2^13. Miden unrolls a repeat completely, so its
//!   count is 4,005 plus its own overhead.
//! - Code stays small whatever `K` is: an unrolled repeat has at most `(2U - 1) L + 2 <=
//!   256 + L <= 383` instructions, a counted loop `L + 2`. A repeat that is the body of
//!   another is therefore at most 383 instructions long or already a loop, and nesting adds
//!   at most two instructions per level beyond that: `repeat.2000000` and nested repeats
//!   assemble to a few hundred instructions and run as loops. Code size costs trace rows:
//!   the hash chiplet spends 2 rows per instruction on attesting the program. An unrolled
//!   repeat spends about `2 (U + K mod U) L` of them on `K L` cycles, at most 4/3 per cycle
//!   (at `K = 3U - 1`), less than the 2 of the same loop written out (`docs/performance.md`,
//!   "Program attestation").
//! - A small count (`K < 2U`) stays a counted loop: unrolling it would save at most `2U`
//!   cycles per execution of the loop for up to `(2U - 1) L` instructions of code, and it
//!   keeps the `REPEAT`/`NEXT` loops of short programs that the prover's soundness tests
//!   forge.
//! - `L` counts native instructions, not cycles: a body with a branch may execute fewer (its
//!   loop then pays more than 1/64 per iteration) and one with `exec` or `while` more.
//!
//! A copy is the first lowering of the body, pasted with its branch targets moved (`JMP`,
//! `JMPZ`, `JMPNZ` and `NEXT` only ever jump inside the body they were lowered in), and with
//! its source spans, decorators, assertion messages and call fixups duplicated: every copy
//! reports the body's own source lines, and the body's errors are reported once.

use vm_core::{Felt, Instruction, Opcode, SourceSpan};

use super::instructions::LowerContext;
use super::{Linker, ProcId};
use crate::ast::{Op, Span};

/// The native instructions `U` copies of an unrolled body hold at least.
pub const UNROLL_TARGET: u64 = 128;

/// The most native instructions an unrolled repeat lowers to: `(2U - 1) L + 2 <=
/// 2 UNROLL_TARGET + L` with `L < UNROLL_TARGET` (a counted loop is its body plus two).
pub const MAX_REPEAT_CODE: u64 = 3 * UNROLL_TARGET - 1;

/// How `repeat.K` is laid out, from `K` and the body's length (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepeatPlan {
    /// An empty body without decorators: no code at all.
    Nothing,
    /// `REPEAT K; B; NEXT`.
    Loop,
    /// `REPEAT iterations; B x copies; NEXT; B x rest`, with
    /// `K = iterations * copies + rest`, `iterations >= 2` and `rest < copies`.
    Unrolled {
        /// Copies of the body inside the loop (`U`).
        copies: u64,
        /// Loop iterations (`K / U`).
        iterations: u64,
        /// Copies after the loop (`K mod U`).
        rest: u64,
    },
}

/// The layout of `repeat.count` over a body of `len` native instructions; `decorated` says
/// whether the body has decorators (which an empty body must still run `count` times).
pub fn plan(count: u64, len: u64, decorated: bool) -> RepeatPlan {
    if len == 0 {
        return if decorated {
            RepeatPlan::Loop
        } else {
            RepeatPlan::Nothing
        };
    }
    let copies = UNROLL_TARGET.div_ceil(len);
    if copies == 1 || count < 2 * copies {
        return RepeatPlan::Loop;
    }
    RepeatPlan::Unrolled {
        copies,
        iterations: count / copies,
        rest: count % copies,
    }
}

/// A lowered body, cut out of the code so that it can be pasted anywhere: addresses are
/// relative to its first instruction.
struct Body {
    /// Where it was lowered: its branch targets are absolute from here.
    start: usize,
    code: Vec<Instruction>,
    spans: Vec<Option<SourceSpan>>,
    decorators: Vec<(u32, super::Hint)>,
    messages: Vec<(u32, String)>,
    fixups: Vec<(usize, ProcId)>,
    /// Decorators after the last instruction: they attach to what follows each copy.
    tail: Vec<super::Hint>,
}

impl Linker<'_> {
    /// Lowers `repeat.count body end` (the count already checked to be in 1..=2^32-1).
    pub(super) fn repeat(
        &mut self,
        module: usize,
        count: u64,
        body: &[Op],
        span: Span,
        ctx: &LowerContext,
        caller: Option<ProcId>,
    ) {
        // Decorators before the loop attach to its first instruction, whichever it is.
        let before = std::mem::take(&mut self.pending);
        let body = self.lower_body(module, body, ctx, caller);
        self.pending = before;
        let here = Some((module, span));
        let decorated = !body.decorators.is_empty() || !body.tail.is_empty();
        let (iterations, copies, rest) = match plan(count, body.code.len() as u64, decorated) {
            RepeatPlan::Nothing => return,
            RepeatPlan::Loop => (count, 1, 0),
            RepeatPlan::Unrolled {
                copies,
                iterations,
                rest,
            } => (iterations, copies, rest),
        };
        let ins = Instruction::with_imm(Opcode::Repeat, Felt::new(iterations));
        self.emit(ins, here, None);
        let head = self.code.len() as u64;
        for _ in 0..copies {
            self.paste(&body);
        }
        let ins = Instruction::with_imm(Opcode::Next, Felt::new(head));
        self.emit(ins, here, None);
        for _ in 0..rest {
            self.paste(&body);
        }
    }

    /// Lowers a loop body at the end of the code and cuts it out again.
    fn lower_body(
        &mut self,
        module: usize,
        body: &[Op],
        ctx: &LowerContext,
        caller: Option<ProcId>,
    ) -> Body {
        let start = self.code.len();
        let (decorators, messages, fixups) = (
            self.decorators.len(),
            self.messages.len(),
            self.fixups.len(),
        );
        self.block(module, body, ctx, caller);
        let rel = |a: u32| a - start as u32;
        Body {
            start,
            code: self.code.split_off(start),
            spans: self.spans.split_off(start),
            decorators: (self.decorators.split_off(decorators).into_iter())
                .map(|(a, d)| (rel(a), d))
                .collect(),
            messages: (self.messages.split_off(messages).into_iter())
                .map(|(a, m)| (rel(a), m))
                .collect(),
            fixups: (self.fixups.split_off(fixups).into_iter())
                .map(|(a, id)| (a - start, id))
                .collect(),
            tail: std::mem::take(&mut self.pending),
        }
    }

    /// Appends a copy of `body`; decorators waiting for an instruction attach to its first.
    fn paste(&mut self, body: &Body) {
        let base = self.code.len();
        if !body.code.is_empty() {
            for d in self.pending.drain(..) {
                self.decorators.push((base as u32, d));
            }
        }
        let at = |a: u32| a + base as u32;
        self.decorators
            .extend(body.decorators.iter().map(|(a, d)| (at(*a), d.clone())));
        self.messages
            .extend(body.messages.iter().map(|(a, m)| (at(*a), m.clone())));
        self.fixups
            .extend(body.fixups.iter().map(|(a, id)| (a + base, *id)));
        let end = body.start + body.code.len();
        self.code.extend(body.code.iter().map(|ins| {
            let mut ins = *ins;
            if matches!(
                ins.op,
                Opcode::Jmp | Opcode::Jmpz | Opcode::Jmpnz | Opcode::Next
            ) {
                let target = ins.imm.as_int() as usize;
                debug_assert!(
                    (body.start..=end).contains(&target),
                    "a branch leaves its loop body"
                );
                ins.imm = Felt::new((target - body.start + base) as u64);
            }
            ins
        }));
        self.spans.extend_from_slice(&body.spans);
        self.pending.extend(body.tail.iter().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_unrolls_short_bodies_of_large_counts() {
        use RepeatPlan::*;
        assert_eq!(plan(5, 0, false), Nothing);
        assert_eq!(plan(5, 0, true), Loop);
        // fib: 3 instructions, 43 copies (129 instructions) per iteration.
        assert_eq!(plan(85, 3, false), Loop);
        assert_eq!(
            plan(86, 3, false),
            Unrolled {
                copies: 43,
                iterations: 2,
                rest: 0
            }
        );
        assert_eq!(
            plan(21356, 3, false),
            Unrolled {
                copies: 43,
                iterations: 496,
                rest: 28
            }
        );
        assert_eq!(plan(1_000_000, 128, false), Loop);
        assert_eq!(
            plan(1_000_000, 127, false),
            Unrolled {
                copies: 2,
                iterations: 500_000,
                rest: 0
            }
        );
    }

    #[test]
    fn every_plan_runs_the_body_count_times_within_the_code_bound() {
        for len in 1..=200u64 {
            for count in (1..600).chain([u32::MAX as u64]) {
                let at = format!("K = {count}, L = {len}");
                match plan(count, len, false) {
                    RepeatPlan::Nothing => panic!("{at}"),
                    RepeatPlan::Loop => {
                        assert!(len >= UNROLL_TARGET || count < 2 * UNROLL_TARGET, "{at}")
                    }
                    RepeatPlan::Unrolled {
                        copies,
                        iterations,
                        rest,
                    } => {
                        assert_eq!(iterations * copies + rest, count, "{at}");
                        assert!(iterations >= 2 && rest < copies, "{at}");
                        // One NEXT per at least 128 body instructions.
                        assert!(copies * len >= UNROLL_TARGET, "{at}");
                        assert!((copies + rest) * len + 2 <= MAX_REPEAT_CODE, "{at}");
                    }
                }
            }
        }
    }
}
