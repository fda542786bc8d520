//! The iex shell of a node's console: a group leader process that turns
//! io requests into output, and a shell process that evaluates lines. The
//! shell is an ordinary process: `self()`, receive, links and exit signals
//! behave as in iex; when it dies, a new one starts with no bindings.
use beamplay_term::Term;
use beamplay_term::{inspect, InspectCtx, InspectOpts};

use crate::code::LineSource;
use crate::compile::{compile_line, CompileEnv, LineCode};
use crate::console::{ConsoleEvent, EvalError, Job};
use crate::native::Raise;
use crate::node::Node;
use crate::process::{Args, Kind, Status};

/// Values `v/1` can reach (iex's `history_size`).
const HISTORY: usize = 20;

/// The value of a line iex does not print (`IEx.dont_display_result/0`).
const DONT_DISPLAY: &str = "do not show this result in output";

impl Node {
    /// Starts (or restarts) the console's group leader and shell.
    pub(crate) fn start_console(&mut self) {
        let gl = match self
            .console
            .group_leader
            .filter(|id| self.procs.contains_key(id))
        {
            Some(id) => id,
            None => {
                let init = self.atom_term("group_leader");
                let Ok(id) = self.new_process(Kind::GroupLeader, Term::Nil, init) else {
                    return;
                };
                if let Some(p) = self.procs.get_mut(&id) {
                    p.status = Status::Idle;
                }
                self.console.group_leader = Some(id);
                id
            }
        };
        let gl_pid = self.make_pid(gl);
        let init = Term::tuple(vec![
            self.atom_term("elixir"),
            self.atom_term("start_cli"),
            Term::Int(0),
        ]);
        let Ok(id) = self.new_process(Kind::Shell, gl_pid, init) else {
            return;
        };
        if let Some(p) = self.procs.get_mut(&id) {
            p.status = Status::Idle;
        }
        self.console.shell = Some(id);
        self.console.counter = 1;
        self.console.bindings.clear();
        self.console.history.clear();
    }

    /// Types `text` at the console. Syntax and compile errors are printed
    /// at once; otherwise the shell runs the line.
    pub fn eval(&mut self, text: &str) -> Result<(), EvalError> {
        if self.console.busy() {
            return Err(EvalError::Busy);
        }
        if text.len() > self.limits.max_line_bytes {
            let msg = format!(
                "** (SystemLimitError) a system limit has been reached: input of {} bytes is over the console's limit of {} bytes",
                text.len(),
                self.limits.max_line_bytes
            );
            self.console.output(ConsoleEvent::Value(msg));
            return Ok(());
        }
        let ast = match beamplay_syntax::parse(text, self.console.counter) {
            Ok(a) => a,
            Err(d) => {
                self.console.output(ConsoleEvent::Value(d.banner("iex")));
                return Ok(());
            }
        };
        let names: Vec<String> = self
            .console
            .bindings
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        let values: Vec<Term> = self
            .console
            .bindings
            .iter()
            .map(|(_, v)| v.clone())
            .collect();
        let compiled = {
            let mut atoms = self.atoms.borrow_mut();
            let mut env = CompileEnv {
                atoms: &mut atoms,
                natives: &*self.natives,
                modules: &self.modules,
                file: "iex",
                warnings: Vec::new(),
            };
            let source = std::rc::Rc::new(LineSource {
                text: text.to_string(),
                line: self.console.counter,
                names: names.clone(),
            });
            let line = compile_line(&mut env, &ast, &names, Some(source));
            (line, env.warnings)
        };
        let (compiled, warnings) = compiled;
        for w in warnings {
            self.console.output(ConsoleEvent::Log(w));
        }
        let line = match compiled {
            Ok(l) => l,
            Err(e) => {
                self.console.output(ConsoleEvent::Value(e.banner("iex")));
                return Ok(());
            }
        };
        let Some(id) = self.console.shell else {
            return Ok(());
        };
        let Some(p) = self.procs.get_mut(&id) else {
            return Ok(());
        };
        p.frames.clear();
        p.regs.clear();
        p.handlers.clear();
        let nregs = line.module.code(LineCode::FUN).map_or(0, |c| c.nregs);
        p.enter(
            &line.module,
            LineCode::FUN,
            nregs,
            Args::Values(values),
            Some(0),
        );
        self.console.job = Some(Job::Line(line.bound));
        self.make_runnable(id);
        Ok(())
    }

    /// The shell's bottom frame returned (or raised past everything).
    pub(crate) fn shell_line_done(&mut self, _id: u32, result: Result<Term, Raise>) {
        let job = self.console.job.take();
        match (job, result) {
            (Some(Job::Line(names)), Ok(v)) => match v.as_tuple() {
                Some([tag, value, bound]) if tag.is_atom("ok") => {
                    let values = bound.as_tuple().map(|t| t.to_vec()).unwrap_or_default();
                    self.console.bindings = names.into_iter().zip(values).collect();
                    if self.console.history.len() == HISTORY {
                        self.console.history.pop_front();
                    }
                    self.console
                        .history
                        .push_back((self.console.counter, value.clone()));
                    self.console.counter += 1;
                    // what iex's helpers return to print nothing
                    let text = if value.is_atom(DONT_DISPLAY) {
                        String::new()
                    } else {
                        self.inspect_iex(value)
                    };
                    self.console.output(ConsoleEvent::Value(text));
                }
                Some([tag, banner]) if tag.is_atom("error") => {
                    let text = banner
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| self.inspect_iex(banner));
                    self.console.output(ConsoleEvent::Value(text));
                }
                _ => {
                    let text = self.inspect_iex(&v);
                    self.console.output(ConsoleEvent::Value(text));
                }
            },
            (Some(Job::ExitLine), Ok(v)) => {
                if let Some(text) = v.as_str() {
                    self.console
                        .output(ConsoleEvent::ShellExit(text.to_string()));
                }
            }
            (_, Err(r)) => {
                let text = format!("** ({}) {}", r.kind.name(), self.inspect_plain(&r.reason));
                self.console.output(ConsoleEvent::Value(text));
            }
            (None, Ok(_)) => {}
        }
    }

    /// The shell process died: iex starts a new one and says why. After
    /// an interrupt the new one keeps the prompt's counter (its bindings
    /// die with the old one) and says only `** (EXIT) interrupted`.
    pub(crate) fn shell_died(&mut self, pid: &Term, reason: &Term) {
        if matches!(self.console.job.take(), Some(Job::Line(_))) {
            self.console.output(ConsoleEvent::Abandoned);
        }
        let counter = self.console.counter;
        self.start_console();
        if std::mem::take(&mut self.console.interrupting) {
            self.console.counter = counter;
            self.console
                .output(ConsoleEvent::ShellExit("** (EXIT) interrupted".into()));
            return;
        }
        if reason.is_atom("normal") {
            return;
        }
        let Some(id) = self.console.shell else { return };
        let f = Term::export(
            self.atom("Elixir.Beamplay.Shell"),
            self.atom("exit_line"),
            2,
        );
        self.console.job = Some(Job::ExitLine);
        if self
            .start_fun(id, f, vec![pid.clone(), reason.clone()])
            .is_err()
        {
            self.console.job = None;
        }
    }

    /// Interrupts a running line, as iex's Ctrl+G `i` does: the shell is
    /// killed and a new one starts with the same prompt number.
    pub fn interrupt_shell(&mut self) {
        if let Some(id) = self.console.shell {
            if matches!(self.console.job, Some(Job::Line(_))) {
                self.console.interrupting = true;
                let from = self.make_pid(id);
                let kill = self.atom_term("kill");
                self.exit_signal(id, from, kill, false);
            }
        }
    }

    pub fn inspect_iex(&self, t: &Term) -> String {
        inspect(t, &InspectOpts::iex(), self)
    }

    pub fn inspect_plain(&self, t: &Term) -> String {
        inspect(t, &InspectOpts::plain(), self)
    }

    /// `t` printed for a view (panels, the event log): as the node prints
    /// it, but a pid of a node it has not numbered yet does not number it,
    /// so that looking never changes what the node's programs see.
    pub fn view_plain(&self, t: &Term) -> String {
        inspect(t, &InspectOpts::plain(), &ViewCtx(self))
    }

    /// [`Node::view_plain`] as iex prints (pretty, 80 columns).
    pub fn view_iex(&self, t: &Term) -> String {
        inspect(t, &InspectOpts::iex(), &ViewCtx(self))
    }
}

/// A node as a view prints its terms ([`Node::view_plain`]).
struct ViewCtx<'a>(&'a Node);

impl InspectCtx for ViewCtx<'_> {
    fn struct_fields(&self, module: &beamplay_term::Atom) -> Option<Vec<beamplay_term::Atom>> {
        self.0.struct_fields(module)
    }

    fn node_number(&self, node: &beamplay_term::Atom, creation: u32) -> u32 {
        self.0.node_number_peek(node, creation)
    }
}

impl InspectCtx for Node {
    fn struct_fields(&self, module: &beamplay_term::Atom) -> Option<Vec<beamplay_term::Atom>> {
        self.modules
            .get(module)
            .and_then(|m| m.struct_fields.as_ref())
            .map(|f| f.iter().map(|(k, _)| k.clone()).collect())
    }

    fn node_number(&self, node: &beamplay_term::Atom, creation: u32) -> u32 {
        self.node_number_of(node, creation)
    }
}
