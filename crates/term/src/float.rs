//! Floats as Elixir prints them (ELIXIR_SUBSET.md 3.2): shortest digits
//! that read back, decimal or scientific by Erlang's rules.

/// Shortest round-trip digits and exponent `p` with `|f| = 0.DIGITS x 10^p`.
fn digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: d.ddde±x
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
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
    use super::float_to_string as f;

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
