//! Module resolution, libraries, reachability, recursion, debug information and hashes.

mod common;

use std::path::{Path, PathBuf};

use common::{assemble, assert_has, err, render, run};
use vm_assembly::Assembler;
use vm_core::{Decorator, Opcode};

/// A library directory `NAME` in a temporary directory with the given files.
fn library(name: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join(name);
    for (path, text) in files {
        let file = lib.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    (dir, lib)
}

fn proc_names(p: &vm_core::Program) -> Vec<String> {
    p.debug()
        .procedures
        .iter()
        .map(|p| p.name.clone())
        .collect()
}

#[test]
fn std_import_alias_and_absolute_path() {
    for src in [
        "use.std::sys begin exec.sys::truncate_stack end",
        "use.std::sys->s begin exec.s::truncate_stack end",
        "begin exec.::std::sys::truncate_stack end",
        "use.std::sys begin call.sys::truncate_stack end",
    ] {
        let p = assemble(src);
        assert_eq!(
            proc_names(&p),
            vec!["#main", "std::sys::truncate_stack"],
            "{src}"
        );
    }
    // The procedure is linked once however it is named.
    let p = assemble(
        "use.std::sys use.std::sys->s begin exec.sys::truncate_stack exec.s::truncate_stack exec.::std::sys::truncate_stack end",
    );
    assert_eq!(proc_names(&p).len(), 2);
    assert_eq!(
        run(
            "use.std::sys begin push.1 push.2 exec.sys::truncate_stack end",
            &[],
            2
        ),
        vec![2, 1]
    );
}

#[test]
fn user_library_modules_resolve_by_path() {
    let (_d, lib) = library(
        "mylib",
        &[
            (
                "math/big.masm",
                "use.mylib::util\nexport.double dup exec.util::add_it end",
            ),
            (
                "util.masm",
                "export.add_it add end\nexport.unused push.9 end",
            ),
        ],
    );
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let p = asm
        .assemble_source(
            "t.masm",
            "use.mylib::math::big begin push.21 exec.big::double end",
        )
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(
        proc_names(&p),
        vec!["#main", "mylib::math::big::double", "mylib::util::add_it"]
    );
    // Files that contributed code, with their text for error messages.
    let files: Vec<&str> = p.debug().files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(
        files[0] == "t.masm" && files[1].ends_with("big.masm") && files[2].ends_with("util.masm")
    );
    let e = render(
        &asm.assemble_source("t.masm", "use.mylib::maths::big begin end")
            .unwrap_err(),
    );
    assert_has(
        &e,
        &[
            "unknown module `mylib::maths::big`",
            "did you mean `mylib::math::big`?",
        ],
    );
    // Without the library, the namespace is unknown.
    assert_has(
        &err("use.mylib::util begin exec.util::add_it end"),
        &["unknown module `mylib::util`"],
    );
}

#[test]
fn library_directory_rules() {
    let (_d, lib) = library("std", &[("x.masm", "export.f nop end")]);
    assert!(
        Assembler::new().with_library_dir(&lib).is_err(),
        "std is reserved"
    );
    let (_d2, lib2) = library("dup", &[("x.masm", "export.f nop end")]);
    let asm = Assembler::new().with_library_dir(&lib2).unwrap();
    assert!(
        asm.with_library_dir(&lib2).is_err(),
        "a namespace is added once"
    );
}

#[test]
fn reexports() {
    let (_d, lib) = library(
        "rx",
        &[
            ("base.masm", "export.inc add.1 end"),
            ("facade.masm", "use.rx::base\nexport.base::inc\nexport.base::inc->plus_one\nexport.::rx::base::inc->abs_inc"),
            ("broken.masm", "use.rx::base\nexport.base::nope"),
        ],
    );
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let p = asm
        .assemble_source(
            "t.masm",
            "use.rx::facade begin push.1 exec.facade::inc exec.facade::plus_one exec.facade::abs_inc end",
        )
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(proc_names(&p), vec!["#main", "rx::base::inc"]);
    let e = render(
        &asm.assemble_source("t.masm", "use.rx::broken begin exec.broken::nope end")
            .unwrap_err(),
    );
    assert_has(
        &e,
        &["unknown procedure `nope` in `rx::base`", "broken.masm:2:8"],
    );
    // Re-exports are exports: not allowed in a program.
    assert_has(
        &err("use.std::sys export.sys::truncate_stack begin end"),
        &["`export` in an executable program"],
    );
}

#[test]
fn only_reachable_procedures_are_linked_once() {
    let p = assemble(
        "proc.a push.1 end proc.unused push.2 end proc.b exec.a end begin exec.a exec.b exec.a end",
    );
    assert_eq!(proc_names(&p), vec!["#main", "#exec::a", "#exec::b"]);
    let info = &p.debug().procedures;
    assert_eq!(
        (info[0].start, info[0].end),
        (0, 4),
        "body: 3 calls and HALT"
    );
    assert_eq!((info[1].start, info[1].end), (4, 6));
    assert_eq!((info[2].start, info[2].end), (6, 8));
    // Unreached procedures of the program are still checked (but not linked).
    assert_has(
        &err("proc.unused foo end begin push.1 end"),
        &["unknown instruction `foo`"],
    );
    assert_has(
        &err("proc.u exec.u end begin end"),
        &["recursive procedure call: u -> u"],
    );
    let p = assemble("use.std::sys proc.unused exec.sys::truncate_stack end begin push.1 end");
    assert_eq!(proc_names(&p), vec!["#main"]);
    assert_eq!(p.debug().files.len(), 1);
}

#[test]
fn recursion_across_modules_is_rejected() {
    let (_d, lib) = library(
        "cyc",
        &[
            ("a.masm", "use.cyc::b\nexport.f exec.b::g end"),
            ("b.masm", "use.cyc::a\nexport.g exec.a::f end"),
        ],
    );
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let e = render(
        &asm.assemble_source("t.masm", "use.cyc::a begin exec.a::f end")
            .unwrap_err(),
    );
    assert_has(
        &e,
        &["recursive procedure call: cyc::a::f -> cyc::b::g -> cyc::a::f"],
    );
}

#[test]
fn spans_point_at_the_source_instruction() {
    let src = "proc.f\n  push.5\nend\nbegin\n  push.1\n  exec.f\n  u32wrapping_add.3\nend\n";
    let p = assemble(src);
    let loc = |addr: u32| {
        let (file, line, col) = p.location_at(addr).expect("located");
        (file.name.clone(), line, col)
    };
    assert_eq!(loc(0), ("t.masm".into(), 5, 3));
    assert_eq!(loc(1), ("t.masm".into(), 6, 3));
    // Every native op of a multi-op expansion maps to the source instruction.
    let halt = p.code().iter().position(|i| i.op == Opcode::Halt).unwrap() as u32;
    for addr in 2..halt {
        assert_eq!(loc(addr), ("t.masm".into(), 7, 3));
    }
    assert_eq!(loc(halt + 1), ("t.masm".into(), 2, 3));
    assert_eq!(
        p.procedure_at(halt + 1).map(|p| p.name.as_str()),
        Some("#exec::f")
    );
}

#[test]
fn decorators_attach_to_the_next_op_in_program_order() {
    let p =
        assemble("begin debug.stack push.1 repeat.2 trace.5 end if.true push.1 debug.mem end end");
    // 0 PUSH, 1 REPEAT, 2 NEXT, 3 JMPZ, 4 PUSH, 5 HALT. debug.stack -> PUSH; trace.5 is
    // the whole loop body -> NEXT; debug.mem ends the then-branch -> HALT.
    let decs: Vec<(u32, &Decorator)> = p.debug().decorators.iter().map(|(a, d)| (*a, d)).collect();
    assert_eq!(decs[0], (0, &Decorator::DebugStack(None)));
    assert_eq!(decs[1], (2, &Decorator::Trace(5)));
    assert_eq!(p.code()[2].op, Opcode::Next);
    assert_eq!(decs[2].0, 5);
    assert_eq!(p.code()[5].op, Opcode::Halt);
    // A procedure ending with a decorator attaches it to RET.
    let p = assemble("proc.f nop debug.stack end begin exec.f end");
    assert_eq!(p.debug().decorators[0].0, 3);
    assert_eq!(p.code()[3].op, Opcode::Ret);
}

#[test]
fn debug_mode_off_drops_debug_decorators_but_not_the_hash() {
    let src = "begin push.1 debug.stack trace.1 end";
    let on = Assembler::new().assemble_source("t.masm", src).unwrap();
    let off = Assembler::new()
        .with_debug_mode(false)
        .assemble_source("t.masm", src)
        .unwrap();
    assert_eq!(on.hash(), off.hash());
    assert!(on
        .debug()
        .decorators
        .iter()
        .any(|(_, d)| matches!(d, Decorator::DebugStack(_))));
    assert!(!off
        .debug()
        .decorators
        .iter()
        .any(|(_, d)| matches!(d, Decorator::DebugStack(_))));
}

#[test]
fn hash_is_deterministic_and_depends_on_the_code() {
    let a = assemble("begin push.1 add end");
    let b = Assembler::new()
        .assemble_source("b.masm", "# other layout\nbegin\n  push.1\n  add\nend")
        .unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_eq!(a.hash(), assemble("begin push.1 add end").hash());
    assert_ne!(a.hash(), assemble("begin push.2 add end").hash());
    assert_ne!(a.hash(), assemble("begin add push.1 end").hash());
    let e1 = assemble("proc.f push.1 end begin exec.f end");
    let e2 = assemble("proc.f push.1 end begin call.f end");
    assert_ne!(e1.hash(), e2.hash());
}

#[test]
fn check_file_and_assemble_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prog.masm");
    std::fs::write(&path, "begin\n  push.1 dup.16\nend\n").unwrap();
    let asm = Assembler::new();
    let e = render(&asm.check_file(&path).unwrap_err());
    assert_has(&e, &["prog.masm:2:14", "dup"]);
    std::fs::write(&path, "begin push.1 end").unwrap();
    asm.check_file(&path).unwrap();
    assert_eq!(asm.assemble_file(Path::new(&path)).unwrap().code().len(), 2);
}
