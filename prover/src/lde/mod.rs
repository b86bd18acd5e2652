//! The low-degree extension of the main and auxiliary traces and their commitments: what
//! winterfell's `DefaultTraceLde` does, with the FFT of [`fft`] (compiled for the CPU the
//! prover runs on, chosen at run time) in place of winterfell's (compiled for the build's
//! target). The evaluations, the polynomials and the commitments are the same field elements
//! and digests as winterfell's; only the time differs (`tests` compare them, and the proofs
//! the verifier accepts are unchanged).
//!
//! The columns are transformed [`fft::LANES`] at a time (a *segment*, as in winterfell): a
//! segment's rows are interpolated (inverse FFT over the trace domain), multiplied by the
//! powers of each coset's offset and evaluated (one forward FFT per coset of the blowup).
//! The segments are kept as they are ([`Extension`]); a row is gathered from them when it is
//! hashed into the Merkle tree of the commitment or read by the constraint evaluator.

pub mod fft;
pub mod leaves;

use core::marker::PhantomData;

#[cfg(feature = "concurrent")]
use rayon::prelude::*;
use vm_core::{Felt, FieldElement};
use winter_air::{proof::Queries, EvaluationFrame, PartitionOptions, TraceInfo};
use winter_crypto::{ElementHasher, Hasher, MerkleTree, VectorCommitment};
use winter_math::fft::{get_inv_twiddles, permute_index};
use winter_prover::{
    matrix::{get_evaluation_offsets, ColMatrix},
    CompositionPoly, CompositionPolyTrace, ConstraintCommitment, StarkDomain, TraceLde,
    TracePolyTable,
};

use fft::{Lanes, LANES};
use leaves::LeafHasher;

/// Rows per task when rows are hashed (together, by [`leaves::LeafHasher`]).
const ROWS_PER_TASK: usize = 256;

/// Base-field elements an auxiliary row may have (12 columns of the cubic extension take 36):
/// rows of `E` are gathered through a buffer of this size on the stack.
const MAX_EXTENSION_ROW: usize = 64;

/// A trace segment's low-degree extension, kept as the FFT leaves it: [`LANES`] columns per
/// segment, each segment's rows coset by coset (the cosets in winterfell's order, each in
/// natural order). Row `r` of the domain is row `r / blowup` of coset `r mod blowup` in
/// every segment, so reading the domain's rows in order reads `blowup` sequential streams per
/// segment, and no row-major copy (the size of the whole extension) is ever made.
pub struct Extension {
    segments: Vec<Vec<Lanes>>,
    /// Base-field elements per row (`E::EXTENSION_DEGREE` consecutive ones per column of `E`).
    width: usize,
    /// Rows of the trace domain (each coset's length).
    trace_rows: usize,
    blowup: usize,
}

impl Extension {
    /// Rows of the extension (trace length times blowup).
    pub fn num_rows(&self) -> usize {
        self.trace_rows * self.blowup
    }

    /// Base-field elements per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Writes row `r`'s base-field elements into `out` (`width` of them).
    pub fn read_base_row(&self, r: usize, out: &mut [Felt]) {
        debug_assert_eq!(out.len(), self.width);
        let coset = permute_index(self.blowup, r % self.blowup);
        let index = coset * self.trace_rows + r / self.blowup;
        // Whole segments as fixed-size copies (inlined, where a copy of a length known only
        // at run time calls memmove), then the last, partial one.
        let mut cells = out.chunks_exact_mut(LANES);
        for (cells, segment) in (&mut cells).zip(&self.segments) {
            cells.copy_from_slice(&segment[index]);
        }
        let rest = cells.into_remainder();
        if !rest.is_empty() {
            rest.copy_from_slice(&self.segments[self.width / LANES][index][..rest.len()]);
        }
    }

    /// Writes row `r` as elements of `E` into `out` (`width / E::EXTENSION_DEGREE` of them).
    fn read_row<E: FieldElement<BaseField = Felt>>(&self, r: usize, out: &mut [E]) {
        let mut buffer = [Felt::ZERO; MAX_EXTENSION_ROW];
        let base = &mut buffer[..self.width];
        self.read_base_row(r, base);
        out.copy_from_slice(E::slice_from_base_elements(base));
    }

    /// Row `r` as elements of `E`, in a new vector.
    fn row_vec<E: FieldElement<BaseField = Felt>>(&self, r: usize) -> Vec<E> {
        let mut base = vec![Felt::ZERO; self.width];
        self.read_base_row(r, &mut base);
        E::slice_from_base_elements(&base).to_vec()
    }
}

/// Interpolates `columns` (columns of `E`, over the trace domain) and evaluates them over the
/// LDE domain of `domain`. Returns the polynomials' coefficients (columns of `E`, as
/// winterfell's `ColMatrix::interpolate_columns` gives them) and the evaluations.
pub fn extend<E: FieldElement<BaseField = Felt>>(
    columns: &ColMatrix<E>,
    domain: &StarkDomain<Felt>,
) -> (ColMatrix<E>, Extension) {
    let n = columns.num_rows();
    let blowup = domain.trace_to_lde_blowup();
    let width = columns.num_base_cols();
    assert!(
        E::EXTENSION_DEGREE == 1 || width <= MAX_EXTENSION_ROW,
        "an extension-field segment of {width} base elements is wider than {MAX_EXTENSION_ROW}"
    );
    let inv_twiddles = get_inv_twiddles::<Felt>(n);
    let offsets = get_evaluation_offsets::<Felt>(n, blowup, domain.offset());
    let inv_n = Felt::new(n as u64).inv();

    let segment = |s: usize| -> (Vec<Lanes>, Vec<Lanes>) {
        // Interpolate: inverse FFT, natural order, scaled by 1/n.
        let mut coeffs = gather_segment(columns, s);
        fft::fft_in_place(&mut coeffs, &inv_twiddles);
        permute(&mut coeffs);
        coeffs.iter_mut().flatten().for_each(|x| *x *= inv_n);
        let evals = extend_segment(&coeffs, &offsets, domain);
        (coeffs, evals)
    };
    let num_segments = width.div_ceil(LANES);
    #[cfg(feature = "concurrent")]
    let segments: Vec<(Vec<Lanes>, Vec<Lanes>)> =
        (0..num_segments).into_par_iter().map(segment).collect();
    #[cfg(not(feature = "concurrent"))]
    let segments: Vec<(Vec<Lanes>, Vec<Lanes>)> = (0..num_segments).map(segment).collect();

    // The coefficients, column by column of `E`.
    let degree = E::EXTENSION_DEGREE;
    let polys = ColMatrix::new(
        (0..columns.num_cols())
            .map(|c| {
                (0..n)
                    .map(|r| {
                        let mut base = [Felt::ZERO; 3];
                        for (d, cell) in base[..degree].iter_mut().enumerate() {
                            let b = c * degree + d;
                            *cell = segments[b / LANES].0[r][b % LANES];
                        }
                        E::slice_from_base_elements(&base[..degree])[0]
                    })
                    .collect()
            })
            .collect(),
    );
    let segments = segments.into_iter().map(|(_, evals)| evals).collect();
    (
        polys,
        Extension {
            segments,
            width,
            trace_rows: n,
            blowup,
        },
    )
}

/// Evaluates `polys` (coefficients of columns of `E`, as many as the trace domain has rows)
/// over the LDE domain of `domain`.
pub fn evaluate_polys<E: FieldElement<BaseField = Felt>>(
    polys: &ColMatrix<E>,
    domain: &StarkDomain<Felt>,
) -> Extension {
    let n = polys.num_rows();
    let blowup = domain.trace_to_lde_blowup();
    let width = polys.num_base_cols();
    let offsets = get_evaluation_offsets::<Felt>(n, blowup, domain.offset());
    let segment = |s: usize| extend_segment(&gather_segment(polys, s), &offsets, domain);
    let num_segments = width.div_ceil(LANES);
    #[cfg(feature = "concurrent")]
    let segments: Vec<Vec<Lanes>> = (0..num_segments).into_par_iter().map(segment).collect();
    #[cfg(not(feature = "concurrent"))]
    let segments: Vec<Vec<Lanes>> = (0..num_segments).map(segment).collect();
    Extension {
        segments,
        width,
        trace_rows: n,
        blowup,
    }
}

/// Segment `s` of `columns`' base-field columns as rows of lanes (the lanes past the last
/// column are zero).
fn gather_segment<E: FieldElement<BaseField = Felt>>(
    columns: &ColMatrix<E>,
    s: usize,
) -> Vec<Lanes> {
    let lanes = LANES.min(columns.num_base_cols() - s * LANES);
    (0..columns.num_rows())
        .map(|r| {
            core::array::from_fn(|c| {
                if c < lanes {
                    columns.get_base_element(s * LANES + c, r)
                } else {
                    Felt::ZERO
                }
            })
        })
        .collect()
}

/// A segment's evaluations over the LDE domain from its coefficients: on each coset, shift by
/// the coset offset's powers, forward FFT, and undo the FFT's bit-reversed order within the
/// coset (a coset fits the cache; the whole domain's bit reversal would not). Built by
/// `collect`, so that no page is written twice.
fn extend_segment(coeffs: &[Lanes], offsets: &[Felt], domain: &StarkDomain<Felt>) -> Vec<Lanes> {
    let n = coeffs.len();
    // Sized once: a `flat_map` would not tell `collect` its length, and the vector would
    // grow (and be copied) by doubling up to the whole extension.
    let mut evals: Vec<Lanes> = Vec::with_capacity(offsets.len());
    for offsets in offsets.chunks(n) {
        evals.extend(coeffs.iter().zip(offsets).map(|(c, o)| c.map(|x| x * *o)));
    }
    let evaluate = |coset: &mut [Lanes]| {
        fft::fft_in_place(coset, domain.trace_twiddles());
        permute(coset);
    };
    #[cfg(feature = "concurrent")]
    evals.par_chunks_mut(n).for_each(evaluate);
    #[cfg(not(feature = "concurrent"))]
    evals.chunks_mut(n).for_each(evaluate);
    evals
}

/// Bit-reverses the order of `values` (a power-of-two number of them).
pub(crate) fn permute(values: &mut [Lanes]) {
    let n = values.len();
    for i in 0..n {
        let j = permute_index(n, i);
        if j > i {
            values.swap(i, j);
        }
    }
}

/// The Merkle commitment to the rows of `lde` read as elements of `E`: each row hashed (in
/// partitions when `partition` asks for them), as winterfell's `RowMatrix::commit_to_rows`.
pub fn commit_rows<E, H>(lde: &Extension, partition: PartitionOptions) -> MerkleTree<H>
where
    E: FieldElement<BaseField = Felt>,
    H: LeafHasher + Sync,
{
    let num_cols = lde.width / E::EXTENSION_DEGREE;
    let partition_size = partition.partition_size::<E>(num_cols);
    let width = lde.width;
    // Rows `start ..` of one task, read into `buffer` and hashed together (`leaves`).
    let hash_rows = |buffer: &mut Vec<Felt>, start: usize| -> Vec<H::Digest> {
        let end = (start + ROWS_PER_TASK).min(lde.num_rows());
        buffer.resize((end - start) * width, Felt::ZERO);
        for (i, row) in buffer.chunks_mut(width).enumerate() {
            lde.read_base_row(start + i, row);
        }
        let mut digests = Vec::with_capacity(end - start);
        if partition_size == num_cols {
            H::hash_rows::<E>(buffer, width, &mut digests);
        } else {
            for row in buffer.chunks(width) {
                let parts: Vec<H::Digest> = E::slice_from_base_elements(row)
                    .chunks(partition_size)
                    .map(H::hash_elements)
                    .collect();
                digests.push(H::merge_many(&parts));
            }
        }
        digests
    };
    #[cfg(feature = "concurrent")]
    let hashes: Vec<H::Digest> = (0..lde.num_rows())
        .into_par_iter()
        .step_by(ROWS_PER_TASK)
        .map_init(Vec::new, hash_rows)
        .flatten_iter()
        .collect();
    #[cfg(not(feature = "concurrent"))]
    let hashes: Vec<H::Digest> = {
        let mut buffer = Vec::new();
        (0..lde.num_rows())
            .step_by(ROWS_PER_TASK)
            .flat_map(|s| hash_rows(&mut buffer, s))
            .collect()
    };
    MerkleTree::new(hashes).expect("an LDE has a power-of-two number of rows, at least 2")
}

/// The rows at `positions` and their Merkle openings.
fn query_rows<E, H>(lde: &Extension, tree: &MerkleTree<H>, positions: &[usize]) -> Queries
where
    E: FieldElement<BaseField = Felt>,
    H: ElementHasher<BaseField = Felt>,
{
    let states: Vec<Vec<E>> = positions.iter().map(|&p| lde.row_vec::<E>(p)).collect();
    let (_, proof) = tree
        .open_many(positions)
        .expect("query positions lie in the LDE domain");
    Queries::new::<H, E, MerkleTree<H>>(proof, states)
}

/// The prover's [`TraceLde`]: the main and auxiliary segments' extensions and commitments.
pub struct VmTraceLde<E: FieldElement<BaseField = Felt>, H: ElementHasher<BaseField = Felt>> {
    main: Extension,
    main_tree: MerkleTree<H>,
    aux: Option<(Extension, MerkleTree<H>)>,
    blowup: usize,
    trace_info: TraceInfo,
    partition: PartitionOptions,
    _field: PhantomData<E>,
}

impl<E, H> VmTraceLde<E, H>
where
    E: FieldElement<BaseField = Felt>,
    H: LeafHasher + Sync,
{
    /// Extends and commits to the main trace; returns the LDE and the main trace's
    /// polynomials.
    pub fn new(
        trace_info: &TraceInfo,
        main: &ColMatrix<Felt>,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self, TracePolyTable<E>) {
        let (polys, lde) = extend(main, domain);
        let tree = commit_rows::<Felt, H>(&lde, partition);
        let this = Self {
            main: lde,
            main_tree: tree,
            aux: None,
            blowup: domain.trace_to_lde_blowup(),
            trace_info: trace_info.clone(),
            partition,
            _field: PhantomData,
        };
        (this, TracePolyTable::new(polys))
    }
}

impl<E, H> TraceLde<E> for VmTraceLde<E, H>
where
    E: FieldElement<BaseField = Felt>,
    H: LeafHasher + Sync,
{
    type HashFn = H;
    type VC = MerkleTree<H>;

    fn get_main_trace_commitment(&self) -> <H as Hasher>::Digest {
        *self.main_tree.root()
    }

    fn set_aux_trace(
        &mut self,
        aux_trace: &ColMatrix<E>,
        domain: &StarkDomain<Felt>,
    ) -> (ColMatrix<E>, <H as Hasher>::Digest) {
        assert!(
            self.aux.is_none(),
            "the auxiliary trace has already been added"
        );
        let (polys, lde) = extend(aux_trace, domain);
        assert_eq!(
            lde.num_rows(),
            self.main.num_rows(),
            "main and auxiliary LDE lengths"
        );
        let tree = commit_rows::<E, H>(&lde, self.partition);
        let root = *tree.root();
        self.aux = Some((lde, tree));
        (polys, root)
    }

    fn read_main_trace_frame_into(&self, lde_step: usize, frame: &mut EvaluationFrame<Felt>) {
        let next = (lde_step + self.blowup) % self.main.num_rows();
        self.main.read_base_row(lde_step, frame.current_mut());
        self.main.read_base_row(next, frame.next_mut());
    }

    fn read_aux_trace_frame_into(&self, lde_step: usize, frame: &mut EvaluationFrame<E>) {
        let (aux, _) = self
            .aux
            .as_ref()
            .expect("the auxiliary trace is set before it is read");
        let next = (lde_step + self.blowup) % aux.num_rows();
        aux.read_row(lde_step, frame.current_mut());
        aux.read_row(next, frame.next_mut());
    }

    fn query(&self, positions: &[usize]) -> Vec<Queries> {
        let mut queries = vec![query_rows::<Felt, H>(
            &self.main,
            &self.main_tree,
            positions,
        )];
        if let Some((aux, tree)) = &self.aux {
            queries.push(query_rows::<E, H>(aux, tree, positions));
        }
        queries
    }

    fn trace_len(&self) -> usize {
        self.main.num_rows()
    }

    fn blowup(&self) -> usize {
        self.blowup
    }

    fn trace_info(&self) -> &TraceInfo {
        &self.trace_info
    }
}

/// The prover's [`ConstraintCommitment`]: the composition polynomial's columns extended
/// with [`evaluate_polys`] and committed row by row (winterfell's `CompositionPoly::new`
/// interpolates them: its columns cannot be built otherwise).
pub struct VmConstraintCommitment<
    E: FieldElement<BaseField = Felt>,
    H: ElementHasher<BaseField = Felt>,
> {
    lde: Extension,
    tree: MerkleTree<H>,
    _field: PhantomData<E>,
}

impl<E, H> VmConstraintCommitment<E, H>
where
    E: FieldElement<BaseField = Felt>,
    H: LeafHasher + Sync,
{
    /// Splits the composition polynomial into `num_columns` columns, extends and commits to
    /// them; returns the commitment and the columns.
    pub fn new(
        composition: CompositionPolyTrace<E>,
        num_columns: usize,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self, CompositionPoly<E>) {
        let poly = CompositionPoly::new(composition, domain, num_columns);
        let lde = evaluate_polys(poly.data(), domain);
        let tree = commit_rows::<E, H>(&lde, partition);
        let this = Self {
            lde,
            tree,
            _field: PhantomData,
        };
        (this, poly)
    }
}

impl<E, H> ConstraintCommitment<E> for VmConstraintCommitment<E, H>
where
    E: FieldElement<BaseField = Felt>,
    H: LeafHasher + Sync,
{
    type HashFn = H;
    type VC = MerkleTree<H>;

    fn commitment(&self) -> <H as Hasher>::Digest {
        *self.tree.root()
    }

    fn query(self, positions: &[usize]) -> Queries {
        query_rows::<E, H>(&self.lde, &self.tree, positions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use winter_crypto::hashers::Blake3_192;
    use winter_math::{fft::get_twiddles, fields::QuadExtension, StarkField};
    use winter_prover::{DefaultConstraintCommitment, DefaultTraceLde};

    type Ext = QuadExtension<Felt>;
    type H = Blake3_192<Felt>;

    fn columns(width: usize, n: usize, seed: u64) -> Vec<Vec<Felt>> {
        (0..width as u64)
            .map(|c| {
                (0..n as u64)
                    .map(|r| {
                        Felt::new(
                            (r * 1_000_003 + c * 7_919 + seed).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    /// Same polynomials, evaluations, commitments and openings as winterfell's
    /// `DefaultTraceLde`, for a main segment whose width is not a multiple of the lanes and an
    /// auxiliary segment over the quadratic extension, at blowup 4 and 8.
    #[test]
    fn matches_winterfells_trace_lde() {
        for (log_n, blowup, width, aux_width) in [(4, 4, 13, 3), (8, 8, 107, 12), (10, 4, 8, 1)] {
            let n = 1usize << log_n;
            let main = ColMatrix::new(columns(width, n, 1));
            let aux_base = columns(2 * aux_width, n, 2);
            let aux = ColMatrix::new(
                (0..aux_width)
                    .map(|c| {
                        (0..n)
                            .map(|r| Ext::new(aux_base[2 * c][r], aux_base[2 * c + 1][r]))
                            .collect()
                    })
                    .collect(),
            );
            let info = TraceInfo::new_multi_segment(width, aux_width, 1, n, vec![]);
            let domain =
                StarkDomain::from_twiddles(get_twiddles::<Felt>(n), blowup, Felt::GENERATOR);
            for partition in [PartitionOptions::default(), PartitionOptions::new(4, 8)] {
                let (mut ours, our_polys) =
                    VmTraceLde::<Ext, H>::new(&info, &main, &domain, partition);
                let (mut theirs, their_polys) =
                    DefaultTraceLde::<Ext, H, MerkleTree<H>>::new(&info, &main, &domain, partition);
                assert_eq!(
                    ours.get_main_trace_commitment(),
                    theirs.get_main_trace_commitment()
                );
                let z = Ext::new(Felt::new(5), Felt::new(11));
                assert_eq!(our_polys.evaluate_at(z), their_polys.evaluate_at(z));
                assert!(our_polys
                    .main_trace_polys()
                    .eq(their_polys.main_trace_polys()));
                let (our_aux_polys, our_root) = ours.set_aux_trace(&aux, &domain);
                let (their_aux_polys, their_root) = theirs.set_aux_trace(&aux, &domain);
                assert_eq!(our_root, their_root);
                assert_eq!(our_aux_polys.into_columns(), their_aux_polys.into_columns());
                for step in [0, 1, n * blowup - 1, n * blowup / 3] {
                    let (mut a, mut b) = (EvaluationFrame::new(width), EvaluationFrame::new(width));
                    ours.read_main_trace_frame_into(step, &mut a);
                    theirs.read_main_trace_frame_into(step, &mut b);
                    assert_eq!((a.current(), a.next()), (b.current(), b.next()));
                    let (mut a, mut b) = (
                        EvaluationFrame::new(aux_width),
                        EvaluationFrame::new(aux_width),
                    );
                    ours.read_aux_trace_frame_into(step, &mut a);
                    theirs.read_aux_trace_frame_into(step, &mut b);
                    assert_eq!((a.current(), a.next()), (b.current(), b.next()));
                }
                let positions = [3, 0, n * blowup - 1, 17 % (n * blowup)];
                let (ours_q, theirs_q) = (ours.query(&positions), theirs.query(&positions));
                let bytes = |q: Vec<Queries>| -> Vec<Vec<u8>> {
                    use winter_utils::Serializable;
                    q.into_iter().map(|q| q.to_bytes()).collect()
                };
                assert_eq!(bytes(ours_q), bytes(theirs_q));
            }
        }
    }

    /// Same commitment and openings as winterfell's `DefaultConstraintCommitment`.
    #[test]
    fn matches_winterfells_constraint_commitment() {
        for (log_n, blowup, columns) in [(4, 4, 3), (9, 8, 2)] {
            let n = 1usize << log_n;
            let base = super::tests::columns(2, n * blowup, 3);
            let trace: Vec<Ext> = (0..n * blowup)
                .map(|r| Ext::new(base[0][r], base[1][r]))
                .collect();
            let domain =
                StarkDomain::from_twiddles(get_twiddles::<Felt>(n), blowup, Felt::GENERATOR);
            for partition in [PartitionOptions::default(), PartitionOptions::new(2, 2)] {
                let (ours, our_poly) = VmConstraintCommitment::<Ext, H>::new(
                    CompositionPolyTrace::new(trace.clone()),
                    columns,
                    &domain,
                    partition,
                );
                let (theirs, their_poly) =
                    DefaultConstraintCommitment::<Ext, H, MerkleTree<H>>::new(
                        CompositionPolyTrace::new(trace.clone()),
                        columns,
                        &domain,
                        partition,
                    );
                assert_eq!(our_poly.into_columns(), their_poly.into_columns());
                assert_eq!(ours.commitment(), theirs.commitment());
                use winter_utils::Serializable;
                let positions = [1, 0, n * blowup - 1];
                assert_eq!(
                    ours.query(&positions).to_bytes(),
                    theirs.query(&positions).to_bytes()
                );
            }
        }
    }
}
