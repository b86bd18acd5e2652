//! `vm-bench-chart RESULTS.tsv OUT.svg`: draws `scripts/compare-miden.sh`'s results (see
//! `vm_bench_chart::HEADER`) as the SVG shown in `docs/performance.md`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [results, out] = args.as_slice() else {
        eprintln!("usage: vm-bench-chart RESULTS.tsv OUT.svg");
        return ExitCode::from(2);
    };
    match run(results, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vm-bench-chart: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(results: &str, out: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(results).map_err(|e| format!("reading {results}: {e}"))?;
    let rows = vm_bench_chart::parse_results(&text).map_err(|e| format!("{results}: {e}"))?;
    let svg = vm_bench_chart::render_svg(&rows).map_err(|e| e.to_string())?;
    std::fs::write(out, svg).map_err(|e| format!("writing {out}: {e}"))?;
    Ok(())
}
