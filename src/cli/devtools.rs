//! What `vm profile` and `vm debug` share: loading the inputs, and reading the program's
//! debug information by address (procedure, source location, display names).

use std::path::{Path, PathBuf};

use miette::{miette, IntoDiagnostic, Report, WrapErr};
use vm_core::{Program, SourceFile};
use vm_processor::InputFile;

use super::sibling;

/// Reads the inputs file `input`, or `<program>.inputs` when it exists, or no inputs.
pub fn load_inputs(program: &Path, input: Option<&PathBuf>) -> Result<InputFile, Report> {
    let path = input.cloned().or_else(|| {
        let p = sibling(program, "inputs");
        p.exists().then_some(p)
    });
    match &path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read inputs file {}", path.display()))?;
            InputFile::parse(&text).map_err(|e| miette!("{}: {e}", path.display()))
        }
        None => Ok(InputFile::default()),
    }
}

/// A procedure's name as the user wrote it: the program's own procedures without the
/// program module's internal path (`#exec::check` reads `check`), the body as `#main`,
/// library procedures by their full path (`std::word::eqz`).
pub fn display_name(name: &str) -> &str {
    name.strip_prefix("#exec::").unwrap_or(name)
}

/// A source location: file index, 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// Index into the program's source files.
    pub file: u32,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// The program's debug information indexed by address.
pub struct SourceMap<'p> {
    program: &'p Program,
    /// Innermost procedure (index into the debug info's procedures) of each address.
    proc_of: Vec<Option<u32>>,
    /// Source location of each address.
    loc_of: Vec<Option<Loc>>,
}

impl<'p> SourceMap<'p> {
    /// Indexes `program`'s debug information.
    pub fn new(program: &'p Program) -> Self {
        let n = program.code().len();
        let procs = &program.debug().procedures;
        // Innermost first: a smaller procedure overrides a larger one containing it.
        let mut order: Vec<usize> = (0..procs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(procs[i].end - procs[i].start));
        let mut proc_of = vec![None; n];
        for i in order {
            let p = &procs[i];
            for slot in &mut proc_of[p.start as usize..(p.end as usize).min(n)] {
                *slot = Some(i as u32);
            }
        }
        let loc_of = (0..n as u32)
            .map(|pc| {
                let span = program.span_at(pc)?;
                let file = program.debug().files.get(span.file as usize)?;
                let (line, col) = file.line_col(span.start as usize);
                Some(Loc {
                    file: span.file,
                    line,
                    col,
                })
            })
            .collect();
        Self {
            program,
            proc_of,
            loc_of,
        }
    }

    /// The program.
    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// The procedure whose code holds `pc`.
    pub fn proc_at(&self, pc: usize) -> Option<usize> {
        self.proc_of.get(pc).copied().flatten().map(|i| i as usize)
    }

    /// The display name of procedure `i`.
    pub fn proc_name(&self, i: usize) -> &'p str {
        display_name(&self.program.debug().procedures[i].name)
    }

    /// The display name of the procedure holding `pc` (`?` when none does).
    pub fn proc_name_at(&self, pc: usize) -> &'p str {
        self.proc_at(pc).map(|i| self.proc_name(i)).unwrap_or("?")
    }

    /// The source location of the instruction at `pc`.
    pub fn loc(&self, pc: usize) -> Option<Loc> {
        self.loc_of.get(pc).copied().flatten()
    }

    /// The source file with index `file`.
    pub fn file(&self, file: u32) -> &'p SourceFile {
        &self.program.debug().files[file as usize]
    }

    /// `file:line:col`.
    pub fn loc_text(&self, loc: Loc) -> String {
        format!("{}:{}:{}", self.file(loc.file).name, loc.line, loc.col)
    }

    /// The text of a source line, trimmed.
    pub fn line_text(&self, file: u32, line: usize) -> &'p str {
        self.file(file).line_text(line).trim()
    }

    /// Whether the instruction at `pc` is part of a procedure's frame rather than of its
    /// body: the `RET`, and the `FMPUPDATE`s that allocate and free its locals (they carry
    /// the procedure name's location).
    pub fn is_frame(&self, pc: usize) -> bool {
        let Some(p) = self.proc_at(pc) else {
            return false;
        };
        let info = &self.program.debug().procedures[p];
        if info.name == "#main" {
            return false;
        }
        let last = info.end as usize - 1;
        let op = self.program.code()[pc].op;
        pc == last
            || (op == vm_core::Opcode::Fmpupdate && (pc == info.start as usize || pc + 1 == last))
    }

    /// The source text of the instruction at `pc` (its span), if known.
    pub fn span_text(&self, pc: usize) -> Option<&'p str> {
        let span = self.program.span_at(pc as u32)?;
        let file = self.program.debug().files.get(span.file as usize)?;
        file.text.get(span.start as usize..span.end as usize)
    }
}
