//! The app's one store: the session (World, consoles, time controls) and
//! the views the components render, changed only by actions.
use std::cell::RefCell;
use std::rc::Rc;

use beamplay_cluster::driver::Line;
use beamplay_cluster::fault::Fault;
use beamplay_cluster::observe::Snapshot;
use beamplay_cluster::session::{FrameEntry, LogEntry, Session};
use beamplay_cluster::NodeId;
use yew::Reducible;

/// The nodes a fresh page starts with.
pub const START_NODES: [&str; 3] = ["node1", "node2", "node3"];

/// Process rows a frame builds for the processes panel: the rows in
/// sight and some on either side, whatever the number of processes.
pub const PROCESS_ROWS: usize = 40;

/// Real time a frame may spend running the World, in milliseconds, so
/// that the page stays responsive however busy the nodes are.
pub const FRAME_BUDGET_MS: f64 = 8.0;

#[derive(Clone)]
pub enum Action {
    /// A frame: `now_ms` is the page's clock.
    Tick {
        now_ms: f64,
    },
    Submit(NodeId, String),
    Interrupt(NodeId),
    /// Empty a console's transcript.
    Clear(NodeId),
    Fault(Fault),
    AddNode(String),
    TogglePause,
    Step,
    Speed(f64),
    /// A fresh World with the starting nodes.
    Reset,
    /// Show or hide the kernel services' traffic in the log and diagram.
    ToggleSystem,
    /// Show or hide the user's processes' traffic.
    ToggleUser,
    /// Make the text of a share link of the session so far.
    Share,
    /// Show the mailbox of a process (node, the process's number there),
    /// or no mailbox.
    Mailbox(Option<(NodeId, u32)>),
    /// List the processes of a node from a row of its pid-ordered list
    /// on (the processes panel scrolled).
    ProcessRows(NodeId, usize),
}

/// The mailbox on show: whose, and its messages, printed.
#[derive(Clone, PartialEq)]
pub struct MailboxView {
    pub node: NodeId,
    pub id: u32,
    /// Its pid, printed.
    pub pid: String,
    /// Whether the process still runs.
    pub alive: bool,
    pub messages: Rc<Vec<String>>,
}

/// What a console shows: its lines (shared until they change).
#[derive(Clone, PartialEq)]
pub struct ConsoleView {
    pub id: NodeId,
    pub name: String,
    pub alive: bool,
    pub busy: bool,
    /// The busy line waits in a `receive` (else it computes).
    pub waiting: bool,
    pub prompt: String,
    /// The prompt while the input typed so far is incomplete.
    pub continuation: String,
    pub lines: Rc<Vec<Line>>,
    version: u64,
}

#[derive(Clone)]
pub struct Store {
    session: Rc<RefCell<Session>>,
    /// The page's clock, in milliseconds (performance.now in a browser).
    clock: fn() -> f64,
    last_tick: Option<f64>,
    pub snapshot: Rc<Snapshot>,
    pub consoles: Rc<Vec<ConsoleView>>,
    pub paused: bool,
    pub speed: f64,
    pub log: Rc<Vec<LogEntry>>,
    pub frames: Rc<Vec<FrameEntry>>,
    trace_version: u64,
    pub show_system: bool,
    pub show_user: bool,
    pub mailbox: Option<MailboxView>,
    /// The node whose processes the panel lists, and its first row.
    pub rows: (NodeId, usize),
    /// The session as a share text, once asked for.
    pub shared: Option<Rc<str>>,
    /// The last thing the playground has to say (a refused node name...).
    pub notice: Option<String>,
}

impl Store {
    /// The session, for running the World between frames while a console
    /// computes (ui.rs); views change only through actions.
    pub fn session(&self) -> Rc<RefCell<Session>> {
        self.session.clone()
    }

    /// A store with the starting nodes, or the session a share link
    /// holds (`shared`); a link that cannot be read is said so, and the
    /// page starts fresh.
    pub fn new(clock: fn() -> f64, shared: Option<&str>) -> Result<Store, String> {
        let fresh = || Session::new(1, &START_NODES).map_err(|e| e.to_string());
        let (session, notice) = match shared.map(|t| Session::replay(1, t)) {
            Some(Ok(s)) => (s, None),
            Some(Err(e)) => (fresh()?, Some(e.to_string())),
            None => (fresh()?, None),
        };
        let mut store = Store {
            session: Rc::new(RefCell::new(session)),
            clock,
            last_tick: None,
            snapshot: Rc::new(Snapshot::default()),
            consoles: Rc::new(Vec::new()),
            paused: false,
            speed: 1.0,
            log: Rc::new(Vec::new()),
            frames: Rc::new(Vec::new()),
            trace_version: u64::MAX,
            show_system: false,
            show_user: true,
            shared: None,
            mailbox: None,
            rows: (0, 0),
            notice,
        };
        store.refresh();
        Ok(store)
    }

    /// Reads the views again from the session: the snapshot, and each
    /// console whose lines changed.
    fn refresh(&mut self) {
        let s = self.session.borrow();
        let (node, first) = self.rows;
        self.snapshot = Rc::new(s.snapshot(node, first..first + PROCESS_ROWS));
        let consoles = self
            .snapshot
            .nodes
            .iter()
            .filter(|n| !n.removed)
            .map(|n| {
                let t = s.transcript(n.id);
                let version = t.map_or(0, |t| t.version);
                let lines = match self.consoles.iter().find(|c| c.id == n.id) {
                    Some(old) if old.version == version => old.lines.clone(),
                    _ => Rc::new(t.map(|t| t.lines.clone()).unwrap_or_default()),
                };
                ConsoleView {
                    id: n.id,
                    name: n.name.clone(),
                    alive: n.alive,
                    busy: s.busy(n.id),
                    waiting: s.waiting(n.id),
                    prompt: s.prompt(n.id, false),
                    continuation: s.prompt(n.id, true),
                    lines,
                    version,
                }
            })
            .collect();
        self.consoles = Rc::new(consoles);
        self.paused = s.paused();
        self.speed = s.speed();
        if let Some(m) = &self.mailbox {
            let (alive, messages) = s
                .mailbox(m.node, m.id)
                .map_or((false, Vec::new()), |b| (b.alive, b.messages));
            if *m.messages != messages || m.alive != alive {
                self.mailbox = Some(MailboxView {
                    messages: Rc::new(messages),
                    alive,
                    ..m.clone()
                });
            }
        }
        if s.trace_version != self.trace_version {
            self.trace_version = s.trace_version;
            self.log = Rc::new(s.log().iter().cloned().collect());
            self.frames = Rc::new(s.frames().iter().cloned().collect());
        }
    }

    fn apply(&mut self, action: Action) {
        // a notice stays until the user does something else
        if !matches!(action, Action::Tick { .. }) {
            self.notice = None;
        }
        let mut s = self.session.borrow_mut();
        match action {
            Action::Tick { now_ms } => catch_up(&mut s, &mut self.last_tick, self.clock, now_ms),
            Action::Submit(id, line) => {
                s.submit(id, &line);
                // the line starts now, not at the next tick
                catch_up(&mut s, &mut self.last_tick, self.clock, (self.clock)());
            }
            Action::Interrupt(id) => s.interrupt(id),
            Action::Clear(id) => s.clear(id),
            Action::Fault(f) => s.apply(f),
            Action::AddNode(name) => {
                if let Err(e) = s.add_node(name.trim()) {
                    self.notice = Some(e.to_string());
                }
            }
            Action::TogglePause => {
                let paused = s.paused();
                s.set_paused(!paused);
            }
            Action::Step => s.step(),
            Action::Speed(x) => s.set_speed(x),
            Action::Reset => match Session::new(1, &START_NODES) {
                Ok(fresh) => {
                    *s = fresh;
                    self.trace_version = u64::MAX;
                }
                Err(e) => self.notice = Some(e.to_string()),
            },
            Action::ToggleSystem => self.show_system = !self.show_system,
            Action::ToggleUser => self.show_user = !self.show_user,
            Action::Share => self.shared = Some(s.share().into()),
            Action::Mailbox(which) => {
                self.mailbox = which.and_then(|(node, id)| {
                    let mailbox = s.mailbox(node, id)?;
                    Some(MailboxView {
                        node,
                        id,
                        pid: mailbox.pid,
                        alive: mailbox.alive,
                        messages: Rc::new(mailbox.messages),
                    })
                })
            }
            Action::ProcessRows(node, first) => self.rows = (node, first),
        }
    }
}

/// Lets the World run the real time since the last run (`now_ms` on the
/// page's clock), for at most a frame's budget.
fn catch_up(s: &mut Session, last: &mut Option<f64>, clock: fn() -> f64, now_ms: f64) {
    let real = last.map_or(0.0, |t| now_ms - t);
    *last = Some(now_ms);
    let start = clock();
    s.run(real, &mut || clock() - start < FRAME_BUDGET_MS);
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        next.refresh();
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_clock() -> f64 {
        0.0
    }

    fn after(store: Rc<Store>, actions: Vec<Action>) -> Rc<Store> {
        actions.into_iter().fold(store, Store::reduce)
    }

    fn ticks(from: f64, n: usize) -> Vec<Action> {
        (0..n)
            .map(|i| Action::Tick {
                now_ms: from + 16.0 * i as f64,
            })
            .collect()
    }

    #[test]
    fn a_console_line_runs_as_frames_pass() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        assert_eq!(store.consoles.len(), 3);
        assert_eq!(store.consoles[0].prompt, "iex(node1@localhost)1>");
        let store = after(
            store,
            vec![Action::Submit(0, "Node.connect(:node2@localhost)".into())],
        );
        let store = after(store, ticks(0.0, 20));
        let lines: Vec<&str> = store.consoles[0]
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            lines,
            [
                "iex(node1@localhost)1> Node.connect(:node2@localhost)",
                "true"
            ]
        );
        assert!(store.snapshot.links.iter().any(|l| l.connected));
    }

    thread_local! {
        static NOW: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    }

    fn set_clock() -> f64 {
        NOW.get()
    }

    #[test]
    fn a_line_runs_when_it_is_typed_not_at_the_next_tick() {
        let store = Rc::new(Store::new(set_clock, None).expect("store"));
        let store = after(store, ticks(0.0, 1));
        NOW.set(10.0);
        let store = after(store, vec![Action::Submit(0, "6 * 7".into())]);
        let lines: Vec<&str> = store.consoles[0]
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(lines, ["iex(node1@localhost)1> 6 * 7", "42"]);
    }

    #[test]
    fn unchanged_consoles_share_their_lines() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        let store = after(store, vec![Action::Submit(0, ":a".into())]);
        let before = store.consoles[1].lines.clone();
        let store = after(store, ticks(0.0, 5));
        assert!(Rc::ptr_eq(&before, &store.consoles[1].lines));
    }

    #[test]
    fn a_share_text_opens_the_same_session() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        let store = after(store, vec![Action::Submit(2, "x = 6 * 7".into())]);
        let store = after(store, ticks(0.0, 10));
        let store = after(store, vec![Action::Share]);
        let text = store.shared.clone().expect("shared");
        let opened = Rc::new(Store::new(no_clock, Some(&text)).expect("store"));
        let opened = after(opened, ticks(0.0, 10));
        let lines = |s: &Store| {
            s.consoles[2]
                .lines
                .iter()
                .map(|l| l.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&opened), lines(&store));
        assert_eq!(lines(&opened).last().map(String::as_str), Some("42"));
        let broken = Store::new(no_clock, Some("not a session")).expect("store");
        assert!(broken.notice.is_some());
        assert_eq!(broken.consoles.len(), 3);
    }

    #[test]
    fn a_chosen_mailbox_shows_its_messages() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        let line = "p = spawn(fn -> Process.sleep(:infinity) end); Process.register(p, :idle); send(p, {:hello, 1}); :ok";
        let store = after(store, vec![Action::Submit(0, line.into())]);
        let store = after(store, ticks(0.0, 10));
        let idle = store.snapshot.nodes[0]
            .processes
            .iter()
            .find(|p| p.name.as_deref() == Some("idle"))
            .map(|p| p.id)
            .expect("the idle process");
        let store = after(store, vec![Action::Mailbox(Some((0, idle)))]);
        let shown = store.mailbox.as_ref().map(|m| m.messages.to_vec());
        assert_eq!(shown, Some(vec!["{:hello, 1}".to_string()]));
        let pid = store.mailbox.as_ref().map(|m| (m.pid.clone(), m.alive));
        let listed = store.snapshot.nodes[0]
            .processes
            .iter()
            .find(|p| p.id == idle);
        assert_eq!(pid, listed.map(|p| (p.pid.clone(), true)));
        let store = after(
            store,
            vec![Action::Submit(
                0,
                "Process.exit(Process.whereis(:idle), :kill)".into(),
            )],
        );
        let store = after(store, ticks(200.0, 10));
        assert_eq!(store.mailbox.as_ref().map(|m| m.alive), Some(false));
        let store = after(store, vec![Action::Mailbox(None)]);
        assert!(store.mailbox.is_none());
    }

    #[test]
    fn the_process_list_builds_the_rows_asked_for() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        let line = "for _ <- 1..300, do: spawn(fn -> Process.sleep(:infinity) end); :ok";
        let store = after(store, vec![Action::Submit(1, line.into())]);
        let store = after(store, ticks(0.0, 10));
        // node1's first rows by default, none of the others'
        assert_eq!(
            store.snapshot.nodes[0].processes.len(),
            PROCESS_ROWS.min(store.snapshot.nodes[0].process_count)
        );
        assert!(store.snapshot.nodes[1].processes.is_empty());
        let store = after(store, vec![Action::ProcessRows(1, 250)]);
        let n = &store.snapshot.nodes[1];
        assert!(n.process_count > 300);
        assert_eq!((n.rows_from, n.processes.len()), (250, PROCESS_ROWS));
        assert!(store.snapshot.nodes[0].processes.is_empty());
        assert!(n.processes.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn controls_change_the_session() {
        let store = Rc::new(Store::new(no_clock, None).expect("store"));
        let store = after(
            store,
            vec![
                Action::TogglePause,
                Action::Speed(4.0),
                Action::AddNode("node4".into()),
                Action::AddNode("Node 5".into()),
            ],
        );
        assert!(store.paused);
        assert_eq!(store.speed, 4.0);
        assert_eq!(store.consoles.len(), 4);
        assert!(store
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("Invalid node name")));
        // the page's frames do not wipe it before it can be read
        let store = after(store, vec![Action::Tick { now_ms: 16.0 }]);
        assert!(store.notice.is_some());
        let store = after(store, vec![Action::Fault(Fault::Kill(3))]);
        assert!(!store.consoles[3].alive);
        // a removed node leaves the consoles, and its name is free again
        let store = after(
            store,
            vec![
                Action::Fault(Fault::Remove(3)),
                Action::AddNode("node4".into()),
            ],
        );
        let names: Vec<&str> = store.consoles.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "node1@localhost",
                "node2@localhost",
                "node3@localhost",
                "node4@localhost"
            ]
        );
        assert_eq!(store.consoles[3].id, 4);
        assert!(store.consoles[3].alive);
        assert!(store.snapshot.links.iter().all(|l| l.a != 3 && l.b != 3));
        let store = after(
            store,
            vec![Action::Submit(0, ":x".into()), Action::Clear(0)],
        );
        assert!(store.consoles[0].lines.is_empty());
        let store = after(store, vec![Action::Reset]);
        assert_eq!(store.consoles.len(), 3);
    }
}
