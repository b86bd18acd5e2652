//! Procedure locals (io_operations.md: loc_load, loc_loadw, loc_store, loc_storew,
//! locaddr). Locals live at 2^30 and up in the current context. A procedure declaring N
//! locals grows fmp by N rounded up to a multiple of 4 (its frame), and local i is at
//! fmp - N + i with the declared N: Miden v0.16 `assembly/src/assembler.rs`
//! (`compile_procedure`: `num_locals.next_multiple_of(WORD_SIZE)`) and
//! `assembly/src/instruction/mem_ops.rs` (`local_to_absolute_addr`: `FmpAdd(-(N - i))`,
//! indices checked against N).

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
    // With 1 and 2 locals the frames are 4 cells each and the locals are their top cells:
    // the outer local at FMP + 4 - 1, the inner ones at FMP + 8 - 2 and FMP + 8 - 1.
    let src = "proc.inner.2 locaddr.0 locaddr.1 push.7 loc_store.0 end
        proc.outer.1 push.5 loc_store.0 exec.inner loc_load.0 locaddr.0 end
        begin exec.outer end";
    check(src, &[], 0, &[FMP + 3, 5, FMP + 7, FMP + 6]);
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

#[test]
fn locals_are_the_top_cells_of_the_rounded_frame() {
    // 5 locals: the frame is 8 cells (fmp = FMP + 8 inside), local i at fmp - 5 + i.
    let src = "proc.f.5 locaddr.0 locaddr.4 end begin exec.f end";
    check(src, &[], 0, &[FMP + 7, FMP + 3]);
    // 3 locals: frame of 4, locals at FMP + 1 ..= FMP + 3.
    let src = "proc.f.3 locaddr.0 locaddr.2 end begin exec.f end";
    check(src, &[], 0, &[FMP + 3, FMP + 1]);
    // What loc_store writes is at that absolute address, and the cell below the locals
    // (FMP, part of the frame but no local) is untouched.
    let src = "proc.f.3 push.11 loc_store.0 push.12 loc_store.2
            mem_load.1073741825 mem_load.1073741827 mem_load.1073741824
        end
        begin exec.f end";
    check(src, &[], 0, &[0, 12, 11]);
    // The next frame starts above the rounded frame: a callee with 5 locals called from a
    // procedure with 3 has its local 0 at FMP + 4 + 8 - 5.
    let src = "proc.g.5 locaddr.0 end proc.f.3 exec.g locaddr.0 end begin exec.f end";
    check(src, &[], 0, &[FMP + 1, FMP + 7]);
}

#[test]
fn word_locals_need_a_multiple_of_four_locals() {
    // Indices are checked against the declared count (Miden's `local_to_absolute_addr`).
    rejected("proc.f.5 loc_load.5 end begin exec.f end");
    rejected("proc.f.6 locaddr.6 end begin exec.f end");
    rejected("proc.f.5 loc_loadw.4 end begin exec.f end");
    rejected("proc.f.3 loc_storew.0 end begin exec.f end");
    check("proc.f.5 loc_load.4 end begin exec.f end", &[], 0, &[0]);
    // With 5 locals, word local 0 is at fmp - 5, not word-aligned: it assembles (as in
    // Miden) and fails when it runs.
    check_fails(
        "proc.f.5 loc_storew.0 end begin exec.f end",
        &[],
        "UnalignedWordAccess",
    );
    check_fails(
        "proc.f.6 padw loc_loadw.0 end begin exec.f end",
        &[],
        "UnalignedWordAccess",
    );
}
