//! The recursion check: the call graph of the linked procedures must be acyclic, because
//! a call stack of unbounded depth has no fixed-size trace (and Miden forbids it too).

use std::collections::HashMap;

use super::{Linker, ProcId};
use crate::ast::Span;
use crate::error::{at, AssemblyError};

/// Where a node of the depth-first search is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// On the current path.
    Open,
    /// Fully explored.
    Done,
}

impl Linker<'_> {
    /// Reports the first cycle of the call graph, naming every procedure on it.
    pub(super) fn check_recursion(&mut self) {
        let mut graph: HashMap<ProcId, Vec<(ProcId, usize, Span)>> = HashMap::new();
        for (from, to, m, s) in &self.edges {
            if let Some(f) = from {
                graph.entry(*f).or_default().push((*to, *m, *s));
            }
        }
        let mut state: HashMap<ProcId, Visit> = HashMap::new();
        let mut roots: Vec<ProcId> = graph.keys().copied().collect();
        roots.sort_unstable();
        for root in roots {
            if state.contains_key(&root) {
                continue;
            }
            // Iterative DFS: (node, index of the next edge to follow).
            let mut path = vec![(root, 0usize)];
            state.insert(root, Visit::Open);
            while let Some((node, next)) = path.last_mut() {
                let edges = graph.get(node).map(Vec::as_slice).unwrap_or_default();
                let Some(&(callee, m, s)) = edges.get(*next) else {
                    state.insert(*node, Visit::Done);
                    path.pop();
                    continue;
                };
                *next += 1;
                match state.get(&callee) {
                    Some(Visit::Open) => {
                        let from = path.iter().position(|(n, _)| *n == callee).unwrap_or(0);
                        let cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|(n, _)| self.proc_name(*n))
                            .chain(std::iter::once(self.proc_name(callee)))
                            .collect();
                        let src = self.modules.get(m).src.clone();
                        self.errors.push(AssemblyError::Recursion {
                            cycle: cycle.join(" -> "),
                            src,
                            span: at(s),
                        });
                        return;
                    }
                    Some(Visit::Done) => {}
                    None => {
                        state.insert(callee, Visit::Open);
                        path.push((callee, 0));
                    }
                }
            }
        }
    }

    /// A procedure's name as the user wrote it: qualified for a library's
    /// (`std::sys::truncate_stack`), bare for the program's own (`check_limit`, never
    /// `#exec::check_limit`).
    fn proc_name(&self, (m, i): ProcId) -> String {
        let module = self.modules.get(m);
        let name = &module.ast.procs[i].name.text;
        if module.path.as_str() == crate::modules::EXEC_PATH {
            name.to_string()
        } else {
            format!("{}::{}", module.path, name)
        }
    }
}
