//! Decoding arbitrary bytes as a program returns an error or a valid program, never panics.

use proptest::prelude::*;
use vm_core::{DebugInfo, Felt, Instruction, Opcode, Program};

fn sample_bytes() -> Vec<u8> {
    let code = vec![
        Instruction::with_imm(Opcode::Repeat, Felt::new(3)),
        Instruction::with_imm(Opcode::Push, Felt::new(9)),
        Instruction::with_imm(Opcode::Next, Felt::new(1)),
        Instruction::new(Opcode::Halt),
    ];
    Program::new(code, DebugInfo::default()).unwrap().to_bytes()
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Program::from_bytes(&bytes);
    }

    #[test]
    fn mutated_programs_never_panic(pos in 0usize..64, val in any::<u8>(), cut in 0usize..80) {
        let mut bytes = sample_bytes();
        let i = pos % bytes.len();
        bytes[i] = val;
        bytes.truncate(cut.min(bytes.len()));
        let _ = Program::from_bytes(&bytes);
    }
}
