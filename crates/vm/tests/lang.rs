//! The language corpus run on one node, no World: each file's cases typed
//! in turn at a fresh node's console, what it prints compared with what
//! real iex printed (tests/corpus/expect.exs). Pids, references and the
//! numbers of `#Function<...>` differ between any two runs, so both sides
//! are compared with those replaced.
#![cfg(not(target_arch = "wasm32"))]
mod common;

use std::cell::Cell;
use std::rc::Rc;

use beamplay_vm::{ConsoleEvent, Node, NodeSpec, Runtime};

/// Virtual time a line may take (timers fired on the way) before it
/// counts as blocked: more than any `after` in the corpus.
const LINE_LIMIT_US: u64 = 60_000_000;

/// How long output may come after the value, as expect.exs waits.
const OUTPUT_WAIT_US: u64 = 100_000;

/// What the console printed for a line.
struct Printed {
    output: String,
    value: Option<String>,
}

/// Runs the node until nothing is runnable and no timer is due before
/// `until`, moving the clock to each timer in turn; stops early once the
/// console is free if `until_free`.
fn run(node: &mut Node, clock: &Cell<u64>, until: u64, until_free: bool) {
    loop {
        while node.step().is_some() {}
        if until_free && !node.console().busy() {
            return;
        }
        match node.next_timer_due() {
            Some(due) if due <= until => {
                clock.set(clock.get().max(due));
                node.fire_timers();
            }
            _ => return,
        }
    }
}

fn eval(node: &mut Node, clock: &Cell<u64>, input: &str) -> Printed {
    node.eval(input).expect("the console is free");
    run(node, clock, clock.get() + LINE_LIMIT_US, true);
    if node.console().busy() {
        return Printed {
            output: String::new(),
            value: Some("(blocked)".to_string()),
        };
    }
    run(node, clock, clock.get() + OUTPUT_WAIT_US, false);
    let mut printed = Printed {
        output: String::new(),
        value: None,
    };
    for e in node.take_console_events() {
        match e {
            // each event is whole lines, as the console shows it
            ConsoleEvent::Output(t) | ConsoleEvent::ShellExit(t) => {
                printed.output.push_str(t.strip_suffix('\n').unwrap_or(&t));
                printed.output.push('\n');
            }
            ConsoleEvent::Value(v) => printed.value = Some(v),
            ConsoleEvent::Log(_) | ConsoleEvent::Abandoned => {}
        }
    }
    printed
}

/// `#PID<0.L.L>`, `#Reference<R>` and `#Function<F/...`, as the
/// conformance runner's canonical form writes them.
fn canon(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let replaced = [
            ("#PID<", ">", "#PID<L>"),
            ("#Reference<", ">", "#Reference<R>"),
            ("#Function<", "/", "#Function<F/"),
        ]
        .iter()
        .find_map(|(open, close, with)| {
            let inner = rest.strip_prefix(open)?;
            let end = inner.find(close)?;
            let numbers = &inner[..end];
            (!numbers.is_empty() && numbers.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .then(|| (*with, open.len() + end + close.len()))
        });
        match replaced {
            Some((with, len)) => {
                out.push_str(with);
                rest = &rest[len..];
            }
            None => {
                out.push('#');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Output lines as `#|` lines and the value as `#=>` lines, as the
/// corpus writes them.
fn shown(output: &str, value: Option<&str>) -> String {
    let output = output
        .lines()
        .filter(|_| !output.is_empty())
        .map(|l| format!("#| {l}"));
    let value = value
        .into_iter()
        .flat_map(str::lines)
        .map(|l| format!("#=> {l}"));
    output.chain(value).collect::<Vec<_>>().join("\n")
}

fn lines_text(lines: &[String]) -> String {
    lines.join("\n")
}

fn trimmed_lines(text: &str) -> String {
    text.trim_end_matches('\n')
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_case_prints_what_iex_printed() {
    let rt = Runtime::new(1 << 20).expect("the prelude compiles");
    let (mut passed, mut known) = (0, 0);
    let mut wrong = Vec::new();
    for (name, text) in common::files() {
        let clock = Rc::new(Cell::new(0));
        let mut node = rt.boot(NodeSpec {
            name: "nonode@nohost",
            creation: 1,
            seed: 1,
            hidden: false,
            tracing: false,
            clock: clock.clone(),
            epmd: Rc::default(),
        });
        for case in common::cases(&name, &text) {
            let got = eval(&mut node, &clock, &case.input);
            let want_value = (!case.value.is_empty()).then(|| canon(&lines_text(&case.value)));
            let want_output = canon(&lines_text(&case.output));
            let got_value = got.value.as_deref().map(|v| canon(&trimmed_lines(v)));
            let got_output = canon(&trimmed_lines(&got.output));
            let ok = got_value == want_value && got_output == want_output;
            let at = format!("{name}.exs:{}", case.line);
            match (&case.known_failing, ok) {
                (None, true) => passed += 1,
                (Some(_), false) => known += 1,
                (Some(reason), true) => wrong.push(format!(
                    "{at}: passes now; remove its `# known-failing: {reason}`"
                )),
                (None, false) => wrong.push(format!(
                    "{at}:\n{}\n  iex printed:\n{}\n  the playground:\n{}",
                    case.input,
                    shown(&want_output, want_value.as_deref()),
                    shown(&got_output, got_value.as_deref()),
                )),
            }
        }
    }
    println!("{passed} passed, {known} known-failing");
    assert!(
        wrong.is_empty(),
        "{} cases differ from iex:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}
