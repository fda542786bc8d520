//! Runs a console scenario (shared/oracle/README.md format) on a World in
//! virtual time and prints the transcript the oracle prints for real OTP:
//! the same waits (150 ms after a value, 1.5 s before a line counts as
//! blocked, 1 s after `@kill`, 800 ms at the end) in virtual time. It
//! also takes the faults real OTP cannot script (`@restart`, `@remove`,
//! `@disconnect`, `@heal`, `@latency`: fault.rs), waiting 1 s after a
//! restart, a removal or a cut as after a kill. Lines and faults enter
//! through the console driver; this file words what the driver hands
//! back as the oracle's transcript.
use std::collections::HashSet;

use crate::driver::{Clock, Driver, LineKind, Said, SubmitError, Submitted, Virtual};
use crate::fault::Fault;
use crate::room::Room;
use crate::{NodeId, Nodes};

const REPLY_WAIT_MS: u64 = 1_500;
const AFTER_VALUE_MS: u64 = 150;
const AFTER_KILL_MS: u64 = 1_000;
const FINAL_DRAIN_MS: u64 = 800;
/// How often a line typed at a busy console tries again.
const RETRY_MS: u64 = 10;

/// What a scenario run produced.
pub struct Run {
    pub transcript: String,
    /// Logger reports and warnings: never part of the transcript.
    pub log: String,
}

/// The transcript of `text` run on a fresh World (seed 1) in virtual time.
pub fn run_scenario(text: &str) -> String {
    run(text, 1, &mut Virtual).transcript
}

/// The transcript of `text` run with each node in a World of its own,
/// the Worlds a [`Room`] in virtual time (seed 1): the same transcript
/// as [`run_scenario`]'s if the seam between Worlds is faithful.
pub fn run_scenario_in_room(text: &str) -> String {
    run_in_room(text, 1, &mut Virtual).transcript
}

/// Runs a scenario with each node in a World of its own (the first
/// seeded by `seed`), the Worlds a [`Room`], time passing as `clock`
/// makes it.
pub fn run_in_room(text: &str, seed: u64, clock: &mut dyn Clock) -> Run {
    match Room::new(seed, &scenario_nodes(text), &scenario_hidden(text)) {
        Ok(room) => {
            let mut driver = Driver::of(room);
            clock.prepare(driver.world_mut());
            run_on(driver, clock, text)
        }
        Err(e) => Run {
            transcript: format!("** (beamplay) {e}\n"),
            log: String::new(),
        },
    }
}

/// The node names a scenario asks for (`# nodes: a,b` on its first line).
pub fn scenario_nodes(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    match first.strip_prefix("# nodes:") {
        Some(list) => names(list),
        None => vec!["node1".into(), "node2".into(), "node3".into()],
    }
}

/// The hidden nodes a scenario starts besides those (`# hidden: ctl` in
/// its opening comments; the oracle cannot start them, so such a
/// scenario has no transcript from real OTP).
pub fn scenario_hidden(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# hidden:"))
        .map(names)
        .unwrap_or_default()
}

fn names(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Lines with `\` continuations joined, as the oracle's driver joins them.
pub fn join_continued(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.split('\n') {
        let line = match pending.take() {
            Some(p) => format!("{p}\n{line}"),
            None => line.to_string(),
        };
        match line.strip_suffix('\\') {
            Some(stripped) => pending = Some(stripped.to_string()),
            None => out.push(line),
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

/// What the transcript has so far, apart from the World.
struct State {
    out: Vec<String>,
    log: Vec<String>,
    /// Consoles whose line did not answer in time: its value prints as
    /// `node ~> v`.
    blocked: HashSet<NodeId>,
}

/// How the line a scenario waits for ended.
enum Reply {
    Value(String),
    /// It died with its shell: no value, as in iex.
    Abandoned,
}

impl State {
    fn print_output(&mut self, who: &str, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for line in text.split('\n') {
            self.out.push(format!("{who}| {line}"));
        }
    }

    /// Words what the consoles said; returns how `waiting_for`'s line
    /// ended, if it did.
    fn collect(
        &mut self,
        driver: &mut Driver<impl Nodes>,
        waiting_for: Option<NodeId>,
    ) -> Option<Reply> {
        let mut got = None;
        for said in driver.take_said() {
            let (id, line) = match said {
                Said::Abandoned(id) => {
                    self.blocked.remove(&id);
                    if waiting_for == Some(id) {
                        got = Some(Reply::Abandoned);
                    }
                    continue;
                }
                Said::Line(id, line) => (id, line),
            };
            let who = driver.name(id).unwrap_or_default();
            match line.kind {
                LineKind::Output | LineKind::Exit => self.print_output(&who, &line.text),
                LineKind::Log => self.log.push(format!("{who}: {}", line.text)),
                LineKind::Value => {
                    if got.is_none() && Some(id) == waiting_for && !self.blocked.contains(&id) {
                        got = Some(Reply::Value(line.text));
                    } else if self.blocked.remove(&id) {
                        self.out.push(format!("{who} ~> {}", line.text));
                    } else {
                        self.out.push(line.text);
                    }
                }
                // the scenario words its own input; faults answer in
                // their results
                LineKind::Input | LineKind::Note => {}
            }
        }
        got
    }
}

struct Runner<'c, W: Nodes> {
    driver: Driver<W>,
    clock: &'c mut dyn Clock,
    st: State,
}

impl<W: Nodes> Runner<'_, W> {
    fn drain(&mut self, ms: u64) {
        let st = &mut self.st;
        self.driver.run(&mut *self.clock, ms, &mut |d| {
            st.collect(d, None);
            false
        });
        self.st.collect(&mut self.driver, None);
    }

    /// A fault command: echoed, applied, and the World left to react.
    fn fault(&mut self, line: &str, fault: Fault) {
        self.st.out.push(line.trim().to_string());
        if let Fault::Kill(id) | Fault::Restart(id) | Fault::Remove(id) = fault {
            self.st.blocked.remove(&id);
        }
        if matches!(
            fault,
            Fault::Kill(_) | Fault::Restart(_) | Fault::Remove(_) | Fault::Disconnect(..)
        ) {
            self.drain(AFTER_KILL_MS);
        }
    }

    /// A `node> expr` line, `started` what its first try did.
    fn eval(&mut self, line: &str, mut started: Result<Submitted, SubmitError>) {
        self.st.out.push(line.to_string());
        // a line typed while the previous one blocks waits for it, as the
        // oracle's console process does
        let mut waited = 0;
        while matches!(started, Err(SubmitError::Busy(_))) && waited < REPLY_WAIT_MS {
            self.drain(RETRY_MS);
            waited += RETRY_MS;
            started = self.driver.command(line);
        }
        let id = match started {
            Ok(Submitted::Line(id)) | Err(SubmitError::Busy(id)) => id,
            Err(e @ SubmitError::NoSuchNode(_)) => {
                self.st
                    .out
                    .push(format!("** (beamplay) {e} in this scenario"));
                return;
            }
            // a node that is down types nothing
            _ => return,
        };
        let mut reply = self.st.collect(&mut self.driver, Some(id));
        if reply.is_none() {
            let st = &mut self.st;
            self.driver.run(&mut *self.clock, REPLY_WAIT_MS, &mut |d| {
                reply = st.collect(d, Some(id));
                reply.is_some()
            });
        }
        if reply.is_none() {
            reply = self.st.collect(&mut self.driver, Some(id));
        }
        match reply {
            Some(Reply::Abandoned) => self.drain(AFTER_VALUE_MS),
            Some(Reply::Value(v)) => {
                self.st.out.push(v);
                self.drain(AFTER_VALUE_MS);
            }
            None => {
                let who = self.driver.name(id).unwrap_or_default();
                self.st.out.push(format!("{who}> ... (blocked)"));
                self.st.blocked.insert(id);
            }
        }
    }
}

/// Runs a scenario with the World seeded by `seed`, time passing as
/// `clock` makes it.
pub fn run(text: &str, seed: u64, clock: &mut dyn Clock) -> Run {
    let mut driver = match Driver::new(seed) {
        Ok(d) => d,
        Err(e) => {
            return Run {
                transcript: format!("** (beamplay) {e}\n"),
                log: String::new(),
            }
        }
    };
    clock.prepare(driver.world_mut());
    for n in scenario_nodes(text) {
        driver.world_mut().add_node(&n);
    }
    for n in scenario_hidden(text) {
        driver.world_mut().add_hidden_node(&n);
    }
    run_on(driver, clock, text)
}

/// Runs a scenario on the consoles of nodes that are started.
fn run_on<W: Nodes>(driver: Driver<W>, clock: &mut dyn Clock, text: &str) -> Run {
    let mut r = Runner {
        driver,
        clock,
        st: State {
            out: Vec::new(),
            log: Vec::new(),
            blocked: HashSet::new(),
        },
    };
    for line in join_continued(text) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("@sleep ") {
            let ms = u64::from_str_radix(ms.trim(), 10).unwrap_or(0);
            r.drain(ms);
            continue;
        }
        match r.driver.command(&line) {
            Ok(Submitted::Fault(f)) => r.fault(&line, f),
            Err(SubmitError::Fault(e)) => {
                r.st.out.push(line.trim().to_string());
                r.st.out.push(format!("** (beamplay) {e}"));
            }
            // neither a fault nor a line for a node: not for the transcript
            Err(SubmitError::NotACommand) => {}
            started => r.eval(&line, started),
        }
    }
    r.drain(FINAL_DRAIN_MS);
    let mut transcript = r.st.out.join("\n");
    transcript.push('\n');
    Run {
        transcript,
        log: r.st.log.join("\n"),
    }
}
