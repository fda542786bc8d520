//! The language corpus (tests/corpus/lang/*.exs at the repository root)
//! as the vm tests read it: its format is in tests/corpus/cases.exs, and
//! tests/corpus/expect.exs fills in the results from real Elixir.
use std::path::PathBuf;

/// One case: an input typed at the console and what real iex printed.
// the listing test reads only the input
#[allow(dead_code)]
pub struct Case {
    /// Line of the corpus file where the input starts.
    pub line: usize,
    pub input: String,
    /// The `#|` lines: output that reached the console.
    pub output: Vec<String>,
    /// The `#=>` lines: the value or error banner; none when the shell
    /// died before giving one.
    pub value: Vec<String>,
    /// Why the playground gets this case wrong (`# known-failing: ...`).
    pub known_failing: Option<String>,
}

/// The corpus files, `(name, text)` in name order.
pub fn files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/lang");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".exs")?
                .to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((name, text))
        })
        .collect();
    beamplay_term::sort::sort_by(&mut files, Ord::cmp);
    assert!(
        files.len() >= 10,
        "corpus in {} has {} files",
        dir.display(),
        files.len()
    );
    files
}

/// The cases of a corpus file, in order.
pub fn cases(name: &str, text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut input: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut known_failing = None;
    // whether the last case is still taking result lines
    let mut in_results = false;
    for (i, line) in text.lines().enumerate() {
        let result = line
            .strip_prefix("#=>")
            .map(|v| (false, v))
            .or_else(|| line.strip_prefix("#|").map(|o| (true, o)));
        match result {
            Some((is_output, text)) => {
                if !input.is_empty() {
                    cases.push(Case {
                        line: start,
                        input: input
                            .iter()
                            .filter(|l| !l.starts_with('#'))
                            .copied()
                            .collect::<Vec<_>>()
                            .join("\n")
                            .trim()
                            .to_string(),
                        output: Vec::new(),
                        value: Vec::new(),
                        known_failing: known_failing.take(),
                    });
                    input.clear();
                    in_results = true;
                }
                let (Some(case), true) = (cases.last_mut(), in_results) else {
                    panic!(
                        "{name}.exs:{}: a result line with no input before it",
                        i + 1
                    );
                };
                let text = text.strip_prefix(' ').unwrap_or(text).to_string();
                if is_output {
                    case.output.push(text);
                } else if text.is_empty() && case.value.is_empty() {
                    panic!(
                        "{name}.exs:{}: no result yet: run `elixir tests/corpus/expect.exs`",
                        i + 1
                    );
                } else {
                    case.value.push(text);
                }
            }
            None if input.is_empty() && (line.is_empty() || line.starts_with('#')) => {
                in_results = false;
                if let Some(reason) = line.strip_prefix("# known-failing:") {
                    known_failing = Some(reason.trim().to_string());
                }
            }
            None => {
                if input.is_empty() {
                    start = i + 1;
                }
                in_results = false;
                input.push(line);
            }
        }
    }
    assert!(
        input.is_empty(),
        "{name}.exs:{start}: a case without a `#=>` line"
    );
    cases
}
