//! `beamplay`: the playground's engine on the command line.
//!
//!     beamplay run FILE.exs              run a script, like `elixir FILE.exs`
//!     beamplay run SCENARIO.txt          run a console scenario, print its transcript
//!     beamplay run --realtime FILE       ... against the real clock
//!     beamplay run --worlds SCENARIO.txt ... each node in a World of its own
//!     beamplay repl [--nodes a,b,c] [--hidden d]   iex-like consoles (default: node1)
//!     beamplay repl --worlds --nodes a,b ...       each node in a World of its own
//!     beamplay bench [--workloads FILE]  side-by-side benchmarks with real Elixir
//!     beamplay serve [--port N]          serve the browser app built into dist/
mod bench;
mod benchdist;
mod drive;
mod repl;
mod serve;

use std::process::ExitCode;

/// Interpreted Elixir makes and drops small terms all the time: mimalloc
/// serves them faster than the system allocator (its v2: the crate's
/// GlobalAlloc asks for aligned blocks, which v3 serves by a slow path;
/// enum200k 33.3 ms with v3 or glibc's, 26.8 ms with v2).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  beamplay run [--realtime] [--worlds] [--seed N] FILE.exs|SCENARIO.txt
  beamplay repl [--nodes node1,node2,...] [--hidden ctl,...] [--worlds]
  beamplay bench [--workloads FILE.exs] [--no-elixir]
  beamplay serve [--port N] [--dir dist]";

/// The options each command takes, and whether each wants a value.
fn options(command: &str) -> &'static [(&'static str, bool)] {
    match command {
        "run" => &[("--realtime", false), ("--seed", true), ("--worlds", false)],
        "repl" => &[("--nodes", true), ("--hidden", true), ("--worlds", false)],
        "bench" => &[
            ("--workloads", true),
            ("--runs", true),
            ("--no-elixir", false),
            ("--idle-processes-only", false),
        ],
        "serve" => &[("--port", true), ("--dir", true)],
        _ => &[],
    }
}

/// Whether `args` (after the command) ask for help; an option the
/// command does not take, or one without its value, is an error.
fn check_options(command: &str, args: &[String]) -> Result<bool, String> {
    let known = options(command);
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if a == "-h" || a == "--help" {
            return Ok(true);
        }
        if !a.starts_with("--") {
            continue;
        }
        match known.iter().find(|(name, _)| name == a) {
            Some((_, true)) => {
                if rest.next().is_none() {
                    return Err(format!("{a} wants a value\n{USAGE}"));
                }
            }
            Some((_, false)) => {}
            None => return Err(format!("beamplay {command} has no option {a}\n{USAGE}")),
        }
    }
    Ok(false)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or_default();
    let checked = match command {
        "run" | "repl" | "bench" | "serve" => check_options(command, &args[1..]),
        _ => Ok(false),
    };
    let result = match (checked, args.first().map(String::as_str)) {
        (Err(e), _) => Err(e),
        (Ok(true), _) => {
            println!("{USAGE}");
            Ok(())
        }
        (Ok(false), command) => dispatch(command, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Option<&str>, args: &[String]) -> Result<(), String> {
    match command {
        Some("run") => run(&args[1..]),
        Some("repl") => repl::main(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("serve") => serve::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

/// Writes `text` to stdout. A reader that went away (`beamplay repl |
/// head -1`) ends the program quietly, as it ends `cat`, rather than a
/// print failing.
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// The value that follows `flag` in `args`, if any.
pub fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn run(args: &[String]) -> Result<(), String> {
    let realtime = args.iter().any(|a| a == "--realtime");
    let seed: u64 = match flag_value(args, "--seed") {
        Some(s) => s
            .parse()
            .map_err(|_| format!("--seed wants a number, got {s}"))?,
        None => 1,
    };
    let file = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--seed"))
        .map(|(_, a)| a)
        .next_back()
        .ok_or_else(|| USAGE.to_string())?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    if file.ends_with(".exs") || file.ends_with(".ex") {
        return drive::run_script(&text, seed);
    }
    let mut real = drive::RealClock::new();
    let mut virtual_time = beamplay_cluster::driver::Virtual;
    let clock: &mut dyn beamplay_cluster::driver::Clock = if realtime {
        &mut real
    } else {
        &mut virtual_time
    };
    let run = if args.iter().any(|a| a == "--worlds") {
        beamplay_cluster::scenario::run_in_room(&text, seed, clock)
    } else {
        beamplay_cluster::scenario::run(&text, seed, clock)
    };
    out(&run.transcript);
    if !run.log.is_empty() {
        eprintln!("{}", run.log);
    }
    Ok(())
}
