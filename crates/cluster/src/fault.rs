//! Faults a user or a scenario injects into a World: the `@kill`, `@remove`,
//! `@restart`, `@disconnect`, `@heal` and `@latency` commands, typed at a
//! console or in a scenario (the console driver reads them, driver.rs),
//! and the same faults from the browser's buttons.
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

/// Why a fault command cannot apply; each says so in the words the
/// consoles print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultError {
    /// A name that is no node of the World (or one that was removed).
    NoSuchNode(String),
    /// A known command with the wrong number of words.
    Usage,
    /// A link command naming one node twice.
    SameNode,
    /// `@latency` with something other than 0 to 60000 milliseconds.
    BadLatency(String),
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FaultError::NoSuchNode(name) => write!(f, "no node named {name}"),
            FaultError::Usage => write!(f, "usage: {USAGE}"),
            FaultError::SameNode => write!(f, "a link joins two different nodes"),
            FaultError::BadLatency(ms) => {
                write!(f, "@latency wants milliseconds from 0 to 60000, not {ms}")
            }
        }
    }
}

impl std::error::Error for FaultError {}

impl Fault {
    /// Reads a fault command such as `@disconnect node1 node2`: `None`
    /// if `line` is not one, an error if it is one that cannot apply.
    pub fn parse(world: &World, line: &str) -> Option<Result<Fault, FaultError>> {
        Fault::parse_with(&|name| world.find(name), line)
    }

    /// [`Fault::parse`] with the nodes found by `find` (a room of Worlds
    /// numbers its nodes its own way).
    pub fn parse_with(
        find: &dyn Fn(&str) -> Option<NodeId>,
        line: &str,
    ) -> Option<Result<Fault, FaultError>> {
        let mut words = line.split_whitespace();
        let cmd = words.next()?.strip_prefix('@')?;
        let args: Vec<&str> = words.collect();
        let node = |name: &str| find(name).ok_or_else(|| FaultError::NoSuchNode(name.to_string()));
        let two = |a: &str, b: &str| -> Result<(NodeId, NodeId), FaultError> {
            let (a, b) = (node(a)?, node(b)?);
            if a == b {
                return Err(FaultError::SameNode);
            }
            Ok((a, b))
        };
        let fault = match (cmd, args.as_slice()) {
            ("kill", [n]) => node(n).map(Fault::Kill),
            ("restart", [n]) => node(n).map(Fault::Restart),
            ("remove", [n]) => node(n).map(Fault::Remove),
            ("disconnect", [a, b]) => two(a, b).map(|(a, b)| Fault::Disconnect(a, b)),
            ("heal", [a, b]) => two(a, b).map(|(a, b)| Fault::Heal(a, b)),
            ("latency", [a, b, ms]) => match u64::from_str_radix(ms, 10) {
                Ok(ms) if ms <= 60_000 => two(a, b).map(|(a, b)| Fault::Latency(a, b, ms)),
                _ => Err(FaultError::BadLatency(ms.to_string())),
            },
            ("kill" | "restart" | "remove" | "disconnect" | "heal" | "latency", _) => {
                Err(FaultError::Usage)
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
