//! `vm run` on compiled programs (`.vmb`) that are well formed but not valid programs: they
//! are refused with an error when read, never run into a panic.

mod cli_support;

use cli_support::{stderr, vm};
use vm_core::{hash::hash_elements, program::encode_for_hash, Felt, Instruction, Opcode};

/// A `.vmb` file of `code` with the hash it would carry and no debug information, written
/// byte by byte after `core/src/serde_bin.rs`'s layout (so no validity check is involved).
fn vmb(code: &[Instruction]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"VMPG");
    b.extend_from_slice(&1u16.to_le_bytes());
    for e in hash_elements(&encode_for_hash(code)) {
        b.extend_from_slice(&e.as_int().to_le_bytes());
    }
    b.extend_from_slice(&(code.len() as u32).to_le_bytes());
    for ins in code {
        b.push(ins.op.code());
        if ins.op.has_imm() {
            b.extend_from_slice(&ins.imm.as_int().to_le_bytes());
        }
    }
    // No files, spans, procedures, decorators or messages.
    for _ in 0..5 {
        b.extend_from_slice(&0u32.to_le_bytes());
    }
    b
}

/// Runs `vm run` on `code` as a `.vmb` file and checks that it fails cleanly with `message`.
fn refused(code: &[Instruction], message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("past_end.vmb");
    std::fs::write(&path, vmb(code)).unwrap();
    let r = vm(&["run", path.to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The report is wrapped to the terminal's width: compare its words.
    let words: Vec<&str> = err.split_whitespace().filter(|w| *w != "│").collect();
    let text = words.join(" ");
    assert!(text.contains("past_end.vmb: invalid program"), "{err}");
    assert!(text.contains(message), "{err}");
}

#[test]
fn run_refuses_a_program_that_falls_off_its_end() {
    // `JMP.2 HALT NOOP`: the NOOP would continue at address 3.
    refused(
        &[
            Instruction::with_imm(Opcode::Jmp, Felt::new(2)),
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Noop),
        ],
        "instruction 2 (NOOP) can run past the end of the program",
    );
}

#[test]
fn run_refuses_a_program_that_returns_past_its_end() {
    // `JMP.3 HALT RET CALL.2`: the call would return to address 4.
    refused(
        &[
            Instruction::with_imm(Opcode::Jmp, Felt::new(3)),
            Instruction::new(Opcode::Halt),
            Instruction::new(Opcode::Ret),
            Instruction::with_imm(Opcode::Call, Felt::new(2)),
        ],
        "instruction 3 (CALL) can run past the end of the program",
    );
}

#[test]
fn run_accepts_the_same_format_for_a_valid_program() {
    // The writer above produces files the reader accepts: `PUSH.7 JMP.3 HALT NOOP JMP.2`.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.vmb");
    let code = [
        Instruction::with_imm(Opcode::Push, Felt::new(7)),
        Instruction::with_imm(Opcode::Jmp, Felt::new(3)),
        Instruction::new(Opcode::Halt),
        Instruction::new(Opcode::Noop),
        Instruction::with_imm(Opcode::Jmp, Felt::new(2)),
    ];
    std::fs::write(&path, vmb(&code)).unwrap();
    let r = vm(&["run", path.to_str().unwrap(), "--json"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["stack"][0], "7", "{v}");
}
