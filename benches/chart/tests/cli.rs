//! The `vm-bench-chart` binary end to end: a good results file becomes an SVG file, and a
//! malformed or missing one is an error message with a failing exit status, not a panic.

use std::path::PathBuf;
use std::process::Command;

fn chart(args: &[&std::path::Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vm-bench-chart"))
        .args(args)
        .output()
        .expect("runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vm-bench-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn draws_a_results_file() {
    let results = temp("good.tsv");
    let svg = temp("good.svg");
    std::fs::write(
        &results,
        format!(
            "{}\nfib-12\tours\t4067\t8192\t1.5\t1.3\t79704\t114378\t2\n\
             fib-12\tmiden-0.17\t4065\t4096\t0.95\t0.54\t63576\t60814\t2\n",
            vm_bench_chart::HEADER
        ),
    )
    .unwrap();
    let o = chart(&[&results, &svg]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("ours (vm)") && text.contains("Miden VM 0.17"));
}

#[test]
fn malformed_and_missing_files_are_errors() {
    let results = temp("bad.tsv");
    let svg = temp("bad.svg");
    std::fs::write(&results, "program\tvm\tcycles\nfib-12\tours\t4067\n").unwrap();
    let o = chart(&[&results, &svg]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("must start with the header line"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let o = chart(&[&temp("missing.tsv"), &svg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("reading"));

    let o = chart(&[&results]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("usage"));
}
