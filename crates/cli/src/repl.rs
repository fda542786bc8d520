//! `beamplay repl`: iex-like consoles in the terminal (`--hidden ctl`
//! adds hidden nodes, as `iex --hidden` starts one). With several nodes,
//! `node2> expr` types at node2's console, and `:node node2` makes node2
//! the default; `@kill node2`, `@restart`, `@disconnect`, `@heal` and
//! `@latency` inject faults (cluster/fault.rs). Ctrl+C while a line runs
//! kills the line's shell (iex starts a new one); Ctrl+D quits. What is
//! typed goes through the console driver, and what it says is printed.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use beamplay_cluster::driver::{self, Driver, LineKind, Said, Submitted};
use beamplay_cluster::fault::USAGE;
use beamplay_cluster::NodeId;
use rustyline::error::ReadlineError;

use crate::drive::RealClock;

pub fn main(args: &[String]) -> Result<(), String> {
    let list = |flag: &str, default: &str| -> Vec<String> {
        crate::flag_value(args, flag)
            .unwrap_or(default)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut clock = RealClock::new();
    let mut d = clock.driver(1)?;
    for n in list("--nodes", "node1") {
        d.world_mut().add_node(&n);
    }
    for n in list("--hidden", "") {
        d.world_mut().add_hidden_node(&n);
    }
    let count = d.world().node_ids().len();
    let mut current = d.world().node_ids().first().copied().ok_or("no nodes")?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .map_err(|e| e.to_string())?;
    }
    let mut editor = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
    println!("Interactive Elixir (1.14.0) - beamplay, {count} node(s); Ctrl+D to quit");
    if count > 1 {
        println!("type `node2> expr` to use another console, `:node node2` to switch");
        println!("faults: {USAGE}");
    }
    let show = Show { several: count > 1 };
    loop {
        if !d.world().is_alive(current) {
            let Some(id) = d.world().node_ids().first().copied() else {
                return Err("every node is down".into());
            };
            println!(
                "(that node is down: now typing at {}; `@restart` brings a node back)",
                d.name(id).unwrap_or_default()
            );
            current = id;
        }
        let (Some(first), Some(more)) = (d.prompt(current, false), d.prompt(current, true)) else {
            return Err("the node is gone".into());
        };
        let mut input = String::new();
        let mut prompt = first;
        loop {
            match editor.readline(&format!("{prompt} ")) {
                Ok(line) => {
                    if !input.is_empty() {
                        input.push('\n');
                    }
                    input.push_str(&line);
                    if !driver::incomplete(&input) {
                        break;
                    }
                    prompt.clone_from(&more);
                }
                Err(ReadlineError::Interrupted) => {
                    input.clear();
                    break;
                }
                Err(_) => return Ok(()),
            }
        }
        if input.trim().is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(input.as_str());
        if let Some(target) = input.strip_prefix(":node ") {
            match d.world().find(target.trim()) {
                Some(id) => current = id,
                None => println!("no node named {}", target.trim()),
            }
            continue;
        }
        interrupted.store(false, Ordering::SeqCst);
        // a refusal or a fault is a note, printed with the rest
        let target = match d.submit(current, &input) {
            Ok(Submitted::Line(target)) => {
                d.run(&mut clock, u64::MAX, &mut |d| {
                    if interrupted.swap(false, Ordering::SeqCst) {
                        d.interrupt(target);
                    }
                    show.print(d, target);
                    !d.busy(target)
                });
                target
            }
            Ok(Submitted::Fault(_)) | Err(_) => current,
        };
        // output of what the line started, such as a process writing
        // right after the value
        d.run(&mut clock, AFTER_VALUE_MS, &mut |d| {
            show.print(d, target);
            false
        });
        show.print(&mut d, target);
    }
}

/// How the REPL prints what the consoles said.
struct Show {
    /// With several nodes, lines of another console than the one typed at
    /// are marked with its name (`[node2] `).
    several: bool,
}

impl Show {
    /// Prints what the consoles said since the last look; the input is
    /// on the terminal already.
    fn print(&self, d: &mut Driver, typed_at: NodeId) {
        for said in d.take_said() {
            let Said::Line(id, line) = said else { continue };
            let prefix = match d.name(id) {
                Some(name) if self.several && id != typed_at => format!("[{name}] "),
                _ => String::new(),
            };
            let text = &line.text;
            match line.kind {
                LineKind::Input => {}
                LineKind::Output => print!("{prefix}{text}"),
                LineKind::Log => eprintln!("\n{prefix}{text}"),
                LineKind::Value | LineKind::Exit | LineKind::Note => println!("{prefix}{text}"),
            }
        }
    }
}

/// How long the prompt waits for output of what a line started.
const AFTER_VALUE_MS: u64 = 30;
