//! End-to-end test of `vm bench`: the quick suite's JSON report is complete and consistent
//! (a few seconds: two programs of 2^13 and 2^14 rows), and bad arguments are clean errors.

use std::path::Path;

mod cli_support;

use cli_support::{stderr, stdout, vm, write};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn quick_suite_report_is_consistent() {
    let suite = repo().join("benches/suite");
    let o = vm(&[
        "bench",
        "--quick",
        "--json",
        "--threads",
        "1",
        "--suite",
        suite.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("JSON");
    assert_eq!(report["preset"], "96");
    assert_eq!(report["zero_knowledge"], true);
    assert_eq!(report["threads"], 1);
    assert!(report["build"].as_str().unwrap().starts_with("release"));
    let kernel = report["vector_kernel"].as_str().unwrap();
    assert!(["avx512", "avx2", "baseline"].contains(&kernel), "{kernel}");
    let programs = report["programs"].as_array().unwrap();
    let names: Vec<&str> = programs
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fib-12", "merkle"]);
    for p in programs {
        let name = p["name"].as_str().unwrap();
        let cycles = p["cycles"].as_u64().unwrap();
        let len = p["trace_length"].as_u64().unwrap();
        assert!(len.is_power_of_two() && len >= cycles, "{name}: {len} rows");
        assert!(p["rows"]["cpu"].as_u64().unwrap() > cycles, "{name}");
        assert!(p["main_width"].as_u64().unwrap() > 0);
        assert!(p["aux_width"].as_u64().unwrap() > 0);
        assert_eq!(p["verified"], true);
        assert!(p["security_bits"].as_u64().unwrap() >= 96, "{name}");
        assert!(p["proof_size"].as_u64().unwrap() > 10_000, "{name}");
        assert!(p["peak_rss_kib"].as_u64().unwrap() > 0);
        let total = p["prove_time_ms"].as_f64().unwrap();
        let phases = p["phases"].as_array().unwrap();
        let names: Vec<&str> = phases
            .iter()
            .map(|ph| ph["phase"].as_str().unwrap())
            .collect();
        for expected in [
            "execute",
            "build_trace",
            "commit_to_main_trace_segment",
            "commit_to_aux_trace_segment",
            "evaluate_constraints",
            "commit_to_constraint_evaluations",
            "compute_fri_layers",
            "build_proof_object",
        ] {
            assert!(
                names.contains(&expected),
                "{name}: no {expected} in {names:?}"
            );
        }
        let sum: f64 = phases.iter().map(|ph| ph["ms"].as_f64().unwrap()).sum();
        assert!(
            sum <= total + 1.0 && sum >= 0.9 * total,
            "{name}: {sum} of {total} ms"
        );
    }
    // The Merkle openings use the hash chiplet's request section, fib does not.
    assert!(programs[1]["rows"]["hash_requests"].as_u64().unwrap() > 0);
    assert_eq!(programs[0]["rows"]["hash_requests"], 0);
}

#[test]
fn bad_arguments_are_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.masm");
    let o = vm(&["bench", missing.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));

    let o = vm(&["bench", "--quick", "--suite", dir.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not found"), "{}", stderr(&o));

    let prog = write(dir.path(), "p.masm", "begin push.1 end");
    let o = vm(&["bench", "--threads", "0", prog.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
}
