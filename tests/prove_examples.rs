//! Every bundled example either proves and verifies at both security presets with zero
//! knowledge on, or (`ecdsa`, whose trace is too large for a CI machine) passes the
//! prover's check that every instruction is constrained; and the assembler emits no
//! operation the AIR does not constrain (every instruction, every procedure of `std`).

use std::path::Path;

use vm::processor::{DefaultHost, ExecutionOptions, InputFile};
use vm_assembly::Assembler;
use vm_prover::{preset, prove, ProveError};

/// What this version of the AIR does with an example.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// It proves and verifies at both presets.
    Proves,
    /// Every instruction it uses is constrained, but its trace (2^24 rows for `ecdsa`'s
    /// 8.9 M cycles) is too large to prove on a CI machine: only `check_provable` runs.
    TooLargeForCi,
}

use Expect::*;

/// The examples and what this version of the AIR does with them.
const EXAMPLES: [(&str, Expect); 12] = [
    ("secret", Proves),
    ("fib", Proves),
    ("loops", Proves),
    ("procedures", Proves),
    ("memory", Proves),
    ("u32", Proves),
    ("advice", Proves),
    ("merkle", Proves),
    ("call", Proves),
    ("hashes", Proves),
    ("hbs", Proves),
    ("ecdsa", TooLargeForCi),
];

#[test]
fn examples_prove_at_both_presets_or_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (name, expect) in EXAMPLES {
        let program = Assembler::new()
            .assemble_file(root.join(name).join(format!("{name}.masm")))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        if expect == TooLargeForCi {
            vm_prover::check_provable(&program).unwrap_or_else(|e| panic!("{name}: {e}"));
            continue;
        }
        let provable = expect == Proves;
        let text = std::fs::read_to_string(root.join(name).join(format!("{name}.inputs"))).unwrap();
        let inputs = InputFile::parse(&text).unwrap();
        for p in [
            preset::by_name("96").unwrap(),
            preset::by_name("128").unwrap(),
        ] {
            let res = prove(
                &program,
                inputs.stack_inputs(),
                inputs.advice_inputs(),
                &mut DefaultHost,
                ExecutionOptions::default(),
                p,
            );
            match (provable, res) {
                (true, Ok(proved)) => {
                    let bytes = proved.proof.to_bytes();
                    let proof = vm_verifier::VmProof::from_bytes(&bytes).unwrap();
                    let bits = vm_verifier::verify(
                        program.hash(),
                        inputs.stack_inputs(),
                        proved.output.stack,
                        &proof,
                        p.security_bits,
                    )
                    .unwrap_or_else(|e| panic!("{name} at {}: {e}", p.name));
                    assert!(bits >= p.security_bits);
                }
                (false, Err(ProveError::Unsupported { op, location, .. })) => {
                    // A file of the example, or a module of the embedded `std`.
                    let located = location.contains(".masm:") || location.starts_with("std::");
                    assert!(located, "{name}: {op} at {location}");
                }
                (true, Err(e)) => panic!("{name} should prove at {}: {e}", p.name),
                (false, Ok(_)) => panic!("{name} uses unconstrained instructions but proved"),
                (false, Err(e)) => panic!("{name}: unexpected error {e}"),
            }
        }
    }
}

/// The same from the command line: `vm prove` at both presets, then `vm verify` with the
/// program hash, the public inputs and the outputs file (no advice is read).
#[test]
fn provable_examples_prove_and_verify_from_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let dir = tempfile::tempdir().unwrap();
    let vm = env!("CARGO_BIN_EXE_vm");
    for (name, expect) in EXAMPLES {
        if expect == TooLargeForCi {
            continue;
        }
        let provable = expect == Proves;
        let masm = root.join(name).join(format!("{name}.masm"));
        let inputs = root.join(name).join(format!("{name}.inputs"));
        for security in ["96", "128"] {
            let outputs = dir.path().join(format!("{name}-{security}.outputs"));
            let proof = dir.path().join(format!("{name}-{security}.proof"));
            let claim = dir.path().join(format!("{name}-{security}.claim"));
            let out = std::process::Command::new(vm)
                .arg("prove")
                .arg(&masm)
                .arg("-i")
                .arg(&inputs)
                .arg("-o")
                .arg(&outputs)
                .arg("-p")
                .arg(&proof)
                .arg("--claim")
                .arg(&claim)
                .args(["--security", security])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !provable {
                assert!(!out.status.success(), "{name} proved");
                assert!(stderr.contains("cannot prove"), "{name}: {stderr}");
                continue;
            }
            assert!(out.status.success(), "{name} at {security}: {stderr}");
            let hash = Assembler::new().assemble_file(&masm).unwrap().hash_hex();
            let out = std::process::Command::new(vm)
                .arg("verify")
                .args(["-x", &hash])
                .arg("-i")
                .arg(&inputs)
                .arg("-o")
                .arg(&outputs)
                .arg("-p")
                .arg(&proof)
                .args(["--min-security", security])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{name} at {security}: {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains(&format!("{security}-bit")), "{stdout}");
        }
    }
}

/// The assembler emits only operations the AIR constrains (`vm_prover::check_provable`):
/// every instruction of the language in its form without immediates, and every exported
/// procedure of the embedded `std` (which use the other forms).
#[test]
fn the_assembler_emits_no_unproven_operation() {
    let mut checked = 0;
    for (_, name) in vm_assembly::lower::instructions::instruction_names() {
        let Ok(program) =
            Assembler::new().assemble_source("one.masm", &format!("begin {name} end"))
        else {
            continue; // it needs immediates (or is refused)
        };
        vm_prover::check_provable(&program).unwrap_or_else(|e| panic!("{name}: {e}"));
        checked += 1;
    }
    assert!(checked > 50, "only {checked} instructions assembled");
    let mut procedures = 0;
    for m in vm_stdlib::MODULES {
        let short = m.path.rsplit("::").next().unwrap();
        for line in m.source.lines() {
            let Some(rest) = line.trim_start().strip_prefix("export.") else {
                continue;
            };
            let proc = rest.split(['.', ' ', '#']).next().unwrap();
            if proc.is_empty() || proc.contains(':') {
                continue; // a re-export
            }
            let src = format!("use.{}\nbegin exec.{short}::{proc} end", m.path);
            let program = Assembler::new()
                .assemble_source("std.masm", &src)
                .unwrap_or_else(|e| panic!("{}::{proc}: {e:?}", m.path));
            vm_prover::check_provable(&program)
                .unwrap_or_else(|e| panic!("{}::{proc}: {e}", m.path));
            procedures += 1;
        }
    }
    assert!(procedures > 50, "only {procedures} std procedures checked");
}
