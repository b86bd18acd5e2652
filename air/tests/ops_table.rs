//! `vm_air::ops::is_proven` derives from the operation table (`vm_core::Component`); this
//! pins the derived set to the list it replaced, so that no operation silently becomes
//! proven (or stops being proven) when the table changes.

use vm_air::ops::{is_proven, proven_ops};
use vm_core::{ChipletRows, Component, Opcode, OPCODES};

/// The operations the AIR refuses: those of the components not built yet (the bitwise
/// component's and the hasher's requests).
const UNPROVEN: [Opcode; 5] = {
    use Opcode::*;
    [U32and, U32xor, Hperm, Mpverify, Mrupdate]
};

#[test]
fn proven_set_is_the_hand_written_one() {
    for info in OPCODES {
        assert_eq!(
            is_proven(info.op),
            !UNPROVEN.contains(&info.op),
            "{} needs {:?}",
            info.op,
            info.component
        );
    }
    assert_eq!(proven_ops().count(), OPCODES.len() - UNPROVEN.len());
}

#[test]
fn an_operation_is_proven_exactly_when_it_needs_only_the_cpu_memory_or_range_checker() {
    for info in OPCODES {
        assert_eq!(
            is_proven(info.op),
            matches!(
                info.component,
                Component::Cpu | Component::Memory | Component::Range
            ),
            "{}",
            info.op
        );
    }
}

#[test]
fn hasher_costs_are_the_chiplet_cycle() {
    let cycle = vm_air::chiplets::hasher::CYCLE_LEN as u16;
    assert_eq!(Opcode::Hperm.chiplet_rows(), ChipletRows::Fixed(cycle));
    assert_eq!(
        Opcode::Mpverify.chiplet_rows(),
        ChipletRows::PerLevel(cycle)
    );
    assert_eq!(
        Opcode::Mrupdate.chiplet_rows(),
        ChipletRows::PerLevel(2 * cycle)
    );
}
