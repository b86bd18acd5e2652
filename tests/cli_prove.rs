//! End-to-end tests of `vm prove` and `vm verify`: the files they write and read, and the
//! ways a verification must fail.
//!
//! Every program here has a trace of 1024 rows, so each proof takes well under a second.

use std::path::{Path, PathBuf};
use std::process::Output;

mod cli_support;

use cli_support::{stderr, stdout, vm};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Asserts a clean failure: non-zero exit, an error message, no panic. Returns stderr.
fn fails(o: &Output) -> String {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected a failure, got success: {}",
        stdout(o)
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "exit status {:?}: {err}",
        o.status
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.trim().is_empty(), "no error message");
    err
}

/// Asserts success and returns stdout.
fn succeeds(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}{}", stdout(o), stderr(o));
    stdout(o)
}

/// The Fibonacci example with n = 50 (the bundled n = 1000 needs 16384 rows).
struct Fib {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    program: PathBuf,
}

impl Fib {
    fn new() -> Fib {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let src = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/fib/fib.masm"
        ))
        .unwrap();
        let program = path.join("fib.masm");
        std::fs::write(&program, src).unwrap();
        std::fs::write(path.join("fib.inputs"), r#"{"operand_stack": ["50"]}"#).unwrap();
        Fib {
            _dir: dir,
            dir: path,
            program,
        }
    }

    fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("fib.{ext}"))
    }

    /// Proves with the given extra flags (files at their default places).
    fn prove(&self, extra: &[&str]) -> Output {
        let mut args = vec!["prove", s(&self.program)];
        args.extend_from_slice(extra);
        vm(&args)
    }

    fn hash(&self) -> String {
        let o = vm(&["compile", s(&self.program)]);
        succeeds(&o).trim().to_string()
    }

    /// `vm verify -x HASH -i fib.inputs -o fib.outputs -p fib.proof` plus `extra`.
    fn verify(&self, extra: &[&str]) -> Output {
        let hash = self.hash();
        let (i, o, p) = (
            self.file("inputs"),
            self.file("outputs"),
            self.file("proof"),
        );
        let mut args = vec!["verify", "-x", &hash, "-i", s(&i), "-o", s(&o), "-p", s(&p)];
        args.extend_from_slice(extra);
        vm(&args)
    }

    fn verify_claim(&self) -> Output {
        let (c, p) = (self.file("claim"), self.file("proof"));
        vm(&["verify", "--claim", s(&c), "-p", s(&p)])
    }
}

/// F(50).
const FIB_50: &str = "12586269025";

#[test]
fn fib_proves_and_verifies() {
    let fib = Fib::new();
    let out = succeeds(&fib.prove(&[]));
    assert!(out.contains(&format!("stack: [{FIB_50}, 0,")), "{out}");
    assert!(out.contains("trace length: 1024"), "{out}");
    assert!(
        out.contains("96-bit conjectured security, zero knowledge on"),
        "{out}"
    );
    assert!(out.contains("proof size: "), "{out}");
    assert!(out.contains("prove time: "), "{out}");

    let outputs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fib.file("outputs")).unwrap()).unwrap();
    assert_eq!(outputs["stack"][0], FIB_50);
    let claim: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fib.file("claim")).unwrap()).unwrap();
    assert_eq!(claim["program_hash"], fib.hash().as_str());
    assert_eq!(claim["stack_inputs"], serde_json::json!(["50"]));
    assert_eq!(claim["stack_outputs"][0], FIB_50);
    assert_eq!(claim["preset"], "96-short");
    assert_eq!(claim["security_bits"], 96);

    let expected = "verified: 96-bit conjectured security (preset 96-short)";
    assert_eq!(succeeds(&fib.verify(&[])).trim(), expected);
    assert_eq!(succeeds(&fib.verify_claim()).trim(), expected);
    // Without -i and -o, the files next to the proof are used.
    let hash = fib.hash();
    let p = fib.file("proof");
    assert_eq!(
        succeeds(&vm(&["verify", "-x", &hash, "-p", s(&p)])).trim(),
        expected
    );
}

#[test]
fn verify_reads_only_the_public_stack_of_the_inputs_file() {
    let fib = Fib::new();
    succeeds(&fib.prove(&[]));
    // Advice fields that would not even parse are never looked at.
    std::fs::write(
        fib.file("inputs"),
        r#"{"operand_stack": ["50"], "advice_stack": ["not a number"],
            "merkle_store": [{"unknown": 1}]}"#,
    )
    .unwrap();
    succeeds(&fib.verify(&[]));
    // A wrong public input is rejected.
    std::fs::write(fib.file("inputs"), r#"{"operand_stack": ["51"]}"#).unwrap();
    let err = fails(&fib.verify(&[]));
    assert!(err.contains("not verified"), "{err}");
}

#[test]
fn verify_rejects_a_wrong_statement() {
    let fib = Fib::new();
    succeeds(&fib.prove(&[]));

    // A wrong output.
    let good = std::fs::read_to_string(fib.file("outputs")).unwrap();
    std::fs::write(fib.file("outputs"), good.replace(FIB_50, "12586269026")).unwrap();
    let err = fails(&fib.verify(&[]));
    assert!(err.contains("not verified"), "{err}");
    std::fs::write(fib.file("outputs"), &good).unwrap();
    succeeds(&fib.verify(&[]));

    // A wrong output in the claim file.
    let claim = std::fs::read_to_string(fib.file("claim")).unwrap();
    std::fs::write(fib.file("claim"), claim.replace(FIB_50, "1")).unwrap();
    let err = fails(&fib.verify_claim());
    assert!(err.contains("not verified"), "{err}");
    // A claim naming another preset than the proof's.
    std::fs::write(
        fib.file("claim"),
        claim.replace("\"preset\": \"96-short\"", "\"preset\": \"128\""),
    )
    .unwrap();
    let err = fails(&fib.verify_claim());
    assert!(err.contains("preset 128"), "{err}");
    std::fs::write(fib.file("claim"), &claim).unwrap();

    // The hash of another program.
    let other = fib.dir.join("other.masm");
    std::fs::write(&other, "begin push.1 add end").unwrap();
    let other_hash = succeeds(&vm(&["compile", s(&other)])).trim().to_string();
    let (i, o, p) = (fib.file("inputs"), fib.file("outputs"), fib.file("proof"));
    let v = |hash: &str| vm(&["verify", "-x", hash, "-i", s(&i), "-o", s(&o), "-p", s(&p)]);
    let err = fails(&v(&other_hash));
    assert!(err.contains("not verified"), "{err}");
    // Malformed hashes.
    let err = fails(&v("0x1234"));
    assert!(err.contains("invalid program hash"), "{err}");
    let err = fails(&v(&format!("0x{}", "z".repeat(64))));
    assert!(err.contains("invalid program hash"), "{err}");
}

#[test]
fn verify_rejects_damaged_proofs() {
    let fib = Fib::new();
    succeeds(&fib.prove(&[]));
    let good = std::fs::read(fib.file("proof")).unwrap();
    let n = good.len();
    // Header bytes, the start of the STARK proof, the middle and the end.
    for i in [0, 4, 5, 6, 7, 8, 9, 20, 100, n / 3, n / 2, n - 40, n - 1] {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        std::fs::write(fib.file("proof"), &bad).unwrap();
        let err = fails(&fib.verify(&[]));
        assert!(
            err.contains("not verified") || err.contains("proof"),
            "byte {i}: {err}"
        );
    }
    for len in [0, 3, 7, 8, 50, n / 2, n - 1] {
        std::fs::write(fib.file("proof"), &good[..len]).unwrap();
        fails(&fib.verify(&[]));
    }
    let err = {
        std::fs::write(fib.file("proof"), &good[..5]).unwrap();
        fails(&fib.verify(&[]))
    };
    assert!(err.contains("truncated"), "{err}");
    std::fs::write(fib.file("proof"), &good).unwrap();
    succeeds(&fib.verify(&[]));
}

#[test]
fn verify_reports_missing_and_malformed_files() {
    let fib = Fib::new();
    succeeds(&fib.prove(&[]));
    let hash = fib.hash();
    let (i, o, p) = (fib.file("inputs"), fib.file("outputs"), fib.file("proof"));
    let missing = fib.dir.join("missing");

    let err = fails(&vm(&[
        "verify",
        "-x",
        &hash,
        "-o",
        s(&o),
        "-p",
        s(&missing),
    ]));
    assert!(err.contains("cannot read proof file"), "{err}");
    let err = fails(&vm(&[
        "verify",
        "-x",
        &hash,
        "-o",
        s(&missing),
        "-p",
        s(&p),
    ]));
    assert!(err.contains("cannot read outputs file"), "{err}");
    let err = fails(&vm(&[
        "verify",
        "-x",
        &hash,
        "-i",
        s(&missing),
        "-o",
        s(&o),
        "-p",
        s(&p),
    ]));
    assert!(err.contains("cannot read inputs file"), "{err}");
    let err = fails(&vm(&["verify", "--claim", s(&missing), "-p", s(&p)]));
    assert!(err.contains("cannot read claim file"), "{err}");

    for (text, expect) in [
        ("not json", "invalid JSON"),
        (r#"{"stack": ["1", "x"]}"#, "stack[1]"),
        (r#"{"stack": ["18446744069414584321"]}"#, "field modulus"),
        (
            &format!(r#"{{"stack": [{}]}}"#, vec!["\"1\""; 17].join(",")),
            "at most 16",
        ),
    ] {
        std::fs::write(&o, text).unwrap();
        let err = fails(&vm(&[
            "verify",
            "-x",
            &hash,
            "-i",
            s(&i),
            "-o",
            s(&o),
            "-p",
            s(&p),
        ]));
        assert!(err.contains(expect), "{text}: {err}");
    }
}

#[test]
fn security_and_hash_options() {
    let fib = Fib::new();
    let out = succeeds(&fib.prove(&["--security", "128"]));
    assert!(out.contains("128-bit conjectured security"), "{out}");
    assert_eq!(
        succeeds(&fib.verify(&["--min-security", "128"])).trim(),
        "verified: 128-bit conjectured security (preset 128)"
    );

    let out = succeeds(&fib.prove(&["--hash", "rescue"]));
    assert!(out.contains("preset: 96-rescue"), "{out}");
    assert_eq!(
        succeeds(&fib.verify_claim()).trim(),
        "verified: 96-bit conjectured security (preset 96-rescue)"
    );
    // A 96-bit proof does not meet a 128-bit requirement.
    let err = fails(&fib.verify(&["--min-security", "128"]));
    assert!(err.contains("128 bits are required"), "{err}");
}

#[test]
fn no_zk_warns_and_stats_report_every_phase() {
    let fib = Fib::new();
    let o = fib.prove(&["--no-zk", "--stats"]);
    let out = succeeds(&o);
    assert!(stderr(&o).contains("reveals information about the advice inputs"));
    assert!(out.contains("zero knowledge OFF"), "{out}");
    for field in [
        "trace width",
        "trace building",
        "STARK",
        "proof size",
        "peak memory",
    ] {
        assert!(out.contains(field), "{field}: {out}");
    }
    assert!(succeeds(&fib.verify(&[])).contains("(preset 96-nozk)"));

    let v: serde_json::Value = serde_json::from_str(&succeeds(&fib.prove(&["--json"]))).unwrap();
    assert_eq!(v["stack"][0], FIB_50);
    assert_eq!(v["trace_length"], 1024);
    assert_eq!(v["zero_knowledge"], true);
}

#[test]
fn unprovable_and_failing_programs_give_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    // The assembler emits no unconstrained operation (`mtree_verify` lowers to a loop of
    // constrained ones), so a compiled program gets MPVERIFY by hand, at the address of
    // `mtree_verify`'s first native instruction.
    let program = vm_assembly::Assembler::new()
        .assemble_source("merkle.masm", "begin padw padw padw hperm mtree_verify end")
        .unwrap();
    let at = program
        .code()
        .iter()
        .position(|i| i.op == vm_core::Opcode::Hperm)
        .unwrap()
        + 1;
    let mut code = program.code().to_vec();
    code[at] = vm_core::Instruction::new(vm_core::Opcode::Mpverify);
    let patched = vm_core::Program::new(code, program.debug().clone()).unwrap();
    let merkle = dir.path().join("merkle.vmb");
    std::fs::write(&merkle, patched.to_bytes()).unwrap();
    let err = fails(&vm(&["prove", s(&merkle)]));
    assert!(err.contains("MPVERIFY"), "{err}");
    assert!(err.contains("cannot prove") && err.contains("yet"), "{err}");
    // The report is wrapped: compare its words.
    let words: Vec<&str> = err.split_whitespace().filter(|w| *w != "│").collect();
    let flat = words.join(" ");
    assert!(
        flat.contains("needs the hasher's Merkle path requests")
            && flat.contains("(issue: hash proofs)"),
        "{err}"
    );
    assert!(err.contains("merkle.masm:1:"), "{err}");
    assert!(!dir.path().join("merkle.proof").exists());

    let div = dir.path().join("div.masm");
    std::fs::write(&div, "begin push.1 push.0 div end").unwrap();
    let err = fails(&vm(&["prove", s(&div)]));
    assert!(err.contains("inverse of zero"), "{err}");
}

/// `--progress` names each phase of the proof on stderr, in order, and leaves stdout (the
/// summary) as it is; without a terminal and without `--progress` stderr stays empty.
#[test]
fn progress_lines_name_each_phase_in_order() {
    let fib = Fib::new();
    let o = fib.prove(&["--progress"]);
    let out = succeeds(&o);
    assert!(out.contains(&format!("stack: [{FIB_50}, 0,")), "{out}");
    let err = stderr(&o);
    let phases = [
        "executing the program",
        "building the execution trace",
        "extending and committing to the main trace",
        "evaluating the constraints",
        "computing the FRI layers",
        "assembling the proof",
        "done",
    ];
    let positions: Vec<usize> = phases
        .iter()
        .map(|p| err.find(p).unwrap_or_else(|| panic!("no {p:?} in {err}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{err}");
    // Each line carries the time since the start.
    assert!(
        err.lines()
            .all(|l| l.starts_with('[') && l.contains(" s] ")),
        "{err}"
    );

    let quiet = fib.prove(&[]);
    succeeds(&quiet);
    assert_eq!(
        stderr(&quiet),
        "",
        "no terminal, no --progress: nothing on stderr"
    );
}
