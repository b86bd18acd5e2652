//! Constraint evaluation over the constraint-evaluation domain: the composition that
//! winterfell's `DefaultConstraintEvaluator` computes, the same field elements (the `tests`
//! compare them), with less work around each call of the AIR:
//!
//! - the main constraints (239 under the default preset, base field) are merged with their
//!   composition coefficients by a dot product that reduces once per point instead of once
//!   per product ([`dot`]);
//! - the transition divisor's inverse is `prod (x - e) / (x^n - 1)`: the product over the
//!   exempt points, times one of `ce_blowup` precomputed values (`x^n` repeats with that
//!   period over the domain), with no inversion per point;
//! - the boundary assertions (all single-row, at three rows) are grouped by row and divided
//!   with one batch inversion per chunk of points;
//! - the AIR runs on eight points at once ([`crate::lanes`]: the main constraints on
//!   `Lanes`, the auxiliary ones on `QuadLanes` in the quadratic extension), compiled for
//!   the CPU's vector unit at run time ([`crate::kernel`]); without one, one point at a
//!   time;
//! - a boundary row's numerator `sum c_j (f_j(x) - v_j)` is one reduced dot product minus a
//!   constant;
//! - the domain is cut into chunks of [`CHUNK`] points that threads take as they come,
//!   not one fixed fragment per thread, and a chunk is evaluated coset by coset, in the
//!   order the LDE stores its rows.
//!
//! Every step is the same algebra as winterfell's: `C(x) = sum_i c_i T_i(x) / Z(x) + sum_g
//! sum_j c_j (f_j(x) - v_j) / (x - g^r)`.

#[cfg(feature = "concurrent")]
use rayon::prelude::*;
use vm_air::VmAir;
use vm_core::{Felt, FieldElement};
use winter_air::{
    Air, AuxRandElements, BoundaryConstraintGroup, ConstraintCompositionCoefficients,
    ConstraintDivisor, EvaluationFrame,
};
use winter_math::{batch_inversion, polynom, ExtensionOf, StarkField};
use winter_prover::{CompositionPolyTrace, ConstraintEvaluator, StarkDomain, TraceLde};

use crate::kernel::Kernel;
use crate::lanes::{Lanes, QuadLanes, LANES};

/// Points of the constraint-evaluation domain per task.
const CHUNK: usize = 4096;

/// The constraint evaluator of [`crate::stark::VmStark`].
pub struct VmConstraintEvaluator<'a, E: FieldElement<BaseField = Felt>> {
    air: &'a VmAir,
    rands: AuxRandElements<E>,
    /// The main constraints' coefficients, split into base-field components, component
    /// `d` of coefficient `i` at `d * num_main + i`, as Montgomery integers for [`dot`].
    main_coefs: Vec<u64>,
    aux_coefs: Vec<E>,
    /// The transition divisor's exempt points.
    exemptions: Vec<Felt>,
    /// The boundary assertions' rows `g^r` and their numerators.
    boundary: Vec<(Felt, BoundarySum<E>)>,
    /// The vector kernel the main constraints are evaluated with, [`LANES`] points at a
    /// time; `None` for one point at a time, which is faster without a vector unit (the
    /// portable build on a CPU without AVX2, or another architecture).
    lanes: Option<Kernel>,
    /// The random elements in every lane, for the auxiliary constraints eight points at a
    /// time; `None` unless `E` is the quadratic extension ([`QuadLanes`]).
    quad_rands: Option<AuxRandElements<QuadLanes>>,
}

/// The boundary assertions of one row `g^r`: `(column, value, coefficient)`.
struct BoundaryRow<E: FieldElement<BaseField = Felt>> {
    point: Felt,
    main: Vec<(usize, Felt, E)>,
    aux: Vec<(usize, E, E)>,
}

/// The most main-trace assertions one row may have (the VM's first row has 38).
const MAX_ASSERTED: usize = 128;

/// A row's boundary quotient's numerator `sum_j c_j (f_j(x) - v_j)`, split as `sum_j c_j
/// f_j(x) - sum_j c_j v_j`: the second sum is the same at every point, and the main
/// columns' part of the first is a base-field dot product reduced once ([`merge_main`]).
struct BoundarySum<E: FieldElement<BaseField = Felt>> {
    /// The main columns asserted.
    columns: Vec<usize>,
    /// Their coefficients as [`merge_main`] takes them.
    coefs: Vec<u64>,
    /// The auxiliary assertions' `(column, coefficient)`.
    aux: Vec<(usize, E)>,
    /// `sum_j c_j v_j` over all the row's assertions.
    constant: E,
}

impl<E: FieldElement<BaseField = Felt>> BoundarySum<E> {
    fn new(row: &BoundaryRow<E>) -> Self {
        let n = row.main.len();
        assert!(
            n <= MAX_ASSERTED,
            "at most {MAX_ASSERTED} assertions per row"
        );
        let degree = E::EXTENSION_DEGREE;
        let mut coefs = vec![0u64; degree * n];
        for (i, &(_, _, c)) in row.main.iter().enumerate() {
            for d in 0..degree {
                coefs[d * n + i] = c.base_element(d).inner();
            }
        }
        let main = row.main.iter().map(|&(_, v, c)| c.mul_base(v));
        let aux = row.aux.iter().map(|&(_, v, c)| c * v);
        let constant = main.chain(aux).fold(E::ZERO, |acc, x| acc + x);
        Self {
            columns: row.main.iter().map(|&(column, _, _)| column).collect(),
            coefs,
            aux: row.aux.iter().map(|&(column, _, c)| (column, c)).collect(),
            constant,
        }
    }

    /// The numerator at a point whose rows are `main` and `aux`; `scratch` holds the
    /// asserted main cells.
    fn at(&self, main: &[Felt], aux: &[E], scratch: &mut [Felt; MAX_ASSERTED]) -> E {
        let cells = &mut scratch[..self.columns.len()];
        for (cell, &c) in cells.iter_mut().zip(&self.columns) {
            *cell = main[c];
        }
        let mut sum = merge_main::<E>(&self.coefs, cells);
        for &(column, c) in &self.aux {
            sum += c * aux[column];
        }
        sum - self.constant
    }
}

impl<'a, E: FieldElement<BaseField = Felt>> VmConstraintEvaluator<'a, E> {
    /// The evaluator of `air`'s constraints with the verifier's random elements.
    pub fn new(
        air: &'a VmAir,
        rands: Option<AuxRandElements<E>>,
        coefficients: ConstraintCompositionCoefficients<E>,
    ) -> Self {
        let rands = rands.expect("the VM's trace has an auxiliary segment");
        let transition = air.get_transition_constraints(&coefficients.transition);
        let main = transition.main_constraint_coef();
        let degree = E::EXTENSION_DEGREE;
        let mut main_coefs = vec![0u64; degree * main.len()];
        for (i, c) in main.iter().enumerate() {
            for d in 0..degree {
                main_coefs[d * main.len() + i] = c.base_element(d).inner();
            }
        }
        let divisor = transition.divisor();
        let n = air.trace_length();
        assert_eq!(
            divisor.numerator(),
            &[(n, Felt::ONE)],
            "a transition divisor is x^n - 1 over its exemptions"
        );
        let quad_rands = (E::EXTENSION_DEGREE == 2).then(|| {
            let splat = |r: &E| QuadLanes::splat([r.base_element(0), r.base_element(1)]);
            AuxRandElements::new(rands.rand_elements().iter().map(splat).collect())
        });
        let boundary = boundary_rows(air, &rands, &coefficients.boundary)
            .iter()
            .map(|row| (row.point, BoundarySum::new(row)))
            .collect();
        Self {
            air,
            rands,
            main_coefs,
            aux_coefs: transition.aux_constraint_coef(),
            exemptions: divisor.exemptions().to_vec(),
            boundary,
            lanes: Some(Kernel::best()).filter(|&k| k != Kernel::Baseline),
            quad_rands,
        }
    }

    /// The same evaluator with the main constraints evaluated by `lanes` (for the tests,
    /// which compare every path).
    #[cfg(test)]
    fn with_lanes(self, lanes: Option<Kernel>) -> Self {
        Self { lanes, ..self }
    }

    /// Evaluates the composition at the `points.len()` points from `first` on.
    fn evaluate_chunk<T: TraceLde<E>>(
        &self,
        trace: &T,
        domain: &StarkDomain<Felt>,
        periodic: &Periodic,
        vanishing: &[Felt],
        first: usize,
        points: &mut [E],
    ) {
        let air = self.air;
        let info = air.trace_info();
        let width = info.main_trace_width();
        let mut frames: Vec<EvaluationFrame<Felt>> =
            (0..LANES).map(|_| EvaluationFrame::new(width)).collect();
        let mut aux_frames: Vec<EvaluationFrame<E>> = (0..LANES)
            .map(|_| EvaluationFrame::new(info.aux_segment_width()))
            .collect();
        let mut lanes = EvaluationFrame::<Lanes>::new(width);
        let mut lanes_periodic = vec![Lanes::ZERO; periodic.width];
        let num_main = air.context().num_main_transition_constraints();
        let mut lanes_values = vec![Lanes::ZERO; num_main];
        let mut main_values = vec![Felt::ZERO; num_main];
        let mut aux_values = vec![E::ZERO; self.aux_coefs.len()];
        let mut aux_lanes = EvaluationFrame::<QuadLanes>::new(info.aux_segment_width());
        let mut aux_lanes_values = vec![QuadLanes::ZERO; self.aux_coefs.len()];
        let lde_shift = domain.ce_to_lde_blowup().trailing_zeros();
        let g = domain.ce_domain_generator();
        // The boundary rows' denominators x - g^r of the chunk, inverted at once.
        let rows = self.boundary.len();
        let mut denominators = Vec::with_capacity(rows * points.len());
        let mut x = domain.get_ce_x_at(first);
        let mut xs = Vec::with_capacity(points.len());
        for _ in 0..points.len() {
            xs.push(x);
            denominators.extend(self.boundary.iter().map(|(point, _)| x - *point));
            x *= g;
        }
        let inverses = batch_inversion(&denominators);
        let tail = Tail {
            xs: &xs,
            inverses: &inverses,
            vanishing,
            first,
        };
        // Coset by coset: the LDE keeps each coset in its own run of rows, so that the points
        // `c, c + s, c + 2s, ...` (s = the trace-to-evaluation blowup) read consecutive rows
        // of every segment, current and next alike, where the natural order would jump
        // between `s` cosets at every point. Within a coset, `LANES` points at a time go
        // through the main constraints together.
        let stride = domain.trace_to_ce_blowup();
        let len = points.len();
        for c in 0..stride {
            let coset: Vec<usize> = (c..len).step_by(stride).collect();
            for block in coset.chunks(LANES) {
                for (j, &k) in block.iter().enumerate() {
                    let step = (first + k) << lde_shift;
                    trace.read_main_trace_frame_into(step, &mut frames[j]);
                    trace.read_aux_trace_frame_into(step, &mut aux_frames[j]);
                }
                let lanes_kernel = self.lanes.filter(|_| block.len() == LANES);
                if let Some(kernel) = lanes_kernel {
                    gather(&frames, &mut lanes, |f| f.current(), |l| l.current_mut());
                    gather(&frames, &mut lanes, |f| f.next(), |l| l.next_mut());
                    for (i, v) in lanes_periodic.iter_mut().enumerate() {
                        *v = Lanes(core::array::from_fn(|j| periodic.row(first + block[j])[i]));
                    }
                    evaluate_lanes(kernel, air, &lanes, &lanes_periodic, &mut lanes_values);
                    if let Some(rands) = &self.quad_rands {
                        gather_quad(
                            &aux_frames,
                            &mut aux_lanes,
                            |f| f.current(),
                            |l| l.current_mut(),
                        );
                        gather_quad(&aux_frames, &mut aux_lanes, |f| f.next(), |l| l.next_mut());
                        evaluate_aux_lanes(
                            kernel,
                            air,
                            &lanes,
                            &aux_lanes,
                            &lanes_periodic,
                            rands,
                            &mut aux_lanes_values,
                        );
                    }
                }
                for (j, &k) in block.iter().enumerate() {
                    let row = periodic.row(first + k);
                    if lanes_kernel.is_some() {
                        for (v, l) in main_values.iter_mut().zip(&lanes_values) {
                            *v = l.0[j];
                        }
                    } else {
                        air.evaluate_transition(&frames[j], row, &mut main_values);
                    }
                    if lanes_kernel.is_some() && self.quad_rands.is_some() {
                        for (v, l) in aux_values.iter_mut().zip(&aux_lanes_values) {
                            *v = E::slice_from_base_elements(&l.lane(j))[0];
                        }
                    } else {
                        air.evaluate_aux_transition(
                            &frames[j],
                            &aux_frames[j],
                            row,
                            &self.rands,
                            &mut aux_values,
                        );
                    }
                    points[k] = self.compose(
                        &tail,
                        k,
                        &frames[j],
                        &aux_frames[j],
                        &main_values,
                        &aux_values,
                    );
                }
            }
        }
    }

    /// The composition at point `k` of a chunk from the constraints' values there: the
    /// transition constraints merged and divided, plus the boundary quotients.
    fn compose(
        &self,
        tail: &Tail<'_>,
        k: usize,
        main: &EvaluationFrame<Felt>,
        aux: &EvaluationFrame<E>,
        main_values: &[Felt],
        aux_values: &[E],
    ) -> E {
        let step = tail.first + k;
        let x = tail.xs[k];
        let mut merged = merge_main::<E>(&self.main_coefs, main_values);
        for (c, v) in self.aux_coefs.iter().zip(aux_values) {
            merged += *c * *v;
        }
        let exempt = self
            .exemptions
            .iter()
            .fold(Felt::ONE, |acc, &e| acc * (x - e));
        let mut value = merged.mul_base(exempt * tail.vanishing[step % tail.vanishing.len()]);
        let rows = self.boundary.len();
        let mut scratch = [Felt::ZERO; MAX_ASSERTED];
        for ((_, sum), inverse) in self
            .boundary
            .iter()
            .zip(&tail.inverses[k * rows..(k + 1) * rows])
        {
            value += sum
                .at(main.current(), aux.current(), &mut scratch)
                .mul_base(*inverse);
        }
        value
    }
}

/// The main constraints at [`LANES`] points, compiled for `kernel`'s vector unit (the AIR's
/// evaluation functions are always inlined, so they take the kernel's features).
fn evaluate_lanes(
    kernel: Kernel,
    air: &VmAir,
    frame: &EvaluationFrame<Lanes>,
    periodic: &[Lanes],
    out: &mut [Lanes],
) {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_supported` checked at run time that this CPU has every feature the
        // kernel is compiled with.
        Kernel::Avx512 if kernel.is_supported() => unsafe {
            x86::lanes_avx512(air, frame, periodic, out)
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2 if kernel.is_supported() => unsafe {
            x86::lanes_avx2(air, frame, periodic, out)
        },
        _ => air.evaluate_transition(frame, periodic, out),
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{AuxRandElements, EvaluationFrame, Lanes, QuadLanes, VmAir};
    use winter_air::Air;

    /// Defines the auxiliary constraints' kernel compiled with `$with!`'s features.
    macro_rules! aux_kernel {
        ($(#[$doc:meta])* $name:ident, $with:ident) => {
            crate::kernel::$with! {
                $(#[$doc])*
                pub(super) fn $name(
                    air: &VmAir,
                    main: &EvaluationFrame<Lanes>,
                    aux: &EvaluationFrame<QuadLanes>,
                    periodic: &[Lanes],
                    rands: &AuxRandElements<QuadLanes>,
                    out: &mut [QuadLanes],
                ) {
                    air.evaluate_aux_transition(main, aux, periodic, rands, out)
                }
            }
        };
    }

    aux_kernel!(
        /// The x86-64-v4 evaluation of the auxiliary constraints.
        aux_lanes_avx512,
        avx512
    );
    aux_kernel!(
        /// The x86-64-v3 evaluation of the auxiliary constraints.
        aux_lanes_avx2,
        avx2
    );

    /// Defines the main constraints' kernel compiled with `$with!`'s features.
    macro_rules! main_kernel {
        ($(#[$doc:meta])* $name:ident, $with:ident) => {
            crate::kernel::$with! {
                $(#[$doc])*
                pub(super) fn $name(
                    air: &VmAir,
                    frame: &EvaluationFrame<Lanes>,
                    periodic: &[Lanes],
                    out: &mut [Lanes],
                ) {
                    air.evaluate_transition(frame, periodic, out)
                }
            }
        };
    }

    main_kernel!(
        /// The x86-64-v4 evaluation of the main constraints.
        lanes_avx512,
        avx512
    );
    main_kernel!(
        /// The x86-64-v3 evaluation of the main constraints.
        lanes_avx2,
        avx2
    );
}

/// The auxiliary constraints at [`LANES`] points, compiled for `kernel`'s vector unit, as
/// [`evaluate_lanes`].
fn evaluate_aux_lanes(
    kernel: Kernel,
    air: &VmAir,
    main: &EvaluationFrame<Lanes>,
    aux: &EvaluationFrame<QuadLanes>,
    periodic: &[Lanes],
    rands: &AuxRandElements<QuadLanes>,
    out: &mut [QuadLanes],
) {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `evaluate_lanes`.
        Kernel::Avx512 if kernel.is_supported() => unsafe {
            x86::aux_lanes_avx512(air, main, aux, periodic, rands, out)
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2 if kernel.is_supported() => unsafe {
            x86::aux_lanes_avx2(air, main, aux, periodic, rands, out)
        },
        _ => air.evaluate_aux_transition(main, aux, periodic, rands, out),
    }
}

/// What a chunk's points share for [`VmConstraintEvaluator::compose`]: the points `x`, the
/// boundary rows' inverted denominators (`rows` per point), one period of `1 / (x^n - 1)`
/// and the chunk's first index.
struct Tail<'a> {
    xs: &'a [Felt],
    inverses: &'a [Felt],
    vanishing: &'a [Felt],
    first: usize,
}

/// Column by column, the `LANES` auxiliary frames' rows (`row` of each, quadratic extension
/// elements) as one row of [`QuadLanes`].
fn gather_quad<E: FieldElement<BaseField = Felt>>(
    frames: &[EvaluationFrame<E>],
    lanes: &mut EvaluationFrame<QuadLanes>,
    row: impl Fn(&EvaluationFrame<E>) -> &[E],
    lanes_row: impl Fn(&mut EvaluationFrame<QuadLanes>) -> &mut [QuadLanes],
) {
    let rows: [&[E]; LANES] = core::array::from_fn(|j| row(&frames[j]));
    for (i, v) in lanes_row(lanes).iter_mut().enumerate() {
        *v = QuadLanes(
            Lanes(core::array::from_fn(|j| rows[j][i].base_element(0))),
            Lanes(core::array::from_fn(|j| rows[j][i].base_element(1))),
        );
    }
}

/// Column by column, the `LANES` frames' rows (`row` of each) as one row of lanes.
fn gather(
    frames: &[EvaluationFrame<Felt>],
    lanes: &mut EvaluationFrame<Lanes>,
    row: impl Fn(&EvaluationFrame<Felt>) -> &[Felt],
    lanes_row: impl Fn(&mut EvaluationFrame<Lanes>) -> &mut [Lanes],
) {
    let rows: [&[Felt]; LANES] = core::array::from_fn(|j| row(&frames[j]));
    for (i, v) in lanes_row(lanes).iter_mut().enumerate() {
        *v = Lanes(core::array::from_fn(|j| rows[j][i]));
    }
}

impl<E: FieldElement<BaseField = Felt>> ConstraintEvaluator<E> for VmConstraintEvaluator<'_, E> {
    type Air = VmAir;

    fn evaluate<T: TraceLde<E>>(
        self,
        trace: &T,
        domain: &StarkDomain<Felt>,
    ) -> CompositionPolyTrace<E> {
        // Winterfell's span name and field, which `vm bench` and the progress bar read.
        let _span = tracing::info_span!(
            "evaluate_constraints",
            ce_domain_size = domain.ce_domain_size()
        )
        .entered();
        let periodic = Periodic::new(self.air, domain);
        let vanishing = inverse_vanishing(self.air.trace_length(), domain);
        let mut values = vec![E::ZERO; domain.ce_domain_size()];
        let task = |(i, chunk): (usize, &mut [E])| {
            self.evaluate_chunk(trace, domain, &periodic, &vanishing, i * CHUNK, chunk)
        };
        #[cfg(feature = "concurrent")]
        values.par_chunks_mut(CHUNK).enumerate().for_each(task);
        #[cfg(not(feature = "concurrent"))]
        values.chunks_mut(CHUNK).enumerate().for_each(task);
        CompositionPolyTrace::new(values)
    }
}

/// `1 / (x^n - 1)` over the constraint-evaluation domain, one period of it: `x^n = offset^n
/// g^(n i)` repeats every `ce_blowup` points.
fn inverse_vanishing(n: usize, domain: &StarkDomain<Felt>) -> Vec<Felt> {
    let period = domain.ce_domain_size() / n;
    let offset_n = domain.offset().exp(n as u64);
    let g_n = domain.ce_domain_generator().exp(n as u64);
    let values: Vec<Felt> = (0..period)
        .map(|k| offset_n * g_n.exp(k as u64) - Felt::ONE)
        .collect();
    batch_inversion(&values)
}

/// The boundary assertions grouped by row. The VM asserts single cells only (`Assertion::
/// single`): each group's divisor is `x - g^r`.
fn boundary_rows<E: FieldElement<BaseField = Felt>>(
    air: &VmAir,
    rands: &AuxRandElements<E>,
    coefficients: &[E],
) -> Vec<BoundaryRow<E>> {
    let source = air.get_boundary_constraints(Some(rands), coefficients);
    let point = |divisor: &ConstraintDivisor<Felt>| {
        assert!(
            divisor.exemptions().is_empty() && divisor.numerator().len() == 1,
            "the VM's assertions are single cells"
        );
        let (degree, point) = divisor.numerator()[0];
        assert_eq!(degree, 1, "the VM's assertions are single cells");
        point
    };
    let mut rows: Vec<BoundaryRow<E>> = Vec::new();
    let mut row_of = |p: Felt| -> usize {
        if let Some(i) = rows.iter().position(|r| r.point == p) {
            return i;
        }
        rows.push(BoundaryRow {
            point: p,
            main: Vec::new(),
            aux: Vec::new(),
        });
        rows.len() - 1
    };
    let main: Vec<_> = cells(source.main_constraints(), point)
        .map(|(p, c)| (row_of(p), c))
        .collect();
    let aux: Vec<_> = cells(source.aux_constraints(), point)
        .map(|(p, c)| (row_of(p), c))
        .collect();
    for (r, c) in main {
        rows[r].main.push(c);
    }
    for (r, c) in aux {
        rows[r].aux.push(c);
    }
    rows
}

/// Every assertion of `groups` as `(g^r, (column, value, coefficient))`.
fn cells<'g, F, E>(
    groups: &'g [BoundaryConstraintGroup<F, E>],
    point: impl Fn(&ConstraintDivisor<Felt>) -> Felt + 'g,
) -> impl Iterator<Item = (Felt, (usize, F, E))> + 'g
where
    F: FieldElement<BaseField = Felt>,
    E: FieldElement<BaseField = Felt> + ExtensionOf<F>,
{
    groups.iter().flat_map(move |group| {
        let p = point(group.divisor());
        group.constraints().iter().map(move |c| {
            assert_eq!(c.poly().len(), 1, "the VM's assertions are single cells");
            (p, (c.column(), c.poly()[0], *c.cc()))
        })
    })
}

/// The periodic columns' values over the constraint-evaluation domain, row-major: a column
/// of cycle `m` takes at `x` the value `p(x^(n/m))` of its polynomial, which repeats every
/// `m * ce_blowup` points; all rows of the table's period are kept.
struct Periodic {
    width: usize,
    period: usize,
    values: Vec<Felt>,
}

impl Periodic {
    fn new(air: &VmAir, domain: &StarkDomain<Felt>) -> Self {
        let polys = air.get_periodic_column_polys();
        let n = air.trace_length();
        let blowup = domain.ce_domain_size() / n;
        let period = polys.iter().map(|p| p.len() * blowup).max().unwrap_or(1);
        let mut values = vec![Felt::ZERO; period * polys.len()];
        for (j, poly) in polys.iter().enumerate() {
            let stride = n / poly.len();
            let g = domain.ce_domain_generator().exp(stride as u64);
            let mut x = domain.offset().exp(stride as u64);
            let cycle = poly.len() * blowup;
            let column: Vec<Felt> = (0..cycle)
                .map(|_| {
                    let v = polynom::eval(poly, x);
                    x *= g;
                    v
                })
                .collect();
            for k in 0..period {
                values[k * polys.len() + j] = column[k % cycle];
            }
        }
        Self {
            width: polys.len(),
            period,
            values,
        }
    }

    fn row(&self, step: usize) -> &[Felt] {
        let k = step % self.period;
        &self.values[k * self.width..(k + 1) * self.width]
    }
}

/// `sum_i c_i v_i` for the coefficients `c_i` of `E` (their base components laid out by
/// [`VmConstraintEvaluator::new`]) and base values `v_i`.
fn merge_main<E: FieldElement<BaseField = Felt>>(coefs: &[u64], values: &[Felt]) -> E {
    let n = values.len();
    let mut parts = [Felt::ZERO; 3];
    for (d, part) in parts.iter_mut().take(E::EXTENSION_DEGREE).enumerate() {
        *part = dot(&coefs[d * n..(d + 1) * n], values);
    }
    E::slice_from_base_elements(&parts[..E::EXTENSION_DEGREE])[0]
}

/// `sum_i a_i v_i` over the base field, for `a_i` given as Montgomery integers: the 128-bit
/// products of the Montgomery forms are summed as integers (with the carries counted) and
/// reduced once. Each product is `a v R^2` (`R = 2^64`), so the sum reduced modulo `p` is the
/// Montgomery form of the result times `R`, which one Montgomery multiplication by 1
/// removes.
fn dot(coefs: &[u64], values: &[Felt]) -> Felt {
    const P: u128 = Felt::MODULUS as u128;
    let mut low = 0u128;
    let mut carries = 0u64;
    for (&a, v) in coefs.iter().zip(values) {
        let (sum, carry) = low.overflowing_add(a as u128 * v.inner() as u128);
        low = sum;
        carries += carry as u64;
    }
    // 2^64 = 2^32 - 1 and 2^128 = -2^32 modulo p.
    let folded =
        (low as u64) as u128 + (low >> 64) * 0xffff_ffff + carries as u128 * (P - (1 << 32));
    Felt::from_mont((folded % P) as u64) * Felt::from_mont(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};
    use vm_air::{preset, PublicInputs};
    use vm_core::StackInputs;
    use vm_processor::{AdviceInputs, DefaultHost, ExecutionOptions};
    use winter_air::{PartitionOptions, TraceInfo};
    use winter_crypto::{hashers::Blake3_192, DefaultRandomCoin, RandomCoin};
    use winter_math::fields::{CubeExtension, QuadExtension};
    use winter_prover::{DefaultConstraintEvaluator, Trace};

    use crate::lde::VmTraceLde;

    type H = Blake3_192<Felt>;

    #[test]
    fn dot_is_the_sum_of_products() {
        let mut rng = StdRng::seed_from_u64(7);
        for len in [0, 1, 2, 239, 1000] {
            let a: Vec<Felt> = (0..len).map(|_| Felt::new(rng.gen())).collect();
            let mut v: Vec<Felt> = (0..len).map(|_| Felt::new(rng.gen())).collect();
            if len > 2 {
                // Values next to the modulus make every product carry.
                v[0] = -Felt::ONE;
                v[1] = Felt::new(Felt::MODULUS - 2);
            }
            let coefs: Vec<u64> = a.iter().map(|x| x.inner()).collect();
            let expected = a.iter().zip(&v).fold(Felt::ZERO, |s, (x, y)| s + *x * *y);
            assert_eq!(dot(&coefs, &v), expected, "length {len}");
        }
        let max = vec![(-Felt::ONE).inner(); 4096];
        let v = vec![-Felt::ONE; 4096];
        assert_eq!(dot(&max, &v), Felt::new(4096));
    }

    /// The composition equals winterfell's `DefaultConstraintEvaluator`'s, point for point,
    /// on the trace of a program that uses the CPU, the hasher's requests, memory, the
    /// bitwise chiplet and the range checker, in the quadratic and the cubic extension and
    /// without zero knowledge, evaluating the main constraints one point at a time and
    /// eight at a time with every vector kernel.
    #[test]
    fn matches_winterfells_evaluator() {
        let source = "begin
            push.5 push.7 u32wrapping_add push.3 u32xor mem_store.4 mem_load.4
            push.1.2.3.4 hperm dropw dropw swapw dropw
            repeat.20 dup.1 add swap end
        end";
        let program = vm_assembly::Assembler::new()
            .assemble_source("test.masm", source)
            .expect("assembles");
        // 96 bits (quadratic extension), 128 bits (cubic), 96 bits without zero knowledge.
        for id in [0, 1, 4] {
            let preset = preset::by_id(id).expect("a preset");
            let execution = crate::execute_for_proof(
                &program,
                StackInputs::default(),
                AdviceInputs::default(),
                &mut DefaultHost,
                ExecutionOptions::default(),
            )
            .expect("runs");
            let mut rng = StdRng::seed_from_u64(3);
            let trace = crate::trace::build(
                &program,
                &execution.trace,
                execution.output.final_depth,
                preset,
                &mut rng,
            );
            let public = PublicInputs {
                preset: preset.id,
                program_hash: program.hash(),
                stack_inputs: execution.stack_inputs.clone(),
                stack_outputs: execution.output.stack,
            };
            let info: TraceInfo = trace.info().clone();
            let air = VmAir::new(info.clone(), public, preset.options());
            if preset.extension_degree == 2 {
                compare::<QuadExtension<Felt>>(&air, &trace, &mut rng);
            } else {
                compare::<CubeExtension<Felt>>(&air, &trace, &mut rng);
            }
        }
    }

    fn compare<E: FieldElement<BaseField = Felt>>(
        air: &VmAir,
        trace: &crate::trace::VmTrace,
        rng: &mut StdRng,
    ) {
        let domain = StarkDomain::new(air);
        let (mut lde, _) = VmTraceLde::<E, H>::new(
            trace.info(),
            trace.main_segment(),
            &domain,
            PartitionOptions::default(),
        );
        let seed: Vec<Felt> = (0..4).map(|_| Felt::new(rng.gen())).collect();
        let mut coin = DefaultRandomCoin::<H>::new(&seed);
        let rands = air.get_aux_rand_elements::<E, _>(&mut coin).expect("draws");
        let aux = crate::aux::build(trace, rands.rand_elements(), rng);
        lde.set_aux_trace(&aux, &domain);
        let coefficients = air
            .get_constraint_composition_coefficients::<E, _>(&mut coin)
            .expect("draws");
        let theirs =
            DefaultConstraintEvaluator::new(air, Some(rands.clone()), coefficients.clone())
                .evaluate(&lde, &domain)
                .into_inner();
        // One point at a time, and eight at a time with every kernel (one this CPU lacks
        // falls back to the baseline's code).
        let paths = [
            None,
            Some(Kernel::Baseline),
            Some(Kernel::Avx2),
            Some(Kernel::Avx512),
        ];
        for lanes in paths {
            let ours = VmConstraintEvaluator::new(air, Some(rands.clone()), coefficients.clone())
                .with_lanes(lanes)
                .evaluate(&lde, &domain)
                .into_inner();
            assert_eq!(ours.len(), theirs.len());
            assert!(ours == theirs, "the compositions differ ({lanes:?})");
        }
    }
}
