//! Lies about the u32 operations (`vm_air::u32ops`): a result changed on the stack (the
//! trace builder then derives the helper cells from the lie, so the range lookups are
//! answered), or a limb of 2^16 or more that still recombines (a trace-builder hook).

use vm_air::u32ops;
use vm_core::{Felt, Opcode};
use vm_prover::trace::TraceHooksForTesting;
use winter_prover::Trace;

use super::forge::{after_first, assemble, forge, forge_with, Forgery};

/// `src` run on `stack` with the first `op`'s results `s0'`, `s1'` replaced by `change`.
pub fn lie(src: &str, stack: &[u64], op: Opcode, change: fn(u64, u64) -> (u64, u64)) -> Forgery {
    forge(
        src,
        stack,
        after_first(op, move |st| {
            let (a, b) = change(st.top[0].as_int(), st.top[1].as_int());
            st.top[0] = Felt::new(a);
            st.top[1] = Felt::new(b);
        }),
    )
}

/// The first row executing `op`.
pub fn row_of(f: &Forgery, op: Opcode) -> usize {
    let main = f.trace.main_segment();
    (0..f.trace.last_real)
        .find(|&r| super::executes(|c| main.get(c, r), op))
        .expect("the operation runs")
}

/// `src` (with one u32 operation, `op`) on `stack`, its low limb in helper `cell` raised by
/// 2^16: its high limb, `(v - l) / 2^16`, drops by one, so the value still recombines.
pub fn wide_limb(src: &str, stack: &[u64], op: Opcode, cell: usize) -> Forgery {
    fn hook<const C: usize>(_: usize, _: Opcode, h: &mut [Felt; 6]) {
        h[C] += Felt::new(u32ops::LIMB);
    }
    let hooks = TraceHooksForTesting {
        u32_cells: Some(match cell {
            0 => hook::<0>,
            1 => hook::<1>,
            2 => hook::<2>,
            3 => hook::<3>,
            4 => hook::<4>,
            _ => hook::<5>,
        }),
        ..Default::default()
    };
    let p = assemble(src);
    let u32_rows = p.code().iter().filter(|i| u32ops::OPS.contains(&i.op));
    assert_eq!(
        u32_rows.count(),
        1,
        "one u32 operation (the hook changes every one)"
    );
    assert!(p.code().iter().any(|i| i.op == op));
    forge_with(&p, &p, stack, &[], hooks, |_, _, _, _| {})
}
