//! The bitwise chiplet's rows (`vm_air::chiplets::bitwise`), built from the requests the
//! processor recorded.

use vm_air::chiplets::bitwise;
use vm_core::Felt;
use vm_processor::trace::BitwiseRequest;

/// One row of the bitwise section: its cells (`vm_air::chiplets::bitwise::cols`).
pub type Row = [Felt; bitwise::cols::WIDTH];

/// The section's rows for `requests`, in execution order: two per request (`a AND b`; a
/// `U32XOR` asks the same question, see `vm_air::chiplets::bitwise`), after a filler row
/// when the section follows the hasher's directly (`after_hasher`: the memory section is
/// empty), whose state lanes then hold the hasher's output.
pub fn rows(requests: &[BitwiseRequest], after_hasher: bool) -> Vec<Row> {
    let mut out = Vec::with_capacity(bitwise::ROWS_PER_OP * requests.len() + 1);
    if after_hasher && !requests.is_empty() {
        out.push(bitwise::FILLER);
    }
    for r in requests {
        out.extend(bitwise::op_rows(r.a, r.b));
    }
    out
}
