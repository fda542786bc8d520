//! Stack traces and crash reports. Turning raw reasons into Elixir
//! exceptions and wording banners is Elixir code (the prelude's
//! `Exception`), run by the process that needs it.
use beamplay_term::Term;

use crate::native::Raise;
use crate::node::Node;
use crate::process::Process;
use crate::services::LOGGER_ID;

/// How many frames a stack trace keeps.
const MAX_FRAMES: usize = 8;

/// `[file: 'iex', line: 3]`, and `error_info: info` when given.
fn location(node: &Node, file: &str, line: u32, info: Option<Term>) -> Term {
    let file = Term::list(file.chars().map(|c| Term::Int(c as i64)));
    let mut items = vec![
        Term::tuple(vec![node.atom_term("file"), file]),
        Term::tuple(vec![node.atom_term("line"), Term::Int(i64::from(line))]),
    ];
    if let Some(i) = info {
        items.push(Term::tuple(vec![node.atom_term("error_info"), i]));
    }
    Term::list(items)
}

/// `[{module, function, arity, location}]`, innermost first. A BIF's
/// argument errors ride in the first entry's `error_info`, as in OTP.
pub fn stacktrace(node: &Node, p: &Process, r: &Raise) -> Term {
    if let Some(stack) = &r.stack {
        return stack.clone();
    }
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
    // `raise` runs in the prelude; BEAM names the function that raised,
    // with the `error_info` Elixir's `raise` adds
    let mut raised_by_kernel = false;
    let frames = p.frames.iter().rev().take(MAX_FRAMES);
    for (fr, code) in frames.filter_map(|fr| Some((fr, fr.code()?))) {
        if items.is_empty()
            && fr.module.name.as_str() == "Elixir.Beamplay.Runtime"
            && code.name.as_str() == "raise"
        {
            raised_by_kernel = true;
            continue;
        }
        let info = std::mem::take(&mut raised_by_kernel).then(|| {
            let m = node.atom_term("module");
            let e = node.atom_term("Elixir.Exception");
            Term::map(std::iter::once((m, e)).collect())
        });
        items.push(Term::tuple(vec![
            Term::Atom(fr.module.name.clone()),
            Term::Atom(code.name.clone()),
            Term::Int(i64::from(code.arity)),
            location(node, &fr.module.file, code.line_at(fr.pc), info),
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
    /// `[error] Process ... raised an exception` for a process that ended
    /// by a raise: the header here, the rest formatted by the `:logger`
    /// process (shown on the console, never part of a transcript).
    pub(crate) fn report_crash(&mut self, p: &Process, r: &Raise) {
        let (kind, reason) = match r.kind {
            crate::native::Kind::Exit => return,
            crate::native::Kind::Throw => (
                "error",
                Term::tuple(vec![self.atom_term("nocatch"), r.reason.clone()]),
            ),
            crate::native::Kind::Error => ("error", r.reason.clone()),
        };
        let header = format!(
            "[error] Process {}{} raised an exception",
            pid_text(self, &p.pid),
            self.on_node()
        );
        let stack = stacktrace(self, p, r);
        let msg = Term::tuple(vec![
            self.atom_term("crash"),
            Term::string(&header),
            self.atom_term(kind),
            reason,
            stack,
        ]);
        self.deliver(None, LOGGER_ID, msg);
    }

    /// ` on node :name` in logger reports, as OTP words it for a
    /// distributed node (nothing for `nonode@nohost`).
    pub(crate) fn on_node(&self) -> String {
        if self.name.as_str() == "nonode@nohost" {
            String::new()
        } else {
            format!(
                " on node {}",
                self.inspect_plain(&Term::Atom(self.name.clone()))
            )
        }
    }
}
