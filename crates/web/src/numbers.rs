//! Numbers as the page writes them, by integer arithmetic: the wasm then
//! carries none of core's float formatting (floats a user sees are
//! printed by `beamplay_term`, exactly, as iex prints them).

/// A drawing's coordinate, to a tenth of a pixel: `12.5`, `40`, `-3.2`.
pub fn coord(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let a = tenths.unsigned_abs();
    match a % 10 {
        0 => format!("{sign}{}", a / 10),
        t => format!("{sign}{}.{t}", a / 10),
    }
}

/// Microseconds as milliseconds with `places` decimals, 3 at most (rounded
/// half up): `ms(1234, 1)` is `1.2`.
pub fn ms(us: u64, places: u32) -> String {
    let places = places.min(3);
    let unit = 10u64.pow(3 - places);
    let n = (us + unit / 2) / unit;
    let scale = 10u64.pow(places);
    match places {
        0 => n.to_string(),
        p => format!("{}.{:0width$}", n / scale, n % scale, width = p as usize),
    }
}

/// A latency in milliseconds as the menus show it: `40`, `0.02`.
pub fn latency(ms: f64) -> String {
    if ms.fract() == 0.0 && ms >= 0.0 {
        (ms as u64).to_string()
    } else {
        beamplay_term::float_to_string(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_before() {
        assert_eq!(coord(12.54), "12.5");
        assert_eq!(coord(40.0), "40");
        assert_eq!(coord(-3.25), "-3.3");
        assert_eq!(coord(0.04), "0");
        assert_eq!(ms(1234, 1), "1.2");
        assert_eq!(ms(20, 3), "0.020");
        assert_eq!(ms(1999, 1), "2.0");
        assert_eq!(ms(1234, 4), "1.234");
        assert_eq!(latency(40.0), "40");
        assert_eq!(latency(0.02), "0.02");
    }
}
