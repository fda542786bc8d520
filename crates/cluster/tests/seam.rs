//! Nodes in separate Worlds (issue 18's seam): each node of a room lives
//! in a World of its own, as in a tab of its own, and the Worlds reach
//! each other only through their ports and an in-process channel that
//! carries encoded envelopes to every other World, as a BroadcastChannel
//! does. The Worlds keep one virtual time, moved in small steps together.
use std::collections::VecDeque;

use beamplay_cluster::driver::{Driver, LineKind, Said};
use beamplay_cluster::transport::{Envelope, Kind, Port, WireError};

/// A World with one node, and its port.
struct Tab {
    driver: Driver,
    port: Port,
    /// Its node's values, oldest first.
    values: VecDeque<String>,
    output: String,
}

/// Tabs of one room and the channel between them: what each tab posted,
/// delivered to every other tab.
struct Room {
    tabs: Vec<Tab>,
    channel: VecDeque<(usize, Vec<u8>)>,
    /// Envelopes a tab refused.
    refused: Vec<WireError>,
    /// The next frame this tab posts is lost on the way.
    lose_from: Option<usize>,
}

/// How far the Worlds move apart before the channel is emptied.
const STEP_US: u64 = 50;

impl Room {
    fn new(names: &[&str]) -> Room {
        let mut room = Room {
            tabs: Vec::new(),
            channel: VecDeque::new(),
            refused: Vec::new(),
            lose_from: None,
        };
        for (i, name) in names.iter().enumerate() {
            room.open(name, i as u64 + 1);
        }
        room.settle();
        room
    }

    /// A new tab with node `name`: it says hello to the room.
    fn open(&mut self, name: &str, seed: u64) -> usize {
        let mut driver = Driver::new(seed).expect("the prelude compiles");
        driver.world_mut().add_node(name);
        let port = Port::new("room1");
        let at = self.tabs.len();
        for hello in port.hello(driver.world()) {
            self.channel.push_back((at, hello));
        }
        self.tabs.push(Tab {
            driver,
            port,
            values: VecDeque::new(),
            output: String::new(),
        });
        at
    }

    /// The tab holding node `name`.
    fn tab(&self, name: &str) -> usize {
        self.tabs
            .iter()
            .position(|t| {
                t.driver
                    .world()
                    .node(0)
                    .is_some_and(|n| n.name().as_str() == format!("{name}@localhost"))
            })
            .unwrap_or_else(|| panic!("no tab runs {name}"))
    }

    /// Posts `bytes` from tab `from` to the others.
    fn post(&mut self, from: usize, bytes: Vec<u8>) {
        self.channel.push_back((from, bytes));
    }

    /// Empties the channel: each envelope reaches every tab but its
    /// sender, and what the tabs send back goes on the channel too.
    fn pump(&mut self) {
        for at in 0..self.tabs.len() {
            let tab = &mut self.tabs[at];
            let out = tab.port.outgoing(tab.driver.world_mut());
            self.channel.extend(out.into_iter().map(|b| (at, b)));
        }
        while let Some((from, bytes)) = self.channel.pop_front() {
            if self.lose_from == Some(from)
                && Envelope::decode(&bytes).is_ok_and(|e| e.kind == Kind::Frame)
            {
                self.lose_from = None;
                continue;
            }
            for at in (0..self.tabs.len()).filter(|at| *at != from) {
                let tab = &mut self.tabs[at];
                match tab.port.incoming(tab.driver.world_mut(), &bytes) {
                    Ok(answers) => self.channel.extend(answers.into_iter().map(|b| (at, b))),
                    Err(e) => self.refused.push(e),
                }
                let out = tab.port.outgoing(tab.driver.world_mut());
                self.channel.extend(out.into_iter().map(|b| (at, b)));
            }
        }
    }

    fn now_us(&self) -> u64 {
        self.tabs
            .iter()
            .map(|t| t.driver.world().now_us())
            .min()
            .unwrap_or(0)
    }

    /// Lets `ms` of virtual time pass in every World, together.
    fn advance(&mut self, ms: u64) {
        let end = self.now_us() + ms * 1000;
        while self.now_us() < end {
            let target = (self.now_us() + STEP_US).min(end);
            for at in 0..self.tabs.len() {
                while self.tabs[at].driver.world_mut().advance_toward(target) {
                    self.pump();
                }
                self.pump();
            }
            self.collect();
        }
    }

    fn settle(&mut self) {
        self.pump();
        self.advance(200);
    }

    fn collect(&mut self) {
        for tab in &mut self.tabs {
            for said in tab.driver.take_said() {
                if let Said::Line(_, line) = said {
                    match line.kind {
                        LineKind::Value => tab.values.push_back(line.text),
                        LineKind::Output | LineKind::Exit => {
                            tab.output.push_str(&line.text);
                            tab.output.push('\n');
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Types `line` at node `name`'s console and returns its value (time
    /// passes until it comes, 5 s at most).
    fn eval(&mut self, name: &str, line: &str) -> String {
        let at = self.tab(name);
        self.tabs[at]
            .driver
            .submit(0, line)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        for _ in 0..500 {
            self.advance(10);
            if let Some(v) = self.tabs[at].values.pop_front() {
                self.advance(100);
                return v;
            }
        }
        panic!("{name}> {line} gave no value in 5 s");
    }

    /// Tab `at` closes: its node says goodbye, its World is gone.
    fn close(&mut self, at: usize) {
        let tab = self.tabs.remove(at);
        let name = tab.driver.world().node(0).map(|n| n.name().clone());
        let mut port = tab.port;
        if let Some(name) = name {
            let bye = port.bye(&name);
            // from no tab that is left
            self.channel.push_back((usize::MAX, bye));
        }
        self.settle();
    }
}

#[test]
fn nodes_in_separate_worlds_connect_and_see_each_other() {
    let mut room = Room::new(&["node1", "node2"]);
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
    assert!(room.refused.is_empty(), "{:?}", room.refused);
}

#[test]
fn global_names_locks_and_groups_agree_across_worlds() {
    let mut room = Room::new(&["node1", "node2", "node3"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    assert_eq!(room.eval("node2", "Node.connect(:node3@localhost)"), "true");
    // global makes the mesh, as between BEAM nodes
    room.advance(500);
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
    room.advance(200);
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
    let mut room = Room::new(&["node1", "node2"]);
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
    let mut room = Room::new(&["node1", "node2"]);
    room.eval("node1", ":net_kernel.monitor_nodes(true)");
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    room.eval("node2", ":global.register_name(:svc, self())");
    room.eval("node1", "ref = Process.monitor(:global.whereis_name(:svc))");
    room.eval("node1", "flush()");
    let node2 = room.tab("node2");
    room.close(node2);
    let flushed = {
        room.eval("node1", "flush()");
        std::mem::take(&mut room.tabs[0].output)
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
    room.open("node2", 9);
    room.settle();
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
}

#[test]
fn a_gap_in_a_pairs_frames_closes_their_connection_at_both_ends() {
    let mut room = Room::new(&["node1", "node2"]);
    room.eval("node1", ":net_kernel.monitor_nodes(true)");
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    // node2's first frame of two is lost on the way: the second shows
    // the gap
    room.lose_from = Some(room.tab("node2"));
    room.eval(
        "node2",
        "for i <- 1..2, do: send({:nobody, :node1@localhost}, i)",
    );
    room.eval("node1", "flush()");
    let node1 = room.tab("node1");
    assert!(
        room.tabs[node1]
            .output
            .contains("{:nodedown, :node2@localhost}"),
        "{}",
        room.tabs[node1].output
    );
    assert_eq!(room.tabs[node1].port.counters().gaps, 1);
    assert_eq!(room.eval("node2", "Node.list()"), "[]");
    // the nodes connect again when asked
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    assert_eq!(room.eval("node2", "Node.list()"), "[:node1@localhost]");
    assert_eq!(room.tabs[node1].port.counters().gaps, 1);
}

#[test]
fn what_a_peer_sends_is_untrusted_and_refused_without_harm() {
    let mut room = Room::new(&["node1", "node2"]);
    assert_eq!(room.eval("node1", "Node.connect(:node2@localhost)"), "true");
    let node2 = room.tab("node2");
    let garbage: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"BPW1".to_vec(),
        b"BPW1f\x05room1".to_vec(),
        vec![0xff; 300],
    ];
    for g in garbage {
        room.post(node2, g);
    }
    // a well-formed envelope whose frame is nonsense for the node
    let nonsense = Envelope {
        room: "room1".into(),
        kind: Kind::Frame,
        from: "node2@localhost".into(),
        to: "node1@localhost".into(),
        seq: 0,
        payload: vec![b'p', 131, 255, 0],
    };
    room.post(node2, nonsense.encode());
    // another room's envelope is not for us
    let elsewhere = Envelope {
        room: "room2".into(),
        ..nonsense.clone()
    };
    room.post(node2, elsewhere.encode());
    room.settle();
    assert_eq!(room.refused.len(), 4, "{:?}", room.refused);
    let node1 = room.tab("node1");
    assert_eq!(room.tabs[node1].port.counters().other_room, 1);
    // the room still works
    assert_eq!(room.eval("node1", "1 + 1"), "2");
}

#[test]
fn a_name_taken_in_the_room_cannot_be_a_peer_too() {
    let mut room = Room::new(&["node1"]);
    let at = room.tab("node1");
    let w = room.tabs[at].driver.world_mut();
    assert_eq!(
        w.peer_up("node1")
            .map(|a| a.as_str().to_string())
            .map_err(|e| e.to_string()),
        Err("the name node1@localhost seems to be in use by another Erlang node".to_string())
    );
    assert!(w.peer_up("node5").is_ok());
    assert!(w.check_name("node5").is_err());
}
