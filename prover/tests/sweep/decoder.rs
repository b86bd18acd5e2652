//! Forgeries for the mutation sweep (see `main.rs`).

use crate::Case;

/// Constraints of this component no forgery can isolate, with the reason.
pub const REDUNDANT: &[(&str, &str)] = &[];

/// This component's forgeries, each isolated on its target.
pub fn cases() -> Vec<Case> {
    Vec::new()
}
