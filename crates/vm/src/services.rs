//! The kernel's services every node runs, as processes with their real
//! registered names (DESIGN.md invariant 5): `:logger`, which formats
//! crash reports, `:global_name_server`, `:rex` and, on a node with a
//! name, `:net_kernel`, all written in Elixir in the prelude. Their
//! traffic, and that of the `:pg` and `:pg2` scopes, is what the views
//! call system traffic.
use beamplay_term::Term;

use crate::node::Node;
use crate::process::{Kind, Process};

/// The local id of each node's `:logger` process, below the ids user
/// processes get (OTP's logger also starts before the shell).
pub(crate) const LOGGER_ID: u32 = 70;

/// The local ids of each node's `:global_name_server`, `:rex` and
/// `:net_kernel`.
const GLOBAL_ID: u32 = 71;
const REX_ID: u32 = 72;
const NET_KERNEL_ID: u32 = 73;

impl Node {
    /// Starts the node's `:logger`, which formats crash reports (the
    /// prelude must be loaded).
    fn start_logger(&mut self) {
        self.start_service(LOGGER_ID, "logger", "Elixir.Beamplay.Logger", "loop");
    }

    /// Starts the logger and the kernel's distribution services:
    /// `:global_name_server`, `:rex` and, on a node with a name,
    /// `:net_kernel`.
    pub(crate) fn start_services(&mut self) {
        self.start_logger();
        self.start_service(
            GLOBAL_ID,
            "global_name_server",
            "Elixir.Beamplay.Global",
            "start",
        );
        self.start_service(REX_ID, "rex", "Elixir.Beamplay.Rex", "start");
        if self.distributed() {
            self.start_service(
                NET_KERNEL_ID,
                "net_kernel",
                "Elixir.Beamplay.NetKernel",
                "start",
            );
        }
    }

    /// Starts a registered system process running `module.function()`
    /// with id `id`. Without that code in the prelude there is no such
    /// service: what would go to it is dropped.
    fn start_service(&mut self, id: u32, name: &str, module: &str, function: &str) {
        let (m, f) = (self.atom(module), self.atom(function));
        let init = Term::tuple(vec![
            Term::Atom(m.clone()),
            Term::Atom(f.clone()),
            Term::Int(0),
        ]);
        let pid = self.make_pid(id);
        let mut p = Process::new(id, pid, Kind::Normal, Term::Nil, init);
        let name = self.atom(name);
        p.name = Some(name.clone());
        self.procs.insert(id, Box::new(p));
        self.listed(id);
        self.registry.insert(name.clone(), id);
        if self
            .start_fun(id, Term::export(m, f, 0), Vec::new())
            .is_err()
        {
            self.procs.remove(&id);
            self.view_stale.set(true);
            self.registry.remove(&name);
        }
    }

    /// Whether `t` names one of the kernel's services, or a `:pg` or
    /// `:pg2` scope: its registered name, `{name, node}`, or its pid (the
    /// kernel's services have the same ids on every node).
    pub fn is_service(&self, t: &Term) -> bool {
        match t {
            Term::Atom(a) => SERVICE_NAMES.contains(&a.as_str()),
            Term::Tuple(items) => matches!(
                &items[..],
                [Term::Atom(a), Term::Atom(_)] if SERVICE_NAMES.contains(&a.as_str())
            ),
            Term::Pid(p) => match self.local_id(t) {
                Some(id) => {
                    KERNEL_IDS.contains(&id)
                        || SERVICE_NAMES.iter().any(|name| {
                            self.atoms
                                .borrow()
                                .existing(name)
                                .and_then(|a| self.whereis(&a))
                                == Some(id)
                        })
                }
                None => p.node != self.name && p.serial == 0 && KERNEL_IDS.contains(&p.id),
            },
            _ => false,
        }
    }
}

/// Registered names of the services whose traffic is "system".
const SERVICE_NAMES: [&str; 6] = [
    "net_kernel",
    "global_name_server",
    "rex",
    "logger",
    "pg",
    "pg2",
];

/// The kernel's fixed process ids.
const KERNEL_IDS: std::ops::RangeInclusive<u32> = LOGGER_ID..=NET_KERNEL_ID;
