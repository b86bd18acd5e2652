//! The assembler: Miden-style `.masm` source to a native [`vm_core::Program`].
//!
//! Pipeline: [`lexer`] (logos) -> `parse` (LALRPOP grammar, with error recovery) -> [`ast`]
//! -> `modules` (libraries, imports, constants, per-module checks) -> [`lower`] (name
//! resolution, linking of the reachable procedures, recursion check, lowering of flow
//! control, and of every plain instruction through [`lower::instructions`]).
//!
//! Every error is an [`AssemblyError`], a miette diagnostic with the file name, line and
//! column, the source line with a label under the culprit, and a help line where one helps;
//! several at once come as [`AssemblyErrors`]. The language is described in
//! `docs/language.md`.

pub mod ast;
mod consts;
pub mod error;
pub mod lexer;
pub mod lower;
mod modules;
mod parse;

use std::path::{Path, PathBuf};

use miette::Report;
use vm_core::Program;

use crate::error::into_report;
pub use crate::error::{AssemblyError, AssemblyErrors};
use crate::modules::ModuleSet;

/// Assembles programs, with the standard library and any user libraries.
#[derive(Clone, Debug)]
pub struct Assembler {
    /// (namespace, directory) of each user library.
    libs: Vec<(String, PathBuf)>,
    debug_mode: bool,
}

impl Default for Assembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Assembler {
    /// An assembler with the standard library (`std`) and debug decorators kept.
    pub fn new() -> Self {
        Self {
            libs: Vec::new(),
            debug_mode: true,
        }
    }

    /// Adds a library directory; its name is the namespace of its modules (`DIR/a/b.masm`
    /// is the module `DIR::a::b`).
    pub fn with_library_dir(mut self, dir: impl AsRef<Path>) -> Result<Self, Report> {
        let dir = dir.as_ref();
        let fail = |reason: &str| {
            Report::new(AssemblyError::Library {
                path: dir.display().to_string(),
                reason: reason.into(),
            })
        };
        if !dir.is_dir() {
            return Err(fail("not a directory"));
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| fail("it has no name to use as a namespace"))?;
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(fail(&format!(
                "its name `{name}` is not a valid namespace (letters, digits and `_`)"
            )));
        }
        if name == vm_stdlib::NAMESPACE {
            return Err(fail("the `std` namespace belongs to the standard library"));
        }
        if self.libs.iter().any(|(n, _)| *n == name) {
            return Err(fail(&format!("a library named `{name}` was already added")));
        }
        self.libs.push((name, dir.to_path_buf()));
        Ok(self)
    }

    /// Keeps (`true`, the default) or drops `debug.*` decorators; they never change the hash.
    pub fn with_debug_mode(mut self, on: bool) -> Self {
        self.debug_mode = on;
        self
    }

    /// Assembles the program in the file at `path`.
    pub fn assemble_file(&self, path: impl AsRef<Path>) -> Result<Program, Report> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Report::new(AssemblyError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
        })?;
        self.assemble_source(&path.display().to_string(), &text)
    }

    /// Assembles a program from source text; `name` is the file name diagnostics show.
    /// Every error found is reported (several at once as [`AssemblyErrors`]).
    pub fn assemble_source(&self, name: &str, source: &str) -> Result<Program, Report> {
        let mut set = ModuleSet::new(name, source, self.libs.clone()).map_err(into_report)?;
        let result = lower::link(&mut set, self.debug_mode);
        // Errors of library modules come first: they are often the cause of the others.
        let mut errors = std::mem::take(&mut set.errors);
        match result {
            Ok(p) if errors.is_empty() => Ok(p),
            Ok(_) => Err(into_report(errors)),
            Err(e) => {
                errors.extend(e);
                Err(into_report(errors))
            }
        }
    }

    /// Checks the program at `path` and reports every diagnostic, producing nothing.
    pub fn check_file(&self, path: impl AsRef<Path>) -> Result<(), Report> {
        self.assemble_file(path).map(|_| ())
    }
}
