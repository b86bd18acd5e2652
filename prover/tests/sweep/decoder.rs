//! Forgeries for the mutation sweep (see `main.rs`): the decoder's flag constraints.
//!
//! Every CPU constraint sees a row's operation only through the products `G_g * L_l` of
//! the *proven* opcodes (`Flags::new`, and the compressed ranges, which are sums of such
//! products), and is linear in them; the bus looks the row's instruction up by the linear
//! sum `16 sum g G_g + sum l L_l`. So a liar who sets the flag columns to values whose
//! products single out one proven operation (or a combination of them) while their linear
//! sum spells another opcode executes an instruction that is not in the program, and only
//! the decoder constraint that the flag values break sees it.
//!
//! Each forgery is a two-instruction program `[op, HALT]` (the attested one) and an
//! executed program of the same shape whose first instruction is the operation the row
//! really performs (so the trace builder's overflow registers and helper agree with it);
//! the liar then rewrites the flag columns of row 0. The bus is rebuilt from the edited
//! trace, and as the pc column is unchanged the program table's multiplicities still match.

use vm_air::{layout::*, ops};
use vm_core::{DebugInfo, Felt, FieldElement, Instruction, Opcode, Program};
use vm_prover::trace::TraceHooksForTesting;

use crate::common::{
    forge::{forge_with, inputs, Forgery},
    run, Phase, State,
};
use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[];

/// `[op, HALT]`.
fn program(op: Opcode) -> Program {
    Program::new(
        vec![Instruction::new(op), Instruction::new(Opcode::Halt)],
        DebugInfo::default(),
    )
    .unwrap()
}

fn felt(c: i64) -> Felt {
    if c < 0 {
        -Felt::new(c.unsigned_abs())
    } else {
        Felt::new(c as u64)
    }
}

/// Stack inputs whose every signed combination `s_a + s_b - s_c` of distinct positions
/// differs from every single element (powers of two: binary representations are unique).
fn powers() -> Vec<u64> {
    (0..16).map(|i| 1u64 << i).collect()
}

/// The forged flag columns of row 0: group and low coefficients (all others zero).
struct Flags {
    groups: Vec<(usize, i64)>,
    lows: Vec<(usize, i64)>,
}

impl Flags {
    fn group(&self, g: usize) -> i64 {
        self.groups.iter().filter(|x| x.0 == g).map(|x| x.1).sum()
    }

    fn low(&self, l: usize) -> i64 {
        self.lows.iter().filter(|x| x.0 == l).map(|x| x.1).sum()
    }

    /// The proven operations the row performs, with their flag values `G_g L_l`.
    fn acting(&self) -> Vec<(Opcode, i64)> {
        ops::proven_ops()
            .map(|op| (op, self.group(op.group_index()) * self.low(op.low_index())))
            .filter(|x| x.1 != 0)
            .collect()
    }

    /// The opcode the bus looks up.
    fn opcode(&self) -> i64 {
        (0..NUM_GROUPS)
            .map(|g| 16 * g as i64 * self.group(g))
            .chain((0..NUM_LOWS).map(|l| l as i64 * self.low(l)))
            .sum()
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
        attested.code() as i64,
        "the lookup must match"
    );
    assert_eq!(attested.has_imm(), executed.has_imm());
    let acting = flags.acting();
    // The overflow registers follow `executed`; the flags' shift sums must agree.
    let shifts = |s: i8| -> i64 {
        acting
            .iter()
            .filter(|(op, _)| ops::shift(*op) == s)
            .map(|x| x.1)
            .sum()
    };
    for s in [-1, 1] {
        assert_eq!(shifts(s), (ops::shift(executed) == s) as i64, "shift {s}");
    }
    let single = acting == [(executed, 1)];
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
                            total += felt(c);
                            acc += felt(c) * v;
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
    for g in 0..NUM_GROUPS {
        cols.set(GROUP + g, 0, felt(flags.group(g)));
    }
    for l in 0..NUM_LOWS {
        cols.set(LOW + l, 0, felt(flags.low(l)));
    }
    f
}

fn no_lie(_: &mut [Felt; 16]) {}

/// `decoder.group_one_hot`: a procedure whose one instruction is MRUPDATE (code 104, not
/// proven until the hash chiplet's request phase constrains it) returns early instead.
/// The row sets `G_0 = G_6 = 1, L_8 = 1`: the proven products are RET's (`G_0 L_8`, code 8)
/// alone, the lookup is `96 + 8 = 104`, MRUPDATE, so the row returns to the caller where the
/// program replaces a Merkle node, and the stack comes out unchanged. Attested: `[CALL 2,
/// HALT, MRUPDATE, RET]`; executed: `[CALL 2, HALT, RET, RET]`, edited on row 1 (pc 2).
///
/// Once every opcode is proven this constraint is implied by the others: two binary group
/// flags with a one-hot low flag `l` leave exactly one proven product only when the other
/// cell is no opcode, which is `(0, 0)` (the row is then an honest run of `(g, 0)`, its
/// lookup `16 g`), or `(6, l >= 9)` and `(7, l)`, whose lookups (105 and above) name no
/// instruction of any program.
fn early_return() -> Forgery {
    use Opcode::*;
    let code = |body: Opcode| {
        Program::new(
            vec![
                Instruction::with_imm(Call, Felt::new(2)),
                Instruction::new(Halt),
                Instruction::new(body),
                Instruction::new(Ret),
            ],
            DebugInfo::default(),
        )
        .unwrap()
    };
    assert!(
        !ops::is_proven(Mrupdate),
        "re-aim this forgery (see its doc)"
    );
    let stack = powers();
    let mut f = forge_with(
        &code(Mrupdate),
        &code(Ret),
        &stack,
        &[],
        TraceHooksForTesting::default(),
        |_, _, _, _| {},
    );
    let cols = f.trace.columns_mut_for_testing();
    assert_eq!(cols.get(PC, 1), Felt::new(2));
    cols.set(GROUP + 6, 1, Felt::ONE);
    f
}

/// `decoder.low_binary[c]`: a DUP row with `L_a = L_b = 1, L_c = -1` (`a + b - c = x`)
/// where the program says `dup.x`. Both one-hot sums hold, the proven sum is
/// `G_3 (L_a + L_b + L_c) = 1`, the lookup is `48 + x`, the shift sum is 1 (every DUP
/// shifts right) and position 0 reads `s0' = s_a + s_b - s_c`, not `s_x`: a wrong output.
/// Only `L_c`'s binarity (`(-1)(-2) = 2`) is violated.
fn low_binary(c: usize) -> Case {
    let (a, b) = (0..16)
        .flat_map(|a| (a + 1..16).map(move |b| (a, b)))
        .find(|&(a, b)| a != c && b != c && a + b >= c && a + b - c < 16)
        .expect("a pair exists for every c");
    let x = a + b - c;
    let dup = |n| Opcode::dup(n).unwrap();
    let mut f = substituted(
        dup(x),
        dup(x),
        &powers(),
        Flags {
            groups: vec![(3, 1)],
            lows: vec![(a, 1), (b, 1), (c, -1)],
        },
        no_lie,
    );
    let s0 = f.trace.columns_mut_for_testing().get(STACK, 1);
    assert_ne!(s0, Felt::new(1 << x), "the row must lie");
    Case::new(format!("decoder.low_binary[{c}]"), f)
}

/// `decoder.group_binary[c]`: one low flag `L_l`, group flags `G_a = G_b = 1, G_c = -1`
/// (`a + b - c` = the attested group). The forgeries for each `c`:
/// - where `(c, l)` is not proven (groups 0, 1, 2 at some `l`; 6 and 7 at every `l`),
///   `G_c L_l` is no flag, so with `(b, l)` not proven either the row performs the single
///   operation `(a, l)` while the program says `(a + b - c, l)`;
/// - groups 3, 4, 5 have a proven operation at every `l`, so `(c, l)` acts with flag -1 and
///   the row performs `(a, l) + (b, l) - (c, l)`, position by position, chosen with a shift
///   sum of 0 or 1 that the executed operation's overflow registers match.
fn group_binary() -> Vec<Case> {
    use Opcode::*;
    let at = |c: usize, attested, executed, stack: &[u64], flags, lie| {
        let f = substituted(attested, executed, stack, flags, lie);
        Case::new(format!("decoder.group_binary[{c}]"), f)
    };
    let p = powers();
    vec![
        // SWAPW3 + DUP13 - SDEPTH where the program says MOVDN13: G_0 = -1, G_2 = G_3 = 1,
        // L_13 (the proven sum -1 + 1 + 1 = 1; 32 + 48 + 13 = 93). Shift sum 1 - 1 = 0:
        // s0' = s12 + s13 - depth, where the program moves s0 down.
        at(
            0,
            Movdn13,
            Movdn13,
            &p,
            Flags {
                groups: vec![(0, -1), (2, 1), (3, 1)],
                lows: vec![(13, 1)],
            },
            no_lie,
        ),
        // DUP4 + MOVUP4 - INCR where the program says MSTREAM: G_1 = -1, G_3 = G_4 = 1, L_4
        // (48 + 64 - 16 + 4 = 100). Shift sum 1 (DUP4's): the row pushes s15 into the
        // overflow table, and position 0 reads 2 s0' - 2 s4 - (s0' - s0 - 1) = 0, so
        // s0' = 2 s4 - s0 - 1, where the program streams two words from memory.
        at(
            1,
            Mstream,
            Dup4,
            &p,
            Flags {
                groups: vec![(1, -1), (3, 1), (4, 1)],
                lows: vec![(4, 1)],
            },
            no_lie,
        ),
        // SDEPTH + MOVDN13 - SWAPW3 where the program says DUP13: G_2 = -1, G_0 = G_5 = 1,
        // L_13 (13 + 80 + 13 - 45 = 61). Shift sum 1, like DUP13's, but s0' = depth + s1 -
        // s12.
        at(
            2,
            Dup13,
            Dup13,
            &p,
            Flags {
                groups: vec![(2, -1), (0, 1), (5, 1)],
                lows: vec![(13, 1)],
            },
            no_lie,
        ),
        // PAD + MOVUP8 - DUP8 where the program says DUP8: G_3 = -1, G_2 = G_4 = 1, L_8
        // (32 + 64 - 48 + 8 = 56). Shift sum 1 + 0 - 1 = 0; the row moves s8 out of the
        // visible stack and puts 0 on top ([0, s0..s7, s9..]) instead of pushing s8.
        at(
            3,
            Dup8,
            Movup8,
            &p,
            Flags {
                groups: vec![(3, -1), (2, 1), (4, 1)],
                lows: vec![(8, 1)],
            },
            no_lie,
        ),
        // DUP5 + MOVDN5 - MOVUP5 where the program says MOVUP5: G_4 = -1, G_3 = G_5 = 1,
        // L_5 (48 + 80 - 64 + 5 = 69). Shift sum 1: the row pushes s15 into the overflow
        // table and leaves [s1..s5, s0, s5, s6..s14] instead of moving s5 up.
        at(
            4,
            Movup5,
            Dup5,
            &p,
            Flags {
                groups: vec![(4, -1), (3, 1), (5, 1)],
                lows: vec![(5, 1)],
            },
            no_lie,
        ),
        // DUP8 + MOVUP8 - MOVDN8 where the program says PAD: G_5 = -1, G_3 = G_4 = 1, L_8
        // (48 + 64 - 80 + 8 = 40). Shift sum 1, like PAD's, but s0' = 2 s8 - s1, not 0.
        at(
            5,
            Pad,
            Dup8,
            &p,
            Flags {
                groups: vec![(5, -1), (3, 1), (4, 1)],
                lows: vec![(8, 1)],
            },
            no_lie,
        ),
        // DUP7 where the program says MOVUP7: G_6 = -1, G_7 = G_3 = 1, L_7 (codes 103,
        // MPVERIFY, and 119 are no proven operations; 48 + 112 - 96 + 7 = 71).
        at(
            6,
            Movup7,
            Dup7,
            &p,
            Flags {
                groups: vec![(6, -1), (7, 1), (3, 1)],
                lows: vec![(7, 1)],
            },
            no_lie,
        ),
        // MOVDN7 where the program says MOVUP7: G_7 = -1, G_6 = G_5 = 1, L_7
        // (80 + 96 - 112 + 7 = 71).
        at(
            7,
            Movup7,
            Movdn7,
            &p,
            Flags {
                groups: vec![(7, -1), (6, 1), (5, 1)],
                lows: vec![(7, 1)],
            },
            no_lie,
        ),
    ]
}

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    use Opcode::*;
    let mut cases = Vec::new();
    // `decoder.proven_opcode`: the flags of MPVERIFY (code 103), which is no proven
    // operation, so every flag product of the row is zero and every stack constraint
    // vanishes (the pc still steps by one, the overflow and control registers stay): the
    // liar claims [4, 3] -> [0, 8]. The row runs as a SWAP (no shift, no helper) whose
    // result the lie overwrites.
    cases.push(Case::new(
        "decoder.proven_opcode",
        substituted(
            Mpverify,
            Swap,
            &[4, 3],
            Flags {
                groups: vec![(6, 1)],
                lows: vec![(7, 1)],
            },
            |s| {
                s[0] = Felt::ZERO;
                s[1] = Felt::new(8);
            },
        ),
    ));
    cases.push(Case::new("decoder.group_one_hot", early_return()));
    // `decoder.low_one_hot`: G_6, L_7 = L_0 = 1: MLOAD (96) is the only proven product
    // (103, MPVERIFY, is not proven), the lookup is 96 + 7 = 103, MPVERIFY. The row reads
    // memory where the program checks a Merkle path.
    cases.push(Case::new(
        "decoder.low_one_hot",
        substituted(
            Mpverify,
            Mload,
            &powers(),
            Flags {
                groups: vec![(6, 1)],
                lows: vec![(7, 1), (0, 1)],
            },
            no_lie,
        ),
    ));
    cases.extend(group_binary());
    cases.extend((0..NUM_LOWS).map(low_binary));
    cases
}
