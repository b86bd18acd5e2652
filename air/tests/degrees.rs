//! Every component's declared constraint degrees are the actual ones: the CPU's (decoder,
//! stack, control tables), the chiplet region's, the composition masks' and the bus's.
//! Random trace columns are interpolated, every constraint is evaluated over a domain of
//! `8n` points and the degree of each constraint polynomial is compared with what the
//! component declared where it emitted the value (what winterfell's debug prover checks,
//! and what a release build never checks).

mod common;

use common::Rng;
use vm_air::{layout, preset};
use vm_core::{Felt, FieldElement};
use winter_air::{Air, AuxRandElements, EvaluationFrame};
use winter_math::{fft, polynom, StarkField};

/// Random columns of length `n`, as polynomial coefficients.
fn random_polys(rng: &mut Rng, width: usize, n: usize) -> Vec<Vec<Felt>> {
    let inv = fft::get_inv_twiddles::<Felt>(n);
    (0..width)
        .map(|_| {
            let mut v: Vec<Felt> = (0..n).map(|_| rng.felt()).collect();
            fft::interpolate_poly(&mut v, &inv);
            v
        })
        .collect()
}

/// The degree of the polynomial with these evaluations over the `d`-point subgroup.
fn degree(mut evals: Vec<Felt>) -> Option<usize> {
    let inv = fft::get_inv_twiddles::<Felt>(evals.len());
    fft::interpolate_poly(&mut evals, &inv);
    evals.iter().rposition(|v| *v != Felt::ZERO)
}

#[test]
fn declared_degrees_are_the_actual_degrees_for_every_component() {
    let preset = preset::default_preset();
    let n = 128usize;
    let d = 8 * n;
    let air = common::air(preset, n);
    let mut rng = Rng(0x5eed);
    let main = random_polys(&mut rng, preset.main_width(), n);
    let aux = random_polys(&mut rng, layout::AUX_WIDTH, n);
    let rands = AuxRandElements::new(vec![rng.felt(), rng.felt()]);
    let cycle = vm_air::PERIODIC_CYCLE;
    let inv_cycle = fft::get_inv_twiddles::<Felt>(cycle);
    let periodic: Vec<Vec<Felt>> = air
        .get_periodic_column_values()
        .into_iter()
        .map(|mut c| {
            fft::interpolate_poly(&mut c, &inv_cycle);
            c
        })
        .collect();

    let ctx = air.context();
    let (num_main, num_aux) = (
        ctx.num_main_transition_constraints(),
        air.aux_constraint_names().len(),
    );
    let g = Felt::get_root_of_unity(n.trailing_zeros());
    let h = Felt::get_root_of_unity(d.trailing_zeros());
    let mut main_evals = vec![vec![Felt::ZERO; d]; num_main];
    let mut aux_evals = vec![vec![Felt::ZERO; d]; num_aux];
    let at = |polys: &[Vec<Felt>], x: Felt| -> Vec<Felt> {
        polys.iter().map(|c| polynom::eval(c, x)).collect()
    };
    for t in 0..d {
        let x = h.exp(t as u64);
        let main_frame = EvaluationFrame::from_rows(at(&main, x), at(&main, x * g));
        let aux_frame = EvaluationFrame::from_rows(at(&aux, x), at(&aux, x * g));
        let p = at(&periodic, x.exp((n / cycle) as u64));
        let mut res = vec![Felt::ZERO; num_main];
        air.evaluate_transition(&main_frame, &p, &mut res);
        for (e, v) in main_evals.iter_mut().zip(res) {
            e[t] = v;
        }
        let mut res = vec![Felt::ZERO; num_aux];
        air.evaluate_aux_transition(&main_frame, &aux_frame, &p, &rands, &mut res);
        for (e, v) in aux_evals.iter_mut().zip(res) {
            e[t] = v;
        }
    }
    let declared_main = vm_air::main_constraints(preset);
    let declared_aux = vm_air::bus::constraints();
    assert_eq!(declared_main.len(), num_main);
    assert_eq!(declared_aux.len(), num_aux);
    let mut wrong = Vec::new();
    for (evals, c) in main_evals
        .into_iter()
        .zip(&declared_main)
        .chain(aux_evals.into_iter().zip(&declared_aux))
    {
        let want = c.degree.get_evaluation_degree(n);
        let got = degree(evals);
        if got != Some(want) {
            wrong.push(format!("{}: declared {want}, actual {got:?}", c.name));
        }
        // Every constraint fits the degree-4 budget at blowup 4.
        assert!(c.degree.min_blowup_factor() <= 4, "{}", c.name);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The last real row is a round row of the hash chiplet's cycle (not its absorb row) for
/// every preset and trace length. Nothing's soundness rests on it: the sweep's argument
/// once did (`chiplet.active_never_restarts`, a hasher run to the last real row), but that
/// row's cube constraint sits on the exempt transition out of it, so its S-box cells are
/// free either way; the sweep's forgery of a restarted hasher asserts this layout fact.
#[test]
fn the_last_real_row_is_a_round_row_of_the_hasher() {
    let cycle = vm_air::chiplets::hasher::CYCLE_LEN;
    for preset in vm_air::PRESETS {
        for log_n in 10..=24 {
            let last = preset.last_real_row(1 << log_n);
            assert_ne!(last % cycle, 0, "{} at 2^{log_n}", preset.name);
        }
    }
}
