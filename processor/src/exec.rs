//! The interpreter loop.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use vm_core::{
    hash, Decorator, Felt, FieldElement, Opcode, Program, StackInputs, StackOutputs, Word,
    FMP_INIT, STACK_TOP_SIZE, ZERO_WORD,
};
use winter_math::fields::QuadExtension;

use crate::errors::{ErrorKind, ExecutionError};
use crate::inputs::{empty_subtree_children, word_key, AdviceInputs};
use crate::trace::{CycleRow, ExecutionTrace, MemoryAccess, NoTrace, Tracer};
use crate::{ExecutionOptions, ExecutionOutput, Host, TraceStats};

type QuadFelt = QuadExtension<Felt>;

/// A fast multiplicative hasher for u32 memory addresses.
#[derive(Default, Clone, Copy)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.0 = (self.0.rotate_left(5) ^ x as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type Memory = HashMap<u32, Felt, BuildHasherDefault<AddrHasher>>;

const U32_LIMIT: u64 = 1 << 32;

/// Entries of the per-opcode counters (opcodes are 7 bits).
const OPS: usize = 128;

#[derive(Clone, Copy, Debug)]
enum Frame {
    /// `CALL`: return address.
    Call { ret: u32 },
    /// `CALLCTX`: return address and the caller's context, fmp and stack floor.
    CallCtx {
        ret: u32,
        ctx: u32,
        fmp: Felt,
        floor: usize,
    },
    /// `REPEAT`: remaining iterations.
    Loop { count: u64 },
}

struct Vm<'a, H: Host, T: Tracer> {
    program: &'a Program,
    host: &'a mut H,
    options: ExecutionOptions,
    /// Operand stack, top at the end. Elements below `floor` belong to callers.
    stack: Vec<Felt>,
    floor: usize,
    /// Advice stack, top (next to pop) at the end.
    adv: Vec<Felt>,
    advice: AdviceInputs,
    mems: Vec<Memory>,
    ctx: u32,
    fmp: Felt,
    cstack: Vec<Frame>,
    clk: u64,
    stats: TraceStats,
    /// Executions of each opcode, for the trace statistics.
    executions: [u64; OPS],
    /// Merkle-tree levels walked by each opcode (operations priced per level).
    levels: [u64; OPS],
    tracer: T,
}

/// Executes `program` on the given inputs until `HALT`.
pub fn execute(
    program: &Program,
    stack: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
) -> Result<ExecutionOutput, ExecutionError> {
    run_with(program, stack, advice, host, options, NoTrace).map(|(out, _)| out)
}

/// Executes `program` like [`execute`] and also records the execution trace (one row per
/// cycle, plus the memory and hash logs) that the prover will consume. Slower than
/// [`execute`]; both share one interpreter, so their outputs, cycles and errors agree.
pub fn execute_traced(
    program: &Program,
    stack: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
) -> Result<(ExecutionOutput, ExecutionTrace), ExecutionError> {
    run_with(
        program,
        stack,
        advice,
        host,
        options,
        ExecutionTrace::default(),
    )
}

fn run_with<T: Tracer>(
    program: &Program,
    stack: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
    tracer: T,
) -> Result<(ExecutionOutput, T), ExecutionError> {
    let mut init: Vec<Felt> = Vec::with_capacity(1024);
    init.extend(stack.padded().iter().rev());
    let mut adv = advice.stack.clone();
    adv.reverse();
    let mut vm = Vm {
        program,
        host,
        options,
        stack: init,
        floor: 0,
        adv,
        advice: AdviceInputs {
            stack: Vec::new(),
            ..advice
        },
        mems: vec![Memory::default()],
        ctx: 0,
        fmp: Felt::new(FMP_INIT),
        cstack: Vec::new(),
        clk: 0,
        stats: TraceStats {
            program: program.code().len() as u64,
            ..Default::default()
        },
        executions: [0; OPS],
        levels: [0; OPS],
        tracer,
    };
    vm.run()?;
    let depth = vm.stack.len();
    let top: Vec<Felt> = vm
        .stack
        .iter()
        .rev()
        .take(STACK_TOP_SIZE)
        .copied()
        .collect();
    vm.stats.stack = vm.clk;
    for info in vm_core::OPCODES {
        let code = info.code as usize;
        vm.stats
            .add_executions(info.op, vm.executions[code], vm.levels[code]);
    }
    let out = ExecutionOutput {
        stack: StackOutputs::new(&top).expect("16 elements"),
        cycles: vm.clk,
        final_depth: depth,
        stats: vm.stats,
    };
    Ok((out, vm.tracer))
}

#[inline(always)]
fn u32_of(v: Felt) -> Result<u64, ErrorKind> {
    let x = v.as_int();
    if x < U32_LIMIT {
        Ok(x)
    } else {
        Err(ErrorKind::NotU32 {
            value: v,
            message: None,
        })
    }
}

#[inline(always)]
fn bin_of(v: Felt) -> Result<bool, ErrorKind> {
    match v.as_int() {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(ErrorKind::NotBinary { value: v }),
    }
}

#[inline(always)]
fn addr_of(v: Felt) -> Result<u32, ErrorKind> {
    let x = v.as_int();
    if x < U32_LIMIT {
        Ok(x as u32)
    } else {
        Err(ErrorKind::AddressOutOfRange { addr: x })
    }
}

#[inline(always)]
fn word_addr_of(v: Felt) -> Result<u32, ErrorKind> {
    let a = addr_of(v)?;
    if a % 4 != 0 {
        return Err(ErrorKind::UnalignedWordAccess { addr: a as u64 });
    }
    Ok(a)
}

#[inline(always)]
fn felt_bool(b: bool) -> Felt {
    if b {
        Felt::ONE
    } else {
        Felt::ZERO
    }
}

/// `hash(a || b)` in a domain: the Rp64_256 state is `[8, domain, 0, 0, a0..a3, b0..b3]`
/// (capacity 0..4, rate 4..12), permuted once; the digest is elements 4..8. With domain 0
/// this is `hash::merge(a, b)` (Rp64_256's merge sets the first capacity element to 8, the
/// number of rate elements); Miden's `Rpo256::merge_in_domain` likewise puts the domain in
/// capacity element 1 of its own `merge` state.
pub(crate) fn merge_in_domain(a: &Word, b: &Word, domain: Felt) -> Word {
    let mut state = [Felt::ZERO; hash::STATE_WIDTH];
    state[0] = Felt::new(8);
    state[1] = domain;
    state[4..8].copy_from_slice(a);
    state[8..12].copy_from_slice(b);
    hash::permute(&mut state);
    [state[4], state[5], state[6], state[7]]
}

impl<H: Host, T: Tracer> Vm<'_, H, T> {
    // ---------------------------------------------------------------- stack helpers

    #[inline(always)]
    fn get(&self, i: usize) -> Felt {
        self.stack[self.stack.len() - 1 - i]
    }

    #[inline(always)]
    fn set(&mut self, i: usize, v: Felt) {
        let n = self.stack.len();
        self.stack[n - 1 - i] = v;
    }

    #[inline(always)]
    fn push(&mut self, v: Felt) {
        self.stack.push(v);
    }

    #[inline(always)]
    fn pop(&mut self) -> Felt {
        let v = self.stack.pop().expect("stack never below 16");
        if self.stack.len() - self.floor < STACK_TOP_SIZE {
            self.shift_in_zero();
        }
        v
    }

    #[cold]
    fn shift_in_zero(&mut self) {
        self.stack.insert(self.floor, Felt::ZERO);
    }

    #[inline(always)]
    fn depth(&self) -> usize {
        self.stack.len() - self.floor
    }

    /// Word at stack positions i..i+4 in word order (element 0 at s[i+3]).
    fn get_word(&self, i: usize) -> Word {
        [
            self.get(i + 3),
            self.get(i + 2),
            self.get(i + 1),
            self.get(i),
        ]
    }

    fn set_word(&mut self, i: usize, w: &Word) {
        for (j, &e) in w.iter().enumerate() {
            self.set(i + 3 - j, e);
        }
    }

    fn top16(&self) -> [Felt; STACK_TOP_SIZE] {
        let mut t = [Felt::ZERO; STACK_TOP_SIZE];
        for (i, slot) in t.iter_mut().enumerate() {
            *slot = self.get(i);
        }
        t
    }

    // ---------------------------------------------------------------- memory / advice

    #[inline(always)]
    fn mem_read(&self, a: u32) -> Felt {
        self.mems[self.ctx as usize]
            .get(&a)
            .copied()
            .unwrap_or(Felt::ZERO)
    }

    #[inline(always)]
    fn mem_write(&mut self, a: u32, v: Felt) {
        if T::ENABLED {
            let (ctx, clk) = (self.ctx, self.clk - 1); // clk already counts this cycle
            self.tracer.memory(MemoryAccess {
                ctx,
                addr: a,
                clk,
                value: v,
                write: true,
            });
        }
        self.mems[self.ctx as usize].insert(a, v);
    }

    /// A memory read by an operation (recorded in the trace; decorators use `mem_read`).
    #[inline(always)]
    fn mem_load(&mut self, a: u32) -> Felt {
        let v = self.mem_read(a);
        if T::ENABLED {
            let (ctx, clk) = (self.ctx, self.clk - 1); // clk already counts this cycle
            self.tracer.memory(MemoryAccess {
                ctx,
                addr: a,
                clk,
                value: v,
                write: false,
            });
        }
        v
    }

    #[inline(always)]
    fn adv_pop(&mut self) -> Result<Felt, ErrorKind> {
        self.adv.pop().ok_or(ErrorKind::AdviceStackEmpty)
    }

    /// Pushes values onto the advice stack so that `values[0]` is popped first.
    fn adv_extend(&mut self, values: &[Felt]) {
        self.adv.extend(values.iter().rev());
    }

    /// Walks the Merkle store from `root` to the node at (`depth`, `index`); returns the node
    /// and the siblings from the bottom up (in `sibs[..depth]`).
    fn merkle_path(
        &self,
        root: &Word,
        depth: u64,
        index: u64,
        sibs: &mut [Word; 64],
    ) -> Result<Word, ErrorKind> {
        let not_found = || ErrorKind::MerkleNodeNotFound {
            root: hash::word_to_hex(root),
        };
        if depth > 64 || (depth < 64 && index >> depth != 0) {
            return Err(not_found());
        }
        let mut node = *root;
        for level in (0..depth).rev() {
            // Roots of empty subtrees are known without being stored, as in Miden's Merkle
            // store (which starts out with them).
            let (l, r) = match self.advice.merkle_nodes.get(&word_key(&node)) {
                Some(&children) => children,
                None => empty_subtree_children(&node).ok_or_else(not_found)?,
            };
            if (index >> level) & 1 == 0 {
                sibs[level as usize] = r;
                node = l;
            } else {
                sibs[level as usize] = l;
                node = r;
            }
        }
        Ok(node)
    }

    // ---------------------------------------------------------------- errors

    #[cold]
    fn error(&self, kind: ErrorKind, pc: usize, clk: u64) -> ExecutionError {
        let rets = self.cstack.iter().rev().filter_map(|f| match f {
            Frame::Call { ret } | Frame::CallCtx { ret, .. } => Some(*ret),
            Frame::Loop { .. } => None,
        });
        ExecutionError::new(kind, self.program, pc as u32, clk, rets)
    }

    /// An error of the instruction at `pc`: failures that Miden reports with the
    /// instruction's assertion message (`u32assert*.err=`, `mtree_verify.err=`) get the
    /// message attached to the instruction, like `ASSERT` failures.
    #[cold]
    fn op_error(&self, mut kind: ErrorKind, pc: usize, clk: u64) -> ExecutionError {
        if let ErrorKind::NotU32 { message, .. } | ErrorKind::MerkleNodeMismatch { message, .. } =
            &mut kind
        {
            if message.is_none() {
                *message = self.program.message_at(pc as u32).map(str::to_string);
            }
        }
        self.error(kind, pc, clk)
    }

    // ---------------------------------------------------------------- main loop

    fn run(&mut self) -> Result<(), ExecutionError> {
        let program = self.program;
        let code = program.code();
        // Decorators per address, as a CSR index into `decs`.
        let mut decs: Vec<(u32, &Decorator)> = program
            .debug()
            .decorators
            .iter()
            .map(|(a, d)| (*a, d))
            .collect();
        decs.sort_by_key(|d| d.0);
        let mut dec_off = vec![0u32; code.len() + 1];
        for (a, _) in &decs {
            if (*a as usize) < code.len() {
                dec_off[*a as usize + 1] += 1;
            }
        }
        for i in 0..code.len() {
            dec_off[i + 1] += dec_off[i];
        }
        let has_decs = !decs.is_empty();
        let max = self.options.max_cycles;

        let mut pc: usize = 0;
        loop {
            let clk = self.clk;
            macro_rules! t {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(k) => return Err(self.op_error(k, pc, clk)),
                    }
                };
            }
            macro_rules! fail {
                ($k:expr) => {
                    return Err(self.op_error($k, pc, clk))
                };
            }
            if clk >= max {
                fail!(ErrorKind::CycleLimitExceeded { limit: max });
            }
            if T::ENABLED {
                let row = CycleRow {
                    clk,
                    pc: pc as u32,
                    instruction: code[pc],
                    stack: self.top16(),
                    depth: self.depth(),
                    ctx: self.ctx,
                    fmp: self.fmp,
                    control_depth: self.cstack.len(),
                };
                self.tracer.cycle(row);
            }
            let ins = code[pc];
            if has_decs {
                let (s, e) = (dec_off[pc] as usize, dec_off[pc + 1] as usize);
                if s != e {
                    for (_, d) in &decs[s..e] {
                        // A decorator's failure is not the instruction's: no message.
                        if let Err(k) = self.decorator(d, pc) {
                            return Err(self.error(k, pc, clk));
                        }
                    }
                }
            }
            self.clk = clk + 1;
            self.executions[ins.op as usize % OPS] += 1;
            let mut next = pc + 1;
            match ins.op {
                // ---- control flow
                Opcode::Noop => {}
                Opcode::Halt => return Ok(()),
                Opcode::Jmp => next = ins.imm.as_int() as usize,
                Opcode::Jmpz => {
                    let c = t!(bin_of(self.get(0)));
                    self.pop();
                    if !c {
                        next = ins.imm.as_int() as usize;
                    }
                }
                Opcode::Jmpnz => {
                    let c = t!(bin_of(self.get(0)));
                    self.pop();
                    if c {
                        next = ins.imm.as_int() as usize;
                    }
                }
                Opcode::Call => {
                    self.cstack.push(Frame::Call { ret: next as u32 });
                    next = ins.imm.as_int() as usize;
                }
                Opcode::CallCtx => {
                    self.cstack.push(Frame::CallCtx {
                        ret: next as u32,
                        ctx: self.ctx,
                        fmp: self.fmp,
                        floor: self.floor,
                    });
                    self.floor = self.stack.len() - STACK_TOP_SIZE;
                    self.mems.push(Memory::default());
                    self.ctx = (self.mems.len() - 1) as u32;
                    self.fmp = Felt::new(FMP_INIT);
                    next = ins.imm.as_int() as usize;
                }
                Opcode::Ret => match self.cstack.last().copied() {
                    Some(Frame::Call { ret }) => {
                        self.cstack.pop();
                        next = ret as usize;
                    }
                    Some(Frame::CallCtx {
                        ret,
                        ctx,
                        fmp,
                        floor,
                    }) => {
                        let depth = self.depth();
                        if depth != STACK_TOP_SIZE {
                            fail!(ErrorKind::InvalidReturnDepth { depth });
                        }
                        self.cstack.pop();
                        // The callee's memory context is never used again.
                        let cur = self.ctx as usize;
                        self.mems[cur] = Memory::default();
                        self.ctx = ctx;
                        self.fmp = fmp;
                        self.floor = floor;
                        next = ret as usize;
                    }
                    _ => fail!(ErrorKind::ControlStackMismatch("RET without a call frame")),
                },
                Opcode::Repeat => self.cstack.push(Frame::Loop {
                    count: ins.imm.as_int(),
                }),
                Opcode::Next => match self.cstack.last_mut() {
                    Some(Frame::Loop { count }) => {
                        *count -= 1;
                        if *count != 0 {
                            next = ins.imm.as_int() as usize;
                        } else {
                            self.cstack.pop();
                        }
                    }
                    _ => fail!(ErrorKind::ControlStackMismatch("NEXT without a loop frame")),
                },
                // ---- system
                Opcode::Assert => {
                    let v = self.get(0);
                    if v != Felt::ONE {
                        fail!(ErrorKind::FailedAssertion {
                            message: program.message_at(pc as u32).map(str::to_string),
                            value: v
                        });
                    }
                    self.pop();
                }
                Opcode::Emit => {
                    let id = ins.imm.as_int() as u32;
                    let top = self.top16();
                    if let Err(message) = self.host.on_event(id, &top) {
                        fail!(ErrorKind::EventError { id, message });
                    }
                }
                Opcode::Sdepth => {
                    let d = self.depth() as u64;
                    self.push(Felt::new(d));
                }
                Opcode::Fmpadd => {
                    let v = self.fmp + ins.imm;
                    self.push(v);
                }
                Opcode::Fmpupdate => self.fmp += ins.imm,
                // ---- field
                Opcode::Add => {
                    let b = self.pop();
                    let a = self.get(0);
                    self.set(0, a + b);
                }
                Opcode::Neg => {
                    let a = self.get(0);
                    self.set(0, -a);
                }
                Opcode::Mul => {
                    let b = self.pop();
                    let a = self.get(0);
                    self.set(0, a * b);
                }
                Opcode::Inv => {
                    let a = self.get(0);
                    if a == Felt::ZERO {
                        fail!(ErrorKind::InverseOfZero);
                    }
                    self.set(0, a.inv());
                }
                Opcode::Incr => {
                    let a = self.get(0);
                    self.set(0, a + Felt::ONE);
                }
                Opcode::Addi => {
                    let a = self.get(0);
                    self.set(0, a + ins.imm);
                }
                Opcode::Muli => {
                    let a = self.get(0);
                    self.set(0, a * ins.imm);
                }
                Opcode::Eq => {
                    let b = self.pop();
                    let a = self.get(0);
                    self.set(0, felt_bool(a == b));
                }
                Opcode::Eqz => {
                    let a = self.get(0);
                    self.set(0, felt_bool(a == Felt::ZERO));
                }
                Opcode::Not => {
                    let a = t!(bin_of(self.get(0)));
                    self.set(0, felt_bool(!a));
                }
                Opcode::And | Opcode::Or => {
                    let b = t!(bin_of(self.get(0)));
                    let a = t!(bin_of(self.get(1)));
                    self.pop();
                    let r = if ins.op == Opcode::And {
                        a && b
                    } else {
                        a || b
                    };
                    self.set(0, felt_bool(r));
                }
                Opcode::Expacc => {
                    let base = self.get(1);
                    let acc = self.get(2);
                    let exp = self.get(3).as_int();
                    let bit = exp & 1;
                    let acc = if bit == 1 { acc * base } else { acc };
                    self.set(0, Felt::new(bit));
                    self.set(1, base.square());
                    self.set(2, acc);
                    self.set(3, Felt::new(exp >> 1));
                }
                Opcode::Ext2mul => {
                    let (b1, b0, a1, a0) = (self.get(0), self.get(1), self.get(2), self.get(3));
                    let c = QuadFelt::new(a0, a1) * QuadFelt::new(b0, b1);
                    let c = c.to_base_elements();
                    self.set(2, c[1]);
                    self.set(3, c[0]);
                }
                // ---- u32
                Opcode::U32split => {
                    let a = self.get(0).as_int();
                    self.set(0, Felt::new(a & 0xffff_ffff));
                    self.push(Felt::new(a >> 32));
                }
                Opcode::U32add => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    let s = a + b;
                    self.set(0, Felt::new(s >> 32));
                    self.set(1, Felt::new(s & 0xffff_ffff));
                }
                Opcode::U32add3 => {
                    let c = t!(u32_of(self.get(0)));
                    let b = t!(u32_of(self.get(1)));
                    let a = t!(u32_of(self.get(2)));
                    let s = a + b + c;
                    self.pop();
                    self.set(0, Felt::new(s >> 32));
                    self.set(1, Felt::new(s & 0xffff_ffff));
                }
                Opcode::U32sub => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    self.set(0, felt_bool(a < b));
                    self.set(1, Felt::new(a.wrapping_sub(b) & 0xffff_ffff));
                }
                Opcode::U32mul => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    let p = a * b;
                    self.set(0, Felt::new(p >> 32));
                    self.set(1, Felt::new(p & 0xffff_ffff));
                }
                Opcode::U32madd => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    let c = t!(u32_of(self.get(2)));
                    let p = a * b + c;
                    self.pop();
                    self.set(0, Felt::new(p >> 32));
                    self.set(1, Felt::new(p & 0xffff_ffff));
                }
                Opcode::U32div => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    if b == 0 {
                        fail!(ErrorKind::DivideByZero);
                    }
                    self.set(0, Felt::new(a % b));
                    self.set(1, Felt::new(a / b));
                }
                Opcode::U32assert2 => {
                    t!(u32_of(self.get(0)));
                    t!(u32_of(self.get(1)));
                }
                Opcode::U32and | Opcode::U32xor => {
                    let b = t!(u32_of(self.get(0)));
                    let a = t!(u32_of(self.get(1)));
                    self.pop();
                    let r = if ins.op == Opcode::U32and {
                        a & b
                    } else {
                        a ^ b
                    };
                    self.set(0, Felt::new(r));
                }
                // ---- stack
                Opcode::Pad => self.push(Felt::ZERO),
                Opcode::Drop => {
                    self.pop();
                }
                Opcode::Dup0
                | Opcode::Dup1
                | Opcode::Dup2
                | Opcode::Dup3
                | Opcode::Dup4
                | Opcode::Dup5
                | Opcode::Dup6
                | Opcode::Dup7
                | Opcode::Dup8
                | Opcode::Dup9
                | Opcode::Dup10
                | Opcode::Dup11
                | Opcode::Dup12
                | Opcode::Dup13
                | Opcode::Dup14
                | Opcode::Dup15 => {
                    let n = (ins.op as u8 - Opcode::Dup0 as u8) as usize;
                    let v = self.get(n);
                    self.push(v);
                }
                Opcode::Swap => {
                    let n = self.stack.len();
                    self.stack.swap(n - 1, n - 2);
                }
                Opcode::Swapw | Opcode::Swapw2 | Opcode::Swapw3 => {
                    let k = 4 * (ins.op as u8 - Opcode::Swapw as u8 + 1) as usize;
                    let n = self.stack.len();
                    for i in 0..4 {
                        self.stack.swap(n - 1 - i, n - 1 - i - k);
                    }
                }
                Opcode::Swapdw => {
                    let n = self.stack.len();
                    for i in 0..8 {
                        self.stack.swap(n - 1 - i, n - 9 - i);
                    }
                }
                Opcode::Movup2
                | Opcode::Movup3
                | Opcode::Movup4
                | Opcode::Movup5
                | Opcode::Movup6
                | Opcode::Movup7
                | Opcode::Movup8
                | Opcode::Movup9
                | Opcode::Movup10
                | Opcode::Movup11
                | Opcode::Movup12
                | Opcode::Movup13
                | Opcode::Movup14
                | Opcode::Movup15 => {
                    let k = (ins.op as u8 - Opcode::Movup2 as u8 + 2) as usize;
                    let n = self.stack.len();
                    self.stack[n - 1 - k..].rotate_left(1);
                }
                Opcode::Movdn2
                | Opcode::Movdn3
                | Opcode::Movdn4
                | Opcode::Movdn5
                | Opcode::Movdn6
                | Opcode::Movdn7
                | Opcode::Movdn8
                | Opcode::Movdn9
                | Opcode::Movdn10
                | Opcode::Movdn11
                | Opcode::Movdn12
                | Opcode::Movdn13
                | Opcode::Movdn14
                | Opcode::Movdn15 => {
                    let k = (ins.op as u8 - Opcode::Movdn2 as u8 + 2) as usize;
                    let n = self.stack.len();
                    self.stack[n - 1 - k..].rotate_right(1);
                }
                Opcode::Cswap => {
                    let c = t!(bin_of(self.get(0)));
                    self.pop();
                    if c {
                        let n = self.stack.len();
                        self.stack.swap(n - 1, n - 2);
                    }
                }
                Opcode::Cswapw => {
                    let c = t!(bin_of(self.get(0)));
                    self.pop();
                    if c {
                        let n = self.stack.len();
                        for i in 0..4 {
                            self.stack.swap(n - 1 - i, n - 5 - i);
                        }
                    }
                }
                // ---- input / output
                Opcode::Push => self.push(ins.imm),
                Opcode::Advpop => {
                    let v = t!(self.adv_pop());
                    self.push(v);
                }
                Opcode::Advpopw => {
                    if self.adv.len() < 4 {
                        fail!(ErrorKind::AdviceStackEmpty);
                    }
                    for i in 0..4 {
                        let v = self.adv.pop().expect("checked");
                        self.set(3 - i, v);
                    }
                }
                Opcode::Mload => {
                    let a = t!(addr_of(self.get(0)));
                    let v = self.mem_load(a);
                    self.set(0, v);
                }
                Opcode::Mloadw => {
                    let a = t!(word_addr_of(self.get(0)));
                    self.pop();
                    for i in 0..4u32 {
                        let v = self.mem_load(a + i);
                        self.set(3 - i as usize, v);
                    }
                }
                Opcode::Mstore => {
                    let a = t!(addr_of(self.get(0)));
                    self.pop();
                    let v = self.get(0);
                    self.mem_write(a, v);
                }
                Opcode::Mstorew => {
                    let a = t!(word_addr_of(self.get(0)));
                    self.pop();
                    for i in 0..4u32 {
                        let v = self.get(3 - i as usize);
                        self.mem_write(a + i, v);
                    }
                }
                Opcode::Mstream => {
                    let a = t!(word_addr_of(self.get(12)));
                    for i in 0..8u32 {
                        let v = self.mem_load(a + i);
                        self.set(7 - i as usize, v);
                    }
                    self.set(12, Felt::new(a as u64 + 8));
                }
                Opcode::Pipe => {
                    let a = t!(word_addr_of(self.get(12)));
                    if self.adv.len() < 8 {
                        fail!(ErrorKind::AdviceStackEmpty);
                    }
                    for i in 0..8u32 {
                        let v = self.adv.pop().expect("checked");
                        self.mem_write(a + i, v);
                        self.set(7 - i as usize, v);
                    }
                    self.set(12, Felt::new(a as u64 + 8));
                }
                // ---- crypto
                Opcode::Hperm => {
                    let mut state = [Felt::ZERO; 12];
                    for (i, s) in state.iter_mut().enumerate() {
                        *s = self.get(11 - i);
                    }
                    let input = state;
                    hash::permute(&mut state);
                    if T::ENABLED {
                        self.tracer.permutation(input, state);
                    }
                    for (i, s) in state.iter().enumerate() {
                        self.set(11 - i, *s);
                    }
                }
                Opcode::Mpverify => {
                    let node = self.get_word(0);
                    let depth = self.get(4).as_int();
                    let index = self.get(5).as_int();
                    let root = self.get_word(6);
                    let mut sibs = [ZERO_WORD; 64];
                    let found = t!(self.merkle_path(&root, depth, index, &mut sibs));
                    if found != node {
                        fail!(ErrorKind::MerkleNodeMismatch {
                            root: hash::word_to_hex(&root),
                            depth,
                            index,
                            message: None,
                        });
                    }
                    self.levels[ins.op as usize % OPS] += depth;
                }
                Opcode::Mrupdate => {
                    let old = self.get_word(0);
                    let depth = self.get(4).as_int();
                    let index = self.get(5).as_int();
                    let root = self.get_word(6);
                    let new = self.get_word(10);
                    let mut sibs = [ZERO_WORD; 64];
                    let found = t!(self.merkle_path(&root, depth, index, &mut sibs));
                    if found != old {
                        fail!(ErrorKind::MerkleNodeMismatch {
                            root: hash::word_to_hex(&root),
                            depth,
                            index,
                            message: None,
                        });
                    }
                    let mut cur = new;
                    for level in 0..depth {
                        let sib = sibs[level as usize];
                        let (l, r) = if (index >> level) & 1 == 0 {
                            (cur, sib)
                        } else {
                            (sib, cur)
                        };
                        cur = hash::merge(&l, &r);
                        self.advice.merkle_nodes.insert(word_key(&cur), (l, r));
                    }
                    self.set_word(0, &cur);
                    self.levels[ins.op as usize % OPS] += depth;
                }
            }
            if next >= code.len() {
                // `Program::new` rejects code that can get here; stop with an error rather
                // than index outside the code.
                let kind = ErrorKind::PcOutOfRange {
                    next: next as u64,
                    len: code.len() as u64,
                };
                return Err(self.error(kind, pc, clk));
            }
            pc = next;
        }
    }

    // ---------------------------------------------------------------- decorators

    fn decorator(&mut self, d: &Decorator, pc: usize) -> Result<(), ErrorKind> {
        let unsupported = |name: &str| ErrorKind::EventError {
            id: 0,
            message: format!("decorator {name} is not supported"),
        };
        match d {
            Decorator::AdvPushMapval(i) | Decorator::AdvPushMapvalN(i) => {
                let key = self.get_word(*i as usize);
                let k = word_key(&key);
                let values = self
                    .advice
                    .map
                    .get(&k)
                    .ok_or_else(|| ErrorKind::MapKeyNotFound {
                        key: hash::word_to_hex(&key),
                    })?
                    .clone();
                self.adv_extend(&values);
                if matches!(d, Decorator::AdvPushMapvalN(_)) {
                    self.adv.push(Felt::new(values.len() as u64));
                }
            }
            Decorator::AdvPushMtnode => {
                let depth = self.get(0).as_int();
                let index = self.get(1).as_int();
                let root = self.get_word(2);
                let mut sibs = [ZERO_WORD; 64];
                let node = self.merkle_path(&root, depth, index, &mut sibs)?;
                self.adv_extend(&node);
            }
            Decorator::AdvPushU64Div => {
                // [b_hi, b_lo, a_hi, a_lo]; pops as q_lo, q_hi, r_lo, r_hi (Miden's
                // `push_u64_div_result`, which checks the divisor, then zero, then the
                // dividend).
                let b_hi = u32_of(self.get(0))?;
                let b_lo = u32_of(self.get(1))?;
                let b = (b_hi << 32) | b_lo;
                if b == 0 {
                    return Err(ErrorKind::DivideByZero);
                }
                let a_hi = u32_of(self.get(2))?;
                let a_lo = u32_of(self.get(3))?;
                let a = (a_hi << 32) | a_lo;
                let (q, r) = (a / b, a % b);
                let m = 0xffff_ffff;
                self.adv_extend(&[
                    Felt::new(q & m),
                    Felt::new(q >> 32),
                    Felt::new(r & m),
                    Felt::new(r >> 32),
                ]);
            }
            Decorator::AdvInsertMem => {
                // [KEY, start, end]: KEY -> mem[start..end], start <= end (Miden's
                // `insert_mem_values_into_adv_map`).
                let key = self.get_word(0);
                let start = addr_of(self.get(4))?;
                let end = addr_of(self.get(5))?;
                if start > end {
                    return Err(ErrorKind::InvalidMemoryRange {
                        start: start as u64,
                        end: end as u64,
                    });
                }
                let values: Vec<Felt> = (start..end).map(|a| self.mem_read(a)).collect();
                self.advice.map.insert(word_key(&key), values);
            }
            Decorator::AdvInsertHdword | Decorator::AdvInsertHdwordD => {
                // [B, A, (domain)]: hash(A || B, domain) -> [A, B] (Miden's
                // `insert_hdword_into_adv_map`); the domain is s8 for `_d`, else zero.
                let domain = if matches!(d, Decorator::AdvInsertHdwordD) {
                    self.get(8)
                } else {
                    Felt::ZERO
                };
                let w0 = self.get_word(0);
                let w1 = self.get_word(4);
                let key = merge_in_domain(&w1, &w0, domain);
                let mut values = Vec::with_capacity(8);
                values.extend_from_slice(&w1);
                values.extend_from_slice(&w0);
                self.advice.map.insert(word_key(&key), values);
            }
            Decorator::AdvInsertHperm => {
                let mut state = [Felt::ZERO; 12];
                for (i, s) in state.iter_mut().enumerate() {
                    *s = self.get(11 - i);
                }
                let values = state[4..12].to_vec();
                hash::permute(&mut state);
                let key = [state[4], state[5], state[6], state[7]];
                self.advice.map.insert(word_key(&key), values);
            }
            Decorator::AdvPushExt2Inv => {
                let a1 = self.get(0);
                let a0 = self.get(1);
                let e = QuadFelt::new(a0, a1);
                if e == QuadFelt::ZERO {
                    return Err(ErrorKind::InverseOfZero);
                }
                let r = e.inv().to_base_elements();
                self.adv_extend(&[r[0], r[1]]);
            }
            Decorator::AdvPushU32Clz
            | Decorator::AdvPushU32Ctz
            | Decorator::AdvPushU32Clo
            | Decorator::AdvPushU32Cto => {
                let x = u32_of(self.get(0))? as u32;
                let n = match d {
                    Decorator::AdvPushU32Clz => x.leading_zeros(),
                    Decorator::AdvPushU32Ctz => x.trailing_zeros(),
                    Decorator::AdvPushU32Clo => x.leading_ones(),
                    _ => x.trailing_ones(),
                };
                self.adv.push(Felt::new(n as u64));
            }
            Decorator::AdvPushIlog2 => {
                let x = self.get(0).as_int();
                if x == 0 {
                    return Err(ErrorKind::LogOfZero);
                }
                self.adv.push(Felt::new(63 - x.leading_zeros() as u64));
            }
            Decorator::AdvPushFalconDiv => {
                // [a_hi, a_lo] with M = 12289; pops as q_hi, q_lo, r (three values, as
                // Miden's `push_falcon_mod_result`; r < M needs no high limb).
                let a_lo = u32_of(self.get(1))?;
                let a_hi = u32_of(self.get(0))?;
                let a = (a_hi << 32) | a_lo;
                let (q, r) = (a / 12289, a % 12289);
                self.adv_extend(&[Felt::new(q >> 32), Felt::new(q & 0xffff_ffff), Felt::new(r)]);
            }
            Decorator::AdvPushSmtPeek => {
                // [KEY, ROOT]: Miden's `push_smtpeek_result` on its SMT (depth 64, leaf index
                // KEY[3] = s0). An empty leaf gives the empty word; otherwise the advice map
                // holds the leaf's preimage [K0, V0, K1, V1, ...] and the value stored under
                // KEY (or the empty word) is pushed, element 0 popped first.
                let key = self.get_word(0);
                let root = self.get_word(4);
                let mut sibs = [ZERO_WORD; 64];
                let leaf = self.merkle_path(&root, 64, key[3].as_int(), &mut sibs)?;
                let value = if leaf == ZERO_WORD {
                    ZERO_WORD
                } else {
                    let node = || hash::word_to_hex(&leaf);
                    let pairs = self
                        .advice
                        .map
                        .get(&word_key(&leaf))
                        .ok_or_else(|| ErrorKind::SmtLeafNotFound { node: node() })?;
                    if pairs.len() % 8 != 0 {
                        return Err(ErrorKind::SmtLeafPreimageInvalid {
                            node: node(),
                            len: pairs.len(),
                        });
                    }
                    pairs
                        .chunks_exact(8)
                        .find(|kv| kv[..4] == key)
                        .map(|kv| [kv[4], kv[5], kv[6], kv[7]])
                        .unwrap_or(ZERO_WORD)
                };
                self.adv_extend(&value);
            }
            Decorator::AdvMerkleMerge => {
                // `mtree_merge` on [R, L]: the new root merge(L, R) becomes a node of the store.
                let right = self.get_word(0);
                let left = self.get_word(4);
                self.advice.add_merkle_node(left, right);
            }
            Decorator::AdvHasMapKey => {
                let key = word_key(&self.get_word(0));
                let flag = Felt::new(u64::from(self.advice.map.contains_key(&key)));
                self.adv_extend(&[flag]);
            }
            Decorator::DebugStack(n) => {
                if self.options.enable_debug {
                    let depth = self.depth();
                    let n = n.map(|n| (n as usize).min(depth)).unwrap_or(depth);
                    let vals: Vec<String> =
                        (0..n).map(|i| self.get(i).as_int().to_string()).collect();
                    let text = format!("stack (depth {depth}): [{}]", vals.join(", "));
                    self.host.on_debug(&text);
                }
            }
            Decorator::DebugAdvStack(n) => {
                if self.options.enable_debug {
                    let len = self.adv.len();
                    let n = n.map(|n| (n as usize).min(len)).unwrap_or(len);
                    let vals: Vec<String> = self
                        .adv
                        .iter()
                        .rev()
                        .take(n)
                        .map(|v| v.as_int().to_string())
                        .collect();
                    let text = format!("advice stack (size {len}): [{}]", vals.join(", "));
                    self.host.on_debug(&text);
                }
            }
            Decorator::DebugMem(a, b) => {
                if self.options.enable_debug {
                    let text = match (a, b) {
                        (None, _) => {
                            let mut cells: Vec<(u32, Felt)> = self.mems[self.ctx as usize]
                                .iter()
                                .map(|(k, v)| (*k, *v))
                                .collect();
                            cells.sort_by_key(|c| c.0);
                            let vals: Vec<String> = cells
                                .iter()
                                .map(|(k, v)| format!("{k}: {}", v.as_int()))
                                .collect();
                            format!("memory (context {}): {{{}}}", self.ctx, vals.join(", "))
                        }
                        (Some(a), None) => format!("mem[{a}] = {}", self.mem_read(*a).as_int()),
                        (Some(a), Some(b)) => {
                            let vals: Vec<String> = (*a..=*b)
                                .map(|x| self.mem_read(x).as_int().to_string())
                                .collect();
                            format!("mem[{a}..={b}] = [{}]", vals.join(", "))
                        }
                    };
                    self.host.on_debug(&text);
                }
            }
            Decorator::DebugLocal(i, j) => {
                if self.options.enable_debug {
                    // The current procedure's frame lies just below fmp; local k is at
                    // fmp - frame + k (the frame is the local count rounded up to a multiple
                    // of 4, which is exact when the declared count is a multiple of 4).
                    let fmp = self.fmp.as_int();
                    let frame = self
                        .program
                        .procedure_at(pc as u32)
                        .map(|p| p.num_locals as u64)
                        .unwrap_or(0);
                    let (i, j) = match (i, j) {
                        (None, _) => (0, frame.saturating_sub(1)),
                        (Some(i), None) => (*i as u64, *i as u64),
                        (Some(i), Some(j)) => (*i as u64, *j as u64),
                    };
                    let vals: Vec<String> = (i..=j)
                        .map(|k| {
                            let a = fmp.wrapping_sub(frame).wrapping_add(k);
                            if a < U32_LIMIT {
                                self.mem_read(a as u32).as_int().to_string()
                            } else {
                                "?".to_string()
                            }
                        })
                        .collect();
                    self.host
                        .on_debug(&format!("locals[{i}..={j}] = [{}]", vals.join(", ")));
                }
            }
            Decorator::Trace(id) => {
                if self.options.enable_tracing {
                    self.host.on_trace(*id);
                }
            }
            Decorator::Comment(_) => {}
            #[allow(unreachable_patterns)]
            _ => return Err(unsupported("(unknown)")),
        }
        Ok(())
    }
}
