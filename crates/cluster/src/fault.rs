//! Faults a user or a scenario injects into a World: the `@kill`, `@remove`,
//! `@restart`, `@disconnect`, `@heal` and `@latency` commands of
//! scenarios and of the REPL.
use crate::{NodeId, World};

/// One fault, its nodes resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Kill(NodeId),
    Restart(NodeId),
    /// Kills a node for good: it leaves the views and its name is free.
    Remove(NodeId),
    Disconnect(NodeId, NodeId),
    Heal(NodeId, NodeId),
    /// One-way latency in milliseconds.
    Latency(NodeId, NodeId, u64),
}

/// What the commands look like, for error messages and help.
pub const USAGE: &str =
    "@kill N | @restart N | @remove N | @disconnect A B | @heal A B | @latency A B MS";

impl Fault {
    /// Reads a fault command such as `@disconnect node1 node2`: `None`
    /// if `line` is not one, an error if it is one that cannot apply.
    pub fn parse(world: &World, line: &str) -> Option<Result<Fault, String>> {
        let mut words = line.split_whitespace();
        let cmd = words.next()?.strip_prefix('@')?;
        let args: Vec<&str> = words.collect();
        let node = |name: &str| {
            world
                .find(name)
                .ok_or_else(|| format!("no node named {name}"))
        };
        let two = |args: &[&str]| -> Result<(NodeId, NodeId), String> {
            match args {
                [a, b, ..] => {
                    let (a, b) = (node(a)?, node(b)?);
                    if a == b {
                        return Err("a link joins two different nodes".into());
                    }
                    Ok((a, b))
                }
                _ => Err(format!("@{cmd} takes two node names")),
            }
        };
        let fault = match (cmd, args.as_slice()) {
            ("kill", [n]) => node(n).map(Fault::Kill),
            ("restart", [n]) => node(n).map(Fault::Restart),
            ("remove", [n]) => node(n).map(Fault::Remove),
            ("disconnect", [_, _]) => two(&args).map(|(a, b)| Fault::Disconnect(a, b)),
            ("heal", [_, _]) => two(&args).map(|(a, b)| Fault::Heal(a, b)),
            ("latency", [_, _, ms]) => match u64::from_str_radix(ms, 10) {
                Ok(ms) if ms <= 60_000 => two(&args).map(|(a, b)| Fault::Latency(a, b, ms)),
                _ => Err(format!(
                    "@latency wants milliseconds from 0 to 60000, not {ms}"
                )),
            },
            ("kill" | "restart" | "remove" | "disconnect" | "heal" | "latency", _) => {
                Err(format!("usage: {USAGE}"))
            }
            _ => return None,
        };
        Some(fault)
    }
}

impl Fault {
    /// The command that names this fault, as `parse` reads it back.
    pub fn command(&self, world: &World) -> String {
        let name = |id: NodeId| world.slot_name(id).unwrap_or_default();
        match *self {
            Fault::Kill(n) => format!("@kill {}", name(n)),
            Fault::Restart(n) => format!("@restart {}", name(n)),
            Fault::Remove(n) => format!("@remove {}", name(n)),
            Fault::Disconnect(a, b) => format!("@disconnect {} {}", name(a), name(b)),
            Fault::Heal(a, b) => format!("@heal {} {}", name(a), name(b)),
            Fault::Latency(a, b, ms) => format!("@latency {} {} {ms}", name(a), name(b)),
        }
    }
}

impl World {
    /// Applies a fault.
    pub fn apply(&mut self, fault: Fault) {
        match fault {
            Fault::Kill(n) => self.kill(n),
            Fault::Restart(n) => {
                self.restart(n);
            }
            Fault::Remove(n) => self.remove(n),
            Fault::Disconnect(a, b) => self.disconnect(a, b),
            Fault::Heal(a, b) => {
                self.heal(a, b);
            }
            Fault::Latency(a, b, ms) => self.set_latency(a, b, ms),
        }
    }
}
