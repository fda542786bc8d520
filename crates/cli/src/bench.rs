//! `beamplay bench`: the shared workloads on real Elixir (when `elixir` is
//! on the PATH) and in the playground, side by side.
use std::time::Instant;

use beamplay_vm::Limits;

use crate::drive::RealClock;

const DEFAULT_WORKLOADS: &str = "../shared/bench/workloads.exs";

/// `name microseconds` lines of a workload run.
fn parse_times(out: &str) -> Vec<(String, u64)> {
    out.lines()
        .filter_map(|l| {
            let (name, us) = l.trim().rsplit_once(' ')?;
            Some((name.to_string(), us.parse().ok()?))
        })
        .collect()
}

/// Runs `src` as a script in the playground and returns its output.
fn playground(src: &str) -> Result<String, String> {
    let mut out = String::new();
    match crate::drive::script(src, 1, 600_000, &mut |t| out.push_str(t)) {
        Ok(()) => Ok(out),
        Err(e) => Err(format!(
            "the workloads failed in the playground: {e}\n{out}"
        )),
    }
}

fn real_elixir(path: &str) -> Option<String> {
    let out = std::process::Command::new("elixir")
        .arg(path)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Resident memory of this process in bytes (Linux), for per-process cost.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn idle_process_bytes(count: u64) -> Result<Option<f64>, String> {
    let mut clock = RealClock::new();
    let mut d = clock.driver(1)?;
    let node = d.world_mut().add_node("nonode@nohost");
    if let Some(n) = d.world_mut().node_mut(node) {
        n.set_limits(Limits {
            max_processes: count as usize + 100,
            ..n.limits().clone()
        });
    }
    let before = rss_bytes();
    // a recursive spawner: a comprehension would also leave its list of
    // pids (and its range's) in the heap, which no idle process holds
    let line = format!(
        "defmodule Idle do\n def spawn_many(0), do: :ok\n def spawn_many(n) do\n spawn(fn -> receive do :never -> :ok end end)\n spawn_many(n - 1)\n end\nend; Idle.spawn_many({count})"
    );
    d.submit(node, &line).map_err(|e| e.to_string())?;
    d.run(&mut clock, 600_000, &mut |d| {
        d.take_said();
        !d.busy(node)
    });
    d.run(&mut clock, 50, &mut |_| false);
    let after = rss_bytes();
    Ok(before
        .zip(after)
        .map(|(b, a)| a.saturating_sub(b) as f64 / count as f64))
}

/// Rounds of each side when `--runs` is not given: one sub-millisecond
/// sample of a workload is mostly noise on a busy machine.
const DEFAULT_RUNS: usize = 5;

/// Each workload's times over all rounds, in the order first seen.
fn collect(rounds: &[Vec<(String, u64)>]) -> Vec<(String, Vec<u64>)> {
    let mut all: Vec<(String, Vec<u64>)> = Vec::new();
    for (name, us) in rounds.iter().flatten() {
        match all.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => v.push(*us),
            None => all.push((name.clone(), vec![*us])),
        }
    }
    for (_, v) in &mut all {
        v.sort_unstable();
    }
    all
}

/// The median of sorted samples.
fn median(sorted: &[u64]) -> u64 {
    sorted.get(sorted.len() / 2).copied().unwrap_or(0)
}

/// `min-max` of sorted samples.
fn spread(sorted: &[u64]) -> String {
    match (sorted.first(), sorted.last()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "-".to_string(),
    }
}

/// `idle_process_bytes` in a fresh `beamplay` process: in this one, the
/// memory the allocator kept from the workloads would take the processes'
/// own and hide it from the resident size.
fn idle_process_bytes_fresh() -> Result<Option<f64>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find beamplay itself: {e}"))?;
    let out = std::process::Command::new(exe)
        .args(["bench", IDLE_ONLY])
        .output()
        .map_err(|e| format!("cannot run beamplay {IDLE_ONLY}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "beamplay {IDLE_ONLY} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    match text.trim() {
        "-" => Ok(None),
        n => n
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("beamplay {IDLE_ONLY} said {n:?}")),
    }
}

/// The flag that makes `beamplay bench` only measure idle processes.
const IDLE_ONLY: &str = "--idle-processes-only";

pub fn main(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == IDLE_ONLY) {
        match idle_process_bytes(100_000)? {
            Some(b) => println!("{b}"),
            None => println!("-"),
        }
        return Ok(());
    }
    let path = crate::flag_value(args, "--workloads").unwrap_or(DEFAULT_WORKLOADS);
    let runs = match crate::flag_value(args, "--runs") {
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--runs wants a positive number, not {n}"))?,
        None => DEFAULT_RUNS,
    };
    let src = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let with_elixir = !args.iter().any(|a| a == "--no-elixir");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    // rounds alternate, so a burst of load on the machine hits both sides
    for _ in 0..runs {
        ours.push(parse_times(&playground(&src)?));
        if with_elixir {
            if let Some(o) = real_elixir(path) {
                theirs.push(parse_times(&o));
            }
        }
    }
    let (ours, theirs) = (collect(&ours), collect(&theirs));
    println!("median of {runs} runs (min-max in brackets)");
    println!(
        "{:<14} {:>22} {:>22} {:>8}",
        "workload", "elixir (us)", "beamplay (us)", "ratio"
    );
    for (name, us) in &ours {
        let mine = format!("{} [{}]", median(us), spread(us));
        match theirs.iter().find(|(n, _)| n == name) {
            Some((_, real)) if median(real) > 0 => println!(
                "{name:<14} {:>22} {mine:>22} {:>7.2}x",
                format!("{} [{}]", median(real), spread(real)),
                median(us) as f64 / median(real) as f64
            ),
            _ => println!("{name:<14} {:>22} {mine:>22} {:>8}", "-", "-"),
        }
    }
    let start = Instant::now();
    let mut w = beamplay_cluster::World::new(1).map_err(|e| e.to_string())?;
    for n in ["node1", "node2", "node3"] {
        w.add_node(n);
    }
    println!(
        "first prompt of a 3-node World: {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    match idle_process_bytes_fresh()? {
        Some(b) => {
            println!("memory per idle process: {b:.0} bytes (100,000 processes blocked in receive)")
        }
        None => println!("memory per idle process: not measurable here (no /proc)"),
    }
    crate::benchdist::dist(with_elixir)?;
    crate::benchdist::meshes()
}
