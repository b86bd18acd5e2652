//! Builds the main execution trace (the columns of `vm_air::layout`) from what the tracing
//! executor recorded, and pads and randomizes it for zero knowledge. Each component's
//! columns are filled beside the others, as the AIR splits them: `cpu` (decoder, stack,
//! table registers, helpers) and `chiplets` (the chiplet region's sections, with the
//! rows of [`memory`] and [`bitwise`]).

pub mod bitwise;
mod chiplets;
mod cpu;
pub mod memory;

use rand::Rng;
use vm_air::{chiplets::hasher as hash, layout::*, Preset};
use vm_core::{Felt, FieldElement, Program};
use vm_processor::trace::ExecutionTrace;
use winter_prover::{matrix::ColMatrix, EvaluationFrame, Trace, TraceInfo};

/// The main trace with what the auxiliary trace needs to be built.
pub struct VmTrace {
    info: TraceInfo,
    main: ColMatrix<Felt>,
    /// Row of the final state (last row before the random rows).
    pub last_real: usize,
    /// Random rows at the end of every column.
    pub random_rows: usize,
    /// The randomization sources in use (all of them unless a test switched one off).
    #[cfg(feature = "testing")]
    zk_sources: ZkSourcesForTesting,
    /// A liar's change to the auxiliary trace, applied after it is built (testing only).
    #[cfg(feature = "testing")]
    aux_tamper: Option<AuxTamperForTesting>,
}

/// **Dangerous: forges the bus columns.** A change to the auxiliary trace after the prover
/// built it honestly, given the bus challenges drawn from the transcript: the malicious
/// prover of the soundness tests, who controls the bus columns too.
#[cfg(feature = "testing")]
#[doc(hidden)]
pub type AuxTamperForTesting = std::sync::Arc<
    dyn Fn(&mut ColMatrix<crate::check::CheckField>, &[crate::check::CheckField]) + Send + Sync,
>;

#[cfg(feature = "testing")]
impl VmTrace {
    /// **Dangerous: lets a test forge a trace.** The main columns, for tests that tamper
    /// with a trace.
    #[doc(hidden)]
    pub fn columns_mut_for_testing(&mut self) -> &mut ColMatrix<Felt> {
        &mut self.main
    }

    /// **Dangerous: forges the bus columns.** Makes the prover apply `tamper` to the
    /// auxiliary trace it builds (over the quadratic extension, the 96-bit presets'), so
    /// that a bus forgery can be proven and shown to the verifier.
    #[doc(hidden)]
    pub fn tamper_aux_for_testing(&mut self, tamper: AuxTamperForTesting) {
        self.aux_tamper = Some(tamper);
    }

    /// The change [`Self::tamper_aux_for_testing`] asked for, if any.
    #[doc(hidden)]
    pub fn aux_tamper_for_testing(&self) -> Option<&AuxTamperForTesting> {
        self.aux_tamper.as_ref()
    }
}

/// **Dangerous: breaks zero knowledge.** Which randomization sources a trace keeps; a
/// source that is off holds zeros instead of randomness. Only the zero-knowledge tests use
/// it, to show that every source is needed by some test (`docs/zk.md`).
#[cfg(feature = "testing")]
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZkSourcesForTesting {
    /// The random rows of the `BASE_WIDTH` columns (after the last real row).
    pub main_random_rows: bool,
    /// The randomizer columns (every row).
    pub randomizer_columns: bool,
    /// The random rows of the composition mask columns.
    pub mask_rows: bool,
    /// The random rows of the auxiliary columns (read by `aux::build`).
    pub aux_random_rows: bool,
}

#[cfg(feature = "testing")]
impl ZkSourcesForTesting {
    /// Every source on: what the prover does.
    pub const ALL_ON: Self = Self {
        main_random_rows: true,
        randomizer_columns: true,
        mask_rows: true,
        aux_random_rows: true,
    };
}

#[cfg(feature = "testing")]
impl VmTrace {
    /// **Dangerous: breaks zero knowledge.** Overwrites with zeros every main source that
    /// `sources` switches off and records the auxiliary one for `aux::build`; `preset` is
    /// the one the trace was built under.
    #[doc(hidden)]
    pub fn weaken_zk_for_testing(&mut self, preset: &Preset, sources: ZkSourcesForTesting) {
        let (n, last) = (self.info.length(), self.last_real);
        let same =
            self.main.num_cols() == preset.main_width() && self.random_rows == preset.random_rows();
        assert!(same, "the trace was built under another preset");
        let mut zero = |cols: core::ops::Range<usize>, rows: core::ops::Range<usize>| {
            for c in cols {
                self.main.get_column_mut(c)[rows.clone()].fill(Felt::ZERO);
            }
        };
        let randomizers = RANDOMIZER..RANDOMIZER + preset.randomizer_columns();
        if !sources.main_random_rows {
            zero(0..BASE_WIDTH, last + 1..n);
        }
        if !sources.randomizer_columns {
            zero(randomizers, 0..n);
        }
        if !sources.mask_rows {
            zero(preset.first_mask_column()..preset.main_width(), last + 1..n);
        }
        self.zk_sources = sources;
    }

    /// The sources in use (see [`VmTrace::weaken_zk_for_testing`]).
    #[doc(hidden)]
    pub fn zk_sources_for_testing(&self) -> ZkSourcesForTesting {
        self.zk_sources
    }
}

impl Trace for VmTrace {
    type BaseField = Felt;

    fn info(&self) -> &TraceInfo {
        &self.info
    }

    fn main_segment(&self) -> &ColMatrix<Felt> {
        &self.main
    }

    fn read_main_frame(&self, row: usize, frame: &mut EvaluationFrame<Felt>) {
        let next = (row + 1) % self.info.length();
        self.main.read_row_into(row, frame.current_mut());
        self.main.read_row_into(next, frame.next_mut());
    }
}

/// The shape of a trace: how many rows the CPU and the chiplet need and the length chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceShape {
    /// Rows the CPU needs: the executed cycles plus the `HALT` rows that drain the overflow,
    /// plus one: the row before the last real row must execute a `HALT`.
    pub cpu_rows: usize,
    /// Rows the chiplet region needs: the hasher's 8 per block of 4 instructions, the
    /// memory chiplet's (one per access), the bitwise chiplet's and the range checker's.
    pub chiplet_rows: usize,
    /// Rows of the hash chiplet's program attestation (8 per block of 4 instructions).
    pub attestation_rows: usize,
    /// Rows of the hasher's request section: 8 per permutation `HPERM` asks for, and a
    /// closing row that holds the last one's output (none without requests).
    pub request_rows: usize,
    /// Rows of the memory chiplet (one per access).
    pub memory_rows: usize,
    /// Rows of the bitwise chiplet (two per `U32AND`/`U32XOR`, plus one filler row when
    /// the section follows the hasher's directly).
    pub bitwise_rows: usize,
    /// Rows of the range checker's table (to `2^16 - 1`; the section then runs on to the
    /// last real row).
    pub range_rows: usize,
    /// The padded trace length (a power of two).
    pub trace_len: usize,
    /// The last real row.
    pub last_real: usize,
}

impl TraceShape {
    /// The shape of a trace for `cycles` executed rows ending at stack depth `final_depth`,
    /// for a program of `program_len` instructions under `preset`, with `permutations`
    /// hash requests, `memory_rows` memory accesses, `bitwise_rows` rows of the bitwise
    /// chiplet and `range_rows` rows of the range checker.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cycles: usize,
        final_depth: usize,
        program_len: usize,
        permutations: usize,
        memory_rows: usize,
        bitwise_rows: usize,
        range_rows: usize,
        preset: &Preset,
    ) -> Self {
        let cpu_rows = cycles + final_depth.saturating_sub(16) + 1;
        let attestation_rows = hash::CYCLE_LEN * program_len.div_ceil(INSTRUCTIONS_PER_CYCLE);
        let request_rows = request_rows(permutations);
        let chiplet_rows =
            attestation_rows + request_rows + memory_rows + bitwise_rows + range_rows;
        // One row more than the chiplet region needs: the last real row's own fractions are
        // outside the bus's sum (it sums the transitions from rows 0..last), so it must be a
        // filler row of the range checker (its last value again, multiplicity 0), never the
        // table's real last entry, whose lookups would go unanswered.
        let needed = cpu_rows.max(chiplet_rows + 1) + preset.random_rows();
        let trace_len = needed.next_power_of_two().max(preset.min_trace_len);
        Self {
            cpu_rows,
            chiplet_rows,
            attestation_rows,
            request_rows,
            memory_rows,
            bitwise_rows,
            range_rows,
            trace_len,
            last_real: trace_len - preset.random_rows() - 1,
        }
    }

    /// The zero-knowledge random rows after the last real row (the preset's; 0 without ZK).
    pub fn random_rows(&self) -> usize {
        self.trace_len - self.last_real - 1
    }
}

/// Rows of the hasher's request section for `permutations` requests: a cycle each, then a
/// closing row holding the last output.
fn request_rows(permutations: usize) -> usize {
    if permutations == 0 {
        0
    } else {
        hash::CYCLE_LEN * permutations + 1
    }
}

/// The permutations the run asked the hasher for (`HPERM`), in execution order: input and
/// output states.
pub fn permutations(exec: &ExecutionTrace) -> Vec<([Felt; 12], [Felt; 12])> {
    exec.hasher
        .iter()
        .filter_map(|r| match r {
            vm_processor::trace::HasherRequest::Permutation { input, output, .. } => {
                Some((*input, *output))
            }
            _ => None,
        })
        .collect()
}

/// The shape of the trace [`build`] makes for `exec` (a run of `program` ending at depth
/// `final_depth`) under `preset`.
pub fn shape(
    program: &Program,
    exec: &ExecutionTrace,
    final_depth: usize,
    preset: &Preset,
) -> TraceShape {
    let mem_rows = memory::table(memory::accesses(exec));
    let u32_cells = cpu::u32_cells(exec, None);
    let range_rows = memory::range_table_with(&mem_rows, &u32_cells.lookups).len();
    let perms = permutations(exec).len();
    let bit_rows = bitwise::rows(&exec.bitwise, mem_rows.is_empty() && perms == 0).len();
    TraceShape::new(
        exec.rows.len(),
        final_depth,
        program.code().len(),
        perms,
        mem_rows.len(),
        bit_rows,
        range_rows,
        preset,
    )
}

/// The shape of the trace of a run that made no memory access, no hash or bitwise request
/// and no u32 operation: `cycles` executed rows ending at depth `final_depth`, for a program of
/// `program_len` instructions.
pub fn shape_without_memory(
    cycles: usize,
    final_depth: usize,
    program_len: usize,
    preset: &Preset,
) -> TraceShape {
    let range_rows = memory::range_table(&[]).len();
    TraceShape::new(
        cycles,
        final_depth,
        program_len,
        0,
        0,
        0,
        range_rows,
        preset,
    )
}

#[cfg(feature = "testing")]
pub use hooks::TraceHooksForTesting;
use hooks::TraceHooksForTesting as Hooks;

/// The deviations [`build`] never makes; public only with the `testing` feature.
mod hooks {
    /// **Dangerous: builds a forged trace.** Deliberate deviations for the soundness
    /// tests' malicious provers. (Lies about the tables during the run, such as a pop of a
    /// row below the newest, are made in the processor's state: `vm_processor::testing`.)
    /// An honest prover uses the default, which changes nothing.
    #[doc(hidden)]
    #[derive(Clone, Copy, Debug, Default)]
    pub struct TraceHooksForTesting {
        /// `HALT` rows leave the overflow table as it is instead of draining it.
        pub skip_drain: bool,
        /// Changes the memory accesses before the memory table is built from them (every
        /// derived column then follows the lie).
        pub memory: Option<fn(&mut Vec<super::memory::Access>)>,
        /// Changes the bitwise chiplet's rows (their cells, `vm_air::chiplets::bitwise`)
        /// before they are placed in the region.
        pub bitwise: Option<fn(&mut Vec<super::bitwise::Row>)>,
        /// Changes the helper cells of a u32 operation's row (`vm_air::u32ops`; called with
        /// the row, its operation and its cells) before the range checker's table is built
        /// from their lookups (so its multiplicities follow the lie).
        pub u32_cells: Option<super::cpu::U32CellsHook>,
    }
}

/// Builds the trace of an execution under `preset` (random rows and randomizer columns
/// filled from `rng`).
pub fn build(
    program: &Program,
    exec: &ExecutionTrace,
    final_depth: usize,
    preset: &Preset,
    rng: &mut impl Rng,
) -> VmTrace {
    build_hooked(program, exec, final_depth, preset, rng, Hooks::default())
}

/// **Dangerous: builds a forged trace.** [`build`] with deviations for malicious-prover
/// tests. The chiplet hashes `program`; the CPU columns follow `exec`, which a test may
/// have produced from another program.
#[cfg(feature = "testing")]
#[doc(hidden)]
pub fn build_with_hooks_for_testing(
    program: &Program,
    exec: &ExecutionTrace,
    final_depth: usize,
    preset: &Preset,
    rng: &mut impl Rng,
    hooks: TraceHooksForTesting,
) -> VmTrace {
    build_hooked(program, exec, final_depth, preset, rng, hooks)
}

fn build_hooked(
    program: &Program,
    exec: &ExecutionTrace,
    final_depth: usize,
    preset: &Preset,
    rng: &mut impl Rng,
    hooks: Hooks,
) -> VmTrace {
    let mut accesses = memory::accesses(exec);
    if let Some(lie) = hooks.memory {
        lie(&mut accesses);
    }
    let mem_rows = memory::table(accesses);
    let u32_cells = cpu::u32_cells(exec, hooks.u32_cells);
    let range_rows = memory::range_table_with(&mem_rows, &u32_cells.lookups);
    let perms = permutations(exec);
    let mut bit_rows = bitwise::rows(&exec.bitwise, mem_rows.is_empty() && perms.is_empty());
    if let Some(lie) = hooks.bitwise {
        lie(&mut bit_rows);
    }
    let shape = TraceShape::new(
        exec.rows.len(),
        final_depth,
        program.code().len(),
        perms.len(),
        mem_rows.len(),
        bit_rows.len(),
        range_rows.len(),
        preset,
    );
    let n = shape.trace_len;
    let width = preset.main_width();
    let mut cols: Vec<Vec<Felt>> = (0..width).map(|_| vec![Felt::ZERO; n]).collect();

    cpu::fill_cpu(
        &mut cols,
        exec,
        &u32_cells,
        shape.attestation_rows,
        shape.last_real,
        hooks,
    );
    chiplets::fill_chiplet(
        &mut cols,
        program,
        &perms,
        &mem_rows,
        &bit_rows,
        &range_rows,
        shape.last_real,
    );

    // Zero knowledge: uniformly random rows after the last real one, and randomizer columns.
    let random = |rng: &mut dyn rand::RngCore| Felt::new(rng.gen_range(0..vm_core::MODULUS));
    for col in cols.iter_mut().take(BASE_WIDTH) {
        for v in &mut col[shape.last_real + 1..] {
            *v = random(rng);
        }
    }
    for col in cols
        .iter_mut()
        .skip(BASE_WIDTH)
        .take(preset.randomizer_columns())
    {
        for v in col.iter_mut() {
            *v = random(rng);
        }
    }
    // Composition masks: zero on the real rows, random on the random rows.
    for col in cols.iter_mut().skip(preset.first_mask_column()) {
        for v in &mut col[shape.last_real + 1..] {
            *v = random(rng);
        }
    }
    let info = TraceInfo::new_multi_segment(width, AUX_WIDTH, AUX_RANDS, n, vec![]);
    VmTrace {
        info,
        main: ColMatrix::new(cols),
        last_real: shape.last_real,
        random_rows: preset.random_rows(),
        #[cfg(feature = "testing")]
        zk_sources: ZkSourcesForTesting::ALL_ON,
        #[cfg(feature = "testing")]
        aux_tamper: None,
    }
}
