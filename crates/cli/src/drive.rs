//! Running a World against the real clock: the host reads the time and
//! hands it to the World, which never reads a clock itself.
use std::time::{Duration, Instant};

use beamplay_cluster::driver::{Clock, Driver, LineKind, Said};
use beamplay_cluster::Nodes;

/// Real time for the console driver: the World's clock follows the wall
/// clock from `prepare` on (`beamplay run --realtime`, the REPL, scripts).
pub struct RealClock {
    start: Instant,
}

impl RealClock {
    pub fn new() -> RealClock {
        RealClock {
            start: Instant::now(),
        }
    }

    /// A driver of a fresh World (seed `seed`) that runs on this clock.
    pub fn driver(&mut self, seed: u64) -> Result<Driver, String> {
        let mut driver = Driver::new(seed).map_err(|e| e.to_string())?;
        self.prepare(driver.world_mut());
        Ok(driver)
    }

    /// Microseconds since the clock started.
    pub fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }
}

impl Clock for RealClock {
    fn prepare(&mut self, world: &mut dyn Nodes) {
        world.set_realtime(true);
        self.start = Instant::now();
    }

    fn deadline(&mut self, _world: &dyn Nodes, ms: u64) -> u64 {
        self.now_us().saturating_add(ms.saturating_mul(1000))
    }

    /// Runs a few slices (looking for lines costs more than a short
    /// slice), or sleeps until the next timer while nothing is runnable.
    fn advance(&mut self, world: &mut dyn Nodes, deadline: u64) -> bool {
        for slice in 0..CHECK_EVERY {
            let now = self.now_us();
            world.sync_clock(now);
            if now >= deadline {
                return false;
            }
            if world.step() {
                continue;
            }
            // what the slices did is seen before the World sleeps
            if slice > 0 {
                return true;
            }
            let wake = world
                .next_timer_due()
                .map_or(IDLE_SLEEP, |due| {
                    Duration::from_micros(due.saturating_sub(now))
                })
                .min(IDLE_SLEEP)
                .min(Duration::from_micros(deadline - now));
            // a sleep lasts at least ~60 µs on Linux: a frame due sooner
            // is waited for without sleeping
            if wake < SPIN_BELOW {
                std::thread::yield_now();
            } else {
                std::thread::sleep(wake);
            }
            return true;
        }
        true
    }
}

/// Waits shorter than this spin instead of sleeping.
const SPIN_BELOW: Duration = Duration::from_micros(200);

/// The longest sleep of an idle World, so that a host looks again soon.
const IDLE_SLEEP: Duration = Duration::from_millis(5);

/// Slices run between two looks for lines and the deadline.
const CHECK_EVERY: u32 = 16;

/// Runs a script like `elixir FILE.exs`: output to stdout, an uncaught
/// error's banner to stderr and a failing exit.
pub fn run_script(text: &str, seed: u64) -> Result<(), String> {
    script(text, seed, 24 * 3600 * 1000, &mut |t| crate::out(t))
}

/// Runs `text` as a script on a node `nonode@nohost` for at most `ms` of
/// real time: its output to `out`, logger reports to stderr. The error
/// banner of a raise it did not rescue, or of its shell's death, is the
/// error.
pub fn script(text: &str, seed: u64, ms: u64, out: &mut dyn FnMut(&str)) -> Result<(), String> {
    let mut clock = RealClock::new();
    let mut driver = clock.driver(seed)?;
    let node = driver.world_mut().add_node("nonode@nohost");
    driver.submit(node, text).map_err(|e| e.to_string())?;
    let mut failed = None;
    driver.run(&mut clock, ms, &mut |d| {
        for said in d.take_said() {
            let Said::Line(_, line) = said else { continue };
            match line.kind {
                LineKind::Output => out(&line.text),
                LineKind::Log => eprintln!("{}", line.text),
                LineKind::Exit => failed = Some(line.text),
                LineKind::Value if line.text.starts_with("** (") => failed = Some(line.text),
                LineKind::Value | LineKind::Input | LineKind::Note => {}
            }
        }
        !d.busy(node)
    });
    match failed {
        Some(banner) => Err(banner),
        None => Ok(()),
    }
}
