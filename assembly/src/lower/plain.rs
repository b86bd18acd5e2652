//! Plain instructions: resolves immediates (literals, constants, `.err=` messages), hands the
//! instruction to [`lower_instruction`], and turns its failures into located diagnostics.

use super::instructions::{lower_instruction, Emitted, Imm, LowerContext, LowerError};
use super::Linker;
use crate::ast::{self, Arg, ErrArg, Span};
use crate::consts::{is_constant_name, parse_lit, ConstVal};
use crate::error::{at, did_you_mean, AssemblyError};
use vm_core::{Felt, Instruction};

/// Instruction namespaces whose first immediate is part of the name (`adv.push_mapval`,
/// `debug.stack`).
const NAMESPACES: &[&str] = &["adv", "debug"];

/// The span of an immediate argument.
pub(super) fn arg_span(a: &Arg) -> Span {
    match a {
        Arg::Lit(l) => l.span,
        Arg::Ident(n) => n.span,
        Arg::Err { span, .. } => *span,
    }
}

impl Linker<'_> {
    /// Resolves a numeric or word immediate (a literal or a constant); identifiers that are
    /// not constant names (`u64` in `exp.u64`) pass through as [`Imm::Ident`].
    pub(super) fn arg_imm(&mut self, module: usize, arg: &Arg) -> Option<Imm> {
        let m = self.modules.get(module);
        let err = match arg {
            Arg::Lit(lit) => match parse_lit(&lit.text) {
                Some(ConstVal::Felt(v)) => return Some(Imm::Int(v)),
                Some(ConstVal::Word(w)) => return Some(Imm::Word(w)),
                _ => AssemblyError::BadLiteral {
                    text: lit.text.clone(),
                    src: m.src.clone(),
                    span: at(lit.span),
                },
            },
            Arg::Ident(n) => match m.consts.get(&n.text) {
                Some(ConstVal::Felt(v)) => return Some(Imm::Int(*v)),
                Some(ConstVal::Word(w)) => return Some(Imm::Word(*w)),
                Some(ConstVal::Str(_)) => AssemblyError::ConstantKind {
                    name: n.text.clone(),
                    found: "a string",
                    expected: "a number or a word (strings only go in `.err=`)",
                    src: m.src.clone(),
                    span: at(n.span),
                },
                None if is_constant_name(&n.text) => AssemblyError::UnknownConstant {
                    name: n.text.clone(),
                    src: m.src.clone(),
                    span: at(n.span),
                    help: did_you_mean(&n.text, m.consts.keys().map(String::as_str)),
                },
                None => return Some(Imm::Ident(n.text.clone())),
            },
            // Only `repeat.N` resolves a lone argument this way.
            Arg::Err { span, .. } => AssemblyError::BadImm {
                name: "repeat".into(),
                expected: "a number".into(),
                src: m.src.clone(),
                span: at(*span),
                help: None,
            },
        };
        self.errors.push(err);
        None
    }

    /// The message of an `.err=` argument.
    fn err_message(&mut self, module: usize, key: &ast::Name, value: &ErrArg) -> Option<String> {
        let m = self.modules.get(module);
        let err = if key.text != "err" {
            AssemblyError::UnknownNamedArgument {
                key: key.text.clone(),
                src: m.src.clone(),
                span: at(key.span),
            }
        } else {
            match value {
                ErrArg::Str(s) => return Some(s.clone()),
                ErrArg::Const(n) => match m.consts.get(&n.text) {
                    Some(ConstVal::Str(s)) => return Some(s.clone()),
                    // Older Miden code uses numeric error codes.
                    Some(ConstVal::Felt(v)) => return Some(format!("error code {v}")),
                    Some(ConstVal::Word(_)) => AssemblyError::ConstantKind {
                        name: n.text.clone(),
                        found: "a word",
                        expected: "a string",
                        src: m.src.clone(),
                        span: at(n.span),
                    },
                    None => AssemblyError::UnknownConstant {
                        name: n.text.clone(),
                        src: m.src.clone(),
                        span: at(n.span),
                        help: did_you_mean(&n.text, m.consts.keys().map(String::as_str)),
                    },
                },
            }
        };
        self.errors.push(err);
        None
    }

    /// Lowers one plain instruction.
    pub(super) fn instruction(
        &mut self,
        module: usize,
        name: &ast::Name,
        args: &[Arg],
        span: Span,
        ctx: &LowerContext,
    ) {
        let mut full = name.text.clone();
        let mut name_span = name.span;
        let mut args = args;
        if NAMESPACES.contains(&full.as_str()) {
            if let Some(Arg::Ident(n)) = args.first() {
                full = format!("{full}.{}", n.text);
                name_span = (name.span.0, n.span.1);
                args = &args[1..];
            }
        }
        let mut imms = Vec::new();
        let mut spans = Vec::new();
        let mut err_msg = None;
        let mut ok = true;
        for a in args {
            match a {
                Arg::Err { key, value, .. } => match self.err_message(module, key, value) {
                    Some(m) => err_msg = Some(m),
                    None => ok = false,
                },
                _ => match self.arg_imm(module, a) {
                    Some(imm) => {
                        imms.push(imm);
                        spans.push(arg_span(a));
                    }
                    None => ok = false,
                },
            }
        }
        if !ok {
            return;
        }
        let mut out = Vec::new();
        match lower_instruction(&full, &imms, err_msg.as_deref(), ctx, &mut out) {
            Ok(()) => {
                let base = self.code.len() as u64;
                for item in out {
                    match item {
                        Emitted::Op { ins, message } => {
                            self.emit(ins, Some((module, span)), message);
                        }
                        Emitted::Jump {
                            ins,
                            target,
                            message,
                        } => {
                            let ins =
                                Instruction::with_imm(ins.op, Felt::new(base + target as u64));
                            self.emit(ins, Some((module, span)), message);
                        }
                        Emitted::Decorator(d) => {
                            let at = self.source_span(module, span);
                            self.pending.push((d, Some(at)));
                        }
                    }
                }
            }
            Err(e) => {
                let arg_at = |i: usize| at(spans.get(i).copied().unwrap_or(span));
                let m = self.modules.get(module);
                let src = m.src.clone();
                let err = match e {
                    LowerError::UnknownInstruction { suggestion } => {
                        AssemblyError::UnknownInstruction {
                            name: full,
                            src,
                            span: at(name_span),
                            help: suggestion.map(|s| format!("did you mean `{s}`?")),
                        }
                    }
                    LowerError::WrongArgCount { expected, found } => AssemblyError::WrongArgCount {
                        name: full,
                        expected: expected.into(),
                        found,
                        src,
                        span: at(span),
                    },
                    LowerError::ImmOutOfRange {
                        index,
                        value,
                        range,
                    } => AssemblyError::ImmOutOfRange {
                        name: full,
                        value,
                        range,
                        src,
                        span: arg_at(index),
                    },
                    LowerError::BadImm { index, expected } => {
                        let help = match imms.get(index) {
                            Some(Imm::Ident(id)) => {
                                did_you_mean(id, m.consts.keys().map(String::as_str))
                            }
                            _ => None,
                        };
                        AssemblyError::BadImm {
                            name: full,
                            expected,
                            src,
                            span: arg_at(index),
                            help,
                        }
                    }
                    LowerError::NoLocals => AssemblyError::NoLocals {
                        name: full,
                        src,
                        span: at(span),
                    },
                    LowerError::LocalOutOfRange {
                        index,
                        local,
                        num_locals,
                    } => AssemblyError::LocalOutOfRange {
                        local,
                        num_locals,
                        src,
                        span: arg_at(index),
                    },
                    LowerError::Refused { reason } => AssemblyError::Refused {
                        name: full,
                        reason: reason.into(),
                        src,
                        span: at(span),
                    },
                };
                self.errors.push(err);
            }
        }
    }
}
