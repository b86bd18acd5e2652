//! Procedure invocation (execution_contexts.md): `exec` runs in the caller's context; `call`
//! runs in a new context with fresh memory, sees only the top 16 stack elements, and must
//! return with a stack depth of exactly 16.

use crate::common::*;

#[test]
fn exec_shares_stack_and_memory() {
    let src = "proc.double dup add end
        proc.quad exec.double exec.double end
        begin exec.quad end";
    check(src, &[3, 9], 1, &[12]);
    let src = "proc.w push.5 mem_store.0 end begin push.7 mem_store.0 exec.w mem_load.0 end";
    check(src, &[], 0, &[5]);
    // exec can leave a different depth.
    let src = "proc.many push.1 push.2 push.3 end begin exec.many sdepth end";
    check(src, &[], 0, &[19, 3, 2, 1]);
}

#[test]
fn call_has_its_own_memory() {
    // A callee must return at depth 16, hence the `swap drop` after a net push.
    let src = "proc.w push.5 mem_store.0 mem_load.0 swap drop end
        begin push.7 mem_store.0 call.w mem_load.0 end";
    assert_eq!(ok(src, &[], &[])[..3], [7, 5, 0]);
    // A new context starts with zero memory, even where the caller wrote.
    let src = "proc.r mem_load.0 swap drop end begin push.7 mem_store.0 call.r end";
    assert_eq!(ok(src, &[3], &[])[..2], [0, 0]);
    // Two calls get two fresh contexts.
    let src = "proc.inc mem_load.0 add.1 dup mem_store.0 swap drop end
        begin call.inc movdn.2 call.inc end";
    assert_eq!(ok(src, &[], &[])[..3], [1, 0, 1]);
    // The caller's memory is untouched by the callee's writes.
    let src = "proc.w push.5 mem_store.0 end
        begin push.7 mem_store.0 call.w mem_load.0 end";
    check(src, &[], 0, &[7]);
}

#[test]
fn call_passes_the_top_16_and_hides_the_rest() {
    // Before the call: [300, 200, 100, S1 .. S16] at depth 19; the callee sees depth 16.
    let f = "proc.f sdepth add end";
    let src = format!("{f} begin push.100 push.200 push.300 call.f end");
    let out = ok(&src, &with_sentinels(&[]), &[]);
    let mut want = vec![316, 200, 100];
    want.extend(&SENTINELS[..13]);
    assert_eq!(out.to_vec(), want);
    // After the return the depth is 19 again and the hidden elements are back.
    let src = format!("{f} begin push.100 push.200 push.300 call.f sdepth end");
    assert_eq!(ok(&src, &[], &[])[..4], [19, 316, 200, 100]);
    let src = format!("{f} begin push.100 push.200 push.300 call.f drop drop drop end");
    assert_eq!(ok(&src, &with_sentinels(&[]), &[]), SENTINELS);
    // The callee cannot reach the hidden elements: dropping shifts in zeros.
    let src = "proc.g dropw dropw dropw dropw end
        begin push.100 push.200 push.300 call.g dropw dropw dropw dropw end";
    let out = ok(src, &with_sentinels(&[]), &[]);
    let mut want = SENTINELS[13..].to_vec();
    want.resize(16, 0);
    assert_eq!(out.to_vec(), want);
}

#[test]
fn call_must_return_with_depth_16() {
    let src = "proc.f push.1 end begin call.f end";
    fails_with(src, &[], &[], "InvalidReturnDepth");
    // Dropping below 16 inside the callee is fine: the depth stays 16.
    let src = "proc.f drop drop end begin call.f end";
    check(src, &[1, 2, 3], 2, &[]);
}

#[test]
fn call_has_its_own_locals_frame() {
    let src = "proc.g.4 locaddr.0 swap drop end
        proc.f.4 call.g locaddr.0 end
        begin exec.f end";
    // Both frames start at 2^30 in their own context.
    let out = ok(src, &[], &[]);
    assert_eq!(out[..2], [1 << 30, 1 << 30]);
}

#[test]
fn nested_exec_and_call() {
    let src = "proc.leaf mul.2 end
        proc.mid exec.leaf call.leaf end
        proc.top call.mid exec.mid end
        begin exec.top end";
    check(src, &[1], 1, &[16]);
}

#[test]
fn recursion_and_unknown_procedures_are_rejected() {
    rejected("proc.f exec.f end begin exec.f end");
    rejected("proc.f exec.g end proc.g exec.f end begin exec.f end");
    rejected("begin exec.nope end");
    rejected("begin call.nope end");
}

#[test]
fn exec_and_call_into_a_user_library() {
    // DIR/math.masm is the module `mylib::math` when DIR is named `mylib`.
    let root = tempfile::tempdir().unwrap();
    let lib = root.path().join("mylib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(
        lib.join("math.masm"),
        "proc.square dup mul end\nexport.sum_of_squares exec.square swap exec.square add end\n",
    )
    .unwrap();
    let program = vm::assembly::Assembler::new()
        .with_library_dir(&lib)
        .unwrap()
        .assemble_source(
            "main.masm",
            "use.mylib::math\nbegin exec.math::sum_of_squares call.math::sum_of_squares end",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    let out = vm::processor::execute(
        &program,
        vm::StackInputs::try_from_ints([5, 3, 4]).unwrap(),
        Default::default(),
        &mut vm::processor::DefaultHost,
        Default::default(),
    )
    .unwrap();
    // [4, 3, 5] -> 16 + 9 = 25 -> [25, 5] -> 625 + 25 = 650
    assert_eq!(out.stack.as_ints()[..2], [650, 0]);
    // A private procedure of the module is not visible from outside.
    let r = vm::assembly::Assembler::new()
        .with_library_dir(&lib)
        .unwrap()
        .assemble_source("main.masm", "use.mylib::math\nbegin exec.math::square end");
    let err = r.expect_err("a private procedure is not callable from outside");
    assert!(
        err.to_string().contains("is not exported"),
        "wrong error: {err}"
    );
}
