//! Public stack inputs and outputs: the statement a proof is about.

use alloc::vec::Vec;
use core::fmt;

use crate::{Felt, FieldElement, STACK_TOP_SIZE};

/// Errors building stack inputs or outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StackError {
    /// More than 16 values were given.
    TooManyValues(usize),
}

// So that the facade's error enum can wrap it (`core::error::Error` is in `core` since
// Rust 1.81, so this stays `no_std`).
impl core::error::Error for StackError {}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StackError::TooManyValues(n) => {
                write!(
                    f,
                    "{n} stack values given, at most {STACK_TOP_SIZE} are allowed"
                )
            }
        }
    }
}

/// The initial operand stack: up to 16 public values.
///
/// Built from values in Miden's inputs-file order: the **last** value ends up on top of the
/// stack. Missing positions are zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackInputs {
    top_first: Vec<Felt>,
}

impl StackInputs {
    /// Builds stack inputs from values in file order (the last value is the top).
    pub fn new(values: Vec<Felt>) -> Result<Self, StackError> {
        if values.len() > STACK_TOP_SIZE {
            return Err(StackError::TooManyValues(values.len()));
        }
        let mut top_first = values;
        top_first.reverse();
        Ok(Self { top_first })
    }

    /// Builds stack inputs from integers in file order (the last value is the top); values
    /// are reduced modulo p.
    pub fn try_from_ints<I: IntoIterator<Item = u64>>(values: I) -> Result<Self, StackError> {
        Self::new(values.into_iter().map(Felt::new).collect())
    }

    /// The given values, top of the stack first (without zero padding).
    pub fn top_first(&self) -> &[Felt] {
        &self.top_first
    }

    /// The 16 initial stack elements, top first, zero-padded.
    pub fn padded(&self) -> [Felt; STACK_TOP_SIZE] {
        let mut out = [Felt::ZERO; STACK_TOP_SIZE];
        out[..self.top_first.len()].copy_from_slice(&self.top_first);
        out
    }
}

/// The final operand stack: the top 16 elements, top first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackOutputs {
    top_first: [Felt; STACK_TOP_SIZE],
}

impl StackOutputs {
    /// Builds outputs from up to 16 values, top first; missing positions are zero.
    pub fn new(top_first: &[Felt]) -> Result<Self, StackError> {
        if top_first.len() > STACK_TOP_SIZE {
            return Err(StackError::TooManyValues(top_first.len()));
        }
        let mut out = [Felt::ZERO; STACK_TOP_SIZE];
        out[..top_first.len()].copy_from_slice(top_first);
        Ok(Self { top_first: out })
    }

    /// The 16 output elements, top first.
    pub fn top_first(&self) -> &[Felt; STACK_TOP_SIZE] {
        &self.top_first
    }

    /// The outputs as canonical integers, top first.
    pub fn as_ints(&self) -> Vec<u64> {
        self.top_first.iter().map(|f| f.as_int()).collect()
    }
}
