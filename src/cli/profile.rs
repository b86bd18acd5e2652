//! `vm profile`: where a run's cycles and trace rows go.
//!
//! The program is stepped with [`vm_processor::Stepper`] (the fast executor one cycle at a
//! time) and every cycle is charged to the instruction's address and to the chain of
//! procedure calls it ran under (a tree of call chains kept up to date at each `CALL`,
//! `CALLCTX` and `RET`). From those two tallies come the cycles per procedure (self and
//! total), per source line, per source instruction and per native operation, the folded
//! stacks and the flame graph; the chiplet rows of each operation
//! ([`vm_core::OpInfo::chiplet_rows`]) are charged the same way.

// The error path is cold; the processor's rich error is worth its size.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::path::PathBuf;

use miette::{IntoDiagnostic, Report, WrapErr};
use serde::Serialize;
use vm_core::{ChipletRows, Component, Opcode, Program};
use vm_processor::{
    DefaultHost, ExecutionError, ExecutionOptions, ExecutionOutput, InputFile, Stepper,
};

use super::devtools::{load_inputs, SourceMap};
use super::SourceArgs;

/// Arguments of `vm profile`.
#[derive(clap::Args, Debug)]
pub struct ProfileArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Inputs file (Miden's JSON shape); defaults to `<program>.inputs` when it exists.
    #[arg(short = 'i', long = "input")]
    input: Option<PathBuf>,
    /// Stop with an error after this many cycles.
    #[arg(short = 'm', long = "max-cycles", default_value_t = 1 << 29)]
    max_cycles: u64,
    /// Print folded stacks (`main;proc;callee CYCLES`, one call chain a line, self cycles)
    /// instead of the table: the input of flame-graph tools.
    #[arg(long, conflicts_with = "json")]
    folded: bool,
    /// Write a flame graph of the cycles per call chain (SVG) to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Print the whole profile as JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Rows shown in the table's per-line and per-instruction sections (0: all).
    #[arg(long, default_value_t = 20)]
    top: usize,
}

/// Runs `vm profile`.
pub fn profile(args: ProfileArgs) -> Result<(), Report> {
    let program = args.source.load()?;
    let inputs = load_inputs(&args.source.program, args.input.as_ref())?;
    let options = ExecutionOptions::default()
        .with_max_cycles(args.max_cycles)
        .with_debug(false);
    let profile = collect(&program, &inputs, options)
        .map_err(|e| super::diagnostic::RuntimeDiagnostic::report(&program, e))?;
    if let Some(path) = &args.svg {
        let svg = flame_graph(&profile, &args.source.program.display().to_string())?;
        std::fs::write(path, svg)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&profile).into_diagnostic()?;
        println!("{text}");
    } else if args.folded {
        print!("{}", profile.folded());
    } else {
        print!("{}", profile.table(args.top));
        if let Some(path) = &args.svg {
            println!("flame graph written to {}", path.display());
        }
    }
    Ok(())
}

/// Chiplet rows by component.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rows {
    /// Hasher rows.
    pub hasher: u64,
    /// Memory rows.
    pub memory: u64,
    /// Range-checker lookups.
    pub range: u64,
    /// Bitwise rows.
    pub bitwise: u64,
}

impl Rows {
    fn add(&mut self, component: Component, rows: u64) {
        match component {
            Component::Cpu => {}
            Component::Hasher => self.hasher += rows,
            Component::Memory => self.memory += rows,
            Component::Range => self.range += rows,
            Component::Bitwise => self.bitwise += rows,
        }
    }

    fn add_all(&mut self, o: &Rows) {
        self.hasher += o.hasher;
        self.memory += o.memory;
        self.range += o.range;
        self.bitwise += o.bitwise;
    }

    fn is_zero(&self) -> bool {
        *self == Rows::default()
    }
}

/// One procedure's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ProcRow {
    /// Name as written (`#main` for the program body).
    pub name: String,
    /// Times it was called (1 for the body).
    pub calls: u64,
    /// Cycles of its own instructions (its `RET` and frame set-up included).
    pub self_cycles: u64,
    /// Cycles from its calls' first instruction to their `RET`, callees included.
    pub total_cycles: u64,
    /// Chiplet rows of its own instructions.
    pub self_rows: Rows,
    /// Chiplet rows with its callees'.
    pub total_rows: Rows,
}

/// Cycles of one source line.
#[derive(Clone, Debug, Serialize)]
pub struct LineRow {
    /// Source file name (a path, or a library module such as `std::word`).
    pub file: String,
    /// 1-based line (0: instructions without a source location).
    pub line: usize,
    /// Cycles of the instructions lowered from this line.
    pub cycles: u64,
    /// The line's text, trimmed.
    pub text: String,
}

/// Cycles of one kind of instruction.
#[derive(Clone, Debug, Serialize)]
pub struct KindRow {
    /// The source instruction's name (`u32wrapping_add`, `exec`, `if.true`) or the native
    /// operation's mnemonic (`U32ADD`).
    pub name: String,
    /// Cycles (one per executed native instruction).
    pub cycles: u64,
}

/// Cycles of one call chain.
#[derive(Clone, Debug, Serialize)]
pub struct StackRow {
    /// Outermost (`#main`) first.
    pub frames: Vec<String>,
    /// Cycles of the innermost procedure's own instructions under this chain.
    pub cycles: u64,
}

/// Rows of a trace component.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentRow {
    /// Component name, as `vm run --stats` prints it.
    pub component: &'static str,
    /// Rows it needs for the run.
    pub rows: u64,
}

/// The length of the trace `vm prove` builds, and what it is made of.
#[derive(Clone, Debug, Serialize)]
pub struct ProvingTrace {
    /// Rows the CPU needs (cycles, the `HALT` rows that drain the overflow table, one more).
    pub cpu_rows: usize,
    /// Rows the program-hash attestation needs.
    pub program_hash_rows: usize,
    /// Rows of the hasher's request section (8 per `hperm` and per Merkle level's
    /// permutation, and a closing row).
    pub hash_request_rows: usize,
    /// Rows of the memory chiplet (one per access).
    pub memory_rows: usize,
    /// Rows of the bitwise chiplet (two per `u32and`/`u32xor`).
    pub bitwise_rows: usize,
    /// Rows of the range checker's table.
    pub range_rows: usize,
    /// The chiplet region: the sum of the sections above, one row under the CPU's.
    pub chiplet_rows: usize,
    /// The zero-knowledge random rows of the default preset.
    pub random_rows: usize,
    /// The padded trace length (a power of two), as `vm run` and `vm prove` report it: the
    /// larger of the CPU rows and the chiplet region plus one, plus the random rows, padded.
    pub trace_length: usize,
}

/// Everything `vm profile` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// The program hash.
    pub program_hash: String,
    /// Cycles of the run (`vm run`'s count).
    pub cycles: u64,
    /// The proving trace length (`vm run`'s and `vm prove`'s).
    pub trace_length: usize,
    /// Per procedure, by total cycles (largest first).
    pub procedures: Vec<ProcRow>,
    /// Per source line, by cycles (largest first).
    pub lines: Vec<LineRow>,
    /// Per source instruction, by cycles (largest first).
    pub instructions: Vec<KindRow>,
    /// Per native operation, by cycles (largest first).
    pub operations: Vec<KindRow>,
    /// Rows per trace component (`vm run --stats`).
    pub components: Vec<ComponentRow>,
    /// The tallest component padded to a power of two (at least 64).
    pub padded_component_rows: u64,
    /// What the proving trace length is made of.
    pub proving_trace: ProvingTrace,
    /// Cycles per call chain (the folded stacks).
    pub stacks: Vec<StackRow>,
    /// Which lines of code ran, per source file.
    pub coverage: Vec<Coverage>,
}

/// Line coverage of one source file: of the lines that have code in the program (code of
/// procedures the program never reaches is not linked, so not counted), those that ran.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Source file name.
    pub file: String,
    /// Lines with linked code.
    pub lines: usize,
    /// Lines whose code ran at least once.
    pub lines_run: usize,
    /// The lines with code that never ran, in order.
    pub not_run: Vec<usize>,
}

/// A node of the call-chain tree.
struct Node {
    parent: usize,
    proc: Option<usize>,
    cycles: u64,
    rows: Rows,
}

/// Runs `program` to its end and tallies its cycles and rows.
pub fn collect(
    program: &Program,
    inputs: &InputFile,
    options: ExecutionOptions,
) -> Result<Profile, ExecutionError> {
    let map = SourceMap::new(program);
    let code = program.code();
    let mut host = DefaultHost;
    let mut st = Stepper::new(
        program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut host,
        options,
    );
    let nprocs = program.debug().procedures.len();
    let mut count = vec![0u64; code.len()];
    let mut calls = vec![0u64; nprocs];
    let mut nodes = vec![Node {
        parent: 0,
        proc: map.proc_at(0),
        cycles: 0,
        rows: Rows::default(),
    }];
    if let Some(p) = map.proc_at(0) {
        calls[p] = 1;
    }
    let mut children: HashMap<(usize, Option<usize>), usize> = HashMap::new();
    let mut cur = 0usize;
    loop {
        let pc = st.pc();
        let ins = code[pc];
        let rows = match ins.op.chiplet_rows() {
            ChipletRows::Fixed(n) => n as u64,
            // The tree depth is s4 for both Merkle operations.
            ChipletRows::PerLevel(n) => n as u64 * st.stack()[4].as_int(),
        };
        let halted = st.step()?;
        count[pc] += 1;
        nodes[cur].cycles += 1;
        if rows > 0 {
            nodes[cur].rows.add(ins.op.component(), rows);
        }
        if halted {
            break;
        }
        match ins.op {
            Opcode::Call | Opcode::CallCtx => {
                let callee = map.proc_at(st.pc());
                if let Some(p) = callee {
                    calls[p] += 1;
                }
                let next = nodes.len();
                cur = *children.entry((cur, callee)).or_insert_with(|| {
                    nodes.push(Node {
                        parent: cur,
                        proc: callee,
                        cycles: 0,
                        rows: Rows::default(),
                    });
                    next
                });
            }
            Opcode::Ret => cur = nodes[cur].parent,
            _ => {}
        }
    }
    let out = st.output();
    let shape = super::proving_shape(program, &out, inputs, options);
    Ok(summarize(&map, &out, &shape, &count, &calls, &nodes))
}

fn summarize(
    map: &SourceMap,
    out: &ExecutionOutput,
    shape: &vm_prover::trace::TraceShape,
    count: &[u64],
    calls: &[u64],
    nodes: &[Node],
) -> Profile {
    let program = map.program();
    let code = program.code();
    let procs = &program.debug().procedures;

    // Per procedure: self from the call-chain tree's nodes, total with their subtrees (a
    // child always comes after its parent; the call graph has no cycles, so no chain holds
    // a procedure twice).
    let mut incl_cycles: Vec<u64> = nodes.iter().map(|n| n.cycles).collect();
    let mut incl_rows: Vec<Rows> = nodes.iter().map(|n| n.rows).collect();
    for i in (1..nodes.len()).rev() {
        let p = nodes[i].parent;
        incl_cycles[p] += incl_cycles[i];
        let r = incl_rows[i];
        incl_rows[p].add_all(&r);
    }
    let mut per_proc: Vec<ProcRow> = procs
        .iter()
        .enumerate()
        .map(|(i, _)| ProcRow {
            name: map.proc_name(i).to_string(),
            calls: calls[i],
            self_cycles: 0,
            total_cycles: 0,
            self_rows: Rows::default(),
            total_rows: Rows::default(),
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.proc {
            let row = &mut per_proc[p];
            row.self_cycles += n.cycles;
            row.total_cycles += incl_cycles[i];
            row.self_rows.add_all(&n.rows);
            row.total_rows.add_all(&incl_rows[i]);
        }
    }
    per_proc.retain(|p| p.calls > 0 || p.total_cycles > 0);
    per_proc.sort_by(|a, b| {
        (b.total_cycles, b.self_cycles)
            .cmp(&(a.total_cycles, a.self_cycles))
            .then_with(|| a.name.cmp(&b.name))
    });

    // Per line, per source instruction, per operation.
    let mut lines: HashMap<(Option<u32>, usize), u64> = HashMap::new();
    let mut instructions: HashMap<String, u64> = HashMap::new();
    let mut operations: HashMap<&'static str, u64> = HashMap::new();
    for (pc, &n) in count.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let key = match map.loc(pc) {
            Some(l) => (Some(l.file), l.line),
            None => (None, 0),
        };
        *lines.entry(key).or_default() += n;
        *instructions.entry(source_kind(map, pc)).or_default() += n;
        *operations.entry(code[pc].op.mnemonic()).or_default() += n;
    }
    let mut lines: Vec<LineRow> = lines
        .into_iter()
        .map(|((file, line), cycles)| match file {
            Some(f) => LineRow {
                file: map.file(f).name.clone(),
                line,
                cycles,
                text: map.line_text(f, line).to_string(),
            },
            None => LineRow {
                file: "(no source)".into(),
                line: 0,
                cycles,
                text: String::new(),
            },
        })
        .collect();
    lines.sort_by(|a, b| {
        b.cycles
            .cmp(&a.cycles)
            .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
    });
    let kinds = |m: Vec<(String, u64)>| {
        let mut v: Vec<KindRow> = m
            .into_iter()
            .map(|(name, cycles)| KindRow { name, cycles })
            .collect();
        v.sort_by(|a, b| b.cycles.cmp(&a.cycles).then_with(|| a.name.cmp(&b.name)));
        v
    };
    let instructions = kinds(instructions.into_iter().collect());
    let operations = kinds(
        operations
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    );

    // Call chains.
    let mut stacks = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.cycles == 0 {
            continue;
        }
        let mut frames = Vec::new();
        let mut j = i;
        loop {
            frames.push(
                nodes[j]
                    .proc
                    .map(|p| map.proc_name(p).to_string())
                    .unwrap_or_else(|| "?".into()),
            );
            if j == 0 {
                break;
            }
            j = nodes[j].parent;
        }
        frames.reverse();
        stacks.push(StackRow {
            frames,
            cycles: n.cycles,
        });
    }

    // Coverage: per file, the lines with code and whether any of it ran.
    let mut by_file: std::collections::BTreeMap<u32, std::collections::BTreeMap<usize, bool>> =
        Default::default();
    for (pc, &n) in count.iter().enumerate() {
        if let Some(l) = map.loc(pc) {
            *by_file
                .entry(l.file)
                .or_default()
                .entry(l.line)
                .or_default() |= n > 0;
        }
    }
    let coverage = by_file
        .into_iter()
        .map(|(f, lines)| Coverage {
            file: map.file(f).name.clone(),
            lines: lines.len(),
            lines_run: lines.values().filter(|r| **r).count(),
            not_run: lines.into_iter().filter(|l| !l.1).map(|l| l.0).collect(),
        })
        .collect();

    Profile {
        program_hash: program.hash_hex(),
        cycles: out.cycles,
        trace_length: shape.trace_len,
        procedures: per_proc,
        lines,
        instructions,
        operations,
        components: out
            .stats
            .rows()
            .into_iter()
            .map(|(component, rows)| ComponentRow { component, rows })
            .collect(),
        padded_component_rows: out.stats.padded_trace_len(),
        proving_trace: ProvingTrace {
            cpu_rows: shape.cpu_rows,
            program_hash_rows: shape.attestation_rows,
            hash_request_rows: shape.request_rows,
            memory_rows: shape.memory_rows,
            bitwise_rows: shape.bitwise_rows,
            range_rows: shape.range_rows,
            chiplet_rows: shape.chiplet_rows,
            random_rows: shape.random_rows(),
            trace_length: shape.trace_len,
        },
        stacks,
        coverage,
    }
}

/// The source instruction an address was lowered from, by name: the first word of its
/// source text without immediates (`push.1` is `push`, `exec.foo` is `exec`), `if.true` and
/// `while.true` for the branches, `repeat` for the counted loops; a procedure's frame
/// (its locals' set-up and `RET`) is `(procedure frame)`, the final `HALT` `(halt)`.
fn source_kind(map: &SourceMap, pc: usize) -> String {
    let program = map.program();
    let op = program.code()[pc].op;
    if op == Opcode::Halt && map.proc_at(pc).is_some_and(|p| map.proc_name(p) == "#main") {
        return "(halt)".into();
    }
    if map.is_frame(pc) {
        return "(procedure frame)".into();
    }
    let Some(text) = map.span_text(pc) else {
        return "(no source)".into();
    };
    let word = text.split_whitespace().next().unwrap_or("");
    if word.starts_with("if.") || word.starts_with("while.") {
        return word.to_string();
    }
    word.split('.').next().unwrap_or(word).to_string()
}

impl Profile {
    /// The folded stacks: `frame;frame;... cycles` per call chain, outermost first.
    pub fn folded(&self) -> String {
        let mut s = String::new();
        for row in &self.stacks {
            let frames: Vec<String> = row.frames.iter().map(|f| f.replace(';', ",")).collect();
            s.push_str(&format!("{} {}\n", frames.join(";"), row.cycles));
        }
        s
    }

    /// The report as text; `top` limits the per-line and per-instruction sections (0: no
    /// limit).
    pub fn table(&self, top: usize) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let total = self.cycles.max(1) as f64;
        let pct = |n: u64| format!("{:.1}%", 100.0 * n as f64 / total);
        let limit = |n: usize| if top == 0 { n } else { n.min(top) };
        let _ = writeln!(s, "cycles: {}", self.cycles);
        let _ = writeln!(s, "trace length: {}", self.trace_length);
        let _ = writeln!(s);

        let w = self
            .procedures
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(9)
            .max(9);
        let _ = writeln!(s, "procedures (by total cycles):");
        let _ = writeln!(
            s,
            "  {:<w$}  {:>8}  {:>10}  {:>7}  {:>10}  {:>7}",
            "procedure", "calls", "self", "self%", "total", "total%"
        );
        for p in &self.procedures {
            let _ = writeln!(
                s,
                "  {:<w$}  {:>8}  {:>10}  {:>7}  {:>10}  {:>7}",
                p.name,
                p.calls,
                p.self_cycles,
                pct(p.self_cycles),
                p.total_cycles,
                pct(p.total_cycles)
            );
        }

        let _ = writeln!(s);
        let shown = limit(self.lines.len());
        let _ = writeln!(
            s,
            "source lines (by cycles, {shown} of {}):",
            self.lines.len()
        );
        let locs: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{}:{}", l.file, l.line))
            .collect();
        let lw = locs.iter().take(shown).map(|l| l.len()).max().unwrap_or(8);
        for (l, loc) in self.lines.iter().zip(&locs).take(shown) {
            let _ = writeln!(
                s,
                "  {:>10}  {:>6}  {:<lw$}  {}",
                l.cycles,
                pct(l.cycles),
                loc,
                l.text
            );
        }

        for (title, rows) in [
            ("source instructions", &self.instructions),
            ("native operations", &self.operations),
        ] {
            let _ = writeln!(s);
            let shown = limit(rows.len());
            let _ = writeln!(s, "{title} (by cycles, {shown} of {}):", rows.len());
            let kw = rows
                .iter()
                .take(shown)
                .map(|r| r.name.len())
                .max()
                .unwrap_or(4);
            for r in rows.iter().take(shown) {
                let _ = writeln!(
                    s,
                    "  {:<kw$}  {:>10}  {:>6}",
                    r.name,
                    r.cycles,
                    pct(r.cycles)
                );
            }
        }

        let _ = writeln!(s);
        let _ = writeln!(s, "trace rows by component:");
        for c in &self.components {
            let _ = writeln!(s, "  {:<12} {:>10}", c.component, c.rows);
        }
        let _ = writeln!(
            s,
            "  {:<12} {:>10}  (the tallest, padded to a power of two)",
            "padded", self.padded_component_rows
        );
        let with_rows: Vec<&ProcRow> = self
            .procedures
            .iter()
            .filter(|p| !p.total_rows.is_zero())
            .collect();
        if !with_rows.is_empty() {
            let _ = writeln!(s, "chiplet rows by procedure (self / total):");
            let _ = writeln!(
                s,
                "  {:<w$}  {:>17}  {:>17}  {:>17}  {:>17}",
                "procedure", "hasher", "memory", "range", "bitwise"
            );
            for p in with_rows {
                let cell = |a: u64, b: u64| format!("{a} / {b}");
                let _ = writeln!(
                    s,
                    "  {:<w$}  {:>17}  {:>17}  {:>17}  {:>17}",
                    p.name,
                    cell(p.self_rows.hasher, p.total_rows.hasher),
                    cell(p.self_rows.memory, p.total_rows.memory),
                    cell(p.self_rows.range, p.total_rows.range),
                    cell(p.self_rows.bitwise, p.total_rows.bitwise),
                );
            }
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "coverage (lines with code that ran):");
        for c in &self.coverage {
            let missed = if c.not_run.is_empty() {
                String::new()
            } else {
                format!("; not run: {}", ranges(&c.not_run))
            };
            let _ = writeln!(
                s,
                "  {}: {} of {} lines{missed}",
                c.file, c.lines_run, c.lines
            );
        }
        let t = &self.proving_trace;
        let _ = writeln!(s);
        let _ = writeln!(s, "proving trace (default preset):");
        let _ = writeln!(s, "  cpu rows           {:>10}", t.cpu_rows);
        let _ = writeln!(s, "  program hash rows  {:>10}", t.program_hash_rows);
        let _ = writeln!(s, "  hash request rows  {:>10}", t.hash_request_rows);
        let _ = writeln!(s, "  memory rows        {:>10}", t.memory_rows);
        let _ = writeln!(s, "  bitwise rows       {:>10}", t.bitwise_rows);
        let _ = writeln!(s, "  range table rows   {:>10}", t.range_rows);
        let _ = writeln!(
            s,
            "  chiplet region     {:>10}  (the five sections above)",
            t.chiplet_rows
        );
        let _ = writeln!(s, "  random rows        {:>10}", t.random_rows);
        let _ = writeln!(
            s,
            "  trace length       {:>10}  (max(cpu, chiplet region + 1) + random, padded)",
            t.trace_length
        );
        s
    }
}

/// Sorted line numbers as ranges: `3, 5-7, 10`.
fn ranges(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j + 1 < lines.len() && lines[j + 1] == lines[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            lines[i].to_string()
        } else {
            format!("{}-{}", lines[i], lines[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The flame graph of the folded stacks, as SVG.
fn flame_graph(profile: &Profile, title: &str) -> Result<Vec<u8>, Report> {
    let folded = profile.folded();
    let mut opts = inferno::flamegraph::Options::default();
    opts.title = format!("cycles of {title}");
    opts.count_name = "cycles".into();
    opts.deterministic = true;
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(&mut opts, folded.lines(), &mut svg)
        .into_diagnostic()
        .wrap_err("cannot render the flame graph")?;
    Ok(svg)
}
