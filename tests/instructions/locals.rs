//! Procedure locals (io_operations.md: loc_load, loc_loadw, loc_store, loc_storew,
//! locaddr). Locals live at 2^30 and up in the current context; a procedure with N locals
//! (rounded up to a multiple of 4) owns the N addresses below the frame pointer.

use crate::common::*;

const FMP: u64 = 1 << 30;

#[test]
fn store_and_load_single_locals() {
    let src = "proc.f.4
        loc_store.0 loc_store.3
        loc_load.0 loc_load.3 add
        loc_load.3
    end
    begin exec.f end";
    // [x, y] -> local0 = x, local3 = y -> [y, x + y]
    check(src, &[5, P - 1], 2, &[P - 1, fadd(5, P - 1)]);
}

#[test]
fn store_and_load_words() {
    let src = "proc.f.8
        loc_storew.4 dropw
        padw loc_loadw.4
        padw loc_loadw.0
    end
    begin exec.f end";
    // loc_storew keeps the word; the other local word is whatever memory held (zero here,
    // since nothing wrote it).
    check(src, &[1, 2, 3, 4], 4, &[0, 0, 0, 0, 1, 2, 3, 4]);
    // loc_storew reverses like mem_storew: s0 goes to local[i + 3].
    let src = "proc.f.4 loc_storew.0 dropw loc_load.3 loc_load.0 end begin exec.f end";
    check(src, &[1, 2, 3, 4], 4, &[4, 1]);
}

#[test]
fn locaddr_is_the_absolute_address() {
    let src = "proc.f.4 locaddr.0 locaddr.3 end begin exec.f end";
    check(src, &[], 0, &[FMP + 3, FMP]);
    // loc_store.i and mem_load(locaddr.i) see the same cell.
    let src = "proc.f.4 push.99 loc_store.2 locaddr.2 mem_load end begin exec.f end";
    check(src, &[], 0, &[99]);
    // Written through the address, read as a local.
    let src = "proc.f.4 push.42 locaddr.1 mem_store loc_load.1 end begin exec.f end";
    check(src, &[], 0, &[42]);
}

#[test]
fn nested_frames_do_not_overlap() {
    // Frames are rounded up to a multiple of 4: with 4 and 8 locals the addresses are exact.
    let src = "proc.inner.8 locaddr.0 locaddr.7 push.7 loc_store.0 end
        proc.outer.4 push.5 loc_store.0 exec.inner loc_load.0 locaddr.0 end
        begin exec.outer end";
    check(src, &[], 0, &[FMP, 5, FMP + 11, FMP + 4]);
    // With 1 and 2 locals only the frame boundaries are specified: the outer local lies in
    // the outer frame [FMP, FMP + 4), the inner ones in [FMP + 4, FMP + 8). (Miden puts a
    // procedure's locals at the top of its rounded frame, this VM at the bottom.)
    let src = "proc.inner.2 locaddr.0 locaddr.1 push.7 loc_store.0 end
        proc.outer.1 push.5 loc_store.0 exec.inner loc_load.0 locaddr.0 end
        begin exec.outer end";
    let out = ok(src, &[], &[]);
    assert!((FMP..FMP + 4).contains(&out[0]), "{out:?}");
    assert_eq!(out[1], 5);
    assert!((FMP + 4..FMP + 8).contains(&out[2]), "{out:?}");
    assert_eq!(
        out[3] + 1,
        out[2],
        "consecutive locals, consecutive addresses"
    );
    // The frame is released on return: a second call gets the same addresses.
    let src = "proc.f.4 locaddr.0 end begin exec.f exec.f end";
    check(src, &[], 0, &[FMP, FMP]);
}

#[test]
fn locals_survive_loops_and_calls() {
    let src = "proc.g.4 push.1000 loc_store.0 end
        proc.f.4
            push.0 loc_store.0
            repeat.10 loc_load.0 add.3 loc_store.0 exec.g end
            loc_load.0
        end
        begin exec.f end";
    check(src, &[], 0, &[30]);
}

#[test]
fn bad_local_indices_are_rejected() {
    rejected("proc.f.4 loc_load.4 end begin exec.f end");
    rejected("proc.f.4 loc_store.4 end begin exec.f end");
    rejected("proc.f.4 locaddr.4 end begin exec.f end");
    rejected("proc.f.8 loc_loadw.2 end begin exec.f end");
    rejected("proc.f.4 loc_storew.4 end begin exec.f end");
    rejected("proc.f loc_load.0 end begin exec.f end");
    rejected("begin loc_load.0 end");
}
