//! Runs a console scenario (shared/oracle/README.md format) on a World in
//! virtual time and prints the transcript the oracle prints for real OTP:
//! the same waits (150 ms after a value, 1.5 s before a line counts as
//! blocked, 1 s after `@kill`, 800 ms at the end) in virtual time. It
//! also takes the faults real OTP cannot script (`@restart`,
//! `@disconnect`, `@heal`, `@latency`: fault.rs), waiting 1 s after a
//! restart or a cut as after a kill.
use std::collections::HashMap;

use beamplay_vm::ConsoleEvent;

use crate::fault::Fault;
use crate::{NodeId, World};

const REPLY_WAIT_MS: u64 = 1_500;
const AFTER_VALUE_MS: u64 = 150;
const AFTER_KILL_MS: u64 = 1_000;
const FINAL_DRAIN_MS: u64 = 800;

/// How time passes for a scenario: virtual (instant, deterministic) or
/// real (the CLI's `--realtime`, which owns the wall clock).
pub trait Clock {
    /// Lets `ms` pass for `world`; `stop` sees it after each slice and ends
    /// the wait early by returning true.
    fn run(&mut self, world: &mut World, ms: u64, stop: &mut dyn FnMut(&mut World) -> bool);

    /// Called once with the fresh World before the scenario starts.
    fn prepare(&mut self, _world: &mut World) {}
}

/// Virtual time: as fast as the machine runs, the same on every run.
pub struct Virtual;

impl Clock for Virtual {
    fn run(&mut self, world: &mut World, ms: u64, stop: &mut dyn FnMut(&mut World) -> bool) {
        world.advance_with(ms, stop);
    }
}

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
    names: HashMap<String, NodeId>,
    out: Vec<String>,
    log: Vec<String>,
    /// Lines that did not answer in time: their values print as `node ~> v`.
    blocked: HashMap<NodeId, String>,
}

impl State {
    fn name_of(&self, id: NodeId) -> String {
        self.names
            .iter()
            .find(|(_, v)| **v == id)
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    }

    fn print_output(&mut self, who: &str, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for line in text.split('\n') {
            self.out.push(format!("{who}| {line}"));
        }
    }

    /// Handles pending console events; returns the value of `waiting_for`'s
    /// line if it came.
    fn collect(&mut self, world: &mut World, waiting_for: Option<NodeId>) -> Option<String> {
        let mut got = None;
        for (id, e) in world.take_events() {
            let who = self.name_of(id);
            match e {
                ConsoleEvent::Output(t) | ConsoleEvent::ShellExit(t) => self.print_output(&who, &t),
                ConsoleEvent::Log(t) => self.log.push(format!("{who}: {t}")),
                ConsoleEvent::Abandoned => {
                    self.blocked.remove(&id);
                    if waiting_for == Some(id) {
                        got = Some(String::new());
                    }
                }
                ConsoleEvent::Value(v) => {
                    if got.is_none() && Some(id) == waiting_for && !self.blocked.contains_key(&id) {
                        got = Some(v);
                    } else if self.blocked.remove(&id).is_some() {
                        self.out.push(format!("{who} ~> {v}"));
                    } else {
                        self.out.push(v);
                    }
                }
            }
        }
        got
    }
}

struct Runner<'c> {
    world: World,
    clock: &'c mut dyn Clock,
    st: State,
}

impl Runner<'_> {
    fn drain(&mut self, ms: u64) {
        let st = &mut self.st;
        self.clock.run(&mut self.world, ms, &mut |w| {
            st.collect(w, None);
            false
        });
        self.st.collect(&mut self.world, None);
    }

    fn eval(&mut self, who: &str, expr: &str) {
        self.st.out.push(format!("{who}> {expr}"));
        let Some(&id) = self.st.names.get(who) else {
            self.st.out.push(format!(
                "** (beamplay) no node named {who} in this scenario"
            ));
            return;
        };
        if !self.world.is_alive(id) {
            return;
        }
        // a line typed while the previous one blocks waits for it, as the
        // oracle's console process does
        let mut waited = 0;
        while self.world.eval(id, expr).is_err() && waited < REPLY_WAIT_MS {
            self.drain(10);
            waited += 10;
        }
        let mut value = self.st.collect(&mut self.world, Some(id));
        if value.is_none() {
            let st = &mut self.st;
            self.clock.run(&mut self.world, REPLY_WAIT_MS, &mut |w| {
                value = st.collect(w, Some(id));
                value.is_some()
            });
        }
        if value.is_none() {
            value = self.st.collect(&mut self.world, Some(id));
        }
        match value {
            // the line died with its shell: no value, as in iex
            Some(v) if v.is_empty() => self.drain(AFTER_VALUE_MS),
            Some(v) => {
                self.st.out.push(v);
                self.drain(AFTER_VALUE_MS);
            }
            None => {
                self.st.out.push(format!("{who}> ... (blocked)"));
                self.st.blocked.insert(id, who.to_string());
            }
        }
    }
}

/// Runs a scenario with the World seeded by `seed`, time passing as
/// `clock` makes it.
pub fn run(text: &str, seed: u64, clock: &mut dyn Clock) -> Run {
    let world = match World::new(seed) {
        Ok(w) => w,
        Err(e) => {
            return Run {
                transcript: format!("** (beamplay) {e}\n"),
                log: String::new(),
            }
        }
    };
    let mut world = world;
    clock.prepare(&mut world);
    let mut r = Runner {
        world,
        clock,
        st: State {
            names: HashMap::new(),
            out: Vec::new(),
            log: Vec::new(),
            blocked: HashMap::new(),
        },
    };
    for n in scenario_nodes(text) {
        let id = r.world.add_node(&n);
        r.st.names.insert(n, id);
    }
    for n in scenario_hidden(text) {
        let id = r.world.add_hidden_node(&n);
        r.st.names.insert(n, id);
    }
    for line in join_continued(text) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("@sleep ") {
            let ms = u64::from_str_radix(ms.trim(), 10).unwrap_or(0);
            r.drain(ms);
        } else if let Some(fault) = Fault::parse(&r.world, &line) {
            r.st.out.push(line.trim().to_string());
            match fault {
                Ok(f) => {
                    if let Fault::Kill(id) | Fault::Restart(id) | Fault::Remove(id) = f {
                        r.st.blocked.remove(&id);
                    }
                    r.world.apply(f);
                    if matches!(
                        f,
                        Fault::Kill(_)
                            | Fault::Restart(_)
                            | Fault::Remove(_)
                            | Fault::Disconnect(..)
                    ) {
                        r.drain(AFTER_KILL_MS);
                    }
                }
                Err(e) => r.st.out.push(format!("** (beamplay) {e}")),
            }
        } else if let Some((who, expr)) = line.split_once("> ") {
            r.eval(who, expr);
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
