//! Progress reporting for long proofs.
//!
//! winterfell has no progress callback, but it opens a `tracing` span for each phase of
//! the proof (`build_aux_trace`, `commit_to_main_trace_segment`, `compute_fri_layers` ...).
//! [`ProgressLayer`] is a `tracing_subscriber` layer that turns the opening of each such
//! span into a [`Progress`] event for a callback; [`crate::ProvingOptions::with_progress`]
//! installs it for one proof. The facade adds its own phases before winterfell's
//! ([`PHASE_EXECUTE`], [`PHASE_BUILD_TRACE`]) and a last one ([`PHASE_DONE`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::span;
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// The program is being executed with the tracing executor.
pub const PHASE_EXECUTE: &str = "execute";
/// The main trace is being built from the execution.
pub const PHASE_BUILD_TRACE: &str = "build_trace";
/// The proof is made.
pub const PHASE_DONE: &str = "done";

/// One progress event: a phase of the proof started.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The phase: one of this module's constants or the name of a winterfell span.
    pub phase: &'static str,
    /// Nesting depth of the phase (0 for the facade's phases and winterfell's top-level
    /// spans, more for the spans inside them).
    pub depth: usize,
    /// Time since the proof started.
    pub elapsed: Duration,
}

/// A progress callback, shared with the prover's threads.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A `tracing_subscriber` layer that reports each new span as a [`Progress`] event.
///
/// ```
/// use tracing_subscriber::layer::SubscriberExt;
/// let layer = vm::progress::ProgressLayer::new(|p: &vm::progress::Progress| {
///     eprintln!("{:>8.2?} {}", p.elapsed, p.phase)
/// });
/// let subscriber = tracing_subscriber::registry().with(layer);
/// # let _ = subscriber;
/// ```
pub struct ProgressLayer {
    callback: ProgressFn,
    started: Instant,
}

impl ProgressLayer {
    /// A layer that calls `callback` for every span opened.
    pub fn new(callback: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        Self::from_arc(Arc::new(callback))
    }

    /// A layer around a shared callback.
    pub fn from_arc(callback: ProgressFn) -> Self {
        Self {
            callback,
            started: Instant::now(),
        }
    }

    /// A layer whose clock started at `started` (the facade's, so that its own phases and
    /// winterfell's share one clock).
    fn started_at(callback: ProgressFn, started: Instant) -> Self {
        Self { callback, started }
    }

    /// Reports a phase of the facade's own.
    pub(crate) fn report(callback: &ProgressFn, started: Instant, phase: &'static str) {
        callback(&Progress {
            phase,
            depth: 0,
            elapsed: started.elapsed(),
        });
    }
}

impl<S> Layer<S> for ProgressLayer
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let depth = ctx.span(id).map(|s| s.scope().skip(1).count()).unwrap_or(0);
        (self.callback)(&Progress {
            phase: attrs.metadata().name(),
            depth,
            elapsed: self.started.elapsed(),
        });
    }
}

/// Runs `f` with a [`ProgressLayer`] around `callback`, whose clock started at `started`,
/// as this thread's `tracing` subscriber: every winterfell phase `f` opens on this thread
/// reaches `callback`. [`crate::prove`] uses it for [`crate::ProvingOptions::with_progress`];
/// a caller that drives `vm_prover` itself (the CLI) uses it directly.
pub fn observe<T>(callback: ProgressFn, started: Instant, f: impl FnOnce() -> T) -> T {
    use tracing_subscriber::layer::SubscriberExt;
    keep_interest_global();
    let subscriber =
        tracing_subscriber::registry().with(ProgressLayer::started_at(callback, started));
    tracing::subscriber::with_default(subscriber, || {
        // `tracing` caches per call site whether any subscriber wants it. A span first
        // reached (on another thread) while no subscriber was interested is cached as
        // unwanted; recomputing the cache now that this thread's subscriber exists makes
        // every winterfell phase reach the callback.
        tracing::callsite::rebuild_interest_cache();
        f()
    })
}

/// tracing-core decides whether a call site is wanted with the *current thread's*
/// subscriber alone while it knows of at most one subscriber. A winterfell span first
/// reached by a proof on another thread would then be cached as unwanted and never reach a
/// progress callback. Two permanent no-op subscribers (which want nothing) make it ask
/// every live subscriber, whichever thread reaches the call site first.
fn keep_interest_global() {
    static KEEP: std::sync::OnceLock<[tracing::Dispatch; 2]> = std::sync::OnceLock::new();
    KEEP.get_or_init(|| {
        let none = || tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
        [none(), none()]
    });
}
