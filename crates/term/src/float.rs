//! Floats as Elixir reads and prints them: decimal text to the nearest
//! double, and (ELIXIR_SUBSET.md 3.2) shortest digits that read back,
//! decimal or scientific by Erlang's rules.

use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};

/// The most significant digits read exactly. Deciding a tie between two
/// doubles needs at most 767; the rest only tell whether anything is left,
/// which a final `1` keeps.
const MAX_DIGITS: usize = 800;

/// Decimal text, `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at least
/// one side of the point), to the nearest double, ties to even, as Rust's
/// `str::parse::<f64>` does: infinite when too large, zero when too small.
/// Exact big-integer arithmetic, so the wasm carries no float-parsing
/// tables.
pub fn parse_float(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let mut exp10 = match exponent {
        None => 0,
        Some(e) => {
            let (neg, d) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            if d.is_empty() || !digits_only(d) {
                return None;
            }
            // saturates: beyond a million the value is 0 or infinite anyway
            let v = d
                .bytes()
                .fold(0i64, |v, b| (v * 10 + i64::from(b - b'0')).min(1 << 20));
            if neg {
                -v
            } else {
                v
            }
        }
    };
    exp10 -= frac.len() as i64;
    let all = int.bytes().chain(frac.bytes()).skip_while(|b| *b == b'0');
    let mut digits: Vec<u8> = all.collect();
    // trailing zeros only scale
    while digits.last() == Some(&b'0') {
        digits.pop();
        exp10 += 1;
    }
    let magnitude = if digits.is_empty() {
        0.0
    } else {
        if digits.len() > MAX_DIGITS {
            exp10 += (digits.len() - MAX_DIGITS) as i64;
            let rest_nonzero = digits[MAX_DIGITS..].iter().any(|b| *b != b'0');
            digits.truncate(MAX_DIGITS);
            if rest_nonzero {
                digits.push(b'1');
                exp10 -= 1;
            }
        }
        nearest(&digits, exp10)
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The double nearest to `digits x 10^exp10` (`digits` without leading or
/// trailing zeros, at most `MAX_DIGITS + 1` of them).
fn nearest(digits: &[u8], exp10: i64) -> f64 {
    let len = digits.len() as i64;
    // below 10^-324 rounds to zero; 10^309 and above overflow
    if len + exp10 <= -324 {
        return 0.0;
    }
    if len + exp10 > 310 {
        return f64::INFINITY;
    }
    let n = BigUint::parse_bytes(digits, 10).unwrap_or_default();
    let ten = BigUint::from(10u32);
    let (num, den) = if exp10 >= 0 {
        (n * ten.pow(exp10 as u32), BigUint::from(1u32))
    } else {
        (n, ten.pow(exp10.unsigned_abs() as u32))
    };
    // q = floor(num * 2^k / den) with 65 or 66 bits; value = (q + rest) / 2^k
    let k = 65 - (num.bits() as i64 - den.bits() as i64);
    let (num, den) = if k >= 0 {
        (num << k as usize, den)
    } else {
        (num, den << k.unsigned_abs() as usize)
    };
    let (q, r) = (&num / &den, &num % &den);
    let q = q.to_u128().unwrap_or(u128::MAX);
    let sticky = !r.is_zero();
    let bits = 128 - i64::from(q.leading_zeros());
    // keep 53 bits, or down to 2^-1074 for a subnormal result
    let shift = (bits - 53).max(k - 1074);
    let mut mant = (q >> shift) as u64;
    let rest = q & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rest > half || (rest == half && (sticky || mant & 1 == 1)) {
        mant += 1;
    }
    // mant <= 2^53 is exact, and so is its product with a power of two
    // unless it overflows, which is infinity as it should be
    mant as f64 * pow2(shift - k)
}

/// 2^e for e in -1074..=1023.
fn pow2(e: i64) -> f64 {
    if e < -1022 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        f64::from_bits(((e + 1023) as u64) << 52)
    }
}

/// Shortest round-trip digits and exponent `p` with `|f| = 0.DIGITS x 10^p`.
fn digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: d.ddde±x
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let e = i32::from_str_radix(exp, 10).unwrap_or(0);
    let d: String = mant.chars().filter(|c| *c != '.').collect();
    let d = d.trim_end_matches('0').to_string();
    (if d.is_empty() { "0".into() } else { d }, e + 1)
}

/// `inspect/1` and `to_string/1` of a float.
pub fn float_to_string(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let a = f.abs();
    if (1.0..1.0e16).contains(&a) && a.fract() == 0.0 {
        return format!("{sign}{a:.0}.0");
    }
    let (d, p) = digits(a);
    let len = d.len() as i32;
    let body = if p >= 0 && p < len {
        if p == 0 {
            format!("0.{d}")
        } else {
            format!("{}.{}", &d[..p as usize], &d[p as usize..])
        }
    } else if p < 0 {
        let e = p - 1;
        let cost = e.to_string().len() as i32 + 1 + if len == 1 { 2 } else { 1 };
        if 2 - p <= cost {
            format!("0.{}{d}", "0".repeat((-p) as usize))
        } else {
            scientific(&d, e)
        }
    } else {
        scientific(&d, p - 1)
    };
    format!("{sign}{body}")
}

fn scientific(d: &str, e: i32) -> String {
    let (first, rest) = d.split_at(1);
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{first}.{rest}e{e}")
}

#[cfg(test)]
mod tests {
    use super::{float_to_string as f, parse_float};

    /// Our exact reader agrees with Rust's on the awkward cases: ties,
    /// subnormals, the edges of the range, long inputs.
    #[test]
    // std's reader, kept out of the wasm (clippy.toml), is the reference here
    #[allow(clippy::disallowed_methods)]
    fn parse_matches_std() {
        let cases = [
            "0",
            "0.0",
            "-0.0",
            "1",
            "1.5",
            "-2.5e-3",
            "0.1",
            "0.30000000000000004",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000001",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e309",
            "123456789012345678901234567890e-10",
            "1.",
            ".5",
            "00012.3400",
            "1e+5",
            "1E5",
            "7.2057594037927933e16",
            "8.98846567431158e307",
            "1e99999999999999999",
            "1e-99999999999999999",
            "0e999999",
        ];
        for c in cases {
            assert_eq!(
                parse_float(c).map(f64::to_bits),
                c.parse::<f64>().ok().map(f64::to_bits),
                "{c}"
            );
        }
        let long = format!("0.{}1", "0".repeat(900));
        assert_eq!(parse_float(&long), Some(0.0));
        let tie = format!("9007199254740993{}", "0".repeat(850));
        let above = format!("{tie}1e-850");
        assert_eq!(parse_float(&above), above.parse::<f64>().ok());
        for bad in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "1x", "inf", "nan", "--1",
        ] {
            assert_eq!(parse_float(bad), None, "{bad}");
        }
    }

    #[test]
    fn erlang_float_shapes() {
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(1.0e16), "1.0e16");
        assert_eq!(f(1.0e15), "1000000000000000.0");
        assert_eq!(f(100.0), "100.0");
        assert_eq!(f(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(1.0e-5), "1.0e-5");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(2.5e-7), "2.5e-7");
        assert_eq!(f(1.2e-4), "1.2e-4");
        assert_eq!(f(0.001), "0.001");
        assert_eq!(f(123.456), "123.456");
        assert_eq!(f(1.2345678901234568e17), "1.2345678901234568e17");
        assert_eq!(f(105.0), "105.0");
        assert_eq!(f(2.5), "2.5");
    }
}
