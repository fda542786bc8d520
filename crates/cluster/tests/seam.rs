//! Nodes in separate Worlds (issue 18's seam): each node of a room lives
//! in a World of its own, as in a tab of its own, and the Worlds reach
//! each other only through their ports and the room's channel of encoded
//! envelopes (room.rs), in one virtual time.
mod common;

use beamplay_cluster::driver::{Driver, LineKind, Said, Virtual};
use beamplay_cluster::fault::Fault;
use beamplay_cluster::room;
use beamplay_cluster::transport::{Envelope, Kind};
use beamplay_cluster::Nodes;
use common::Dice;

/// A room and what its consoles printed, by node.
struct Tabs {
    room: Driver<room::Room>,
    output: Vec<String>,
    /// Every output line, in the order the consoles printed them.
    log: Vec<String>,
}

impl Tabs {
    fn new(names: &[&str]) -> Tabs {
        Tabs::seeded(1, names)
    }

    fn seeded(seed: u64, names: &[&str]) -> Tabs {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let room = Driver::of(room::Room::new(seed, &names, &[]).expect("the prelude compiles"));
        let mut tabs = Tabs {
            output: vec![String::new(); names.len()],
            log: Vec::new(),
            room,
        };
        tabs.settle();
        tabs
    }

    fn tab(&self, name: &str) -> usize {
        self.room
            .world()
            .find(name)
            .unwrap_or_else(|| panic!("no tab runs {name}"))
    }

    fn settle(&mut self) {
        self.wait(200, None);
    }

    /// Lets up to `ms` pass, until node `id` gives a value if it is
    /// given: that value.
    fn wait(&mut self, ms: u64, id: Option<usize>) -> Option<String> {
        let mut value = None;
        let (output, log) = (&mut self.output, &mut self.log);
        self.room.run(&mut Virtual, ms, &mut |r| {
            for said in r.take_said() {
                if let Said::Line(at, line) = said {
                    match line.kind {
                        LineKind::Value if Some(at) == id && value.is_none() => {
                            value = Some(line.text)
                        }
                        LineKind::Output | LineKind::Exit => {
                            output[at].push_str(&line.text);
                            output[at].push('\n');
                            log.push(line.text);
                        }
                        _ => {}
                    }
                }
            }
            value.is_some()
        });
        value
    }

    /// Types `line` at node `name`'s console and returns its value.
    fn eval(&mut self, name: &str, line: &str) -> String {
        let at = self.tab(name);
        self.room
            .command(&format!("{name}> {line}"))
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        let v = self
            .wait(5_000, Some(at))
            .unwrap_or_else(|| panic!("{name}> {line} gave no value in 5 s"));
        self.wait(100, None);
        v
    }

    fn counters(&self, name: &str) -> beamplay_cluster::transport::Counters {
        let at = self.tab(name);
        self.room
            .world()
            .port(at)
            .map(|p| p.counters().clone())
            .unwrap_or_default()
    }
}

#[test]
fn nodes_in_separate_worlds_connect_and_see_each_other() {
    let mut room = Tabs::new(&["node1", "node2"]);
    assert_eq!(room.eval("node1", "Node.list()"), "[]");
    // epmd of the room knows both, as one host's epmd does
    assert_eq!(
        room.eval(
            "node1",
            ":net_adm.names() |> elem(1) |> Enum.map(&elem(&1, 0)) |> Enum.sort()"
        ),
        "['node1', 'node2']"
    );
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    assert_eq!(room.eval("node2", "Node.list()"), "[:node1@localhost]");
    assert_eq!(
        room.eval("node1", ":rpc.call(:node2@localhost, Node, :self, [])"),
        ":node2@localhost"
    );
    assert_eq!(
        room.eval("node1", "Node.connect(:nobody@localhost)"),
        "false"
    );
    assert_eq!(room.counters("node1").malformed, 0);
}

#[test]
fn global_names_locks_and_groups_agree_across_worlds() {
    let mut room = Tabs::new(&["node1", "node2", "node3"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    assert_eq!(room.eval("node2", "Node.connect(:node3@localhost)"), "true");
    // global makes the mesh, as between BEAM nodes
    room.wait(500, None);
    assert_eq!(
        room.eval("node1", "Node.list() |> Enum.sort()"),
        "[:node2@localhost, :node3@localhost]"
    );
    assert_eq!(
        room.eval("node3", ":global.register_name(:boss, self())"),
        ":yes"
    );
    assert_eq!(
        room.eval("node1", ":global.whereis_name(:boss) |> node()"),
        ":node3@localhost"
    );
    assert_eq!(
        room.eval("node2", ":global.register_name(:boss, self())"),
        ":no"
    );
    assert_eq!(
        room.eval("node1", ":pg.start_link(); :pg.join(:g, self())"),
        ":ok"
    );
    room.eval("node2", ":pg.start_link()");
    room.wait(200, None);
    assert_eq!(
        room.eval("node2", ":pg.get_members(:g) |> Enum.map(&node/1)"),
        "[:node1@localhost]"
    );
    assert_eq!(room.eval("node1", ":global.set_lock({:l, self()})"), "true");
    assert_eq!(
        room.eval(
            "node3",
            ":global.set_lock({:l, self()}, Node.list([:this, :visible]), 0)"
        ),
        "false"
    );
}

#[test]
fn a_closure_spawned_across_worlds_runs_there_and_answers() {
    let mut room = Tabs::new(&["node1", "node2"]);
    room.eval("node1", "me = self()");
    room.eval(
        "node1",
        "Node.spawn(:node2@localhost, fn -> send(me, {:from, node()}) end)",
    );
    assert_eq!(
        room.eval("node1", "receive do m -> m after 1000 -> :none end"),
        "{:from, :node2@localhost}"
    );
}

#[test]
fn a_closed_tab_is_a_dead_node_for_the_others() {
    let mut room = Tabs::new(&["node1", "node2"]);
    room.eval("node1", ":net_kernel.monitor_nodes(true)");
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    room.eval("node2", ":global.register_name(:svc, self())");
    room.eval("node1", "ref = Process.monitor(:global.whereis_name(:svc))");
    room.eval("node1", "flush()");
    // the tab closes: its node is gone at once
    let node2 = room.tab("node2");
    room.room.world_mut().apply(Fault::Kill(node2));
    room.settle();
    let flushed = {
        room.eval("node1", "flush()");
        std::mem::take(&mut room.output[0])
    };
    assert!(
        flushed.contains("{:nodedown, :node2@localhost}"),
        "{flushed}"
    );
    assert!(flushed.contains(":noconnection}"), "{flushed}");
    assert_eq!(
        room.eval("node1", ":global.whereis_name(:svc)"),
        ":undefined"
    );
    assert_eq!(
        room.eval("node1", "Node.connect(:node2@localhost)"),
        "false"
    );
    // its name is free again: a new tab takes it
    room.room.world_mut().apply(Fault::Restart(node2));
    room.settle();
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
}

#[test]
fn a_gap_in_a_pairs_frames_closes_their_connection_at_both_ends() {
    let mut room = Tabs::new(&["node1", "node2"]);
    room.eval("node1", ":net_kernel.monitor_nodes(true)");
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    // node2's first frame of two is lost on the way: the second shows
    // the gap
    let node2 = room.tab("node2");
    room.room.world_mut().lose_next_frame(node2);
    room.eval(
        "node2",
        "for i <- 1..2, do: send({:nobody, :node1@localhost}, i)",
    );
    room.eval("node1", "flush()");
    let node1 = room.tab("node1");
    assert!(
        room.output[node1].contains("{:nodedown, :node2@localhost}"),
        "{}",
        room.output[node1]
    );
    assert_eq!(room.counters("node1").gaps, 1);
    assert_eq!(room.eval("node2", "Node.list()"), "[]");
    // the nodes connect again when asked
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    assert_eq!(room.eval("node2", "Node.list()"), "[:node1@localhost]");
    assert_eq!(room.counters("node1").gaps, 1);
}

#[test]
fn what_a_peer_sends_is_untrusted_and_refused_without_harm() {
    let mut room = Tabs::new(&["node1", "node2"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    let node2 = room.tab("node2");
    let garbage: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"BPW1".to_vec(),
        b"BPW1f\x05room1".to_vec(),
        vec![0xff; 300],
    ];
    for g in garbage {
        room.room.world_mut().inject(node2, g);
    }
    // a well-formed envelope, next in its pair's order, whose frame is
    // nonsense for the node: the node refuses it and closes the
    // connection, as a BEAM node does with a malformed frame
    let nonsense = Envelope {
        room: room::ROOM.into(),
        kind: Kind::Frame,
        from: "node2@localhost".into(),
        to: "node1@localhost".into(),
        seq: room.counters("node1").frames_in,
        payload: vec![b'p', 131, 255, 0],
    };
    room.room.world_mut().inject(node2, nonsense.encode());
    // another room's envelope is not for us
    let elsewhere = Envelope {
        room: "room2".into(),
        ..nonsense.clone()
    };
    room.room.world_mut().inject(node2, elsewhere.encode());
    room.settle();
    // each tab refused the four that are no envelope
    assert_eq!(room.counters("node1").malformed, 4);
    assert_eq!(room.counters("node1").other_room, 1);
    assert_eq!(room.counters("node1").gaps, 0);
    assert_eq!(room.eval("node1", "Node.list()"), "[]");
    // sequence numbers at their end cannot overflow anything
    for _ in 0..2 {
        let last = Envelope {
            seq: u64::MAX,
            ..nonsense.clone()
        };
        room.room.world_mut().inject(node2, last.encode());
    }
    room.settle();
    // the room still works: node2's first frame after the forged ones
    // shows a gap and resyncs the pair, as a reset connection, so the
    // connection after it goes through
    room.eval("node1", "Node.connect(:node2@localhost)");
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
}

#[test]
fn a_cut_and_healed_link_connects_again_from_either_side() {
    let mut room = Tabs::new(&["node1", "node2"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    let (a, b) = (room.tab("node1"), room.tab("node2"));
    room.room.world_mut().apply(Fault::Disconnect(a, b));
    room.settle();
    assert_eq!(room.eval("node1", "Node.list()"), "[]");
    assert_eq!(
        room.eval("node2", "Node.connect(:node1@localhost)"),
        "false"
    );
    room.room.world_mut().apply(Fault::Heal(a, b));
    assert_eq!(room.eval("node2", "Node.connect(:node1@localhost)"), "true");
    assert_eq!(room.eval("node1", "Node.list()"), "[:node2@localhost]");
    assert_eq!(room.counters("node1").gaps, 0);
    assert_eq!(room.counters("node2").gaps, 0);
}

#[test]
fn a_node_restarted_with_frames_on_their_way_connects_again() {
    let mut room = Tabs::new(&["node1", "node2"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    let (a, b) = (room.tab("node1"), room.tab("node2"));
    room.room.world_mut().apply(Fault::Latency(a, b, 50));
    room.room
        .command("node2> for i <- 1..5, do: send({:nobody, :node1@localhost}, i)")
        .expect("typed");
    // the sends are out, not yet in
    room.wait(10, None);
    room.room.world_mut().apply(Fault::Restart(b));
    room.settle();
    assert_eq!(room.eval("node1", "Node.ping(:node2@localhost)"), ":pong");
    assert_eq!(room.eval("node2", "Node.list()"), "[:node1@localhost]");
    assert_eq!(room.counters("node1").gaps, 0);
}

#[test]
fn a_name_taken_in_the_room_cannot_be_a_peer_too() {
    let mut driver = beamplay_cluster::driver::Driver::new(1).expect("the prelude compiles");
    driver.world_mut().add_node("node1");
    let w = driver.world_mut();
    assert_eq!(
        w.peer_up("node1")
            .map(|a| a.as_str().to_string())
            .map_err(|e| e.to_string()),
        Err("the name node1@localhost seems to be in use by another Erlang node".to_string())
    );
    assert!(w.peer_up("node5").is_ok());
    assert!(w.check_name("node5").is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any bytes: an envelope or a reason, never a panic; an envelope
    /// reads back from its own encoding.
    #[test]
    fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        if let Ok(e) = Envelope::decode(&bytes) {
            proptest::prop_assert_eq!(Envelope::decode(&e.encode()), Ok(e));
        }
    }

    /// A valid envelope with any byte changed or cut: still no panic, and
    /// a port takes it or refuses it without harm to its World.
    #[test]
    fn a_damaged_envelope_is_refused_or_taken(at in 0usize..60, byte in proptest::prelude::any::<u8>(), cut in 0usize..60) {
        let good = Envelope {
            room: room::ROOM.into(),
            kind: Kind::Frame,
            from: "node2@localhost".into(),
            to: "node1@localhost".into(),
            seq: 0,
            payload: vec![b'p', 131, 104, 1, 97, 1],
        }
        .encode();
        let mut bad = good.clone();
        let i = at % bad.len();
        bad[i] = byte;
        bad.truncate(bad.len() - cut.min(bad.len()));
        let mut room = Tabs::new(&["node1", "node2"]);
        let from = room.tab("node2");
        room.room.world_mut().inject(from, bad);
        room.settle();
        proptest::prop_assert_eq!(room.eval("node1", "1 + 1"), "2");
    }
}

/// Sessions (the page's) of two tabs in one room: whatever each posts
/// reaches the other, as a BroadcastChannel carries it.
fn exchange(tabs: &mut [beamplay_cluster::session::Session]) {
    for _ in 0..4 {
        for at in 0..tabs.len() {
            for bytes in tabs[at].room_exchange() {
                for (other, tab) in tabs.iter_mut().enumerate() {
                    if other != at {
                        tab.room_incoming(bytes.clone());
                    }
                }
            }
        }
    }
}

/// Frames of 16 ms: each runs the tabs' Worlds and lets them exchange.
fn frames(tabs: &mut [beamplay_cluster::session::Session], n: usize) {
    for _ in 0..n {
        for t in tabs.iter_mut() {
            t.run(16.0, &mut || true);
        }
        exchange(tabs);
    }
}

fn last_line(s: &beamplay_cluster::session::Session) -> String {
    s.transcript(0)
        .and_then(|t| t.lines.last())
        .map(|l| l.text.clone())
        .unwrap_or_default()
}

#[test]
fn two_tabs_sessions_form_a_cluster_and_a_paused_one_holds_what_arrives() {
    use beamplay_cluster::session::Session;
    let mut tabs = [
        Session::new(1, &["node1"]).expect("session"),
        Session::new(2, &["node4"]).expect("session"),
    ];
    for t in tabs.iter_mut() {
        t.join_room("r1");
    }
    frames(&mut tabs, 2);
    assert_eq!(tabs[0].peers(), ["node4@localhost"]);
    assert_eq!(tabs[1].peers(), ["node1@localhost"]);
    tabs[1].submit(0, "Node.connect(:node1@localhost)");
    frames(&mut tabs, 5);
    assert_eq!(last_line(&tabs[1]), "true");
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(last_line(&tabs[0]), "[:node4@localhost]");
    // a paused tab takes nothing in: the ping waits until it goes on
    tabs[0].set_paused(true);
    tabs[1].submit(0, ":rpc.call(:node1@localhost, Kernel, :node, [])");
    frames(&mut tabs, 10);
    assert_eq!(
        last_line(&tabs[1]),
        "iex(node4@localhost)2> :rpc.call(:node1@localhost, Kernel, :node, [])"
    );
    tabs[0].set_paused(false);
    frames(&mut tabs, 5);
    assert_eq!(last_line(&tabs[1]), ":node1@localhost");
    // a tab that closes says goodbye for its nodes, and its own nodes
    // lose the room's
    let bye = tabs[1].leave_room();
    assert!(tabs[1].peers().is_empty());
    for b in bye {
        tabs[0].room_incoming(b);
    }
    frames(&mut tabs[..1], 2);
    assert!(tabs[0].peers().is_empty());
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs[..1], 3);
    assert_eq!(last_line(&tabs[0]), "[]");
}

/// One random run over four Worlds: cuts, heals, restarts, latencies and
/// registrations, checking after each step that nodes connected to each
/// other agree on the global names; then, all healed, that the views
/// converge and that a global lock is held by one process at a time.
fn simulate_room(seed: u64) {
    const NAMES: [&str; 4] = ["n1", "n2", "n3", "n4"];
    let mut t = Tabs::seeded(seed, &NAMES);
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for n in NAMES {
        t.eval(n, ":pg.start_link()");
        t.eval(n, ":pg2.start()");
    }
    for n in &NAMES[1..] {
        t.eval(n, "Node.connect(:n1@localhost)");
    }
    t.eval("n1", ":pg2.create(:g)");
    t.wait(1_000, None);
    let names_line = ":global.registered_names() |> Enum.sort() |> Enum.map(&{&1, node(:global.whereis_name(&1))})";
    for _ in 0..10 {
        let (a, b) = (dice.below(4), dice.below(4));
        let (an, bn) = (NAMES[a], NAMES[b]);
        let command = |t: &mut Tabs, line: String| {
            t.room
                .command(&line)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
        };
        match dice.below(8) {
            0 if a != b => command(&mut t, format!("@disconnect {an} {bn}")),
            1 if a != b => command(&mut t, format!("@heal {an} {bn}")),
            2 if a != b => {
                t.eval(an, &format!("Node.ping(:{bn}@localhost)"));
            }
            3 if a != 0 => {
                command(&mut t, format!("@restart {an}"));
                t.wait(100, None);
                t.eval(an, ":pg.start_link()");
                t.eval(an, ":pg2.start()");
            }
            4 if a != b => command(&mut t, format!("@latency {an} {bn} {}", dice.below(50))),
            // every node registers one name at the same instant
            5 => {
                let line = format!(
                    "p = spawn(fn -> Process.sleep(:infinity) end); :global.register_name(:burst{}, p)",
                    dice.below(3)
                );
                for n in NAMES {
                    command(&mut t, format!("{n}> {line}"));
                }
            }
            _ => {
                t.eval(
                    an,
                    &format!(
                        "p = spawn(fn -> Process.sleep(:infinity) end); :global.register_name(:name{}, p); :pg.join(:g, p); :pg2.join(:g, p)",
                        dice.below(3)
                    ),
                );
            }
        }
        t.wait(1_000, None);
        let views: Vec<(String, String)> = NAMES
            .iter()
            .map(|n| (t.eval(n, "Node.list()"), t.eval(n, names_line)))
            .collect();
        for (a, (list, names)) in views.iter().enumerate() {
            for (b, (_, other)) in views.iter().enumerate() {
                if list.contains(&format!(":{}@localhost", NAMES[b])) {
                    assert_eq!(
                        names, other,
                        "seed {seed}: {} and {} disagree",
                        NAMES[a], NAMES[b]
                    );
                }
            }
        }
    }
    for (a, an) in NAMES.iter().enumerate() {
        for bn in &NAMES[a + 1..] {
            t.room.command(&format!("@heal {an} {bn}")).expect("heal");
        }
    }
    for n in &NAMES[1..] {
        t.eval(n, "Node.ping(:n1@localhost)");
    }
    t.wait(3_000, None);
    let count = "{:global.registered_names() |> Enum.sort(), length(:pg.get_members(:g)), length(:pg2.get_members(:g)), length(Node.list())}";
    let first = t.eval("n1", count);
    for n in &NAMES[1..] {
        assert_eq!(t.eval(n, count), first, "seed {seed}: {n} differs");
    }
    // global locks exclude each other across Worlds
    t.log.clear();
    for n in NAMES {
        t.eval(
            n,
            "for _ <- 1..3, do: spawn(fn -> :global.trans({:crit, self()}, fn -> IO.puts(\"in\"); Process.sleep(20); IO.puts(\"out\") end) end)",
        );
    }
    t.wait(60_000, None);
    let (mut inside, mut entered) = (0, 0);
    for line in &t.log {
        match line.trim_end() {
            "in" => {
                inside += 1;
                entered += 1;
                assert_eq!(inside, 1, "seed {seed}: two holders of one lock");
            }
            "out" => inside -= 1,
            _ => {}
        }
    }
    assert_eq!(
        entered, 12,
        "seed {seed}: every contender got the lock once"
    );
}

#[test]
fn random_faults_over_several_worlds_keep_every_invariant() {
    for seed in 1..=8 {
        simulate_room(seed);
    }
}

#[test]
fn a_tab_gone_without_a_word_frees_its_name_for_a_new_tab() {
    use beamplay_cluster::session::Session;
    let mut tabs = vec![
        Session::new(1, &["node1"]).expect("session"),
        Session::new(2, &["node4"]).expect("session"),
    ];
    for t in tabs.iter_mut() {
        t.join_room("r1");
    }
    frames(&mut tabs, 2);
    tabs[1].submit(0, "Node.connect(:node1@localhost)");
    frames(&mut tabs, 5);
    assert_eq!(last_line(&tabs[1]), "true");
    // node4's tab crashes: no goodbye; node1's tab learns it from its lock
    tabs.pop();
    tabs[0].peer_gone("node4@localhost");
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(last_line(&tabs[0]), "[]");
    // a new tab takes the name, and connects as a new node
    tabs.push(Session::new(3, &["node4"]).expect("session"));
    tabs[1].join_room("r1");
    frames(&mut tabs, 2);
    tabs[1].submit(0, "Node.connect(:node1@localhost)");
    frames(&mut tabs, 5);
    assert_eq!(last_line(&tabs[1]), "true");
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(last_line(&tabs[0]), "[:node4@localhost]");
}

#[test]
fn a_paused_tab_is_a_hung_node_that_its_peers_give_up_on_after_the_tick_time() {
    use beamplay_cluster::session::Session;
    let mut tabs = [
        Session::new(1, &["node1"]).expect("session"),
        Session::new(2, &["node4"]).expect("session"),
    ];
    for t in tabs.iter_mut() {
        t.join_room("r1");
    }
    frames(&mut tabs, 2);
    tabs[0].submit(0, ":net_kernel.monitor_nodes(true, [:nodedown_reason])");
    tabs[0].submit(0, "Node.connect(:node4@localhost)");
    frames(&mut tabs, 5);
    assert_eq!(last_line(&tabs[0]), "true");
    // idle but alive: ticks keep the connection up past the tick time
    frames(&mut tabs, 1_000);
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(last_line(&tabs[0]), "[:node4@localhost]");
    // node4's tab is suspended: its ticks stop, and after the tick time
    // (8 s in the playground) node1 takes the connection down
    tabs[1].set_paused(true);
    frames(&mut tabs, 400);
    tabs[0].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(
        last_line(&tabs[0]),
        "[:node4@localhost]",
        "not yet at 6.4 s"
    );
    frames(&mut tabs, 300);
    tabs[0].submit(0, "flush()");
    frames(&mut tabs, 3);
    let shown: Vec<String> = tabs[0]
        .transcript(0)
        .map(|t| t.lines.iter().map(|l| l.text.clone()).collect())
        .unwrap_or_default();
    assert!(
        shown.contains(
            &"{:nodedown, :node4@localhost, [nodedown_reason: :net_tick_timeout]}".to_string()
        ),
        "{shown:?}"
    );
    // when it goes on, node4 finds the connection closed
    tabs[1].set_paused(false);
    frames(&mut tabs, 3);
    tabs[1].submit(0, "Node.list()");
    frames(&mut tabs, 3);
    assert_eq!(last_line(&tabs[1]), "[]");
}
