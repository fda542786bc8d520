//! End to end: the built browser app (`dist/`, served by `beamplay serve`)
//! in headless Chromium through chromedriver. The walkthrough is typed
//! into the consoles; the consoles and panels are read back; node2 is
//! killed. Screenshots of the main states go to `test-output/e2e/`.
//! It needs the release build of the app and chromedriver, so it is
//! ignored by a plain `cargo test`; `scripts/test.sh` runs it after
//! building the app.
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// A child process killed when the test ends, however it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn wait_until<F, Fut>(what: &str, mut f: F) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<String>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first element `css` finds, if any.
async fn text(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

/// Types `line` at node `n`'s console (0 for node1) and waits until its
/// transcript ends with `expect`.
async fn type_at(c: &Client, n: usize, line: &str, expect: &str) -> String {
    let input = c
        .find(Locator::Css(&format!("#in-{n}")))
        .await
        .expect("the console's prompt");
    input.send_keys(&format!("{line}\n")).await.expect("typed");
    let css = format!(".console:nth-child({}) .lines", n + 1);
    wait_until(&format!("{expect:?} on node{}", n + 1), || async {
        text(c, &css)
            .await
            .filter(|t| t.trim_end().ends_with(expect))
    })
    .await
}

/// Waits until the panel labelled `label` shows `needle`.
async fn panel_shows(c: &Client, label: &str, needle: &str) {
    let css = format!("section[aria-label='{label}']");
    wait_until(&format!("{needle} in the {label} panel"), || async {
        text(c, &css).await.filter(|t| t.contains(needle))
    })
    .await;
}

async fn shot(c: &Client, name: &str) {
    let dir = root().join("test-output/e2e");
    std::fs::create_dir_all(&dir).expect("test-output");
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("saved");
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs the built app in dist/ and chromedriver: scripts/test.sh runs it"]
async fn the_walkthrough_runs_in_the_browser() {
    let (web, driver) = (free_port(), free_port());
    let _serve = Guard(
        Command::new(env!("CARGO_BIN_EXE_beamplay"))
            .args(["serve", "--port", &web.to_string(), "--dir"])
            .arg(root().join("dist"))
            .stdout(Stdio::null())
            .spawn()
            .expect("beamplay serve"),
    );
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let _driver = Guard(
        Command::new(chromedriver)
            .arg(format!("--port={driver}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"args": ["--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--window-size=1280,900"]}),
    );
    let start = Instant::now();
    let c = loop {
        match ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{driver}"))
            .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "chromedriver: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    c.goto(&format!("http://127.0.0.1:{web}/"))
        .await
        .expect("the page");
    c.wait()
        .for_element(Locator::Css("#in-2"))
        .await
        .expect("three consoles");
    shot(&c, "1-start").await;

    // a cluster
    type_at(&c, 0, "node()", ":node1@localhost").await;
    type_at(&c, 1, "Node.connect(:node1@localhost)", "true").await;
    type_at(&c, 2, "Node.connect(:node2@localhost)", "true").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    type_at(
        &c,
        2,
        "Node.list() |> Enum.sort()",
        "[:node1@localhost, :node2@localhost]",
    )
    .await;

    // spawning remotely: the output comes back to node1
    let out = type_at(
        &c,
        0,
        "Node.spawn(:node2@localhost, fn -> IO.puts(\"Hello from #{node()}!\") end); :ok",
        ":ok",
    )
    .await;
    let out = if out.contains("Hello from node2@localhost!") {
        out
    } else {
        wait_until("the remote output", || async {
            text(&c, ".console:nth-child(1) .lines")
                .await
                .filter(|t| t.contains("Hello from node2@localhost!"))
        })
        .await
    };
    assert!(out.contains("Hello from node2@localhost!"));

    // global registration, seen in the panel
    type_at(
        &c,
        0,
        ":global.register_name({:todo_list, \"bob\"}, self())",
        ":yes",
    )
    .await;
    type_at(
        &c,
        1,
        ":global.register_name({:todo_list, \"bob\"}, self())",
        ":no",
    )
    .await;
    panel_shows(&c, "global names", "{:todo_list, \"bob\"}").await;

    // process groups with :pg2
    type_at(&c, 1, ":pg2.start() |> elem(0)", ":ok").await;
    type_at(&c, 2, ":pg2.start() |> elem(0)", ":ok").await;
    type_at(&c, 0, ":pg2.create(:workers)", ":ok").await;
    type_at(&c, 0, ":pg2.join(:workers, self())", ":ok").await;
    type_at(&c, 1, ":pg2.join(:workers, self())", ":ok").await;
    let members = type_at(&c, 2, ":pg2.get_members(:workers) |> length()", "2").await;
    assert!(members.ends_with('2'));
    panel_shows(&c, "process groups", "workers").await;

    // a global lock: node2 waits while node1 holds it
    type_at(&c, 0, ":global.set_lock({:some_resource, self()})", "true").await;
    c.find(Locator::Css("#in-1"))
        .await
        .expect("node2's prompt")
        .send_keys(":global.set_lock({:some_resource, self()})\n")
        .await
        .expect("typed");
    wait_until("node2 waiting", || async {
        c.find(Locator::Css(".console.waiting"))
            .await
            .ok()
            .map(|_| String::new())
    })
    .await;
    let locks = wait_until("the holder and the waiter in the locks panel", || async {
        text(&c, "section[aria-label='global locks']")
            .await
            .filter(|t| t.contains("some_resource") && t.matches("#PID<").count() >= 2)
    })
    .await;
    assert!(locks.contains("some_resource"));
    shot(&c, "2-lock-held-and-waited-for").await;
    type_at(&c, 0, ":global.del_lock({:some_resource, self()})", "true").await;
    wait_until("node2 getting the lock", || async {
        text(&c, ".console:nth-child(2) .lines")
            .await
            .filter(|t| t.trim_end().ends_with("true"))
    })
    .await;

    // node2 dies: node1 hears of it, the topology shows it
    type_at(&c, 0, "Node.monitor(:node2@localhost, true)", "true").await;
    c.find(Locator::Css(
        ".console:nth-child(2) header button:nth-of-type(1)",
    ))
    .await
    .expect("node2's kill button")
    .click()
    .await
    .expect("clicked");
    wait_until("node2 dead in the topology", || async {
        c.find(Locator::Css(".topology .node.dead"))
            .await
            .ok()
            .map(|_| String::new())
    })
    .await;
    type_at(&c, 0, "flush()", ":ok").await;
    let node1 = text(&c, ".console:nth-child(1) .lines")
        .await
        .unwrap_or_default();
    assert!(node1.contains("{:nodedown, :node2@localhost}"), "{node1}");
    shot(&c, "3-node2-killed").await;
    c.close().await.expect("closed");
}
