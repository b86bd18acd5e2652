//! Front-end tests: parsing, diagnostics (rendered), module resolution and linking.

use proptest::prelude::*;
use vm_assembly::Assembler;
use vm_core::Opcode;

fn render(r: &miette::Report) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, r.as_ref())
        .unwrap();
    s
}

fn err(src: &str) -> String {
    let e = Assembler::new()
        .assemble_source("t.masm", src)
        .expect_err("should fail");
    render(&e)
}

fn ops(src: &str) -> Vec<Opcode> {
    let p = Assembler::new()
        .assemble_source("t.masm", src)
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    p.code().iter().map(|i| i.op).collect()
}

#[test]
fn every_syntactic_form_parses() {
    let src = r#"
#! Module doc.
use.std::sys
use.std::sys->system
const.A=2
const.B=A*3+1
const.C=(B-1)//2
const.ERR="custom failure"
#! Doc of a procedure.
proc.helper.3
    loc_store.0 loc_load.0
end
proc bar
    push.0x10 push.0b11 add drop
end
begin
    push.1.2.3 push.B push.C drop drop drop drop drop
    if.true exec.helper else nop end
    if.false nop end
    push.1
    while.true push.0 end
    repeat.4 push.1 drop end
    exec.bar
    exec.system::truncate_stack
    exec.::std::sys::truncate_stack
    push.1 assert.err="must be one"
    push.1 assert.err=ERR
    debug.stack adv.push_mapval emit.3 trace.1
end
"#;
    let code = ops(src);
    assert!(code.contains(&Opcode::Halt));
}

#[test]
fn repeat_is_a_counted_loop_not_unrolled() {
    let code = ops("begin repeat.21356 push.1 drop end end");
    assert_eq!(
        code,
        vec![
            Opcode::Repeat,
            Opcode::Push,
            Opcode::Drop,
            Opcode::Next,
            Opcode::Halt
        ]
    );
}

#[test]
fn only_reachable_procedures_are_linked_once() {
    let p = Assembler::new()
        .assemble_source(
            "t.masm",
            "proc.a push.1 end proc.unused push.2 end begin exec.a exec.a end",
        )
        .unwrap();
    let names: Vec<_> = p
        .debug()
        .procedures
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, vec!["#main".to_string(), "#exec::a".to_string()]);
}

#[test]
fn same_source_same_hash_and_different_source_different_hash() {
    let a = Assembler::new()
        .assemble_source("a.masm", "begin push.1 add end")
        .unwrap();
    let b = Assembler::new()
        .assemble_source("b.masm", "begin\n  push.1\n  add\nend")
        .unwrap();
    let c = Assembler::new()
        .assemble_source("c.masm", "begin push.2 add end")
        .unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_ne!(a.hash(), c.hash());
}

#[test]
fn user_library_modules_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("mylib");
    std::fs::create_dir_all(lib.join("math")).unwrap();
    std::fs::write(
        lib.join("math/ops.masm"),
        "export.double dup add end proc.private nop end",
    )
    .unwrap();
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let p = asm
        .assemble_source(
            "t.masm",
            "use.mylib::math::ops begin push.3 exec.ops::double end",
        )
        .unwrap();
    assert!(p
        .debug()
        .procedures
        .iter()
        .any(|p| p.name == "mylib::math::ops::double"));
    let e = render(
        &asm.assemble_source("t.masm", "use.mylib::math::ops begin exec.ops::private end")
            .unwrap_err(),
    );
    assert!(e.contains("not exported"), "{e}");
    let e = render(
        &asm.assemble_source("t.masm", "use.mylib::math::nope begin exec.nope::x end")
            .unwrap_err(),
    );
    assert!(e.contains("unknown module `mylib::math::nope`"), "{e}");
}

#[test]
fn diagnostic_lexer_error() {
    let e = err("begin\n  push.1 @ add\nend");
    assert!(e.contains("unexpected character `@`"), "{e}");
    assert!(e.contains("t.masm:2:10"), "{e}");
}

#[test]
fn diagnostic_unterminated_string() {
    let e = err("begin\n  assert.err=\"oops\nend");
    assert!(e.contains("unterminated string"), "{e}");
}

#[test]
fn diagnostic_parse_error_says_what_was_expected() {
    let e = err("begin\n  push.1\n");
    assert!(e.contains("unexpected end of file"), "{e}");
    assert!(e.contains("`end`"), "{e}");
}

#[test]
fn diagnostic_unknown_instruction_with_suggestion() {
    let e = err("begin\n  u32wraping_add\nend");
    assert!(e.contains("unknown instruction `u32wraping_add`"), "{e}");
    assert!(e.contains("did you mean `u32wrapping_add`?"), "{e}");
    assert!(e.contains("t.masm:2:3"), "{e}");
    assert!(e.contains("2 │   u32wraping_add"), "{e}");
}

#[test]
fn diagnostic_unknown_procedure_and_module() {
    let e = err("proc.helper nop end begin exec.helpr end");
    assert!(e.contains("unknown procedure `helpr`"), "{e}");
    assert!(e.contains("did you mean `helper`?"), "{e}");
    let e = err("begin exec.nomod::x end");
    assert!(e.contains("unknown module alias `nomod`"), "{e}");
    let e = err("use.std::nothing begin exec.nothing::x end");
    assert!(e.contains("unknown module `std::nothing`"), "{e}");
}

#[test]
fn diagnostic_immediates_out_of_range() {
    assert!(err("begin dup.16 end").contains("out of range"));
    assert!(err("begin push.18446744069414584321 end").contains("out of range"));
    let e = err("begin repeat.0 nop end end");
    assert!(e.contains("repeat count out of range"), "{e}");
    assert!(err("begin push.99999999999999999999999 end").contains("invalid literal"));
}

#[test]
fn diagnostic_duplicates() {
    assert!(
        err("proc.a nop end proc.a nop end begin exec.a end").contains("duplicate procedure `a`")
    );
    assert!(err("const.A=1 const.A=2 begin push.A end").contains("duplicate constant `A`"));
}

#[test]
fn diagnostic_recursion_direct_and_indirect() {
    let e = err("proc.a exec.a end begin exec.a end");
    assert!(e.contains("recursive procedure call"), "{e}");
    let e = err("proc.a exec.b end proc.b exec.c end proc.c exec.a end begin exec.a end");
    assert!(e.contains("recursive procedure call"), "{e}");
    assert!(e.contains("->"), "{e}");
}

#[test]
fn diagnostic_locals_without_declaration() {
    let e = err("proc.a loc_load.0 end begin exec.a end");
    assert!(e.contains("declares none"), "{e}");
    let e = err("begin loc_store.0 end");
    assert!(e.contains("declares none"), "{e}");
}

#[test]
fn diagnostic_export_in_program_and_missing_body() {
    assert!(err("export.a nop end begin exec.a end").contains("`export` in an executable program"));
    assert!(err("proc.a nop end").contains("no `begin ... end` body"));
}

#[test]
fn diagnostic_refused_instructions() {
    assert!(err("begin clk end").contains("not supported"));
    assert!(err("proc.a nop end begin procref.a end").contains("not supported"));
}

#[test]
fn several_errors_are_reported_at_once() {
    let e = err("begin\n  foo\n  dup.99\n  bar\nend");
    assert!(
        e.contains("`foo`") && e.contains("`bar`") && e.contains("dup"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let src = String::from_utf8_lossy(&bytes);
        let _ = Assembler::new().assemble_source("fuzz.masm", &src);
    }

    #[test]
    fn random_token_soup_never_panics(toks in proptest::collection::vec(prop_oneof![
        Just("begin"), Just("end"), Just("proc.a"), Just("proc.b.4"), Just("exec.a"), Just("call.b"),
        Just("if.true"), Just("else"), Just("while.true"), Just("repeat.3"), Just("push.1"),
        Just("loc_load.0"), Just("dup.3"), Just("add"), Just("use.std::sys"), Just("const.X=1"),
        Just("push.X"), Just("exec.sys::truncate_stack"), Just("."), Just("::"), Just("0x"),
        Just("assert.err=\"m\""), Just("export.c"), Just("u32wrapping_add.5"), Just("mem_storew.4"),
    ], 0..40)) {
        let _ = Assembler::new().assemble_source("fuzz.masm", &toks.join(" "));
    }
}
