//! The network model and the distribution layer (DESIGN.md invariants 3
//! and 4), driven through a World in virtual time: what OTP cannot script.
mod common;

use beamplay_cluster::driver::{Driver, LineKind, Said, Submitted, Virtual};
use beamplay_cluster::fault::{Fault, FaultError};
use beamplay_cluster::NodeId;
use common::{connected, fault, mesh, run, seeded, texts, value, world};
use proptest::prelude::*;

#[test]
fn a_killed_node_leaves_every_peer() {
    let (mut w, ids) = world(&["node1", "node2", "node3"]);
    connected(&mut w, &ids);
    assert_eq!(
        value(&mut w, ids[2], "Node.connect(:node2@localhost)"),
        "true"
    );
    w.world_mut().kill(ids[1]);
    assert_eq!(value(&mut w, ids[0], "Node.list()"), "[]");
    assert_eq!(value(&mut w, ids[2], "Node.list()"), "[]");
    assert_eq!(
        value(&mut w, ids[0], "Node.ping(:node2@localhost)"),
        ":pang"
    );
}

#[test]
fn disconnect_takes_the_connection_down_on_both_sides() {
    let (mut w, ids) = world(&["node1", "node2"]);
    connected(&mut w, &ids);
    assert_eq!(
        value(&mut w, ids[1], "Node.disconnect(:node1@localhost)"),
        "true"
    );
    assert_eq!(value(&mut w, ids[0], "Node.list()"), "[]");
    assert_eq!(value(&mut w, ids[1], "Node.list()"), "[]");
    assert_eq!(
        value(&mut w, ids[1], "Node.disconnect(:node1@localhost)"),
        "false"
    );
    // and it can be made again
    connected(&mut w, &ids);
}

#[test]
fn messages_between_two_processes_keep_their_order() {
    let (mut w, ids) = world(&["node1", "node2"]);
    value(&mut w, ids[1], "Process.register(self(), :sink)");
    let send = "for i <- 1..200, do: send({:sink, :node2@localhost}, i); :sent";
    assert_eq!(value(&mut w, ids[0], send), ":sent");
    let got = "Enum.map(1..200, fn _ -> receive do i -> i end end) == Enum.to_list(1..200)";
    assert_eq!(value(&mut w, ids[1], got), "true");
}

#[test]
fn a_malformed_frame_is_counted_and_closes_the_connection() {
    let (mut w, ids) = world(&["node1", "node2"]);
    connected(&mut w, &ids);
    let from = w
        .world()
        .node(ids[0])
        .map(|n| n.name().clone())
        .expect("node1");
    let node2 = w.world_mut().node_mut(ids[1]).expect("node2");
    // a control message whose tuple claims 4 G elements
    node2.frame_in(&from, &[b'p', 131, 105, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(node2.frames_rejected(), 1);
    assert_eq!(value(&mut w, ids[1], "Node.list()"), "[]");
    assert_eq!(value(&mut w, ids[0], "Node.list()"), "[]");
    // both nodes go on
    assert_eq!(value(&mut w, ids[0], "1 + 1"), "2");
}

#[test]
fn closures_nested_too_deep_are_refused_with_a_warning() {
    let (mut w, ids) = world(&["node1", "node2"]);
    connected(&mut w, &ids);
    value(&mut w, ids[1], "Process.register(self(), :sink)");
    let deep = "f = Enum.reduce(1..300, fn -> 0 end, fn _, acc -> fn -> acc end end); \
                send({:sink, :node2@localhost}, f); :ok";
    let logs = texts(&run(&mut w, ids[0], deep), LineKind::Log);
    assert!(
        logs.iter().any(|l| l.contains("nested too deep")),
        "{logs:?}"
    );
    assert_eq!(
        value(&mut w, ids[1], "receive do m -> m after 100 -> :none end"),
        ":none"
    );
    // a shallower one travels, and runs on the receiver
    let ok = "g = Enum.reduce(1..50, fn -> node() end, fn _, acc -> fn -> acc.() end end); \
              send({:sink, :node2@localhost}, g); :ok";
    value(&mut w, ids[0], ok);
    assert_eq!(
        value(
            &mut w,
            ids[1],
            "receive do f -> f.() after 100 -> :none end"
        ),
        ":node2@localhost"
    );
}

#[test]
fn a_node_without_a_name_does_not_distribute() {
    let (mut w, ids) = world(&["nonode@nohost", "node2"]);
    assert_eq!(
        value(&mut w, ids[0], "{Node.alive?(), Node.connect(:node2@localhost), Node.ping(:node2@localhost), Node.list([:this])}"),
        "{false, :ignored, :pang, []}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever a peer sends, the node neither panics nor stops answering.
    #[test]
    fn garbage_frames_never_panic(frames in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..40), 1..5)) {
        let (mut w, ids) = world(&["node1", "node2"]);
        connected(&mut w, &ids);
        let from = w.world().node(ids[0]).map(|n| n.name().clone()).expect("node1");
        for mut f in frames {
            // mostly well-framed control messages with garbage terms
            if f.first().is_some_and(|b| b % 2 == 0) {
                f.insert(0, b'p');
                f.insert(1, 131);
            }
            if let Some(n) = w.world_mut().node_mut(ids[1]) {
                n.frame_in(&from, &f);
            }
        }
        prop_assert_eq!(value(&mut w, ids[1], "1 + 1"), "2");
    }
}

#[test]
fn a_cut_link_isolates_both_ends_and_global_isolates_the_rest() {
    let (mut w, ids) = mesh();
    fault(&mut w, "@disconnect node1 node2");
    // prevent_overlapping_partitions: node3 drops both, as for
    // Node.disconnect (OTP_SEMANTICS.md §1.6)
    for &n in &ids {
        assert_eq!(value(&mut w, n, "Node.list()"), "[]");
    }
    // while cut, no connection can be made
    assert_eq!(
        value(&mut w, ids[0], "Node.ping(:node2@localhost)"),
        ":pang"
    );
    assert_eq!(
        value(&mut w, ids[0], "Node.ping(:node3@localhost)"),
        ":pong"
    );
    assert!(w.world().is_cut(ids[0], ids[1]));
    fault(&mut w, "@heal node1 node2");
    // healing connects nobody by itself
    assert_eq!(value(&mut w, ids[1], "Node.list()"), "[]");
    assert_eq!(
        value(&mut w, ids[1], "Node.ping(:node1@localhost)"),
        ":pong"
    );
    w.world_mut().advance(1_000);
    assert_eq!(
        value(&mut w, ids[1], "Node.list() |> Enum.sort()"),
        "[:node1@localhost, :node3@localhost]"
    );
}

#[test]
fn a_name_registered_on_both_sides_of_a_cut_is_resolved_when_they_meet() {
    let (mut w, ids) = mesh();
    fault(&mut w, "@disconnect node1 node2");
    assert_eq!(
        value(&mut w, ids[0], ":global.register_name(:x, self())"),
        ":yes"
    );
    assert_eq!(
        value(&mut w, ids[1], ":global.register_name(:x, self())"),
        ":yes"
    );
    fault(&mut w, "@heal node1 node2");
    let mut said = run(&mut w, ids[0], "Node.ping(:node2@localhost)");
    w.world_mut().advance(1_000);
    said.extend(w.take_said());
    let exits = texts(&said, LineKind::Exit);
    assert_eq!(exits.len(), 1, "one shell is killed: {exits:?}");
    // random_exit_name keeps the pid of the lower node
    for &n in &ids[..2] {
        assert_eq!(
            value(&mut w, n, ":global.whereis_name(:x) |> node()"),
            ":node1@localhost"
        );
    }
}

#[test]
fn latency_slows_every_frame_of_a_link() {
    let (mut w, ids) = world(&["node1", "node2"]);
    connected(&mut w, &ids);
    let rpc = "{t, :node2@localhost} = :timer.tc(fn -> :rpc.call(:node2@localhost, :erlang, :node, []) end); div(t, 1000)";
    let fast = u64::from_str_radix(&value(&mut w, ids[0], rpc), 10).expect("ms");
    fault(&mut w, "@latency node1 node2 40");
    assert_eq!(w.world().latency_ms(ids[1], ids[0]), 40.0);
    let slow = u64::from_str_radix(&value(&mut w, ids[0], rpc), 10).expect("ms");
    // a spawn request there and the reply back
    assert!(fast < 5, "{fast} ms on a default link");
    assert!((80..90).contains(&slow), "{slow} ms with 40 ms each way");
}

#[test]
fn a_restarted_node_has_a_new_creation_and_its_old_pids_stay_dead() {
    let (mut w, ids) = world(&["node1", "node2"]);
    connected(&mut w, &ids);
    value(
        &mut w,
        ids[0],
        "old = Node.spawn(:node2@localhost, fn -> Process.sleep(:infinity) end)",
    );
    fault(&mut w, "@restart node2");
    assert!(w.world().is_alive(ids[1]));
    assert_eq!(w.world().node(ids[1]).map(|n| n.creation()), Some(2));
    assert_eq!(value(&mut w, ids[1], "Node.list()"), "[]");
    assert_eq!(value(&mut w, ids[0], "Node.list()"), "[]");
    let events = run(
        &mut w,
        ids[0],
        "ref = Process.monitor(old); receive do {:DOWN, ^ref, _, _, r} -> r end",
    );
    assert!(
        texts(&events, LineKind::Value).contains(&":noproc".to_string()),
        "{events:?}"
    );
    assert_eq!(value(&mut w, ids[0], "Node.list()"), "[:node2@localhost]");
    // a process of the new life answers
    assert_eq!(
        value(
            &mut w,
            ids[0],
            ":rpc.call(:node2@localhost, Node, :self, [])"
        ),
        ":node2@localhost"
    );
}

#[test]
fn fault_commands_name_their_errors() {
    let (w, _) = world(&["node1", "node2"]);
    let err = |line: &str| match Fault::parse(w.world(), line) {
        Some(Err(e)) => e,
        other => panic!("{line}: {other:?}"),
    };
    assert_eq!(err("@kill node9"), FaultError::NoSuchNode("node9".into()));
    assert_eq!(err("@kill node9").to_string(), "no node named node9");
    assert_eq!(
        err("@heal node1 node1").to_string(),
        "a link joins two different nodes"
    );
    assert_eq!(
        err("@latency node1 node2 fast").to_string(),
        "@latency wants milliseconds from 0 to 60000, not fast"
    );
    assert_eq!(
        err("@latency node1 node2 60001"),
        FaultError::BadLatency("60001".into())
    );
    assert_eq!(err("@disconnect node1"), FaultError::Usage);
    assert!(err("@disconnect node1")
        .to_string()
        .starts_with("usage: @kill N |"));
    assert!(Fault::parse(w.world(), "@sleep 10").is_none());
    assert!(Fault::parse(w.world(), "node1> 1").is_none());
}

/// :pg2 as OTP 23 had it (OTP_SEMANTICS.md §8): no oracle can run it, so
/// its table is checked here.
#[test]
fn pg2_behaves_as_in_otp_23() {
    let (mut w, ids) = mesh();
    let g = "{:todo_list, \"bob\"}";
    assert_eq!(value(&mut w, ids[0], &format!(":pg2.create({g})")), ":ok");
    assert_eq!(value(&mut w, ids[0], &format!(":pg2.create({g})")), ":ok");
    // node2's pg2 starts now, and learns the group by an exchange
    value(&mut w, ids[1], ":pg2.start()");
    value(&mut w, ids[2], ":pg2.start()");
    assert_eq!(
        value(&mut w, ids[1], ":pg2.which_groups()"),
        "[todo_list: \"bob\"]"
    );
    for n in [0, 1, 1] {
        assert_eq!(
            value(&mut w, ids[n], &format!(":pg2.join({g}, self())")),
            ":ok"
        );
    }
    // join is synchronous on every node: visible at once elsewhere
    assert_eq!(
        value(
            &mut w,
            ids[2],
            &format!(":pg2.get_members({g}) |> Enum.map(&node/1)")
        ),
        "[:node1@localhost, :node2@localhost, :node2@localhost]"
    );
    assert_eq!(
        value(
            &mut w,
            ids[1],
            &format!(":pg2.get_local_members({g}) |> length()")
        ),
        "1"
    );
    assert_eq!(
        value(
            &mut w,
            ids[0],
            &format!(":pg2.get_closest_pid({g}) == self()")
        ),
        "true"
    );
    // no local member: any member
    assert_eq!(
        value(
            &mut w,
            ids[2],
            &format!(":pg2.get_closest_pid({g}) in :pg2.get_members({g})")
        ),
        "true"
    );
    assert_eq!(
        value(&mut w, ids[0], ":pg2.join(:nosuch, self())"),
        "{:error, {:no_such_group, :nosuch}}"
    );
    assert_eq!(
        value(&mut w, ids[0], ":pg2.leave(:nosuch, self())"),
        "{:error, {:no_such_group, :nosuch}}"
    );
    assert_eq!(
        value(&mut w, ids[0], ":pg2.get_members(:nosuch)"),
        "{:error, {:no_such_group, :nosuch}}"
    );
    assert_eq!(
        value(&mut w, ids[0], ":pg2.get_closest_pid(:nosuch)"),
        "{:error, {:no_such_group, :nosuch}}"
    );
    assert!(value(&mut w, ids[0], ":pg2.join(:nosuch, :notapid)")
        .starts_with("** (FunctionClauseError) no function clause matching in :pg2.join/2"));
    // leave takes one occurrence, and is :ok for a non-member
    assert_eq!(
        value(&mut w, ids[1], &format!(":pg2.leave({g}, self())")),
        ":ok"
    );
    assert_eq!(
        value(
            &mut w,
            ids[0],
            &format!(":pg2.leave({g}, spawn(fn -> :ok end))")
        ),
        ":ok"
    );
    assert_eq!(
        value(
            &mut w,
            ids[2],
            &format!(":pg2.get_members({g}) |> length()")
        ),
        "2"
    );
    assert_eq!(value(&mut w, ids[2], ":pg2.create(:empty)"), ":ok");
    assert_eq!(
        value(&mut w, ids[2], ":pg2.get_closest_pid(:empty)"),
        "{:error, {:no_process, :empty}}"
    );
    // a member that dies leaves everywhere
    value(
        &mut w,
        ids[2],
        "p = spawn(fn -> receive do _ -> :ok end end)",
    );
    value(&mut w, ids[2], ":pg2.join(:empty, p)");
    assert_eq!(
        value(&mut w, ids[0], ":pg2.get_members(:empty) |> length()"),
        "1"
    );
    value(&mut w, ids[2], "send(p, :stop)");
    assert_eq!(value(&mut w, ids[0], ":pg2.get_members(:empty)"), "[]");
    // a node going down takes its members, never the groups
    w.world_mut().kill(ids[1]);
    w.world_mut().advance(1_000);
    assert_eq!(
        value(
            &mut w,
            ids[0],
            &format!(":pg2.get_members({g}) |> Enum.map(&node/1)")
        ),
        "[:node1@localhost]"
    );
    assert_eq!(
        value(&mut w, ids[0], ":pg2.which_groups()"),
        "[:empty, {:todo_list, \"bob\"}]"
    );
    assert_eq!(value(&mut w, ids[0], ":pg2.delete(:empty)"), ":ok");
    assert_eq!(
        value(&mut w, ids[2], ":pg2.which_groups()"),
        "[todo_list: \"bob\"]"
    );
}

/// Both sides of a cut keep their own members, and the groups converge
/// when they meet again: :pg by discover and sync, :pg2 by exchange.
#[test]
fn pg_and_pg2_converge_after_a_partition_heals() {
    let (mut w, ids) = mesh();
    for &n in &ids {
        value(&mut w, n, ":pg.start_link()");
        value(&mut w, n, ":pg2.create(:g)");
        value(&mut w, n, ":pg.join(:g, self())");
        value(&mut w, n, ":pg2.join(:g, self())");
    }
    let count = |w: &mut Driver, n: NodeId| {
        value(
            w,
            n,
            "{length(:pg.get_members(:g)), length(:pg2.get_members(:g))}",
        )
    };
    assert_eq!(count(&mut w, ids[0]), "{3, 3}");
    fault(&mut w, "@disconnect node1 node3");
    for &n in &ids {
        assert_eq!(count(&mut w, n), "{1, 1}");
    }
    // a member joins on one side while apart
    value(
        &mut w,
        ids[1],
        "p = spawn(fn -> Process.sleep(:infinity) end)",
    );
    value(&mut w, ids[1], ":pg.join(:g, p)");
    value(&mut w, ids[1], ":pg2.join(:g, p)");
    fault(&mut w, "@heal node1 node3");
    value(&mut w, ids[0], "Node.ping(:node2@localhost)");
    value(&mut w, ids[2], "Node.ping(:node2@localhost)");
    w.world_mut().advance(1_000);
    for &n in &ids {
        assert_eq!(count(&mut w, n), "{4, 4}");
    }
}

#[test]
fn global_watches_each_owner_once() {
    let (mut w, ids) = world(&["node1"]);
    value(
        &mut w,
        ids[0],
        "for i <- 1..5, do: :global.re_register_name({:n, i}, self())",
    );
    value(&mut w, ids[0], ":global.set_lock({:r, self()})");
    assert_eq!(
        value(
            &mut w,
            ids[0],
            "{:monitors, m} = Process.info(Process.whereis(:global_name_server), :monitors); length(m)"
        ),
        "1"
    );
}

#[test]
fn one_name_registered_on_three_nodes_at_once_has_one_owner() {
    for seed in 1..6 {
        let (mut w, ids) = seeded(seed, &["node1", "node2", "node3"]);
        connected(&mut w, &ids);
        value(&mut w, ids[2], "Node.connect(:node2@localhost)");
        w.world_mut().advance(1_000);
        for &n in &ids {
            assert_eq!(
                w.submit(n, ":global.register_name(:leader, self())"),
                Ok(Submitted::Line(n))
            );
        }
        let mut answers = Vec::new();
        w.run(&mut Virtual, 30_000, &mut |w| {
            answers.extend(w.take_said().into_iter().filter_map(|s| match s {
                Said::Line(n, l) if l.kind == LineKind::Value => Some((n, l.text)),
                _ => None,
            }));
            answers.len() == ids.len()
        });
        let winners: Vec<_> = answers.iter().filter(|(_, v)| v == ":yes").collect();
        assert_eq!(winners.len(), 1, "seed {seed}: {answers:?}");
        let owner = w
            .world()
            .node(winners[0].0)
            .expect("a node")
            .name()
            .as_str()
            .to_string();
        for &n in &ids {
            assert_eq!(
                value(&mut w, n, "node(:global.whereis_name(:leader))"),
                format!(":{owner}"),
                "seed {seed}"
            );
        }
    }
}

#[test]
fn hidden_nodes_stay_out_of_the_mesh_and_of_global() {
    let (mut w, ids) = world(&["node1", "node2", "node3"]);
    let ctl = w.world_mut().add_hidden_node("ctl");
    connected(&mut w, &ids);
    for (n, line) in [
        (ctl, ":net_kernel.monitor_nodes(true, node_type: :all)"),
        (ids[0], ":net_kernel.monitor_nodes(true)"),
        (ids[0], ":global.register_name(:n1, self())"),
        (ctl, ":global.register_name(:c, self())"),
        (ctl, "Node.connect(:node1@localhost)"),
    ] {
        value(&mut w, n, line);
    }
    w.world_mut().advance(1_000);
    let lists = "{Node.list(), Node.list(:hidden), Node.list(:connected)}";
    assert_eq!(
        value(&mut w, ctl, lists),
        "{[], [:node1@localhost], [:node1@localhost]}"
    );
    assert_eq!(
        value(&mut w, ids[0], lists),
        "{[:node2@localhost], [:ctl@localhost], [:node2@localhost, :ctl@localhost]}"
    );
    // no transitive connection, and global does not sync either way
    assert_eq!(
        value(&mut w, ids[1], lists),
        "{[:node1@localhost], [], [:node1@localhost]}"
    );
    assert_eq!(
        value(&mut w, ctl, ":global.whereis_name(:n1)"),
        ":undefined"
    );
    assert_eq!(
        value(&mut w, ids[0], ":global.whereis_name(:c)"),
        ":undefined"
    );
    // a plain monitor_nodes subscriber hears nothing of a hidden node
    assert_eq!(
        value(
            &mut w,
            ids[0],
            ":erlang.process_info(self(), :message_queue_len)"
        ),
        "{:message_queue_len, 0}"
    );
    // addressing a node makes a direct hidden connection to it
    assert_eq!(
        value(
            &mut w,
            ctl,
            ":rpc.call(:node3@localhost, Node, :list, [:connected])"
        ),
        "[:ctl@localhost]"
    );
    assert_eq!(value(&mut w, ids[2], "Node.list()"), "[]");
    assert_eq!(
        value(&mut w, ctl, ":erlang.process_info(self(), :messages)"),
        "{:messages,\n [\n   {:nodeup, :node1@localhost, [node_type: :hidden]},\n   {:nodeup, :node3@localhost, [node_type: :hidden]}\n ]}"
    );
    // a hidden connection going down is no partition for global
    assert_eq!(
        value(&mut w, ctl, "Node.disconnect(:node1@localhost)"),
        "true"
    );
    w.world_mut().advance(1_000);
    assert_eq!(value(&mut w, ids[1], "Node.list()"), "[:node1@localhost]");
    assert_eq!(value(&mut w, ids[0], "Node.list(:hidden)"), "[]");
}

#[test]
fn fault_commands_read_back_as_the_same_fault() {
    let (w, _) = world(&["node1", "node2"]);
    for line in [
        "@kill node2",
        "@restart node1",
        "@disconnect node1 node2",
        "@heal node2 node1",
        "@latency node1 node2 40",
    ] {
        let f = Fault::parse(w.world(), line)
            .expect("a command")
            .expect("valid");
        assert_eq!(
            Fault::parse(w.world(), &f.command(w.world())),
            Some(Ok(f)),
            "{line}"
        );
    }
}
