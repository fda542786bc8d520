//! The browser app's performance figures (issue 5), measured in headless
//! Chromium on the release build in `dist/`, printed against their
//! bounds: navigation to the first prompts, the cost of a frame as the
//! processes grow, and the page's responsiveness while 100,000
//! processes are busy on node1. A benchmark, not a test: it prints,
//! and fails only if the page does not do what is measured.
//! `scripts/bench-web.sh` builds the app and runs it.
mod browser;

use std::time::{Duration, Instant};

use browser::{panel_shows, shot, text, type_at, viewport, wait_until, Browser};
use fantoccini::Client;
use serde_json::Value;

/// Collects, in the page, each frame's work (the app's `beamplay-frame`
/// measures), long tasks (over 50 ms, PerformanceObserver) and the
/// longest gap of a `setTimeout(0)` chain: the longest an input could
/// wait, which can span two tasks back to back.
const PROBE: &str = r#"
window.__b = { frames: [], long: [], lag: 0 };
new PerformanceObserver(l => {
  for (const e of l.getEntries()) if (e.name === 'beamplay-frame') __b.frames.push(e.duration);
}).observe({ type: 'measure' });
try {
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) __b.long.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) { __b.noLongtask = true; }
let last = performance.now();
(function tick() {
  const now = performance.now();
  __b.lag = Math.max(__b.lag, now - last);
  last = now;
  setTimeout(tick, 0);
})();
"#;

/// What the probe gathered since the last call, and a fresh start.
const TAKE: &str = r#"
const f = __b.frames, out = {
  frames: f.length,
  frame_mean: f.reduce((a, b) => a + b, 0) / Math.max(f.length, 1),
  frame_max: Math.max(0, ...f),
  long: __b.long.length,
  long_max: Math.max(0, ...__b.long),
  lag: __b.lag,
  longtask_observed: !__b.noLongtask,
};
__b.frames = []; __b.long = []; __b.lag = 0;
return out;
"#;

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("the script runs")
}

fn num(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Lets the page run for `secs` and returns what the probe saw.
async fn watch(c: &Client, secs: u64) -> Value {
    js(c, TAKE).await;
    tokio::time::sleep(Duration::from_secs(secs)).await;
    js(c, TAKE).await
}

const FIB: &str =
    "defmodule F do def fib(0), do: 0; def fib(1), do: 1; def fib(n), do: fib(n - 1) + fib(n - 2) end";

/// Types `F.fib(27)` at node1's console five times, from the page's own
/// script (an Enter as the keyboard gives it), and times each from the
/// key to the value on the page: the median, and the longest frame.
async fn fib_in_the_page(c: &Client) -> (f64, f64) {
    type_at(c, 0, FIB, "{:fib, 1}}").await;
    js(c, PROBE).await;
    js(c, TAKE).await;
    let mut times = Vec::new();
    for _ in 0..5 {
        js(
            c,
            r#"
const input = document.querySelector('#in-0');
const lines = document.querySelector('.console:nth-child(1) .lines');
const before = lines.textContent.split('196418').length;
window.__fib = null;
const t0 = performance.now();
const seen = new MutationObserver(() => {
  if (lines.textContent.split('196418').length > before) {
    window.__fib = performance.now() - t0;
    seen.disconnect();
  }
});
seen.observe(lines, { childList: true, subtree: true, characterData: true });
input.value = 'F.fib(27)';
input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
"#,
        )
        .await;
        wait_until("F.fib(27)'s value", || async {
            js(c, "return window.__fib")
                .await
                .as_f64()
                .map(|_| String::new())
        })
        .await;
        times.push(
            js(c, "return window.__fib")
                .await
                .as_f64()
                .unwrap_or(f64::NAN),
        );
    }
    let seen = js(c, TAKE).await;
    (median(times), num(&seen, "frame_max"))
}

/// `F.fib(27)` timed by `:timer.tc` in `beamplay run` (real time), in ms.
fn fib_native() -> f64 {
    let dir = std::env::temp_dir().join(format!("beamplay-fib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("fib.exs");
    let script = format!(
        "{FIB}\nfor _ <- 1..5 do\n  {{t, _}} = :timer.tc(fn -> F.fib(27) end)\n  IO.puts(t)\nend\n"
    );
    std::fs::write(&file, script).expect("written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_beamplay"))
        .args(["run", "--realtime"])
        .arg(&file)
        .output()
        .expect("beamplay runs");
    let _ = std::fs::remove_dir_all(&dir);
    let times: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| u64::from_str_radix(l.trim(), 10).ok())
        .map(|us| us as f64 / 1000.0)
        .collect();
    median(times)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "a benchmark of the built app in dist/: scripts/bench-web.sh runs it"]
async fn browser_app_figures() {
    let b = Browser::start().await;
    let c = &b.c;
    b.open("").await;
    viewport(c, 1280, 720).await;
    let mut rows: Vec<(String, String, &str)> = Vec::new();

    // navigation to the first prompts, five loads
    let mut ready = Vec::new();
    for _ in 0..5 {
        b.open("").await;
        let at = js(
            c,
            "const m = performance.getEntriesByName('beamplay-ready'); return m.length ? m[0].startTime : null;",
        )
        .await;
        ready.push(at.as_f64().expect("the app marks when its prompts are up"));
    }
    rows.push((
        "navigation to the first prompts (median of 5)".into(),
        format!("{:.0} ms", median(ready)),
        "<= 500 ms",
    ));

    // a long computation at a console: F.fib(27) from Enter to its value
    // in the page, beside `beamplay run` on this machine
    let (page, frame_max) = fib_in_the_page(c).await;
    rows.push((
        "F.fib(27) at a console, Enter to value (median of 5)".into(),
        format!("{page:.0} ms"),
        "<= 1.5x native",
    ));
    rows.push((
        "F.fib(27) natively, beamplay run (median of 5)".into(),
        format!("{:.0} ms", fib_native()),
        "",
    ));
    rows.push((
        "longest frame while F.fib(27) runs".into(),
        format!("{frame_max:.1} ms"),
        "<= 16 ms",
    ));
    b.open("").await;

    // a frame's cost as node1's (sleeping) processes grow
    js(c, PROBE).await;
    let mut total = 0;
    for n in [1_000, 10_000, 100_000] {
        let more = n - total;
        total = n;
        type_at(
            c,
            0,
            &format!("for _ <- 1..{more}, do: spawn(fn -> Process.sleep(:infinity) end); :ok"),
            ":ok",
        )
        .await;
        let seen = watch(c, 3).await;
        rows.push((
            format!("frame with {n} sleeping processes: mean / max"),
            format!(
                "{:.2} / {:.1} ms",
                num(&seen, "frame_mean"),
                num(&seen, "frame_max")
            ),
            "flat",
        ));
    }
    shot(c, "bench/100k-sleeping").await;

    // 100,000 busy processes on node1: the page and node2 keep answering
    b.open("").await;
    js(c, PROBE).await;
    let start = Instant::now();
    type_at(
        c,
        0,
        // made waiting, then set spinning by a process of their own, so
        // the shell answers before they compete with it
        "spin = fn f, n -> f.(f, n + 1) end; ps = for _ <- 1..100_000, do: spawn(fn -> receive do :go -> spin.(spin, 0) end end); spawn(fn -> Enum.each(ps, &send(&1, :go)) end); :ok",
        ":ok",
    )
    .await;
    let spawned = start.elapsed();
    panel_shows(c, "processes", "node1 (1000").await;
    wait_until("the processes spinning", || async {
        text(c, "section[aria-label='processes'] .rows")
            .await
            .filter(|t| t.contains("runnable"))
    })
    .await;
    let busy = watch(c, 5).await;
    let asked = Instant::now();
    type_at(c, 1, "6 * 7", "42").await;
    let answer = asked.elapsed();
    let node1 = text(c, ".console:nth-child(1) .state").await;
    assert_eq!(node1.as_deref(), Some("ready"), "node1's shell is free");
    wait_until("node1 still busy", || async {
        text(c, "section[aria-label='processes'] [role=tab]")
            .await
            .filter(|t| t.contains("(1000"))
    })
    .await;
    shot(c, "bench/100k-busy").await;
    rows.push((
        "100k busy: spawning them from node1's console".into(),
        format!("{:.1} s", spawned.as_secs_f64()),
        "",
    ));
    rows.push((
        "100k busy: long tasks (> 50 ms, PerformanceObserver) in 5 s".into(),
        if busy.get("longtask_observed") == Some(&Value::Bool(true)) {
            format!(
                "{} (longest {:.0} ms)",
                num(&busy, "long"),
                num(&busy, "long_max")
            )
        } else {
            "not observable in this browser".into()
        },
        "0",
    ));
    rows.push((
        "100k busy: longest frame (tick and render, one task)".into(),
        format!("{:.1} ms", num(&busy, "frame_max")),
        "<= 50 ms",
    ));
    rows.push((
        "100k busy: frame mean".into(),
        format!("{:.2} ms", num(&busy, "frame_mean")),
        "",
    ));
    rows.push((
        "100k busy: longest gap between setTimeout(0) callbacks".into(),
        format!("{:.1} ms", num(&busy, "lag")),
        "",
    ));
    rows.push((
        "100k busy: node2 answers 6 * 7".into(),
        format!("{:.0} ms", answer.as_secs_f64() * 1000.0),
        "",
    ));

    println!("\nbrowser app (headless Chromium, release build)");
    println!("{:<56} {:>18}  bound", "figure", "measured");
    for (what, value, bound) in rows {
        println!("{what:<56} {value:>18}  {bound}");
    }
    c.clone().close().await.expect("closed");
}
