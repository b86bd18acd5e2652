//! Tests of the instruction lowering: expansions (golden tables in `docs/instructions.md`),
//! argument validation, and semantics checked on the processor (`interp`).

mod docs;
mod interp;
mod semantics;
mod validation;

use vm_core::{Felt, Opcode, MODULUS};

use super::builder::felt_text;
use super::{instruction_names, lower_instruction, Emitted, Imm, LowerContext, LowerError};

/// The context most tests use: a procedure with 8 locals, debug mode on.
pub(super) const CTX: LowerContext = LowerContext {
    num_locals: Some(8),
    debug_mode: true,
};

/// Splits test source such as `u32shl.5`, `adv.push_mapval.4` or `exp.u32` into a known
/// instruction name and its immediates (decimal or `0x` hex numbers; other text is an
/// identifier).
pub(super) fn parse(src: &str) -> (String, Vec<Imm>) {
    let parts: Vec<&str> = src.split('.').collect();
    let known = |n: &str| instruction_names().any(|(_, k)| k == n);
    let take = if parts.len() >= 2 && known(&format!("{}.{}", parts[0], parts[1])) {
        2
    } else {
        1
    };
    let name = parts[..take].join(".");
    let args = parts[take..]
        .iter()
        .map(|p| {
            if let Some(h) = p.strip_prefix("0x") {
                Imm::Int(u64::from_str_radix(h, 16).expect("hex"))
            } else if let Ok(v) = p.parse::<u64>() {
                Imm::Int(v)
            } else {
                Imm::Ident(p.to_string())
            }
        })
        .collect();
    (name, args)
}

/// Lowers test source in `ctx`.
pub(super) fn lower_in(src: &str, ctx: &LowerContext) -> Result<Vec<Emitted>, LowerError> {
    let (name, args) = parse(src);
    let mut out = Vec::new();
    lower_instruction(&name, &args, None, ctx, &mut out).map(|_| out)
}

/// Lowers test source in [`CTX`], panicking on error.
pub(super) fn lower(src: &str) -> Vec<Emitted> {
    lower_in(src, &CTX).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

/// Renders an expansion: `PUSH.5 U32ADD DROP`, decorators in braces.
pub(super) fn render(code: &[Emitted]) -> String {
    let parts: Vec<String> = code
        .iter()
        .map(|e| match e {
            Emitted::Op { ins, .. } if ins.op.has_imm() => {
                format!("{}.{}", ins.op.mnemonic(), felt_text(ins.imm))
            }
            Emitted::Op { ins, .. } => ins.op.mnemonic().to_string(),
            Emitted::Jump { ins, target, .. } => format!("{}.@{target}", ins.op.mnemonic()),
            Emitted::Decorator(d) => format!("{{{d:?}}}"),
        })
        .collect();
    parts.join(" ")
}

/// Number of native operations in an expansion (its cycles when it has no loop).
pub(super) fn cycles(code: &[Emitted]) -> usize {
    code.iter()
        .filter(|e| !matches!(e, Emitted::Decorator(_)))
        .count()
}

#[test]
fn every_table_name_is_unique() {
    let mut names: Vec<&str> = instruction_names().map(|(_, n)| n).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate instruction names");
}

#[test]
fn unknown_names_get_the_closest_suggestion() {
    let err = |n: &str| {
        let mut out = Vec::new();
        lower_instruction(n, &[], None, &CTX, &mut out).unwrap_err()
    };
    let sugg = |n: &str| match err(n) {
        LowerError::UnknownInstruction { suggestion } => suggestion,
        e => panic!("{n}: {e:?}"),
    };
    assert_eq!(sugg("u32wraping_add").as_deref(), Some("u32wrapping_add"));
    assert_eq!(sugg("movupp").as_deref(), Some("movup"));
    assert_eq!(sugg("adv.push_mapvl").as_deref(), Some("adv.push_mapval"));
    assert_eq!(sugg("assert_eqq").as_deref(), Some("assert_eq"));
    assert_eq!(sugg("hmerg").as_deref(), Some("hmerge"));
    assert_eq!(sugg("completely_unrelated_thing"), None);
}

#[test]
fn err_messages_go_on_failing_ops_of_assertions_only() {
    let mut out = Vec::new();
    lower_instruction("assert_eqw", &[], Some("boom"), &CTX, &mut out).unwrap();
    for e in &out {
        if let Emitted::Op { ins, message } = e {
            let expect = (ins.op == Opcode::Assert).then(|| "boom".to_string());
            assert_eq!(message, &expect, "{}", ins.op);
        }
    }
    for name in [
        "assert",
        "assertz",
        "assert_eq",
        "u32assert",
        "u32assert2",
        "u32assertw",
        "mtree_verify",
    ] {
        let mut out = Vec::new();
        lower_instruction(name, &[], Some("m"), &CTX, &mut out).unwrap();
        assert!(
            out.iter()
                .any(|e| matches!(e, Emitted::Op { message: Some(m), .. } if m == "m")),
            "{name}"
        );
    }
    // Non-assertions reject `.err=`.
    let mut out = Vec::new();
    let e = lower_instruction("add", &[], Some("m"), &CTX, &mut out).unwrap_err();
    assert!(matches!(e, LowerError::BadImm { index: 0, .. }), "{e:?}");
    assert!(out.is_empty());
    // Without `.err=`, no messages.
    assert!(lower("assert")
        .iter()
        .all(|e| matches!(e, Emitted::Op { message: None, .. })));
}

#[test]
fn failed_lowering_leaves_the_output_untouched() {
    let mut out = vec![Emitted::Op {
        ins: vm_core::Instruction::new(Opcode::Noop),
        message: None,
    }];
    let args = [Imm::Int(1), Imm::Int(MODULUS)];
    assert!(lower_instruction("push", &args, None, &CTX, &mut out).is_err());
    assert_eq!(out.len(), 1);
}

#[test]
fn felt_text_shows_small_negatives() {
    assert_eq!(felt_text(Felt::new(5)), "5");
    assert_eq!(felt_text(-Felt::new(5)), "-5");
}
