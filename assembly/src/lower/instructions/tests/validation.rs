//! Argument validation: arity, ranges, kinds, locals, refused instructions.

use vm_core::MODULUS;

use super::super::{lower_instruction, Emitted};
use super::{instruction_names, lower_in, Imm, LowerContext, LowerError, CTX};

const P: u64 = MODULUS;
const U32: u64 = 1 << 32;

fn err(src: &str) -> LowerError {
    lower_in(src, &CTX).expect_err(src)
}

fn err_args(name: &str, args: &[Imm], ctx: &LowerContext) -> LowerError {
    let mut out: Vec<Emitted> = Vec::new();
    lower_instruction(name, args, None, ctx, &mut out).expect_err(name)
}

fn out_of_range(src: &str, index: usize) {
    match err(src) {
        LowerError::ImmOutOfRange { index: i, .. } => assert_eq!(i, index, "{src}"),
        e => panic!("{src}: expected ImmOutOfRange, got {e:?}"),
    }
}

fn wrong_count(src: &str) {
    assert!(
        matches!(err(src), LowerError::WrongArgCount { .. }),
        "{src}: {:?}",
        err(src)
    );
}

#[test]
fn every_instruction_rejects_too_many_immediates() {
    let args = vec![Imm::Int(1); 17];
    for (_, name) in instruction_names() {
        let e = err_args(name, &args, &CTX);
        assert!(
            matches!(
                e,
                LowerError::WrongArgCount { found: 17, .. } | LowerError::Refused { .. }
            ),
            "{name}: {e:?}"
        );
    }
}

#[test]
fn field_immediates() {
    for name in [
        "add", "sub", "mul", "div", "eq", "neq", "lt", "lte", "gt", "gte", "exp",
    ] {
        out_of_range(&format!("{name}.{P}"), 0);
        out_of_range(&format!("{name}.{}", u64::MAX), 0);
        wrong_count(&format!("{name}.1.2"));
        assert!(
            lower_in(&format!("{name}.{}", P - 1), &CTX).is_ok(),
            "{name}"
        );
        let e = err_args(name, &[Imm::Word([1, 2, 3, 4])], &CTX);
        assert!(
            matches!(e, LowerError::BadImm { index: 0, .. }),
            "{name}: {e:?}"
        );
    }
    for name in ["add", "sub", "mul", "div", "eq", "lt"] {
        let e = err_args(name, &[Imm::Ident("FOO".into())], &CTX);
        assert!(
            matches!(e, LowerError::BadImm { index: 0, .. }),
            "{name}: {e:?}"
        );
    }
    out_of_range("div.0", 0);
    out_of_range("exp.u65", 0);
    out_of_range("exp.foo", 0);
    out_of_range("exp.u", 0);
    assert!(lower_in("exp.u64", &CTX).is_ok());
    assert!(lower_in("exp.u0", &CTX).is_ok());
    for name in [
        "neg",
        "inv",
        "pow2",
        "ilog2",
        "not",
        "and",
        "or",
        "xor",
        "eqw",
        "is_odd",
        "assert",
        "assertz",
        "assert_eq",
        "assert_eqw",
        "ext2add",
        "ext2sub",
        "ext2mul",
        "ext2neg",
        "ext2inv",
        "ext2div",
    ] {
        wrong_count(&format!("{name}.1"));
    }
}

#[test]
fn u32_immediates() {
    for name in [
        "u32overflowing_add",
        "u32wrapping_add",
        "u32overflowing_sub",
        "u32wrapping_sub",
        "u32overflowing_mul",
        "u32wrapping_mul",
        "u32div",
        "u32mod",
        "u32divmod",
        "u32and",
        "u32or",
        "u32xor",
        "u32not",
        "u32lt",
        "u32lte",
        "u32gt",
        "u32gte",
        "u32min",
        "u32max",
    ] {
        out_of_range(&format!("{name}.{U32}"), 0);
        assert!(
            lower_in(&format!("{name}.{}", U32 - 1), &CTX).is_ok(),
            "{name}"
        );
        wrong_count(&format!("{name}.1.2"));
    }
    for name in ["u32div", "u32mod", "u32divmod"] {
        out_of_range(&format!("{name}.0"), 0);
    }
    for name in ["u32shl", "u32shr", "u32rotl", "u32rotr"] {
        out_of_range(&format!("{name}.32"), 0);
        assert!(lower_in(&format!("{name}.31"), &CTX).is_ok());
        assert!(lower_in(&format!("{name}.0"), &CTX).is_ok());
    }
    for name in [
        "u32test",
        "u32testw",
        "u32assert",
        "u32assert2",
        "u32assertw",
        "u32cast",
        "u32split",
        "u32overflowing_add3",
        "u32wrapping_add3",
        "u32overflowing_madd",
        "u32wrapping_madd",
        "u32popcnt",
        "u32clz",
        "u32ctz",
        "u32clo",
        "u32cto",
    ] {
        wrong_count(&format!("{name}.1"));
    }
}

#[test]
fn stack_indices() {
    for (name, lo, hi) in [
        ("dup", 0, 15),
        ("dupw", 0, 3),
        ("swap", 1, 15),
        ("swapw", 1, 3),
        ("movup", 2, 15),
        ("movdn", 2, 15),
        ("movupw", 2, 3),
        ("movdnw", 2, 3),
    ] {
        for ok in lo..=hi {
            assert!(
                lower_in(&format!("{name}.{ok}"), &CTX).is_ok(),
                "{name}.{ok}"
            );
        }
        out_of_range(&format!("{name}.{}", hi + 1), 0);
        if lo > 0 {
            out_of_range(&format!("{name}.{}", lo - 1), 0);
        }
        wrong_count(&format!("{name}.{lo}.{lo}"));
    }
    for name in ["movup", "movdn", "movupw", "movdnw"] {
        wrong_count(name);
    }
    for name in ["dup", "dupw", "swap", "swapw"] {
        assert!(lower_in(name, &CTX).is_ok());
    }
    out_of_range("dup.16", 0);
    for name in [
        "drop", "dropw", "padw", "swapdw", "cswap", "cswapw", "cdrop", "cdropw",
    ] {
        wrong_count(&format!("{name}.1"));
    }
}

#[test]
fn io_immediates_and_locals() {
    wrong_count("push");
    let many: Vec<String> = (0..17).map(|i| i.to_string()).collect();
    wrong_count(&format!("push.{}", many.join(".")));
    assert!(lower_in(&format!("push.{}", many[..16].join(".")), &CTX).is_ok());
    out_of_range(&format!("push.1.{P}"), 1);
    let e = err_args("push", &[Imm::Word([1, 2, P, 4])], &CTX);
    assert!(
        matches!(e, LowerError::ImmOutOfRange { index: 0, .. }),
        "{e:?}"
    );
    let e = err_args("push", &[Imm::Int(1), Imm::Ident("X".into())], &CTX);
    assert!(matches!(e, LowerError::BadImm { index: 1, .. }), "{e:?}");
    out_of_range("adv_push.0", 0);
    out_of_range("adv_push.17", 0);
    wrong_count("adv_push");
    assert!(lower_in("adv_push.16", &CTX).is_ok());
    for name in ["mem_load", "mem_loadw", "mem_store", "mem_storew"] {
        out_of_range(&format!("{name}.{U32}"), 0);
        wrong_count(&format!("{name}.1.2"));
    }
    for name in ["sdepth", "adv_loadw", "adv_pipe", "mem_stream"] {
        wrong_count(&format!("{name}.1"));
    }
    // Locals: N = 8 in CTX.
    for name in ["locaddr", "loc_load", "loc_store"] {
        assert!(lower_in(&format!("{name}.7"), &CTX).is_ok());
        assert_eq!(
            err(&format!("{name}.8")),
            LowerError::LocalOutOfRange {
                index: 0,
                local: 8,
                num_locals: 8
            }
        );
        wrong_count(name);
    }
    for name in ["loc_loadw", "loc_storew"] {
        assert!(lower_in(&format!("{name}.4"), &CTX).is_ok());
        out_of_range(&format!("{name}.2"), 0);
        assert_eq!(
            err(&format!("{name}.8")),
            LowerError::LocalOutOfRange {
                index: 0,
                local: 8,
                num_locals: 8
            }
        );
        wrong_count(name);
    }
    for ctx in [
        LowerContext {
            num_locals: None,
            debug_mode: true,
        },
        LowerContext {
            num_locals: Some(0),
            debug_mode: false,
        },
    ] {
        for name in [
            "locaddr",
            "loc_load",
            "loc_loadw",
            "loc_store",
            "loc_storew",
        ] {
            assert_eq!(
                err_args(name, &[Imm::Int(0)], &ctx),
                LowerError::NoLocals,
                "{name}"
            );
        }
    }
    out_of_range("loc_load.65536", 0);
}

#[test]
fn system_immediates() {
    out_of_range(&format!("emit.{U32}"), 0);
    out_of_range(&format!("trace.{U32}"), 0);
    wrong_count("emit");
    wrong_count("trace");
    out_of_range("debug.stack.256", 0);
    out_of_range(&format!("debug.mem.{U32}"), 0);
    out_of_range("debug.mem.5.4", 1);
    out_of_range("debug.local.65536", 0);
    out_of_range("debug.local.3.2", 1);
    out_of_range("debug.adv_stack.65536", 0);
    wrong_count("debug.mem.1.2.3");
    wrong_count("debug.stack.1.2");
    out_of_range("adv.push_mapval.13", 0);
    out_of_range("adv.push_mapvaln.13", 0);
    for name in [
        "adv.has_mapkey",
        "adv.push_mtnode",
        "adv.push_u64div",
        "adv.push_smtpeek",
        "adv.push_falcon_div",
        "adv.insert_mem",
        "adv.insert_hdword",
        "adv.insert_hdword_d",
        "adv.insert_hperm",
        "nop",
        "breakpoint",
        "hperm",
        "hmerge",
        "hash",
        "mtree_get",
        "mtree_set",
        "mtree_merge",
        "mtree_verify",
    ] {
        wrong_count(&format!("{name}.1"));
    }
}

#[test]
fn refused_instructions() {
    for name in [
        "clk",
        "caller",
        "dynexec",
        "dyncall",
        "fri_ext2fold4",
        "horner_eval_base",
        "horner_eval_ext",
        "arithmetic_circuit_eval",
        "eval_circuit",
    ] {
        assert!(matches!(err(name), LowerError::Refused { .. }), "{name}");
    }
}

#[test]
fn debug_decorators_only_in_debug_mode() {
    let quiet = LowerContext {
        num_locals: Some(4),
        debug_mode: false,
    };
    for src in [
        "debug.stack",
        "debug.stack.4",
        "debug.mem",
        "debug.mem.1",
        "debug.mem.1.5",
        "debug.local",
        "debug.local.1.2",
        "debug.adv_stack.3",
        "breakpoint",
    ] {
        assert!(lower_in(src, &quiet).unwrap().is_empty(), "{src}");
        assert_eq!(lower_in(src, &CTX).unwrap().len(), 1, "{src}");
        assert!(
            matches!(lower_in(src, &CTX).unwrap()[0], Emitted::Decorator(_)),
            "{src}"
        );
    }
    // Arguments are checked even when the decorator is dropped.
    assert!(lower_in("debug.stack.300", &quiet).is_err());
    // trace is kept in both modes.
    assert_eq!(lower_in("trace.3", &quiet).unwrap().len(), 1);
}
