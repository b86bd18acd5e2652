//! `vm_air::ops::is_proven` derives from the operation table (`vm_core::Component`); this
//! pins the derived set to the list it replaced, so that no operation silently becomes
//! proven (or stops being proven) when the table changes.

use vm_air::ops::{is_proven, proven_ops};
use vm_core::{ChipletRows, Component, Opcode, OPCODES};

/// The operations the AIR refuses: the hasher's Merkle path requests (not built yet).
const UNPROVEN: [Opcode; 2] = {
    use Opcode::*;
    [Mpverify, Mrupdate]
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
fn an_operation_is_proven_exactly_when_it_needs_only_the_cpu_memory_range_bitwise_or_hperm() {
    for info in OPCODES {
        assert_eq!(
            is_proven(info.op),
            matches!(
                info.component,
                Component::Cpu | Component::Memory | Component::Range | Component::Bitwise
            ) || info.op == Opcode::Hperm,
            "{}",
            info.op
        );
    }
}

#[test]
fn bitwise_costs_are_the_chiplets_rows() {
    let rows = vm_air::chiplets::bitwise::ROWS_PER_OP as u16;
    assert_eq!(Opcode::U32and.chiplet_rows(), ChipletRows::Fixed(rows));
    assert_eq!(Opcode::U32xor.chiplet_rows(), ChipletRows::Fixed(rows));
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
