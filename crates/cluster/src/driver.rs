//! The console driver: the one way text typed at a console enters a
//! World (a line of Elixir, a fault command such as `@kill node2`, or a
//! line routed to another node's console with a `node2> ` prefix), and
//! the one place that turns what consoles print into transcript lines and
//! builds their prompts. Every host drives consoles through it: the
//! scenario runner, the CLI's REPL and scripts, the browser's session and
//! the tests, so a new host is a loop over [`Driver::take_said`].
//!
//! Hosts own clocks (DESIGN.md): the driver never reads one. A host moves
//! time with its own [`Clock`] through [`Driver::run`]: [`Virtual`] here,
//! the CLI's real clock in drive.rs; the browser's session moves virtual
//! time by the real time its page reports.
use beamplay_vm::{ConsoleEvent, EvalError, PreludeError};

use crate::fault::{Fault, FaultError, USAGE};
use crate::{NodeId, Nodes, World};

/// What a line of a console transcript is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// What the user typed, after the prompt it was typed at.
    Input,
    /// The value of a line, or its error banner.
    Value,
    /// Output of a process whose group leader is this console.
    Output,
    /// Why the shell died, which iex prints as it starts a new one:
    /// `** (EXIT from #PID<...>) shell process exited with reason: ...`.
    Exit,
    /// Logger reports and warnings (iex shows them; transcripts do not).
    Log,
    /// What the playground itself says (a fault applied, a busy console).
    Note,
}

/// A line as its console printed it. Output comes in the pieces the
/// processes wrote, newline included, so a host that prints a stream
/// (a script's stdout) prints exactly what was written; a host that shows
/// lines one by one drops the newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// What the consoles said, in the order they said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// A line of node's console.
    Line(NodeId, Line),
    /// The line node's console was running will never give a value: its
    /// shell died. iex starts a new one, and a [`LineKind::Exit`] line
    /// says why unless the shell ended normally.
    Abandoned(NodeId),
}

/// What a submitted text did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// A line of Elixir runs at this node's console: the one typed at, or
    /// the one its `node2> ` prefix named.
    Line(NodeId),
    /// A fault command was applied.
    Fault(Fault),
    /// The line waits for this node's console to end the line it runs
    /// ([`Driver::type_ahead`]).
    Queued(NodeId),
}

/// Why a submitted text did nothing. Each says so in the words a console
/// shows as its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// A `name> ` prefix with no console to fall back on names no node
    /// (or a console was named by an id the World never gave).
    NoSuchNode(String),
    /// The node (by its full name) is down; `@restart` brings it back.
    NotRunning(String),
    /// The node (by its full name) was taken out for good (`@remove`).
    Removed(String),
    /// The console still runs its previous line.
    Busy(NodeId),
    /// A fault command that cannot apply.
    Fault(FaultError),
    /// Text from no console that is neither a fault command nor a
    /// `name> line`.
    NotACommand,
}

impl std::fmt::Display for SubmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubmitError::NoSuchNode(name) => write!(f, "no node named {name}"),
            SubmitError::NotRunning(name) => {
                write!(f, "{name} is not running (restart it first)")
            }
            SubmitError::Removed(name) => write!(f, "{name} was removed"),
            SubmitError::Busy(_) => write!(
                f,
                "this console is still running its previous line (interrupt it first)"
            ),
            SubmitError::Fault(e) => e.fmt(f),
            SubmitError::NotACommand => {
                write!(f, "type `node1> expr` or a fault command: {USAGE}")
            }
        }
    }
}

impl std::error::Error for SubmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SubmitError::Fault(e) => Some(e),
            _ => None,
        }
    }
}

/// How time passes for a host that waits on consoles: [`Virtual`] (tests
/// and scenarios: instant, the same on every run) or real (the CLI, which
/// owns the wall clock).
pub trait Clock {
    /// Called once with the fresh World before anything runs.
    fn prepare(&mut self, _world: &mut dyn Nodes) {}

    /// When a wait of `ms` starting now ends, in this clock's
    /// microseconds; `u64::MAX` ms is a wait without end.
    fn deadline(&mut self, world: &dyn Nodes, ms: u64) -> u64;

    /// Runs `world` a little towards `deadline` (a slice, a timer that is
    /// due, a short sleep), so that the host can look between moves;
    /// false once the deadline has come.
    fn advance(&mut self, world: &mut dyn Nodes, deadline: u64) -> bool;
}

/// Virtual time: as fast as the machine runs, the same on every run.
pub struct Virtual;

impl Clock for Virtual {
    fn deadline(&mut self, world: &dyn Nodes, ms: u64) -> u64 {
        world.now_us().saturating_add(ms.saturating_mul(1000))
    }

    fn advance(&mut self, world: &mut dyn Nodes, deadline: u64) -> bool {
        world.advance_toward(deadline)
    }
}

/// Input lines longer than this echo cut to their first [`ECHO_CUT`]
/// characters: a pasted megabyte would fill the console.
pub const ECHO_BYTES: usize = 4_096;
const ECHO_CUT: usize = 200;

/// `line` as a console shows what was typed: cut to its first
/// [`ECHO_CUT`] characters and its size when longer than [`ECHO_BYTES`].
pub fn cut(line: &str) -> std::borrow::Cow<'_, str> {
    match line.char_indices().nth(ECHO_CUT) {
        Some((at, _)) if line.len() > ECHO_BYTES => {
            format!("{}… ({} bytes)", &line[..at], line.len()).into()
        }
        _ => line.into(),
    }
}

/// What ends a multi-line input without running it (iex's `#iex:break`).
pub const BREAK: &str = "#iex:break";

/// Whether `input` needs more lines before it can run (iex's `...>`);
/// a last line `#iex:break` ends it.
pub fn incomplete(input: &str) -> bool {
    !ends_in_break(input) && beamplay_syntax::is_incomplete(input)
}

/// Whether the last line of `input` is `#iex:break`.
fn ends_in_break(input: &str) -> bool {
    input.lines().last().map(str::trim) == Some(BREAK)
}

/// A World (or a room of Worlds) and what its consoles said that no host
/// took yet.
pub struct Driver<W: Nodes = World> {
    world: W,
    /// Oldest first; hosts take it with [`Driver::take_said`].
    said: Vec<Said>,
    /// Lines typed at a console that was still running one, each waiting
    /// its turn there (iex's type-ahead), by the console they run at (a
    /// node's id is its index).
    queued: Vec<std::collections::VecDeque<String>>,
}

/// What a typed text asks for.
enum Read<'t> {
    Fault(Result<Fault, FaultError>),
    /// `name> expr`, with `name` a node's.
    Routed(NodeId, &'t str),
    /// Elixir for the console it was typed at; `prefix` is the word
    /// before a `> ` that names no node.
    Plain {
        prefix: Option<&'t str>,
    },
}

impl Driver {
    /// A driver of a fresh World seeded by `seed`, with no nodes.
    pub fn new(seed: u64) -> Result<Driver, PreludeError> {
        Ok(Driver::of(World::new(seed)?))
    }
}

impl<W: Nodes> Driver<W> {
    /// A driver of `world`'s consoles.
    pub fn of(world: W) -> Driver<W> {
        Driver {
            world,
            said: Vec::new(),
            queued: Vec::new(),
        }
    }

    pub fn world(&self) -> &W {
        &self.world
    }

    /// The World, for what is not typed at a console: adding nodes,
    /// faults from buttons, observing, moving time.
    pub fn world_mut(&mut self) -> &mut W {
        &mut self.world
    }

    /// Node `id`'s short name (`node1` for `node1@localhost`), alive or
    /// dead.
    pub fn name(&self, id: NodeId) -> Option<String> {
        let full = self.world.slot_name(id)?;
        Some(match full.split_once('@') {
            Some((short, _)) => short.to_string(),
            None => full,
        })
    }

    /// The prompt of node `id`'s console, `iex(node1@localhost)3>`, or
    /// `...(node1@localhost)3>` when `more` input is wanted to complete
    /// what was typed; `None` while the node is down.
    pub fn prompt(&self, id: NodeId, more: bool) -> Option<String> {
        let n = self.world.node(id)?;
        let lead = if more { "..." } else { "iex" };
        Some(format!(
            "{lead}({}){}>",
            n.name().as_str(),
            n.console().counter()
        ))
    }

    /// Whether node `id`'s console runs a line, or is starting a new
    /// shell after one died.
    pub fn busy(&self, id: NodeId) -> bool {
        self.world.node(id).is_some_and(|n| n.console().busy())
    }

    /// Types `text` at node `at`'s console as a terminal takes it: when
    /// the console it is for still runs a line (or has lines waiting), it
    /// waits its turn there, as iex's type-ahead does
    /// ([`Submitted::Queued`]); otherwise it is [`Driver::submit`]ted at
    /// once.
    pub fn type_ahead(&mut self, at: NodeId, text: &str) -> Result<Submitted, SubmitError> {
        if let Some(to) = self.console_for(at, text) {
            if self.busy(to) || self.typed_ahead(to) {
                if self.queued.len() <= to {
                    self.queued.resize_with(to + 1, Default::default);
                }
                if let Some(q) = self.queued.get_mut(to) {
                    q.push_back(text.to_string());
                }
                return Ok(Submitted::Queued(to));
            }
        }
        self.submit(at, text)
    }

    /// Whether lines typed ahead wait at node `id`'s console.
    pub fn typed_ahead(&self, id: NodeId) -> bool {
        self.queued.get(id).is_some_and(|q| !q.is_empty())
    }

    /// Starts the next typed-ahead line of each console that is free.
    pub fn feed_type_ahead(&mut self) {
        for at in 0..self.queued.len() {
            if self.busy(at) {
                continue;
            }
            if let Some(text) = self.queued.get_mut(at).and_then(|q| q.pop_front()) {
                let _ = self.submit(at, &text);
            }
        }
    }

    /// The console that `text` typed at node `at`'s would run at: `at`,
    /// or the one a `node2> ` prefix names; `None` for a fault command.
    pub fn console_for(&self, at: NodeId, text: &str) -> Option<NodeId> {
        match self.read(text) {
            Read::Fault(_) => None,
            Read::Routed(id, _) => Some(id),
            Read::Plain { .. } => Some(at),
        }
    }

    /// Whether node `id`'s console runs a line that waits in a `receive`
    /// (a busy line that is not waiting is computing).
    pub fn waiting(&self, id: NodeId) -> bool {
        self.world.node(id).is_some_and(|n| n.console_waits())
    }

    /// Types `text` at node `at`'s console: a fault command, a line for
    /// another console (`node2> expr`, shown there as if typed there), or
    /// a line of Elixir. The input shows in the transcript, and a note
    /// says what was refused or applied. Input whose last line is
    /// `#iex:break` is dropped, as iex drops it, with iex's words.
    pub fn submit(&mut self, at: NodeId, text: &str) -> Result<Submitted, SubmitError> {
        self.pull();
        // echoed before it acts: a restart renumbers the prompt
        let typed = self.echo(at, text);
        if text.lines().count() > 1 && ends_in_break(text) {
            let counter = self.world.node(at).map_or(1, |n| n.console().counter());
            self.said.extend(typed);
            self.said.push(Said::Line(
                at,
                Line {
                    kind: LineKind::Value,
                    text: format!("** (TokenMissingError) iex:{counter}: incomplete expression"),
                },
            ));
            return Ok(Submitted::Line(at));
        }
        let (result, echo) = match self.read(text) {
            Read::Fault(fault) => (self.fault(fault), typed),
            Read::Routed(id, expr) => {
                let routed = self.echo(id, expr);
                let result = self.start(id, expr);
                let echo = if result.is_ok() { routed } else { typed };
                (result, echo)
            }
            Read::Plain { .. } => (self.start(at, text), typed),
        };
        self.said.extend(echo);
        let note = match &result {
            Ok(Submitted::Line(_) | Submitted::Queued(_)) => None,
            Ok(Submitted::Fault(_)) => Some(format!("applied {}", text.trim())),
            Err(e) => Some(e.to_string()),
        };
        if let Some(text) = note {
            self.said.push(Said::Line(
                at,
                Line {
                    kind: LineKind::Note,
                    text,
                },
            ));
        }
        result
    }

    /// Enters `text` from no console, as a scenario's lines do: a fault
    /// command, or `name> expr` for node `name`'s console. Nothing is
    /// echoed: the host words it.
    pub fn command(&mut self, text: &str) -> Result<Submitted, SubmitError> {
        match self.read(text) {
            Read::Fault(fault) => self.fault(fault),
            Read::Routed(id, expr) => self.start(id, expr),
            Read::Plain { prefix: Some(name) } => Err(SubmitError::NoSuchNode(name.to_string())),
            Read::Plain { prefix: None } => Err(SubmitError::NotACommand),
        }
    }

    /// Interrupts the line node `id` runs (iex's Ctrl+C: the shell is
    /// killed and a new one starts).
    pub fn interrupt(&mut self, id: NodeId) {
        if let Some(n) = self.world.node_mut(id) {
            n.interrupt_shell();
        }
    }

    /// What the consoles said since the last call, in the order they said
    /// it.
    pub fn take_said(&mut self) -> Vec<Said> {
        self.pull();
        std::mem::take(&mut self.said)
    }

    /// Lets up to `ms` pass as `clock` counts time, until `until`, which
    /// sees the driver after each move of the World, says stop; true if
    /// it did.
    pub fn run(
        &mut self,
        clock: &mut dyn Clock,
        ms: u64,
        until: &mut dyn FnMut(&mut Driver<W>) -> bool,
    ) -> bool {
        let deadline = clock.deadline(&self.world, ms);
        while clock.advance(&mut self.world, deadline) {
            if until(self) {
                return true;
            }
        }
        false
    }

    fn read<'t>(&self, text: &'t str) -> Read<'t> {
        if let Some(fault) = Fault::parse_with(&|name| self.world.find(name), text) {
            return Read::Fault(fault);
        }
        let Some((name, expr)) = text.split_once("> ") else {
            return Read::Plain { prefix: None };
        };
        match self
            .world
            .find(name)
            .or_else(|| self.world.find_removed(name))
        {
            Some(id) => Read::Routed(id, expr),
            None => Read::Plain { prefix: Some(name) },
        }
    }

    fn fault(&mut self, fault: Result<Fault, FaultError>) -> Result<Submitted, SubmitError> {
        let fault = fault.map_err(SubmitError::Fault)?;
        self.world.apply(fault);
        Ok(Submitted::Fault(fault))
    }

    /// Starts `expr` at node `id`'s console.
    fn start(&mut self, id: NodeId, expr: &str) -> Result<Submitted, SubmitError> {
        let name = self.world.slot_name(id);
        if self.world.is_removed(id) {
            return Err(SubmitError::Removed(name.unwrap_or_default()));
        }
        let Some(node) = self.world.node_mut(id) else {
            return Err(match name {
                Some(name) => SubmitError::NotRunning(name),
                None => SubmitError::NoSuchNode(id.to_string()),
            });
        };
        match node.eval(expr) {
            Ok(()) => Ok(Submitted::Line(id)),
            Err(EvalError::Busy) => Err(SubmitError::Busy(id)),
        }
    }

    /// `text` as node `id`'s transcript shows it typed: each line after
    /// its prompt, `...` from the second on; a line past
    /// [`ECHO_BYTES`] is cut, with its size.
    fn echo(&self, id: NodeId, text: &str) -> Vec<Said> {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                let l = cut(l);
                let text = match self.prompt(id, i > 0) {
                    Some(prompt) => format!("{prompt} {l}"),
                    None => l.into_owned(),
                };
                Said::Line(
                    id,
                    Line {
                        kind: LineKind::Input,
                        text,
                    },
                )
            })
            .collect()
    }

    /// Moves what the consoles printed into `said`.
    fn pull(&mut self) {
        for (id, e) in self.world.take_events() {
            let line = |kind, text| Said::Line(id, Line { kind, text });
            self.said.push(match e {
                ConsoleEvent::Value(t) => line(LineKind::Value, t),
                ConsoleEvent::Output(t) => line(LineKind::Output, t),
                ConsoleEvent::ShellExit(t) => line(LineKind::Exit, t),
                ConsoleEvent::Log(t) => line(LineKind::Log, t),
                ConsoleEvent::Abandoned => Said::Abandoned(id),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(names: &[&str]) -> Driver {
        let mut d = Driver::new(1).expect("prelude compiles");
        for n in names {
            d.world_mut().add_node(n);
        }
        d
    }

    /// Lets `ms` of virtual time pass without looking.
    fn wait(d: &mut Driver, ms: u64) {
        d.run(&mut Virtual, ms, &mut |_| false);
    }

    /// What the consoles said since the last look, as (node, kind, text).
    fn said(d: &mut Driver) -> Vec<(NodeId, LineKind, String)> {
        d.take_said()
            .into_iter()
            .filter_map(|s| match s {
                Said::Line(id, l) => Some((id, l.kind, l.text)),
                Said::Abandoned(_) => None,
            })
            .collect()
    }

    fn line(id: NodeId, kind: LineKind, text: &str) -> (NodeId, LineKind, String) {
        (id, kind, text.to_string())
    }

    #[test]
    fn prompts_count_lines_and_continue_incomplete_input() {
        let mut d = driver(&["node1"]);
        assert_eq!(
            d.prompt(0, false).as_deref(),
            Some("iex(node1@localhost)1>")
        );
        assert!(incomplete("fn x ->") && !incomplete("1 + 1"));
        assert_eq!(d.submit(0, "x = 1 +\n  1"), Ok(Submitted::Line(0)));
        wait(&mut d, 50);
        assert_eq!(
            said(&mut d),
            [
                line(0, LineKind::Input, "iex(node1@localhost)1> x = 1 +"),
                line(0, LineKind::Input, "...(node1@localhost)1>   1"),
                line(0, LineKind::Value, "2"),
            ]
        );
        assert_eq!(
            d.prompt(0, false).as_deref(),
            Some("iex(node1@localhost)2>")
        );
        assert_eq!(d.prompt(0, true).as_deref(), Some("...(node1@localhost)2>"));
        assert_eq!(d.prompt(7, false), None);
    }

    #[test]
    fn a_huge_line_echoes_cut_and_is_refused_by_the_limit() {
        let mut d = driver(&["node1"]);
        let line = format!("\"{}\"", "a".repeat(1_000_000));
        assert_eq!(d.submit(0, &line), Ok(Submitted::Line(0)));
        let said = said(&mut d);
        assert!(said[0].2.len() < 300, "{}", said[0].2.len());
        assert!(
            said[0].2.ends_with("… (1000002 bytes)"),
            "{}",
            &said[0].2[200..]
        );
        assert!(
            said[1].2.starts_with("** (SystemLimitError)"),
            "{:?}",
            said[1]
        );
    }

    #[test]
    fn iex_break_drops_an_incomplete_input() {
        let mut d = driver(&["node1"]);
        assert!(incomplete("[1,") && !incomplete("[1,\n#iex:break"));
        assert_eq!(d.submit(0, "[1,\n#iex:break"), Ok(Submitted::Line(0)));
        wait(&mut d, 50);
        assert_eq!(
            said(&mut d),
            [
                line(0, LineKind::Input, "iex(node1@localhost)1> [1,"),
                line(0, LineKind::Input, "...(node1@localhost)1> #iex:break"),
                line(
                    0,
                    LineKind::Value,
                    "** (TokenMissingError) iex:1: incomplete expression"
                ),
            ]
        );
        assert_eq!(d.console_for(0, "node1> 1"), Some(0));
        assert_eq!(d.console_for(0, "@kill node1"), None);
    }

    #[test]
    fn a_prefix_routes_a_line_to_another_console() {
        let mut d = driver(&["node1", "node2"]);
        assert_eq!(d.submit(0, "node2> node()"), Ok(Submitted::Line(1)));
        wait(&mut d, 50);
        assert_eq!(
            said(&mut d),
            [
                line(1, LineKind::Input, "iex(node2@localhost)1> node()"),
                line(1, LineKind::Value, ":node2@localhost"),
            ]
        );
        // a prefix that names no node is Elixir for the console typed at
        d.submit(0, "x = 2").ok();
        wait(&mut d, 50);
        said(&mut d);
        assert_eq!(d.submit(0, "x> 1"), Ok(Submitted::Line(0)));
        wait(&mut d, 50);
        assert_eq!(said(&mut d)[1], line(0, LineKind::Value, "true"));
        // from no console, as a scenario types, the prefix is required
        assert_eq!(d.command("node1@localhost> 3"), Ok(Submitted::Line(0)));
        assert_eq!(
            d.command("nobody> 1"),
            Err(SubmitError::NoSuchNode("nobody".into()))
        );
        assert_eq!(d.command("1 + 1"), Err(SubmitError::NotACommand));
        wait(&mut d, 50);
        // nothing is echoed for a command: its host words it
        assert_eq!(said(&mut d), [line(0, LineKind::Value, "3")]);
    }

    #[test]
    fn faults_typed_at_a_console_apply_and_say_so() {
        let mut d = driver(&["node1", "node2"]);
        let kill = Fault::Kill(1);
        assert_eq!(d.submit(0, "@kill node2"), Ok(Submitted::Fault(kill)));
        assert!(!d.world().is_alive(1));
        assert_eq!(
            d.submit(0, "@kill nobody"),
            Err(SubmitError::Fault(FaultError::NoSuchNode("nobody".into())))
        );
        // a line for a node that is down: refused where it was typed
        assert_eq!(
            d.submit(0, "node2> 1"),
            Err(SubmitError::NotRunning("node2@localhost".into()))
        );
        assert_eq!(
            d.submit(1, "1"),
            Err(SubmitError::NotRunning("node2@localhost".into()))
        );
        assert_eq!(
            said(&mut d),
            [
                line(0, LineKind::Input, "iex(node1@localhost)1> @kill node2"),
                line(0, LineKind::Note, "applied @kill node2"),
                line(0, LineKind::Input, "iex(node1@localhost)1> @kill nobody"),
                line(0, LineKind::Note, "no node named nobody"),
                line(0, LineKind::Input, "iex(node1@localhost)1> node2> 1"),
                line(
                    0,
                    LineKind::Note,
                    "node2@localhost is not running (restart it first)"
                ),
                line(1, LineKind::Input, "1"),
                line(
                    1,
                    LineKind::Note,
                    "node2@localhost is not running (restart it first)"
                ),
            ]
        );
        assert_eq!(
            d.command("@restart node2"),
            Ok(Submitted::Fault(Fault::Restart(1)))
        );
        assert_eq!(
            d.command("@remove node2"),
            Ok(Submitted::Fault(Fault::Remove(1)))
        );
        assert_eq!(
            d.command("node2> 1"),
            Err(SubmitError::Removed("node2@localhost".into()))
        );
        assert_eq!(
            d.command("@heal node1"),
            Err(SubmitError::Fault(FaultError::Usage))
        );
        assert!(said(&mut d).is_empty(), "commands echo nothing");
    }

    #[test]
    fn output_of_a_remote_process_reaches_the_callers_console() {
        let mut d = driver(&["node1", "node2"]);
        d.submit(
            0,
            "Node.spawn(:node2@localhost, fn -> IO.puts(\"hi from #{node()}\") end); :ok",
        )
        .ok();
        wait(&mut d, 100);
        let lines = said(&mut d);
        assert!(
            lines.contains(&line(0, LineKind::Output, "hi from node2@localhost\n")),
            "{lines:?}"
        );
        assert!(lines.iter().all(|(id, _, _)| *id == 0), "{lines:?}");
    }

    #[test]
    fn lines_of_several_nodes_come_in_the_order_they_were_said() {
        let mut d = driver(&["node1", "node2"]);
        d.submit(
            0,
            "spawn(fn -> Process.sleep(10); IO.puts(\"a\"); Process.sleep(20); IO.puts(\"c\") end); Process.sleep(40); :one",
        )
        .ok();
        d.submit(
            1,
            "spawn(fn -> Process.sleep(20); IO.puts(\"b\") end); Process.sleep(5); :two",
        )
        .ok();
        // one look after it all: node order would put node1's lines first
        wait(&mut d, 100);
        let said: Vec<_> = said(&mut d)
            .into_iter()
            .filter(|(_, kind, _)| *kind != LineKind::Input)
            .collect();
        assert_eq!(
            said,
            [
                line(1, LineKind::Value, ":two"),
                line(0, LineKind::Output, "a\n"),
                line(1, LineKind::Output, "b\n"),
                line(0, LineKind::Output, "c\n"),
                line(0, LineKind::Value, ":one"),
            ]
        );
    }

    #[test]
    fn a_blocked_line_gives_its_value_late_and_refuses_the_next_meanwhile() {
        let mut d = driver(&["node1", "node2"]);
        d.submit(
            0,
            "Process.register(self(), :waiter); receive do :go -> :late end",
        )
        .ok();
        let stopped = d.run(&mut Virtual, 2_000, &mut |d| !d.busy(0));
        assert!(!stopped && d.busy(0), "the line blocks");
        assert_eq!(d.submit(0, ":next"), Err(SubmitError::Busy(0)));
        d.submit(1, "send({:waiter, :node1@localhost}, :go)").ok();
        assert!(d.run(&mut Virtual, 1_000, &mut |d| !d.busy(0)));
        let lines = said(&mut d);
        let late = lines
            .iter()
            .position(|l| *l == line(0, LineKind::Value, ":late"));
        let refused = lines.iter().position(|l| {
            *l == line(
                0,
                LineKind::Note,
                "this console is still running its previous line (interrupt it first)",
            )
        });
        assert!(refused.is_some() && late > refused, "{lines:?}");
        assert_eq!(d.submit(0, ":next"), Ok(Submitted::Line(0)));
    }

    #[test]
    fn an_interrupted_line_is_abandoned_and_the_new_shell_says_why() {
        let mut d = driver(&["node1"]);
        d.submit(0, "x = 1").ok();
        wait(&mut d, 50);
        d.submit(0, "receive do :never -> :ok end").ok();
        wait(&mut d, 100);
        d.take_said();
        d.interrupt(0);
        wait(&mut d, 100);
        assert!(!d.busy(0));
        let first = d.take_said();
        assert_eq!(first.first(), Some(&Said::Abandoned(0)));
        assert!(
            matches!(first.get(1), Some(Said::Line(0, l)) if l.kind == LineKind::Exit
                && l.text == "** (EXIT) interrupted"),
            "{first:?}"
        );
        // as in iex, the number stays and the bindings are gone
        assert_eq!(
            d.prompt(0, false).as_deref(),
            Some("iex(node1@localhost)2>")
        );
        d.submit(0, "x").ok();
        wait(&mut d, 50);
        let after = said(&mut d);
        assert!(
            after[1].2.contains("undefined variable \"x\"")
                || after[1].2.contains("undefined function x/0"),
            "{after:?}"
        );
    }
}
