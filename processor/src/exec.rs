//! The interpreter loop.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use vm_core::{
    hash, Decorator, Felt, FieldElement, Instruction, Opcode, Program, StackInputs, StackOutputs,
    Word, FMP_INIT, STACK_TOP_SIZE, ZERO_WORD,
};
use winter_math::fields::QuadExtension;

use crate::errors::{ErrorKind, ExecutionError};
use crate::inputs::{empty_subtree_children, word_key, AdviceInputs};
use crate::trace::{
    BitwiseOp, BitwiseRequest, CycleRow, ExecutionTrace, HasherRequest, MemoryAccess, MerkleOp,
    NoTrace, RangeCheck, TableOp, TableOps, Tracer,
};
use crate::{ExecutionOptions, ExecutionOutput, Host, TraceStats};

type QuadFelt = QuadExtension<Felt>;

/// A fast multiplicative hasher for u32 memory addresses.
#[derive(Default, Clone, Copy)]
pub struct AddrHasher(u64);

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

/// One memory context: element address to value (absent elements are zero).
pub type Memory = HashMap<u32, Felt, BuildHasherDefault<AddrHasher>>;

const U32_LIMIT: u64 = 1 << 32;

/// Entries of the per-opcode counters (opcodes are 7 bits).
const OPS: usize = 128;

/// A control-stack frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `CALL`: the return address.
    Call(u32),
    /// `CALLCTX`: return address and the caller's context, fmp and stack floor (the index in
    /// the whole operand stack where the callee's part starts).
    CallCtx {
        /// Return address.
        ret: u32,
        /// The caller's memory context.
        ctx: u32,
        /// The caller's frame pointer.
        fmp: Felt,
        /// The caller's stack floor.
        floor: usize,
    },
    /// `REPEAT`: the remaining iterations.
    Loop(u64),
}

impl Frame {
    /// The control registers the frame shows while on top: (value, kind).
    fn registers(&self) -> (Felt, Felt) {
        match *self {
            Frame::Call(ret) | Frame::CallCtx { ret, .. } => (Felt::from(ret), Felt::ONE),
            Frame::Loop(count) => (Felt::new(count), Felt::ZERO),
        }
    }
}

/// What [`Vm::exec_cycle`] returns for `HALT` instead of the next address (code is shorter
/// than 2^32 instructions). A plain `usize` that the next fetch's bounds check catches keeps
/// the loop at one test per cycle (an enum with a payload was spilled to memory).
pub(crate) const HALTED: usize = usize::MAX;

pub(crate) struct Vm<'a, H: Host, T: Tracer> {
    pub(crate) program: &'a Program,
    pub(crate) host: &'a mut H,
    pub(crate) options: ExecutionOptions,
    /// Operand stack, top at the end. Elements below `floor` belong to callers.
    pub(crate) stack: Vec<Felt>,
    pub(crate) floor: usize,
    /// Advice stack, top (next to pop) at the end.
    pub(crate) adv: Vec<Felt>,
    pub(crate) advice: AdviceInputs,
    pub(crate) mems: Vec<Memory>,
    pub(crate) ctx: u32,
    pub(crate) fmp: Felt,
    pub(crate) cstack: Vec<Frame>,
    pub(crate) clk: u64,
    pub(crate) stats: TraceStats,
    /// Executions of each opcode, for the trace statistics.
    pub(crate) executions: [u64; OPS],
    /// Merkle-tree levels walked by each opcode (operations priced per level).
    pub(crate) levels: [u64; OPS],
    pub(crate) tracer: T,
    /// Tracing only: the overflow table address of every stack element below the top 16
    /// (`stack[j]` has `ovf_addrs[j]`, callers' elements included) ...
    pub(crate) ovf_addrs: Vec<Felt>,
    /// ... and of every control frame (`cstack[j]` has `ctl_addrs[j]`).
    pub(crate) ctl_addrs: Vec<Felt>,
    /// Testing only: failed checks are recorded in `ignored` instead of ending the run.
    pub(crate) lenient: bool,
    pub(crate) ignored: Vec<ExecutionError>,
    /// A conflict between the program's advice map and the advice inputs, reported by the
    /// first cycle (before it runs).
    pub(crate) init_error: Option<ExecutionError>,
}

/// Executes `program` on the given inputs until `HALT`.
pub fn execute(
    program: &Program,
    stack: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
) -> Result<ExecutionOutput, ExecutionError> {
    let mut vm = Vm::new(program, stack, advice, host, options, NoTrace);
    vm.run()?;
    Ok(vm.output())
}

/// Executes `program` like [`execute`] and also records the execution trace (one row per
/// cycle with the table registers, plus the chiplet requests) that the prover will consume.
/// Slower than [`execute`]; both share one interpreter, so their outputs, cycles and errors
/// agree.
pub fn execute_traced(
    program: &Program,
    stack: StackInputs,
    advice: AdviceInputs,
    host: &mut impl Host,
    options: ExecutionOptions,
) -> Result<(ExecutionOutput, ExecutionTrace), ExecutionError> {
    let mut vm = Vm::new(
        program,
        stack,
        advice,
        host,
        options,
        ExecutionTrace::default(),
    );
    vm.run()?;
    let out = vm.output();
    Ok((out, vm.tracer))
}

/// Adds the program's advice-map entries (its `adv_map` declarations) to the advice map of
/// the inputs, as Miden loads a MAST forest's advice map before execution. An entry whose
/// key the inputs already map to the same values is accepted; to different values, it is
/// an error (Miden's `MapKeyAlreadyPresent`), reported before the first cycle.
fn merge_program_advice(
    program: &Program,
    advice: &mut AdviceInputs,
) -> Result<(), ExecutionError> {
    for e in program.advice_map() {
        let key = word_key(&e.key);
        match advice.map.get(&key) {
            None => {
                advice.map.insert(key, e.values.clone());
            }
            Some(v) if *v == e.values => {}
            Some(v) => {
                return Err(ExecutionError {
                    kind: ErrorKind::AdviceMapConflict {
                        name: e.name.clone(),
                        key: vm_core::hash::word_to_hex(&e.key),
                        program: e.values.len(),
                        inputs: v.len(),
                    },
                    pc: 0,
                    clk: 0,
                    op: None,
                    location: None,
                    call_chain: Vec::new(),
                    call_sites: Vec::new(),
                    in_hint: false,
                })
            }
        }
    }
    Ok(())
}

/// What the interpreter loop reads every cycle and never changes, kept apart from the
/// [`Vm`] so that it stays in registers: the code, the decorators per address and the cycle
/// limit.
pub(crate) struct Code<'a> {
    code: &'a [Instruction],
    /// Decorators per address: `decs[dec_off[pc]..dec_off[pc + 1]]`.
    decs: Vec<&'a Decorator>,
    dec_off: Vec<u32>,
    has_decs: bool,
    max_cycles: u64,
}

impl<'a> Code<'a> {
    pub(crate) fn new(program: &'a Program, options: &ExecutionOptions) -> Self {
        let code = program.code();
        // Decorators per address, as a CSR index into `decs`.
        let mut sorted: Vec<(u32, &Decorator)> = program
            .debug()
            .decorators
            .iter()
            .filter(|(a, _)| (*a as usize) < code.len())
            .map(|(a, d)| (*a, d))
            .collect();
        sorted.sort_by_key(|d| d.0);
        let mut dec_off = vec![0u32; code.len() + 1];
        for (a, _) in &sorted {
            dec_off[*a as usize + 1] += 1;
        }
        for i in 0..code.len() {
            dec_off[i + 1] += dec_off[i];
        }
        Self {
            code,
            has_decs: !sorted.is_empty(),
            decs: sorted.into_iter().map(|(_, d)| d).collect(),
            dec_off,
            max_cycles: options.max_cycles,
        }
    }
}

impl<'a, H: Host, T: Tracer> Vm<'a, H, T> {
    pub(crate) fn new(
        program: &'a Program,
        stack: StackInputs,
        advice: AdviceInputs,
        host: &'a mut H,
        options: ExecutionOptions,
        tracer: T,
    ) -> Self {
        let mut init: Vec<Felt> = Vec::with_capacity(1024);
        init.extend(stack.padded().iter().rev());
        let mut adv = advice.stack.clone();
        adv.reverse();
        let code_len = program.code().len();
        let mut advice = advice;
        let init_error = merge_program_advice(program, &mut advice).err();
        Vm {
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
                program: code_len as u64,
                ..Default::default()
            },
            executions: [0; OPS],
            levels: [0; OPS],
            tracer,
            ovf_addrs: Vec::new(),
            ctl_addrs: Vec::new(),
            lenient: false,
            ignored: Vec::new(),
            init_error,
        }
    }

    /// The outputs of the run so far (after `HALT`: of the run).
    pub(crate) fn output(&self) -> ExecutionOutput {
        let mut stats = self.stats;
        stats.stack = self.clk;
        for info in vm_core::OPCODES {
            let code = info.code as usize;
            stats.add_executions(info.op, self.executions[code], self.levels[code]);
        }
        ExecutionOutput {
            stack: StackOutputs::new(&self.top16()).expect("16 elements"),
            cycles: self.clk,
            final_depth: self.stack.len(),
            stats,
        }
    }
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
/// Appends, for each level of a Merkle path from the node up, the sibling word and the bit
/// of `index` at that level: what the in-VM loops of `mtree_get`, `mtree_set` and
/// `mtree_verify` pop (the sibling with ADVPOPW or four ADVPOPs, then the bit with ADVPOP).
fn push_path(values: &mut Vec<Felt>, sibs: &[Word], index: u64) {
    for (level, sib) in sibs.iter().enumerate() {
        values.extend_from_slice(sib);
        values.push(Felt::new((index >> level) & 1));
    }
}

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
            Frame::Call(ret) | Frame::CallCtx { ret, .. } => Some(*ret),
            Frame::Loop(_) => None,
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

    /// Runs from address 0 until `HALT` or an error.
    fn run(&mut self) -> Result<(), ExecutionError> {
        if let Some(e) = self.init_error.take() {
            return Err(e);
        }
        let code = Code::new(self.program, &self.options);
        let mut pc: usize = 0;
        loop {
            // `HALT` returns `HALTED`, which no address is: the fetch's bounds check is the
            // only test of the loop.
            let Some(&ins) = code.code.get(pc) else {
                return self.stop(pc);
            };
            self.begin_cycle(&code, pc, ins)?;
            pc = self.exec_cycle(&code, pc, ins)?;
        }
    }

    /// The loop fetched outside the code: `HALT` ran, or (unreachable for a program that
    /// `Program::new` accepted) an instruction went on past the end.
    #[cold]
    fn stop(&self, pc: usize) -> Result<(), ExecutionError> {
        if pc == HALTED {
            return Ok(());
        }
        let len = self.program.code().len();
        let kind = ErrorKind::PcOutOfRange {
            next: pc as u64,
            len: len as u64,
        };
        Err(self.error(kind, pc, self.clk))
    }

    /// Starts cycle `self.clk` executing `ins` at `pc`: checks the cycle limit and records
    /// the row.
    #[inline(always)]
    pub(crate) fn begin_cycle(
        &mut self,
        code: &Code,
        pc: usize,
        ins: Instruction,
    ) -> Result<(), ExecutionError> {
        let clk = self.clk;
        let max = code.max_cycles;
        if clk >= max {
            let kind = ErrorKind::CycleLimitExceeded { limit: max };
            return Err(self.op_error(kind, pc, clk));
        }
        if T::ENABLED {
            self.record_row(pc, ins);
        }
        Ok(())
    }

    /// The row of the cycle starting now at `pc`.
    fn record_row(&mut self, pc: usize, ins: Instruction) {
        let depth = self.depth();
        let ovf_ptr = match self.ovf_addrs.last() {
            Some(&a) if depth > STACK_TOP_SIZE => a,
            _ => Felt::ZERO,
        };
        let ((ctop, ckind), cptr) = match (self.cstack.last(), self.ctl_addrs.last()) {
            (Some(f), Some(&a)) => (f.registers(), a),
            (Some(f), None) => (f.registers(), Felt::ZERO),
            _ => ((Felt::ZERO, Felt::ZERO), Felt::ZERO),
        };
        let row = CycleRow {
            clk: self.clk,
            pc: pc as u32,
            instruction: ins,
            stack: self.top16(),
            depth,
            ctx: self.ctx,
            fmp: self.fmp,
            control_depth: self.cstack.len(),
            ovf_ptr,
            ctop,
            ckind,
            cptr,
            tables: TableOps::default(),
        };
        self.tracer.cycle(row);
    }

    /// Tracing: what the cycle that started with `len` stack elements and `frames` control
    /// frames did to the tables (`below` is the element that was just below the top 16).
    fn record_tables(&mut self, len: usize, frames: usize, below: Felt) {
        // Rows this cycle inserts get address clk + 1; `self.clk` already counts the cycle.
        let addr = Felt::new(self.clk);
        let mut ops = TableOps::default();
        match self.stack.len() as isize - len as isize {
            1 => {
                self.ovf_addrs.push(addr);
                ops.overflow = TableOp::Push;
            }
            -1 => {
                self.ovf_addrs.pop();
                ops.overflow = TableOp::Pop;
                ops.overflow_value = below;
            }
            _ => {}
        }
        match self.cstack.len() as isize - frames as isize {
            1 => {
                self.ctl_addrs.push(addr);
                ops.control = TableOp::Push;
            }
            -1 => {
                self.ctl_addrs.pop();
                ops.control = TableOp::Pop;
            }
            _ => {}
        }
        self.tracer.tables(ops);
    }

    /// Tracing: the overflow table of the current context (address, value), oldest first.
    fn overflow_table(&self) -> Vec<(Felt, Felt)> {
        let end = self.stack.len() - STACK_TOP_SIZE;
        (self.floor..end)
            .map(|j| {
                let addr = self.ovf_addrs.get(j).copied().unwrap_or(Felt::ZERO);
                (addr, self.stack[j])
            })
            .collect()
    }

    /// A check failed: the run ends with the error, unless this is a lenient (testing) run,
    /// which records it and goes on as the operation's formulas say.
    #[cold]
    #[inline(never)]
    fn failed_check(&mut self, kind: ErrorKind, pc: usize, clk: u64) -> Result<(), ExecutionError> {
        let e = self.op_error(kind, pc, clk);
        if self.lenient {
            self.ignored.push(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    /// Runs the decorators at `pc` and the cycle's instruction `ins` (after
    /// [`Vm::begin_cycle`]); returns the next address (not checked: the caller's fetch does),
    /// or [`HALTED`].
    #[inline(always)]
    pub(crate) fn exec_cycle(
        &mut self,
        code: &Code,
        pc: usize,
        ins: Instruction,
    ) -> Result<usize, ExecutionError> {
        let program = self.program;
        let clk = self.clk;
        // Hard failures: the operation cannot go on.
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
        // Checks the operation's formulas do not need: fatal, except in a lenient run.
        macro_rules! check {
            ($cond:expr, $k:expr) => {
                if !$cond {
                    self.failed_check($k, pc, clk)?;
                }
            };
        }
        // A u32 operand (its integer value).
        macro_rules! u32v {
            ($v:expr) => {{
                let v = $v;
                let x = v.as_int();
                check!(
                    x < U32_LIMIT,
                    ErrorKind::NotU32 {
                        value: v,
                        message: None
                    }
                );
                x
            }};
        }
        // A binary operand.
        macro_rules! binv {
            ($v:expr) => {{
                let v = $v;
                check!(
                    v == Felt::ZERO || v == Felt::ONE,
                    ErrorKind::NotBinary { value: v }
                );
                v
            }};
        }
        if code.has_decs {
            let (s, e) = (code.dec_off[pc] as usize, code.dec_off[pc + 1] as usize);
            for (nth, d) in code.decs[s..e].iter().enumerate() {
                // A decorator's failure is not the instruction's: no message, and the
                // location is the hint's (`adv.push_u64div`), not the instruction's.
                if let Err(k) = self.decorator(d, pc) {
                    let span = program.decorator_span(pc as u32, nth);
                    return Err(self.error(k, pc, clk).in_hint(program, span));
                }
            }
        }
        let (len0, frames0, below0) = if T::ENABLED {
            let n = self.stack.len();
            let below = if self.depth() > STACK_TOP_SIZE {
                self.stack[n - 1 - STACK_TOP_SIZE]
            } else {
                Felt::ZERO
            };
            (n, self.cstack.len(), below)
        } else {
            (0, 0, Felt::ZERO)
        };
        self.clk = clk + 1;
        self.executions[ins.op as usize % OPS] += 1;
        let mut next = pc + 1;
        match ins.op {
            // ---- control flow
            Opcode::Noop => {}
            Opcode::Halt => {
                if T::ENABLED {
                    let table = self.overflow_table();
                    self.tracer.halt(&table);
                }
                return Ok(HALTED);
            }
            Opcode::Jmp => next = ins.imm.as_int() as usize,
            Opcode::Jmpz => {
                let c = binv!(self.get(0));
                self.pop();
                if c == Felt::ZERO {
                    next = ins.imm.as_int() as usize;
                }
            }
            Opcode::Jmpnz => {
                let c = binv!(self.get(0));
                self.pop();
                if c == Felt::ONE {
                    next = ins.imm.as_int() as usize;
                }
            }
            Opcode::Call => {
                self.cstack.push(Frame::Call(next as u32));
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
                Some(Frame::Call(ret)) => {
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
                    check!(
                        depth == STACK_TOP_SIZE,
                        ErrorKind::InvalidReturnDepth { depth }
                    );
                    self.cstack.pop();
                    // The callee's memory context is never used again.
                    let cur = self.ctx as usize;
                    self.mems[cur] = Memory::default();
                    self.ctx = ctx;
                    self.fmp = fmp;
                    self.floor = floor;
                    next = ret as usize;
                }
                _ => {
                    let k = ErrorKind::ControlStackMismatch("RET without a call frame");
                    self.failed_check(k, pc, clk)?;
                    // A lenient run drops the frame there is (if any) and falls through.
                    self.cstack.pop();
                }
            },
            Opcode::Repeat => self.cstack.push(Frame::Loop(ins.imm.as_int())),
            Opcode::Next => match self.cstack.last_mut() {
                Some(Frame::Loop(count)) => {
                    *count -= 1;
                    if *count != 0 {
                        next = ins.imm.as_int() as usize;
                    } else {
                        self.cstack.pop();
                    }
                }
                // A lenient run falls through.
                _ => self.failed_check(
                    ErrorKind::ControlStackMismatch("NEXT without a loop frame"),
                    pc,
                    clk,
                )?,
            },
            // ---- system
            Opcode::Assert => {
                let v = self.get(0);
                check!(
                    v == Felt::ONE,
                    ErrorKind::FailedAssertion {
                        message: program.message_at(pc as u32).map(str::to_string),
                        value: v
                    }
                );
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
                check!(a != Felt::ZERO, ErrorKind::InverseOfZero);
                // (The inverse of zero is zero.)
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
            // On binary operands the boolean operations are these polynomials.
            Opcode::Not => {
                let a = binv!(self.get(0));
                self.set(0, Felt::ONE - a);
            }
            Opcode::And => {
                let b = binv!(self.get(0));
                let a = binv!(self.get(1));
                self.pop();
                self.set(0, a * b);
            }
            Opcode::Or => {
                let b = binv!(self.get(0));
                let a = binv!(self.get(1));
                self.pop();
                self.set(0, a + b - a * b);
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
            // ---- u32 (a lenient run computes on non-u32 operands modulo 2^64)
            Opcode::U32split => {
                let a = self.get(0).as_int();
                let (lo, hi) = (a & 0xffff_ffff, a >> 32);
                self.set(0, Felt::new(lo));
                self.push(Felt::new(hi));
                self.range_check(lo, hi);
            }
            Opcode::U32add => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                let s = a.wrapping_add(b);
                let (lo, hi) = (s & 0xffff_ffff, s >> 32);
                self.set(0, Felt::new(hi));
                self.set(1, Felt::new(lo));
                self.range_check(lo, hi);
            }
            Opcode::U32add3 => {
                let c = u32v!(self.get(0));
                let b = u32v!(self.get(1));
                let a = u32v!(self.get(2));
                let s = a.wrapping_add(b).wrapping_add(c);
                let (lo, hi) = (s & 0xffff_ffff, s >> 32);
                self.pop();
                self.set(0, Felt::new(hi));
                self.set(1, Felt::new(lo));
                self.range_check(lo, hi);
            }
            Opcode::U32sub => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                let d = a.wrapping_sub(b) & 0xffff_ffff;
                self.set(0, felt_bool(a < b));
                self.set(1, Felt::new(d));
                self.range_check(d, 0);
            }
            Opcode::U32mul => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                let p = a.wrapping_mul(b);
                let (lo, hi) = (p & 0xffff_ffff, p >> 32);
                self.set(0, Felt::new(hi));
                self.set(1, Felt::new(lo));
                self.range_check(lo, hi);
            }
            Opcode::U32madd => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                let c = u32v!(self.get(2));
                let p = a.wrapping_mul(b).wrapping_add(c);
                let (lo, hi) = (p & 0xffff_ffff, p >> 32);
                self.pop();
                self.set(0, Felt::new(hi));
                self.set(1, Felt::new(lo));
                self.range_check(lo, hi);
            }
            Opcode::U32div => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                if b == 0 {
                    fail!(ErrorKind::DivideByZero);
                }
                let (q, r) = (a / b, a % b);
                self.set(0, Felt::new(r));
                self.set(1, Felt::new(q));
                self.range_check(a - q, b - r - 1);
            }
            Opcode::U32assert2 => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                self.range_check(b, a);
            }
            Opcode::U32and | Opcode::U32xor => {
                let b = u32v!(self.get(0));
                let a = u32v!(self.get(1));
                self.pop();
                let (op, r) = if ins.op == Opcode::U32and {
                    (BitwiseOp::And, a & b)
                } else {
                    (BitwiseOp::Xor, a ^ b)
                };
                self.set(0, Felt::new(r));
                if T::ENABLED {
                    self.tracer.bitwise(BitwiseRequest {
                        clk,
                        op,
                        a: a as u32,
                        b: b as u32,
                        result: r as u32,
                    });
                }
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
                let c = binv!(self.get(0)) == Felt::ONE;
                self.pop();
                if c {
                    let n = self.stack.len();
                    self.stack.swap(n - 1, n - 2);
                }
            }
            Opcode::Cswapw => {
                let c = binv!(self.get(0)) == Felt::ONE;
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
                    self.tracer.hasher(HasherRequest::Permutation {
                        clk,
                        input,
                        output: state,
                    });
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
                check!(
                    found == node,
                    ErrorKind::MerkleNodeMismatch {
                        root: hash::word_to_hex(&root),
                        depth,
                        index,
                        message: None,
                    }
                );
                if T::ENABLED {
                    self.tracer.hasher(HasherRequest::MerklePath {
                        clk,
                        op: MerkleOp::Verify,
                        depth,
                        index,
                        node,
                        path: sibs[..depth as usize].to_vec(),
                        root,
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
                check!(
                    found == old,
                    ErrorKind::MerkleNodeMismatch {
                        root: hash::word_to_hex(&root),
                        depth,
                        index,
                        message: None,
                    }
                );
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
                if T::ENABLED {
                    let path = sibs[..depth as usize].to_vec();
                    let (op, node) = (MerkleOp::UpdateOld, old);
                    let req = |op, node, path, root| HasherRequest::MerklePath {
                        clk,
                        op,
                        depth,
                        index,
                        node,
                        path,
                        root,
                    };
                    self.tracer.hasher(req(op, node, path.clone(), root));
                    self.tracer.hasher(req(MerkleOp::UpdateNew, new, path, cur));
                }
                self.set_word(0, &cur);
                self.levels[ins.op as usize % OPS] += depth;
            }
        }
        if T::ENABLED {
            self.record_tables(len0, frames0, below0);
        }
        Ok(next)
    }

    /// Records a range check of two 32-bit values when tracing (the statistics count it
    /// from the instruction table).
    #[inline(always)]
    fn range_check(&mut self, a: u64, b: u64) {
        if T::ENABLED {
            let clk = self.clk - 1; // `clk` already counts this cycle
            self.tracer.range(RangeCheck::of(clk, a, b));
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
            Decorator::AdvPushSecp256k1BaseInv | Decorator::AdvPushSecp256k1ScalarInv => {
                let field = if matches!(d, Decorator::AdvPushSecp256k1BaseInv) {
                    crate::secp256k1::Field::Base
                } else {
                    crate::secp256k1::Field::Scalar
                };
                let mut a = [0u32; 8];
                for (i, limb) in a.iter_mut().enumerate() {
                    *limb = u32_of(self.get(i))? as u32;
                }
                let c = field.montgomery_inverse(&a);
                // c7 popped first, so that `adv_push.8` leaves c0 on top
                let values: Vec<Felt> = c.iter().rev().map(|&x| Felt::new(x as u64)).collect();
                self.adv_extend(&values);
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
            Decorator::AdvMtreeGet | Decorator::AdvMtreeSet => {
                // [d, i, R(, V')]: the node, then per level from the node up the sibling and
                // the index bit, for the in-VM loop of `mtree_get`/`mtree_set`
                // (`assembly/src/lower/instructions/crypto.rs`).
                let depth = self.get(0).as_int();
                let index = self.get(1).as_int();
                let root = self.get_word(2);
                let mut sibs = [ZERO_WORD; 64];
                let node = self.merkle_path(&root, depth, index, &mut sibs)?;
                let path = &sibs[..depth as usize];
                let mut values = node.to_vec();
                push_path(&mut values, path, index);
                self.adv_extend(&values);
                if matches!(d, Decorator::AdvMtreeSet) {
                    // The new node's path, with the same siblings, joins the store (as
                    // Miden's MRUPDATE does), so that the new root can be opened later.
                    let mut cur = self.get_word(6);
                    for (level, sib) in path.iter().enumerate() {
                        let (l, r) = if (index >> level) & 1 == 0 {
                            (cur, *sib)
                        } else {
                            (*sib, cur)
                        };
                        cur = hash::merge(&l, &r);
                        self.advice.merkle_nodes.insert(word_key(&cur), (l, r));
                    }
                }
            }
            Decorator::AdvMtreeVerify(message) => {
                // [V, d, i, R]: V must be the node at (d, i); then the path as above.
                let node = self.get_word(0);
                let depth = self.get(4).as_int();
                let index = self.get(5).as_int();
                let root = self.get_word(6);
                let mut sibs = [ZERO_WORD; 64];
                let found = self.merkle_path(&root, depth, index, &mut sibs)?;
                if found != node {
                    return Err(ErrorKind::MerkleNodeMismatch {
                        root: hash::word_to_hex(&root),
                        depth,
                        index,
                        message: message.clone(),
                    });
                }
                let mut values = Vec::with_capacity(5 * depth as usize);
                push_path(&mut values, &sibs[..depth as usize], index);
                self.adv_extend(&values);
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
