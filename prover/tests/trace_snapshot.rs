//! The built main trace of a few honest programs, as digests: a change to what the trace
//! builder writes (a column, a row, the randomness it draws) fails here. The digests were
//! first taken from the builder that derived the overflow and control tables itself, and
//! reading them from the processor's records kept the trace bit-identical; they were taken
//! again when the chiplet region's layout changed (selector and round-flag columns, the
//! multiplicities in the hasher's helper cells) and `repeat` started unrolling its body, and
//! again when the memory proofs added the context, frame-pointer and frame-flag columns, the
//! memory selector and the range checker's section, when the bitwise chiplet added its
//! selector column (which moves the permutation block one column right), and again when
//! the u32 proofs added four helper columns (their limbs, which the range checker's table
//! now counts), and again when the hash requests added their selector column (which moves
//! the permutation block one column right) and the shape reserved a row past the chiplet
//! region, and again when the decoder's 8 + 16 one-hot flags became 15 two-hot ones (and
//! the program hash absorbs the opcodes' two-hot encodings).

use rand::{rngs::StdRng, SeedableRng};
use vm_air::preset;
use vm_core::{Felt, StackInputs};
use vm_processor::{execute_traced, AdviceInputs, DefaultHost, ExecutionOptions};
use winter_prover::Trace;

/// (source, stack inputs, advice stack): loops, calls, both table pushes and pops, the
/// helpers (EQ, EQZ, EXPACC, NEXT), advice, and runs that end deeper than 16 (drained).
const PROGRAMS: &[(&str, &[u64], &[u64])] = &[
    ("begin repeat.5 swap dup.1 add end end", &[0, 1], &[]),
    ("begin push.7 mul neg inv add.1 add.3 mul.5 dup.0 eq eq.0 not push.1 and push.0 or drop end", &[3, 4], &[]),
    ("begin push.3 push.5 exp.u8 ext2mul drop drop ext2mul end", &[2, 3, 4, 5], &[]),
    ("begin movup.5 movdn.7 swapw swapw.2 swapw.3 swapdw dup.13 movup.15 movdn.15 drop end", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], &[]),
    ("begin push.1 cswap push.0 cswapw push.1 cswapw sdepth padw drop drop drop dropw end", &[1, 2, 3, 4, 5, 6, 7, 8, 9], &[]),
    ("proc.f add end proc.g exec.f dup.0 exec.f end begin repeat.3 push.1 push.2 exec.g end push.1 if.true push.9 else push.8 end push.0 if.true push.9 else push.8 end end", &[1], &[]),
    ("begin adv_loadw dropw adv_push.1 while.true adv_push.1 end push.1 assert end", &[], &[5, 6, 7, 8, 1, 1, 0]),
    ("begin repeat.20 push.1 end repeat.19 drop end end", &[], &[]),
    ("proc.c push.3 end proc.b exec.c push.2 end proc.a exec.b push.1 end begin exec.a push.0 repeat.3 dup.0 end end", &[9], &[]),
    ("begin u32split u32overflowing_add u32overflowing_add3 u32overflowing_sub u32overflowing_mul u32overflowing_madd u32divmod.7 u32assert2 end", &[1, 2, 3, 4, (9 << 32) | 77], &[]),
];

/// FNV-1a over every main column, column by column.
fn digest(cols: &winter_prover::matrix::ColMatrix<Felt>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in 0..cols.num_cols() {
        for v in cols.get_column(c) {
            for b in v.as_int().to_le_bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    h
}

fn digests() -> Vec<u64> {
    PROGRAMS
        .iter()
        .map(|(src, stack, advice)| {
            let p = vm_assembly::Assembler::new()
                .assemble_source("snapshot.masm", src)
                .unwrap_or_else(|e| panic!("{e:?}"));
            let inputs = StackInputs::try_from_ints(stack.iter().copied()).unwrap();
            let adv = AdviceInputs {
                stack: advice.iter().map(|v| Felt::new(*v)).collect(),
                ..Default::default()
            };
            let (out, exec) = execute_traced(
                &p,
                inputs,
                adv,
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{src}: {e}"));
            let mut rng = StdRng::seed_from_u64(11);
            let trace = vm_prover::trace::build(
                &p,
                &exec,
                out.final_depth,
                preset::default_preset(),
                &mut rng,
            );
            digest(trace.main_segment())
        })
        .collect()
}

#[test]
fn built_traces_match_their_snapshots() {
    let want: &[u64] = &[
        17185155517353970564,
        9293564459339796996,
        2640977736173014299,
        12498580628296881338,
        2642687367352534340,
        15414254746398038681,
        4584720750063357960,
        4379294898792739534,
        2674108944787419161,
        9941553555104491017,
    ];
    assert_eq!(digests(), want);
}
