//! `beamplay repl`: iex-like consoles in the terminal (`--hidden ctl`
//! adds hidden nodes, as `iex --hidden` starts one). With several nodes,
//! `node2> expr` types at node2's console, and `:node node2` makes node2
//! the default; `@kill node2`, `@restart`, `@disconnect`, `@heal` and
//! `@latency` inject faults (cluster/fault.rs).
//!
//! The consoles are as independent as terminals: the World runs all the
//! time against the real clock, so output appears as it happens; a line
//! typed at a console that is still busy waits its turn there (iex's
//! type-ahead) while the others take lines; once a line has been busy a
//! while the prompt comes back so that another console can be used.
//! Ctrl+C interrupts the running line as iex's Ctrl+G `i` does (the
//! prompt's number and the type-ahead stay); Ctrl+D quits. A reader
//! thread owns the terminal; what the consoles say is printed above the
//! line being typed. Everything typed goes through the console driver.
//! With `--worlds`, each node runs in a World of its own and the Worlds
//! reach each other only through envelopes (cluster/room.rs), as nodes in
//! separate tabs do.
use std::collections::{BTreeMap, VecDeque};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;

use beamplay_cluster::driver::{self, Clock, Driver, LineKind, Said, Submitted};
use beamplay_cluster::fault::USAGE;
use beamplay_cluster::room::Room;
use beamplay_cluster::{NodeId, Nodes};
use rustyline::error::ReadlineError;
use rustyline::{DefaultEditor, ExternalPrinter};

use crate::drive::RealClock;

/// What the reader thread read.
enum Typed {
    /// A complete input (continuation lines joined).
    Line(String),
    /// Ctrl+C at the prompt.
    Interrupt,
    /// Ctrl+D, or the end of piped input.
    Eof,
}

pub fn main(args: &[String]) -> Result<(), String> {
    let list = |flag: &str, default: &str| -> Vec<String> {
        crate::flag_value(args, flag)
            .unwrap_or(default)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let nodes = list("--nodes", "node1");
    let hidden = list("--hidden", "");
    let mut clock = RealClock::new();
    if args.iter().any(|a| a == "--worlds") {
        // each node in a World of its own, the Worlds a room
        let room = Room::new(1, &nodes, &hidden).map_err(|e| e.to_string())?;
        let mut d = Driver::of(room);
        clock.prepare(d.world_mut());
        return start(d, clock, "each in a World of its own");
    }
    let mut d = clock.driver(1)?;
    for (name, hidden) in nodes
        .into_iter()
        .map(|n| (n, false))
        .chain(hidden.into_iter().map(|n| (n, true)))
    {
        d.world().check_name(&name).map_err(|e| e.to_string())?;
        if hidden {
            d.world_mut().add_hidden_node(&name);
        } else {
            d.world_mut().add_node(&name);
        }
    }
    start(d, clock, "in one World")
}

/// Runs the REPL on the consoles of `d`'s nodes, `placed` as the banner
/// says.
fn start<W: Nodes>(d: Driver<W>, clock: RealClock, placed: &'static str) -> Result<(), String> {
    let current = d.world().node_ids().first().copied().ok_or("no nodes")?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .map_err(|e| e.to_string())?;
    }
    let mut editor = DefaultEditor::new().map_err(|e| e.to_string())?;
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let printer = editor
        .create_external_printer()
        .ok()
        .map(|p| Box::new(p) as Box<dyn ExternalPrinter + Send>);
    // while a line runs, what is typed waits unseen for the next prompt
    // (as iex's line editor keeps it) and Ctrl+C does not throw it away
    let _terminal = tty.then(QuietTerminal::new).flatten();
    let (typed_tx, typed) = mpsc::channel();
    let (prompts, prompt_rx) = mpsc::channel();
    std::thread::spawn(move || read_lines(editor, tty.then_some(&prompt_rx), &typed_tx));
    let mut repl = Repl {
        d,
        clock,
        placed,
        current,
        several: false,
        awaiting: None,
        blocked: None,
        reader_waits: true,
        partial: BTreeMap::new(),
        printer,
        tty,
        prompts,
        interrupted,
    };
    repl.several = repl.d.world().node_ids().len() > 1;
    repl.banner();
    repl.run(&typed)
}

/// The reader thread: reads an input after each prompt the REPL sends,
/// continuing it while it is incomplete (`...>`).
fn read_lines(
    mut editor: DefaultEditor,
    prompts: Option<&Receiver<String>>,
    typed: &Sender<Typed>,
) {
    // without a terminal, lines are read ahead and no prompt shows
    while let Some(first) = match prompts {
        Some(p) => p.recv().ok(),
        None => Some(String::new()),
    } {
        let more = first.replacen("iex", "...", 1);
        let mut prompt = first;
        let mut input = String::new();
        let got = loop {
            match editor.readline(&format!("{prompt} ")) {
                Ok(line) => {
                    if !input.is_empty() {
                        input.push('\n');
                    }
                    input.push_str(&line);
                    if !driver::incomplete(&input) {
                        break Typed::Line(input);
                    }
                    prompt.clone_from(&more);
                }
                Err(ReadlineError::Interrupted) => break Typed::Interrupt,
                Err(_) => break Typed::Eof,
            }
        };
        if let Typed::Line(text) = &got {
            if !text.trim().is_empty() {
                let _ = editor.add_history_entry(text.as_str());
            }
        }
        let end = matches!(got, Typed::Eof);
        // after the end of input there is nothing more to read
        if typed.send(got).is_err() || end {
            return;
        }
    }
}

struct Repl<W: Nodes> {
    d: Driver<W>,
    /// Where the nodes run, for the banner.
    placed: &'static str,
    clock: RealClock,
    /// The console plain lines are typed at.
    current: NodeId,
    /// More than one node: lines of other consoles are marked.
    several: bool,
    /// The console whose line the next prompt waits for, and since when.
    awaiting: Option<(NodeId, u64)>,
    /// The console the prompt left because its line blocked.
    blocked: Option<NodeId>,
    /// The reader wants a prompt.
    reader_waits: bool,
    /// Output of each console since its last newline, and when it came.
    partial: BTreeMap<NodeId, (String, u64)>,
    /// Prints above the line being typed (a terminal); else stdout.
    printer: Option<Box<dyn ExternalPrinter + Send>>,
    tty: bool,
    prompts: Sender<String>,
    /// Ctrl+C while the terminal is not being read (a line runs).
    interrupted: Arc<AtomicBool>,
}

/// How long a line runs before the prompt comes back for other consoles
/// (the oracle's wait before it calls a line blocked).
const BLOCKED_MS: u64 = 1_500;

/// How long output without a newline waits for the rest of its line.
const PARTIAL_WAIT_MS: u64 = 500;

/// How long the World runs for output of what a line started before the
/// REPL quits at the end of its input.
const AFTER_LAST_MS: u64 = 500;

impl<W: Nodes> Repl<W> {
    fn run(&mut self, typed: &Receiver<Typed>) -> Result<(), String> {
        let mut inbox: VecDeque<Typed> = VecDeque::new();
        loop {
            loop {
                match typed.try_recv() {
                    Ok(t) => inbox.push_back(t),
                    Err(TryRecvError::Disconnected) => {
                        inbox.push_back(Typed::Eof);
                        break;
                    }
                    Err(TryRecvError::Empty) => break,
                }
            }
            // at a terminal an input comes only after a prompt; piped
            // input is read ahead, and each line waits its turn as if
            // typed at the next prompt (its end waits no longer than a
            // blocked line is waited for)
            while let Some(next) = inbox.front() {
                let blocked = self
                    .awaiting
                    .is_some_and(|(_, since)| self.since_ms(since) >= BLOCKED_MS);
                let waits = match next {
                    Typed::Eof => !self.ready() && !blocked,
                    _ => !self.tty && !self.ready(),
                };
                if waits {
                    break;
                }
                match inbox.pop_front() {
                    Some(Typed::Line(text)) => {
                        self.current_alive()?;
                        self.line(&text);
                    }
                    Some(Typed::Interrupt) => {
                        self.interrupt();
                        self.reader_waits = true;
                    }
                    Some(Typed::Eof) => {
                        self.finish();
                        return Ok(());
                    }
                    None => break,
                }
            }
            if self.interrupted.swap(false, Ordering::SeqCst) {
                self.interrupt();
            }
            self.d.feed_type_ahead();
            // a few slices, or a short sleep while nothing runs
            self.d.run(&mut self.clock, 50, &mut |_| true);
            self.show();
            self.flush_partial(PARTIAL_WAIT_MS);
            if self.tty && self.reader_waits && self.ready() {
                self.prompt()?;
            }
        }
    }

    /// Ctrl+D or the end of input: the lines still running have a while
    /// to end, and their output is printed.
    fn finish(&mut self) {
        let ids = self.d.world().node_ids();
        self.d.run(&mut self.clock, BLOCKED_MS, &mut |d| {
            ids.iter().all(|id| !d.busy(*id))
        });
        self.d.run(&mut self.clock, AFTER_LAST_MS, &mut |_| false);
        self.show();
        self.flush_partial(0);
    }

    fn banner(&mut self) {
        let count = self.d.world().node_ids().len();
        self.print(format!(
            "Erlang/OTP 25 [erts-13.1.5] [beamplay: {count} node(s) {}]\n",
            self.placed
        ));
        self.print(BANNER.to_string());
        if self.several {
            self.print("type `node2> expr` to use another console, `:node node2` to switch".into());
            self.print(format!("faults: {USAGE}"));
        }
    }

    /// An input the reader read.
    fn line(&mut self, text: &str) {
        self.reader_waits = true;
        self.awaiting = None;
        if text.trim().is_empty() {
            return;
        }
        if let Some(target) = text.trim().strip_prefix(":node ") {
            match self.d.world().find(target.trim()) {
                Some(id) if self.d.busy(id) => self.print(format!(
                    "({} is still running a line: Ctrl+C interrupts it)",
                    target.trim()
                )),
                Some(id) => self.current = id,
                None => self.print(format!("no node named {}", target.trim())),
            }
            return;
        }
        // a line for a busy console waits its turn there, and the prompt is
        // back at once, as that console is known to be busy
        if let Ok(Submitted::Line(id)) = self.d.type_ahead(self.current, text) {
            self.awaiting = Some((id, self.clock.now_us()));
            if id != self.current && self.tty {
                self.echo_routed(id);
            }
        }
    }

    /// A line typed here for another console (`node2> expr`) shows as
    /// typed there, in place of what the terminal shows.
    fn echo_routed(&mut self, id: NodeId) {
        let said = self.d.take_said();
        let (echo, rest): (Vec<Said>, Vec<Said>) = said.into_iter().partition(
            |s| matches!(s, Said::Line(at, l) if *at == id && l.kind == LineKind::Input),
        );
        let prefix = self.prefix(id);
        // one terminal line up per line typed
        let up = "\x1b[1A\x1b[2K".repeat(echo.len());
        let lines: Vec<String> = echo
            .into_iter()
            .filter_map(|s| match s {
                Said::Line(_, l) => Some(format!("{prefix}{}", l.text)),
                Said::Abandoned(_) => None,
            })
            .collect();
        self.print(format!("{up}{}", lines.join("\n")));
        self.show_said(rest);
    }

    /// `[node2] ` before the lines of a console other than the current
    /// one, when there are several.
    fn prefix(&self, id: NodeId) -> String {
        match self.d.name(id) {
            Some(name) if self.several && id != self.current => format!("[{name}] "),
            _ => String::new(),
        }
    }

    /// Ctrl+C: interrupts the line the prompt waits for, else the current
    /// console's, else the one whose blocked line the prompt left.
    fn interrupt(&mut self) {
        let busy = [
            self.awaiting.map(|(id, _)| id),
            Some(self.current),
            self.blocked,
        ]
        .into_iter()
        .flatten()
        .find(|id| self.d.busy(*id));
        if let Some(id) = busy {
            self.d.interrupt(id);
        }
    }

    /// Whether the next prompt can be shown: the line it waits for is
    /// done, or has run so long that another console may be wanted. A
    /// prompt never shows for a console that is busy (its number would
    /// be stale): when the current console's line blocks, another one
    /// that is free takes the prompt, as another terminal would.
    fn ready(&mut self) -> bool {
        let Some((id, since)) = self.awaiting else {
            return true;
        };
        if !self.d.busy(id) && !self.d.typed_ahead(id) {
            return true;
        }
        if self.since_ms(since) < BLOCKED_MS {
            return false;
        }
        if id != self.current {
            return true;
        }
        let world = self.d.world();
        let Some(other) = world
            .node_ids()
            .into_iter()
            .find(|o| *o != id && world.is_alive(*o) && !self.d.busy(*o))
        else {
            return false;
        };
        let name = self.d.name(id).unwrap_or_default();
        let to = self.d.name(other).unwrap_or_default();
        self.print(format!(
            "({name} is still running: now typing at {to}; Ctrl+C interrupts {name}'s line)"
        ));
        self.blocked = Some(id);
        self.current = other;
        true
    }

    /// The current console's node went down: another one takes the
    /// lines typed from now on.
    fn current_alive(&mut self) -> Result<(), String> {
        if self.d.world().is_alive(self.current) {
            return Ok(());
        }
        // what it said before it went down comes first
        self.show();
        let Some(id) = self.d.world().node_ids().first().copied() else {
            return Err("every node is down".into());
        };
        self.print(format!(
            "(that node is down: now typing at {}; `@restart` brings a node back)",
            self.d.name(id).unwrap_or_default()
        ));
        self.current = id;
        Ok(())
    }

    fn prompt(&mut self) -> Result<(), String> {
        self.current_alive()?;
        let prompt = self
            .d
            .prompt(self.current, false)
            .ok_or("the node is gone")?;
        self.reader_waits = false;
        self.prompts
            .send(prompt)
            .map_err(|_| "the terminal reader stopped".to_string())
    }

    /// Prints what the consoles said since the last look.
    fn show(&mut self) {
        let said = self.d.take_said();
        self.show_said(said);
    }

    /// Prints what the consoles said; the input is on the terminal
    /// already.
    fn show_said(&mut self, said: Vec<Said>) {
        for said in said {
            let Said::Line(id, line) = said else { continue };
            let prefix = self.prefix(id);
            let text = line.text;
            match line.kind {
                LineKind::Input => {}
                LineKind::Log => self.print(format!("{prefix}{text}")),
                LineKind::Output => {
                    let now = self.clock.now_us();
                    let (mut all, since) = self
                        .partial
                        .remove(&id)
                        .unwrap_or_else(|| (String::new(), now));
                    all.push_str(&text);
                    match all.rsplit_once('\n') {
                        Some((lines, rest)) => {
                            for l in lines.split('\n') {
                                self.print(format!("{prefix}{l}"));
                            }
                            if !rest.is_empty() {
                                self.partial.insert(id, (rest.to_string(), now));
                            }
                        }
                        None => {
                            self.partial.insert(id, (all, since));
                        }
                    }
                }
                // a helper's value iex does not print (`h/1`, `i/1`)
                LineKind::Value if text.is_empty() => {}
                LineKind::Value | LineKind::Exit | LineKind::Note => {
                    // iex prints a value right after what was written
                    // without a newline (`IO.write("x")` gives `x:ok`)
                    let before = self.partial.remove(&id).map(|(t, _)| t).unwrap_or_default();
                    let shell_died =
                        line.kind == LineKind::Exit && text.starts_with("** (EXIT from");
                    self.print(format!("{prefix}{before}{text}"));
                    if shell_died {
                        self.print(BANNER.to_string());
                    }
                }
            }
        }
    }

    /// Output that has not ended its line for `older_than` shows as a
    /// line of its own.
    fn flush_partial(&mut self, older_than_ms: u64) {
        let old: Vec<NodeId> = self
            .partial
            .iter()
            .filter(|(_, (_, since))| self.since_ms(*since) >= older_than_ms)
            .map(|(id, _)| *id)
            .collect();
        for id in old {
            if let Some((text, _)) = self.partial.remove(&id) {
                let prefix = self.prefix(id);
                self.print(format!("{prefix}{text}"));
            }
        }
    }

    /// Milliseconds since `us` on the REPL's clock.
    fn since_ms(&self, us: u64) -> u64 {
        self.clock.now_us().saturating_sub(us) / 1000
    }

    /// Prints `text` as a line, above the line being typed if any.
    fn print(&mut self, mut text: String) {
        text.push('\n');
        if let Some(p) = &mut self.printer {
            match p.print(text) {
                Ok(()) => return,
                Err(_) => {
                    self.printer = None;
                    return;
                }
            }
        }
        crate::out(&text);
    }
}

/// The terminal, while the REPL runs, neither echoes what is typed
/// between two prompts (the next prompt shows it) nor flushes it on
/// Ctrl+C; the settings come back when it is dropped.
struct QuietTerminal {
    saved: nix::sys::termios::Termios,
}

impl QuietTerminal {
    fn new() -> Option<QuietTerminal> {
        use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg};
        let stdin = std::io::stdin();
        let saved = tcgetattr(&stdin).ok()?;
        let mut quiet = saved.clone();
        quiet.local_flags.remove(LocalFlags::ECHO);
        quiet.local_flags.insert(LocalFlags::NOFLSH);
        tcsetattr(&stdin, SetArg::TCSANOW, &quiet).ok()?;
        Some(QuietTerminal { saved })
    }
}

impl Drop for QuietTerminal {
    fn drop(&mut self) {
        use nix::sys::termios::{tcsetattr, SetArg};
        let _ = tcsetattr(std::io::stdin(), SetArg::TCSANOW, &self.saved);
    }
}

/// What iex prints as a shell starts.
const BANNER: &str =
    "Interactive Elixir (1.14.0) - press Ctrl+D to exit, Ctrl+C to interrupt a line (type h() ENTER for help)";
