//! Linking and lowering: resolves names across modules, links the procedures reachable from
//! the program body (each once), rejects recursion, and emits native code.

pub mod instructions;

use std::collections::{BTreeMap, HashMap};

use vm_core::{
    DebugInfo, Decorator, Felt, Instruction, Opcode, ProcedureInfo, Program, SourceFile, SourceSpan,
};

use crate::ast::{self, Arg, ErrArg, InvokeKind, Op, Span};
use crate::consts::{parse_lit, ConstVal, Consts};
use crate::error::{closest, SourceError};
use crate::modules::{ModuleSet, ParsedModule};
use instructions::{lower_instruction, Emitted, Imm, LowerContext, LowerError};

/// Identifies a procedure: (module index, procedure index).
type ProcId = (usize, usize);

/// Lowers the program module (index 0 of `modules`) into a [`Program`].
pub fn link(modules: &mut ModuleSet, debug_mode: bool) -> Result<Program, Vec<SourceError>> {
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
    };
    let Some((body, _)) = l.modules.get(0).ast.body.clone() else {
        let m = l.modules.get(0);
        return Err(vec![SourceError::new(
            m.file(),
            (0, 0),
            "the program has no `begin ... end` body",
            "expected a program body",
            Some(
                "an executable program needs `begin ... end`; a library module has only procedures"
                    .into(),
            ),
        )]);
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
    while let Some(id) = l.queue.pop() {
        l.lower_proc(id);
    }
    l.check_recursion();
    if !l.errors.is_empty() {
        return Err(l.errors);
    }
    for (at, target) in std::mem::take(&mut l.fixups) {
        l.code[at].imm = Felt::new(l.placed[&target] as u64);
    }
    l.finish()
}

struct Linker<'m> {
    modules: &'m mut ModuleSet,
    code: Vec<Instruction>,
    spans: Vec<Option<SourceSpan>>,
    decorators: Vec<(u32, Decorator)>,
    messages: Vec<(u32, String)>,
    pending: Vec<Decorator>,
    errors: Vec<SourceError>,
    /// Address of each linked procedure (placeholder `u32::MAX` until lowered).
    placed: HashMap<ProcId, u32>,
    queue: Vec<ProcId>,
    /// (instruction index, callee) whose immediate is the callee's address.
    fixups: Vec<(usize, ProcId)>,
    /// Call-graph edges (caller, callee, module of the call, span) for recursion checks.
    edges: Vec<(Option<ProcId>, ProcId, usize, Span)>,
    procs: Vec<ProcedureInfo>,
    /// Module index -> file index in the program's debug info.
    used_files: BTreeMap<usize, u32>,
    debug_mode: bool,
}

impl Linker<'_> {
    fn err(
        &mut self,
        module: usize,
        span: Span,
        msg: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        let e = SourceError::new(self.modules.get(module).file(), span, msg, label, help);
        self.errors.push(e);
    }

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
        let span = span.map(|(module, (s, e))| {
            let next = self.used_files.len() as u32;
            let file = *self.used_files.entry(module).or_insert(next);
            SourceSpan {
                file,
                start: s as u32,
                end: e as u32,
            }
        });
        self.code.push(ins);
        self.spans.push(span);
        addr
    }

    fn lower_proc(&mut self, id: ProcId) {
        let (module, idx) = id;
        let proc = self.modules.get(module).ast.procs[idx].clone();
        let locals = match &proc.locals {
            None => None,
            Some(lit) => match parse_lit(&lit.text) {
                Some(ConstVal::Felt(n)) if n <= u16::MAX as u64 + 1 => {
                    Some(n.div_ceil(4) as u32 * 4)
                }
                _ => {
                    self.err(
                        module,
                        lit.span,
                        format!("invalid number of locals `{}`", lit.text),
                        "out of range",
                        Some("a procedure can have at most 65536 locals".into()),
                    );
                    None
                }
            },
        };
        let locals = locals.filter(|n| *n > 0);
        let start = self.code.len() as u32;
        self.placed.insert(id, start);
        let span = Some((module, proc.name.span));
        if let Some(n) = locals {
            self.emit(
                Instruction::with_imm(Opcode::Fmpupdate, Felt::new(n as u64)),
                span,
                None,
            );
        }
        let ctx = LowerContext {
            num_locals: locals,
            debug_mode: self.debug_mode,
        };
        self.block(module, &proc.body, &ctx, Some(id));
        if let Some(n) = locals {
            self.emit(
                Instruction::with_imm(Opcode::Fmpupdate, -Felt::new(n as u64)),
                span,
                None,
            );
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
                    let Some(truth) = self.condition(module, cond) else {
                        continue;
                    };
                    let (first, second) = if truth { (then, els) } else { (els, then) };
                    let jz = self.emit(Instruction::new(Opcode::Jmpz), Some((module, *span)), None);
                    self.block(module, first, ctx, caller);
                    if second.is_empty() {
                        self.code[jz].imm = Felt::new(self.code.len() as u64);
                    } else {
                        let j =
                            self.emit(Instruction::new(Opcode::Jmp), Some((module, *span)), None);
                        self.code[jz].imm = Felt::new(self.code.len() as u64);
                        self.block(module, second, ctx, caller);
                        self.code[j].imm = Felt::new(self.code.len() as u64);
                    }
                }
                Op::While { cond, body, span } => {
                    if self.condition(module, cond) != Some(true) {
                        if self.condition(module, cond) == Some(false) {
                            self.err(
                                module,
                                cond.span,
                                "`while.false` does not exist",
                                "expected `true`",
                                Some("write `while.true`".into()),
                            );
                        }
                        continue;
                    }
                    let jz = self.emit(Instruction::new(Opcode::Jmpz), Some((module, *span)), None);
                    let head = self.code.len();
                    self.block(module, body, ctx, caller);
                    self.emit(
                        Instruction::with_imm(Opcode::Jmpnz, Felt::new(head as u64)),
                        Some((module, *span)),
                        None,
                    );
                    self.code[jz].imm = Felt::new(self.code.len() as u64);
                }
                Op::Repeat { count, body, span } => {
                    let n = match self.arg_imm(module, count) {
                        Some((Imm::Int(n), _)) if (1..=u32::MAX as u64).contains(&n) => n,
                        Some(_) => {
                            self.err(module, arg_span(count), "repeat count out of range", "must be between 1 and 2^32 - 1",
                                Some("`repeat.0` would run its body zero times; remove the block instead".into()));
                            continue;
                        }
                        None => continue,
                    };
                    self.emit(
                        Instruction::with_imm(Opcode::Repeat, Felt::new(n)),
                        Some((module, *span)),
                        None,
                    );
                    let head = self.code.len();
                    self.block(module, body, ctx, caller);
                    self.emit(
                        Instruction::with_imm(Opcode::Next, Felt::new(head as u64)),
                        Some((module, *span)),
                        None,
                    );
                }
                Op::Invoke { kind, target, span } => {
                    self.invoke(module, *kind, target, *span, caller)
                }
            }
        }
    }

    fn condition(&mut self, module: usize, cond: &ast::Name) -> Option<bool> {
        match cond.text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.err(
                    module,
                    cond.span,
                    format!("unknown condition `{}`", cond.text),
                    "expected `true` or `false`",
                    None,
                );
                None
            }
        }
    }

    fn invoke(
        &mut self,
        module: usize,
        kind: InvokeKind,
        target: &ast::Target,
        span: Span,
        caller: Option<ProcId>,
    ) {
        let op = match kind {
            InvokeKind::Exec => Opcode::Call,
            InvokeKind::Call => Opcode::CallCtx,
            InvokeKind::Syscall | InvokeKind::Procref => {
                self.err(
                    module,
                    span,
                    "`syscall` and `procref` are not supported",
                    "refused",
                    Some(
                        "they depend on Miden's kernels and MAST hashes; see docs/language.md"
                            .into(),
                    ),
                );
                return;
            }
        };
        let Some(id) = self.resolve(module, target) else {
            return;
        };
        self.edges.push((caller, id, module, span));
        if let std::collections::hash_map::Entry::Vacant(e) = self.placed.entry(id) {
            e.insert(u32::MAX);
            self.queue.push(id);
        }
        let at = self.emit(Instruction::new(op), Some((module, span)), None);
        self.fixups.push((at, id));
    }

    fn resolve(&mut self, module: usize, t: &ast::Target) -> Option<ProcId> {
        let (mod_path, name) = if t.path.len() == 1 && !t.absolute {
            (None, t.path[0].clone())
        } else {
            let name = t.path.last().cloned().unwrap_or_default();
            let prefix = &t.path[..t.path.len() - 1];
            if t.absolute {
                (Some(prefix.join("::")), name)
            } else if prefix.len() == 1 {
                let m = self.modules.get(module);
                match m.imports.get(&prefix[0]) {
                    Some(p) => (Some(p.clone()), name),
                    None => {
                        let hint = closest(&prefix[0], m.imports.keys().map(|s| s.as_str()))
                            .map(|c| format!("did you mean `{c}`?"))
                            .or_else(|| {
                                Some(format!("import it first with `use.<path>::{}`", prefix[0]))
                            });
                        self.err(
                            module,
                            t.span,
                            format!("unknown module alias `{}`", prefix[0]),
                            "not imported",
                            hint,
                        );
                        return None;
                    }
                }
            } else {
                (Some(prefix.join("::")), name)
            }
        };
        let target_module = match mod_path {
            None => module,
            Some(path) => {
                match self.modules.load(&path) {
                    Ok(i) => i,
                    Err(e) => {
                        self.err(module, t.span, e, "module not found", Some("the standard library is `std::...`; user libraries come from `-l DIR`".into()));
                        return None;
                    }
                }
            }
        };
        let m = self.modules.get(target_module);
        match m.ast.procs.iter().position(|p| p.name.text == name) {
            Some(i) if target_module == module || m.ast.procs[i].exported => {
                Some((target_module, i))
            }
            Some(_) => {
                self.err(
                    module,
                    t.span,
                    format!("procedure `{name}` of `{}` is not exported", m.path),
                    "private procedure",
                    None,
                );
                None
            }
            None => {
                let hint = closest(&name, m.ast.procs.iter().map(|p| p.name.text.as_str()))
                    .map(|c| format!("did you mean `{c}`?"));
                let path = m.path.clone();
                self.err(
                    module,
                    t.span,
                    format!("unknown procedure `{name}` in `{path}`"),
                    "not found",
                    hint,
                );
                None
            }
        }
    }

    fn arg_imm(&mut self, module: usize, arg: &Arg) -> Option<(Imm, Option<String>)> {
        match arg {
            Arg::Lit(lit) => match parse_lit(&lit.text) {
                Some(ConstVal::Felt(v)) => Some((Imm::Int(v), None)),
                Some(ConstVal::Word(w)) => Some((Imm::Word(w), None)),
                _ => {
                    self.err(
                        module,
                        lit.span,
                        format!("invalid literal `{}`", lit.text),
                        "out of range",
                        Some(
                            "numbers are at most 64 bits; a hex word has exactly 64 hex digits"
                                .into(),
                        ),
                    );
                    None
                }
            },
            Arg::Ident(n) => match self.modules.get(module).consts.get(&n.text) {
                Some(ConstVal::Felt(v)) => Some((Imm::Int(*v), None)),
                Some(ConstVal::Word(w)) => Some((Imm::Word(*w), None)),
                Some(ConstVal::Str(_)) | None => Some((Imm::Ident(n.text.clone()), None)),
            },
            Arg::Err(e, span) => {
                let msg = match e {
                    ErrArg::Str(s) => Some(s.clone()),
                    ErrArg::Const(n) => match self.modules.get(module).consts.get(&n.text) {
                        Some(ConstVal::Str(s)) => Some(s.clone()),
                        Some(ConstVal::Felt(v)) => Some(format!("error code {v}")),
                        _ => {
                            self.err(
                                module,
                                *span,
                                format!("unknown constant `{}`", n.text),
                                "not defined",
                                None,
                            );
                            None
                        }
                    },
                };
                msg.map(|m| (Imm::Ident(String::new()), Some(m)))
            }
        }
    }

    fn instruction(
        &mut self,
        module: usize,
        name: &ast::Name,
        args: &[Arg],
        span: Span,
        ctx: &LowerContext,
    ) {
        let mut full = name.text.clone();
        let mut args = args;
        // `adv.push_mapval`, `debug.stack`: the namespace and the first identifier form the name.
        if matches!(full.as_str(), "adv" | "debug") {
            if let Some(Arg::Ident(n)) = args.first() {
                full = format!("{full}.{}", n.text);
                args = &args[1..];
            }
        }
        let mut imms = Vec::new();
        let mut spans = Vec::new();
        let mut err_msg = None;
        for a in args {
            match self.arg_imm(module, a) {
                Some((_, Some(m))) => err_msg = Some(m),
                Some((imm, None)) => {
                    imms.push(imm);
                    spans.push(arg_span(a));
                }
                None => return,
            }
        }
        let mut out = Vec::new();
        if let Err(e) = lower_instruction(&full, &imms, err_msg.as_deref(), ctx, &mut out) {
            let at = |i: usize| spans.get(i).copied().unwrap_or(span);
            match e {
                LowerError::UnknownInstruction { suggestion } => self.err(
                    module,
                    name.span,
                    format!("unknown instruction `{full}`"),
                    "not an instruction",
                    suggestion.map(|s| format!("did you mean `{s}`?")),
                ),
                LowerError::WrongArgCount { expected, found } => self.err(
                    module,
                    span,
                    format!("`{full}` takes {expected} immediate(s), {found} given"),
                    "wrong number of immediates",
                    None,
                ),
                LowerError::ImmOutOfRange {
                    index,
                    value,
                    range,
                } => self.err(
                    module,
                    at(index),
                    format!("immediate `{value}` of `{full}` is out of range"),
                    format!("must be in {range}"),
                    None,
                ),
                LowerError::BadImm { index, expected } => {
                    let hint = match imms.get(index) {
                        Some(Imm::Ident(id)) => closest(
                            id,
                            self.modules.get(module).consts.keys().map(|s| s.as_str()),
                        )
                        .map(|c| format!("did you mean the constant `{c}`?")),
                        _ => None,
                    };
                    self.err(
                        module,
                        at(index),
                        format!("bad immediate for `{full}`: expected {expected}"),
                        "unexpected immediate",
                        hint,
                    )
                }
                LowerError::NoLocals => self.err(
                    module,
                    span,
                    format!("`{full}` uses a local, but the procedure declares none"),
                    "no locals here",
                    Some("declare locals with `proc.name.N`".into()),
                ),
                LowerError::LocalOutOfRange {
                    index,
                    local,
                    num_locals,
                } => self.err(
                    module,
                    at(index),
                    format!("local {local} is out of range"),
                    format!("this procedure has {num_locals} locals"),
                    None,
                ),
                LowerError::Refused { reason } => self.err(
                    module,
                    span,
                    format!("`{full}` is not supported"),
                    "refused",
                    Some(reason.to_string()),
                ),
            }
            return;
        }
        for item in out {
            match item {
                Emitted::Op { ins, message } => {
                    self.emit(ins, Some((module, span)), message);
                }
                Emitted::Decorator(d) => self.pending.push(d),
            }
        }
    }

    fn check_recursion(&mut self) {
        let mut graph: HashMap<ProcId, Vec<(ProcId, usize, Span)>> = HashMap::new();
        for (from, to, m, s) in &self.edges {
            if let Some(f) = from {
                graph.entry(*f).or_default().push((*to, *m, *s));
            }
        }
        // Iterative DFS with colours: 1 = on the current path, 2 = done.
        let mut colour: HashMap<ProcId, u8> = HashMap::new();
        let mut nodes: Vec<ProcId> = graph.keys().copied().collect();
        nodes.sort();
        for start in nodes {
            if colour.contains_key(&start) {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            colour.insert(start, 1);
            while let Some((node, i)) = stack.last_mut() {
                let edges = graph.get(node).cloned().unwrap_or_default();
                if *i >= edges.len() {
                    colour.insert(*node, 2);
                    stack.pop();
                    continue;
                }
                let (next, m, s) = edges[*i];
                *i += 1;
                match colour.get(&next) {
                    Some(1) => {
                        let pos = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                        let cycle: Vec<String> = stack[pos..]
                            .iter()
                            .map(|(n, _)| self.proc_name(*n))
                            .chain(std::iter::once(self.proc_name(next)))
                            .collect();
                        self.err(
                            m,
                            s,
                            "recursive procedure call",
                            "this call closes a cycle",
                            Some(format!("recursion is not allowed: {}", cycle.join(" -> "))),
                        );
                        return;
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(next, 1);
                        stack.push((next, 0));
                    }
                }
            }
        }
    }

    fn proc_name(&self, (m, i): ProcId) -> String {
        let module = self.modules.get(m);
        format!("{}::{}", module.path, module.ast.procs[i].name.text)
    }

    fn finish(mut self) -> Result<Program, Vec<SourceError>> {
        let mut files = vec![None; self.used_files.len()];
        for (module, idx) in &self.used_files {
            let m = self.modules.get(*module);
            files[*idx as usize] = Some(SourceFile {
                name: m.file_name.clone(),
                text: m.text.clone(),
            });
        }
        self.procs.sort_by_key(|p| p.start);
        self.messages.sort_by_key(|(a, _)| *a);
        self.messages.dedup_by_key(|(a, _)| *a);
        let debug = DebugInfo {
            files: files.into_iter().flatten().collect(),
            spans: self.spans,
            procedures: self.procs,
            decorators: self.decorators,
            messages: self.messages,
        };
        Program::new(self.code, debug).map_err(|e| {
            let m: &ParsedModule = self.modules.get(0);
            vec![SourceError::new(
                m.file(),
                (0, 0),
                format!("internal error: {e}"),
                "",
                None,
            )]
        })
    }
}

fn arg_span(a: &Arg) -> Span {
    match a {
        Arg::Lit(l) => l.span,
        Arg::Ident(n) => n.span,
        Arg::Err(_, s) => *s,
    }
}

/// The constants of a module, re-exported for the module loader.
pub type ModuleConsts = Consts;
