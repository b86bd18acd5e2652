//! Source-level advice-map declarations (`adv_map.NAME=[...]`, `adv_map.NAME(KEY)=[...]`, as
//! in Miden 0.17): parsing, the derived key (the native hash of the values), the constant
//! `NAME` holding the key, the entries reaching the advice map before the first cycle, the
//! advice map surviving `.vmb` serialization without changing the program hash, conflicts
//! with the advice inputs, and the diagnostics of bad declarations.

mod cli_support;
#[path = "instructions/common.rs"]
mod common;

use common::*;
use vm::assembly::Assembler;
use vm::processor::{word_key, AdviceInputs};
use vm_core::{hash, Felt, Program};

fn assemble(src: &str) -> Program {
    Assembler::new()
        .assemble_source("t.masm", src)
        .unwrap_or_else(|e| panic!("{}", render(&e)))
}

fn render(r: &miette::Report) -> String {
    let mut s = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(200)
        .render_report(&mut s, r.as_ref())
        .expect("renders");
    s
}

/// The rendered diagnostic of `src` (as `t.masm`), which must fail to assemble.
fn err(src: &str) -> String {
    let e = Assembler::new()
        .assemble_source("t.masm", src)
        .expect_err("should fail to assemble");
    render(&e)
}

#[track_caller]
fn assert_has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "missing {p:?} in:\n{text}");
    }
}

/// Miden 0.17's own CLI test program (`tests/integration/cli/data/adv_map.masm`), verbatim:
/// a derived key, a hex key and a `[a, b, c, d]` key.
const MIDEN_CLI_TEST: &str = "adv_map.A=[2,5]
adv_map.B(0x0200000000000000030000000000000004000000000000000500000000000000)=[3]
adv_map.C([3,4,5,6])=[4]

begin
  push.A
  adv.push_mapval
  adv_push.1
  push.2
  assert_eq
  dropw

  push.0x0200000000000000030000000000000004000000000000000500000000000000
  adv.push_mapval
  adv_push.1
  push.3
  assert_eq
  dropw

  push.C
  adv.push_mapval
  adv_push.1
  push.4
  assert_eq
  dropw
end
";

#[test]
fn midens_cli_test_program_runs() {
    let out = ok(MIDEN_CLI_TEST, &[], &[]);
    assert_eq!(out, [0; 16]);
}

#[test]
fn the_derived_key_is_the_native_hash_of_the_values() {
    let key = hash::hash_elements(&[Felt::new(2), Felt::new(5)]);
    let by_name = ok("adv_map.A=[2,5]\nbegin push.A end", &[], &[]);
    let by_hex = ok(
        &format!("begin push.{} end", hash::word_to_hex(&key)),
        &[],
        &[],
    );
    assert_eq!(by_name, by_hex);
    // The entry is in the program, under that key.
    let p = assemble("adv_map.A=[2,5]\nbegin push.A adv.push_mapval dropw end");
    assert_eq!(p.advice_map().len(), 1);
    assert_eq!(p.advice_map()[0].key, key);
    assert_eq!(p.advice_map()[0].values, vec![Felt::new(2), Felt::new(5)]);
    assert_eq!(p.advice_map()[0].name, "#exec::A");
    // An empty list of values is allowed; its key is the hash of nothing.
    let p = assemble("adv_map.E=[]\nbegin push.E adv.push_mapvaln dropw adv_push.1 end");
    assert_eq!(p.advice_map()[0].key, hash::hash_elements(&[]));
    assert_eq!(
        ok(
            "adv_map.E=[]\nbegin push.E adv.push_mapvaln dropw adv_push.1 end",
            &[],
            &[]
        )[0],
        0
    );
}

#[test]
fn an_explicit_key_is_read_with_push_mapval() {
    // Hex key: four elements, eight little-endian bytes each, as `push.0x...` reads it.
    let src =
        "adv_map.K(0x0100000000000000020000000000000003000000000000000400000000000000)=[7, 8, 9]
begin push.1.2.3.4 adv.push_mapval dropw adv_push.3 end";
    let out = ok(src, &[], &[]);
    assert_eq!(&out[..3], &[9, 8, 7]);
    let p = assemble(src);
    assert_eq!(p.advice_map()[0].key, [1, 2, 3, 4].map(Felt::new));
    // The same key as a word literal, and the constant `K` pushes it.
    let src = "adv_map.K([1,2,3,4])=[7, 8, 9]
begin push.K adv.push_mapval dropw adv_push.3 end";
    assert_eq!(&ok(src, &[], &[])[..3], &[9, 8, 7]);
    assert_eq!(
        ok("adv_map.K([1,2,3,4])=[7]\nbegin push.K end", &[], &[]),
        ok("begin push.1.2.3.4 end", &[], &[])
    );
    // Hex values, values up to p - 1.
    let src = format!(
        "adv_map.K([1,2,3,4])=[0x01, {}]\nbegin push.K adv.push_mapvaln dropw adv_push.3 end",
        P - 1
    );
    assert_eq!(&ok(&src, &[], &[])[..3], &[P - 1, 1, 2]);
}

#[test]
fn several_entries_and_has_mapkey() {
    let src = "adv_map.A=[1]
adv_map.B=[1, 2]
adv_map.C([9, 9, 9, 9])=[10, 20, 30, 40, 50]
const.D=7
begin
  push.C adv.push_mapvaln dropw adv_push.6
  push.B adv.push_mapvaln dropw adv_push.3
  push.A adv.push_mapval dropw adv_push.1
  push.A adv.has_mapkey dropw adv_push.1
  push.1.1.1.1 adv.has_mapkey dropw adv_push.1
  push.D
end";
    let out = ok(src, &[], &[]);
    // Top first: D, has(1.1.1.1)=0, has(A)=1, A's value, B's [n, v0, v1], C's [n, v0..v4].
    assert_eq!(
        &out[..16],
        &[7, 0, 1, 1, 2, 1, 2, 50, 40, 30, 20, 10, 5, 0, 0, 0]
    );
    assert_eq!(assemble(src).advice_map().len(), 3);
}

#[test]
fn the_advice_map_is_not_hashed_and_survives_serialization() {
    let with = assemble("adv_map.A=[2,5]\nbegin push.1 drop end");
    let other = assemble("adv_map.A=[2,6]\nbegin push.1 drop end");
    let without = assemble("begin push.1 drop end");
    assert_eq!(with.hash(), without.hash());
    assert_eq!(with.hash(), other.hash());
    assert_ne!(with.advice_map(), other.advice_map());
    let back = Program::from_bytes(&with.to_bytes()).expect("reads back");
    assert_eq!(back, with);
    assert_eq!(back.advice_map(), with.advice_map());
}

#[test]
fn advice_inputs_under_the_same_key() {
    let src = "adv_map.K([1,2,3,4])=[7, 8]\nbegin push.K adv.push_mapvaln dropw adv_push.3 end";
    let key = word_key(&[1, 2, 3, 4].map(Felt::new));
    // The same values: accepted.
    let mut advice = AdviceInputs::default();
    advice.map.insert(key, felts(&[7, 8]));
    assert_eq!(&run_adv(src, &[], advice).unwrap()[..3], &[8, 7, 2]);
    // Other values: an error before the first cycle.
    let mut advice = AdviceInputs::default();
    advice.map.insert(key, felts(&[7, 9]));
    let e = run_adv(src, &[], advice).unwrap_err();
    assert!(e.starts_with("AdviceMapConflict"), "{e}");
    assert!(e.contains("#exec::K"), "{e}");
    // Inputs under other keys are kept alongside.
    let mut advice = AdviceInputs::default();
    advice
        .map
        .insert(word_key(&[5, 5, 5, 5].map(Felt::new)), felts(&[3]));
    let src2 = "adv_map.K([1,2,3,4])=[7]\nbegin push.5.5.5.5 adv.push_mapval dropw adv_push.1 push.K adv.push_mapval dropw adv_push.1 end";
    assert_eq!(&run_adv(src2, &[], advice).unwrap()[..2], &[7, 3]);
}

#[test]
fn entries_of_library_modules_join_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("mylib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(
        lib.join("data.masm"),
        "adv_map.T([1,1,1,1])=[42, 43]\nexport.key\n  push.T\nend\n",
    )
    .unwrap();
    let asm = Assembler::new().with_library_dir(&lib).unwrap();
    let src = "use.mylib::data\nbegin exec.data::key adv.push_mapval dropw adv_push.2 end";
    let p = asm.assemble_source("t.masm", src).unwrap();
    assert_eq!(p.advice_map().len(), 1);
    assert_eq!(p.advice_map()[0].name, "mylib::data::T");
    let out = vm::processor::execute(
        &p,
        Default::default(),
        AdviceInputs::default(),
        &mut vm::processor::DefaultHost,
        Default::default(),
    )
    .unwrap();
    assert_eq!(&out.stack.as_ints()[..2], &[43, 42]);
    // The same key in the program with the same values: one entry.
    let same = "use.mylib::data\nadv_map.U([1,1,1,1])=[42, 43]\nbegin exec.data::key dropw end";
    assert_eq!(
        asm.assemble_source("t.masm", same)
            .unwrap()
            .advice_map()
            .len(),
        1
    );
    // With other values: a diagnostic at the library's entry naming the program's (the
    // program's entries come first).
    let clash = "use.mylib::data\nadv_map.U([1,1,1,1])=[1]\nbegin exec.data::key dropw end";
    let e = render(&asm.assemble_source("t.masm", clash).unwrap_err());
    assert_has(
        &e,
        &[
            "is defined by `#exec::U` with other values",
            "data.masm:1:1",
            "conflicting entry",
        ],
    );
}

#[test]
fn diagnostics_of_bad_declarations() {
    // A value that is not a field element.
    let e = err(&format!("adv_map.A=[1, {P}]\nbegin push.A end"));
    assert_has(
        &e,
        &[
            "advice-map values are field elements",
            "t.masm:1:15",
            "not a field element",
        ],
    );
    let e = err("adv_map.A=[1, [1,2,3,4]]\nbegin end");
    assert_has(&e, &["t.masm:1:15"]);
    // A hex key that is not a word.
    let e = err("adv_map.A(0x1234)=[1]\nbegin push.A end");
    assert_has(
        &e,
        &[
            "invalid advice-map key: `0x1234` is not a word (64 hex digits)",
            "t.masm:1:11",
            "help: a key is a word",
        ],
    );
    let e = err("adv_map.A(5)=[1]\nbegin end");
    assert_has(&e, &["invalid advice-map key", "t.masm:1:11"]);
    // A word key with an element >= p, or the wrong length.
    let e = err("begin end\nadv_map.A(0xffffffffffffffff000000000000000000000000000000000000000000000000)=[1]");
    assert_has(&e, &["is not a field element", "t.masm:2:11"]);
    let e = err(&format!("adv_map.A([1, 2, {P}, 4])=[1]\nbegin end"));
    assert_has(&e, &["is not a field element", "t.masm:1:18"]);
    let e = err("adv_map.A([1, 2, 3])=[1]\nbegin end");
    assert_has(
        &e,
        &["a word has 4 elements, this one has 3", "t.masm:1:11"],
    );
    // Two declarations with one name, or a name shared with a constant.
    // (The header gives the first label's location.)
    let dup = [
        "duplicate constant `A`",
        "t.masm:1:9",
        "first defined here",
        "defined again here",
    ];
    assert_has(&err("adv_map.A=[1]\nadv_map.A=[2]\nbegin end"), &dup);
    let e = err("const.A=1\nadv_map.A=[2]\nbegin end");
    assert_has(
        &e,
        &["duplicate constant `A`", "t.masm:1:7", "defined again here"],
    );
    // Names are constant names.
    let e = err("adv_map.a=[2]\nbegin end");
    assert_has(&e, &["t.masm:1:9", "write `A`"]);
    // Two keys alike in one module (explicit, or derived from equal values).
    let e = err("adv_map.A=[1, 2]\nadv_map.B=[1, 2]\nbegin end");
    assert_has(
        &e,
        &[
            "is already defined",
            "t.masm:1:1",
            "first defined here",
            "defined again here",
        ],
    );
    let e = err("adv_map.A([1,2,3,4])=[1]\nadv_map.B(0x0100000000000000020000000000000003000000000000000400000000000000)=[1]\nbegin end");
    assert_has(
        &e,
        &["is already defined", "t.masm:1:1", "defined again here"],
    );
    // Two invalid keys are two errors, not also a duplicate key.
    let e = err("adv_map.A(0x12)=[1]\nadv_map.B(0x34)=[1]\nbegin end");
    assert_has(&e, &["`0x12` is not a word", "`0x34` is not a word"]);
    assert!(!e.contains("already defined"), "{e}");
    // Syntax: the list is bracketed.
    let e = err("adv_map.A=1\nbegin end");
    assert_has(&e, &["t.masm:1:11", "`[`"]);
    // The name `adv_map` is a keyword.
    let e = err("proc.adv_map\nend\nbegin end");
    assert_has(&e, &["unexpected `adv_map`", "t.masm:1:6"]);
}

#[test]
fn stepper_reports_a_conflict_before_the_first_cycle() {
    let p = assemble("adv_map.K([1,2,3,4])=[7]\nbegin push.1 drop end");
    let mut advice = AdviceInputs::default();
    advice
        .map
        .insert(word_key(&[1, 2, 3, 4].map(Felt::new)), felts(&[8]));
    let mut host = vm::processor::DefaultHost;
    let mut s = vm::processor::Stepper::new(
        &p,
        Default::default(),
        advice,
        &mut host,
        Default::default(),
    );
    let e = s.step().unwrap_err();
    assert_eq!(e.clk, 0);
    assert!(
        e.to_string().contains("conflicts with the advice inputs"),
        "{e}"
    );
    s.restart();
    assert!(s.step().is_err());
}

#[test]
fn vm_compile_writes_the_advice_map_and_vm_run_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = cli_support::write(
        dir.path(),
        "p.masm",
        &format!(
            "adv_map.D([8,8,8,8])=[11, 12]\n{}",
            MIDEN_CLI_TEST.replace(
                "  dropw\nend",
                "  dropw\n  push.D adv.push_mapval dropw adv_push.2\nend"
            )
        ),
    );
    let vmb = dir.path().join("p.vmb");
    let o = cli_support::vm(&[
        "compile",
        src.to_str().unwrap(),
        "-o",
        vmb.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", cli_support::stderr(&o));
    let from_source = cli_support::vm(&["run", src.to_str().unwrap()]);
    let from_binary = cli_support::vm(&["run", vmb.to_str().unwrap()]);
    assert!(
        from_binary.status.success(),
        "{}",
        cli_support::stderr(&from_binary)
    );
    let out = cli_support::stdout(&from_binary);
    assert!(out.contains("stack: [12, 11, 0,"), "{out}");
    assert_eq!(out, cli_support::stdout(&from_source));
    // An inputs file mapping D's key to other values: the run fails before its first cycle.
    let inputs = cli_support::write(
        dir.path(),
        "p.inputs",
        &format!(
            "{{\"advice_map\": {{\"{}\": [1]}}}}",
            hash::word_to_hex(&[8, 8, 8, 8].map(Felt::new))
        ),
    );
    let o = cli_support::vm(&["run", vmb.to_str().unwrap(), "-i", inputs.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        cli_support::stderr(&o).contains("#exec::D"),
        "{}",
        cli_support::stderr(&o)
    );
}
