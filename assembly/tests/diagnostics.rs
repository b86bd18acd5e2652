//! Every diagnostic, rendered as users see it: message, file:line:column, the source line,
//! a label under the culprit, and a help line where one helps.

mod common;

use common::{assert_has, err};
use vm_assembly::{Assembler, AssemblyError, AssemblyErrors};

#[test]
fn bad_character() {
    let e = err("begin\n  push.1 @ add\nend");
    assert_has(
        &e,
        &[
            "unexpected character `@`",
            "t.masm:2:10",
            "2 │   push.1 @ add",
            "╰── not valid here",
        ],
    );
}

#[test]
fn unterminated_string() {
    let e = err("begin\n  assert.err=\"oops\nend");
    assert_has(
        &e,
        &[
            "unterminated string",
            "t.masm:2:14",
            "this string is never closed",
            "help: close the string",
        ],
    );
}

#[test]
fn parse_error_says_what_was_expected() {
    let e = err("begin\n  push.1\n");
    assert_has(
        &e,
        &[
            "unexpected end of file",
            "t.masm:2:9",
            "`end`",
            "is an `end` missing?",
        ],
    );
    let e = err("begin\n  push.1 ) add\nend");
    assert_has(
        &e,
        &[
            "unexpected `)`",
            "t.masm:2:10",
            "help: expected one of:",
            "`end`",
            "a name",
        ],
    );
    let e = err("begin exec. end");
    assert_has(&e, &["unexpected `end`", "a name"]);
}

#[test]
fn syntax_errors_are_all_reported() {
    // The parser recovers at the next statement or top-level form.
    let e = err("proc.a\n  push.1 ) add\nend\nbegin\n  push..2\n  @\n  exec.a\nend");
    assert_has(
        &e,
        &[
            "3 errors found",
            "unexpected `)`",
            "t.masm:2:10",
            "unexpected `.`",
            "t.masm:5:8",
            "unexpected character `@`",
            "t.masm:6:3",
        ],
    );
}

#[test]
fn unknown_instruction_with_suggestion() {
    let e = err("begin\n  u32wraping_add\nend");
    assert_has(
        &e,
        &[
            "unknown instruction `u32wraping_add`",
            "t.masm:2:3",
            "2 │   u32wraping_add",
            "not an instruction",
            "help: did you mean `u32wrapping_add`?",
        ],
    );
    let e = err("begin adv.push_mapvl end");
    assert_has(
        &e,
        &[
            "unknown instruction `adv.push_mapvl`",
            "did you mean `adv.push_mapval`?",
        ],
    );
}

#[test]
fn unknown_procedure_module_alias_and_constant() {
    let e = err("proc.helper nop end\nbegin\n  exec.helpr\nend");
    assert_has(
        &e,
        &[
            "unknown procedure `helpr` in `#exec`",
            "t.masm:3:8",
            "help: did you mean `helper`?",
        ],
    );
    let e = err("use.std::sys\nbegin exec.sys::truncate_stak end");
    assert_has(
        &e,
        &[
            "unknown procedure `truncate_stak` in `std::sys`",
            "did you mean `truncate_stack`?",
        ],
    );
    let e = err("use.std::sys\nbegin\n  exec.sy::truncate_stack\nend");
    assert_has(
        &e,
        &[
            "unknown module alias `sy`",
            "t.masm:3:8",
            "did you mean `sys`?",
        ],
    );
    let e = err("use.std::sis\nbegin exec.sis::x end");
    assert_has(
        &e,
        &[
            "unknown module `std::sis`",
            "t.masm:1:5",
            "module not found",
            "did you mean `std::sys`?",
        ],
    );
    let e = err("begin exec.::std::nothing::x end");
    assert_has(&e, &["unknown module `std::nothing`", "modules come from"]);
    let e = err("const.LIMIT=3\nbegin\n  push.LIMT\nend");
    assert_has(
        &e,
        &[
            "unknown constant `LIMT`",
            "t.masm:3:8",
            "did you mean `LIMIT`?",
        ],
    );
    let e = err("const.A=B+1 begin end");
    assert_has(
        &e,
        &["unknown constant `B`", "not defined before this point"],
    );
    let e = err("begin push.1 assert.err=NOPE end");
    assert_has(&e, &["unknown constant `NOPE`"]);
}

#[test]
fn immediates_out_of_range() {
    let e = err("begin\n  dup.16\nend");
    assert_has(
        &e,
        &[
            "immediate `16` of `dup` is out of range",
            "t.masm:2:7",
            "must be in 0..=15",
        ],
    );
    let e = err("begin push.18446744069414584321 end");
    assert_has(
        &e,
        &["immediate `18446744069414584321` of `push` is out of range"],
    );
    let e = err("begin\n  repeat.0 nop end\nend");
    assert_has(
        &e,
        &[
            "repeat count 0 is out of range",
            "t.masm:2:10",
            "must be between 1 and 4294967295",
        ],
    );
    let e = err("begin repeat.4294967296 nop end end");
    assert_has(&e, &["repeat count 4294967296 is out of range"]);
    let e = err("begin push.99999999999999999999999 end");
    assert_has(
        &e,
        &[
            "invalid literal `99999999999999999999999`",
            "at most 64 bits",
        ],
    );
    let e = err("const.BIG=18446744069414584321 begin end");
    assert_has(
        &e,
        &["constant value `18446744069414584321` is out of range"],
    );
    let e = err("proc.f.65537 nop end begin exec.f end");
    assert_has(&e, &["invalid number of locals `65537`"]);
}

#[test]
fn duplicates() {
    let e = err("proc.a nop end\nproc.a nop end\nbegin exec.a end");
    assert_has(
        &e,
        &[
            "duplicate procedure `a`",
            "t.masm:1:6",
            "first defined here",
            "defined again here",
        ],
    );
    let e = err("const.A=1\nconst.A=2\nbegin push.A end");
    assert_has(
        &e,
        &[
            "duplicate constant `A`",
            "first defined here",
            "defined again here",
        ],
    );
    let e = err("use.std::sys\nuse.std::sys\nbegin end");
    assert_has(&e, &["duplicate import alias `sys`"]);
}

#[test]
fn recursion_names_the_cycle() {
    let e = err("proc.a\n  exec.a\nend\nbegin exec.a end");
    assert_has(
        &e,
        &[
            "recursive procedure call: a -> a",
            "t.masm:2:3",
            "this call closes the cycle",
        ],
    );
    let e = err("proc.a exec.b end proc.b exec.c end proc.c call.a end begin exec.a end");
    assert_has(&e, &["recursive procedure call: a -> b -> c -> a"]);
}

#[test]
fn locals_without_declaration() {
    let e = err("proc.a\n  loc_load.0\nend\nbegin exec.a end");
    assert_has(
        &e,
        &[
            "`loc_load` uses a local, but the enclosing procedure declares none",
            "t.masm:2:3",
            "proc.name.N",
        ],
    );
    assert_has(&err("begin loc_store.0 end"), &["declares none"]);
    assert_has(
        &err("proc.a.4 loc_load.4 end begin exec.a end"),
        &["local 4 is out of range"],
    );
}

#[test]
fn export_in_program_and_missing_body() {
    let e = err("export.a nop end\nbegin exec.a end");
    assert_has(
        &e,
        &[
            "`export` in an executable program: `a`",
            "t.masm:1:8",
            "declare it with `proc.` instead",
        ],
    );
    let e = err("proc.a nop end\n");
    assert_has(
        &e,
        &["the program has no `begin ... end` body", "t.masm:2:1"],
    );
    assert_has(&err(""), &["no `begin ... end` body"]);
    assert_has(
        &err("begin end begin end"),
        &["only one `begin ... end` body"],
    );
}

#[test]
fn import_forms() {
    let e = err("use.sys\nbegin end");
    assert_has(
        &e,
        &[
            "import path `sys` needs a namespace and a module",
            "use.std::sys",
        ],
    );
    assert_has(
        &err("const.lower=1 begin end"),
        &["constant name `lower` must be upper-case", "write `LOWER`"],
    );
}

#[test]
fn conditions_and_named_arguments() {
    assert_has(
        &err("begin if.maybe nop end end"),
        &["unknown condition `maybe`"],
    );
    assert_has(&err("begin while.false nop end end"), &["no `while.false`"]);
    assert_has(
        &err("begin push.1 assert.msg=\"x\" end"),
        &["unknown named argument `msg=`"],
    );
    assert_has(
        &err("begin push.1 add.err=\"x\" end"),
        &["bad immediate for `add`", "only assertions take one"],
    );
    assert_has(
        &err("const.S=\"s\" begin push.S end"),
        &["constant `S` is a string"],
    );
}

#[test]
fn refused_instructions() {
    assert_has(
        &err("begin clk end"),
        &["`clk` is not supported", "Refused instructions"],
    );
    assert_has(&err("begin caller end"), &["`caller` is not supported"]);
    assert_has(&err("begin dynexec end"), &["`dynexec` is not supported"]);
    assert_has(&err("begin dyncall end"), &["`dyncall` is not supported"]);
    assert_has(
        &err("proc.a nop end begin procref.a end"),
        &["`procref` is not supported"],
    );
}

#[test]
fn private_procedure_and_library_body() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("mylib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("a.masm"), "proc.private nop end").unwrap();
    std::fs::write(lib.join("b.masm"), "export.f nop end\nbegin nop end").unwrap();
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let e = common::render(
        &asm.assemble_source("t.masm", "use.mylib::a begin exec.a::private end")
            .unwrap_err(),
    );
    assert_has(&e, &["procedure `private` of `mylib::a` is not exported"]);
    let e = common::render(
        &asm.assemble_source("t.masm", "use.mylib::b begin exec.b::f end")
            .unwrap_err(),
    );
    assert_has(
        &e,
        &[
            "library module `mylib::b` cannot have a `begin ... end` body",
            "b.masm:2:1",
        ],
    );
}

#[test]
fn several_errors_are_reported_at_once() {
    let e = err("begin\n  foo\n  dup.99\n  bar\nend");
    assert_has(
        &e,
        &[
            "3 errors found",
            "unknown instruction `foo`",
            "`dup` is out of range",
            "unknown instruction `bar`",
        ],
    );
}

#[test]
fn errors_are_typed() {
    let r = Assembler::new()
        .assemble_source("t.masm", "begin dup.16 end")
        .unwrap_err();
    assert!(matches!(
        r.downcast_ref::<AssemblyError>(),
        Some(AssemblyError::ImmOutOfRange { name, .. }) if name == "dup"
    ));
    let r = Assembler::new()
        .assemble_source("t.masm", "begin foo bar end")
        .unwrap_err();
    let all = r.downcast_ref::<AssemblyErrors>().expect("several");
    assert_eq!(all.errors.len(), 2);
    let r = Assembler::new()
        .assemble_file("/nonexistent/x.masm")
        .unwrap_err();
    assert!(r.to_string().contains("cannot read /nonexistent/x.masm"));
    assert!(Assembler::new()
        .with_library_dir("/nonexistent/lib")
        .is_err());
}
