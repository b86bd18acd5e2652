//! Every syntactic form of the language assembles, and assembles to what it means.

mod common;

use common::{assemble, err, ops, run};
use vm_core::{Decorator, Opcode};

const P: u64 = 0xffff_ffff_0000_0001;

#[test]
fn a_program_with_every_form() {
    let src = r#"
#! Module doc: ignored.
use.std::sys
use.std::sys->system
const.A=2
const.B=A*3+1          # 7
const.C=(B-1)//2       # 3
const.ERR="custom failure"
const.W=[1,2,3,4]

#! Doc of a procedure.
proc.helper.3
    loc_store.0 loc_load.0
end
proc bar
    push.0x10 push.0b11 add drop
end
proc."quoted name"
    nop
end
begin
    push.1.2.3 push.B push.C drop drop drop drop drop
    if.true exec.helper else nop end
    if.false nop end
    push.1
    while.true push.0 end
    repeat.4 push.1 drop end
    repeat.C nop end
    exec.bar exec."quoted name"
    push.W dropw
    exec.system::truncate_stack
    exec.::std::sys::truncate_stack
    call.bar
    push.1 assert.err="must be one"
    push.1 assert.err=ERR
    debug.stack adv.push_mapval emit.3 trace.1
end
"#;
    let p = assemble(src);
    assert_eq!(p.code().last().map(|i| i.op), Some(Opcode::Ret));
    assert!(p.code().iter().any(|i| i.op == Opcode::Halt));
}

#[test]
fn comments_and_doc_comments_are_ignored() {
    let a = assemble("#! doc\n# comment\nbegin # trailing\n  push.1 #! doc-like\nend # end\n");
    let b = assemble("begin push.1 end");
    assert_eq!(a.hash(), b.hash());
}

#[test]
fn literals_decimal_hex_binary() {
    assert_eq!(
        run("begin push.42 push.0x2a push.0b101010 end", &[], 3),
        vec![42, 42, 42]
    );
    assert_eq!(
        run("begin push.0xFFFFFFFF00000000 end", &[], 1),
        vec![P - 1]
    );
}

#[test]
fn hex_word_literal_is_four_little_endian_elements() {
    // Element i is hex digits 16i..16i+16 read as a little-endian u64; element 0 is pushed
    // first, so element 3 ends on top.
    let word = "0100000000000000".to_string()
        + "0200000000000000"
        + "0300000000000000"
        + "ff00000000000000";
    let src = format!("begin push.0x{word} end");
    assert_eq!(run(&src, &[], 4), vec![0xff, 3, 2, 1]);
}

#[test]
fn push_of_several_values_leaves_the_last_on_top() {
    assert_eq!(run("begin push.1.2.3.4 end", &[], 4), vec![4, 3, 2, 1]);
}

#[test]
fn constants_in_immediates() {
    let src = "const.A=10 const.B=A/2 const.C=A//3 const.D=0-1 const.W=[5,6,7,8] \
               begin push.A push.B push.C push.D push.W end";
    assert_eq!(run(src, &[], 8), vec![8, 7, 6, 5, P - 1, 3, 5, 10]);
    // `u32wrapping_add.N`, `dup.N`, `mem_load.N` take constants too.
    let src = "const.N=2 begin push.7 push.8 push.9 dup.N u32wrapping_add.N end";
    assert_eq!(run(src, &[], 1), vec![9]);
}

#[test]
fn if_true_and_if_false_take_the_right_branch() {
    let src = "begin if.true push.10 else push.20 end end";
    assert_eq!(run(src, &[1], 1), vec![10]);
    assert_eq!(run(src, &[0], 1), vec![20]);
    let src = "begin if.false push.10 else push.20 end end";
    assert_eq!(run(src, &[1], 1), vec![20]);
    assert_eq!(run(src, &[0], 1), vec![10]);
    // The condition is on top, above 5.
    let src = "begin if.false push.10 end end";
    assert_eq!(run(src, &[5, 0], 1), vec![10]);
    assert_eq!(run(src, &[5, 1], 1), vec![5]);
    let src = "begin if.true push.10 end end";
    assert_eq!(run(src, &[5, 1], 1), vec![10]);
    assert_eq!(run(src, &[5, 0], 1), vec![5]);
    let src = "begin if.true else push.10 end end";
    assert_eq!(run(src, &[5, 0], 1), vec![10]);
    assert_eq!(run(src, &[5, 1], 1), vec![5]);
}

#[test]
fn empty_blocks_are_fine() {
    assert_eq!(run("begin if.true else end end", &[7, 1], 1), vec![7]);
    assert_eq!(run("begin if.true end end", &[7, 0], 1), vec![7]);
    assert_eq!(run("begin push.7 repeat.3 end end", &[], 1), vec![7]);
    assert_eq!(
        run("begin push.7 push.0 while.true end end", &[], 1),
        vec![7]
    );
    assert_eq!(ops("begin end"), vec![Opcode::Halt]);
    assert_eq!(
        run("proc.empty end begin push.7 exec.empty end", &[], 1),
        vec![7]
    );
}

#[test]
fn flow_control_lowers_to_jumps_and_counted_loops() {
    use Opcode::*;
    assert_eq!(
        ops("begin if.true push.1 else push.2 end end"),
        vec![Jmpz, Push, Jmp, Push, Halt]
    );
    assert_eq!(ops("begin if.true push.1 end end"), vec![Jmpz, Push, Halt]);
    // Only the 0-branch has code: one conditional jump over it.
    assert_eq!(
        ops("begin if.false push.1 end end"),
        vec![Jmpnz, Push, Halt]
    );
    assert_eq!(
        ops("begin while.true push.0 end end"),
        vec![Jmpz, Pad, Jmpnz, Halt]
    );
    // A small count stays a counted loop; a large one runs 64 copies of a 2-instruction
    // body per iteration (128 instructions per NEXT) and the remainder after the loop.
    assert_eq!(
        ops("begin repeat.127 push.1 drop end end"),
        vec![Repeat, Push, Drop, Next, Halt]
    );
    let p = assemble("begin repeat.21356 push.1 drop end end");
    let copies = |n: usize| [Push, Drop].repeat(n);
    let unrolled = [
        vec![Repeat],
        copies(64),
        vec![Next],
        copies(21356 % 64),
        vec![Halt],
    ];
    assert_eq!(
        ops("begin repeat.21356 push.1 drop end end"),
        unrolled.concat()
    );
    assert_eq!(p.code()[0].imm.as_int(), 21356 / 64);
    assert_eq!(
        p.code()[129].imm.as_int(),
        1,
        "NEXT jumps back to the first copy"
    );
    let p = assemble("begin repeat.5 push.1 end end");
    assert_eq!(p.code()[0].imm.as_int(), 5);
    assert_eq!(p.code()[2].imm.as_int(), 1, "NEXT jumps back to the body");
    let p = assemble("begin while.true push.0 end end");
    assert_eq!(p.code()[0].imm.as_int(), 3, "JMPZ skips the loop");
    assert_eq!(p.code()[2].imm.as_int(), 1, "JMPNZ jumps back to the body");
}

#[test]
fn loops_run() {
    assert_eq!(
        run("begin push.0 repeat.10 add.3 end end", &[], 1),
        vec![30]
    );
    // Count down from 5 with while.true: sum 5+4+3+2+1.
    let src = "begin push.0 push.5 dup neq.0 while.true dup movdn.2 add swap sub.1 dup neq.0 end drop end";
    assert_eq!(run(src, &[], 1), vec![15]);
}

#[test]
fn procedures_with_locals_get_a_frame() {
    use Opcode::*;
    let p = assemble("proc.f.3 loc_store.2 loc_load.2 end begin exec.f end");
    let code: Vec<Opcode> = p.code().iter().map(|i| i.op).collect();
    assert_eq!(code[0..2], [Call, Halt]);
    assert_eq!(code[2], Fmpupdate);
    assert_eq!(p.code()[2].imm.as_int(), 4, "3 locals round up to 4");
    assert_eq!(code[code.len() - 2..], [Fmpupdate, Ret]);
    assert_eq!(p.code()[code.len() - 2].imm.as_int(), P - 4);
    assert_eq!(
        run(
            "proc.f.1 loc_store.0 push.9 loc_load.0 end begin push.4 exec.f end",
            &[],
            2
        ),
        vec![4, 9]
    );
    // A procedure without locals has no frame.
    assert_eq!(ops("proc.f nop end begin exec.f end")[2..], [Noop, Ret]);
}

#[test]
fn exec_is_call_and_call_is_callctx() {
    let p = assemble("proc.f push.1 end begin exec.f call.f end");
    assert_eq!(p.code()[0].op, Opcode::Call);
    assert_eq!(p.code()[1].op, Opcode::CallCtx);
    // Both target the procedure placed after HALT.
    assert_eq!(p.code()[0].imm.as_int(), 3);
    assert_eq!(p.code()[1].imm.as_int(), 3);
}

#[test]
fn namespaced_and_event_instructions() {
    let p = assemble(
        "begin adv.push_mapval adv.insert_hdword debug.stack debug.mem.1.2 trace.7 emit.3 end",
    );
    let decs: Vec<&Decorator> = p.debug().decorators.iter().map(|(_, d)| d).collect();
    assert_eq!(
        decs,
        vec![
            &Decorator::AdvPushMapval(0),
            &Decorator::AdvInsertHdword,
            &Decorator::DebugStack(None),
            &Decorator::DebugMem(Some(1), Some(2)),
            &Decorator::Trace(7),
        ]
    );
    assert_eq!(p.code()[0].op, Opcode::Emit);
}

#[test]
fn new_style_procedure_headers() {
    run("proc foo push.1 end begin exec.foo end", &[], 1);
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib2");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(
        lib.join("m.masm"),
        "export foo push.1 end\npub proc bar push.2 end",
    )
    .unwrap();
    let asm = vm_assembly::Assembler::new()
        .with_library_dir(&lib)
        .unwrap();
    let p = asm
        .assemble_source("t.masm", "use.lib2::m begin exec.m::foo exec.m::bar end")
        .unwrap();
    assert_eq!(p.debug().procedures.len(), 3);
}

#[test]
fn assertion_messages_are_recorded() {
    let p = assemble("const.E=\"from a constant\" begin push.1 assert.err=\"literal\" push.1 assert.err=E push.1 assert end");
    let msgs: Vec<&str> = p.debug().messages.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(msgs, vec!["literal", "from a constant"]);
    assert_eq!(p.message_at(p.debug().messages[0].0), Some("literal"));
}

#[test]
fn syscall_and_procref_are_refused() {
    common::assert_has(
        &err("proc.a nop end begin syscall.a end"),
        &["`syscall` is not supported", "no kernels"],
    );
    common::assert_has(
        &err("proc.a nop end begin procref.a end"),
        &["`procref` is not supported", "MAST"],
    );
}
