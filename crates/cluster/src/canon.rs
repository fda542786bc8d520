//! Canonical form of a console transcript, for comparing the playground
//! with real OTP: a port of shared/oracle/canon.
//!
//! - pids become `#PID<0.L.L>` (the printing node's own) or `#PID<Rk.L.L>`,
//!   k numbering the remote nodes of one line in the order they first
//!   appear in it (each node prints a remote node under a number of its
//!   own, so pids of two nodes never print alike, but the numbers differ
//!   from run to run); references become `#Reference<R>`, the numbers of
//!   `#Function<N.M/...` `F`;
//! - a term or banner wrapped over several lines is joined into one;
//! - within the block of one input line, output and late values
//!   (`nodeN| ...`, `nodeN ~> ...`) come after the line's own value, in order.

/// Replaces every `#PID<a.b.c>`, `#Reference<...>` and `#Function<N.M/`.
fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    // the remote nodes' numbers, in the order the line shows them
    let mut remote: Vec<&str> = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("#PID<") {
            if let Some((inner, after)) = r.split_once('>') {
                let parts: Vec<&str> = inner.split('.').collect();
                if parts.len() == 3
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                {
                    if parts[0] == "0" {
                        out.push_str("#PID<0.L.L>");
                    } else {
                        let k = match remote.iter().position(|n| *n == parts[0]) {
                            Some(k) => k,
                            None => {
                                remote.push(parts[0]);
                                remote.len() - 1
                            }
                        };
                        out.push_str(&format!("#PID<R{}.L.L>", k + 1));
                    }
                    rest = after;
                    continue;
                }
            }
        }
        if let Some(r) = rest.strip_prefix("#Reference<") {
            if let Some((inner, after)) = r.split_once('>') {
                if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    out.push_str("#Reference<R>");
                    rest = after;
                    continue;
                }
            }
        }
        if let Some(r) = rest.strip_prefix("#Function<") {
            if let Some((inner, after)) = r.split_once('/') {
                let parts: Vec<&str> = inner.split('.').collect();
                if parts.len() == 2
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                {
                    out.push_str("#Function<F/");
                    rest = after;
                    continue;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// `name| text` output lines: the node name and the text.
fn output_parts(line: &str) -> Option<(&str, &str)> {
    let (name, text) = line.split_once("| ")?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some((name, text))
}

fn word_then(line: &str, sep: &str) -> bool {
    match line.split_once(sep) {
        Some((name, _)) => {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        None => false,
    }
}

fn is_input(line: &str) -> bool {
    word_then(line, "> ")
}

fn is_async(line: &str) -> bool {
    output_parts(line).is_some() || word_then(line, " ~> ")
}

/// The canonical form of a transcript.
pub fn canonical(transcript: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for raw in transcript.lines() {
        let line = normalize(raw.trim_end());
        let continues_output = match (output_parts(&line), out.last()) {
            (Some((name, text)), Some(prev)) => {
                text.starts_with(' ') && prev.starts_with(&format!("{name}| "))
            }
            _ => false,
        };
        if continues_output {
            let text = output_parts(&line)
                .map(|(_, t)| t.trim().to_string())
                .unwrap_or_default();
            if let Some(prev) = out.last_mut() {
                prev.push(' ');
                prev.push_str(&text);
            }
        } else if line.starts_with(' ') && out.last().is_some_and(|p| output_parts(p).is_none()) {
            if let Some(prev) = out.last_mut() {
                prev.push(' ');
                prev.push_str(line.trim());
            }
        } else {
            out.push(line);
        }
    }
    let mut result = Vec::new();
    let (mut values, mut asyncs): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for line in out {
        if is_input(&line) || line.starts_with('@') {
            result.append(&mut values);
            result.append(&mut asyncs);
            result.push(line);
        } else if is_async(&line) {
            asyncs.push(line);
        } else {
            values.push(line);
        }
    }
    result.append(&mut values);
    result.append(&mut asyncs);
    let mut s = result.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn ids_and_wrapping_are_normalized() {
        let t = "node1> self()\n#PID<0.110.0>\nnode1> x\n{#PID<12.95.0>, #PID<9.1.0>, #PID<12.3.0>}\nnode1> f\n#Function<42.3316493/1 in :erl_eval.expr/6>\nnode1> r\n#Reference<0.1.2.3>\n";
        assert_eq!(
            canonical(t),
            "node1> self()\n#PID<0.L.L>\nnode1> x\n{#PID<R1.L.L>, #PID<R2.L.L>, #PID<R1.L.L>}\nnode1> f\n#Function<F/1 in :erl_eval.expr/6>\nnode1> r\n#Reference<R>\n"
        );
    }

    #[test]
    fn output_moves_after_the_value_and_wrapped_lines_join() {
        let t = "node1> spawn(...)\nnode1| hello\n{1,\n 2}\nnode1> :x\n:x\n";
        assert_eq!(
            canonical(t),
            "node1> spawn(...)\n{1, 2}\nnode1| hello\nnode1> :x\n:x\n"
        );
    }

    #[test]
    fn every_shared_transcript_matches_the_python_canon() {
        // canon/NAME.canon is shared/oracle/canon run on scenarios/NAME.expected
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance");
        let entries = std::fs::read_dir(format!("{root}/canon")).expect("canon fixtures");
        let mut n = 0;
        for e in entries.flatten() {
            let path = e.path();
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let src = std::fs::read_to_string(format!("{root}/scenarios/{name}.expected"))
                .expect("transcript");
            let want = std::fs::read_to_string(&path).expect("canon fixture");
            assert_eq!(canonical(&src), want, "{name}");
            n += 1;
        }
        assert!(n > 0, "no canon fixtures");
    }
}
