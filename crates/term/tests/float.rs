//! `parse_float`, the exact decimal reader the wasm uses instead of Rust's,
//! against Rust's `str::parse::<f64>` on random text.
#![cfg(not(target_arch = "wasm32"))]

use beamplay_term::parse_float;
use proptest::prelude::*;

// std's reader, kept out of the wasm (clippy.toml), is the reference here
#[allow(clippy::disallowed_methods)]
fn same(text: &str) -> Result<(), TestCaseError> {
    let ours = parse_float(text).map(f64::to_bits);
    let std = text.parse::<f64>().ok().map(f64::to_bits);
    prop_assert_eq!(ours, std, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// Every double's shortest text, and the same rounded to fewer digits
    /// or written with more, reads back as Rust reads it.
    #[test]
    fn doubles(bits in any::<u64>(), precision in 0usize..40) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        same(&format!("{f:e}"))?;
        same(&format!("{f:.precision$e}"))?;
        same(&format!("{f}"))?;
    }

    /// Random digit strings with a point and an exponent: near-ties,
    /// subnormals and overflow included.
    #[test]
    fn decimals(
        int in "[0-9]{0,30}",
        frac in "[0-9]{0,40}",
        exp in -360i32..360,
        sign in prop::sample::select(vec!["", "-", "+"]),
    ) {
        prop_assume!(!(int.is_empty() && frac.is_empty()));
        same(&format!("{sign}{int}.{frac}e{exp}"))?;
        same(&format!("{sign}{int}{frac}"))?;
    }

    /// Halfway between two neighbouring doubles, exactly and a hair
    /// either side: the ties-to-even rule.
    #[test]
    fn ties(bits in 1u64..0x7fe0_0000_0000_0000) {
        let lo = f64::from_bits(bits);
        let hi = f64::from_bits(bits + 1);
        let mid = format!("{:.1100e}", (lo / 2.0) + (hi / 2.0));
        let exact = half_sum(lo, hi);
        same(&exact)?;
        same(&format!("{}1", exact.trim_end_matches('0')))?;
        same(&mid)?;
    }
}

/// (lo + hi) / 2 written out exactly: both are multiples of 2^-1074, so the
/// mean is a multiple of 2^-1075, whose decimal expansion ends.
fn half_sum(lo: f64, hi: f64) -> String {
    use num_bigint::BigUint;
    // value = m * 2^e for each, summed over a common exponent
    let parts = |f: f64| {
        let b = f.to_bits();
        let e = ((b >> 52) & 0x7ff) as i64;
        let m = b & ((1 << 52) - 1);
        if e == 0 {
            (m, -1074)
        } else {
            (m | (1 << 52), e - 1075)
        }
    };
    let (m1, e1) = parts(lo);
    let (m2, e2) = parts(hi);
    let e = e1.min(e2);
    let sum = (BigUint::from(m1) << (e1 - e) as usize) + (BigUint::from(m2) << (e2 - e) as usize);
    if e > 0 {
        return format!("{}", sum << (e - 1) as usize);
    }
    // sum * 2^(e-1) = sum * 5^(1-e) / 10^(1-e)
    let k = (1 - e) as u32;
    let digits = (sum * BigUint::from(5u32).pow(k)).to_string();
    format!("{digits}e-{k}")
}
