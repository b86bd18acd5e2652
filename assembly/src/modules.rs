//! Modules and libraries: where module sources come from, and their checked, parsed form.
//!
//! A library is a directory of `.masm` files under a namespace (the directory's name): the
//! file `DIR/math/big.masm` is the module `NAME::math::big`. The standard library (`std`) is
//! embedded in the binary (`vm_stdlib::MODULES`). Modules are loaded on first use, so a
//! library's errors are reported only when the program reaches it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use vm_core::{Felt, Word, MODULUS};

use crate::ast::{AdvKey, AdvMapDecl, ConstDecl, ConstExpr, Form, Lit, Module, Span};
use crate::consts::{eval_all, parse_lit, ConstVal, Consts};
use crate::error::{at, did_you_mean, source, AssemblyError, Source};
use crate::parse::parse_module;

/// The module path of the program being assembled (as in Miden).
pub const EXEC_PATH: &str = "#exec";

/// A parsed module with its resolved imports and constants.
#[derive(Debug)]
pub struct ParsedModule {
    /// Module path (`std::sys`), or [`EXEC_PATH`] for the program.
    pub path: String,
    /// File name and text, for diagnostics and debug info.
    pub src: Source,
    /// The syntax tree.
    pub ast: Module,
    /// Import alias -> module path.
    pub imports: HashMap<String, String>,
    /// Aliases whose import was already reported as broken (uses stay silent).
    pub broken_imports: HashSet<String>,
    /// Constants by name.
    pub consts: Consts,
    /// The module's advice-map entries (`adv_map` declarations), in order.
    pub adv_map: Vec<AdvEntry>,
}

/// A checked `adv_map` declaration.
#[derive(Clone, Debug)]
pub struct AdvEntry {
    /// The name.
    pub name: String,
    /// The key (written, or the native hash of the values).
    pub key: Word,
    /// The values.
    pub values: Vec<Felt>,
    /// The declaration.
    pub span: Span,
}

/// Why a module could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// No library provides the module.
    NotFound,
    /// The module exists but has errors (already collected).
    Invalid,
}

/// All modules loaded so far, the program first, plus the library directories to search.
pub struct ModuleSet {
    modules: Vec<ParsedModule>,
    by_path: HashMap<String, Result<usize, LoadError>>,
    libs: Vec<(String, PathBuf)>,
    /// Errors found while loading library modules.
    pub errors: Vec<AssemblyError>,
}

impl ModuleSet {
    /// A set holding the program module, parsed from `text`.
    pub fn new(
        file_name: &str,
        text: &str,
        libs: Vec<(String, PathBuf)>,
    ) -> Result<Self, Vec<AssemblyError>> {
        let mut set = ModuleSet {
            modules: Vec::new(),
            by_path: HashMap::new(),
            libs,
            errors: Vec::new(),
        };
        let m = set.build(source(file_name, text), EXEC_PATH.into(), true)?;
        set.modules.push(m);
        Ok(set)
    }

    /// The number of modules loaded (the program's is index 0).
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// The module with index `i`.
    pub fn get(&self, i: usize) -> &ParsedModule {
        &self.modules[i]
    }

    /// Loads (once) the module at `path` and returns its index. A failure is remembered, so
    /// that a broken module is reported once however often it is used.
    pub fn load(&mut self, path: &str) -> Result<usize, LoadError> {
        if let Some(r) = self.by_path.get(path) {
            return *r;
        }
        let result = match self.find(path) {
            None => Err(LoadError::NotFound),
            Some((file_name, text)) => {
                match self.build(source(&file_name, &text), path.into(), false) {
                    Ok(m) => {
                        self.modules.push(m);
                        Ok(self.modules.len() - 1)
                    }
                    Err(errs) => {
                        self.errors.extend(errs);
                        Err(LoadError::Invalid)
                    }
                }
            }
        };
        self.by_path.insert(path.to_string(), result);
        result
    }

    /// A help line for an unknown module: the closest known module, or where modules come from.
    pub fn module_hint(&self, path: &str) -> String {
        let known = self.known_paths();
        did_you_mean(path, known.iter().map(String::as_str)).unwrap_or_else(|| {
            "modules come from `std` (the standard library) and from library directories (`-l DIR`)"
                .into()
        })
    }

    /// Every module path the libraries provide.
    fn known_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = vm_stdlib::MODULES
            .iter()
            .map(|m| m.path.to_string())
            .collect();
        for (ns, dir) in &self.libs {
            collect_modules(dir, ns, 0, &mut paths);
        }
        paths
    }

    fn exists(&self, path: &str) -> bool {
        self.by_path.get(path).is_some_and(|r| r.is_ok()) || self.locate(path).is_some()
    }

    /// Where the module at `path` is: embedded (`None` path) or a file.
    fn locate(&self, path: &str) -> Option<Option<PathBuf>> {
        if vm_stdlib::module(path).is_some() {
            return Some(None);
        }
        let mut parts = path.split("::");
        let ns = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() || rest.iter().any(|p| p.is_empty()) {
            return None;
        }
        self.libs
            .iter()
            .filter(|(name, _)| name == ns)
            .find_map(|(_, dir)| {
                let mut file = dir.clone();
                file.extend(&rest);
                file.set_extension("masm");
                file.is_file().then_some(Some(file))
            })
    }

    /// The file name and text of the module at `path`.
    fn find(&self, path: &str) -> Option<(String, String)> {
        match self.locate(path)? {
            None => vm_stdlib::module(path).map(|m| (path.to_string(), m.source.to_string())),
            Some(file) => {
                let text = std::fs::read_to_string(&file).ok()?;
                Some((file.display().to_string(), text))
            }
        }
    }

    /// Parses and checks a module: structure (body, exports, duplicates), imports and
    /// constants. Every error found is returned, not just the first.
    fn build(
        &self,
        src: Source,
        path: String,
        executable: bool,
    ) -> Result<ParsedModule, Vec<AssemblyError>> {
        let forms = parse_module(&src)?;
        let mut errors = Vec::new();
        let mut ast = Module::default();
        let mut adv_map: Vec<AdvEntry> = Vec::new();
        // Every name this module defines (procedures and re-exports), with its first span.
        let mut defined: HashMap<String, Span> = HashMap::new();
        let mut define = |name: &crate::ast::Name, errors: &mut Vec<AssemblyError>| {
            if let Some(first) = defined.get(&name.text) {
                errors.push(AssemblyError::DuplicateProcedure {
                    name: name.text.clone(),
                    src: src.clone(),
                    first: at(*first),
                    span: at(name.span),
                });
                false
            } else {
                defined.insert(name.text.clone(), name.span);
                true
            }
        };
        let export_in_program = |name: &crate::ast::Name| AssemblyError::ExportInProgram {
            name: name.text.clone(),
            src: src.clone(),
            span: at(name.span),
        };
        for form in forms {
            match form {
                Form::Import(i) => ast.imports.push(i),
                Form::Const(c) => ast.consts.push(c),
                Form::Proc(p) => {
                    if executable && p.exported {
                        errors.push(export_in_program(&p.name));
                    }
                    if define(&p.name, &mut errors) {
                        ast.procs.push(p);
                    }
                }
                Form::ReExport(r) => {
                    if executable {
                        errors.push(export_in_program(&r.name));
                    }
                    if define(&r.name, &mut errors) {
                        ast.reexports.push(r);
                    }
                }
                Form::Body(b, span) => {
                    if !executable {
                        errors.push(AssemblyError::BodyInLibrary {
                            module: path.clone(),
                            src: src.clone(),
                            span: at(span),
                        });
                    } else if ast.body.is_some() {
                        errors.push(AssemblyError::SecondBody {
                            src: src.clone(),
                            span: at(span),
                        });
                    } else {
                        ast.body = Some((b, span));
                    }
                }
                Form::AdvMap(d) => {
                    let before = errors.len();
                    let entry = adv_entry(&d, &src, &mut errors);
                    // (An invalid key stands as zeros: not compared.)
                    let valid = errors.len() == before;
                    let first = adv_map.iter().find(|e: &&AdvEntry| e.key == entry.key);
                    if let Some(first) = first.filter(|_| valid) {
                        errors.push(AssemblyError::AdvMapDuplicateKey {
                            key: vm_core::hash::word_to_hex(&entry.key),
                            src: src.clone(),
                            first: at(first.span),
                            span: at(d.span),
                        });
                    }
                    // `NAME` is a constant holding the key, as in Miden.
                    ast.consts.push(ConstDecl {
                        name: d.name.clone(),
                        value: ConstExpr::Lit(Lit {
                            text: vm_core::hash::word_to_hex(&entry.key),
                            span: d.name.span,
                        }),
                    });
                    adv_map.push(entry);
                    ast.adv_maps.push(d);
                }
                // Parse errors stop `parse_module`; nothing to add here.
                Form::Error => {}
            }
        }
        if executable && ast.body.is_none() {
            let end = src.inner().len();
            errors.push(AssemblyError::NoBody {
                src: src.clone(),
                span: at((end, end)),
            });
        }
        let mut imports = HashMap::new();
        let mut broken_imports = HashSet::new();
        for i in &ast.imports {
            let full = i.path.join("::");
            if i.path.len() < 2 {
                errors.push(AssemblyError::ImportPath {
                    path: full.clone(),
                    src: src.clone(),
                    span: at(i.span),
                    help: Some(format!("write e.g. `use.std::{full}`")),
                });
                continue;
            }
            let alias = i
                .alias
                .clone()
                .unwrap_or_else(|| i.path[i.path.len() - 1].clone());
            if imports.contains_key(&alias) || broken_imports.contains(&alias) {
                errors.push(AssemblyError::DuplicateImport {
                    alias,
                    src: src.clone(),
                    span: at(i.span),
                });
                continue;
            }
            if full == path || !self.exists(&full) {
                let hint = if full == path {
                    "a module cannot import itself".to_string()
                } else {
                    self.module_hint(&full)
                };
                errors.push(AssemblyError::UnknownModule {
                    path: full,
                    src: src.clone(),
                    span: at(i.span),
                    help: Some(hint),
                });
                broken_imports.insert(alias);
                continue;
            }
            imports.insert(alias, full);
        }
        let (consts, const_errors) = eval_all(&ast.consts, &src);
        errors.extend(const_errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ParsedModule {
            path,
            src,
            ast,
            imports,
            broken_imports,
            consts,
            adv_map,
        })
    }
}

/// Checks an `adv_map` declaration: its values are field elements, its key (when written) a
/// word of field elements; without a key, the key is the native hash of the values
/// (`Rp64_256::hash_elements`, where Miden uses RPO). Errors are pushed and the entry is
/// still returned (with zeros in place of what was invalid), so that later uses of its name
/// do not echo the error.
fn adv_entry(d: &AdvMapDecl, src: &Source, errors: &mut Vec<AssemblyError>) -> AdvEntry {
    let felt = |l: &Lit| match parse_lit(&l.text) {
        Some(ConstVal::Felt(v)) if v < MODULUS => Some(Felt::new(v)),
        _ => None,
    };
    let mut values = Vec::with_capacity(d.values.len());
    for l in &d.values {
        match felt(l) {
            Some(v) => values.push(v),
            None => {
                errors.push(AssemblyError::AdvMapValue {
                    value: l.text.clone(),
                    src: src.clone(),
                    span: at(l.span),
                });
                values.push(Felt::new(0));
            }
        }
    }
    let bad_key = |span: Span, reason: String| AssemblyError::AdvMapKey {
        reason,
        src: src.clone(),
        span: at(span),
    };
    let key = match &d.key {
        None => Some(vm_core::hash::hash_elements(&values)),
        Some(AdvKey::Lit(l)) => match parse_lit(&l.text) {
            Some(ConstVal::Word(w)) if w.iter().all(|x| *x < MODULUS) => Some(w.map(Felt::new)),
            Some(ConstVal::Word(_)) => {
                errors.push(bad_key(
                    l.span,
                    "an element of this word is not a field element".into(),
                ));
                None
            }
            _ => {
                errors.push(bad_key(
                    l.span,
                    format!("`{}` is not a word (64 hex digits)", l.text),
                ));
                None
            }
        },
        Some(AdvKey::Word(lits, span)) => {
            if lits.len() != 4 {
                errors.push(bad_key(
                    *span,
                    format!("a word has 4 elements, this one has {}", lits.len()),
                ));
                None
            } else {
                let w: Vec<Option<Felt>> = lits.iter().map(felt).collect();
                match w.iter().position(Option::is_none) {
                    Some(i) => {
                        errors.push(bad_key(
                            lits[i].span,
                            format!("`{}` is not a field element", lits[i].text),
                        ));
                        None
                    }
                    None => Some([0, 1, 2, 3].map(|i| w[i].unwrap_or(Felt::new(0)))),
                }
            }
        }
    };
    AdvEntry {
        name: d.name.text.clone(),
        key: key.unwrap_or([Felt::new(0); 4]),
        values,
        span: d.span,
    }
}

/// Appends the module paths of the `.masm` files under `dir` (namespace `prefix`).
fn collect_modules(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<String>) {
    // Library trees are shallow; the bound keeps a symlink loop from running forever.
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        // `file_type` does not follow symlinks, so a linked directory is not walked.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect_modules(&p, &format!("{prefix}::{stem}"), depth + 1, out);
        } else if p.extension().is_some_and(|e| e == "masm") {
            out.push(format!("{prefix}::{stem}"));
        }
    }
}
