//! Natives that act on processes: spawning, messages, links, monitors,
//! names, timers, flags, the process dictionary. They get the node and the
//! calling process.

use beamplay_term::{ListIter, Term};

use crate::console::ConsoleEvent;
use crate::dist::{Connect, NodeKind, NodeType, SpawnOpts, WatchForm, WatchInfo};
use crate::native::{Argv, NativeIndex, NativeOut, Raise};
use crate::node::{Natives, Node, ProcNativeFn};
use crate::process::{Kind, Process};
use crate::views::info_item;

type R = NativeOut;

fn v(t: Term) -> R {
    NativeOut::Value(t)
}

fn badarg(node: &mut Node, errs: &[(u8, &str)]) -> R {
    NativeOut::Raise(node.with_ctx(|c| c.badarg(errs)))
}

/// The wrong arguments of `(argument, ok, error)` checks: a BIF names
/// every one of them, in order.
fn arg_errors<'a>(checks: &[(u8, bool, &'a str)]) -> Vec<(u8, &'a str)> {
    checks
        .iter()
        .filter(|(_, ok, _)| !ok)
        .map(|(n, _, text)| (*n, *text))
        .collect()
}

/// The longest time `send_after` takes, in ms.
const MAX_TIMER_MS: i64 = 4_294_967_295;

const NOT_BOOLEAN: &str = "not a boolean ('true' or 'false')";

/// Registers every process native.
pub fn register(t: &mut Natives) {
    processes(t);
    messages(t);
    links_and_monitors(t);
    names(t);
    dictionary(t);
    distribution(t);
    code_and_runtime(t);
}

/// Spawning, exits, flags and what a process can learn of others.
fn processes(t: &mut Natives) {
    t.add_process("erlang", "self", 0, |_, p, _| v(p.pid.clone()));
    for arity in [1, 3] {
        t.add_process("erlang", "spawn", arity, |n, p, a| {
            spawn(n, p, a, false, false)
        });
    }
    for arity in [1, 3] {
        t.add_process("erlang", "spawn_link", arity, |n, p, a| {
            spawn(n, p, a, true, false)
        });
    }
    for arity in [1, 3] {
        t.add_process("erlang", "spawn_monitor", arity, |n, p, a| {
            spawn(n, p, a, false, true)
        });
    }
    // with a node first: functions of the prelude
    macro_rules! to_prelude {
        ($function:literal, $arities:expr, $module:literal) => {
            for arity in $arities {
                t.add_process("erlang", $function, arity, |n, _, a| {
                    prelude_call(n, $module, $function, &a)
                });
            }
        };
    }
    to_prelude!("spawn", [2, 4], "Elixir.Node");
    to_prelude!("spawn_link", [2, 4], "Elixir.Node");
    to_prelude!("spawn_monitor", [2, 4], "Elixir.Node");
    to_prelude!("spawn_opt", [3, 5], "Elixir.Beamplay.Erlang");
    // `:link` and `:monitor` are the options that change anything here
    for arity in [2, 4] {
        t.add_process("erlang", "spawn_opt", arity, |n, p, a| {
            match a
                .split_last()
                .and_then(|(opts, rest)| Some((opts.to_vec()?, rest)))
            {
                Some((o, rest)) => {
                    let has = |name: &str| o.iter().any(|t| t.is_atom(name));
                    spawn(n, p, Argv(rest), has("link"), has("monitor"))
                }
                None => badarg(n, &[(a.len() as u8, "not a list")]),
            }
        });
    }
    t.add_process("erlang", "exit", 2, exit2);
    t.add_process("erlang", "is_process_alive", 1, |n, p, a| match &a[0] {
        Term::Pid(_) => {
            let alive = n
                .local_id(&a[0])
                .is_some_and(|id| id == p.id || n.is_alive(id));
            v(n.bool(alive))
        }
        _ => badarg(n, &[(1, "not a pid")]),
    });
    t.add_process("erlang", "process_flag", 2, process_flag);
    t.add_process("erlang", "group_leader", 0, |_, p, _| {
        v(p.group_leader.clone())
    });
    t.add_process("erlang", "group_leader", 2, |n, p, a| {
        let errs = arg_errors(&[
            (1, matches!(a[0], Term::Pid(_)), "not a pid"),
            (2, matches!(a[1], Term::Pid(_)), "not a pid"),
        ]);
        if !errs.is_empty() {
            return badarg(n, &errs);
        }
        match n.local_id(&a[1]) {
            Some(id) if id == p.id => p.group_leader = a[0].clone(),
            Some(id) => {
                if let Some(t) = n.process_mut(id) {
                    t.group_leader = a[0].clone();
                }
            }
            None => return badarg(n, &[(2, "not a pid")]),
        }
        let t = n.bool(true);
        v(t)
    });
    t.add_process("erlang", "apply", 2, |n, _, a| match a[1].to_vec() {
        Some(args) => NativeOut::Call(a[0].clone(), args),
        None => badarg(n, &[(2, "not a list")]),
    });
    t.add_process("erlang", "apply", 3, |n, _, a| {
        match (&a[0], &a[1], a[2].to_vec()) {
            (Term::Atom(m), Term::Atom(f), Some(args)) => {
                let fun = Term::export(m.clone(), f.clone(), args.len() as u32);
                NativeOut::Call(fun, args)
            }
            _ => badarg(n, &[(1, "not an atom")]),
        }
    });
    t.add_process("erlang", "processes", 0, |n, p, _| {
        let mut ids: Vec<u32> = n
            .procs
            .keys()
            .copied()
            .chain(std::iter::once(p.id))
            .collect();
        beamplay_term::sort::sort_by(&mut ids, u32::cmp);
        v(Term::list(ids.into_iter().map(|id| n.make_pid(id))))
    });
    t.add_process("erlang", "process_info", 1, |n, p, a| {
        process_info(n, p, &a[0], None)
    });
    t.add_process("erlang", "process_info", 2, |n, p, a| {
        process_info(n, p, &a[0], Some(&a[1]))
    });
}

/// Sends, timers, references and aliases, and IEx's `flush/0`.
fn messages(t: &mut Natives) {
    t.add_process("erlang", "send", 2, send);
    // `:noconnect` and `:nosuspend` change nothing here: a connection is
    // made at once and never busy
    t.add_process("erlang", "send", 3, |n, p, a| {
        let ok = match a[2].to_vec() {
            None => return badarg(n, &[(3, "not a list")]),
            Some(o) => o
                .iter()
                .all(|x| x.is_atom("noconnect") || x.is_atom("nosuspend")),
        };
        if !ok {
            return badarg(n, &[(3, "invalid option in list")]);
        }
        match send(n, p, Argv(&a.0[..2])) {
            NativeOut::Value(_) => v(n.atom_term("ok")),
            other => other,
        }
    });
    t.add_process("erlang", "make_ref", 0, |n, p, a| {
        marked(n, p, a, |n, _, _| v(n.make_ref()))
    });
    t.add_process("erlang", "send_after", 3, |n, _, a| {
        let time = match &a[0] {
            Term::Int(ms) if (0..=MAX_TIMER_MS).contains(ms) => Ok(*ms as u64),
            Term::Int(_) | Term::BigInt(_) => Err("out of range"),
            _ => Err("not an integer"),
        };
        let errs = arg_errors(&[
            (1, time.is_ok(), time.err().unwrap_or_default()),
            (
                2,
                matches!(a[1], Term::Pid(_) | Term::Atom(_)),
                "not a pid or an atom",
            ),
        ]);
        match time {
            Ok(ms) if errs.is_empty() => {
                let r = n.send_after(ms, a[1].clone(), a[2].clone());
                v(r)
            }
            _ => badarg(n, &errs),
        }
    });
    t.add_process("erlang", "cancel_timer", 1, |n, _, a| match &a[0] {
        Term::Ref(_) => match n.cancel_timer(&a[0]) {
            Some(ms) => v(Term::Int(ms as i64)),
            None => v(n.bool(false)),
        },
        _ => badarg(n, &[(1, "not a reference")]),
    });
    t.add_process("erlang", "read_timer", 1, |n, _, a| {
        match n.read_timer(&a[0]) {
            Some(ms) => v(Term::Int(ms as i64)),
            None => v(n.bool(false)),
        }
    });
    t.add_process("erlang", "alias", 0, |n, p, _| {
        let r = n.make_ref();
        p.ties_mut().aliases.push(r.clone());
        v(r)
    });
    t.add_process("erlang", "unalias", 1, |n, p, a| {
        let had = p.ties().aliases.contains(&a[0]);
        if let Some(t) = &mut p.ties {
            t.aliases.retain(|x| x != &a[0]);
        }
        v(n.bool(had))
    });
    t.add_process("Elixir.IEx.Helpers", "flush", 0, flush);
    // `v/1`: {:ok, value} of a line of this console's shell, or :error
    t.add_process("Elixir.Beamplay.Runtime", "history", 1, |n, _, a| {
        let found = match a[0] {
            Term::Int(k) if k != 0 => n.console.value_of(k).cloned(),
            _ => None,
        };
        v(match found {
            Some(value) => Term::tuple(vec![n.atom_term("ok"), value]),
            None => n.atom_term("error"),
        })
    });
    t.add_process("erlang", "system_info", 1, |n, _, a| {
        let item = match &a[0] {
            Term::Atom(item) => item.as_str(),
            _ => "",
        };
        let count = |k: usize| Term::Int(i64::try_from(k).unwrap_or(i64::MAX));
        let value = match item {
            "otp_release" => crate::text::charlist("25"),
            "version" => crate::text::charlist("13.1.5"),
            "system_version" => crate::text::charlist(SYSTEM_VERSION),
            "machine" => crate::text::charlist("BEAM"),
            "wordsize" => Term::Int(8),
            // a World runs its nodes on one thread
            "schedulers" | "schedulers_online" | "logical_processors" => Term::Int(1),
            "process_limit" => count(n.limits.max_processes),
            "process_count" => count(n.process_count()),
            "atom_limit" => count(n.atoms.borrow().limit()),
            "atom_count" => count(n.atoms.borrow().len()),
            "creation" => Term::Int(i64::from(n.creation)),
            _ => return badarg(n, &[(1, "invalid system info item")]),
        };
        v(value)
    });
    t.add_process("erlang", "pid_to_list", 1, |n, _, a| match &a[0] {
        Term::Pid(p) => {
            let number = n.node_number_of(&p.node, p.creation);
            v(crate::text::charlist(&format!(
                "<{number}.{}.{}>",
                p.id, p.serial
            )))
        }
        _ => badarg(n, &[(1, "not a pid")]),
    });
    t.add_process("erlang", "list_to_pid", 1, |n, _, a| {
        if !a[0].is_list() {
            return badarg(n, &[(1, "not a list")]);
        }
        // a flat list of characters, as BEAM takes it (no chardata)
        match crate::text::chars(&a[0]).and_then(|s| parse_pid(n, &s)) {
            Some(pid) => v(pid),
            None => badarg(n, &[(1, "not a textual representation of a pid")]),
        }
    });
}

/// `:erlang.system_info(:system_version)`: the release the playground
/// follows, and what it is.
const SYSTEM_VERSION: &str = "Erlang/OTP 25 [erts-13.1.5] [beamplay] [64-bit] [smp:1:1]\n";

/// `<N.id.serial>` as this node prints pids: N 0 for its own, else a
/// node it has printed (BEAM knows no pid of a node it has not met).
fn parse_pid(n: &Node, s: &str) -> Option<Term> {
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    // from_str_radix takes a sign, which a pid's text has not
    let mut parts = inner.split('.').map(|p| {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| u32::from_str_radix(p, 10).ok())
            .flatten()
    });
    let (Some(Some(number)), Some(Some(id)), Some(Some(serial)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    // BEAM's limits: a 15-bit number and a 13-bit serial
    if id >> beamplay_term::PID_NUMBER_BITS != 0 || serial > beamplay_term::PID_SERIAL_MAX {
        return None;
    }
    let (node, creation) = n.node_of_number(number)?;
    Some(Term::Pid(std::rc::Rc::new(beamplay_term::PidData {
        node,
        creation,
        id,
        serial,
    })))
}

/// Links and monitors, local and remote.
fn links_and_monitors(t: &mut Natives) {
    t.add_process("erlang", "link", 1, link);
    t.add_process("erlang", "unlink", 1, |n, p, a| {
        if !matches!(a[0], Term::Pid(_)) {
            return badarg(n, &[(1, "not a pid")]);
        }
        match n.local_id(&a[0]) {
            Some(id) => n.unlink(p, id),
            None => n.unlink_remote(p, &a[0]),
        }
        let t = n.bool(true);
        v(t)
    });
    for arity in [2, 3] {
        // monitoring a process handles the caller's signals first, as
        // BEAM's monitor/2 does (a name's monitor does not)
        t.add_process("erlang", "monitor", arity, |n, p, a| {
            if matches!(a.get(1), Some(Term::Pid(_))) {
                n.absorb_pending(p);
            }
            marked(n, p, a, monitor)
        });
    }
    t.add_process("erlang", "demonitor", 1, |n, p, a| {
        if !matches!(a[0], Term::Ref(_)) {
            return badarg(n, &[(1, "not a reference")]);
        }
        if !n.demonitor(p, &a[0]) {
            n.demonitor_remote(p, &a[0]);
        }
        let t = n.bool(true);
        v(t)
    });
    t.add_process("erlang", "demonitor", 2, demonitor2);
}

/// Locally registered names.
fn names(t: &mut Natives) {
    t.add_process("erlang", "register", 2, register_name);
    t.add_process("erlang", "unregister", 1, |n, p, a| match &a[0] {
        Term::Atom(name) if n.unregister(name, p) => {
            let t = n.bool(true);
            v(t)
        }
        _ => badarg(n, &[(1, "not a pid")]),
    });
    t.add_process("erlang", "whereis", 1, |n, p, a| match &a[0] {
        Term::Atom(name) => {
            if p.name.as_ref() == Some(name) {
                return v(p.pid.clone());
            }
            match n.whereis(name) {
                Some(id) => v(n.make_pid(id)),
                None => v(n.atom_term("undefined")),
            }
        }
        _ => badarg(n, &[(1, "not an atom")]),
    });
    t.add_process("erlang", "registered", 0, |n, _, _| {
        v(Term::list(n.registered().into_iter().map(Term::Atom)))
    });
}

/// The process dictionary.
fn dictionary(t: &mut Natives) {
    t.add_process("erlang", "get", 0, |_, p, _| {
        v(Term::list(p.dict.iter().map(|(k, val)| {
            Term::tuple(vec![k.clone(), val.clone()])
        })))
    });
    t.add_process("erlang", "get", 1, |n, p, a| {
        match p.dict.iter().find(|(k, _)| k == &a[0]) {
            Some((_, val)) => v(val.clone()),
            None => v(n.atom_term("undefined")),
        }
    });
    t.add_process("erlang", "put", 2, |n, p, a| {
        let old = match p.dict.iter_mut().find(|(k, _)| k == &a[0]) {
            Some(slot) => std::mem::replace(&mut slot.1, a[1].clone()),
            None => {
                p.dict.push((a[0].clone(), a[1].clone()));
                n.atom_term("undefined")
            }
        };
        v(old)
    });
    t.add_process("erlang", "erase", 1, |n, p, a| {
        match p.dict.iter().position(|(k, _)| k == &a[0]) {
            Some(i) => v(p.dict.remove(i).1),
            None => v(n.atom_term("undefined")),
        }
    });
    t.add_process("erlang", "get_keys", 0, |_, p, _| {
        v(Term::list(p.dict.iter().map(|(k, _)| k.clone())))
    });
}

/// This node among others: names, connections, node monitors, remote spawns.
fn distribution(t: &mut Natives) {
    t.add_process("erlang", "node", 0, |n, _, _| v(Term::Atom(n.name.clone())));
    t.add_process("erlang", "node", 1, |n, _, a| match &a[0] {
        Term::Pid(pd) => v(Term::Atom(pd.node.clone())),
        Term::Ref(r) => v(Term::Atom(r.node.clone())),
        _ => badarg(n, &[(1, "not a pid")]),
    });
    t.add_process("erlang", "nodes", 0, |n, _, _| {
        v(Term::list(n.nodes(&[NodeKind::Visible])))
    });
    t.add_process("erlang", "nodes", 1, |n, _, a| match node_kinds(&a[0]) {
        Some(kinds) => v(Term::list(n.nodes(&kinds))),
        None if matches!(a[0], Term::Atom(_)) => badarg(n, &[(1, "not a valid node type")]),
        None if a[0].is_list() => badarg(n, &[(1, "not a list of valid node types")]),
        None => badarg(
            n,
            &[(1, "not a valid node type or list of valid node types")],
        ),
    });
    t.add_process(
        "erlang",
        "is_alive",
        0,
        |n, _, _| v(n.bool(n.distributed())),
    );
    // anything but a node name is a node never connected: false
    t.add_process("erlang", "disconnect_node", 1, |n, p, a| match &a[0] {
        Term::Atom(_) if !n.distributed() => v(n.atom_term("ignored")),
        Term::Atom(peer) => {
            let down = n.disconnect(peer);
            // OTP's is a call to net_kernel: its receive handles the
            // signals the lost connection queued for the caller
            n.absorb_pending(p);
            v(n.bool(down))
        }
        _ => v(n.bool(false)),
    });
    // `:net_adm.names/0`: the nodes of this host, from epmd
    t.add_process("Elixir.Beamplay.Runtime", "epmd_names", 0, |n, _, _| {
        let host = n.name.as_str().split_once('@').map(|(_, h)| h.to_string());
        let names: Vec<Term> = n
            .dist
            .epmd
            .borrow()
            .iter()
            .filter_map(|(name, port)| {
                let (short, h) = name.as_str().split_once('@')?;
                (host.as_deref().is_none_or(|mine| mine == h)).then(|| {
                    Term::tuple(vec![
                        crate::text::charlist(short),
                        Term::Int(i64::from(*port)),
                    ])
                })
            })
            .collect();
        v(Term::list(names))
    });
    // `:net_kernel.connect_node/1` below the waiting (prelude)
    t.add_process(
        "Elixir.Beamplay.Runtime",
        "dist_connect",
        1,
        |n, p, a| match &a[0] {
            Term::Atom(peer) => match n.connect(peer, p.id) {
                Connect::Now(t) => v(t),
                Connect::Wait => v(n.atom_term("wait")),
            },
            _ => badarg(n, &[(1, "not an atom")]),
        },
    );
    // `:net_kernel.get_net_ticktime/0` and `set_net_ticktime/2` (the
    // prelude checks the arguments, as net_kernel.erl's guards do)
    t.add_process("Elixir.Beamplay.Runtime", "net_ticktime", 0, |n, _, _| {
        let t = n.net_ticktime();
        v(t)
    });
    t.add_process(
        "Elixir.Beamplay.Runtime",
        "set_net_ticktime",
        2,
        |n, _, a| match (&a[0], &a[1]) {
            (Term::Int(t), Term::Int(period)) if *t > 0 && *period >= 0 => {
                let r = n.set_net_ticktime(*t as u64, *period as u64);
                v(r)
            }
            _ => badarg(
                n,
                &[
                    (1, "not a positive integer"),
                    (2, "not a non-negative integer"),
                ],
            ),
        },
    );
    t.add_process("Elixir.Beamplay.Runtime", "spawn_request", 5, |n, p, a| {
        marked(n, p, a, spawn_request)
    });
    for arity in [2, 3] {
        t.add_process("erlang", "monitor_node", arity, monitor_node);
    }
    // `:net_kernel.monitor_nodes/2` with its options checked by the
    // prelude: `{form, node_type, nodedown_reason, connection_id}`
    t.add_process("Elixir.Beamplay.Runtime", "monitor_nodes", 2, |n, p, a| {
        let info = a[1].as_tuple().and_then(|t| match t {
            [form, node_type, reason, id] => Some(WatchInfo {
                form: match form {
                    f if f.is_atom("list") => WatchForm::List,
                    f if f.is_atom("map") => WatchForm::Map,
                    _ => WatchForm::Plain,
                },
                node_type: match node_type {
                    t if t.is_atom("visible") => Some(NodeType::Visible),
                    t if t.is_atom("hidden") => Some(NodeType::Hidden),
                    t if t.is_atom("all") => Some(NodeType::All),
                    _ => None,
                },
                nodedown_reason: reason.is_atom("true"),
                connection_id: id.is_atom("true"),
            }),
            _ => None,
        });
        match info {
            Some(info) => {
                n.monitor_nodes(p.id, a[0].is_atom("true"), info);
                v(n.atom_term("ok"))
            }
            None => badarg(n, &[(2, "not a valid option set")]),
        }
    });
}

/// Loaded code, `inspect`, and the hooks the prelude's services use.
fn code_and_runtime(t: &mut Natives) {
    t.add_process("code", "is_loaded", 1, |n, _, a| match &a[0] {
        Term::Atom(m) if n.modules.contains_key(m) || n.natives.has_module(m.as_str()) => {
            v(Term::tuple(vec![
                n.atom_term("file"),
                n.atom_term("preloaded"),
            ]))
        }
        _ => v(n.bool(false)),
    });
    t.add_process("erlang", "function_exported", 3, |n, _, a| {
        match (&a[0], &a[1], &a[2]) {
            (Term::Atom(m), Term::Atom(f), Term::Int(k)) => {
                let k = *k as u32;
                let yes = n.modules.get(m).is_some_and(|md| md.export(f, k).is_some())
                    || n.natives.lookup(m.as_str(), f.as_str(), k).is_some();
                v(n.bool(yes))
            }
            _ => badarg(n, &[(1, "not an atom")]),
        }
    });
    t.add_process("Elixir.Kernel", "inspect", 1, |n, _, a| {
        let s = n.inspect_plain(&a[0]);
        v(Term::string(&s))
    });
    t.add_process(
        "Elixir.Kernel",
        "inspect",
        2,
        |n, _, a| match crate::inspect_opts::from_keyword(&a[1]) {
            Some(o) => {
                let s = beamplay_term::inspect(&a[0], &o, n);
                v(Term::string(&s))
            }
            None => badarg(n, &[(2, "not a keyword list of inspect options")]),
        },
    );
    // a BIF's argument errors from the prelude: `[{n, ok, text}]`, every
    // argument not ok named
    t.add_process("Elixir.Beamplay.Runtime", "badarg", 1, |n, _, a| {
        let errs: Vec<(u8, String)> = ListIter::new(&a[0])
            .filter_map(|e| match e.as_tuple()? {
                [Term::Int(k), ok, text] if !ok.is_atom("true") => Some((
                    u8::try_from(*k).ok()?,
                    String::from_utf8(text.as_bytes()?.to_vec()).ok()?,
                )),
                _ => None,
            })
            .collect();
        let errs: Vec<(u8, &str)> = errs.iter().map(|(k, t)| (*k, t.as_str())).collect();
        badarg(n, &errs)
    });
    t.add_process("Elixir.Beamplay.Runtime", "load_module", 1, |n, _, _| {
        v(n.atom_term("ok"))
    });
    t.add_process("Elixir.Beamplay.Runtime", "note", 1, |n, _, a| {
        let ok = n.note(&a[0]);
        v(n.bool(ok))
    });
    t.add_process("Elixir.Beamplay.Runtime", "log", 1, |n, _, a| {
        if let Some(s) = crate::text::chardata(&a[0]) {
            n.console.output(ConsoleEvent::Log(s));
        }
        v(n.atom_term("ok"))
    });
}

/// `spawn(fun)` / `spawn(m, f, args)` with optional link or monitor.
fn spawn(n: &mut Node, p: &mut Process, a: Argv<'_>, link: bool, monitor: bool) -> R {
    let (f, args, initial) = match &*a {
        [f @ Term::Fun(_)] => (f.clone(), Vec::new(), n.common.apply_2.clone()),
        [Term::Atom(m), Term::Atom(fname), list] => match list.to_vec() {
            Some(args) => (
                Term::export(m.clone(), fname.clone(), args.len() as u32),
                args.clone(),
                Term::tuple(vec![
                    Term::Atom(m.clone()),
                    Term::Atom(fname.clone()),
                    Term::Int(args.len() as i64),
                ]),
            ),
            None => return badarg(n, &[(3, "not a list")]),
        },
        [_] => return badarg(n, &[(1, "not a fun")]),
        _ => return badarg(n, &[(1, "not an atom")]),
    };
    // spawning handles the caller's signals, as BEAM's spawn does
    n.absorb_pending(p);
    let id = match n.new_process(Kind::Normal, p.group_leader.clone(), initial) {
        Ok(id) => id,
        Err(e) => return NativeOut::Raise(e),
    };
    let pid = n.make_pid(id);
    if link {
        n.link(p, id);
    }
    let mref = if monitor {
        Some(n.monitor(p, id, pid.clone()))
    } else {
        None
    };
    n.start_process(id, f, args);
    match mref {
        Some(r) => v(Term::tuple(vec![pid, r])),
        None => v(pid),
    }
}

/// Runs a native that makes a reference, and marks the caller's mailbox
/// where the reference was made (`Process::mark`).
fn marked(n: &mut Node, p: &mut Process, a: Argv<'_>, f: ProcNativeFn) -> R {
    let pos = p.mailbox.len();
    let out = f(n, p, a);
    if let NativeOut::Value(r @ Term::Ref(_)) = &out {
        p.mark = Some((r.clone(), pos));
    }
    out
}

/// Runs `module.function` of the prelude on `args` in the calling process.
fn prelude_call(n: &mut Node, module: &str, function: &str, args: &[Term]) -> R {
    let f = Term::export(n.atom(module), n.atom(function), args.len() as u32);
    NativeOut::Call(f, args.to_vec())
}

/// `spawn_request(node, m, f, args, opts)`: the reference the
/// `{:spawn_reply, ref, ...}` answer will carry (the prelude waits).
fn spawn_request(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    let (Term::Atom(peer), m @ Term::Atom(_), f @ Term::Atom(_)) = (&a[0], &a[1], &a[2]) else {
        return badarg(n, &[(1, "not an atom")]);
    };
    if a[3].to_vec().is_none() {
        return badarg(n, &[(4, "not a list")]);
    }
    let opts = SpawnOpts::from_list(&a[4]);
    let r = n.make_ref();
    let mfa = (m.clone(), f.clone(), a[3].clone());
    n.spawn_request(p, &peer.clone(), r.clone(), mfa, opts);
    v(r)
}

fn send(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    let msg = a[1].clone();
    match &a[0] {
        Term::Atom(_) | Term::Pid(_) | Term::Ref(_) | Term::Tuple(_) => {
            if n.send_to(Some(p), &a[0], msg.clone()) {
                v(msg)
            } else {
                badarg(n, &[(1, "invalid destination")])
            }
        }
        _ => badarg(n, &[(1, "invalid destination")]),
    }
}

fn link(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    match n.local_id(&a[0]) {
        Some(id) if id == p.id => v(n.bool(true)),
        Some(id) if n.is_alive(id) => {
            n.link(p, id);
            v(n.bool(true))
        }
        Some(_) => {
            if p.trap_exit {
                let msg = Term::tuple(vec![
                    n.atom_term("EXIT"),
                    a[0].clone(),
                    n.atom_term("noproc"),
                ]);
                p.mailbox.push_back(msg);
                v(n.bool(true))
            } else {
                let mut e = n.with_ctx(|c| {
                    c.badarg(&[(1, "the pid does not refer to an existing process")])
                });
                e.reason = n.atom_term("noproc");
                NativeOut::Raise(e)
            }
        }
        None if is_remote_pid(n, &a[0]) => {
            n.link_remote(p, &a[0]);
            v(n.bool(true))
        }
        None => badarg(n, &[(1, "not a pid")]),
    }
}

/// A pid of another node (a pid of this node's name and an older
/// creation is a dead local one).
fn is_remote_pid(n: &Node, t: &Term) -> bool {
    matches!(t, Term::Pid(p) if p.node != n.name)
}

fn monitor(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    if !a[0].is_atom("process") {
        return badarg(n, &[(1, "invalid monitor type")]);
    }
    if a.len() == 3 {
        let Some(opts) = a[2].to_vec() else {
            return badarg(n, &[(3, "not a list")]);
        };
        let valid = |o: &Term| match o.as_tuple() {
            Some([k, mode]) if k.is_atom("alias") => {
                mode.is_atom("explicit_unalias")
                    || mode.is_atom("demonitor")
                    || mode.is_atom("reply_demonitor")
            }
            Some([k, _]) => k.is_atom("tag"),
            _ => false,
        };
        if !opts.iter().all(valid) {
            return badarg(n, &[(3, "invalid option in list")]);
        }
    }
    let alias = a.len() == 3
        && ListIter::new(&a[2]).any(|o| {
            o.as_tuple()
                .is_some_and(|t| t.first().is_some_and(|k| k.is_atom("alias")))
        });
    let noproc = n.atom_term("noproc");
    let r = match &a[1] {
        Term::Pid(pd) => match n.local_id(&a[1]) {
            Some(id) => n.monitor(p, id, a[1].clone()),
            None if pd.node != n.name => {
                n.monitor_remote(p, &pd.node.clone(), a[1].clone(), a[1].clone())
            }
            None => {
                // a pid of an older incarnation of this node: dead, its
                // DOWN a signal like any dead process's
                let r = n.make_ref();
                let down = n.down_message(&r, a[1].clone(), noproc);
                n.pending.push(crate::node::Pending::Message(p.id, down));
                r
            }
        },
        Term::Atom(name) => {
            let object = Term::tuple(vec![a[1].clone(), Term::Atom(n.name.clone())]);
            monitor_name(n, p, name, object, noproc)
        }
        Term::Tuple(t) if t.len() == 2 => match (&t[0], &t[1]) {
            (Term::Atom(name), Term::Atom(node)) if *node == n.name => {
                monitor_name(n, p, name, a[1].clone(), noproc)
            }
            (Term::Atom(_), Term::Atom(node)) => {
                n.monitor_remote(p, &node.clone(), t[0].clone(), a[1].clone())
            }
            _ => return badarg(n, &[(2, "not a pid")]),
        },
        _ => return badarg(n, &[(2, "not a pid")]),
    };
    if alias {
        p.ties_mut().aliases.push(r.clone());
    }
    v(r)
}

/// A monitor whose `:DOWN` is due at once (nothing to watch).
fn down_at_once(n: &mut Node, p: &mut Process, object: Term, reason: Term) -> Term {
    let r = n.make_ref();
    let down = n.down_message(&r, object, reason);
    p.mailbox.push_back(down);
    r
}

/// Monitors the process registered as `name`, or gives `:DOWN` at once.
fn monitor_name(
    n: &mut Node,
    p: &mut Process,
    name: &beamplay_term::Atom,
    object: Term,
    noproc: Term,
) -> Term {
    match n.whereis(name) {
        Some(id) => n.monitor(p, id, object),
        None => down_at_once(n, p, object, noproc),
    }
}

/// `monitor_node(node, flag)` and `monitor_node(node, flag, options)`.
fn monitor_node(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    let flag = a[1]
        .as_atom()
        .map(|f| f.as_str())
        .filter(|f| matches!(*f, "true" | "false"));
    // the one option: a connection made by another's request
    let opts = match a.get(2).map(|o| o.to_vec()) {
        None => Ok(()),
        Some(None) => Err("not a list"),
        Some(Some(o)) if o.iter().all(|x| x.is_atom("allow_passive_connect")) => Ok(()),
        Some(Some(_)) => Err("invalid option in list"),
    };
    let errs = arg_errors(&[
        (1, matches!(a[0], Term::Atom(_)), "not an atom"),
        (2, flag.is_some(), NOT_BOOLEAN),
        (3, opts.is_ok(), opts.err().unwrap_or_default()),
    ]);
    let (Term::Atom(peer), Some(flag), true) = (&a[0], flag, errs.is_empty()) else {
        return badarg(n, &errs);
    };
    if !n.distributed() {
        return NativeOut::Raise(Raise::error(n.atom_term("notalive")));
    }
    if flag == "true" {
        n.monitor_node(p.id, &peer.clone());
    } else {
        n.demonitor_node(p.id, &peer.clone());
    }
    v(n.bool(true))
}

fn demonitor2(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    if !matches!(a[0], Term::Ref(_)) {
        return badarg(n, &[(1, "not a reference")]);
    }
    match a[1].to_vec() {
        None => return badarg(n, &[(2, "not a list")]),
        Some(o) if !o.iter().all(|x| x.is_atom("flush") || x.is_atom("info")) => {
            return badarg(n, &[(2, "invalid option in list")]);
        }
        Some(_) => {}
    }
    let found = n.demonitor(p, &a[0]) || n.demonitor_remote(p, &a[0]);
    if let Some(t) = &mut p.ties {
        t.aliases.retain(|x| x != &a[0]);
    }
    let opts: Vec<&Term> = ListIter::new(&a[1]).collect();
    if opts.iter().any(|o| o.is_atom("flush")) {
        n.absorb_pending(p);
        let r = &a[0];
        p.mailbox.retain(
            |m| !matches!(m.as_tuple(), Some([tag, mr, ..]) if tag.is_atom("DOWN") && mr == r),
        );
        p.save = 0;
        p.mark = None;
    }
    if opts.iter().any(|o| o.is_atom("info")) {
        return v(n.bool(found));
    }
    v(n.bool(true))
}

fn exit2(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    let (target, reason) = (&a[0], a[1].clone());
    let Some(id) = n.local_id(target) else {
        if is_remote_pid(n, target) {
            n.exit_remote(&p.pid, target, &reason);
        }
        return match target {
            Term::Pid(_) => v(n.bool(true)),
            _ => badarg(n, &[(1, "not a pid")]),
        };
    };
    if id == p.id {
        if reason.is_atom("kill") {
            return NativeOut::Exit(n.atom_term("killed"));
        }
        if p.trap_exit && !reason.is_atom("kill") {
            let msg = Term::tuple(vec![n.atom_term("EXIT"), p.pid.clone(), reason]);
            p.mailbox.push_back(msg);
            return v(n.bool(true));
        }
        return NativeOut::Exit(reason);
    }
    n.exit_signal(id, p.pid.clone(), reason, false);
    v(n.bool(true))
}

fn register_name(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    let Term::Atom(name) = &a[0] else {
        return badarg(n, &[(1, "not an atom")]);
    };
    let Some(id) = n.local_id(&a[1]) else {
        return badarg(n, &[(2, "not a pid")]);
    };
    let alive = id == p.id || n.is_alive(id);
    if alive && n.register(name.clone(), id, p) {
        v(n.bool(true))
    } else {
        badarg(
            n,
            &[(
                2,
                "the name is already registered, the process is not alive or already has a name",
            )],
        )
    }
}

fn process_flag(n: &mut Node, p: &mut Process, a: Argv<'_>) -> R {
    match (&a[0], &a[1]) {
        (Term::Atom(f), Term::Atom(b))
            if f.as_str() == "trap_exit" && (b.as_str() == "true" || b.as_str() == "false") =>
        {
            let old = p.trap_exit;
            p.trap_exit = b.as_str() == "true";
            v(n.bool(old))
        }
        (Term::Atom(f), _) if f.as_str() == "trap_exit" => {
            badarg(n, &[(2, "not a valid value for the given flag")])
        }
        _ => badarg(n, &[(1, "invalid process flag")]),
    }
}

const INFO_KEYS: &[&str] = &[
    "current_function",
    "initial_call",
    "status",
    "message_queue_len",
    "links",
    "dictionary",
    "trap_exit",
    "group_leader",
    "heap_size",
    "reductions",
];

fn process_info(n: &mut Node, p: &mut Process, pid: &Term, item: Option<&Term>) -> R {
    let Some(id) = n.local_id(pid) else {
        return badarg(n, &[(1, "not a pid")]);
    };
    let target: &Process = if id == p.id {
        p
    } else {
        match n.process(id) {
            Some(t) => t,
            None => return v(n.atom_term("undefined")),
        }
    };
    match item {
        None => {
            let mut items = Vec::new();
            if let Some(name) = &target.name {
                items.push(Term::tuple(vec![
                    n.atom_term("registered_name"),
                    Term::Atom(name.clone()),
                ]));
            }
            for k in INFO_KEYS {
                if let Some(val) = info_item(n, target, k) {
                    items.push(Term::tuple(vec![n.atom_term(k), val]));
                }
            }
            v(Term::list(items))
        }
        Some(Term::Atom(k)) => match info_item(n, target, k.as_str()) {
            Some(val) => v(Term::tuple(vec![Term::Atom(k.clone()), val])),
            None => badarg(n, &[(2, "invalid item or item list")]),
        },
        Some(list) if list.is_list() => {
            let mut out = Vec::new();
            for k in ListIter::new(list) {
                match k.as_atom().and_then(|a| info_item(n, target, a.as_str())) {
                    Some(val) => out.push(Term::tuple(vec![k.clone(), val])),
                    None => return badarg(n, &[(2, "invalid item or item list")]),
                }
            }
            v(Term::list(out))
        }
        _ => badarg(n, &[(2, "invalid item or item list")]),
    }
}

/// IEx's `flush/0`: prints and drops every message of the caller.
fn flush(n: &mut Node, p: &mut Process, _a: Argv<'_>) -> R {
    n.absorb_pending(p);
    let msgs: Vec<Term> = p.mailbox.drain(..).collect();
    p.save = 0;
    p.mark = None;
    for m in msgs {
        let text = n.inspect_iex(&m) + "\n";
        n.console.output(ConsoleEvent::Output(text));
    }
    v(n.atom_term("ok"))
}

/// The node types of `:erlang.nodes/1`: one atom or a list of them.
fn node_kinds(t: &Term) -> Option<Vec<NodeKind>> {
    let one = |t: &Term| match t {
        Term::Atom(a) => Some(match a.as_str() {
            "this" => NodeKind::This,
            "visible" => NodeKind::Visible,
            "hidden" => NodeKind::Hidden,
            "connected" => NodeKind::Connected,
            "known" => NodeKind::Known,
            _ => return None,
        }),
        _ => None,
    };
    match t {
        Term::Atom(_) => one(t).map(|k| vec![k]),
        _ => t.to_vec()?.iter().map(one).collect(),
    }
}
