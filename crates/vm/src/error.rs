//! Stack traces and crash reports. Turning raw reasons into Elixir
//! exceptions and wording banners is Elixir code (the prelude's
//! `Exception`), run by the process that needs it.
use beamplay_term::Term;

use crate::code::Op;
use crate::native::Raise;
use crate::node::Node;
use crate::process::{Frame, Process};
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
    if let Some(given) = &r.stack {
        return given.clone();
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
    // with the `error_info` Elixir's `raise/1` adds (not `raise/2`'s)
    let mut raised_by_kernel = false;
    let frames: Vec<&Frame> = p.frames.iter().rev().collect();
    let mut i = 0;
    while let Some(fr) = frames.get(i) {
        if items.len() >= MAX_FRAMES {
            break;
        }
        let Some(code) = fr.code() else {
            i += 1;
            continue;
        };
        if items.is_empty()
            && !raised_by_kernel
            && fr.module.name.as_str() == "Elixir.Beamplay.Runtime"
            && code.name.as_str() == "raise"
        {
            raised_by_kernel = code.arity == 1;
            i += 1;
            continue;
        }
        let info = std::mem::take(&mut raised_by_kernel).then(|| {
            let m = node.atom_term("module");
            let e = node.atom_term("Elixir.Exception");
            Term::map(std::iter::once((m, e)).collect())
        });
        if fr.module.name == node.common.erl_eval {
            let run = frames[i..]
                .iter()
                .take_while(|f| f.module.name == node.common.erl_eval)
                .count();
            erl_eval_frames(
                node,
                &frames[i..i + run],
                items.is_empty(),
                info,
                &mut items,
            );
            i += run;
            continue;
        }
        items.push(Term::tuple(vec![
            Term::Atom(fr.module.name.clone()),
            Term::Atom(code.name.clone()),
            Term::Int(i64::from(code.arity)),
            location(node, &fr.module.file, code.line_at(fr.pc), info),
        ]));
        i += 1;
    }
    items.truncate(MAX_FRAMES);
    Term::list(items)
}

/// Where a frame of console code stands: at a call in tail position (its
/// value is the frame's), at another call, or at an op that raised.
#[derive(Clone, Copy, PartialEq)]
enum At {
    Tail,
    /// Not in tail position; `true` when the call ends a `try` body.
    Call(bool),
    /// A clause that never began (`function_clause` of a closure).
    Unentered,
    Raised,
}

fn at(fr: &Frame) -> At {
    let Some(code) = fr.code() else {
        return At::Raised;
    };
    let ops = &code.ops;
    match (
        fr.pc.checked_sub(1).and_then(|i| ops.get(i)),
        ops.get(fr.pc),
    ) {
        (Some(Op::TailCall(..) | Op::TailCallLocal(..)), _) => At::Tail,
        (
            Some(Op::Call(_, _, d) | Op::CallLocal(_, _, d) | Op::CallLocalAt(_, _, d)),
            Some(Op::Return(r)),
        ) if d == r => At::Tail,
        (Some(Op::Call(..) | Op::CallLocal(..) | Op::CallLocalAt(..)), next) => {
            At::Call(matches!(next, Some(Op::TryEnd)))
        }
        (Some(Op::FunctionClause), _) => At::Unentered,
        _ => At::Raised,
    }
}

/// `{:erl_eval, f, a, [file: 'erl_eval.erl', line: n]}`
fn erl_eval_frame(node: &Node, f: &str, a: i64, line: u32, info: Option<Term>) -> Term {
    Term::tuple(vec![
        Term::Atom(node.common.erl_eval.clone()),
        node.atom_term(f),
        Term::Int(a),
        location(node, "erl_eval.erl", line, info),
    ])
}

/// What follows a shell line's own frames in iex 1.14.
const IEX_FRAMES: [(&str, &str, i64, &str, u32); 6] = [
    ("elixir", "eval_forms", 3, "src/elixir.erl", 283),
    (
        "Elixir.Module.ParallelChecker",
        "verify",
        1,
        "lib/module/parallel_checker.ex",
        100,
    ),
    (
        "Elixir.IEx.Evaluator",
        "eval_and_inspect",
        3,
        "lib/iex/evaluator.ex",
        329,
    ),
    (
        "Elixir.IEx.Evaluator",
        "eval_and_inspect_parsed",
        3,
        "lib/iex/evaluator.ex",
        303,
    ),
    (
        "Elixir.IEx.Evaluator",
        "parse_eval_inspect",
        3,
        "lib/iex/evaluator.ex",
        292,
    ),
    (
        "Elixir.IEx.Evaluator",
        "loop",
        1,
        "lib/iex/evaluator.ex",
        187,
    ),
];

/// A run of console frames (innermost first) as erl_eval's own: console
/// code is interpreted, so a closure called from console code runs inline
/// in its caller's evaluation, and only erl_eval's frames show. A closure
/// entered from compiled code (a spawn, Enum, erpc's apply) evaluates its
/// last expression in tail position: a raise there is `do_apply/7` at line
/// 742, and a call there leaves no frame; a call elsewhere is line 744,
/// with the frame of the body it is in (`exprs/6`, or `try_clauses/10` at
/// the end of a `try`). A shell line is never in tail position, and iex's
/// frames follow it.
fn erl_eval_frames(
    node: &Node,
    run: &[&Frame],
    raised_here: bool,
    info: Option<Term>,
    items: &mut Vec<Term>,
) {
    let run: Vec<(&Frame, At)> = run
        .iter()
        .map(|f| (*f, at(f)))
        .filter(|(_, a)| *a != At::Unentered)
        .collect();
    let Some(((_, top_at), below)) = run.split_first() else {
        return;
    };
    let shell = run
        .last()
        .and_then(|(f, _)| f.code())
        .is_some_and(|c| c.name.as_str() == "expr");
    let body = |a: At| match a {
        At::Call(true) => Some(erl_eval_frame(node, "try_clauses", 10, 987, None)),
        At::Call(false) => Some(erl_eval_frame(node, "exprs", 6, 136, None)),
        _ => None,
    };
    // the callers' bodies, innermost first; any call not in tail position
    // ends the tail position of what it calls
    let contexts: Vec<Term> = below.iter().filter_map(|(_, a)| body(*a)).collect();
    let value = !shell && below.iter().all(|(_, a)| *a == At::Tail);
    let tail = value && matches!(top_at, At::Tail | At::Raised);
    if raised_here || !tail {
        let line = if tail { 742 } else { 744 };
        items.push(erl_eval_frame(node, "do_apply", 7, line, info));
    }
    items.extend(body(*top_at));
    items.extend(contexts);
    if shell {
        for (m, f, a, file, line) in IEX_FRAMES {
            items.push(Term::tuple(vec![
                node.atom_term(m),
                node.atom_term(f),
                Term::Int(a),
                location(node, file, line, None),
            ]));
        }
    }
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
