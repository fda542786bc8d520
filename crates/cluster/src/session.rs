//! A playground session as the browser app runs it: a console driver
//! (driver.rs) and its World, the transcript of each node's console, the
//! event log, and the controls of time (pause, step, speed). Hosts hand
//! it the real time that passed and a budget; it never reads a clock
//! itself, so it runs and is tested natively. A host sees the World only
//! through what this type shows.
use std::collections::VecDeque;
use std::ops::Range;

use beamplay_term::Term;
use beamplay_vm::{FrameSummary, Trace};

use crate::driver::{Driver, Line, LineKind, Said, Submitted};
use crate::fault::Fault;
use crate::observe::{EventKind, Snapshot};
use crate::transport::Port;
use crate::{AddNodeError, NodeId, StartError, World};

/// Bytes a line of output grows to before what follows starts a new one.
pub const LONGEST_LINE: usize = 4_096;

/// Lines a transcript keeps; older ones scroll away.
pub const MAX_LINES: usize = 2_000;

/// What one node's console shows: the lines its console said.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    pub lines: Vec<Line>,
    /// Moves on with every line, so a view can tell it changed.
    pub version: u64,
    /// The last line is output that did not end with a newline: what
    /// comes next continues it (`IO.write("x")` then `:ok` is `x:ok`).
    open: bool,
}

impl Transcript {
    /// Adds a line, one shown per row: an output's newline is dropped,
    /// and output without one is continued by what follows, as a terminal
    /// shows it. A value iex does not print (`i/1`, `h/1`) adds nothing.
    fn push(&mut self, mut line: Line) {
        if line.kind == LineKind::Value && line.text.is_empty() {
            return;
        }
        self.version += 1;
        let ends = line.text.ends_with('\n');
        if ends {
            line.text.pop();
        }
        // the playground's own notes and the logger's lines start their
        // own; a line of output grows to at most LONGEST_LINE bytes
        let continues = self.open
            && matches!(
                line.kind,
                LineKind::Output | LineKind::Value | LineKind::Exit
            )
            && self
                .lines
                .last()
                .is_some_and(|l| l.text.len() + line.text.len() <= LONGEST_LINE);
        self.open = line.kind == LineKind::Output && !ends;
        if continues {
            if let Some(last) = self.lines.last_mut() {
                last.text.push_str(&line.text);
                return;
            }
        }
        self.lines.push(line);
        if self.lines.len() > MAX_LINES {
            let extra = self.lines.len() - MAX_LINES;
            self.lines.drain(..extra);
        }
    }
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at_us: u64,
    /// The node it happened on (for a frame, the sender).
    pub node: NodeId,
    pub text: String,
    /// Traffic and changes of the kernel's services (net_kernel, global,
    /// rex, pg, the logger) rather than of the user's processes.
    pub system: bool,
}

/// A frame between two nodes, for the message sequence diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameEntry {
    pub from: NodeId,
    pub to: NodeId,
    pub sent_us: u64,
    pub arrives_us: u64,
    /// Its control message and what that carries, printed.
    pub text: String,
    pub system: bool,
}

/// Entries the log and the diagram keep.
pub const MAX_LOG: usize = 500;
pub const MAX_FRAMES: usize = 200;

/// Slowest and fastest speeds of virtual time against real time.
pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 10.0;

/// A process's mailbox as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Its pid, printed.
    pub pid: String,
    /// Whether the process still runs.
    pub alive: bool,
    /// Its messages, oldest first, printed.
    pub messages: Vec<String>,
}

/// Why a share text does not replay.
#[derive(Debug)]
pub enum ReplayError {
    /// It does not start as [`Session::share`] starts its texts.
    NotASession,
    /// This line (counted from 1) is not a command of the journal, or
    /// one that cannot apply.
    Unreadable(usize),
    Session(StartError),
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::NotASession => write!(f, "this link does not hold a beamplay session"),
            ReplayError::Unreadable(line) => {
                write!(f, "line {line} of the shared session cannot be read")
            }
            ReplayError::Session(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReplayError::Session(e) => Some(e),
            _ => None,
        }
    }
}

pub struct Session {
    driver: Driver,
    transcripts: Vec<Transcript>,
    paused: bool,
    speed: f64,
    /// Virtual microseconds owed to the World and not yet run.
    owed_us: f64,
    log: VecDeque<LogEntry>,
    frames: VecDeque<FrameEntry>,
    /// Moves on whenever the log or the frames change.
    pub trace_version: u64,
    /// What the user did, at which virtual time: what a share link holds.
    journal: Vec<(u64, Entry)>,
    /// The room of tabs the World is in, if it joined one.
    room: Option<Port>,
    /// Envelopes from the room not yet taken in: held while paused, as a
    /// suspended node's socket holds what arrives.
    inbox: VecDeque<Vec<u8>>,
    /// The bytes the inbox holds.
    inbox_bytes: usize,
}

/// Envelopes, and bytes of them, a session holds for its World at most;
/// past either, what arrives is dropped, as a full socket buffer drops
/// it: a lost frame's gap closes its connection, a lost Hello or Bye is
/// not seen.
pub const MAX_INBOX: usize = 100_000;
pub const MAX_INBOX_BYTES: usize = 256 << 20;

/// A command of the journal.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Add(String),
    /// A line typed at a node's console (by the node's name).
    Line(String, String),
    Interrupt(String),
    /// A fault from a button, as its command.
    Fault(String),
}

/// The first line of a share text.
const SHARE_VERSION: &str = "beamplay-session 1";

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

impl Session {
    /// A session whose World (seed `seed`) runs the nodes `names`.
    pub fn new(seed: u64, names: &[&str]) -> Result<Session, StartError> {
        let mut s = Session {
            driver: Driver::new(seed).map_err(StartError::Prelude)?,
            transcripts: Vec::new(),
            paused: false,
            speed: 1.0,
            owed_us: 0.0,
            log: VecDeque::new(),
            frames: VecDeque::new(),
            trace_version: 0,
            journal: Vec::new(),
            room: None,
            inbox: VecDeque::new(),
            inbox_bytes: 0,
        };
        s.world_mut().set_tracing(true);
        for n in names {
            s.add_node(n).map_err(StartError::AddNode)?;
        }
        Ok(s)
    }

    fn world(&self) -> &World {
        self.driver.world()
    }

    fn world_mut(&mut self) -> &mut World {
        self.driver.world_mut()
    }

    /// Adds a node with a name a user typed (`node4`), as `--sname`
    /// takes one (`World::check_name`).
    pub fn add_node(&mut self, name: &str) -> Result<NodeId, AddNodeError> {
        self.world().check_name(name)?;
        let id = self.world_mut().add_node(name);
        self.transcripts.resize(id + 1, Transcript::default());
        self.note(Entry::Add(name.to_string()));
        Ok(id)
    }

    fn note(&mut self, e: Entry) {
        self.journal.push((self.world().now_us(), e));
    }

    /// The session as text: the nodes added and the lines typed, each at
    /// its virtual time, for a share link ([`Session::replay`]).
    pub fn share(&self) -> String {
        let mut out = String::from(SHARE_VERSION);
        for (at, e) in &self.journal {
            let line = match e {
                Entry::Add(n) => format!("{at} add {n}"),
                Entry::Line(n, text) => format!("{at} line {n} {}", escape(text)),
                Entry::Interrupt(n) => format!("{at} interrupt {n}"),
                Entry::Fault(c) => format!("{at} fault {}", escape(c)),
            };
            out.push('\n');
            out.push_str(&line);
        }
        out
    }

    /// A session rebuilt from [`Session::share`]'s text: the same seed and
    /// the same commands at the same virtual times give the same World.
    pub fn replay(seed: u64, text: &str) -> Result<Session, ReplayError> {
        let mut lines = text.lines();
        if lines.next() != Some(SHARE_VERSION) {
            return Err(ReplayError::NotASession);
        }
        let mut s = Session::new(seed, &[]).map_err(ReplayError::Session)?;
        for (i, line) in lines.enumerate() {
            let bad = || ReplayError::Unreadable(i + 2);
            let mut parts = line.splitn(3, ' ');
            let at: u64 = parts
                .next()
                .and_then(|t| u64::from_str_radix(t, 10).ok())
                .ok_or_else(bad)?;
            let (kind, rest) = (parts.next().ok_or_else(bad)?, parts.next().unwrap_or(""));
            let now = s.world().now_us();
            if at > now {
                s.world_mut().advance_us_with(at - now, |_| false);
                s.collect();
            }
            let node = |s: &Session, name: &str| s.world().find(name).ok_or_else(bad);
            match kind {
                "add" => {
                    s.add_node(rest)
                        .map_err(|e| ReplayError::Session(StartError::AddNode(e)))?;
                }
                "line" => {
                    let (name, text) = rest.split_once(' ').ok_or_else(bad)?;
                    let id = node(&s, name)?;
                    s.submit(id, &unescape(text));
                }
                "interrupt" => {
                    let id = node(&s, rest)?;
                    s.interrupt(id);
                }
                "fault" => match Fault::parse(s.world(), &unescape(rest)) {
                    Some(Ok(f)) => s.apply(f),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            }
        }
        Ok(s)
    }

    /// What the views show now: the World with the process views of
    /// `rows` of node `node`'s pid-ordered list only (the rows a
    /// scrolled list shows), so a frame builds as many views with
    /// 100,000 processes as with 100.
    pub fn snapshot(&self, node: NodeId, rows: Range<usize>) -> Snapshot {
        self.world()
            .snapshot_rows(|id| if id == node { rows.clone() } else { 0..0 })
    }

    /// The mailbox of node `node`'s process number `id`; `None` while the
    /// node is down.
    pub fn mailbox(&self, node: NodeId, id: u32) -> Option<Mailbox> {
        let n = self.world().node(node)?;
        Some(Mailbox {
            pid: n.pid_text(id),
            alive: n.is_running(id),
            messages: n.mailbox_view(id),
        })
    }

    /// The event log, oldest first.
    pub fn log(&self) -> &VecDeque<LogEntry> {
        &self.log
    }

    /// The latest frames between nodes, oldest first.
    pub fn frames(&self) -> &VecDeque<FrameEntry> {
        &self.frames
    }

    pub fn transcript(&self, id: NodeId) -> Option<&Transcript> {
        self.transcripts.get(id)
    }

    /// The prompt of node `id`'s console (`iex(node1@localhost)3>`, or
    /// `...(node1@localhost)3>` when `more` input is wanted); empty while
    /// the node is down.
    pub fn prompt(&self, id: NodeId, more: bool) -> String {
        self.driver.prompt(id, more).unwrap_or_default()
    }

    /// Whether node `id` runs a line.
    pub fn busy(&self, id: NodeId) -> bool {
        self.driver.busy(id)
    }

    /// Whether the World has virtual time owed to it that a run with no
    /// new real time ([`Session::run`] of 0 ms) would use.
    pub fn owes(&self) -> bool {
        self.owed_us >= 1000.0
    }

    /// Whether some console's line computes (busy, not waiting in a
    /// `receive`): the host may give the World more time.
    pub fn computing(&self) -> bool {
        !self.paused
            && self
                .world()
                .node_ids()
                .into_iter()
                .any(|id| self.busy(id) && !self.waiting(id))
    }

    /// Whether node `id`'s console line waits in a `receive`.
    pub fn waiting(&self, id: NodeId) -> bool {
        self.driver.waiting(id)
    }

    /// Types `input` at node `id`'s console: a line of Elixir, a line for
    /// another node's console (`node2> expr`), or a fault command
    /// (`@kill node2`, `@disconnect node1 node2`...). The transcripts say
    /// what it did.
    pub fn submit(&mut self, id: NodeId, input: &str) {
        if let Some(name) = self.driver.name(id) {
            self.note(Entry::Line(name, input.to_string()));
        }
        // a line for a console that still runs one waits its turn there,
        // as iex's type-ahead does
        if let Ok(Submitted::Queued(_)) = self.driver.type_ahead(id, input) {
            if let Some(t) = self.transcripts.get_mut(id) {
                t.push(Line {
                    kind: LineKind::Note,
                    text: format!(
                        "typed ahead: {} runs when the running line ends",
                        crate::driver::cut(input.trim())
                    ),
                });
            }
            return;
        }
        self.collect_lines();
    }

    /// Empties node `id`'s transcript (the console's "clear"); what runs
    /// goes on, and the share link still replays every line.
    pub fn clear(&mut self, id: NodeId) {
        if let Some(t) = self.transcripts.get_mut(id) {
            t.lines.clear();
            t.version += 1;
        }
    }

    /// Interrupts the line node `id` runs (iex's Ctrl+C: the shell dies
    /// and a new one starts).
    pub fn interrupt(&mut self, id: NodeId) {
        if let Some(name) = self.driver.name(id) {
            self.note(Entry::Interrupt(name));
        }
        self.driver.interrupt(id);
    }

    /// Joins the room `room` of other tabs: the World's nodes are told
    /// to the room and theirs to the World ([`Session::room_exchange`]).
    pub fn join_room(&mut self, room: &str) {
        if self.room.is_none() {
            self.room = Some(Port::new(room));
        }
    }

    pub fn room(&self) -> Option<&str> {
        self.room.as_ref().map(Port::room)
    }

    /// Bytes from the room's channel, taken in at the next exchange.
    pub fn room_incoming(&mut self, bytes: Vec<u8>) {
        if self.room.is_some()
            && self.inbox.len() < MAX_INBOX
            && self.inbox_bytes.saturating_add(bytes.len()) <= MAX_INBOX_BYTES
        {
            self.inbox_bytes += bytes.len();
            self.inbox.push_back(bytes);
        }
    }

    /// Takes in what arrived from the room (unless paused) and returns
    /// what to post to it: the World's nodes coming and going, its frames
    /// for nodes of other tabs, answers to newcomers.
    pub fn room_exchange(&mut self) -> Vec<Vec<u8>> {
        let Some(port) = self.room.as_mut() else {
            return Vec::new();
        };
        let world = self.driver.world_mut();
        let mut out = Vec::new();
        while let Some(bytes) = (!self.paused).then(|| self.inbox.pop_front()).flatten() {
            self.inbox_bytes = self.inbox_bytes.saturating_sub(bytes.len());
            // what a port refuses it counts; the World sees nothing of it
            if let Ok(answers) = port.incoming(world, &bytes) {
                out.extend(answers);
            }
        }
        out.extend(port.outgoing(world));
        self.collect();
        out
    }

    /// Node `name` of another tab is gone without a word (its tab closed
    /// or crashed): the World's nodes see it die.
    pub fn peer_gone(&mut self, name: &str) {
        let peer = self
            .world()
            .peers()
            .iter()
            .find(|p| p.as_str() == name)
            .cloned();
        if let Some(peer) = peer {
            if let Some(port) = self.room.as_mut() {
                port.forget(name);
            }
            self.world_mut().peer_down(&peer);
            self.collect();
        }
    }

    /// The nodes of other tabs the World knows, full names.
    pub fn peers(&self) -> Vec<String> {
        self.world()
            .peers()
            .iter()
            .map(|p| p.as_str().to_string())
            .collect()
    }

    /// The tab is closing: what to post so the room sees its nodes go.
    pub fn leave_room(&mut self) -> Vec<Vec<u8>> {
        let Some(mut port) = self.room.take() else {
            return Vec::new();
        };
        self.inbox.clear();
        self.inbox_bytes = 0;
        // the World's nodes lose the room's as the room loses them
        for peer in self.world().peers().to_vec() {
            self.world_mut().peer_down(&peer);
        }
        self.collect();
        port.close()
    }

    /// Applies a fault from a button rather than a typed command.
    pub fn apply(&mut self, fault: Fault) {
        self.note(Entry::Fault(fault.command(self.world())));
        self.world_mut().apply(fault);
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        self.owed_us = 0.0;
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the speed of virtual time, clamped to 0.1x..10x.
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = if speed.is_finite() {
            speed.clamp(MIN_SPEED, MAX_SPEED)
        } else {
            1.0
        };
    }

    /// Lets `real_ms` of real time pass (times the speed) unless paused,
    /// running what becomes due while `budget` says there is time left in
    /// this frame; what does not fit waits for the next call.
    pub fn run(&mut self, real_ms: f64, budget: &mut dyn FnMut() -> bool) {
        if !self.paused && real_ms.is_finite() && real_ms > 0.0 {
            // a tab in the background comes back with a long gap: at most
            // a second of virtual time is owed
            self.owed_us = (self.owed_us + real_ms * 1000.0 * self.speed).min(1e6);
        }
        let ms = (self.owed_us / 1000.0).floor();
        if ms >= 1.0 {
            let before = self.world().now_us();
            self.world_mut().advance_with(ms as u64, |_| !budget());
            let ran = self.world().now_us().saturating_sub(before) as f64;
            self.owed_us = (self.owed_us - ran).max(0.0);
        }
        self.collect();
    }

    /// One slice or one due timer, for stepping while paused.
    pub fn step(&mut self) {
        let world = self.world_mut();
        if !world.step() {
            if let Some(due) = world.next_timer_due() {
                let now = world.now_us();
                world.advance(due.saturating_sub(now).div_ceil(1000));
            }
        }
        self.collect();
    }

    /// Moves what the consoles said into their transcripts.
    fn collect_lines(&mut self) {
        for said in self.driver.take_said() {
            if let Said::Line(id, line) = said {
                if let Some(t) = self.transcripts.get_mut(id) {
                    t.push(line);
                }
            }
        }
    }

    /// Moves what the consoles said into their transcripts, and the
    /// World's events into the log and the frame list.
    fn collect(&mut self) {
        let events = self.world_mut().take_trace();
        if !events.is_empty() {
            self.trace_version += 1;
        }
        // newest first, until the log and the frame list are full: older
        // events are never printed (a busy node makes many thousands a
        // frame); once the log is full only frames are still looked for
        let (mut log, mut frames) = (Vec::new(), Vec::new());
        for e in events.into_iter().rev() {
            let log_full = log.len() >= MAX_LOG;
            if log_full && frames.len() >= MAX_FRAMES {
                break;
            }
            if log_full && !matches!(e.what, EventKind::FrameSent { .. }) {
                continue;
            }
            if let Some((entry, frame)) = self.describe(e.at_us, e.what) {
                if !log_full {
                    log.push(entry);
                }
                frames.extend(frame);
            }
        }
        keep_newest(&mut self.log, log, MAX_LOG);
        keep_newest(&mut self.frames, frames, MAX_FRAMES);
        self.collect_lines();
        self.driver.feed_type_ahead();
        self.collect_lines();
    }
}

impl Session {
    /// What an event adds to the log (and, for a frame, to the frames);
    /// `None` for the events the log leaves out.
    fn describe(&self, at_us: u64, what: EventKind) -> Option<(LogEntry, Option<FrameEntry>)> {
        // a node killed since keeps its name here
        let name = |w: &World, id: NodeId| w.slot_name(id).unwrap_or_default();
        let (node, text, system) = match what {
            EventKind::Node(id, t) => {
                let n = self.world().node(id)?;
                let show = |t: &Term| n.view_plain(t);
                match t {
                    Trace::Send { from, to, msg } => {
                        let system = n.is_service(&from) || n.is_service(&to);
                        (
                            id,
                            format!("{} sends {} to {}", show(&from), show(&msg), show(&to)),
                            system,
                        )
                    }
                    Trace::Spawn { pid } => (id, format!("spawn {}", show(&pid)), false),
                    Trace::Exit { pid, reason } => {
                        let system = n.is_service(&pid);
                        (
                            id,
                            format!("{} exits: {}", show(&pid), show(&reason)),
                            system,
                        )
                    }
                    Trace::Register { name, pid } => {
                        let system = n.is_service(&Term::Atom(name.clone()));
                        (
                            id,
                            format!("register :{} as {}", name.as_str(), show(&pid)),
                            system,
                        )
                    }
                    Trace::Unregister { name } => {
                        (id, format!("unregister :{}", name.as_str()), false)
                    }
                    Trace::NodeUp(peer) => (id, format!("nodeup {}", peer.as_str()), true),
                    Trace::NodeDown(peer) => (id, format!("nodedown {}", peer.as_str()), true),
                    Trace::Service(t) => (id, show(&t), true),
                    Trace::Deliver { .. } | Trace::Output(_) => return None,
                }
            }
            EventKind::FrameSent {
                from,
                to,
                summary,
                arrives_us,
                ..
            } => {
                let system = summary.system;
                let said = frame_text(&summary);
                let text = format!("frame to {}: {said}", name(self.world(), to));
                let frame = FrameEntry {
                    from,
                    to,
                    sent_us: at_us,
                    arrives_us,
                    text: said,
                    system,
                };
                let entry = LogEntry {
                    at_us,
                    node: from,
                    text,
                    system,
                };
                return Some((entry, Some(frame)));
            }
            EventKind::FrameDelivered { .. } => return None,
            EventKind::FramesDropped { from, to, count } => (
                from,
                format!("{count} frame(s) to {} lost", name(self.world(), to)),
                false,
            ),
            EventKind::Killed(id) => (id, "killed".to_string(), false),
            EventKind::Restarted(id) => (id, "restarted with a new creation".to_string(), false),
            EventKind::Cut(a, b) => (a, format!("link to {} cut", name(self.world(), b)), false),
            EventKind::Healed(a, b) => (
                a,
                format!("link to {} healed", name(self.world(), b)),
                false,
            ),
            EventKind::Latency(a, b, ms) => (
                a,
                format!("latency to {}: {ms} ms", name(self.world(), b)),
                false,
            ),
        };
        Some((
            LogEntry {
                at_us,
                node,
                text,
                system,
            },
            None,
        ))
    }
}

/// Appends `newest_first` (newest first) to `deque` in time order, and
/// drops the oldest beyond `max`.
fn keep_newest<T>(deque: &mut VecDeque<T>, newest_first: Vec<T>, max: usize) {
    deque.extend(newest_first.into_iter().rev());
    let extra = deque.len().saturating_sub(max);
    deque.drain(..extra);
}

/// A frame as the log and the diagram say it:
/// `SEND_SENDER {22, #PID<0.110.0>, #PID<0.112.0>} carrying {:hello, 1}`.
fn frame_text(f: &FrameSummary) -> String {
    let mut text = match f.op {
        Some(op) => format!("{op} {}", f.control),
        None => f.control.clone(),
    };
    if let Some(payload) = &f.payload {
        text.push_str(" carrying ");
        text.push_str(payload);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_ms(s: &mut Session, ms: f64) {
        s.run(ms, &mut || true);
    }

    fn texts(s: &Session, id: NodeId) -> Vec<String> {
        s.transcript(id)
            .map(|c| c.lines.iter().map(|l| l.text.clone()).collect())
            .unwrap_or_default()
    }

    /// The last line of node `id`'s transcript.
    fn last(s: &Session, id: NodeId) -> Option<String> {
        texts(s, id).pop()
    }

    #[test]
    fn a_line_echoes_with_its_prompt_and_prints_its_value() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        assert_eq!(s.prompt(0, false), "iex(node1@localhost)1>");
        s.submit(0, "1 + 1");
        run_ms(&mut s, 50.0);
        assert_eq!(texts(&s, 0), ["iex(node1@localhost)1> 1 + 1", "2"]);
        assert_eq!(s.prompt(0, true), "...(node1@localhost)2>");
    }

    #[test]
    fn output_of_a_remote_process_reaches_the_callers_console() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(
            0,
            "Node.spawn(:node2@localhost, fn -> IO.puts(\"hi from #{node()}\") end); :ok",
        );
        run_ms(&mut s, 100.0);
        assert!(texts(&s, 0).contains(&"hi from node2@localhost".to_string()));
        assert!(texts(&s, 1).is_empty());
    }

    #[test]
    fn output_without_a_newline_is_continued_by_the_value() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.submit(0, "IO.write(\"x\")");
        run_ms(&mut s, 50.0);
        s.submit(0, "IO.puts(\"a\"); IO.write(\"b\"); IO.write(\"c\"); :d");
        run_ms(&mut s, 50.0);
        s.submit(0, "i 1");
        run_ms(&mut s, 50.0);
        let lines = texts(&s, 0);
        assert_eq!(lines[1], "x:ok");
        assert_eq!(lines[3..5], ["a", "bc:d"]);
        // i/1 prints its lines, and no value
        assert!(
            lines.last().is_some_and(|l| l.ends_with("String.Chars")),
            "{lines:?}"
        );
    }

    #[test]
    fn the_logger_speaks_in_the_console_as_a_log_line() {
        let mut s = Session::new(1, &["node1", "node2", "node3"]).expect("session");
        s.submit(
            0,
            "Node.connect(:node2@localhost); Node.connect(:node3@localhost)",
        );
        run_ms(&mut s, 500.0);
        s.submit(2, "Node.disconnect(:node2@localhost)");
        run_ms(&mut s, 1_000.0);
        let logs: Vec<String> = s
            .transcript(0)
            .map(|t| {
                t.lines
                    .iter()
                    .filter(|l| l.kind == LineKind::Log)
                    .map(|l| l.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            logs.iter().any(|l| l.starts_with(
                "[warning] 'global' at node :node1@localhost requested disconnect from node"
            ) && l.ends_with("in order to prevent overlapping partitions")),
            "{logs:?}"
        );
    }

    #[test]
    fn output_without_newlines_stays_in_lines_of_bounded_length() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.submit(0, "Enum.each(1..10_000, fn _ -> IO.write(\"x\") end)");
        run_ms(&mut s, 500.0);
        s.submit(0, "IO.write(\"q\"); receive do _ -> :ok end");
        run_ms(&mut s, 50.0);
        s.submit(0, ":typed");
        let lines = texts(&s, 0);
        assert!(
            lines.iter().all(|l| l.len() <= LONGEST_LINE),
            "{:?}",
            lines.iter().map(String::len).collect::<Vec<_>>()
        );
        assert!(lines.iter().map(String::len).sum::<usize>() >= 10_000);
        // the playground's note starts a line of its own
        assert_eq!(lines[lines.len() - 2], "q");
        assert!(
            lines[lines.len() - 1].starts_with("typed ahead"),
            "{lines:?}"
        );
    }

    #[test]
    fn a_line_typed_at_a_busy_console_waits_its_turn() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.submit(0, "Process.sleep(100); :first");
        s.submit(0, ":second");
        run_ms(&mut s, 50.0);
        let lines = texts(&s, 0);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("typed ahead: :second runs when the running line ends")
        );
        // an interrupt keeps it, as iex keeps what was typed ahead
        s.interrupt(0);
        run_ms(&mut s, 50.0);
        run_ms(&mut s, 50.0);
        let lines = texts(&s, 0);
        assert_eq!(
            lines[lines.len() - 3..],
            [
                "** (EXIT) interrupted",
                "iex(node1@localhost)1> :second",
                ":second"
            ]
        );
    }

    #[test]
    fn a_computing_line_is_told_from_a_waiting_one() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(0, "Enum.reduce(1..100_000_000, 0, &+/2)");
        s.submit(1, "receive do :never -> :ok end");
        run_ms(&mut s, 20.0);
        assert!(s.busy(0) && !s.waiting(0), "node1 computes");
        assert!(s.busy(1) && s.waiting(1), "node2 waits");
    }

    #[test]
    fn paused_time_stands_still_and_steps_move_it() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.set_paused(true);
        s.submit(0, ":ok");
        run_ms(&mut s, 100.0);
        assert_eq!(texts(&s, 0).len(), 1, "nothing runs while paused");
        for _ in 0..50 {
            s.step();
        }
        assert_eq!(last(&s, 0).as_deref(), Some(":ok"));
    }

    #[test]
    fn a_spent_budget_leaves_the_rest_for_later() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.submit(0, "Enum.reduce(1..200_000, 0, &+/2)");
        let mut calls = 0;
        s.run(10.0, &mut || {
            calls += 1;
            calls < 3
        });
        assert!(!texts(&s, 0).contains(&"20000100000".to_string()));
        for _ in 0..200 {
            run_ms(&mut s, 10.0);
        }
        assert!(texts(&s, 0).contains(&"20000100000".to_string()));
    }

    #[test]
    fn the_log_and_the_frames_tell_user_traffic_from_the_services() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(1, "Process.register(self(), :box)");
        run_ms(&mut s, 50.0);
        s.submit(0, "send({:box, :node2@localhost}, :hello)");
        run_ms(&mut s, 500.0);
        let user: Vec<&str> = s
            .log()
            .iter()
            .filter(|e| !e.system)
            .map(|e| e.text.as_str())
            .collect();
        assert!(
            user.iter()
                .any(|t| t.contains("sends :hello to {:box, :node2@localhost}")),
            "{user:?}"
        );
        assert!(s
            .log()
            .iter()
            .any(|e| e.system && e.text.starts_with("nodeup")));
        let frames: Vec<_> = s.frames().iter().collect();
        assert!(frames.iter().any(|f| f.system && f.text == "connect"));
        let hello = frames
            .iter()
            .find(|f| !f.system && f.text.contains(":box"))
            .expect("the user's frame");
        assert!(
            hello.text.starts_with("REG_SEND {6, #PID<0.")
                && hello.text.ends_with(", :\"\", :box} carrying :hello"),
            "{}",
            hello.text
        );
        assert_eq!((hello.from, hello.to), (0, 1));
        assert!(hello.arrives_us > hello.sent_us);
        // a big message is told by its size, not printed
        s.submit(
            0,
            "send({:box, :node2@localhost}, String.duplicate(\"x\", 5000))",
        );
        run_ms(&mut s, 500.0);
        let big = s
            .frames()
            .iter()
            .rev()
            .find(|f| !f.system && f.text.contains(":box"));
        assert!(
            big.is_some_and(|f| f.text.ends_with(":box} carrying a term of 5006 bytes")),
            "{big:?}"
        );
    }

    #[test]
    fn killing_a_node_tells_the_frames_it_had_in_flight() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(1, "Process.register(self(), :box)");
        s.submit(0, "Node.connect(:node2@localhost)");
        run_ms(&mut s, 100.0);
        s.submit(0, "@latency node1 node2 1000");
        s.submit(
            0,
            "send({:box, :node2@localhost}, :one); send({:box, :node2@localhost}, :two)",
        );
        run_ms(&mut s, 100.0);
        s.submit(0, "@kill node2");
        run_ms(&mut s, 10.0);
        let lost: Vec<(NodeId, &str)> = s
            .log()
            .iter()
            .filter(|e| e.text.contains("lost"))
            .map(|e| (e.node, e.text.as_str()))
            .collect();
        assert_eq!(
            lost,
            [(0, "2 frame(s) to node2@localhost lost")],
            "{:?}",
            s.log()
        );
    }

    #[test]
    fn a_shared_session_replays_to_the_same_consoles() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(0, "Node.connect(:node2@localhost)");
        run_ms(&mut s, 37.5);
        s.submit(1, "defmodule M do\n  def f, do: \"a\\\\b\"\nend; M.f()");
        run_ms(&mut s, 120.0);
        s.apply(Fault::Kill(1));
        s.submit(0, "Node.list()");
        run_ms(&mut s, 200.0);
        let text = s.share();
        let mut r = Session::replay(1, &text).expect("replays");
        let now = s.world().now_us() - r.world().now_us();
        r.world_mut().advance_us_with(now, |_| false);
        r.collect();
        for id in 0..2 {
            assert_eq!(texts(&r, id), texts(&s, id), "node {id}");
        }
        assert!(texts(&s, 1).iter().any(|l| l.contains("a\\\\b")));
        assert_eq!(r.share(), text);
        let err = |text: &str| Session::replay(1, text).err().map(|e| e.to_string());
        assert_eq!(
            err("nonsense").as_deref(),
            Some("this link does not hold a beamplay session")
        );
        assert_eq!(
            err("beamplay-session 1\n12 line nobody x").as_deref(),
            Some("line 2 of the shared session cannot be read")
        );
        assert!(matches!(
            Session::replay(1, "beamplay-session 1\n0 add node1\nx add node2"),
            Err(ReplayError::Unreadable(3))
        ));
        assert_eq!(
            err("beamplay-session 1\n0 add no.de1").as_deref(),
            Some("Invalid node name! \"no.de1\": a node's name is letters, digits, _ and -")
        );
    }

    #[test]
    fn a_busy_node_costs_the_views_only_what_they_show() {
        let mut s = Session::new(1, &["node1"]).expect("session");
        s.submit(0, "for i <- 1..2_000, do: spawn(fn -> send(self(), i); Process.sleep(:infinity) end); :ok");
        run_ms(&mut s, 500.0);
        let snap = s.snapshot(0, 1_000..1_030);
        assert_eq!(snap.nodes[0].processes.len(), 30);
        assert!(snap.nodes[0].process_count > 2_000);
        assert_eq!(snap.nodes[0].rows_from, 1_000);
        // the rows are the 1000th to the 1029th process in pid order
        let all = s
            .world()
            .node(0)
            .map(|n| n.process_views())
            .unwrap_or_default();
        let ids = |v: &[beamplay_vm::ProcessView]| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(&snap.nodes[0].processes), ids(&all[1_000..1_030]));
        let end = s.snapshot(0, 1_000_000..1_000_030);
        assert!(end.nodes[0].processes.is_empty());
        assert_eq!(end.nodes[0].rows_from, end.nodes[0].process_count);
        // processes that end leave the list, which stays in pid order
        s.submit(
            0,
            "for i <- 1..1_000, do: spawn(fn -> Process.sleep(10 + rem(i, 7) * 50) end); :ok",
        );
        run_ms(&mut s, 100.0);
        let during = s.snapshot(0, 0..usize::MAX).nodes[0].processes.len();
        run_ms(&mut s, 500.0);
        let after = s.snapshot(0, 0..usize::MAX);
        let n = &after.nodes[0];
        assert!(during > n.processes.len() && n.processes.len() == n.process_count);
        assert!(n.processes.windows(2).all(|w| w[0].id < w[1].id));
        let node = s.world().node(0).expect("node1");
        assert!(n.processes.iter().all(|p| node.is_running(p.id)));
        // thousands of events: the log holds the newest, in order
        assert_eq!(s.log().len(), MAX_LOG);
        assert!(s
            .log()
            .iter()
            .zip(s.log().iter().skip(1))
            .all(|(a, b)| a.at_us <= b.at_us));
    }

    #[test]
    fn faults_and_bad_names_answer_in_words() {
        let mut s = Session::new(1, &["node1", "node2"]).expect("session");
        s.submit(0, "@kill node2");
        assert!(!s.world().is_alive(1));
        s.submit(1, ":hello");
        assert_eq!(
            last(&s, 1).as_deref(),
            Some("node2@localhost is not running (restart it first)")
        );
        s.submit(0, "@kill nobody");
        assert_eq!(last(&s, 0).as_deref(), Some("no node named nobody"));
        assert_eq!(
            s.add_node("Bad Name"),
            Err(AddNodeError::Invalid("Bad Name".into()))
        );
        assert_eq!(
            s.add_node("node1").map_err(|e| e.to_string()),
            Err("the name node1@localhost seems to be in use by another Erlang node".into())
        );
        assert_eq!(s.add_node("node3"), Ok(2));
        // a removed node is gone for good, and its name can be used again
        s.submit(0, "@remove node3");
        assert!(s.world().is_removed(2) && s.world().find("node3").is_none());
        s.submit(2, ":hello");
        assert_eq!(last(&s, 2).as_deref(), Some("node3@localhost was removed"));
        s.submit(0, "@restart node3");
        assert_eq!(last(&s, 0).as_deref(), Some("no node named node3"));
        assert_eq!(s.add_node("node3"), Ok(3));
        s.set_speed(f64::NAN);
        assert_eq!(s.speed(), 1.0);
        s.set_speed(100.0);
        assert_eq!(s.speed(), MAX_SPEED);
    }
}
