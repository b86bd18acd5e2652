//! The assembler: Miden-style `.masm` source to a native [`vm_core::Program`].
//!
//! Pipeline: [`lexer`] (logos) -> `parse` (LALRPOP grammar) -> [`ast`] -> `modules`
//! (imports, libraries, constants) -> [`lower`] (linking, recursion check, lowering of
//! flow control and of every instruction). Every error is a miette diagnostic with file,
//! line, column, a labelled snippet and a hint where one helps.

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

use crate::error::{into_report, PlainError};
use crate::modules::ModuleSet;

/// Assembles programs, with the standard library and any user libraries.
#[derive(Clone, Debug)]
pub struct Assembler {
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

    /// Adds a library directory; its name is the namespace of its modules.
    pub fn with_library_dir(mut self, dir: impl AsRef<Path>) -> Result<Self, Report> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(Report::new(PlainError(format!(
                "library directory {} does not exist",
                dir.display()
            ))));
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| {
                Report::new(PlainError(format!("cannot name library {}", dir.display())))
            })?;
        if name == vm_stdlib::NAMESPACE {
            return Err(Report::new(PlainError(
                "a user library cannot use the `std` namespace".into(),
            )));
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
        let text = std::fs::read_to_string(path)
            .map_err(|e| Report::new(PlainError(format!("cannot read {}: {e}", path.display()))))?;
        self.assemble_source(&path.display().to_string(), &text)
    }

    /// Assembles a program from source text; `name` is shown in diagnostics.
    pub fn assemble_source(&self, name: &str, source: &str) -> Result<Program, Report> {
        let mut set = ModuleSet::new(name, source, self.libs.clone()).map_err(into_report)?;
        let result = lower::link(&mut set, self.debug_mode);
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

    /// Reports every diagnostic for the program at `path`, producing nothing.
    pub fn check_file(&self, path: impl AsRef<Path>) -> Result<(), Report> {
        self.assemble_file(path).map(|_| ())
    }
}
