//! Modules and libraries: where module sources come from, and their parsed form.
//!
//! A library is a directory of `.masm` files under a namespace (the directory's name): the
//! file `DIR/math/big.masm` is the module `NAME::math::big`. The standard library (`std`) is
//! embedded in the binary (`vm_stdlib::MODULES`).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::ast::{Form, Module};
use crate::consts::{eval_all, Consts};
use crate::error::SourceError;
use crate::parse::parse_module;

/// A parsed module with its resolved imports and constants.
#[derive(Debug)]
pub struct ParsedModule {
    /// Module path (`std::sys`), or `#exec` for the program.
    pub path: String,
    /// File name shown in diagnostics.
    pub file_name: String,
    /// Source text.
    pub text: String,
    /// The syntax tree.
    pub ast: Module,
    /// Import alias -> module path.
    pub imports: HashMap<String, String>,
    /// Constants by name.
    pub consts: Consts,
}

impl ParsedModule {
    /// (file name, text) for diagnostics.
    pub fn file(&self) -> (&str, &str) {
        (&self.file_name, &self.text)
    }
}

/// All modules loaded so far, the program first, plus the library directories to search.
pub struct ModuleSet {
    modules: Vec<ParsedModule>,
    by_path: HashMap<String, usize>,
    libs: Vec<(String, PathBuf)>,
    /// Errors found while parsing library modules.
    pub errors: Vec<SourceError>,
}

impl ModuleSet {
    /// A set holding the program module, parsed from `text`.
    pub fn new(
        file_name: &str,
        text: &str,
        libs: Vec<(String, PathBuf)>,
    ) -> Result<Self, Vec<SourceError>> {
        let mut set = ModuleSet {
            modules: Vec::new(),
            by_path: HashMap::new(),
            libs,
            errors: Vec::new(),
        };
        let m = build(file_name, text, "#exec".into(), true)?;
        set.modules.push(m);
        Ok(set)
    }

    /// The module with index `i`.
    pub fn get(&self, i: usize) -> &ParsedModule {
        &self.modules[i]
    }

    /// Loads (once) the module at `path` and returns its index.
    pub fn load(&mut self, path: &str) -> Result<usize, String> {
        if let Some(i) = self.by_path.get(path) {
            return Ok(*i);
        }
        let (file_name, text) = self
            .find(path)
            .ok_or_else(|| format!("unknown module `{path}`"))?;
        match build(&file_name, &text, path.to_string(), false) {
            Ok(m) => {
                self.modules.push(m);
                self.by_path
                    .insert(path.to_string(), self.modules.len() - 1);
                Ok(self.modules.len() - 1)
            }
            Err(errs) => {
                self.errors.extend(errs);
                Err(format!("module `{path}` has errors"))
            }
        }
    }

    fn find(&self, path: &str) -> Option<(String, String)> {
        if let Some(m) = vm_stdlib::module(path) {
            return Some((path.to_string(), m.source.to_string()));
        }
        let mut parts = path.split("::");
        let ns = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() {
            return None;
        }
        for (name, dir) in &self.libs {
            if name == ns {
                let mut file = dir.clone();
                for p in &rest {
                    file.push(p);
                }
                file.set_extension("masm");
                if let Ok(text) = std::fs::read_to_string(&file) {
                    return Some((file.display().to_string(), text));
                }
            }
        }
        None
    }
}

fn build(
    file_name: &str,
    text: &str,
    path: String,
    executable: bool,
) -> Result<ParsedModule, Vec<SourceError>> {
    let file = (file_name, text);
    let forms = parse_module(file_name, text)?;
    let mut errors = Vec::new();
    let mut ast = Module::default();
    for form in forms {
        match form {
            Form::Import(i) => ast.imports.push(i),
            Form::Const(c) => ast.consts.push(c),
            Form::Proc(p) => {
                if executable && p.exported {
                    errors.push(SourceError::new(
                        file,
                        p.name.span,
                        "`export` in an executable program",
                        "exported here",
                        Some("a program cannot export procedures; use `proc.` instead".into()),
                    ));
                }
                if ast.procs.iter().any(|q| q.name.text == p.name.text) {
                    errors.push(SourceError::new(
                        file,
                        p.name.span,
                        format!("duplicate procedure `{}`", p.name.text),
                        "defined again here",
                        None,
                    ));
                }
                ast.procs.push(p);
            }
            Form::Body(b, span) => {
                if !executable {
                    errors.push(SourceError::new(
                        file,
                        span,
                        "a library module cannot have a `begin ... end` body",
                        "body here",
                        None,
                    ));
                } else if ast.body.is_some() {
                    errors.push(SourceError::new(
                        file,
                        span,
                        "a program has only one `begin ... end` body",
                        "second body",
                        None,
                    ));
                } else {
                    ast.body = Some((b, span));
                }
            }
        }
    }
    let mut imports = HashMap::new();
    for i in &ast.imports {
        if i.path.len() < 2 {
            errors.push(SourceError::new(
                file,
                i.span,
                "import paths need a namespace and a module",
                "unqualified import",
                Some(format!("write e.g. `use.std::{}`", i.path.join("::"))),
            ));
            continue;
        }
        let alias = i
            .alias
            .clone()
            .unwrap_or_else(|| i.path.last().cloned().unwrap_or_default());
        imports.insert(alias, i.path.join("::"));
    }
    let (consts, const_errors) = eval_all(&ast.consts);
    for (msg, label, span) in const_errors {
        errors.push(SourceError::new(file, span, msg, label, None));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ParsedModule {
        path,
        file_name: file_name.to_string(),
        text: text.to_string(),
        ast,
        imports,
        consts,
    })
}
