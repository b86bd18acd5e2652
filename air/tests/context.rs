//! The AIR context is well formed for every preset at every trace length the verifier
//! accepts (from the preset's minimum to 2^22): widths, degrees, exemptions.

use vm_air::{layout, preset::PRESETS, PublicInputs, VmAir};
use vm_core::{StackInputs, StackOutputs};
use winter_air::{Air, TraceInfo};

#[test]
fn every_preset_and_length_builds_a_valid_context() {
    for preset in PRESETS {
        let options = preset.options();
        let mut n = preset.min_trace_len;
        while n <= 1 << 22 {
            let info = TraceInfo::new_multi_segment(
                preset.main_width(),
                layout::AUX_WIDTH,
                layout::AUX_RANDS,
                n,
                vec![],
            );
            let public = PublicInputs {
                preset: preset.id,
                program_hash: Default::default(),
                stack_inputs: StackInputs::default(),
                stack_outputs: StackOutputs::new(&[]).unwrap(),
            };
            // Panics here would be a verifier denial of service.
            let air = VmAir::new(info, public, options.clone());
            let ctx = air.context();
            assert_eq!(ctx.trace_info().main_trace_width(), preset.main_width());
            assert_eq!(ctx.num_transition_exemptions(), preset.random_rows() + 1);
            assert!(
                ctx.trace_info().width() <= 254,
                "serialization caps widths at 254"
            );
            // Degree 4 at most: the constraint evaluation blowup stays within the LDE's.
            assert!(
                ctx.ce_domain_size() <= preset.blowup * n,
                "{} at {n}",
                preset.name
            );
            // Exemptions add one composition column at most (degree 4 -> 4 chunks, +1).
            assert!(ctx.num_constraint_composition_columns() <= 5);
            assert_eq!(air.last_real_row(), n - preset.random_rows() - 1);
            // Every assertion sits on a real row.
            for a in air.get_assertions() {
                assert!(a.first_step() <= air.last_real_row());
            }
            n *= 2;
        }
    }
}

#[test]
fn presets_reach_their_security_and_zk_row_counts() {
    for preset in PRESETS {
        let e = preset.extension_degree;
        if preset.zk {
            assert!(preset.random_rows() >= preset.queries + 2 * e + 2);
            assert_eq!(preset.randomizer_columns(), e);
        }
        let queries_bits = preset.queries as u32 * preset.blowup.trailing_zeros() + preset.grinding;
        let field_bits = 64 * e as u32;
        assert!(
            queries_bits.min(field_bits) > preset.security_bits,
            "{}",
            preset.name
        );
    }
}
