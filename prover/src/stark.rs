//! The winterfell `Prover` for the VM, generic over the commitment hash. Private to the
//! crate: its `prove` accepts any [`VmTrace`], and only `crate::prove` may choose the trace.

use core::marker::PhantomData;
use std::sync::Mutex;

use rand::rngs::StdRng;
use vm_air::{PublicInputs, VmAir};
use vm_core::{Felt, FieldElement};
use winter_air::{AuxRandElements, PartitionOptions};
use winter_crypto::{DefaultRandomCoin, MerkleTree};
use winter_prover::{
    matrix::ColMatrix, CompositionPoly, CompositionPolyTrace, ConstraintCompositionCoefficients,
    ProofOptions, Prover, StarkDomain, TraceInfo, TracePolyTable,
};

use crate::evaluate::VmConstraintEvaluator;
use crate::lde::{VmConstraintCommitment, VmTraceLde};
use crate::trace::VmTrace;

/// The winterfell prover of one statement.
pub struct VmStark<H> {
    options: ProofOptions,
    public: PublicInputs,
    /// Source of the auxiliary trace's random rows (behind a lock: `build_aux_trace`
    /// takes `&self`).
    rng: Mutex<StdRng>,
    _hash: PhantomData<H>,
}

impl<H> VmStark<H> {
    /// A prover for `public` under `options`.
    pub fn new(options: ProofOptions, public: PublicInputs, rng: StdRng) -> Self {
        Self {
            options,
            public,
            rng: Mutex::new(rng),
            _hash: PhantomData,
        }
    }
}

impl<H> Prover for VmStark<H>
where
    H: crate::lde::leaves::LeafHasher + Sync + Send,
{
    type BaseField = Felt;
    type Air = VmAir;
    type Trace = VmTrace;
    type HashFn = H;
    type VC = MerkleTree<H>;
    type RandomCoin = DefaultRandomCoin<H>;
    type TraceLde<E: FieldElement<BaseField = Felt>> = VmTraceLde<E, H>;
    type ConstraintCommitment<E: FieldElement<BaseField = Felt>> = VmConstraintCommitment<E, H>;
    type ConstraintEvaluator<'a, E: FieldElement<BaseField = Felt>> = VmConstraintEvaluator<'a, E>;

    fn get_pub_inputs(&self, _trace: &VmTrace) -> PublicInputs {
        self.public.clone()
    }

    fn options(&self) -> &ProofOptions {
        &self.options
    }

    fn new_trace_lde<E: FieldElement<BaseField = Felt>>(
        &self,
        info: &TraceInfo,
        main: &ColMatrix<Felt>,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self::TraceLde<E>, TracePolyTable<E>) {
        VmTraceLde::new(info, main, domain, partition)
    }

    fn new_evaluator<'a, E: FieldElement<BaseField = Felt>>(
        &self,
        air: &'a VmAir,
        aux_rands: Option<AuxRandElements<E>>,
        coefficients: ConstraintCompositionCoefficients<E>,
    ) -> Self::ConstraintEvaluator<'a, E> {
        VmConstraintEvaluator::new(air, aux_rands, coefficients)
    }

    fn build_constraint_commitment<E: FieldElement<BaseField = Felt>>(
        &self,
        composition: CompositionPolyTrace<E>,
        num_columns: usize,
        domain: &StarkDomain<Felt>,
        partition: PartitionOptions,
    ) -> (Self::ConstraintCommitment<E>, CompositionPoly<E>) {
        VmConstraintCommitment::new(composition, num_columns, domain, partition)
    }

    fn build_aux_trace<E: FieldElement<BaseField = Felt>>(
        &self,
        trace: &VmTrace,
        rands: &AuxRandElements<E>,
    ) -> ColMatrix<E> {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        #[allow(unused_mut)]
        let mut aux = crate::aux::build(trace, rands.rand_elements(), &mut *rng);
        #[cfg(feature = "testing")]
        if let Some(tamper) = trace.aux_tamper_for_testing() {
            tamper_aux(&mut aux, rands.rand_elements(), tamper);
        }
        aux
    }
}

/// Applies a liar's change, written over the checker's field, to an auxiliary trace over `E`
/// (the same field: the tampering tests prove under a 96-bit preset).
#[cfg(feature = "testing")]
fn tamper_aux<E: FieldElement<BaseField = Felt>>(
    aux: &mut ColMatrix<E>,
    rands: &[E],
    tamper: &crate::trace::AuxTamperForTesting,
) {
    use crate::check::CheckField;
    assert_eq!(
        E::EXTENSION_DEGREE,
        CheckField::EXTENSION_DEGREE,
        "a tampered proof uses the quadratic extension"
    );
    let cast = |values: &[E]| -> Vec<CheckField> {
        CheckField::slice_from_base_elements(E::slice_as_base_elements(values)).to_vec()
    };
    let mut columns = ColMatrix::new(
        (0..aux.num_cols())
            .map(|c| cast(aux.get_column(c)))
            .collect(),
    );
    tamper(&mut columns, &cast(rands));
    for c in 0..aux.num_cols() {
        let tampered = CheckField::slice_as_base_elements(columns.get_column(c));
        aux.get_column_mut(c)
            .copy_from_slice(E::slice_from_base_elements(tampered));
    }
}
