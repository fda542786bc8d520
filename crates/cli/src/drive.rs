//! Running a World against the real clock: the host reads the time and
//! hands it to the World, which never reads a clock itself.
use std::time::{Duration, Instant};

use beamplay_cluster::scenario::Clock;
use beamplay_cluster::World;
use beamplay_vm::ConsoleEvent;

/// A World whose clock follows the real one from `start`.
pub struct RealTime {
    pub world: World,
    start: Instant,
}

impl RealTime {
    pub fn new(seed: u64) -> Result<RealTime, String> {
        let mut world = World::new(seed).map_err(|e| e.to_string())?;
        world.set_realtime(true);
        Ok(RealTime {
            world,
            start: Instant::now(),
        })
    }

    /// Runs until `done` says so or `limit` passes; sleeps when idle.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut World) -> bool) -> bool {
        run_real(&mut self.world, self.start, limit, &mut done)
    }
}

/// Steps `world` against the real clock (time since `start`) for at most
/// `limit`, sleeping while nothing is runnable; true if `done` stopped it.
pub fn run_real(
    world: &mut World,
    start: Instant,
    limit: Duration,
    done: &mut dyn FnMut(&mut World) -> bool,
) -> bool {
    let deadline = Instant::now() + limit;
    let now_us = || start.elapsed().as_micros() as u64;
    let mut slices = 0u32;
    loop {
        world.sync_clock(now_us());
        // polling for events costs more than a short slice: do it every few
        if slices.is_multiple_of(CHECK_EVERY) {
            if done(world) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
        }
        slices = slices.wrapping_add(1);
        if !world.step() {
            if done(world) {
                return true;
            }
            let wake = world
                .next_timer_due()
                .map(|due| Duration::from_micros(due.saturating_sub(now_us())))
                .unwrap_or(Duration::from_millis(5))
                .min(Duration::from_millis(5))
                .min(deadline.saturating_duration_since(Instant::now()));
            if wake.is_zero() && Instant::now() >= deadline {
                return false;
            }
            // a sleep lasts at least ~60 µs on Linux: a frame due sooner
            // is waited for without sleeping
            if wake < SPIN_BELOW {
                std::thread::yield_now();
            } else {
                std::thread::sleep(wake);
            }
        }
    }
}

/// Waits shorter than this spin instead of sleeping.
const SPIN_BELOW: Duration = Duration::from_micros(200);

/// Slices run between two checks for console events and the deadline.
const CHECK_EVERY: u32 = 16;

/// Runs a script like `elixir FILE.exs`: output to stdout, an uncaught
/// error's banner to stderr and a failing exit.
pub fn run_script(text: &str, seed: u64) -> Result<(), String> {
    let mut rt = RealTime::new(seed)?;
    let node = rt.world.add_node("nonode@nohost");
    rt.world
        .eval(node, text)
        .map_err(|_| "the console is busy".to_string())?;
    let mut failed = None;
    rt.run_until(Duration::from_secs(24 * 3600), |w| {
        let mut finished = false;
        for (_, e) in w.take_events() {
            match e {
                ConsoleEvent::Output(t) => print!("{t}"),
                ConsoleEvent::Log(t) => eprintln!("{t}"),
                ConsoleEvent::Abandoned => finished = true,
                ConsoleEvent::ShellExit(t) => {
                    failed = Some(t);
                    finished = true;
                }
                ConsoleEvent::Value(v) => {
                    if v.starts_with("** (") {
                        failed = Some(v);
                    }
                    finished = true;
                }
            }
        }
        finished
    });
    match failed {
        Some(banner) => Err(banner),
        None => Ok(()),
    }
}

/// Real time for scenarios (`beamplay run --realtime`).
pub struct RealClock {
    start: Instant,
}

impl RealClock {
    pub fn new() -> RealClock {
        RealClock {
            start: Instant::now(),
        }
    }
}

impl Clock for RealClock {
    fn prepare(&mut self, world: &mut World) {
        world.set_realtime(true);
        self.start = Instant::now();
    }

    fn run(&mut self, world: &mut World, ms: u64, stop: &mut dyn FnMut(&mut World) -> bool) {
        run_real(world, self.start, Duration::from_millis(ms), stop);
    }
}
