//! Raises: unwinding to a `try` handler, the reason a process that ends
//! by an uncaught raise exits with, and the errors the ops themselves
//! raise.
use beamplay_term::Term;

use crate::code::FunCode;
use crate::native::{Kind, Raise};
use crate::node::Node;
use crate::process::Process;

impl Node {
    /// The exit reason of a process that ended by an uncaught raise.
    pub(super) fn crash_reason(&mut self, p: &Process, r: &Raise) -> Term {
        let stack = crate::error::stacktrace(self, p, r);
        let reason = match r.kind {
            Kind::Error => crate::error::normalize_reason(self, r),
            _ => r.reason.clone(),
        };
        self.exit_reason(r.kind, reason, stack)
    }

    /// What a process that ends by a raise of `kind` exits with: an exit's
    /// own reason, `{reason, stack}` for an error, `{{:nocatch, v}, stack}`
    /// for a throw.
    pub(super) fn exit_reason(&self, kind: Kind, reason: Term, stack: Term) -> Term {
        match kind {
            Kind::Exit => reason,
            Kind::Error => Term::tuple(vec![reason, stack]),
            Kind::Throw => Term::tuple(vec![
                Term::tuple(vec![self.atom_term("nocatch"), reason]),
                stack,
            ]),
        }
    }

    /// Unwinds to the innermost handler, or gives the raise back.
    pub(super) fn unwind(&mut self, p: &mut Process, e: Raise) -> Result<(), Raise> {
        p.leave_receive();
        while let Some(h) = p.handlers.pop() {
            if h.depth > p.frames.len() || h.depth == 0 {
                continue;
            }
            // the stack as it was where the raise happened
            let stack = crate::error::stacktrace(self, p, &e);
            p.frames.truncate(h.depth);
            let Some(frame) = p.frames.last_mut() else {
                break;
            };
            frame.pc = h.target as usize;
            let base = frame.base;
            let end = base + frame.code().map_or(0, |c| c.nregs as usize);
            p.regs.set_top(end);
            let kind = self.atom_term(e.kind.name());
            let reason = if e.kind == Kind::Error {
                crate::error::attach_details(self, &e)
            } else {
                e.reason.clone()
            };
            for (r, v) in [(h.regs.0, kind), (h.regs.1, reason), (h.regs.2, stack)] {
                if let Some(slot) = p.regs.get_mut(base + r as usize) {
                    *slot = v;
                }
            }
            p.last_raise = Some(Box::new(e));
            return Ok(());
        }
        Err(e)
    }

    pub(super) fn tagged_error(&self, tag: &str, v: Term) -> Raise {
        Raise::error(Term::tuple(vec![self.atom_term(tag), v]))
    }

    pub(super) fn function_clause_raise(&self, p: &Process, fun: &FunCode) -> Raise {
        let mut e = Raise::error(self.atom_term("function_clause"));
        let module = p
            .frames
            .last()
            .map(|f| f.module.name.clone())
            .unwrap_or_else(|| self.common.erl_eval.clone());
        e.mfa = Some((module, fun.name.clone(), fun.arity));
        e
    }
}
