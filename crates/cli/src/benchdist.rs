//! The distributed half of `beamplay bench`: ../shared/bench/dist.txt
//! against the real clock, beside real OTP (through the oracle's run.sh,
//! when it and Elixir are there), and how a World of 3 to 50 nodes forms
//! its mesh and what a step costs as it grows.
use std::time::Instant;

use beamplay_cluster::driver::Driver;
use beamplay_cluster::scenario;
use beamplay_cluster::World;

use crate::drive::RealClock;

const DIST: &str = "../shared/bench/dist.txt";
const ORACLE: &str = "../shared/oracle/run.sh";

/// The `{microseconds, result}` values of a transcript's timed lines,
/// with the line that produced each.
fn timed(transcript: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut last = String::new();
    for line in transcript.lines() {
        if let Some((_, expr)) = line.split_once("> ") {
            if expr.contains(":timer.tc") {
                last = expr.to_string();
            }
            continue;
        }
        let value = line.split_once(" ~> ").map_or(line, |(_, v)| v);
        let us = value
            .strip_prefix('{')
            .and_then(|v| v.split_once(','))
            .and_then(|(us, _)| us.parse().ok());
        if let (Some(us), false) = (us, last.is_empty()) {
            out.push((std::mem::take(&mut last), us));
        }
    }
    out
}

/// A short name for a timed line: what it does 1,000s of times.
fn label(line: &str) -> &'static str {
    [
        ("send({:sink", "remote sends 100k"),
        (":rpc.call", "rpc calls 10k"),
        ("Node.spawn", "remote spawns 10k"),
        ("unregister_name", "global unregister 1k"),
        ("register_name", "global register 1k"),
        (":global.trans", "global trans 1k"),
    ]
    .iter()
    .find(|(key, _)| line.contains(key))
    .map_or("?", |(_, l)| l)
}

pub fn dist(with_otp: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(DIST).map_err(|e| format!("cannot read {DIST}: {e}"))?;
    let ours = timed(&scenario::run(&text, 1, &mut RealClock::new()).transcript);
    // the same with each node in a World of its own: what the seam
    // between Worlds (envelopes, sequence numbers) costs
    let seam = timed(&scenario::run_in_room(&text, 1, &mut RealClock::new()).transcript);
    let theirs = if with_otp && std::path::Path::new(ORACLE).exists() {
        std::process::Command::new(ORACLE)
            .arg(DIST)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| timed(&String::from_utf8_lossy(&o.stdout)))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    println!();
    println!("{DIST} (real clock; real OTP over loopback TCP through {ORACLE})");
    println!(
        "{:<22} {:>12} {:>14} {:>8} {:>14} {:>8}",
        "workload", "OTP (us)", "beamplay (us)", "ratio", "2 Worlds (us)", "ratio"
    );
    let ratio = |us: u64, real: Option<u64>| {
        real.filter(|r| *r > 0)
            .map_or("-".to_string(), |r| format!("{:.2}x", us as f64 / r as f64))
    };
    for (line, us) in &ours {
        let real = theirs.iter().find(|(l, _)| l == line).map(|(_, r)| *r);
        let across = seam.iter().find(|(l, _)| l == line).map(|(_, s)| *s);
        println!(
            "{:<22} {:>12} {us:>14} {:>8} {:>14} {:>8}",
            label(line),
            real.map_or("-".to_string(), |r| r.to_string()),
            ratio(*us, real),
            across.map_or("-".to_string(), |s| s.to_string()),
            across.map_or("-".to_string(), |s| ratio(s, real)),
        );
    }
    Ok(())
}

/// A World of `n` nodes that all connect to the first: wall time until
/// the mesh is full and a global name registered on the last node is
/// known everywhere (and the virtual time that took), and the mean wall
/// time of a step (one slice of one process, or a batch of frames).
fn mesh(n: usize) -> Result<(f64, f64, f64), String> {
    let mut d = Driver::new(1).map_err(|e| e.to_string())?;
    let ids: Vec<_> = (1..=n)
        .map(|i| d.world_mut().add_node(&format!("node{i}")))
        .collect();
    let start = Instant::now();
    let first = "node1@localhost";
    for &id in &ids[1..] {
        d.submit(id, &format!("Node.connect(:{first})"))
            .map_err(|e| e.to_string())?;
    }
    let last = ids[n - 1];
    let mut registered = false;
    let full = |w: &World| {
        ids.iter()
            .all(|&i| w.node(i).is_some_and(|x| x.connected().len() == n - 1))
    };
    let mut done = false;
    let mut steps = 0u64;
    for _ in 0..100 {
        d.world_mut().advance_with(100, |_| {
            steps += 1;
            false
        });
        if !registered && full(d.world()) {
            d.submit(last, ":global.register_name(:probe, self())")
                .map_err(|e| e.to_string())?;
            registered = true;
        }
        d.take_said();
        if registered
            && ids.iter().all(|&i| {
                d.world()
                    .node(i)
                    .is_some_and(|x| x.services().global_names.len() == 1)
            })
        {
            done = true;
            break;
        }
    }
    if !done {
        return Err(format!(
            "{n} nodes did not form a synced mesh in 10 s of virtual time"
        ));
    }
    let wall = start.elapsed().as_secs_f64();
    Ok((
        wall * 1000.0,
        d.world().now_us() as f64 / 1000.0,
        wall * 1e6 / steps.max(1) as f64,
    ))
}

pub fn meshes() -> Result<(), String> {
    println!();
    println!(
        "{:<6} {:>30} {:>22} {:>16}",
        "nodes", "full mesh + global sync, wall", "(virtual time)", "mean step (us)"
    );
    for n in [3, 10, 25, 50] {
        let (ms, virt, step) = mesh(n)?;
        println!("{n:<6} {ms:>27.1} ms {virt:>19.0} ms {step:>16.1}");
    }
    Ok(())
}
