//! Name resolution for `exec`/`call`: finds the procedure a target names (a local procedure,
//! `alias::name` through an import, an absolute `::ns::module::name`, or a re-export), and
//! emits the call.

use vm_core::{Instruction, Opcode};

use super::{Linker, ProcId};
use crate::ast::{InvokeKind, Span, Target};
use crate::error::{at, did_you_mean, AssemblyError};
use crate::modules::LoadError;

/// Re-exports may chain (a re-export of a re-export); a longer chain is a loop.
const MAX_REEXPORT_DEPTH: usize = 16;

impl Linker<'_> {
    /// Lowers `exec` (`CALL`) or `call` (`CALLCTX`) and queues the callee for linking.
    pub(super) fn invoke(
        &mut self,
        module: usize,
        kind: InvokeKind,
        target: &Target,
        span: Span,
        caller: Option<ProcId>,
    ) {
        let op = match kind {
            InvokeKind::Exec => Opcode::Call,
            InvokeKind::Call => Opcode::CallCtx,
            InvokeKind::Syscall | InvokeKind::Procref => {
                let (name, reason) = if kind == InvokeKind::Syscall {
                    ("syscall", "this VM has no kernels")
                } else {
                    (
                        "procref",
                        "procedures are not identified by Miden's MAST roots here",
                    )
                };
                let src = self.modules.get(module).src.clone();
                self.errors.push(AssemblyError::Refused {
                    name: name.into(),
                    reason: reason.into(),
                    src,
                    span: at(span),
                });
                return;
            }
        };
        let Some(id) = self.resolve(module, target, 0) else {
            return;
        };
        self.edges.push((caller, id, module, span));
        if !self.check_only {
            if let std::collections::hash_map::Entry::Vacant(e) = self.placed.entry(id) {
                e.insert(u32::MAX);
                self.queue.push(id);
            }
        }
        let at = self.emit(Instruction::new(op), Some((module, span)), None);
        self.fixups.push((at, id));
    }

    /// The procedure `t` names when written in `module`; reports an error and returns
    /// `None` when there is none.
    fn resolve(&mut self, module: usize, t: &Target, depth: usize) -> Option<ProcId> {
        let (name, prefix) = t.path.split_last()?;
        if prefix.is_empty() && !t.absolute {
            return self.find_in(module, module, name, t, depth);
        }
        let path = if !t.absolute && prefix.len() == 1 {
            let m = self.modules.get(module);
            match m.imports.get(&prefix[0]) {
                Some(p) => p.clone(),
                // Already reported at the `use`.
                None if m.broken_imports.contains(&prefix[0]) => return None,
                None => {
                    let help = did_you_mean(&prefix[0], m.imports.keys().map(String::as_str))
                        .or_else(|| {
                            Some(format!(
                                "import it first with `use.<namespace>::...::{}`",
                                prefix[0]
                            ))
                        });
                    let src = m.src.clone();
                    self.errors.push(AssemblyError::UnknownAlias {
                        alias: prefix[0].clone(),
                        src,
                        span: at(t.span),
                        help,
                    });
                    return None;
                }
            }
        } else {
            prefix.join("::")
        };
        let target_module = match self.modules.load(&path) {
            Ok(i) => i,
            // The module's own errors are already collected.
            Err(LoadError::Invalid) => return None,
            Err(LoadError::NotFound) => {
                let help = Some(self.modules.module_hint(&path));
                let src = self.modules.get(module).src.clone();
                self.errors.push(AssemblyError::UnknownModule {
                    path,
                    src,
                    span: at(t.span),
                    help,
                });
                return None;
            }
        };
        self.find_in(module, target_module, name, t, depth)
    }

    /// The procedure `name` of `target_module`, as seen from `module`.
    fn find_in(
        &mut self,
        module: usize,
        target_module: usize,
        name: &str,
        t: &Target,
        depth: usize,
    ) -> Option<ProcId> {
        let m = self.modules.get(target_module);
        if let Some(i) = m.ast.procs.iter().position(|p| p.name.text == name) {
            if target_module == module || m.ast.procs[i].exported {
                return Some((target_module, i));
            }
            let err = AssemblyError::PrivateProcedure {
                name: name.into(),
                module: m.path.clone(),
                src: self.modules.get(module).src.clone(),
                span: at(t.span),
            };
            self.errors.push(err);
            return None;
        }
        if let Some(r) = m.ast.reexports.iter().find(|r| r.name.text == name) {
            if depth >= MAX_REEXPORT_DEPTH {
                let err = AssemblyError::ReExportCycle {
                    name: name.into(),
                    src: self.modules.get(module).src.clone(),
                    span: at(t.span),
                };
                self.errors.push(err);
                return None;
            }
            // The re-export's target is written in (and resolved from) its own module.
            let inner = r.target.clone();
            return self.resolve(target_module, &inner, depth + 1);
        }
        let names = m
            .ast
            .procs
            .iter()
            .filter(|p| target_module == module || p.exported)
            .map(|p| p.name.text.as_str())
            .chain(m.ast.reexports.iter().map(|r| r.name.text.as_str()));
        let help = did_you_mean(name, names);
        let err = AssemblyError::UnknownProcedure {
            name: name.into(),
            module: m.path.clone(),
            src: self.modules.get(module).src.clone(),
            span: at(t.span),
            help,
        };
        self.errors.push(err);
        None
    }
}
