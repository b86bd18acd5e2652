use vm_core::{
    hash, DebugInfo, Decorator, Felt, Instruction, Opcode, Program, SourceFile, SourceSpan,
    StackInputs, Word,
};

use crate::*;

fn i(op: Opcode) -> Instruction {
    Instruction::new(op)
}

fn im(op: Opcode, v: u64) -> Instruction {
    Instruction::with_imm(op, Felt::new(v))
}

fn prog(mut code: Vec<Instruction>) -> Program {
    code.push(i(Opcode::Halt));
    Program::new(code, DebugInfo::default()).unwrap()
}

fn run_with(
    p: &Program,
    stack: &[u64],
    advice: AdviceInputs,
) -> Result<ExecutionOutput, ExecutionError> {
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
    let fast = execute(
        p,
        inputs.clone(),
        advice.clone(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    );
    let traced = execute_traced(
        p,
        inputs,
        advice,
        &mut DefaultHost,
        ExecutionOptions::default(),
    );
    assert_agree(&fast, &traced);
    fast
}

/// The fast and the tracing executor must agree on outputs, cycles and errors, and the trace
/// must have one row per cycle.
fn assert_agree(
    fast: &Result<ExecutionOutput, ExecutionError>,
    traced: &Result<(ExecutionOutput, ExecutionTrace), ExecutionError>,
) {
    match (fast, traced) {
        (Ok(a), Ok((b, trace))) => {
            assert_eq!(a.stack, b.stack);
            assert_eq!(a.cycles, b.cycles);
            assert_eq!(a.final_depth, b.final_depth);
            assert_eq!(trace.rows.len() as u64, a.cycles);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!(
            "executors disagree: fast {:?}, traced {:?}",
            a.is_ok(),
            b.is_ok()
        ),
    }
}

#[test]
fn trace_rows_record_state_before_each_cycle() {
    let p = prog(vec![
        im(Opcode::Push, 7),
        i(Opcode::Dup0),
        i(Opcode::Mul),
        im(Opcode::Push, 100),
        i(Opcode::Mstore),
    ]);
    let (out, trace) = execute_traced(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap();
    assert_eq!(trace.rows.len() as u64, out.cycles);
    let pcs: Vec<u32> = trace.rows.iter().map(|r| r.pc).collect();
    assert_eq!(pcs, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(trace.rows[2].stack[0], Felt::new(7));
    assert_eq!(trace.rows[2].depth, 18);
    assert_eq!(trace.rows[3].stack[0], Felt::new(49));
    assert_eq!(trace.rows[5].instruction.op, Opcode::Halt);
    assert_eq!(trace.memory.len(), 1);
    assert!(trace.memory[0].write);
    assert_eq!(
        (
            trace.memory[0].addr,
            trace.memory[0].value,
            trace.memory[0].clk
        ),
        (100, Felt::new(49), 4)
    );
}

fn run(code: Vec<Instruction>, stack: &[u64]) -> Result<ExecutionOutput, ExecutionError> {
    run_with(&prog(code), stack, AdviceInputs::default())
}

fn top(out: &ExecutionOutput, n: usize) -> Vec<u64> {
    out.stack.as_ints()[..n].to_vec()
}

fn kind(r: Result<ExecutionOutput, ExecutionError>) -> ErrorKind {
    r.expect_err("expected failure").kind
}

const P: u64 = vm_core::MODULUS;

#[test]
fn arithmetic() {
    let out = run(
        vec![
            im(Opcode::Push, 3),
            im(Opcode::Push, 4),
            i(Opcode::Add),
            im(Opcode::Muli, 5),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(top(&out, 2), vec![35, 0]);
    assert_eq!(out.cycles, 5);
    assert_eq!(out.final_depth, 17);
    // a - b via neg, wraps mod p
    let out = run(
        vec![
            im(Opcode::Push, 1),
            im(Opcode::Push, 2),
            i(Opcode::Neg),
            i(Opcode::Add),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(top(&out, 1), vec![P - 1]);
    let out = run(
        vec![im(Opcode::Push, 7), i(Opcode::Inv), im(Opcode::Muli, 7)],
        &[],
    )
    .unwrap();
    assert_eq!(top(&out, 1), vec![1]);
    assert_eq!(
        kind(run(vec![i(Opcode::Pad), i(Opcode::Inv)], &[])),
        ErrorKind::InverseOfZero
    );
    let out = run(
        vec![i(Opcode::Eq), i(Opcode::Eqz), i(Opcode::Incr)],
        &[5, 5],
    )
    .unwrap();
    assert_eq!(top(&out, 1), vec![1]);
    let out = run(vec![i(Opcode::And), i(Opcode::Not)], &[1, 1]).unwrap();
    assert_eq!(top(&out, 1), vec![0]);
    assert_eq!(
        kind(run(vec![i(Opcode::Or)], &[2, 1])),
        ErrorKind::NotBinary {
            value: Felt::new(2)
        }
    );
}

#[test]
fn expacc_computes_power() {
    // [bit, base, acc, exp] = [0, 3, 1, 5]; 3 rounds -> acc = 3^5.
    let code = vec![i(Opcode::Expacc), i(Opcode::Expacc), i(Opcode::Expacc)];
    let out = run(code, &[5, 1, 3, 0]).unwrap();
    assert_eq!(top(&out, 4), vec![1, 81 * 81, 243, 0]);
}

#[test]
fn ext2mul_matches_extension_field() {
    use winter_math::{fields::QuadExtension, ExtensionOf, FieldElement};
    let _ = <Felt as ExtensionOf<Felt>>::mul_base;
    let (a0, a1, b0, b1) = (3u64, 5, 7, 11);
    let out = run(vec![i(Opcode::Ext2mul)], &[a0, a1, b0, b1]).unwrap();
    let c = QuadExtension::new(Felt::new(a0), Felt::new(a1))
        * QuadExtension::new(Felt::new(b0), Felt::new(b1));
    let c = c.to_base_elements();
    assert_eq!(top(&out, 4), vec![b1, b0, c[1].as_int(), c[0].as_int()]);
    let _ = QuadExtension::<Felt>::ONE;
}

#[test]
fn u32_ops() {
    let m = u32::MAX as u64;
    let out = run(vec![i(Opcode::U32split)], &[(5 << 32) | 9]).unwrap();
    assert_eq!(top(&out, 2), vec![5, 9]);
    let out = run(vec![i(Opcode::U32add)], &[m, 2]).unwrap();
    assert_eq!(top(&out, 2), vec![1, 1]);
    let out = run(vec![i(Opcode::U32add3)], &[m, m, m]).unwrap();
    assert_eq!(top(&out, 3), vec![2, m - 2, 0]);
    // [b, a] with a = 3 below b = 5: a - b
    let out = run(vec![i(Opcode::U32sub)], &[3, 5]).unwrap();
    assert_eq!(top(&out, 2), vec![1, m - 1]);
    let out = run(vec![i(Opcode::U32mul)], &[m, m]).unwrap();
    let p = m * m;
    assert_eq!(top(&out, 2), vec![p >> 32, p & m]);
    let out = run(vec![i(Opcode::U32madd)], &[m, m, m]).unwrap();
    let p = m * m + m;
    assert_eq!(top(&out, 2), vec![p >> 32, p & m]);
    let out = run(vec![i(Opcode::U32div)], &[17, 5]).unwrap();
    assert_eq!(top(&out, 2), vec![2, 3]);
    assert_eq!(
        kind(run(vec![i(Opcode::U32div)], &[17, 0])),
        ErrorKind::DivideByZero
    );
    let out = run(vec![i(Opcode::U32and)], &[0b1100, 0b1010]).unwrap();
    assert_eq!(top(&out, 1), vec![0b1000]);
    let out = run(vec![i(Opcode::U32xor)], &[0b1100, 0b1010]).unwrap();
    assert_eq!(top(&out, 1), vec![0b0110]);
    assert_eq!(out.stats.bitwise, 2);
    assert_eq!(
        kind(run(vec![i(Opcode::U32add)], &[1 << 32, 1])),
        ErrorKind::NotU32 {
            value: Felt::new(1 << 32),
            message: None,
        }
    );
    assert_eq!(
        kind(run(vec![i(Opcode::U32assert2)], &[m + 1, 0])),
        ErrorKind::NotU32 {
            value: Felt::new(m + 1),
            message: None,
        }
    );
    let out = run(vec![i(Opcode::U32assert2)], &[m, m]).unwrap();
    assert_eq!(out.stats.range, 4);
}

/// Inputs Miden leaves undefined (not u32 values) trap, in every input position of every
/// u32 operation that reads u32 values: the AIR range-checks each of them, so a run that
/// went on would have no proof.
#[test]
fn every_u32_input_that_is_not_u32_traps() {
    let bad = (1u64 << 32) | 7;
    for (op, arity) in [
        (Opcode::U32add, 2),
        (Opcode::U32add3, 3),
        (Opcode::U32sub, 2),
        (Opcode::U32mul, 2),
        (Opcode::U32madd, 3),
        (Opcode::U32div, 2),
        (Opcode::U32assert2, 2),
        (Opcode::U32and, 2),
        (Opcode::U32xor, 2),
    ] {
        for pos in 0..arity {
            // Stack inputs are listed bottom first: position `pos` from the top.
            let mut stack = vec![3u64; arity];
            stack[arity - 1 - pos] = bad;
            assert_eq!(
                kind(run(vec![i(op)], &stack)),
                ErrorKind::NotU32 {
                    value: Felt::new(bad),
                    message: None,
                },
                "{op} with s{pos} = 2^32 + 7"
            );
        }
    }
    // U32SPLIT takes any field element.
    run(vec![i(Opcode::U32split)], &[u64::MAX - (1 << 32)]).unwrap();
}

#[test]
fn stack_padding_and_overflow() {
    // Dropping at depth 16 shifts zeros in at the bottom.
    let out = run(vec![i(Opcode::Drop), i(Opcode::Sdepth)], &[1, 2, 3]).unwrap();
    assert_eq!(top(&out, 3), vec![16, 2, 1]);
    // Deep pushes are LIFO through the overflow.
    let mut code: Vec<Instruction> = (1..=20).map(|v| im(Opcode::Push, v)).collect();
    code.push(i(Opcode::Sdepth));
    let out = run(code.clone(), &[]).unwrap();
    assert_eq!(out.stack.as_ints()[0], 36);
    assert_eq!(out.final_depth, 37);
    code.push(i(Opcode::Drop));
    code.extend((0..16).map(|_| i(Opcode::Drop)));
    let out = run(code, &[]).unwrap();
    assert_eq!(top(&out, 5), vec![4, 3, 2, 1, 0]);
    assert_eq!(out.final_depth, 20);
    let input: Vec<u64> = (1..=16).collect();
    let out = run(
        vec![i(Opcode::Movup15), i(Opcode::Movdn2), i(Opcode::Swapdw)],
        &input,
    )
    .unwrap();
    assert_eq!(
        out.stack.as_ints(),
        vec![9, 8, 7, 6, 5, 4, 3, 2, 16, 15, 1, 14, 13, 12, 11, 10]
    );
    let out = run(vec![i(Opcode::Swapw3), i(Opcode::Dup15)], &input).unwrap();
    assert_eq!(top(&out, 6), vec![13, 4, 3, 2, 1, 12]);
}

#[test]
fn memory_word_order() {
    // stack [a=8, 1, 2, 3, 4] -> mstorew: mem[11] = 1 (new top), mem[8] = 4.
    let code = vec![
        im(Opcode::Push, 8),
        i(Opcode::Mstorew),
        im(Opcode::Push, 11),
        i(Opcode::Mload),
        im(Opcode::Push, 8),
        i(Opcode::Mload),
        i(Opcode::Pad),
        i(Opcode::Pad),
        i(Opcode::Pad),
        i(Opcode::Pad),
        im(Opcode::Push, 8),
        i(Opcode::Mloadw),
    ];
    let out = run(code, &[4, 3, 2, 1]).unwrap();
    assert_eq!(top(&out, 10), vec![1, 2, 3, 4, 4, 1, 1, 2, 3, 4]);
    // One row per element or word access: MSTOREW, MLOAD, MLOAD, MLOADW.
    assert_eq!(out.stats.memory, 4);
    assert_eq!(
        kind(run(vec![im(Opcode::Push, 6), i(Opcode::Mloadw)], &[])),
        ErrorKind::UnalignedWordAccess { addr: 6 }
    );
    assert_eq!(
        kind(run(vec![im(Opcode::Push, 1 << 32), i(Opcode::Mload)], &[])),
        ErrorKind::AddressOutOfRange { addr: 1 << 32 }
    );
    // mstore keeps the value; mload of untouched memory is zero.
    let out = run(
        vec![
            im(Opcode::Push, 9),
            im(Opcode::Push, 100),
            i(Opcode::Mstore),
            im(Opcode::Push, 100),
            i(Opcode::Mload),
            im(Opcode::Push, 5),
            i(Opcode::Mload),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(top(&out, 3), vec![0, 9, 9]);
}

#[test]
fn mstream_and_pipe() {
    let adv = AdviceInputs {
        stack: (1..=8).map(Felt::new).collect(),
        ..Default::default()
    };
    // s12 = 0 initially: pipe writes mem[0..8] = 1..8, s7 = 1, s0 = 8, s12 = 8.
    let p = prog(vec![i(Opcode::Pipe)]);
    let out = run_with(&p, &[], adv.clone()).unwrap();
    assert_eq!(
        out.stack.as_ints()[..13],
        [8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 8]
    );
    // pipe, then reset s12 to 0 and stream back.
    let mut code = vec![
        i(Opcode::Pipe),
        i(Opcode::Movup12),
        i(Opcode::Drop),
        i(Opcode::Pad),
        i(Opcode::Movdn12),
    ];
    code.extend((0..8).map(|_| i(Opcode::Pad)));
    code.extend((0..8).map(|_| i(Opcode::Drop)));
    code.push(i(Opcode::Mstream));
    let out = run_with(&prog(code), &[], adv.clone()).unwrap();
    assert_eq!(
        out.stack.as_ints()[..13],
        [8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 8]
    );
    let out = run_with(&prog(vec![i(Opcode::Advpopw)]), &[], adv).unwrap();
    assert_eq!(top(&out, 4), vec![4, 3, 2, 1]);
    assert_eq!(
        kind(run(vec![i(Opcode::Advpop)], &[])),
        ErrorKind::AdviceStackEmpty
    );
}

#[test]
fn callctx_isolation_and_return_depth() {
    // main: push 7, mstore at 0 ... callctx f; f reads mem[0] (fresh context: 0) and fmp.
    let code = vec![
        im(Opcode::Push, 7),     // 0
        im(Opcode::Push, 0),     // 1
        i(Opcode::Mstore),       // 2 mem[0] = 7
        im(Opcode::Push, 42),    // 3 (deep element pushed to overflow)
        i(Opcode::Noop),         // 4
        im(Opcode::CallCtx, 12), // 5
        im(Opcode::Push, 0),     // 6
        i(Opcode::Mload),        // 7 caller memory intact: 7
        i(Opcode::Sdepth),       // 8
        i(Opcode::Halt),         // 9
        i(Opcode::Halt),         // 10
        i(Opcode::Halt),         // 11
        // f: [mem[0] of the fresh context, fmp, depth] on top, back to depth 16
        im(Opcode::Push, 0),   // 12
        i(Opcode::Mload),      // 13
        im(Opcode::Fmpadd, 0), // 14
        i(Opcode::Sdepth),     // 15
        i(Opcode::Swapw),      // 16
        i(Opcode::Drop),       // 17
        i(Opcode::Drop),       // 18
        i(Opcode::Drop),       // 19
        i(Opcode::Drop),       // 20
        i(Opcode::Ret),        // 21
        i(Opcode::Halt),       // 22
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let out = run_with(&p, &[], AdviceInputs::default()).unwrap();
    // The callee saw depth 16 at entry, a fresh memory and fmp; the caller's memory and
    // overflow came back.
    assert_eq!(top(&out, 6), vec![19, 7, 18, vm_core::FMP_INIT, 0, 42]);
    assert_eq!(out.final_depth, 20);
    // A callee returning with depth 17 fails.
    let code = vec![
        im(Opcode::CallCtx, 2),
        i(Opcode::Halt),
        i(Opcode::Pad),
        i(Opcode::Ret),
        i(Opcode::Halt),
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    assert_eq!(
        kind(run_with(&p, &[], AdviceInputs::default())),
        ErrorKind::InvalidReturnDepth { depth: 17 }
    );
    // A callee that drops below 16 gets zeros, and its caller's deep values come back.
    let mut code: Vec<Instruction> = (1..=18).map(|v| im(Opcode::Push, v)).collect();
    code.push(im(Opcode::CallCtx, 21));
    code.push(i(Opcode::Halt));
    code.push(i(Opcode::Halt));
    code.extend((0..16).map(|_| i(Opcode::Drop)));
    code.push(i(Opcode::Ret));
    code.push(i(Opcode::Halt));
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let out = run_with(&p, &[], AdviceInputs::default()).unwrap();
    assert_eq!(out.final_depth, 34);
    assert_eq!(out.stack.as_ints(), vec![0; 16]);
}

#[test]
fn call_and_loops() {
    // repeat 5 { incr } ; call f (f: muli 3, ret)
    let code = vec![
        im(Opcode::Repeat, 5), // 0
        i(Opcode::Incr),       // 1
        im(Opcode::Next, 1),   // 2
        im(Opcode::Call, 5),   // 3
        i(Opcode::Halt),       // 4
        im(Opcode::Muli, 3),   // 5
        i(Opcode::Ret),        // 6
        i(Opcode::Halt),       // 7
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let out = run_with(&p, &[], AdviceInputs::default()).unwrap();
    assert_eq!(top(&out, 1), vec![15]);
    assert_eq!(out.cycles, 1 + 5 * 2 + 1 + 2 + 1);
    // conditional jumps
    let code = vec![
        im(Opcode::Jmpz, 3),
        im(Opcode::Push, 1),
        i(Opcode::Halt),
        im(Opcode::Push, 2),
        i(Opcode::Halt),
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    assert_eq!(
        top(&run_with(&p, &[0], AdviceInputs::default()).unwrap(), 1),
        vec![2]
    );
    assert_eq!(
        top(&run_with(&p, &[1], AdviceInputs::default()).unwrap(), 1),
        vec![1]
    );
    assert_eq!(
        kind(run_with(&p, &[3], AdviceInputs::default())),
        ErrorKind::NotBinary {
            value: Felt::new(3)
        }
    );
}

#[test]
fn cycle_limit() {
    let code = vec![im(Opcode::Jmp, 0), i(Opcode::Halt)];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let opts = ExecutionOptions::default().with_max_cycles(1000);
    let e = execute(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut DefaultHost,
        opts,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::CycleLimitExceeded { limit: 1000 });
    assert_eq!(e.clk, 1000);
    // exactly at the limit is fine
    let p = prog(vec![i(Opcode::Noop)]);
    let opts = ExecutionOptions::default().with_max_cycles(2);
    assert_eq!(
        execute(
            &p,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut DefaultHost,
            opts
        )
        .unwrap()
        .cycles,
        2
    );
}

#[test]
fn hperm_matches_permute() {
    let input: Vec<u64> = (1..=12).collect();
    let out = run(vec![i(Opcode::Hperm)], &input).unwrap();
    // top first: s0 = 12 .. s11 = 1; state[i] = s[11 - i] = i + 1
    let mut state: [Felt; 12] = core::array::from_fn(|k| Felt::new(k as u64 + 1));
    hash::permute(&mut state);
    let expect: Vec<u64> = (0..12).map(|k| state[11 - k].as_int()).collect();
    assert_eq!(top(&out, 12), expect);
    assert_eq!(out.stats.hasher, 8);
}

fn w(a: u64) -> Word {
    [
        Felt::new(a),
        Felt::new(a + 1),
        Felt::new(a + 2),
        Felt::new(a + 3),
    ]
}

/// Stack inputs (file order) for [V, d, i, R, NV] with words in Miden's layout.
fn merkle_stack(v: Word, d: u64, idx: u64, r: Word, nv: Word) -> Vec<u64> {
    let mut top = Vec::new();
    top.extend(v.iter().rev().map(|e| e.as_int()));
    top.push(d);
    top.push(idx);
    top.extend(r.iter().rev().map(|e| e.as_int()));
    top.extend(nv.iter().rev().map(|e| e.as_int()));
    top.reverse();
    top
}

#[test]
fn merkle_ops() {
    let leaves: Vec<Word> = (0..8).map(|k| w(10 * k)).collect();
    let mut adv = AdviceInputs::default();
    let root = adv.add_merkle_tree(&leaves);
    let p = prog(vec![i(Opcode::Mpverify)]);
    let out = run_with(
        &p,
        &merkle_stack(leaves[5], 3, 5, root, w(1000)),
        adv.clone(),
    )
    .unwrap();
    assert_eq!(out.stats.hasher, 24);
    let e = run_with(
        &p,
        &merkle_stack(leaves[4], 3, 5, root, w(1000)),
        adv.clone(),
    )
    .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::MerkleNodeMismatch { .. }));
    let e = run_with(
        &p,
        &merkle_stack(leaves[5], 3, 5, w(7), w(1000)),
        adv.clone(),
    )
    .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::MerkleNodeNotFound { .. }));
    // mrupdate then verify the new leaf against the new root
    let p = prog(vec![i(Opcode::Mrupdate)]);
    let out = run_with(
        &p,
        &merkle_stack(leaves[5], 3, 5, root, w(1000)),
        adv.clone(),
    )
    .unwrap();
    let mut new_leaves = leaves.clone();
    new_leaves[5] = w(1000);
    let new_root = AdviceInputs::default().add_merkle_tree(&new_leaves);
    let s = out.stack.as_ints();
    assert_eq!(
        s[..4],
        new_root
            .iter()
            .rev()
            .map(|e| e.as_int())
            .collect::<Vec<_>>()[..]
    );
    assert_eq!(out.stats.hasher, 48);
}

#[test]
fn decorators() {
    let key = w(5);
    let mut adv = AdviceInputs::default();
    adv.map
        .insert(word_key(&key), vec![Felt::new(11), Felt::new(22)]);
    let mut debug = DebugInfo {
        decorators: vec![
            (0, Decorator::AdvPushMapval(0)),
            (1, Decorator::AdvPushU64Div),
        ],
        ..Default::default()
    };
    // stack: key on top; then push b = 7 (hi 0), a = 100 for u64div
    let code = vec![
        i(Opcode::Advpop), // 0: 11
        i(Opcode::Advpop), // 1: 22 (decorator u64div reads [b_hi=11?..] -> avoid: see below)
        i(Opcode::Halt),
    ];
    debug.decorators.truncate(1);
    let p = Program::new(code, debug).unwrap();
    let st: Vec<u64> = key.iter().map(|e| e.as_int()).collect();
    let out = run_with(&p, &st, adv.clone()).unwrap();
    assert_eq!(top(&out, 2), vec![22, 11]);
    // u64 division hint: [b_hi, b_lo, a_hi, a_lo]
    let debug = DebugInfo {
        decorators: vec![(0, Decorator::AdvPushU64Div), (0, Decorator::AdvPushU32Clz)],
        ..Default::default()
    };
    let code = vec![
        i(Opcode::Advpop),
        i(Opcode::Advpop),
        i(Opcode::Advpop),
        i(Opcode::Advpop),
        i(Opcode::Advpop),
        i(Opcode::Halt),
    ];
    let p = Program::new(code, debug).unwrap();
    let a: u64 = (3 << 32) + 17;
    let out = run_with(
        &p,
        &[a & 0xffff_ffff, a >> 32, 7, 0],
        AdviceInputs::default(),
    )
    .unwrap();
    let (q, r) = (a / 7, a % 7);
    // popped: clz(0) = 32 first, then q_lo, q_hi, r_lo, r_hi
    assert_eq!(
        top(&out, 5),
        vec![r >> 32, r & 0xffff_ffff, q >> 32, q & 0xffff_ffff, 32]
    );
    // missing key
    let debug = DebugInfo {
        decorators: vec![(0, Decorator::AdvPushMapval(0))],
        ..Default::default()
    };
    let p = Program::new(vec![i(Opcode::Halt)], debug).unwrap();
    assert!(matches!(
        kind(run_with(&p, &[], AdviceInputs::default())),
        ErrorKind::MapKeyNotFound { .. }
    ));
}

#[derive(Default)]
struct Recorder {
    events: Vec<(u32, u64)>,
    traces: Vec<u32>,
    debug: Vec<String>,
}

impl Host for Recorder {
    fn on_event(&mut self, id: u32, stack_top: &[Felt]) -> Result<(), String> {
        if id == 99 {
            return Err("nope".into());
        }
        self.events.push((id, stack_top[0].as_int()));
        Ok(())
    }
    fn on_debug(&mut self, text: &str) {
        self.debug.push(text.to_string());
    }
    fn on_trace(&mut self, id: u32) {
        self.traces.push(id);
    }
}

#[test]
fn host_callbacks() {
    let debug = DebugInfo {
        decorators: vec![
            (1, Decorator::DebugStack(Some(2))),
            (1, Decorator::Trace(4)),
        ],
        ..Default::default()
    };
    let code = vec![im(Opcode::Push, 5), im(Opcode::Emit, 3), i(Opcode::Halt)];
    let p = Program::new(code, debug).unwrap();
    let mut h = Recorder::default();
    let opts = ExecutionOptions::default()
        .with_debug(true)
        .with_tracing(true);
    execute(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut h,
        opts,
    )
    .unwrap();
    assert_eq!(h.events, vec![(3, 5)]);
    assert_eq!(h.traces, vec![4]);
    assert_eq!(h.debug, vec!["stack (depth 17): [5, 0]".to_string()]);
    let mut h = Recorder::default();
    execute(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut h,
        ExecutionOptions::default(),
    )
    .unwrap();
    assert!(h.traces.is_empty() && h.debug.is_empty());
    let p = prog(vec![im(Opcode::Emit, 99)]);
    let e = execute(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut h,
        ExecutionOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::EventError {
            id: 99,
            message: "nope".into()
        }
    );
}

#[test]
fn error_rendering() {
    let text = "proc.check\n    push.2\n    assert.err=\"two is not one\"\nend\nbegin\n    exec.check\nend\n";
    let span = |s: &str| {
        let start = text.find(s).unwrap() as u32;
        Some(SourceSpan {
            file: 0,
            start,
            end: start + s.len() as u32,
        })
    };
    let debug = DebugInfo {
        files: vec![SourceFile {
            name: "fail.masm".into(),
            text: text.into(),
        }],
        spans: vec![span("exec.check"), None, span("push.2"), span("assert.err")],
        procedures: vec![
            vm_core::ProcedureInfo {
                name: "#main".into(),
                start: 0,
                end: 2,
                num_locals: 0,
            },
            vm_core::ProcedureInfo {
                name: "check".into(),
                start: 2,
                end: 5,
                num_locals: 0,
            },
        ],
        decorators: vec![],
        messages: vec![(3, "two is not one".into())],
        decorator_spans: vec![],
    };
    let code = vec![
        im(Opcode::Call, 2),
        i(Opcode::Halt),
        im(Opcode::Push, 2),
        i(Opcode::Assert),
        i(Opcode::Ret),
        i(Opcode::Halt),
    ];
    let p = Program::new(code, debug).unwrap();
    let e = run_with(&p, &[], AdviceInputs::default()).unwrap_err();
    assert_eq!(e.pc, 3);
    assert_eq!(e.clk, 2);
    assert_eq!(
        e.to_string(),
        "assertion failed: two is not one\n  at fail.masm:3:5 (ASSERT), cycle 2\n   3 |     assert.err=\"two is not one\"\n  in check\n  in #main, call at fail.masm:6:5"
    );
    let e = run(vec![im(Opcode::Push, 2), i(Opcode::Assert)], &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "assertion failed: expected 1, found 2\n  at pc 1 (ASSERT), cycle 1"
    );
}

#[test]
fn stats_and_trace_len() {
    let out = run(vec![i(Opcode::Noop)], &[]).unwrap();
    assert_eq!(out.stats.stack, 2);
    assert_eq!(out.stats.program, 2);
    assert_eq!(out.stats.padded_trace_len(), 64);
    let s = TraceStats {
        stack: 65,
        ..Default::default()
    };
    assert_eq!(s.padded_trace_len(), 128);
    assert_eq!(s.rows().len(), 6);
}

#[test]
fn input_file_parsing() {
    let key = hash::word_to_hex(&w(1));
    let json = format!(
        r#"{{"operand_stack": ["1", 2, "3"], "advice_stack": ["4", 5], "advice_map": {{"{key}": [6, "7"]}},
            "merkle_store": [{{"merkle_tree": ["{key}", "{key}"]}}]}}"#
    );
    let f = InputFile::parse(&json).unwrap();
    assert_eq!(
        f.stack_inputs().padded()[..4],
        [Felt::new(3), Felt::new(2), Felt::new(1), Felt::new(0)]
    );
    let adv = f.advice_inputs();
    assert_eq!(adv.stack, vec![Felt::new(4), Felt::new(5)]);
    assert_eq!(adv.map[&word_key(&w(1))], vec![Felt::new(6), Felt::new(7)]);
    assert_eq!(adv.merkle_nodes.len(), 1);
    assert_eq!(InputFile::parse("{}").unwrap(), InputFile::default());

    let err = |j: &str| InputFile::parse(j).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"advice_stack": ["12x"]}"#),
        r#"advice_stack[0]: "12x" is not a number"#
    );
    assert_eq!(
        err(r#"{"operand_stack": [1, -2]}"#),
        r#"operand_stack[1]: "-2" is not a number"#
    );
    assert!(err(r#"{"operand_stack": ["18446744069414584321"]}"#)
        .starts_with("operand_stack[0]: 18446744069414584321 is not below"));
    assert!(
        err(r#"{"operand_stack": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}"#)
            .contains("17 values")
    );
    assert!(err(r#"{"advice_map": {"0x12": [1]}}"#).starts_with("advice_map[\"0x12\"]"));
    assert!(err(r#"{"merkle_store": [{"merkle_tree": ["zz"]}]}"#)
        .starts_with("merkle_store[0].merkle_tree[0]"));
    assert!(err(r#"{"operand_stack": "1"}"#).contains("expected an array"));
    assert!(err("not json").starts_with("invalid JSON"));
}

#[test]
fn output_file_roundtrip() {
    let out = run(vec![im(Opcode::Push, 9)], &[1, 2]).unwrap();
    let f = OutputFile::new(&out.stack);
    let j = f.to_json();
    assert!(j.starts_with(r#"{"stack":["9","2","1","0""#));
    let g = OutputFile::parse(&j).unwrap();
    assert_eq!(g, f);
    assert_eq!(g.stack_outputs(), out.stack);
}

#[test]
fn long_loop_runs() {
    // 1M iterations of a small body through the overflow and memory.
    let code = vec![
        im(Opcode::Repeat, 1_000_000),
        i(Opcode::Dup0),
        im(Opcode::Push, 4),
        i(Opcode::Mstore),
        i(Opcode::Incr),
        i(Opcode::Drop),
        im(Opcode::Next, 1),
        i(Opcode::Halt),
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let t = std::time::Instant::now();
    let out = run_with(&p, &[], AdviceInputs::default()).unwrap();
    eprintln!("{} cycles in {:?}", out.cycles, t.elapsed());
    assert_eq!(out.cycles, 1 + 6_000_000 + 1);
    assert_eq!(out.stats.memory, 1_000_000);
}

#[test]
fn domain_hash_layout() {
    let (a, b) = (w(1), w(2));
    // Domain 0 is Rp64_256's merge (state [8, 0, 0, 0, A, B]).
    assert_eq!(
        crate::exec::merge_in_domain(&a, &b, Felt::new(0)),
        hash::merge(&a, &b)
    );
    // Domain d sits in capacity element 1.
    let mut state = [Felt::new(0); 12];
    state[0] = Felt::new(8);
    state[1] = Felt::new(5);
    state[4..8].copy_from_slice(&a);
    state[8..12].copy_from_slice(&b);
    hash::permute(&mut state);
    assert_eq!(
        crate::exec::merge_in_domain(&a, &b, Felt::new(5)),
        [state[4], state[5], state[6], state[7]]
    );
    assert_ne!(
        crate::exec::merge_in_domain(&a, &b, Felt::new(5)),
        hash::merge(&a, &b)
    );
}

#[test]
fn empty_subtrees_are_known() {
    let e1 = hash::merge(&[Felt::new(0); 4], &[Felt::new(0); 4]);
    assert_eq!(empty_subtree_root(1), e1);
    assert_eq!(empty_subtree_root(2), hash::merge(&e1, &e1));
    assert_eq!(
        crate::inputs::empty_subtree_children(&empty_subtree_root(255)),
        Some((empty_subtree_root(254), empty_subtree_root(254)))
    );
    assert_eq!(crate::inputs::empty_subtree_children(&w(3)), None);
    assert_eq!(
        crate::inputs::empty_subtree_children(&[Felt::new(0); 4]),
        None
    );
    // MPVERIFY of the empty leaf 7 of the empty depth-64 tree, with an empty store.
    let root = empty_subtree_root(64);
    let mut stack: Vec<u64> = root.iter().map(|f| f.as_int()).collect();
    stack.extend([7, 64, 0, 0, 0, 0]);
    let out = run_with(
        &prog(vec![i(Opcode::Mpverify)]),
        &stack,
        AdviceInputs::default(),
    );
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn sparse_and_partial_trees() {
    let mut adv = AdviceInputs::default();
    assert_eq!(
        adv.add_sparse_merkle_tree(&[(1, w(1)), (1, w(2))]),
        Err(MerkleDataError::DuplicateLeaf(1))
    );
    // Leaves 0 and 1 of depth 64: the root is the pair's hash merged up with empty roots.
    let mut adv = AdviceInputs::default();
    let root = adv.add_sparse_merkle_tree(&[(0, w(1)), (1, w(2))]).unwrap();
    let mut want = hash::merge(&w(1), &w(2));
    for h in 1..64 {
        want = hash::merge(&want, &empty_subtree_root(h));
    }
    assert_eq!(root, want);
    assert_eq!(adv.merkle_nodes.len(), 64);
    // A partial tree: leaves (2, 0), (2, 1) and node (1, 1).
    let mut adv = AdviceInputs::default();
    let root = adv
        .add_partial_merkle_tree(&[((2, 0), w(1)), ((2, 1), w(2)), ((1, 1), w(3))])
        .unwrap();
    assert_eq!(root, hash::merge(&hash::merge(&w(1), &w(2)), &w(3)));
    assert_eq!(adv.merkle_nodes.len(), 2);
    assert_eq!(
        adv.add_partial_merkle_tree(&[((2, 0), w(1)), ((1, 1), w(3))]),
        Err(MerkleDataError::MissingSibling {
            depth: 2,
            index: 0,
            sibling: 1
        })
    );
    // A single node at depth 0 is a root without inner nodes; no nodes give the empty word.
    let mut adv = AdviceInputs::default();
    assert_eq!(adv.add_partial_merkle_tree(&[((0, 0), w(4))]), Ok(w(4)));
    assert_eq!(adv.add_partial_merkle_tree(&[]), Ok([Felt::new(0); 4]));
    assert!(adv.merkle_nodes.is_empty());
}

#[test]
fn debug_local_reads_the_frame() {
    // A procedure at 2..10 with 4 locals: store 9 to local 1 (FMPADD(1 - 4)), then print.
    let code = vec![
        im(Opcode::Call, 2),
        i(Opcode::Halt),
        im(Opcode::Fmpupdate, 4),
        im(Opcode::Push, 9),
        Instruction::with_imm(Opcode::Fmpadd, -Felt::new(3)),
        i(Opcode::Mstore),
        i(Opcode::Drop),
        i(Opcode::Noop),
        Instruction::with_imm(Opcode::Fmpupdate, -Felt::new(4)),
        i(Opcode::Ret),
    ];
    let debug = DebugInfo {
        decorators: vec![
            (7, Decorator::DebugLocal(Some(1), None)),
            (7, Decorator::DebugLocal(None, None)),
        ],
        procedures: vec![vm_core::ProcedureInfo {
            name: "f".into(),
            start: 2,
            end: 10,
            num_locals: 4,
        }],
        ..Default::default()
    };
    let p = Program::new(code, debug).unwrap();
    let mut h = Recorder::default();
    let opts = ExecutionOptions::default().with_debug(true);
    execute(
        &p,
        StackInputs::default(),
        AdviceInputs::default(),
        &mut h,
        opts,
    )
    .unwrap();
    assert_eq!(
        h.debug,
        vec![
            "locals[1..=1] = [9]".to_string(),
            "locals[0..=3] = [0, 9, 0, 0]".to_string()
        ]
    );
}

// ---- what the tracing executor records -----------------------------------------------------

fn traced(p: &Program, stack: &[u64], advice: AdviceInputs) -> (ExecutionOutput, ExecutionTrace) {
    let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
    execute_traced(
        p,
        inputs,
        advice,
        &mut DefaultHost,
        ExecutionOptions::default(),
    )
    .unwrap()
}

#[test]
fn chiplet_requests_are_recorded_per_kind() {
    use crate::trace::{
        BitwiseOp, BitwiseRequest, HasherRequest, MemoryAccess, MerkleOp, RangeCheck,
    };
    let f = Felt::new;
    // Hasher: one permutation.
    let input: Vec<u64> = (1..=12).collect();
    let (_, t) = traced(
        &prog(vec![i(Opcode::Hperm)]),
        &input,
        AdviceInputs::default(),
    );
    let state: [Felt; 12] = core::array::from_fn(|k| f(k as u64 + 1));
    let mut out = state;
    hash::permute(&mut out);
    assert_eq!(
        t.hasher,
        vec![HasherRequest::Permutation {
            clk: 0,
            input: state,
            output: out
        }]
    );
    assert!(t.memory.is_empty() && t.range.is_empty() && t.bitwise.is_empty());

    // Hasher: Merkle paths (MPVERIFY one, MRUPDATE two with the same siblings).
    let leaves: Vec<Word> = (0..8).map(|k| w(10 * k)).collect();
    let mut adv = AdviceInputs::default();
    let root = adv.add_merkle_tree(&leaves);
    let path = vec![
        leaves[4],
        hash::merge(&leaves[6], &leaves[7]),
        hash::merge(
            &hash::merge(&leaves[0], &leaves[1]),
            &hash::merge(&leaves[2], &leaves[3]),
        ),
    ];
    let stack = merkle_stack(leaves[5], 3, 5, root, w(1000));
    let (_, t) = traced(
        &prog(vec![i(Opcode::Noop), i(Opcode::Mpverify)]),
        &stack,
        adv.clone(),
    );
    let verify = HasherRequest::MerklePath {
        clk: 1,
        op: MerkleOp::Verify,
        depth: 3,
        index: 5,
        node: leaves[5],
        path: path.clone(),
        root,
    };
    assert_eq!(t.hasher, vec![verify]);
    let (out, t) = traced(&prog(vec![i(Opcode::Mrupdate)]), &stack, adv);
    let mut new_leaves = leaves.clone();
    new_leaves[5] = w(1000);
    let new_root = AdviceInputs::default().add_merkle_tree(&new_leaves);
    let req = |op, node, root| HasherRequest::MerklePath {
        clk: 0,
        op,
        depth: 3,
        index: 5,
        node,
        path: path.clone(),
        root,
    };
    assert_eq!(
        t.hasher,
        vec![
            req(MerkleOp::UpdateOld, leaves[5], root),
            req(MerkleOp::UpdateNew, w(1000), new_root)
        ]
    );
    assert_eq!(out.stats.hasher, 48);

    // Memory: a word written (s0 = 4, the last input, to the highest address), an element
    // read back.
    let p = prog(vec![
        im(Opcode::Push, 8),
        i(Opcode::Mstorew),
        im(Opcode::Push, 9),
        i(Opcode::Mload),
    ]);
    let (_, t) = traced(&p, &[1, 2, 3, 4], AdviceInputs::default());
    let acc = |addr, clk, value, write| MemoryAccess {
        ctx: 0,
        addr,
        clk,
        value: f(value),
        write,
    };
    assert_eq!(
        t.memory,
        vec![
            acc(8, 1, 1, true),
            acc(9, 1, 2, true),
            acc(10, 1, 3, true),
            acc(11, 1, 4, true),
            acc(9, 3, 2, false),
        ]
    );

    // Range checks: the two 32-bit values of each u32 operation, as 16-bit limbs.
    let a = 0x1234_5678_u64;
    let b = 0xffff_fff0_u64;
    let p = prog(vec![
        im(Opcode::Push, a),
        im(Opcode::Push, b),
        i(Opcode::U32add),
        i(Opcode::Drop),
        im(Opcode::Push, b),
        i(Opcode::U32sub),
        i(Opcode::Drop),
        im(Opcode::Push, 7),
        i(Opcode::U32div),
        im(Opcode::Push, 5),
        i(Opcode::U32assert2),
    ]);
    let (out, t) = traced(&p, &[], AdviceInputs::default());
    let s = a + b;
    let lo = s & 0xffff_ffff;
    let d = lo.wrapping_sub(b) & 0xffff_ffff;
    let (q, r) = (d / 7, d % 7);
    assert_eq!(
        t.range,
        vec![
            RangeCheck::of(2, lo, s >> 32),
            RangeCheck::of(5, d, 0),
            RangeCheck::of(8, d - q, 7 - r - 1),
            RangeCheck::of(10, 5, r),
        ]
    );
    assert_eq!(t.range[0].limbs, [0x5668, 0x1234, 1, 0]);
    // The statistics count the AIR's range lookups per operation (`OpInfo`): U32ADD and
    // U32SUB 8, U32DIV 10, U32ASSERT2 4.
    assert_eq!(out.stats.range, 8 + 8 + 10 + 4);

    // Bitwise.
    let p = prog(vec![
        im(Opcode::Push, 0b1100),
        im(Opcode::Push, 0b1010),
        i(Opcode::U32and),
        im(Opcode::Push, 0b0110),
        i(Opcode::U32xor),
    ]);
    let (_, t) = traced(&p, &[], AdviceInputs::default());
    assert_eq!(
        t.bitwise,
        vec![
            BitwiseRequest {
                clk: 2,
                op: BitwiseOp::And,
                a: 0b1100,
                b: 0b1010,
                result: 0b1000
            },
            BitwiseRequest {
                clk: 4,
                op: BitwiseOp::Xor,
                a: 0b1000,
                b: 0b0110,
                result: 0b1110
            },
        ]
    );
    assert!(t.hasher.is_empty() && t.memory.is_empty() && t.range.is_empty());
}

#[test]
fn table_registers_follow_the_stack_and_the_frames() {
    use crate::trace::TableOp::{Keep, Pop, Push};
    let f = Felt::new;
    // 0 PUSH.5, 1 CALL.5, 2 DROP, 3 HALT, 4 HALT (padding), 5 REPEAT.2, 6 DUP0, 7 NEXT.6,
    // 8 RET.
    let code = vec![
        im(Opcode::Push, 5),
        im(Opcode::Call, 5),
        i(Opcode::Drop),
        i(Opcode::Halt),
        i(Opcode::Halt),
        im(Opcode::Repeat, 2),
        i(Opcode::Dup0),
        im(Opcode::Next, 6),
        i(Opcode::Ret),
    ];
    let p = Program::new(code, DebugInfo::default()).unwrap();
    let (out, t) = traced(&p, &(1..=16).collect::<Vec<_>>(), AdviceInputs::default());
    assert_eq!(out.final_depth, 18);
    let regs: Vec<_> = t
        .rows
        .iter()
        .map(|r| {
            let tb = r.tables;
            (
                r.pc,
                r.depth,
                r.ovf_ptr.as_int(),
                (tb.overflow, tb.overflow_value.as_int(), tb.control),
                (r.ctop.as_int(), r.ckind.as_int(), r.cptr.as_int()),
            )
        })
        .collect();
    assert_eq!(
        regs,
        vec![
            // (The inputs put 16 on top, 1 in s15.) PUSH saves s15 = 1 at address 1.
            (0, 16, 0, (Push, 0, Keep), (0, 0, 0)),
            // CALL: a frame returning to 2, at address 2.
            (1, 17, 1, (Keep, 0, Push), (0, 0, 0)),
            // REPEAT: a loop frame of 2 iterations at address 3.
            (5, 17, 1, (Keep, 0, Push), (2, 1, 2)),
            // DUP0 saves s15 = 2 at address 4.
            (6, 17, 1, (Push, 0, Keep), (2, 0, 3)),
            (7, 18, 4, (Keep, 0, Keep), (2, 0, 3)),
            // DUP0 saves s15 = 3 at address 6.
            (6, 18, 4, (Push, 0, Keep), (1, 0, 3)),
            (7, 19, 6, (Keep, 0, Pop), (1, 0, 3)),
            (8, 19, 6, (Keep, 0, Pop), (2, 1, 2)),
            // DROP at depth 19 refills s15 from the newest row (3 at address 6).
            (2, 19, 6, (Pop, 3, Keep), (0, 0, 0)),
            (3, 18, 4, (Keep, 0, Keep), (0, 0, 0)),
        ]
    );
    // What HALT leaves for the drain, oldest first.
    assert_eq!(t.overflow_at_halt, vec![(f(1), f(1)), (f(4), f(2))]);
}

// ---- the steppable processor (feature `testing`) -------------------------------------------

mod stepping {
    use super::*;
    use crate::testing::{Frame, Phase, Process, State};
    use vm_core::FieldElement;

    /// Programs over calls, loops, both memory contexts, deep stacks and the hasher.
    fn programs() -> Vec<(Program, Vec<u64>, AdviceInputs)> {
        let callctx = vec![
            im(Opcode::Push, 7),
            im(Opcode::Push, 0),
            i(Opcode::Mstore),
            im(Opcode::Push, 42),
            im(Opcode::CallCtx, 9),
            im(Opcode::Push, 0),
            i(Opcode::Mload),
            i(Opcode::Halt),
            i(Opcode::Halt),
            // f at 9: deeper, then back to depth 16.
            im(Opcode::Push, 5),
            im(Opcode::Push, 1),
            i(Opcode::Mstore),
            i(Opcode::Drop),
            i(Opcode::Ret),
        ];
        let loops = vec![
            im(Opcode::Repeat, 3),
            im(Opcode::Call, 6),
            im(Opcode::Next, 1),
            i(Opcode::Hperm),
            i(Opcode::Halt),
            i(Opcode::Halt),
            // g at 6
            i(Opcode::Dup3),
            im(Opcode::Muli, 3),
            i(Opcode::Ret),
        ];
        let leaves: Vec<Word> = (0..4).map(|k| w(10 * k)).collect();
        let mut adv = AdviceInputs::default();
        let root = adv.add_merkle_tree(&leaves);
        adv.stack = vec![Felt::new(9), Felt::new(8)];
        let merkle = vec![
            i(Opcode::Mrupdate),
            i(Opcode::Advpop),
            i(Opcode::Advpop),
            i(Opcode::U32and),
        ];
        vec![
            (
                Program::new(callctx, DebugInfo::default()).unwrap(),
                vec![],
                AdviceInputs::default(),
            ),
            (
                Program::new(loops, DebugInfo::default()).unwrap(),
                (1..=16).collect(),
                AdviceInputs::default(),
            ),
            (
                prog(merkle),
                merkle_stack(leaves[2], 2, 2, root, w(100)),
                adv,
            ),
        ]
    }

    fn inputs(v: &[u64]) -> StackInputs {
        StackInputs::try_from_ints(v.iter().copied()).unwrap()
    }

    #[test]
    fn a_hooked_run_that_changes_nothing_is_execute_traced() {
        for (p, stack, adv) in programs() {
            let want = execute_traced(
                &p,
                inputs(&stack),
                adv.clone(),
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
            .unwrap();
            let mut host = DefaultHost;
            let mut proc = Process::new(
                &p,
                inputs(&stack),
                adv,
                &mut host,
                ExecutionOptions::default(),
            );
            // Every hook takes the state apart and puts it back.
            let mut calls = 0;
            proc.run(|_, _, _, st: &mut State| {
                calls += 1;
                assert_eq!(st.overflow.len(), st.overflow_addrs.len());
                assert_eq!(st.control.len(), st.control_addrs.len());
            })
            .unwrap();
            assert!(proc.ignored_failures().is_empty());
            let got = proc.finish();
            assert_eq!(got, want, "{}", p.disassemble());
            assert_eq!(calls, 2 * want.1.rows.len() - 1);
        }
    }

    #[test]
    fn a_lie_is_followed_honestly() {
        // `push.3 push.4 add mul.5`: ADD claims 8; MUL.5 goes on from it.
        let p = prog(vec![
            im(Opcode::Push, 3),
            im(Opcode::Push, 4),
            i(Opcode::Add),
            im(Opcode::Muli, 5),
        ]);
        let mut host = DefaultHost;
        let mut proc = Process::new(
            &p,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut host,
            ExecutionOptions::default(),
        );
        proc.run(|phase, _, ins, st| {
            if phase == Phase::After && ins.op == Opcode::Add {
                st.top[0] += Felt::ONE;
            }
        })
        .unwrap();
        let (out, trace) = proc.finish();
        assert_eq!(out.stack.as_ints()[0], 40);
        assert_eq!(trace.rows[3].stack[0], Felt::new(8));
        // A frame pushed by a hook gets this cycle's address and is popped by RET.
        let code = vec![i(Opcode::Noop), i(Opcode::Ret), i(Opcode::Halt)];
        let p = Program::new(code, DebugInfo::default()).unwrap();
        let mut proc = Process::new(
            &p,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut host,
            ExecutionOptions::default(),
        );
        proc.run(|phase, clk, _, st| {
            if phase == Phase::After && clk == 0 {
                st.control.push(Frame::Call(2));
            }
        })
        .unwrap();
        let (_, trace) = proc.finish();
        let r = trace.rows[1];
        assert_eq!(
            (r.ctop, r.ckind, r.cptr),
            (Felt::new(2), Felt::ONE, Felt::ONE)
        );
        assert_eq!(trace.rows[2].pc, 2);
    }

    #[test]
    fn a_liar_goes_on_past_the_checks_its_formulas_do_not_need() {
        // `push.2 if.true` (JMPZ on 2), NOT on 2, ASSERT on 0, u32 add of 2^32.
        let p = prog(vec![
            im(Opcode::Push, 2),
            im(Opcode::Jmpz, 3),
            im(Opcode::Push, 2),
            i(Opcode::Not),
            i(Opcode::Eqz),
            i(Opcode::Assert),
            im(Opcode::Push, 1 << 32),
            im(Opcode::Push, 1),
            i(Opcode::U32add),
        ]);
        let strict = execute(
            &p,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut DefaultHost,
            ExecutionOptions::default(),
        );
        assert_eq!(
            kind(strict),
            ErrorKind::NotBinary {
                value: Felt::new(2)
            }
        );
        let mut host = DefaultHost;
        let mut proc = Process::new(
            &p,
            StackInputs::default(),
            AdviceInputs::default(),
            &mut host,
            ExecutionOptions::default(),
        )
        .ignoring_failed_checks();
        proc.run(|_, _, _, _| {}).unwrap();
        let kinds: Vec<ErrorKind> = proc
            .ignored_failures()
            .iter()
            .map(|e| e.kind.clone())
            .collect();
        let f = Felt::new;
        assert_eq!(
            kinds,
            vec![
                ErrorKind::NotBinary { value: f(2) },
                ErrorKind::NotBinary { value: f(2) },
                ErrorKind::FailedAssertion {
                    message: None,
                    value: f(0)
                },
                ErrorKind::NotU32 {
                    value: f(1 << 32),
                    message: None
                },
            ]
        );
        // JMPZ on 2 falls through; NOT 2 = -1; u32add computes on the integers.
        let (out, trace) = proc.finish();
        assert_eq!(trace.rows[2].pc, 2);
        assert_eq!(trace.rows[4].stack[0], -Felt::ONE);
        assert_eq!(out.stack.as_ints()[..2], [1, 1]);
    }
}
