//! Linking and lowering: starting from the program body, resolves every invocation, links
//! each reachable procedure once (after the body's `HALT`), rejects recursion, and emits
//! native code with its debug information.
//!
//! The work is split by job: this module emits code and lowers flow control and procedure
//! frames; `repeat` lays out `repeat.N` loops (unrolling short bodies); `resolve` finds the
//! procedure an `exec`/`call` names; `plain` turns instruction immediates into [`Imm`]s and
//! lowering failures into diagnostics; `recursion` checks the call graph; [`instructions`]
//! lowers each plain instruction.

pub mod instructions;
mod plain;
mod recursion;
pub mod repeat;
mod resolve;

use std::collections::{BTreeMap, HashMap};

use vm_core::{
    AdviceMapEntry, DebugInfo, Decorator, Felt, Instruction, Opcode, ProcedureInfo, Program,
    SourceFile, SourceSpan,
};

use crate::ast::{self, Op, Span};
use crate::consts::{parse_lit, ConstVal};
use crate::error::{at, AssemblyError};
use crate::modules::ModuleSet;
use instructions::{Imm, LowerContext};

/// Identifies a procedure: (module index, procedure index in that module).
type ProcId = (usize, usize);

/// Most locals a procedure may declare (Miden's limit is the u16 range; the rounded frame
/// of 65535 locals is 65536).
const MAX_LOCALS: u64 = 1 << 16;

/// Lowers the program module (index 0 of `modules`) into a [`Program`].
pub fn link(modules: &mut ModuleSet, debug_mode: bool) -> Result<Program, Vec<AssemblyError>> {
    let Some((body, _)) = modules.get(0).ast.body.clone() else {
        // `ModuleSet::new` reports a missing body; nothing to link.
        return Err(Vec::new());
    };
    let mut l = Linker {
        modules,
        code: Vec::new(),
        spans: Vec::new(),
        decorators: Vec::new(),
        messages: Vec::new(),
        pending: Vec::new(),
        errors: Vec::new(),
        placed: HashMap::new(),
        queue: Vec::new(),
        fixups: Vec::new(),
        edges: Vec::new(),
        procs: Vec::new(),
        used_files: BTreeMap::new(),
        debug_mode,
        check_only: false,
    };
    let ctx = LowerContext {
        num_locals: None,
        debug_mode,
    };
    l.block(0, &body, &ctx, None);
    l.emit(Instruction::new(Opcode::Halt), None, None);
    l.procs.push(ProcedureInfo {
        name: "#main".into(),
        start: 0,
        end: l.code.len() as u32,
        num_locals: 0,
    });
    // Procedures are lowered in the order they are first reached (a FIFO keeps callees
    // near their first caller, which makes disassembly easier to read).
    let mut next = 0;
    while next < l.queue.len() {
        let id = l.queue[next];
        next += 1;
        l.lower_proc(id);
    }
    l.check_unreached();
    l.check_recursion();
    if !l.errors.is_empty() {
        return Err(l.errors);
    }
    for (at, target) in std::mem::take(&mut l.fixups) {
        l.code[at].imm = Felt::new(u64::from(l.placed[&target]));
    }
    l.finish()
}

/// A decorator with the source span of the instruction that produced it (`adv.push_u64div`).
pub(crate) type Hint = (Decorator, Option<SourceSpan>);

/// The state of one linking run.
struct Linker<'m> {
    modules: &'m mut ModuleSet,
    code: Vec<Instruction>,
    spans: Vec<Option<SourceSpan>>,
    decorators: Vec<(u32, Hint)>,
    messages: Vec<(u32, String)>,
    /// Decorators waiting for the next emitted instruction.
    pending: Vec<Hint>,
    errors: Vec<AssemblyError>,
    /// Address of each linked procedure (`u32::MAX` until it is lowered).
    placed: HashMap<ProcId, u32>,
    /// Procedures to lower, in the order first reached.
    queue: Vec<ProcId>,
    /// (instruction index, callee) pairs whose immediate becomes the callee's address.
    fixups: Vec<(usize, ProcId)>,
    /// Call-graph edges (caller, callee, module of the call, span of the call).
    edges: Vec<(Option<ProcId>, ProcId, usize, Span)>,
    procs: Vec<ProcedureInfo>,
    /// Module index -> file index in the program's debug info.
    used_files: BTreeMap<usize, u32>,
    debug_mode: bool,
    /// Lowering only to find errors: invocations queue nothing.
    check_only: bool,
}

impl Linker<'_> {
    /// Lowers the program's own procedures that the body never reaches, to report their
    /// errors (as a compiler would), then drops their code: only reachable code is linked.
    fn check_unreached(&mut self) {
        let saved = (
            self.code.len(),
            self.decorators.len(),
            self.messages.len(),
            self.procs.len(),
            self.fixups.len(),
            self.used_files.clone(),
        );
        self.check_only = true;
        for idx in 0..self.modules.get(0).ast.procs.len() {
            if !self.placed.contains_key(&(0, idx)) {
                self.lower_proc((0, idx));
            }
        }
        self.check_only = false;
        let (code, decorators, messages, procs, fixups, used_files) = saved;
        self.code.truncate(code);
        self.spans.truncate(code);
        self.decorators.truncate(decorators);
        self.messages.truncate(messages);
        self.procs.truncate(procs);
        self.fixups.truncate(fixups);
        self.used_files = used_files;
    }

    /// Appends an instruction with its source location (module, span) and assertion
    /// message; decorators waiting for an instruction attach to this one.
    fn emit(
        &mut self,
        ins: Instruction,
        span: Option<(usize, Span)>,
        message: Option<String>,
    ) -> usize {
        let addr = self.code.len();
        for d in self.pending.drain(..) {
            self.decorators.push((addr as u32, d));
        }
        if let Some(m) = message {
            self.messages.push((addr as u32, m));
        }
        let span = span.map(|(module, span)| self.source_span(module, span));
        self.code.push(ins);
        self.spans.push(span);
        addr
    }

    /// A span of a module as a span of the program's sources (registering the file).
    fn source_span(&mut self, module: usize, (s, e): Span) -> SourceSpan {
        let next = self.used_files.len() as u32;
        let file = *self.used_files.entry(module).or_insert(next);
        SourceSpan {
            file,
            start: s as u32,
            end: e as u32,
        }
    }

    /// Sets the address immediate of the instruction at `at` to the next address.
    fn patch_to_here(&mut self, at: usize) {
        self.code[at].imm = Felt::new(self.code.len() as u64);
    }

    /// The number of locals a procedure declares (`None` for none or zero).
    fn locals(&mut self, module: usize, lit: &Option<ast::Lit>) -> Option<u32> {
        let lit = lit.as_ref()?;
        match parse_lit(&lit.text) {
            Some(ConstVal::Felt(n)) if n <= MAX_LOCALS => Some(n as u32).filter(|n| *n > 0),
            _ => {
                let src = self.modules.get(module).src.clone();
                self.errors.push(AssemblyError::BadLocals {
                    text: lit.text.clone(),
                    src,
                    span: at(lit.span),
                });
                None
            }
        }
    }

    /// Lowers one procedure: `FMPUPDATE(+F)`, the body, `FMPUPDATE(-F)`, `RET`, where the
    /// frame `F` is the declared number of locals `N` rounded up to a multiple of 4. As in
    /// Miden (v0.16 `Assembler::compile_procedure` and `local_to_absolute_addr`), local `i`
    /// is at `fmp - N + i` with the declared `N`, so the locals occupy the top `N` cells of
    /// the frame, and indices are checked against `N`.
    fn lower_proc(&mut self, id: ProcId) {
        let (module, idx) = id;
        let proc = self.modules.get(module).ast.procs[idx].clone();
        let declared = self.locals(module, &proc.locals);
        let locals = declared.map(|n| n.next_multiple_of(4));
        let start = self.code.len() as u32;
        self.placed.insert(id, start);
        let span = Some((module, proc.name.span));
        if let Some(n) = locals {
            let ins = Instruction::with_imm(Opcode::Fmpupdate, Felt::from(n));
            self.emit(ins, span, None);
        }
        let ctx = LowerContext {
            num_locals: declared,
            debug_mode: self.debug_mode,
        };
        self.block(module, &proc.body, &ctx, Some(id));
        if let Some(n) = locals {
            let ins = Instruction::with_imm(Opcode::Fmpupdate, -Felt::from(n));
            self.emit(ins, span, None);
        }
        self.emit(Instruction::new(Opcode::Ret), span, None);
        let name = format!("{}::{}", self.modules.get(module).path, proc.name.text);
        self.procs.push(ProcedureInfo {
            name,
            start,
            end: self.code.len() as u32,
            num_locals: locals.unwrap_or(0),
        });
    }

    /// Lowers a block of statements.
    fn block(&mut self, module: usize, ops: &[Op], ctx: &LowerContext, caller: Option<ProcId>) {
        for op in ops {
            match op {
                Op::Inst { name, args, span } => self.instruction(module, name, args, *span, ctx),
                Op::If {
                    cond,
                    then,
                    els,
                    span,
                } => {
                    let Some(truth) = self.condition(module, cond, false) else {
                        continue;
                    };
                    // `taken` runs when the popped condition is 1.
                    let (taken, other) = if truth { (then, els) } else { (els, then) };
                    let here = Some((module, *span));
                    if taken.is_empty() && !other.is_empty() {
                        // Only the 0 branch has code: `JMPNZ end; other; end:`.
                        let j = self.emit(Instruction::new(Opcode::Jmpnz), here, None);
                        self.block(module, other, ctx, caller);
                        self.patch_to_here(j);
                    } else {
                        // `JMPZ else; taken; [JMP end; else: other;] end:`
                        let jz = self.emit(Instruction::new(Opcode::Jmpz), here, None);
                        self.block(module, taken, ctx, caller);
                        if other.is_empty() {
                            self.patch_to_here(jz);
                        } else {
                            let j = self.emit(Instruction::new(Opcode::Jmp), here, None);
                            self.patch_to_here(jz);
                            self.block(module, other, ctx, caller);
                            self.patch_to_here(j);
                        }
                    }
                }
                Op::While { cond, body, span } => {
                    if self.condition(module, cond, true).is_none() {
                        continue;
                    }
                    // `JMPZ end; body: B; JMPNZ body; end:`
                    let here = Some((module, *span));
                    let jz = self.emit(Instruction::new(Opcode::Jmpz), here, None);
                    let head = self.code.len() as u64;
                    self.block(module, body, ctx, caller);
                    self.emit(
                        Instruction::with_imm(Opcode::Jmpnz, Felt::new(head)),
                        here,
                        None,
                    );
                    self.patch_to_here(jz);
                }
                Op::Repeat { count, body, span } => {
                    if let Some(n) = self.repeat_count(module, count) {
                        self.repeat(module, n, body, *span, ctx, caller);
                    }
                }
                Op::Invoke { kind, target, span } => {
                    self.invoke(module, *kind, target, *span, caller)
                }
                // Only present after a reported syntax error, and then nothing is lowered.
                Op::Error => {}
            }
        }
    }

    /// `true`/`false` of `if.x`; `while` only has `true`.
    fn condition(&mut self, module: usize, cond: &ast::Name, while_loop: bool) -> Option<bool> {
        match (cond.text.as_str(), while_loop) {
            ("true", _) => Some(true),
            ("false", false) => Some(false),
            _ => {
                let src = self.modules.get(module).src.clone();
                self.errors.push(AssemblyError::BadCondition {
                    cond: cond.text.clone(),
                    src,
                    span: at(cond.span),
                    expected: if while_loop {
                        "`true` (there is no `while.false`)"
                    } else {
                        "`true` or `false`"
                    },
                });
                None
            }
        }
    }

    /// The count of `repeat.N`: a literal or constant in 1..=2^32-1.
    fn repeat_count(&mut self, module: usize, count: &ast::Arg) -> Option<u64> {
        match self.arg_imm(module, count)? {
            Imm::Int(n) if (1..=u64::from(u32::MAX)).contains(&n) => Some(n),
            other => {
                let value = match other {
                    Imm::Int(n) => n.to_string(),
                    Imm::Word(_) => "(a word)".into(),
                    Imm::Ident(s) => s,
                };
                let src = self.modules.get(module).src.clone();
                self.errors.push(AssemblyError::RepeatCount {
                    value,
                    src,
                    span: at(plain::arg_span(count)),
                });
                None
            }
        }
    }

    /// Builds the program and its debug information.
    fn finish(mut self) -> Result<Program, Vec<AssemblyError>> {
        let advice_map = self.advice_map()?;
        let mut files = vec![None; self.used_files.len()];
        for (module, idx) in &self.used_files {
            let src = &self.modules.get(*module).src;
            files[*idx as usize] = Some(SourceFile {
                name: src.name().to_string(),
                text: src.inner().to_string(),
            });
        }
        self.procs.sort_by_key(|p| p.start);
        self.messages.sort_by_key(|(a, _)| *a);
        let debug = DebugInfo {
            files: files.into_iter().flatten().collect(),
            spans: self.spans,
            procedures: self.procs,
            decorator_spans: self.decorators.iter().map(|(_, (_, s))| *s).collect(),
            decorators: self
                .decorators
                .into_iter()
                .map(|(a, (d, _))| (a, d))
                .collect(),
            messages: self.messages,
        };
        Program::new(self.code, debug)
            .map(|p| p.with_advice_map(advice_map))
            .map_err(|e| vec![AssemblyError::Internal(e.to_string())])
    }

    /// The program's advice map: the `adv_map` entries of the program module and of every
    /// library module it uses, in that order. One key in two modules is accepted when the
    /// values are the same (the entry is kept once), and an error otherwise.
    fn advice_map(&self) -> Result<Vec<AdviceMapEntry>, Vec<AssemblyError>> {
        let mut entries: Vec<AdviceMapEntry> = Vec::new();
        let mut by_key: HashMap<[u64; 4], usize> = HashMap::new();
        let mut errors = Vec::new();
        for m in 0..self.modules.len() {
            let module = self.modules.get(m);
            for e in &module.adv_map {
                let key = e.key.map(|x| x.as_int());
                match by_key.get(&key) {
                    Some(&i) if entries[i].values == e.values => {}
                    Some(&i) => errors.push(AssemblyError::AdvMapConflict {
                        key: vm_core::hash::word_to_hex(&e.key),
                        first: entries[i].name.clone(),
                        src: module.src.clone(),
                        span: at(e.span),
                    }),
                    None => {
                        by_key.insert(key, entries.len());
                        entries.push(AdviceMapEntry {
                            name: format!("{}::{}", module.path, e.name),
                            key: e.key,
                            values: e.values.clone(),
                        });
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(entries)
        } else {
            Err(errors)
        }
    }
}
