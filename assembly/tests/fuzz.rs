//! No input makes the assembler panic: random bytes and random token soups.

use proptest::prelude::*;
use vm_assembly::Assembler;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let src = String::from_utf8_lossy(&bytes);
        let _ = Assembler::new().assemble_source("fuzz.masm", &src);
    }

    #[test]
    fn random_token_soup_never_panics(toks in proptest::collection::vec(prop_oneof![
        Just("begin"), Just("end"), Just("proc.a"), Just("proc.b.4"), Just("proc c"), Just("pub proc d"),
        Just("exec.a"), Just("call.b"), Just("exec.c"), Just("exec.::std::sys::truncate_stack"),
        Just("if.true"), Just("if.false"), Just("else"), Just("while.true"), Just("repeat.3"),
        Just("repeat.N"), Just("push.1"), Just("push.N"), Just("push.W"), Just("loc_load.0"),
        Just("loc_store.3"), Just("dup.3"), Just("dup.16"), Just("add"), Just("use.std::sys"),
        Just("use.std::sys->s"), Just("use.x"), Just("const.N=1"), Just("const.W=[1,2,3,4]"),
        Just("const.E=\"e\""), Just("const.M=N*2//(N+1)"), Just("exec.sys::truncate_stack"),
        Just("exec.s::nope"), Just("."), Just("::"), Just("0x"), Just("->"), Just("="),
        Just("assert.err=\"m\""), Just("assert.err=E"), Just("export.c"), Just("export.s::truncate_stack"),
        Just("u32wrapping_add.5"), Just("mem_storew.4"), Just("adv.push_mapval"), Just("debug.stack"),
        Just("debug.mem.1.2"), Just("emit.1"), Just("trace.2"), Just("syscall.a"), Just("procref.a"),
        Just("\"q\""), Just("\"unterminated"), Just("@"), Just("#! doc\n"), Just("# c\n"),
        Just("push.0x0100000000000000020000000000000003000000000000000400000000000000"),
    ], 0..48)) {
        let _ = Assembler::new().assemble_source("fuzz.masm", &toks.join(" "));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "begin {} nop {} end",
        "if.true ".repeat(100_000),
        "end ".repeat(100_000)
    );
    let e = Assembler::new()
        .assemble_source("t.masm", &deep)
        .unwrap_err();
    assert!(e.to_string().contains("nesting deeper than"), "{e}");
    let parens = format!(
        "const.A={}1{} begin end",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert!(Assembler::new().assemble_source("t.masm", &parens).is_err());
    let long = format!("const.A=1{} begin end", "+1".repeat(100_000));
    assert!(Assembler::new().assemble_source("t.masm", &long).is_err());
    let ok = format!("const.A=1{} begin push.A end", "+1".repeat(150));
    assert!(Assembler::new().assemble_source("t.masm", &ok).is_ok());
    // Moderate nesting is fine.
    let ok = format!(
        "begin {} nop {} end",
        "if.true ".repeat(100),
        "end ".repeat(100)
    );
    assert!(Assembler::new().assemble_source("t.masm", &ok).is_ok());
}
