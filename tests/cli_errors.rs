//! Run-time failures as `vm run` and `vm prove` render them: miette diagnostics with the
//! file, line and column, the labelled source line, the call chain with each call site in
//! the names the user wrote, and the cycle.

use std::path::Path;
use std::process::Output;

mod cli_support;

use cli_support::{stderr, stdout, vm, write};

/// A failing assertion two procedures deep.
const NESTED: &str = "\
proc.check_limit
    push.10
    eq
    assert.err=\"over the limit\"
end

proc.outer
    exec.check_limit
end

begin
    push.20
    exec.outer
end
";

/// A u64 division by zero: `adv.push_u64div` fails in `std::math::u64::div`.
const DIV_BY_ZERO: &str = "\
use.std::math::u64

begin
    push.5.0.0.0
    exec.u64::div
end
";

/// Runs `vm` and returns its error output, checking that it failed cleanly; the files of
/// `dir` read as their names.
fn fails(dir: &Path, args: &[&str]) -> String {
    let o: Output = vm(args);
    let err = stderr(&o).replace(&format!("{}/", dir.display()), "");
    assert!(!o.status.success(), "expected a failure: {}", stdout(&o));
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Checks the rendering of `NESTED`'s failure.
fn check_nested(err: &str) {
    // What, where (file:line:col), and the labelled line.
    assert!(err.contains("assertion failed: over the limit"), "{err}");
    assert!(err.contains("[nested.masm:4:5]"), "{err}");
    assert!(
        err.contains("4 │     assert.err=\"over the limit\""),
        "{err}"
    );
    assert!(err.contains("ASSERT failed here, cycle 5"), "{err}");
    // The call chain, innermost first, with the call sites, in the names as written.
    let chain = "in check_limit (nested.masm:4:5)\n          in outer (call at nested.masm:8:5)\n          in #main (call at nested.masm:13:5)";
    assert!(err.contains(chain), "{err}");
    assert!(!err.contains("#exec"), "internal names leak: {err}");
    // Each call site with its snippet.
    assert!(
        err.contains("called from outer at nested.masm:8:5"),
        "{err}"
    );
    assert!(err.contains("8 │     exec.check_limit"), "{err}");
    assert!(err.contains("calls check_limit"), "{err}");
    assert!(
        err.contains("called from #main at nested.masm:13:5"),
        "{err}"
    );
    assert!(err.contains("13 │     exec.outer"), "{err}");
    assert!(err.contains("failed at cycle 5"), "{err}");
}

#[test]
fn run_renders_an_assertion_with_its_call_chain() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "nested.masm", NESTED);
    check_nested(&fails(dir.path(), &["run", prog.to_str().unwrap()]));
}

#[test]
fn prove_renders_the_same_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "nested.masm", NESTED);
    check_nested(&fails(dir.path(), &["prove", prog.to_str().unwrap()]));
    assert!(!dir.path().join("nested.proof").exists());
}

#[test]
fn profile_renders_the_same_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "nested.masm", NESTED);
    check_nested(&fails(dir.path(), &["profile", prog.to_str().unwrap()]));
}

/// The line number in the snippet header `[file:line:col]` for `file`.
fn header_line(err: &str, file: &str) -> usize {
    let start = err.find(&format!("[{file}:")).expect("a snippet header") + file.len() + 2;
    let rest = &err[start..];
    rest[..rest.find(':').unwrap()].parse().unwrap()
}

/// Checks that a u64 division by zero points at the hint in the library.
fn check_div(err: &str) {
    assert!(err.contains("division by zero"), "{err}");
    let line = header_line(err, "std::math::u64");
    let labelled = err
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{line} │")))
        .unwrap_or_else(|| panic!("no line {line} in {err}"));
    assert!(labelled.contains("adv.push_u64div"), "{labelled}\n{err}");
    assert!(err.contains("this advice hint failed, cycle 5"), "{err}");
    assert!(
        err.contains("in std::math::u64::div (std::math::u64:"),
        "{err}"
    );
    assert!(err.contains("in #main (call at div.masm:5:5)"), "{err}");
    assert!(err.contains("5 │     exec.u64::div"), "{err}");
    assert!(err.contains("divisor is zero"), "{err}");
}

#[test]
fn a_failed_hint_points_at_the_hint() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "div.masm", DIV_BY_ZERO);
    check_div(&fails(dir.path(), &["run", prog.to_str().unwrap()]));
    // The hint's location survives compilation to a .vmb file.
    let vmb = dir.path().join("div.vmb");
    let o = vm(&[
        "compile",
        prog.to_str().unwrap(),
        "-o",
        vmb.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    check_div(&fails(dir.path(), &["run", vmb.to_str().unwrap()]));
}

#[test]
fn u32_faults_advice_misses_and_the_cycle_limit() {
    let dir = tempfile::tempdir().unwrap();
    let u32 = write(
        dir.path(),
        "u32.masm",
        "begin\n    push.4294967296\n    push.1 u32wrapping_add\nend\n",
    );
    let err = fails(dir.path(), &["run", u32.to_str().unwrap()]);
    assert!(err.contains("value 4294967296 is not a u32"), "{err}");
    assert!(err.contains("[u32.masm:3:12]"), "{err}");
    assert!(err.contains("3 │     push.1 u32wrapping_add"), "{err}");
    assert!(err.contains("in #main (u32.masm:3:12)"), "{err}");

    let adv = write(dir.path(), "adv.masm", "begin\n    adv_push.1\nend\n");
    let err = fails(dir.path(), &["run", adv.to_str().unwrap()]);
    assert!(err.contains("the advice stack is empty"), "{err}");
    assert!(err.contains("[adv.masm:2:5]"), "{err}");
    assert!(
        err.contains("advice_stack"),
        "the help names the input: {err}"
    );
    assert!(err.contains("cycle 0"), "{err}");

    let lim = write(dir.path(), "nested.masm", NESTED);
    let err = fails(dir.path(), &["run", lim.to_str().unwrap(), "-m", "3"]);
    assert!(err.contains("exceeded the cycle limit of 3"), "{err}");
    assert!(err.contains("--max-cycles"), "{err}");
    assert!(err.contains("failed at cycle 3"), "{err}");
    assert!(err.contains("in outer (call at nested.masm:8:5)"), "{err}");
}
