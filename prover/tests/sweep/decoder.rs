//! Forgeries for the mutation sweep (see `main.rs`): the decoder's flag constraints.
//!
//! Every CPU constraint sees a row's operation only through the products `F_a * F_b` of
//! the *proven* opcodes' flag pairs (`Flags::new`, and the compressed ranges, which are sums
//! of such products), and is linear in them; the bus looks the row's instruction up by the
//! linear sum `sum 2^i F_i`. So a liar who sets the flag columns to values whose products
//! single out one proven operation (or a combination of them) while their linear sum spells
//! another opcode's encoding executes an instruction that is not in the program, and only
//! the decoder constraints that the flag values break see it.
//!
//! Each forgery is a two-instruction program `[op, HALT]` (the attested one) and an
//! executed program of the same shape whose first instruction is the operation the row
//! really performs (so the trace builder's overflow registers and helper agree with it);
//! the liar then rewrites the flag columns of row 0. The bus is rebuilt from the edited
//! trace, and as the pc column is unchanged the program table's multiplicities still match.

use vm_air::{layout::*, ops};
use vm_core::{DebugInfo, Felt, FieldElement, Instruction, Opcode, Program};
use vm_prover::trace::TraceHooksForTesting;
use winter_prover::Trace;

use crate::common::{
    forge::{forge_with, inputs, Forgery},
    run, Phase, State,
};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[
    ("decoder.flag_binary[0]", ONE_NON_BINARY),
    ("decoder.flag_binary[1]", ONE_NON_BINARY),
    ("decoder.flag_binary[2]", ONE_NON_BINARY),
    ("decoder.flag_binary[3]", ONE_NON_BINARY),
    ("decoder.flag_binary[4]", ONE_NON_BINARY),
    ("decoder.flag_binary[5]", ONE_NON_BINARY),
    ("decoder.flag_binary[6]", ONE_NON_BINARY),
    ("decoder.flag_binary[7]", ONE_NON_BINARY),
    ("decoder.flag_binary[8]", ONE_NON_BINARY),
    ("decoder.flag_binary[9]", ONE_NON_BINARY),
    ("decoder.flag_binary[10]", ONE_NON_BINARY),
    ("decoder.flag_binary[11]", ONE_NON_BINARY),
    ("decoder.flag_binary[12]", ONE_NON_BINARY),
    ("decoder.flag_binary[13]", ONE_NON_BINARY),
    ("decoder.flag_binary[14]", ONE_NON_BINARY),
];

/// Why no forgery breaks one flag's binarity alone.
const ONE_NON_BINARY: &str = "a row whose flags are binary but one sums its proven flags to 1 \
     and spells an opcode's encoding (or the padding's 0) only when that one is 0 or 1 as \
     well (vm-air's decoder test one_non_binary_flag_never_spells_an_opcode_with_one_proven_\
     flag, exhaustive and exact); two non-binary flags can, and are caught by both flags' \
     constraints, each of which alone rejects them \
     (two_non_binary_flags_are_caught_by_both_binary_constraints)";

/// `[op, HALT]`.
fn program(op: Opcode) -> Program {
    Program::new(
        vec![Instruction::new(op), Instruction::new(Opcode::Halt)],
        DebugInfo::default(),
    )
    .unwrap()
}

/// Stack inputs whose every signed combination `s_a + s_b - s_c` of distinct positions
/// differs from every single element (powers of two: binary representations are unique).
fn powers() -> Vec<u64> {
    (0..16).map(|i| 1u64 << i).collect()
}

/// The forged flag columns of row 0: the values of the flags named (all others zero).
struct Flags {
    cells: Vec<(usize, Felt)>,
}

impl Flags {
    fn flag(&self, i: usize) -> Felt {
        self.cells
            .iter()
            .filter(|x| x.0 == i)
            .fold(Felt::ZERO, |acc, x| acc + x.1)
    }

    /// The proven operations the row performs, with their flag values `F_a F_b`.
    fn acting(&self) -> Vec<(Opcode, Felt)> {
        ops::proven_ops()
            .map(|op| {
                let (a, b) = op.flag_pair();
                (op, self.flag(a) * self.flag(b))
            })
            .filter(|x| x.1 != Felt::ZERO)
            .collect()
    }

    /// The opcode encoding the bus looks up.
    fn opcode(&self) -> Felt {
        (0..NUM_FLAGS).fold(Felt::ZERO, |acc, i| acc + Felt::new(1 << i) * self.flag(i))
    }
}

/// A forgery whose row 0 carries `flags`: the program says `attested`, the row performs
/// the operations `flags` select (run as `executed`, whose shift they must share, with the
/// visible stack replaced by their combined effect when they are several), and `lie` may
/// then change the new stack further (for a row that performs no proven operation).
fn substituted(
    attested: Opcode,
    executed: Opcode,
    stack: &[u64],
    flags: Flags,
    lie: fn(&mut [Felt; 16]),
) -> Forgery {
    assert_eq!(
        flags.opcode(),
        Felt::new(attested.encoding()),
        "the lookup must match"
    );
    assert_eq!(attested.has_imm(), executed.has_imm());
    let acting = flags.acting();
    // The overflow registers follow `executed`; the flags' shift sums must agree.
    let shifts = |s: i8| -> Felt {
        acting
            .iter()
            .filter(|(op, _)| ops::shift(*op) == s)
            .fold(Felt::ZERO, |acc, x| acc + x.1)
    };
    for s in [-1, 1] {
        let want = Felt::from((ops::shift(executed) == s) as u8);
        assert_eq!(shifts(s), want, "shift {s}");
    }
    let single = acting == [(executed, Felt::ONE)];
    assert!(single || acting.iter().all(|(op, _)| ops::shift(*op) != -1));
    let mut before = [Felt::ZERO; 16];
    let mut depth = Felt::ZERO;
    let hook = move |phase: Phase, clk: usize, ins: Instruction, st: &mut State| {
        if clk != 0 {
            return;
        }
        match phase {
            Phase::Before => {
                before = st.top;
                depth = Felt::new(16 + st.overflow.len() as u64);
            }
            Phase::After => {
                // With no proven operation (MPVERIFY's flags) nothing fixes the new stack.
                if !single && !acting.is_empty() {
                    // sum_op f_op (s_i' - src_op(i)) = 0 with sum_op f_op = 1 at every i.
                    for (i, new) in st.top.iter_mut().enumerate() {
                        let mut total = Felt::ZERO;
                        let mut acc = Felt::ZERO;
                        for &(op, c) in &acting {
                            let v = match ops::stack_sources(op)[i] {
                                ops::Source::Copy(j) => before[j],
                                ops::Source::Imm => ins.imm,
                                ops::Source::Zero => Felt::ZERO,
                                ops::Source::Depth => depth,
                                // INCR's result is linear: it weighs in like a copy.
                                ops::Source::Special if op == Opcode::Incr && i == 0 => {
                                    before[0] + Felt::ONE
                                }
                                s => panic!("{op}: {s:?} at {i}"),
                            };
                            total += c;
                            acc += c * v;
                        }
                        assert_eq!(total, Felt::ONE);
                        *new = acc;
                    }
                }
                lie(&mut st.top);
            }
        }
    };
    let mut f = forge_with(
        &program(attested),
        &program(executed),
        stack,
        &[],
        TraceHooksForTesting::default(),
        hook,
    );
    // The claim is false: an honest run of the attested program ends elsewhere (for an
    // unproven attested operation the lie is explicit).
    if ops::is_proven(attested) {
        let honest = run(&program(attested), &inputs(stack), &[], |_, _, _, _| {});
        assert_ne!(honest.outputs, f.public.stack_outputs, "{attested}: no lie");
    }
    let cols = f.trace.columns_mut_for_testing();
    for i in 0..NUM_FLAGS {
        cols.set(FLAGS + i, 0, flags.flag(i));
    }
    f
}

fn no_lie(_: &mut [Felt; 16]) {}

/// Two non-binary flags whose products act as `DUP1` and `DUP2` in the proportions `v` and
/// `1 - v` while the row spells `DUP5`: with `F_3 = 1`, `F_13 = v`, `F_14 = 1 - v` the proven
/// flags are `F_3 F_13` (`DUP1`) and `F_3 F_14` (`DUP2`), summing to 1, and `F_13 F_14` is
/// the spare pair, no operation; the row spells `2^3 + v 2^13 + (1 - v) 2^14`, which is
/// `DUP5`'s encoding for one `v`. The row pushes `v s1 + (1 - v) s2` where the program
/// duplicates `s5`.
fn two_non_binary() -> Forgery {
    use Opcode::*;
    let (dup1, dup2, dup5) = (Dup1.flag_pair(), Dup2.flag_pair(), Dup5.flag_pair());
    assert_eq!((dup1.0, dup2.0), (3, 3));
    assert_eq!(
        (dup1.1, dup2.1),
        (13, 14),
        "re-aim this forgery (see its doc)"
    );
    // 2^3 + 2^14 - v 2^13 = encoding(DUP5).
    let rest = Felt::new(8 + (1 << 14)) - Felt::new(Dup5.encoding());
    let v = rest * Felt::new(1 << 13).inv();
    assert!(v != Felt::ZERO && v != Felt::ONE && dup5 != dup1);
    substituted(
        Dup5,
        Dup1,
        &powers(),
        Flags {
            cells: vec![(3, Felt::ONE), (13, v), (14, Felt::ONE - v)],
        },
        no_lie,
    )
}

/// The two binary constraints `two_non_binary`'s flags break are both needed: the forgery
/// violates exactly them, and either one alone still rejects it.
#[test]
fn two_non_binary_flags_are_caught_by_both_binary_constraints() {
    let (x, y) = ("decoder.flag_binary[13]", "decoder.flag_binary[14]");
    let case = Case::new(x, two_non_binary());
    let s0 = case.forgery.trace.main_segment().get(STACK, 1);
    assert_ne!(s0, Felt::new(1 << 5), "the row must lie");
    let v = case.violations(&[]);
    assert_eq!(v.names().into_iter().collect::<Vec<_>>(), [x, y], "{v}");
    assert_eq!(
        case.violations(&[x])
            .names()
            .into_iter()
            .collect::<Vec<_>>(),
        [y]
    );
    assert_eq!(
        case.violations(&[y])
            .names()
            .into_iter()
            .collect::<Vec<_>>(),
        [x]
    );
    assert!(
        case.violations(&[x, y]).is_empty(),
        "nothing else catches it"
    );
}

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    use Opcode::*;
    // `decoder.proven_opcode`: the flags of MPVERIFY, which is no proven operation, so every
    // flag product of the row is zero and every stack constraint vanishes (the pc still
    // steps by one, the overflow and control registers stay): the liar claims
    // [4, 3] -> [0, 8]. The row runs as a SWAP (no shift, no helper) whose result the lie
    // overwrites.
    assert!(
        !ops::is_proven(Mpverify),
        "re-aim this forgery (see its doc)"
    );
    let (a, b) = Mpverify.flag_pair();
    vec![Case::new(
        "decoder.proven_opcode",
        substituted(
            Mpverify,
            Swap,
            &[4, 3],
            Flags {
                cells: vec![(a, Felt::ONE), (b, Felt::ONE)],
            },
            |s| {
                s[0] = Felt::ZERO;
                s[1] = Felt::new(8);
            },
        ),
    )]
}
