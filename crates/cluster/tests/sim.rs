//! The World as the UI sees it (snapshots and the event stream), and
//! simulations over many seeds with random faults, checking what must
//! hold whatever happens (issue 4): connected nodes agree on global
//! names, global locks exclude each other, :pg and :pg2 converge after a
//! heal, nothing is lost on a link that stayed up, nothing panics.
mod common;

use std::collections::BTreeSet;

use beamplay_cluster::driver::{Driver, Submitted};
use beamplay_cluster::observe::{EventKind, Snapshot};
use beamplay_cluster::NodeId;
use beamplay_vm::Trace;
use common::{fault, mesh, seeded, value, Dice};

#[test]
fn a_snapshot_shows_names_groups_locks_and_links() {
    let (mut w, ids) = mesh();
    value(&mut w, ids[0], ":global.register_name(:boss, self())");
    value(&mut w, ids[1], ":pg.start_link()");
    value(&mut w, ids[1], ":pg.join(:workers, self())");
    value(&mut w, ids[2], ":pg2.create(:g)");
    value(&mut w, ids[2], ":pg2.join(:g, self())");
    value(&mut w, ids[0], ":global.set_lock({:res, self()})");
    // node2's shell waits for the lock node1 holds
    assert_eq!(
        w.submit(ids[1], ":global.set_lock({:res, self()})"),
        Ok(Submitted::Line(ids[1]))
    );
    w.world_mut().advance(500);
    let s = w.world().snapshot();
    let n1 = &s.nodes[ids[0]];
    assert_eq!(n1.name, "node1@localhost");
    assert_eq!(n1.global_names.len(), 1);
    assert_eq!(n1.global_names[0].0, ":boss");
    assert_eq!(n1.global_names[0].2, "node1@localhost");
    // node3 sees the same name, owned by node1's shell
    assert_eq!(s.nodes[ids[2]].global_names[0].2, "node1@localhost");
    assert!(n1
        .registered
        .iter()
        .any(|(name, _)| name == "global_name_server"));
    let lock = &s.nodes[ids[2]].locks[0];
    assert_eq!(lock.resource, ":res");
    assert_eq!(lock.holders.len(), 1);
    assert_eq!(lock.waiters.len(), 1, "node2's shell waits");
    // retrying with global.erl's backoff: at most 125 ms after the first
    // attempt, then up to 250, 500...; never more than 8 s ahead
    let waiter = &lock.waiters[0];
    assert!(waiter.attempts >= 2, "{waiter:?}");
    assert!(waiter.retry_at_us <= s.now_us + 8_000_000, "{waiter:?}");
    assert!(waiter.pid.starts_with("#PID<"), "{waiter:?}");
    // node3's view: the holder (node1's shell) and the waiter (node2's)
    // print as two remote pids apart, neither as node3's own
    assert!(!waiter.pid.starts_with("#PID<0."), "{waiter:?}");
    assert!(!lock.holders[0].starts_with("#PID<0."), "{lock:?}");
    assert_ne!(
        waiter.pid.split('.').next(),
        lock.holders[0].split('.').next(),
        "{lock:?}"
    );
    let pg = s.nodes[ids[2]]
        .groups
        .iter()
        .find(|g| g.scope == ":pg2" && g.name == ":g")
        .expect("node3 knows pg2's group");
    assert_eq!(pg.members.len(), 1);
    // pg2 runs only where it was used
    assert!(s.nodes[ids[0]].groups.iter().all(|g| g.scope != ":pg2"));
    assert!(s.nodes[ids[1]]
        .groups
        .iter()
        .any(|g| g.scope == ":pg" && g.name == ":workers"));
    assert!(s.links.iter().all(|l| l.connected && !l.cut));
    let shell = n1
        .processes
        .iter()
        .find(|p| p.current.starts_with("Beamplay") || p.status == "waiting")
        .expect("processes are listed");
    assert!(!shell.pid.is_empty());
    // a process's mailbox, as the UI shows it on a click
    value(
        &mut w,
        ids[0],
        "p = spawn(fn -> Process.sleep(:infinity) end); Process.register(p, :idle); send(p, {:hello, 1}); send(p, \"two\")",
    );
    let s = w.world().snapshot();
    let idle = s.nodes[ids[0]]
        .processes
        .iter()
        .find(|p| p.name.as_deref() == Some("idle"))
        .expect("the registered process is listed");
    assert_eq!(idle.mailbox, 2);
    assert_eq!(idle.status, "waiting");
    let mailbox = w.world().node(ids[0]).map(|n| n.mailbox_view(idle.id));
    assert_eq!(
        mailbox,
        Some(vec!["{:hello, 1}".to_string(), "\"two\"".to_string()])
    );
    // the lock is released, and the waiter gets it
    value(&mut w, ids[0], ":global.del_lock({:res, self()})");
    w.world_mut().advance(9_000);
    let s = w.world().snapshot();
    assert_eq!(s.nodes[ids[2]].locks[0].waiters.len(), 0);
    assert!(s.nodes[ids[2]].locks[0].holders[0].starts_with("#PID<"));
    fault(&mut w, "@disconnect node1 node2");
    let s = w.world().snapshot();
    let l = s.links.iter().find(|l| l.a == ids[0] && l.b == ids[1]);
    assert!(l.is_some_and(|l| l.cut && !l.connected));
}

#[test]
fn a_lock_waiter_shows_its_retries_and_leaves_when_it_stops_waiting() {
    let (mut w, ids) = mesh();
    value(&mut w, ids[0], ":global.set_lock({:res, self()})");
    assert_eq!(
        w.submit(ids[1], ":global.set_lock({:res, self()})"),
        Ok(Submitted::Line(ids[1]))
    );
    let waiter = |w: &Driver| {
        let s = w.world().snapshot();
        let lock = s.nodes[ids[0]].locks.first()?;
        lock.waiters
            .first()
            .map(|x| (x.attempts, x.retry_at_us, s.now_us))
    };
    w.world_mut().advance(100);
    let (first, retry, now) = waiter(&w).expect("node2's shell waits");
    // global.erl's sleep after attempt n is at most 1000 * 2^(n-1) / 8 ms
    // (125 ms after the first), 8 s from the seventh on
    let most_ms = if first > 6 {
        8_000
    } else {
        (1000 << (first - 1)) / 8
    };
    assert!(
        first >= 1 && retry > now && retry <= now + most_ms * 1000,
        "{first} {retry} {now}"
    );
    // it tries again when it said it would, and counts the attempt
    w.world_mut().advance((retry - now) / 1000 + 1);
    let (second, later, _) = waiter(&w).expect("still waiting");
    assert!(second > first && later > retry, "{first} {second}");
    w.world_mut().advance(3_000);
    let (many, _, _) = waiter(&w).expect("still waiting");
    assert!(many > second, "the attempts go on: {many}");
    // interrupted, it waits no more, though it never said so
    if let Some(node) = w.world_mut().node_mut(ids[1]) {
        node.interrupt_shell();
    }
    w.world_mut().advance(10);
    assert_eq!(waiter(&w), None);
}

#[test]
fn the_event_stream_tells_spawns_messages_frames_and_faults() {
    let (mut w, ids) = mesh();
    w.world_mut().set_tracing(true);
    let fun = value(
        &mut w,
        ids[0],
        "f = fn -> receive do m -> IO.puts(m) end end",
    );
    value(&mut w, ids[0], "pid = Node.spawn(:node2@localhost, f)");
    value(&mut w, ids[0], "send(pid, \"hi\")");
    fault(&mut w, "@kill node3");
    let events = w.world_mut().take_trace();
    assert!(events.windows(2).all(|e| e[0].at_us <= e[1].at_us));
    let has = |f: &dyn Fn(&EventKind) -> bool| events.iter().any(|e| f(&e.what));
    assert!(has(&|w| matches!(
        w,
        EventKind::Node(1, Trace::Spawn { .. })
    )));
    assert!(has(
        &|w| matches!(w, EventKind::Node(0, Trace::Send { msg, .. }) if msg.as_str() == Some("hi"))
    ));
    assert!(has(
        &|w| matches!(w, EventKind::Node(1, Trace::Deliver { msg, .. }) if msg.as_str() == Some("hi"))
    ));
    assert!(has(
        &|w| matches!(w, EventKind::Node(0, Trace::Output(t)) if t == "hi\n")
    ));
    // the spawn request carries the closure (with :erlang.apply's empty
    // argument list), printed as node1 prints it; the send carries "hi"
    assert!(fun.starts_with("#Function<"), "{fun}");
    let args = format!("[{fun}, []]");
    assert!(has(
        &|w| matches!(w, EventKind::FrameSent { from: 0, to: 1, summary, .. }
        if summary.op == Some("SPAWN_REQUEST") && summary.control.starts_with("{29,")
            && summary.payload.as_deref() == Some(args.as_str()))
    ));
    assert!(has(
        &|w| matches!(w, EventKind::FrameSent { from: 0, to: 1, summary, .. }
        if summary.op == Some("SEND_SENDER") && summary.payload.as_deref() == Some("\"hi\""))
    ));
    assert!(has(&|w| matches!(
        w,
        EventKind::FrameDelivered { from: 0, to: 1, .. }
    )));
    assert!(has(&|w| matches!(w, EventKind::Killed(2))));
    assert!(has(
        &|w| matches!(w, EventKind::Node(0, Trace::NodeDown(n)) if n.as_str() == "node3@localhost")
    ));
    assert!(has(&|w| matches!(
        w,
        EventKind::Node(1, Trace::Exit { .. })
    )));
    w.world_mut().set_tracing(false);
    value(&mut w, ids[0], "1 + 1");
    assert!(w.world_mut().take_trace().is_empty());
}

const NAMES: [&str; 4] = ["n1", "n2", "n3", "n4"];

/// Nodes connected to each other, as sets of ids.
fn components(s: &Snapshot) -> Vec<BTreeSet<NodeId>> {
    let mut comps: Vec<BTreeSet<NodeId>> = Vec::new();
    for n in s.nodes.iter().filter(|n| n.alive) {
        let linked: Vec<usize> = comps
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.iter().any(|&m| {
                    s.links
                        .iter()
                        .any(|l| l.connected && (l.a, l.b) == (m.min(n.id), m.max(n.id)))
                })
            })
            .map(|(i, _)| i)
            .collect();
        let mut merged: BTreeSet<NodeId> = [n.id].into();
        for i in linked.into_iter().rev() {
            merged.extend(comps.remove(i));
        }
        comps.push(merged);
    }
    comps
}

fn names_of(s: &Snapshot, id: NodeId) -> BTreeSet<(String, String)> {
    s.nodes[id]
        .global_names
        .iter()
        .map(|(n, _, node)| (n.clone(), node.clone()))
        .collect()
}

/// One random run: faults and registrations, checks after each step.
fn simulate(seed: u64) {
    let (mut w, ids) = seeded(seed, &NAMES);
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    w.world_mut().set_tracing(true);
    for &n in &ids {
        value(&mut w, n, ":pg.start_link()");
        value(&mut w, n, ":pg2.start()");
    }
    for &n in &ids[1..] {
        value(&mut w, n, "Node.connect(:n1@localhost)");
    }
    value(&mut w, ids[0], ":pg2.create(:g)");
    w.world_mut().advance(1_000);
    let mut touched: BTreeSet<(NodeId, NodeId)> = BTreeSet::new();
    let mut killed: BTreeSet<NodeId> = BTreeSet::new();
    for _ in 0..14 {
        let a = ids[dice.below(ids.len())];
        let b = ids[dice.below(ids.len())];
        let an = NAMES[a];
        let bn = NAMES[b];
        match dice.below(8) {
            0 if a != b => {
                fault(&mut w, &format!("@disconnect {an} {bn}"));
                touched.insert((a.min(b), a.max(b)));
            }
            1 if a != b => fault(&mut w, &format!("@heal {an} {bn}")),
            2 if a != b => {
                value(&mut w, a, &format!("Node.ping(:{bn}@localhost)"));
            }
            3 if a != 0 => {
                fault(&mut w, &format!("@restart {an}"));
                killed.insert(a);
                value(&mut w, a, ":pg.start_link()");
                value(&mut w, a, ":pg2.start()");
            }
            4 if a != b => fault(&mut w, &format!("@latency {an} {bn} {}", dice.below(50))),
            // every node registers one name at the same instant
            5 => {
                let name = dice.below(3);
                let line = format!(
                    "p = spawn(fn -> Process.sleep(:infinity) end); :global.register_name(:burst{name}, p)"
                );
                for &n in &ids {
                    assert_eq!(w.submit(n, &line), Ok(Submitted::Line(n)));
                }
            }
            _ => {
                let name = dice.below(3);
                value(
                    &mut w,
                    a,
                    &format!(
                        "p = spawn(fn -> Process.sleep(:infinity) end); :global.register_name(:name{name}, p); :pg.join(:g, p); :pg2.join(:g, p)"
                    ),
                );
            }
        }
        w.world_mut().advance(1_000);
        let s = w.world().snapshot();
        // directly connected nodes agree on the global names, so each
        // name has one owner in a connected component
        for l in s.links.iter().filter(|l| l.connected) {
            assert_eq!(
                names_of(&s, l.a),
                names_of(&s, l.b),
                "seed {seed}: {} and {} disagree",
                NAMES[l.a],
                NAMES[l.b]
            );
        }
    }
    // heal everything and connect everyone: the views converge
    for (a, an) in NAMES.iter().enumerate() {
        for bn in &NAMES[a + 1..] {
            fault(&mut w, &format!("@heal {an} {bn}"));
        }
    }
    for &n in &ids[1..] {
        value(&mut w, n, "Node.ping(:n1@localhost)");
    }
    w.world_mut().advance(3_000);
    let s = w.world().snapshot();
    assert_eq!(components(&s).len(), 1, "seed {seed}: one cluster again");
    let count = |w: &mut Driver, n: NodeId| {
        value(
            w,
            n,
            "{:global.registered_names() |> Enum.sort(), length(:pg.get_members(:g)), length(:pg2.get_members(:g))}",
        )
    };
    let first = count(&mut w, ids[0]);
    for &n in &ids[1..] {
        assert_eq!(count(&mut w, n), first, "seed {seed}: {} differs", NAMES[n]);
    }
    // nothing lost on a link never cut between nodes never restarted
    let events = w.world_mut().take_trace();
    for &a in &ids {
        for &b in &ids {
            if a == b
                || touched.contains(&(a.min(b), a.max(b)))
                || killed.contains(&a)
                || killed.contains(&b)
            {
                continue;
            }
            let sent = events
                .iter()
                .filter(
                    |e| matches!(e.what, EventKind::FrameSent { from, to, .. } if (from, to) == (a, b)),
                )
                .count();
            let got = events
                .iter()
                .filter(|e| matches!(e.what, EventKind::FrameDelivered { from, to, .. } if (from, to) == (a, b)))
                .count();
            assert_eq!(
                sent, got,
                "seed {seed}: frames lost from {} to {}",
                NAMES[a], NAMES[b]
            );
        }
    }
    // global locks exclude each other: every node's processes contend
    for &n in &ids {
        value(
            &mut w,
            n,
            "for _ <- 1..3, do: spawn(fn -> :global.trans({:crit, self()}, fn -> IO.puts(\"in\"); Process.sleep(20); IO.puts(\"out\") end) end)",
        );
    }
    w.world_mut().advance(60_000);
    let mut inside = 0;
    let mut entered = 0;
    for e in w.world_mut().take_trace() {
        match e.what {
            EventKind::Node(_, Trace::Output(t)) if t == "in\n" => {
                inside += 1;
                entered += 1;
                assert_eq!(inside, 1, "seed {seed}: two holders of one lock");
            }
            EventKind::Node(_, Trace::Output(t)) if t == "out\n" => inside -= 1,
            _ => {}
        }
    }
    assert_eq!(
        entered, 12,
        "seed {seed}: every contender got the lock once"
    );
}

#[test]
fn random_faults_keep_every_invariant() {
    for seed in 1..=8 {
        simulate(seed);
    }
}

#[test]
fn fault_commands_show_in_the_stream() {
    let (mut w, _) = seeded(3, &["a", "b"]);
    w.world_mut().set_tracing(true);
    for line in [
        "@latency a b 5",
        "@disconnect a b",
        "@heal a b",
        "@restart b",
    ] {
        assert!(matches!(w.command(line), Ok(Submitted::Fault(_))), "{line}");
    }
    let kinds: Vec<String> = w
        .world_mut()
        .take_trace()
        .into_iter()
        .filter(|e| !matches!(e.what, EventKind::Node(..)))
        .map(|e| format!("{:?}", e.what))
        .collect();
    assert_eq!(
        kinds,
        [
            "Latency(0, 1, 5)",
            "Cut(0, 1)",
            "Healed(0, 1)",
            "Killed(1)",
            "Restarted(1)"
        ]
    );
}
