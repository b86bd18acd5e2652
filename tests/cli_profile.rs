//! `vm profile`: its figures against programs whose cycles are counted by hand, its totals
//! against `vm run`, and its output formats (table, folded stacks, SVG, JSON).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod cli_support;

use cli_support::{stderr, stdout, vm, write};

fn json_of(args: &[&str]) -> Value {
    let o = vm(args);
    assert!(o.status.success(), "vm {args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

/// Every cycle by hand: `inner` is DUP0, ADD, RET (3 cycles a call); `outer` is two CALLs
/// and its RET (3) plus two calls of `inner` (6); the body is two CALLs and HALT (3).
const CALLS: &str = "\
proc.inner
    dup add
end

proc.outer
    exec.inner
    exec.inner
end

begin
    exec.outer
    exec.inner
end
";

fn proc_row<'a>(profile: &'a Value, name: &str) -> &'a Value {
    profile["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no procedure {name} in {profile}"))
}

#[test]
fn cycles_per_procedure_are_the_hand_counted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "calls.masm", CALLS);
    let p = json_of(&["profile", prog.to_str().unwrap(), "--json"]);
    assert_eq!(p["cycles"], 15);
    // (name, calls, self, total)
    for (name, calls, own, total) in [("#main", 1, 3, 15), ("outer", 1, 3, 9), ("inner", 3, 9, 9)] {
        let row = proc_row(&p, name);
        assert_eq!(row["calls"], calls, "{name}");
        assert_eq!(row["self_cycles"], own, "{name}");
        assert_eq!(row["total_cycles"], total, "{name}");
    }
    // By total cycles, then self cycles, largest first.
    let names: Vec<&str> = p["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["#main", "inner", "outer"]);

    // Lines: `dup add` runs 3 times (2 cycles), `proc.inner` is its RET (3 times).
    let line = |n: u64| {
        p["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == n && l["file"].as_str().unwrap().ends_with("calls.masm"))
            .map(|l| l["cycles"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(line(2), 6, "dup add");
    assert_eq!(line(1), 3, "inner's RET");
    assert_eq!(line(6), 1, "first exec.inner");
    assert_eq!(line(11), 1, "exec.outer");
    assert_eq!(line(5), 1, "outer's RET");
    let text = p["lines"][0]["text"].as_str().unwrap();
    assert_eq!(text, "dup add");

    // Native operations and source instructions.
    let kinds = |key: &str| -> BTreeMap<String, u64> {
        p[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["cycles"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let ops = kinds("operations");
    let want: BTreeMap<String, u64> = [
        ("CALL", 4),
        ("RET", 4),
        ("DUP0", 3),
        ("ADD", 3),
        ("HALT", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(ops, want);
    let ins = kinds("instructions");
    assert_eq!(ins["exec"], 4);
    assert_eq!(ins["dup"], 3);
    assert_eq!(ins["add"], 3);
    assert_eq!(ins["(procedure frame)"], 4);
    assert_eq!(ins["(halt)"], 1);
}

#[test]
fn folded_stacks_parse_and_add_up_to_the_cycles() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "calls.masm", CALLS);
    let o = vm(&["profile", prog.to_str().unwrap(), "--folded"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut stacks = BTreeMap::new();
    for line in stdout(&o).lines() {
        let (frames, n) = line.rsplit_once(' ').expect("`frames count`");
        let n: u64 = n.parse().expect("a count");
        assert!(
            stacks.insert(frames.to_string(), n).is_none(),
            "{frames} twice"
        );
    }
    let want: BTreeMap<String, u64> = [
        ("#main", 3),
        ("#main;outer", 3),
        ("#main;outer;inner", 6),
        ("#main;inner", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(stacks, want);
}

#[test]
fn flame_graph_svg_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "calls.masm", CALLS);
    let svg = dir.path().join("calls.svg");
    let o = vm(&[
        "profile",
        prog.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("flame graph written to"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<svg"), "{}", &text[..text.len().min(200)]);
    assert!(text.trim_end().ends_with("</svg>"));
    for frame in ["#main", "outer", "inner"] {
        assert!(text.contains(frame), "{frame} in the flame graph");
    }
    // The SVG can go with JSON output too.
    let svg2 = dir.path().join("again.svg");
    let p = json_of(&[
        "profile",
        prog.to_str().unwrap(),
        "--json",
        "--svg",
        svg2.to_str().unwrap(),
    ]);
    assert_eq!(p["cycles"], 15);
    assert!(svg2.exists());
}

#[test]
fn table_shows_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "calls.masm", CALLS);
    let o = vm(&["profile", prog.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for section in [
        "cycles: 15",
        "procedures (by total cycles):",
        "source lines",
        "source instructions",
        "native operations",
        "trace rows by component:",
        "proving trace (default preset):",
    ] {
        assert!(t.contains(section), "{section} in\n{t}");
    }
    let inner = t
        .lines()
        .find(|l| l.trim_start().starts_with("inner "))
        .unwrap();
    let cols: Vec<&str> = inner.split_whitespace().collect();
    assert_eq!(cols, ["inner", "3", "9", "60.0%", "9", "60.0%"]);
}

/// Component rows by procedure: one memory row per `mem_store`/`mem_load`, 8 range-checked
/// limbs per `u32wrapping_add` (two inputs, two results), 2 bitwise rows per `u32and`, 8
/// hasher rows per `hperm`.
#[test]
fn chiplet_rows_are_charged_to_procedures() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "rows.masm",
        "\
proc.store
    push.7 mem_store.8 push.8 mem_load drop
end

proc.bits
    push.6 push.3 u32and drop
    push.1 push.2 u32wrapping_add drop
end

proc.both
    exec.store
    exec.bits
end

begin
    exec.both
    exec.store
    padw padw padw hperm dropw dropw dropw
end
",
    );
    let p = json_of(&["profile", prog.to_str().unwrap(), "--json"]);
    let rows = |name: &str, key: &str| proc_row(&p, name)[key].clone();
    let r = |h: u64, m: u64, rg: u64, b: u64| serde_json::json!({"hasher": h, "memory": m, "range": rg, "bitwise": b});
    assert_eq!(
        rows("store", "self_rows"),
        r(0, 4, 0, 0),
        "2 calls, 2 accesses"
    );
    assert_eq!(rows("bits", "self_rows"), r(0, 0, 8, 2));
    assert_eq!(rows("both", "self_rows"), r(0, 0, 0, 0));
    assert_eq!(rows("both", "total_rows"), r(0, 2, 8, 2));
    assert_eq!(rows("#main", "self_rows"), r(8, 0, 0, 0));
    assert_eq!(rows("#main", "total_rows"), r(8, 4, 8, 2));
    let comps: BTreeMap<String, u64> = p["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap().to_string(),
                c["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(comps["hasher"], 8);
    assert_eq!(comps["memory"], 4);
    assert_eq!(comps["range"], 8);
    assert_eq!(comps["bitwise"], 2);
    assert_eq!(comps["stack"], p["cycles"].as_u64().unwrap());
}

fn examples() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| {
            let dir = e.unwrap().path();
            let name = dir.file_name().unwrap().to_str().unwrap().to_string();
            (
                dir.join(format!("{name}.masm")),
                dir.join(format!("{name}.inputs")),
            )
        })
        .filter(|(p, _)| p.exists())
        .collect();
    v.sort();
    v
}

/// On every bundled example the profile's totals are `vm run`'s: cycles, trace length and
/// rows per component; and the per-line, per-instruction, per-operation and per-chain
/// figures each add up to the cycles, the body's total rows to the components' rows.
#[test]
fn totals_agree_with_vm_run_on_every_example() {
    let all = examples();
    assert!(all.len() >= 8, "{all:?}");
    for (prog, inputs) in all {
        let (prog, inputs) = (prog.to_str().unwrap(), inputs.to_str().unwrap());
        let run = json_of(&["run", prog, "-i", inputs, "--json", "--stats"]);
        let p = json_of(&["profile", prog, "-i", inputs, "--json"]);
        let cycles = run["cycles"].as_u64().unwrap();
        assert_eq!(p["cycles"], cycles, "{prog}");
        assert_eq!(p["trace_length"], run["trace_length"], "{prog}");
        assert_eq!(p["proving_trace"]["trace_length"], run["trace_length"]);
        // The proving trace's sections add up to the chiplet region, and its length is the
        // prover's rule: max(cpu, region + 1) + random rows, padded (at least 2^10 at the
        // default preset).
        let t = &p["proving_trace"];
        let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k}: {t}"));
        let sections = ["program_hash_rows", "hash_request_rows", "memory_rows"];
        let region: u64 =
            sections.iter().map(|k| n(k)).sum::<u64>() + n("bitwise_rows") + n("range_rows");
        assert_eq!(region, n("chiplet_rows"), "{prog}: {t}");
        let needed = n("cpu_rows").max(region + 1) + n("random_rows");
        assert_eq!(
            needed.next_power_of_two().max(1024),
            n("trace_length"),
            "{prog}: {t}"
        );
        let sum = |key: &str| -> u64 {
            p[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["cycles"].as_u64().unwrap())
                .sum()
        };
        for key in ["lines", "instructions", "operations", "stacks"] {
            assert_eq!(sum(key), cycles, "{prog}: {key}");
        }
        let own: u64 = p["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["self_cycles"].as_u64().unwrap())
            .sum();
        assert_eq!(own, cycles, "{prog}: self cycles");
        let main = proc_row(&p, "#main");
        assert_eq!(main["total_cycles"], cycles, "{prog}");
        // `vm run --stats` lists [component, rows] pairs.
        for pair in run["stats"].as_array().unwrap() {
            let (name, rows) = (pair[0].as_str().unwrap(), pair[1].as_u64().unwrap());
            let c = p["components"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["component"] == name)
                .unwrap();
            assert_eq!(c["rows"], rows, "{prog}: {name}");
            if ["hasher", "memory", "range", "bitwise"].contains(&name) {
                assert_eq!(
                    main["total_rows"][name], rows,
                    "{prog}: {name} by procedure"
                );
            }
        }
    }
}

#[test]
fn a_failing_run_reports_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "fail.masm",
        "begin\n    push.2 assert.err=\"two is not one\"\nend\n",
    );
    let o = vm(&["profile", prog.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("two is not one"), "{e}");
    assert!(e.contains("fail.masm:2"), "{e}");
}

#[test]
fn coverage_lists_the_lines_that_never_ran() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "cov.masm",
        "\
proc.pick
    if.true
        push.1
    else
        push.2
        push.3
        drop
    end
end

begin
    push.1 exec.pick
    push.0
    if.true
        push.9
    end
end
",
    );
    let p = json_of(&["profile", prog.to_str().unwrap(), "--json"]);
    let cov = p["coverage"].as_array().unwrap();
    assert_eq!(cov.len(), 1, "{cov:?}");
    assert!(cov[0]["file"].as_str().unwrap().ends_with("cov.masm"));
    // Lines with code: 1 (pick's RET), 2, 3, 5, 6, 7, 11, 12, 13, 15.
    assert_eq!(cov[0]["lines"], 10);
    assert_eq!(cov[0]["lines_run"], 6);
    assert_eq!(cov[0]["not_run"], serde_json::json!([5, 6, 7, 15]));
    let o = vm(&["profile", prog.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("cov.masm: 6 of 10 lines; not run: 5-7, 15"),
        "{}",
        stdout(&o)
    );
}
