//! Stack traces and crash reports. Turning raw reasons into Elixir
//! exceptions and wording banners is Elixir code (the prelude's
//! `Exception`), run by the process that needs it.
use beamplay_term::{Atom, Term};

use crate::native::Raise;
use crate::node::{ConsoleEvent, Node};
use crate::process::Process;

/// How many frames a stack trace keeps.
const MAX_FRAMES: usize = 8;

fn location(node: &Node, line: u32) -> Term {
    let file = Term::list("iex".chars().map(|c| Term::Int(c as i64)));
    Term::list([
        Term::tuple(vec![node.atom_term("file"), file]),
        Term::tuple(vec![node.atom_term("line"), Term::Int(i64::from(line))]),
    ])
}

/// `[{module, function, arity, location}]`, innermost first. A BIF's
/// argument errors ride in the first entry's `error_info`, as in OTP.
pub fn stacktrace(node: &Node, p: &Process, r: &Raise) -> Term {
    let mut items = Vec::new();
    if let Some((m, f, a)) = &r.mfa {
        let info = if r.arg_errors.is_empty() {
            Term::Nil
        } else {
            let errs =
                Term::list(r.arg_errors.iter().map(|(n, text)| {
                    Term::tuple(vec![Term::Int(i64::from(*n)), Term::string(text)])
                }));
            let map = Term::map(std::iter::once((node.atom_term("beamplay_args"), errs)).collect());
            Term::list([Term::tuple(vec![node.atom_term("error_info"), map])])
        };
        items.push(Term::tuple(vec![
            Term::Atom(m.clone()),
            Term::Atom(f.clone()),
            Term::Int(i64::from(*a)),
            info,
        ]));
    }
    for fr in p.frames.iter().rev().take(MAX_FRAMES) {
        items.push(Term::tuple(vec![
            Term::Atom(fr.module.name.clone()),
            Term::Atom(fr.fun.name.clone()),
            Term::Int(i64::from(fr.fun.arity)),
            location(node, fr.fun.line),
        ]));
    }
    Term::list(items)
}

/// The raw reason an error exit carries (`{reason, stack}`).
pub fn normalize_reason(_node: &Node, r: &Raise) -> Term {
    r.reason.clone()
}

/// The reason a handler sees: the raw one, as `catch` shows it.
pub fn attach_details(_node: &Node, r: &Raise) -> Term {
    r.reason.clone()
}

pub fn pid_text(node: &Node, pid: &Term) -> String {
    node.inspect_plain(pid)
}

impl Node {
    /// The logger's report for a process that raised (shown on the
    /// console, never part of a transcript).
    pub(crate) fn report_crash(&mut self, p: &Process, r: &Raise) {
        if r.kind == crate::native::Kind::Exit {
            return;
        }
        let what = match r.kind {
            crate::native::Kind::Throw => format!(
                "** (ErlangError) Erlang error: {{:nocatch, {}}}",
                self.inspect_plain(&r.reason)
            ),
            _ => self.error_line(&r.reason),
        };
        let text = format!(
            "[error] Process {} on node {} raised an exception\n{}",
            pid_text(self, &p.pid),
            self.inspect_plain(&Term::Atom(self.name.clone())),
            what
        );
        self.console.output(ConsoleEvent::Log(text));
    }
}

impl Node {
    /// `** (Mod) message` for an exception struct with a message field,
    /// else the raw reason as an ErlangError (a report, not a banner).
    fn error_line(&self, reason: &Term) -> String {
        if let Term::Map(m) = reason {
            let get = |k: &str| {
                m.entries
                    .iter()
                    .find(|(key, _)| key.is_atom(k))
                    .map(|(_, v)| v)
            };
            if let (Some(Term::Atom(module)), Some(msg)) = (get("__struct__"), get("message")) {
                if let Some(text) = msg.as_str() {
                    return format!("** ({}) {text}", module_text(module));
                }
            }
        }
        format!(
            "** (ErlangError) Erlang error: {}",
            self.inspect_plain(reason)
        )
    }
}

/// An atom as Elixir shows a module in messages (`Foo`, `:lists`).
pub fn module_text(a: &Atom) -> String {
    crate::compile::alias_text(a.as_str())
}
