//! Cost of evaluating the AIR's transition constraints on one row, as winterfell's prover
//! does on every point of the constraint evaluation domain (4n points for an n-row trace):
//! the main constraints over the base field, the bus constraints over the quadratic
//! extension. The values are random: no constraint branches on the trace, so the cost is
//! that of any row.
//!
//! `cargo bench -p vm-air --bench constraints` (not part of CI).

#[path = "../tests/common/mod.rs"]
mod common;

use common::Rng;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vm_air::{layout, preset};
use vm_core::Felt;
use winter_air::{Air, AuxRandElements, EvaluationFrame};
use winter_math::fields::QuadExtension;

type Ext = QuadExtension<Felt>;

/// Rows evaluated per iteration.
const ROWS: usize = 1024;

fn bench(c: &mut Criterion) {
    let preset = preset::default_preset();
    let n = 1 << 16;
    let air = common::air(preset, n);
    let mut rng = Rng(0x5eed);
    let main: Vec<EvaluationFrame<Felt>> = (0..ROWS)
        .map(|_| {
            EvaluationFrame::from_rows(rng.row(preset.main_width()), rng.row(preset.main_width()))
        })
        .collect();
    let aux: Vec<EvaluationFrame<Ext>> = (0..ROWS)
        .map(|_| {
            let mut row = || -> Vec<Ext> {
                (0..layout::AUX_WIDTH)
                    .map(|_| Ext::new(rng.felt(), rng.felt()))
                    .collect()
            };
            EvaluationFrame::from_rows(row(), row())
        })
        .collect();
    let rands = AuxRandElements::new(vm_air::bus::with_powers(&[
        Ext::new(rng.felt(), rng.felt()),
        Ext::new(rng.felt(), rng.felt()),
    ]));
    let periodic: Vec<Felt> = (0..air.get_periodic_column_values().len())
        .map(|_| rng.felt())
        .collect();
    let num_main = air.context().num_main_transition_constraints();
    let num_aux = air.aux_constraint_names().len();

    let mut group = c.benchmark_group("constraints");
    group.throughput(Throughput::Elements(ROWS as u64));
    let mut out = vec![Felt::default(); num_main];
    group.bench_function("main", |b| {
        b.iter(|| {
            for frame in &main {
                air.evaluate_transition(frame, &periodic, &mut out);
                black_box(&out);
            }
        })
    });
    let mut out = vec![Ext::default(); num_aux];
    group.bench_function("aux", |b| {
        b.iter(|| {
            for (m, a) in main.iter().zip(&aux) {
                air.evaluate_aux_transition(m, a, &periodic, &rands, &mut out);
                black_box(&out);
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
