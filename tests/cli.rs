//! End-to-end tests of the `vm` binary: the commands a user types.

mod cli_support;

use cli_support::{stderr, stdout, vm, write};

const SQUARE: &str = "\
# Squares a secret from the advice stack and adds the public input.
begin
    adv_push.1
    dup mul
    add
end
";

#[test]
fn compile_prints_a_stable_hash() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "sq.masm", SQUARE);
    let a = vm(&["compile", prog.to_str().unwrap()]);
    let b = vm(&["compile", prog.to_str().unwrap()]);
    assert!(a.status.success(), "{}", stderr(&a));
    let hash = stdout(&a).trim().to_string();
    assert_eq!(hash.len(), 66, "hash line: {hash}");
    assert!(hash.starts_with("0x"));
    assert_eq!(stdout(&b).trim(), hash);

    let other = write(dir.path(), "other.masm", &SQUARE.replace("add", "mul"));
    let c = vm(&["compile", other.to_str().unwrap()]);
    assert_ne!(stdout(&c).trim(), hash);
}

#[test]
fn compiled_program_runs_like_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "sq.masm", SQUARE);
    let inputs = write(
        dir.path(),
        "sq.inputs",
        r#"{"operand_stack": ["5"], "advice_stack": ["7"]}"#,
    );
    let vmb = dir.path().join("sq.vmb");
    let c = vm(&[
        "compile",
        prog.to_str().unwrap(),
        "-o",
        vmb.to_str().unwrap(),
    ]);
    assert!(c.status.success(), "{}", stderr(&c));
    for p in [&prog, &vmb] {
        let r = vm(&[
            "run",
            p.to_str().unwrap(),
            "-i",
            inputs.to_str().unwrap(),
            "--json",
        ]);
        assert!(r.status.success(), "{}", stderr(&r));
        let v: serde_json::Value = serde_json::from_str(&stdout(&r)).unwrap();
        assert_eq!(v["stack"][0], "54", "7*7 + 5");
        assert_eq!(v["program_hash"].as_str().unwrap(), stdout(&c).trim());
    }
}

#[test]
fn run_writes_outputs_file_and_infers_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "sq.masm", SQUARE);
    write(
        dir.path(),
        "sq.inputs",
        r#"{"operand_stack": ["1"], "advice_stack": ["3"]}"#,
    );
    let out = dir.path().join("sq.outputs");
    let r = vm(&["run", prog.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stdout(&r).contains("stack: [10, 0,"), "{}", stdout(&r));
    assert!(stdout(&r).contains("cycles:"));
    assert!(stdout(&r).contains("trace length:"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["stack"].as_array().unwrap().len(), 16);
    assert_eq!(v["stack"][0], "10");
}

#[test]
fn check_reports_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "bad.masm",
        "begin\n    push.1\n    u32wraping_add\nend\n",
    );
    let r = vm(&["check", prog.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = stderr(&r);
    assert!(err.contains("bad.masm:3:5"), "{err}");
    assert!(err.contains("u32wrapping_add"), "suggestion missing: {err}");
}

#[test]
fn bad_inputs_file_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "sq.masm", SQUARE);
    let inputs = write(dir.path(), "x.inputs", r#"{"advice_stack": ["12x"]}"#);
    let r = vm(&[
        "run",
        prog.to_str().unwrap(),
        "-i",
        inputs.to_str().unwrap(),
    ]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("advice_stack"), "{}", stderr(&r));
}

#[test]
fn execution_errors_name_the_location() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(
        dir.path(),
        "fail.masm",
        "begin\n    push.2\n    assert.err=\"two is not one\"\nend\n",
    );
    let r = vm(&["run", prog.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = stderr(&r);
    assert!(err.contains("two is not one"), "{err}");
    assert!(err.contains("fail.masm:3:5"), "{err}");
}

#[test]
fn empty_advice_stack_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let prog = write(dir.path(), "sq.masm", SQUARE);
    let r = vm(&["run", prog.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(!stderr(&r).contains("panicked"), "{}", stderr(&r));
    assert!(
        stderr(&r).to_lowercase().contains("advice"),
        "{}",
        stderr(&r)
    );
}

#[test]
fn corrupt_compiled_program_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.vmb", "VMPG garbage");
    let r = vm(&["run", bad.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("bad.vmb"), "{}", stderr(&r));
}
