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

/// Which way [`Decimal::round_places`] takes the magnitude when it drops
/// digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Up when the first digit dropped is 5 or more.
    HalfUp,
    /// Up when any digit is dropped.
    Up,
    /// Never up: the dropped digits are cut.
    Down,
}

/// The decimal digits of a finite double, without leading or trailing
/// zeros: `|f| = 0.DIGITS x 10^point`. Exact big-integer arithmetic,
/// so the wasm carries none of core's float formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub digits: Vec<u8>,
    pub point: i32,
}

impl Decimal {
    /// Every digit of |f|'s exact value (at most 767 significant ones).
    pub fn exact(f: f64) -> Decimal {
        let bits = f.abs().to_bits();
        let (exp, frac) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
        let (mantissa, e) = match exp {
            0 => (frac, -1074),
            _ => (frac | 1 << 52, exp - 1075),
        };
        if mantissa == 0 {
            return Decimal {
                digits: Vec::new(),
                point: 0,
            };
        }
        // m x 2^e, and for e < 0, m x 5^-e / 10^-e
        let (n, shift) = if e >= 0 {
            (BigUint::from(mantissa) << e as usize, 0)
        } else {
            (
                BigUint::from(mantissa) * BigUint::from(5u8).pow((-e) as u32),
                -e,
            )
        };
        let text = n.to_str_radix(10);
        let point = text.len() as i32 - shift;
        let digits = text
            .trim_end_matches('0')
            .bytes()
            .map(|b| b - b'0')
            .collect();
        Decimal { digits, point }
    }

    /// Rounded to `n` significant digits, ties to even (of the exact
    /// value: a tie is a 5 with nothing after it).
    pub fn round_sig(&self, n: usize) -> Decimal {
        self.round_at(n as i64)
    }

    /// Rounded to `places` digits after the point as Elixir's
    /// `Float.round/2`, `floor/2` and `ceil/2` round the magnitude.
    pub fn round_places(&self, places: i32, rounding: Rounding) -> Decimal {
        let keep = i64::from(self.point) + i64::from(places);
        let mut d = self.truncated(keep);
        let k = keep.max(0) as usize;
        let up = match rounding {
            Rounding::HalfUp => keep >= 0 && self.digits.get(k).is_some_and(|x| *x >= 5),
            Rounding::Up => self.digits.len() > k,
            Rounding::Down => false,
        };
        if up {
            d.increment();
        }
        d.trim();
        d
    }

    /// The first `keep` digits, trailing zeros kept so that a unit added
    /// lands in the last place kept; with none kept (`keep <= 0`), the
    /// point moves so that the unit is the place `keep` points at.
    fn truncated(&self, keep: i64) -> Decimal {
        if keep <= 0 {
            return Decimal {
                digits: Vec::new(),
                point: self
                    .point
                    .saturating_sub(i32::try_from(keep).unwrap_or(i32::MIN)),
            };
        }
        let keep = keep.min(self.digits.len() as i64) as usize;
        Decimal {
            digits: self.digits[..keep].to_vec(),
            point: self.point,
        }
    }

    fn round_at(&self, keep: i64) -> Decimal {
        let mut d = self.truncated(keep);
        let k = keep.max(0) as usize;
        let up = match self.digits.get(k) {
            Some(x) if *x > 5 => true,
            Some(5) => {
                let more = self.digits.len() > k + 1;
                let odd = k > 0 && self.digits[k - 1] % 2 == 1;
                more || odd
            }
            _ => false,
        };
        if up && keep >= 0 {
            d.increment();
        }
        d.trim();
        d
    }

    fn trim(&mut self) {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
    }

    /// Adds one unit in the last place kept: 0.99 x 10^p becomes
    /// 0.1 x 10^(p + 1), and with no digit kept the unit is 10^p.
    fn increment(&mut self) {
        let mut i = self.digits.len();
        loop {
            if i == 0 {
                self.digits.insert(0, 1);
                self.point += 1;
                break;
            }
            i -= 1;
            if self.digits[i] == 9 {
                self.digits[i] = 0;
            } else {
                self.digits[i] += 1;
                break;
            }
        }
    }

    /// Reads as `0.DIGITS e POINT`.
    fn text(&self) -> String {
        let mut s = String::from("0.");
        s.extend(self.digits.iter().map(|d| char::from(b'0' + d)));
        if self.digits.is_empty() {
            s.push('0');
        }
        s.push('e');
        s.push_str(&self.point.to_string());
        s
    }

    /// The double this decimal reads as (positive).
    pub fn to_f64(&self) -> f64 {
        parse_float(&self.text()).unwrap_or(0.0)
    }

    /// The digits as text, with zeros after them up to `width` characters.
    pub fn digit_text(&self, width: usize) -> String {
        let mut s: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        while s.len() < width {
            s.push('0');
        }
        s
    }
}

/// The shortest digits that read back as |f| (the closest such when
/// several do): Erlang's `float_to_binary(F, [short])` and Elixir's
/// float printing. More digits never read back worse, so the count is
/// found by bisection.
pub fn shortest(f: f64) -> Decimal {
    let exact = Decimal::exact(f);
    let a = f.abs();
    let (mut lo, mut hi) = (1usize, 17usize);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if exact.round_sig(mid).to_f64() == a {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    exact.round_sig(lo)
}

/// C's `%.20e` of a finite double: `1.00000000000000000000e+00`, what
/// `float_to_binary/1` and the old FLOAT_EXT write.
pub fn c_exp20(f: f64) -> String {
    let d = Decimal::exact(f).round_sig(21);
    let digits = d.digit_text(21);
    let e = if d.digits.is_empty() { 0 } else { d.point - 1 };
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let esign = if e < 0 { '-' } else { '+' };
    format!(
        "{sign}{}.{}e{esign}{:02}",
        &digits[..1],
        &digits[1..],
        e.unsigned_abs()
    )
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
        return format!("{sign}{}.0", a as u64);
    }
    let short = shortest(a);
    let (d, p) = (short.digit_text(1), short.point);
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
    use super::{c_exp20, float_to_string as f, parse_float, shortest, Decimal, Rounding};

    /// Doubles of every kind: ordinary, tiny, huge, subnormal, ties.
    fn samples() -> Vec<f64> {
        let mut v = vec![
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            2.675,
            1e16,
            1e22,
            1e23,
            123456789.0,
            5e-324,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            9007199254740993.0,
            0.5,
            1.5,
            2.5,
            1e-7,
            4.35,
            100.0,
            0.001,
        ];
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = f64::from_bits(x >> 1);
            if f.is_finite() {
                v.push(f);
            }
        }
        v
    }

    /// The shortest digits read back, are as few as std's (`{:e}`), and
    /// are std's but where the value lies halfway between two such:
    /// Erlang (Ryu) takes the even one there, std the one above
    /// (2138389708628431.25 prints as ...431.2 in iex).
    #[test]
    fn shortest_digits_read_back_as_few_as_stds() {
        let mut ties = 0;
        for x in samples() {
            let d = shortest(x);
            assert_eq!(d.to_f64(), x.abs(), "{x:e}");
            let std = format!("{x:e}");
            let (mant, exp) = std.split_once('e').unwrap_or((&std, "0"));
            let digits: String = mant.chars().filter(|c| *c != '.').collect();
            let digits = digits.trim_end_matches('0');
            let ours = d.digit_text(1);
            let ours = ours.trim_end_matches('0');
            assert_eq!(ours.len(), digits.len(), "{x:e}");
            assert_eq!(
                i64::from(d.point) - 1,
                i64::from_str_radix(exp, 10).unwrap_or(0),
                "{x:e}"
            );
            if ours != digits {
                let exact = Decimal::exact(x);
                let n = ours.len();
                assert_eq!(exact.digits.get(n), Some(&5), "{x:e}: not a tie");
                assert_eq!(exact.digits.len(), n + 1, "{x:e}: not a tie");
                assert!(ours.ends_with(['0', '2', '4', '6', '8']), "{x:e}");
                ties += 1;
            }
        }
        assert!(ties > 0, "the samples hold ties");
    }

    /// `c_exp20` is C's `%.20e`: std's `{:.20e}` with C's exponent.
    #[test]
    fn c_exp20_is_c() {
        for x in samples().into_iter().chain([-1.5, 0.0, -0.0, 1e100]) {
            let std = format!("{x:.20e}");
            let (mant, exp) = std.split_once('e').unwrap_or((&std, "0"));
            let e = i32::from_str_radix(exp, 10).unwrap_or(0);
            let want = format!(
                "{mant}e{}{:02}",
                if e < 0 { '-' } else { '+' },
                e.unsigned_abs()
            );
            assert_eq!(c_exp20(x), want);
        }
    }

    /// Rounding at decimal places on the exact value: 2.675 is below
    /// 2.675 in binary, 0.005 above.
    #[test]
    fn rounds_places_on_the_exact_value() {
        let at = |x: f64, p: i32, how| Decimal::exact(x).round_places(p, how).to_f64();
        let r = |x, p| at(x, p, Rounding::HalfUp);
        assert_eq!(r(2.675, 2), 2.67);
        assert_eq!(r(0.005, 2), 0.01);
        assert_eq!(r(0.0004, 2), 0.0);
        assert_eq!(r(9.995, 2), 9.99);
        assert_eq!(r(0.95, 1), 0.9);
        assert_eq!(r(99.96, 1), 100.0);
        assert_eq!(r(1.25, 1), 1.3);
        assert_eq!(r(0.5, 0), 1.0);
        // 0.1 is a little above 0.1: any digit dropped takes it up
        assert_eq!(at(0.1, 1, Rounding::Up), 0.2);
        assert_eq!(at(0.1, 1, Rounding::Down), 0.1);
        assert_eq!(at(1.5, 1, Rounding::Up), 1.5);
        // nothing kept: the unit added is the last place asked for
        assert_eq!(at(1.0e-30, 2, Rounding::Up), 0.01);
        assert_eq!(at(1.0e-30, 3, Rounding::Down), 0.0);
        assert_eq!(at(0.6, 0, Rounding::Up), 1.0);
    }

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
