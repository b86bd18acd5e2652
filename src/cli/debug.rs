//! `vm debug`: a step debugger on the source.
//!
//! Commands come from the terminal (with a prompt) or from standard input, one a line, so
//! that a session can be scripted (see `docs/debugging.md`). The program runs in a
//! [`vm_processor::Stepper`]; stepping backwards re-executes from cycle 0 to the cycle
//! wanted (execution is deterministic), with the `debug.*` output of cycles already shown
//! silenced.

// The error path is cold; the processor's rich error is worth its size.
#![allow(clippy::result_large_err)]

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use miette::Report;
use vm_core::{Felt, ImmKind, Instruction, Opcode, Program, StarkField};
use vm_processor::{ExecutionError, ExecutionOptions, Frame, Host, Stepper};

use super::devtools::{load_inputs, SourceMap};
use super::SourceArgs;

/// Arguments of `vm debug`.
#[derive(clap::Args, Debug)]
pub struct DebugArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Inputs file (Miden's JSON shape); defaults to `<program>.inputs` when it exists.
    #[arg(short = 'i', long = "input")]
    input: Option<PathBuf>,
    /// Stop with an error after this many cycles.
    #[arg(short = 'm', long = "max-cycles", default_value_t = 1 << 29)]
    max_cycles: u64,
}

/// Runs `vm debug`: reads commands until `quit` or the end of the input.
pub fn debug(args: DebugArgs) -> Result<(), Report> {
    let program = args.source.load()?;
    let inputs = load_inputs(&args.source.program, args.input.as_ref())?;
    let options = ExecutionOptions::default()
        .with_max_cycles(args.max_cycles)
        .with_debug(!args.source.release);
    let mut host = DebugHost::default();
    let st = Stepper::new(
        &program,
        inputs.stack_inputs(),
        inputs.advice_inputs(),
        &mut host,
        options,
    );
    let mut dbg = Debugger::new(&program, st);
    let interactive = std::io::stdin().is_terminal();
    println!(
        "vm debug: {} ({} instructions); `help` lists the commands",
        args.source.program.display(),
        program.code().len()
    );
    dbg.show_location();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut last = String::new();
    loop {
        if interactive {
            print!("(vm) ");
            let _ = std::io::stdout().flush();
        }
        let Some(Ok(line)) = lines.next() else {
            break;
        };
        let mut line = line.trim().to_string();
        if line.is_empty() {
            // In a terminal an empty line repeats the last command, as in gdb.
            if !interactive || last.is_empty() {
                continue;
            }
            line = last.clone();
        } else if line.starts_with('#') {
            continue;
        }
        if !interactive {
            println!("(vm) {line}");
        }
        last = line.clone();
        if !dbg.command(&line) {
            break;
        }
    }
    Ok(())
}

/// The debugger's host: prints `debug.*` output unless re-executing cycles already shown.
#[derive(Default)]
struct DebugHost {
    silent: bool,
}

impl Host for DebugHost {
    fn on_debug(&mut self, text: &str) {
        if !self.silent {
            println!("{text}");
        }
    }
}

/// A breakpoint: what the user asked for and the addresses it stops at.
struct Breakpoint {
    id: usize,
    spec: String,
    addrs: Vec<u32>,
}

/// Why a movement stopped.
enum Stop {
    /// The movement's own condition was met.
    Done,
    /// A breakpoint's address is next.
    Breakpoint(usize),
    /// `HALT` ran.
    Halted,
    /// The next cycle fails with this error.
    Failed(Box<ExecutionError>),
}

/// Most values one `print` shows.
const PRINT_LIMIT: usize = 256;

struct Debugger<'a> {
    st: Stepper<'a, DebugHost>,
    map: SourceMap<'a>,
    breaks: Vec<Breakpoint>,
    next_id: usize,
    /// Per address: the breakpoint stopping there.
    break_at: Vec<Option<usize>>,
    /// The furthest cycle reached: `debug.*` output of earlier cycles was shown already.
    furthest: u64,
}

impl<'a> Debugger<'a> {
    fn new(program: &'a Program, st: Stepper<'a, DebugHost>) -> Self {
        Self {
            st,
            map: SourceMap::new(program),
            breaks: Vec::new(),
            next_id: 1,
            break_at: vec![None; program.code().len()],
            furthest: 0,
        }
    }

    /// Runs one command line; returns false to quit.
    fn command(&mut self, line: &str) -> bool {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        let count = |rest: &[&str]| -> Result<u64, String> {
            match rest.first() {
                None => Ok(1),
                Some(w) => parse_num(w).ok_or_else(|| format!("not a count: {w}")),
            }
        };
        let result: Result<(), String> = match cmd {
            "quit" | "q" | "exit" => return false,
            "help" | "h" => {
                print!("{HELP}");
                Ok(())
            }
            "step" | "s" => count(&rest).map(|n| self.step_lines(n, false)),
            "next" | "n" => count(&rest).map(|n| self.step_lines(n, true)),
            "stepi" | "si" => count(&rest).map(|n| self.step_cycles(n)),
            "finish" | "fin" => {
                self.finish();
                Ok(())
            }
            "continue" | "c" => {
                self.forward(|_| false);
                Ok(())
            }
            "back" => count(&rest).map(|n| {
                let to = self.st.clk().saturating_sub(n);
                self.go_to(to)
            }),
            "rstep" | "rs" => count(&rest).map(|n| self.back_lines(n, false)),
            "rnext" | "rn" => count(&rest).map(|n| self.back_lines(n, true)),
            "rewind" => {
                self.go_to(0);
                Ok(())
            }
            "goto" => match rest.first().and_then(|w| parse_num(w)) {
                Some(c) => {
                    self.go_to(c);
                    Ok(())
                }
                None => Err("usage: goto <cycle>".into()),
            },
            "break" | "b" => match rest.first() {
                Some(spec) => self.add_break(spec),
                None => {
                    self.list_breaks();
                    Ok(())
                }
            },
            "delete" | "d" => self.delete_break(rest.first().copied()),
            "info" if rest.first() == Some(&"break") => {
                self.list_breaks();
                Ok(())
            }
            "print" | "p" => self.print(&rest),
            "where" | "bt" | "backtrace" => {
                self.print_calls();
                Ok(())
            }
            "list" | "l" => {
                self.list();
                Ok(())
            }
            _ => Err(format!(
                "unknown command `{cmd}` (`help` lists the commands)"
            )),
        };
        if let Err(e) = result {
            println!("error: {e}");
        }
        true
    }

    // ------------------------------------------------------------------ movement

    /// One cycle forward. On failure the state is put back before the failing cycle.
    fn step1(&mut self) -> Result<bool, ExecutionError> {
        let clk = self.st.clk();
        self.st.host_mut().silent = clk < self.furthest;
        match self.st.step() {
            Ok(halted) => {
                self.furthest = self.furthest.max(self.st.clk());
                Ok(halted)
            }
            Err(e) => {
                self.st.host_mut().silent = true;
                let _ = self.st.run_to(e.clk);
                Err(e)
            }
        }
    }

    /// Steps forward until `done` (checked after each cycle), a breakpoint, `HALT` or a
    /// failure; then shows where it stopped and why.
    fn forward(&mut self, mut done: impl FnMut(&Self) -> bool) {
        if self.st.halted() {
            println!("the program has halted (`back` or `rewind` to go back)");
            return;
        }
        let stop = loop {
            match self.step1() {
                Ok(true) => break Stop::Halted,
                Ok(false) => {}
                Err(e) => break Stop::Failed(Box::new(e)),
            }
            if let Some(id) = self.break_at[self.st.pc()] {
                break Stop::Breakpoint(id);
            }
            if done(self) {
                break Stop::Done;
            }
        };
        match stop {
            Stop::Done => {}
            Stop::Breakpoint(id) => {
                let spec = self
                    .breaks
                    .iter()
                    .find(|b| b.id == id)
                    .map(|b| b.spec.as_str())
                    .unwrap_or("?");
                println!("breakpoint {id} ({spec})");
            }
            Stop::Halted => {
                let out = self.st.output();
                let stack: Vec<String> =
                    out.stack.as_ints().iter().map(|x| x.to_string()).collect();
                println!("halted after {} cycles", out.cycles);
                println!("outputs: [{}]", stack.join(", "));
            }
            Stop::Failed(e) => {
                println!("execution fails at cycle {}: {}", e.clk, e.kind);
            }
        }
        self.show_location();
    }

    fn step_cycles(&mut self, n: u64) {
        let mut left = n;
        self.forward(|_| {
            left -= 1;
            left == 0
        });
    }

    /// `step` (into calls) or `next` (over calls): `n` times to the next source line.
    fn step_lines(&mut self, n: u64, over: bool) {
        let mut left = n;
        let mut start = (self.line_key(), self.call_depth());
        self.forward(|d| {
            let pc = d.st.pc();
            let key = d.line_key();
            let depth = d.call_depth();
            let new_line = key.is_some() && key != start.0 && !d.map.is_frame(pc);
            // Returning from the frame we started in always ends a step.
            let done = depth < start.1 || (new_line && (!over || depth <= start.1));
            if done {
                left -= 1;
                start = (key, depth);
            }
            done && left == 0
        });
    }

    /// `rstep` (lines of callees count) or `rnext` (over calls): back to where the source
    /// line started, or the previous one did when the current line has just started, `n`
    /// times. Re-executes from cycle 0 to find the line starts: the cycles whose next
    /// instruction is on another line (or in another frame) than the one before.
    fn back_lines(&mut self, n: u64, over: bool) {
        let now = self.st.clk();
        let depth_now = self.call_depth();
        self.st.host_mut().silent = true;
        self.st.restart();
        let mut starts: std::collections::VecDeque<u64> = std::collections::VecDeque::new();
        let mut prev = None;
        while self.st.clk() < now {
            let pc = self.st.pc();
            let depth = self.call_depth();
            let key = self.line_key();
            if key.is_some() && !self.map.is_frame(pc) && (!over || depth <= depth_now) {
                let cur = Some((key, depth));
                if cur != prev {
                    starts.push_back(self.st.clk());
                    if starts.len() as u64 > n {
                        starts.pop_front();
                    }
                }
                prev = cur;
            }
            if !matches!(self.st.step(), Ok(false)) {
                break;
            }
        }
        let target = if starts.len() as u64 == n {
            starts[0]
        } else {
            0
        };
        self.go_to(target);
    }

    fn finish(&mut self) {
        let depth = self.call_depth();
        if depth == 0 {
            println!("`finish` runs to the end of a procedure; this is the program body");
            return;
        }
        self.forward(|d| d.call_depth() < depth);
    }

    /// Goes to the state after `clk` cycles by re-executing from cycle 0 (or going on
    /// from here when `clk` is ahead).
    fn go_to(&mut self, clk: u64) {
        self.st.host_mut().silent = true;
        let r = self.st.run_to(clk);
        if let Err(e) = r {
            let _ = self.st.run_to(e.clk);
            println!("execution fails at cycle {}: {}", e.clk, e.kind);
        }
        self.show_location();
    }

    /// (file, line) of the next instruction.
    fn line_key(&self) -> Option<(u32, usize)> {
        self.map.loc(self.st.pc()).map(|l| (l.file, l.line))
    }

    /// Number of calls not yet returned from.
    fn call_depth(&self) -> usize {
        self.st
            .frames()
            .iter()
            .filter(|f| !matches!(f, Frame::Loop(_)))
            .count()
    }

    // ------------------------------------------------------------------ showing

    /// The cycle, the next instruction and its source line.
    fn show_location(&self) {
        let pc = self.st.pc();
        let ins = self.st.instruction().map(ins_text).unwrap_or_default();
        let proc = self.map.proc_name_at(pc);
        println!("cycle {}, pc {pc} ({ins}) in {proc}", self.st.clk());
        match self.map.loc(pc) {
            Some(l) => {
                println!("  at {}", self.map.loc_text(l));
                println!(
                    "{:>6} | {}",
                    l.line,
                    self.map.file(l.file).line_text(l.line)
                );
            }
            None if self.st.instruction().is_some_and(|i| i.op == Opcode::Halt) => {
                println!("  at the end of the program")
            }
            None => println!("  (no source location)"),
        }
        if self.map.is_frame(pc) {
            println!("  (the procedure's frame: {})", frame_role(&self.map, pc));
        }
    }

    fn list(&self) {
        let Some(l) = self.map.loc(self.st.pc()) else {
            println!("(no source location)");
            return;
        };
        let file = self.map.file(l.file);
        let lines = file.text.lines().count();
        let from = l.line.saturating_sub(4).max(1);
        let to = (l.line + 4).min(lines);
        println!("{}:", file.name);
        for n in from..=to {
            let mark = if n == l.line { "->" } else { "  " };
            println!("{mark}{n:>5} | {}", file.line_text(n));
        }
    }

    fn print(&self, rest: &[&str]) -> Result<(), String> {
        match rest.first().copied().unwrap_or("stack") {
            "stack" | "s" => {
                let stack = self.st.stack();
                println!(
                    "stack (depth {}): [{}]",
                    stack.len(),
                    join(&stack, PRINT_LIMIT)
                );
                Ok(())
            }
            "mem" | "m" => {
                let usage = "usage: print mem <addr> [<last addr>]";
                let a = rest.get(1).and_then(|w| parse_num(w)).ok_or(usage)?;
                let b = match rest.get(2) {
                    Some(w) => parse_num(w).ok_or(usage)?,
                    None => a,
                };
                if b < a || b >= 1 << 32 {
                    return Err(usage.into());
                }
                if b - a >= PRINT_LIMIT as u64 {
                    return Err(format!("at most {PRINT_LIMIT} addresses at a time"));
                }
                let vals: Vec<Felt> = (a..=b).map(|x| self.st.memory(x as u32)).collect();
                if a == b {
                    println!("mem[{a}] = {}", vals[0].as_int());
                } else {
                    println!("mem[{a}..={b}] = [{}]", join(&vals, PRINT_LIMIT));
                }
                Ok(())
            }
            "locals" | "l" => {
                self.print_locals();
                Ok(())
            }
            "adv" | "advice" | "a" => {
                let adv = self.st.advice_stack();
                println!(
                    "advice stack (size {}): [{}]",
                    adv.len(),
                    join(&adv, PRINT_LIMIT)
                );
                Ok(())
            }
            "calls" | "c" => {
                self.print_calls();
                Ok(())
            }
            "cycle" => {
                println!("cycle {}", self.st.clk());
                Ok(())
            }
            other => Err(format!(
                "cannot print `{other}`: print stack | mem <a> [<b>] | locals | adv | calls"
            )),
        }
    }

    fn print_locals(&self) {
        let pc = self.st.pc();
        let Some(p) = self.map.proc_at(pc) else {
            println!("no procedure here");
            return;
        };
        let info = &self.map.program().debug().procedures[p];
        let name = self.map.proc_name(p);
        let n = info.num_locals as u64;
        if n == 0 {
            println!("{name} has no locals");
            return;
        }
        let code = self.map.program().code();
        if pc == info.start as usize && code[pc].op == Opcode::Fmpupdate {
            println!("{name}'s {n} locals are not allocated yet (the procedure is entered)");
            return;
        }
        if pc + 1 == info.end as usize {
            println!("{name}'s locals are freed (the procedure returns)");
            return;
        }
        // The frame lies just below the frame pointer: local k is at fmp - n + k.
        let base = self.st.fmp().as_int().wrapping_sub(n);
        let vals: Vec<Felt> = (0..n.min(PRINT_LIMIT as u64))
            .map(|k| self.st.memory(base.wrapping_add(k) as u32))
            .collect();
        let more = if n > PRINT_LIMIT as u64 { ", ..." } else { "" };
        println!(
            "locals of {name} ({n} at mem[{base}..{}]): [{}{more}]",
            base + n,
            join(&vals, PRINT_LIMIT)
        );
    }

    /// The call chain, innermost first, each with where it stands.
    fn print_calls(&self) {
        let pc = self.st.pc();
        let here = |pc: usize| {
            self.map
                .loc(pc)
                .map(|l| self.map.loc_text(l))
                .unwrap_or_else(|| format!("pc {pc}"))
        };
        println!("#0 {} at {}", self.map.proc_name_at(pc), here(pc));
        for (i, ret) in self.st.return_addresses().iter().enumerate() {
            let site = ret.saturating_sub(1) as usize;
            println!(
                "#{} {} at {} (call site)",
                i + 1,
                self.map.proc_name_at(site),
                here(site)
            );
        }
    }

    // ------------------------------------------------------------------ breakpoints

    fn add_break(&mut self, spec: &str) -> Result<(), String> {
        let (addrs, note) = self.resolve(spec)?;
        let id = self.next_id;
        self.next_id += 1;
        for &a in &addrs {
            self.break_at[a as usize] = Some(id);
        }
        let at: Vec<String> = addrs
            .iter()
            .take(4)
            .map(|&a| {
                self.map
                    .loc(a as usize)
                    .map(|l| self.map.loc_text(l))
                    .unwrap_or_else(|| format!("pc {a}"))
            })
            .collect();
        let more = if addrs.len() > 4 { ", ..." } else { "" };
        println!("breakpoint {id} at {}{more}{note}", at.join(", "));
        self.breaks.push(Breakpoint {
            id,
            spec: spec.to_string(),
            addrs,
        });
        Ok(())
    }

    /// The addresses a breakpoint spec stops at: the entry of the procedures it names, or
    /// the first address of each run of code lowered from the line `file:line`.
    fn resolve(&self, spec: &str) -> Result<(Vec<u32>, String), String> {
        if let Some((file, line)) = spec.rsplit_once(':') {
            if let Ok(line) = line.parse::<usize>() {
                return self.resolve_line(file, line);
            }
        }
        let procs = &self.map.program().debug().procedures;
        let wanted = spec.strip_prefix("::").unwrap_or(spec);
        let mut addrs: Vec<u32> = procs
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.name == wanted || self.map.proc_name(*i) == wanted || {
                    p.name.ends_with(&format!("::{wanted}"))
                }
            })
            .map(|(_, p)| p.start)
            .collect();
        addrs.sort_unstable();
        if addrs.is_empty() {
            return Err(format!(
                "no procedure `{spec}` in the program (only procedures it reaches are linked)"
            ));
        }
        Ok((addrs, String::new()))
    }

    fn resolve_line(&self, file: &str, line: usize) -> Result<(Vec<u32>, String), String> {
        let files = &self.map.program().debug().files;
        let matches = |name: &str| {
            name == file
                || name.ends_with(&format!("/{file}"))
                || std::path::Path::new(name)
                    .file_name()
                    .is_some_and(|n| n == file)
        };
        let ids: Vec<u32> = (0..files.len() as u32)
            .filter(|&i| matches(&files[i as usize].name))
            .collect();
        if ids.is_empty() {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            return Err(format!(
                "no source file `{file}` in the program (files: {})",
                names.join(", ")
            ));
        }
        let n = self.map.program().code().len();
        // Each run of consecutive addresses on the line, first address; the first line at
        // or after `line` that has code.
        let mut best: Option<(usize, Vec<u32>)> = None;
        for pc in 0..n {
            let Some(l) = self.map.loc(pc) else { continue };
            if !ids.contains(&l.file) || l.line < line {
                continue;
            }
            let prev_same = pc > 0
                && self
                    .map
                    .loc(pc - 1)
                    .is_some_and(|p| p.file == l.file && p.line == l.line);
            match &mut best {
                Some((bl, v)) if *bl == l.line => {
                    if !prev_same {
                        v.push(pc as u32);
                    }
                }
                Some((bl, _)) if *bl < l.line => {}
                _ => best = Some((l.line, vec![pc as u32])),
            }
        }
        match best {
            Some((l, addrs)) if l == line => Ok((addrs, String::new())),
            Some((l, addrs)) => Ok((addrs, format!(" (line {line} has no code; line {l} has)"))),
            None => Err(format!(
                "no code at or after {file}:{line} (only procedures the program reaches are linked)"
            )),
        }
    }

    fn delete_break(&mut self, id: Option<&str>) -> Result<(), String> {
        match id {
            None => {
                self.breaks.clear();
                self.break_at.iter_mut().for_each(|b| *b = None);
                println!("all breakpoints deleted");
            }
            Some(w) => {
                let id = parse_num(w).ok_or("usage: delete [<breakpoint number>]")? as usize;
                let i = self
                    .breaks
                    .iter()
                    .position(|b| b.id == id)
                    .ok_or(format!("no breakpoint {id}"))?;
                let b = self.breaks.remove(i);
                for a in b.addrs {
                    if self.break_at[a as usize] == Some(id) {
                        self.break_at[a as usize] = None;
                    }
                }
                // Another breakpoint at the same address still stops there.
                for other in &self.breaks {
                    for &a in &other.addrs {
                        self.break_at[a as usize].get_or_insert(other.id);
                    }
                }
                println!("breakpoint {id} deleted");
            }
        }
        Ok(())
    }

    fn list_breaks(&self) {
        if self.breaks.is_empty() {
            println!("no breakpoints");
        }
        for b in &self.breaks {
            println!(
                "breakpoint {}: {} ({} addresses)",
                b.id,
                b.spec,
                b.addrs.len()
            );
        }
    }
}

/// What a frame instruction does.
fn frame_role(map: &SourceMap, pc: usize) -> &'static str {
    match map.program().code()[pc] {
        i if i.op == Opcode::Ret => "returns",
        i if i.imm.as_int() > Felt::MODULUS / 2 => "frees its locals",
        _ => "allocates its locals",
    }
}

/// An instruction as `OP` or `OP.imm`, field immediates above p/2 as negative numbers
/// (`FMPUPDATE.-4`).
fn ins_text(ins: Instruction) -> String {
    if ins.op.imm_kind() != ImmKind::Felt {
        return ins.to_string();
    }
    let v = ins.imm.as_int();
    if v > Felt::MODULUS / 2 {
        format!("{}.-{}", ins.op.mnemonic(), Felt::MODULUS - v)
    } else {
        ins.to_string()
    }
}

/// A decimal or `0x` hexadecimal number.
fn parse_num(w: &str) -> Option<u64> {
    match w.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => w.parse().ok(),
    }
}

fn join(vals: &[Felt], limit: usize) -> String {
    let mut s: Vec<String> = vals
        .iter()
        .take(limit)
        .map(|v| v.as_int().to_string())
        .collect();
    if vals.len() > limit {
        s.push("...".into());
    }
    s.join(", ")
}

const HELP: &str = "\
commands (one a line; `#` starts a comment line):
  step [n]            (s)  to the next source line, into procedures, n times
  next [n]            (n)  to the next source line of this procedure, over calls
  stepi [n]           (si) n cycles (native instructions)
  finish              (fin) to the return from the current procedure
  continue            (c)  to the next breakpoint, failure or the end
  back [n]                 n cycles backwards (re-executes from the start)
  rstep [n]           (rs) back to the start of the line, or of the previous one, n times
  rnext [n]           (rn) the same over calls (lines of callees are skipped)
  rewind                   back to cycle 0
  goto <cycle>             to the state after that many cycles
  break <proc>        (b)  stop on entry to a procedure (`name`, `std::word::eqz`, `word::eqz`)
  break <file:line>        stop where the line's code starts (`prog.masm:12`, `std::word:30`)
  break                    list breakpoints (also `info break`)
  delete [n]          (d)  delete breakpoint n, or all
  print stack         (p)  the operand stack, top first
  print mem <a> [<b>]      memory at a, or a..=b (current context)
  print locals             the current procedure's locals
  print adv                the advice stack, next value first
  print calls              the call chain with call sites (also `where`, `bt`)
  list                (l)  the source around the current line
  quit                (q)  leave
";
