//! `beamplay repl`: iex-like consoles in the terminal (`--hidden ctl`
//! adds hidden nodes, as `iex --hidden` starts one). With several nodes,
//! `node2> expr` types at node2's console, and `:node node2` makes node2
//! the default; `@kill node2`, `@restart`, `@disconnect`, `@heal` and
//! `@latency` inject faults (cluster/fault.rs). Ctrl+C while a line runs
//! kills the line's shell (iex starts a new one); Ctrl+D quits.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use beamplay_cluster::fault::{Fault, USAGE};
use beamplay_cluster::NodeId;
use beamplay_vm::ConsoleEvent;
use rustyline::error::ReadlineError;

use crate::drive::RealTime;

pub fn main(args: &[String]) -> Result<(), String> {
    let list = |flag: &str, default: &str| -> Vec<String> {
        crate::flag_value(args, flag)
            .unwrap_or(default)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut rt = RealTime::new(1)?;
    let mut nodes: Vec<(String, NodeId)> = list("--nodes", "node1")
        .into_iter()
        .map(|n| {
            let id = rt.world.add_node(&n);
            (n, id)
        })
        .collect();
    for n in list("--hidden", "") {
        let id = rt.world.add_hidden_node(&n);
        nodes.push((n, id));
    }
    let mut current = nodes.first().map(|(_, id)| *id).ok_or("no nodes")?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .map_err(|e| e.to_string())?;
    }
    let mut editor = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
    println!(
        "Interactive Elixir (1.14.0) - beamplay, {} node(s); Ctrl+D to quit",
        nodes.len()
    );
    if nodes.len() > 1 {
        println!("type `node2> expr` to use another console, `:node node2` to switch");
        println!("faults: {USAGE}");
    }
    loop {
        if !rt.world.is_alive(current) {
            let Some((n, id)) = nodes.iter().find(|(_, id)| rt.world.is_alive(*id)) else {
                return Err("every node is down".into());
            };
            println!("(that node is down: now typing at {n}; `@restart` brings a node back)");
            current = *id;
        }
        let (name, counter) = match rt.world.node(current) {
            Some(n) => (n.name().as_str().to_string(), n.console().counter()),
            None => return Err("the node is gone".into()),
        };
        let mut input = String::new();
        let mut prompt = format!("iex({name}){counter}> ");
        loop {
            match editor.readline(&prompt) {
                Ok(line) => {
                    if !input.is_empty() {
                        input.push('\n');
                    }
                    input.push_str(&line);
                    if !beamplay_syntax::is_incomplete(&input) {
                        break;
                    }
                    prompt = format!("...({name}){counter}> ");
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
            match nodes.iter().find(|(n, _)| n == target.trim()) {
                Some((_, id)) => current = *id,
                None => println!("no node named {}", target.trim()),
            }
            continue;
        }
        if let Some(fault) = Fault::parse(&rt.world, &input) {
            match fault {
                Ok(f) => rt.world.apply(f),
                Err(e) => println!("{e}"),
            }
            settle(&mut rt);
            continue;
        }
        let (target, expr) = match input.split_once("> ") {
            Some((who, expr)) => match nodes.iter().find(|(n, _)| n == who) {
                Some((_, id)) => (*id, expr.to_string()),
                None => (current, input.clone()),
            },
            None => (current, input.clone()),
        };
        if rt.world.eval(target, &expr).is_err() {
            println!("(that console is still busy with its previous line)");
            continue;
        }
        interrupted.store(false, Ordering::SeqCst);
        rt.run_until(Duration::from_secs(u64::MAX / 4), |w| {
            if interrupted.swap(false, Ordering::SeqCst) {
                if let Some(n) = w.node_mut(target) {
                    n.interrupt_shell();
                }
            }
            let mut done = false;
            for (id, e) in w.take_events() {
                let prefix = if nodes.len() > 1 && id != target {
                    format!(
                        "[{}] ",
                        nodes
                            .iter()
                            .find(|(_, i)| *i == id)
                            .map(|(n, _)| n.as_str())
                            .unwrap_or("")
                    )
                } else {
                    String::new()
                };
                match e {
                    ConsoleEvent::Output(t) => print!("{prefix}{t}"),
                    ConsoleEvent::Log(t) => eprintln!("\n{prefix}{t}"),
                    ConsoleEvent::Abandoned => done |= id == target,
                    ConsoleEvent::ShellExit(t) => {
                        println!("{prefix}{t}");
                        done |= id == target;
                    }
                    ConsoleEvent::Value(v) => {
                        println!("{prefix}{v}");
                        done |= id == target;
                    }
                }
            }
            done && w.node(target).is_none_or(|n| !n.console().busy())
        });
        settle(&mut rt);
    }
}

/// Lets the World run a moment and prints the output that comes, such as
/// what processes started by a line write right after its value.
fn settle(rt: &mut RealTime) {
    rt.run_until(Duration::from_millis(AFTER_VALUE_MS), |w| {
        for (_, e) in w.take_events() {
            match e {
                ConsoleEvent::Output(t) | ConsoleEvent::ShellExit(t) => print!("{t}"),
                ConsoleEvent::Log(t) => eprintln!("\n{t}"),
                ConsoleEvent::Value(_) | ConsoleEvent::Abandoned => {}
            }
        }
        false
    });
}

/// How long the prompt waits for output of what a line started.
const AFTER_VALUE_MS: u64 = 30;
