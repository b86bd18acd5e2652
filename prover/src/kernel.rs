//! The vector units the prover's hot loops are compiled for, picked at run time.
//!
//! The default build targets the portable x86-64 baseline (SSE2), where eight-lane loops
//! over Goldilocks elements run one scalar lane at a time. The FFT (`lde::fft`) and the
//! constraint evaluation's eight-point AIR evaluations (`evaluate`) are therefore compiled
//! a second and third time, for x86-64-v4 (AVX-512) and x86-64-v3 (AVX2), with the
//! [`avx512`] and [`avx2`] wrappers below, and [`Kernel::best`] says, once per process,
//! which of them this CPU runs (`is_x86_feature_detected!`), the way the `blake3` crate
//! picks its compression function.

use std::sync::OnceLock;

/// The code paths compiled into this binary, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// x86-64-v4: AVX-512 (F, DQ, VL, BW) with BMI2.
    Avx512,
    /// x86-64-v3: AVX2, FMA, BMI1/2.
    Avx2,
    /// The build's own target (portable x86-64 or any other architecture).
    Baseline,
}

impl Kernel {
    /// Whether this CPU can run the kernel.
    pub fn is_supported(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => {
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx512vl")
                    && std::is_x86_feature_detected!("avx512bw")
                    && Kernel::Avx2.is_supported()
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                std::is_x86_feature_detected!("avx2")
                    && std::is_x86_feature_detected!("fma")
                    && std::is_x86_feature_detected!("bmi1")
                    && std::is_x86_feature_detected!("bmi2")
                    && std::is_x86_feature_detected!("lzcnt")
                    && std::is_x86_feature_detected!("popcnt")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Kernel::Avx512 | Kernel::Avx2 => false,
            Kernel::Baseline => true,
        }
    }

    /// The best kernel this CPU runs, detected once per process.
    pub fn best() -> Kernel {
        static BEST: OnceLock<Kernel> = OnceLock::new();
        *BEST.get_or_init(|| {
            [Kernel::Avx512, Kernel::Avx2]
                .into_iter()
                .find(|k| k.is_supported())
                .unwrap_or(Kernel::Baseline)
        })
    }

    /// Its name in reports (`vm bench`).
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512 => "avx512",
            Kernel::Avx2 => "avx2",
            Kernel::Baseline => "baseline",
        }
    }
}

/// Compiles the functions inside with x86-64-v4's features (AVX-512 F, DQ, VL, BW and
/// the x86-64-v3 ones). Calling them is `unsafe`: only where [`Kernel::Avx512`] is
/// supported.
macro_rules! avx512 {
    ($($item:item)*) => {
        $(
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
            $item
        )*
    };
}

/// Compiles the functions inside with x86-64-v3's features (AVX2, FMA, BMI1/2, LZCNT,
/// POPCNT). Calling them is `unsafe`: only where [`Kernel::Avx2`] is supported.
macro_rules! avx2 {
    ($($item:item)*) => {
        $(
            #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
            $item
        )*
    };
}

#[allow(unused_imports)]
pub(crate) use {avx2, avx512};
