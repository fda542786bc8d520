//! End to end: the built browser app (`dist/`, served by `beamplay serve`)
//! in headless Chromium through chromedriver. The walkthrough is typed
//! into the consoles; the consoles and panels are read back; node2 is
//! killed. Screenshots of the main states go to `test-output/e2e/`.
//! It needs the release build of the app and chromedriver, so it is
//! ignored by a plain `cargo test`; `scripts/test.sh` runs it after
//! building the app.
mod browser;

use std::time::Duration;

use browser::{open_tab, panel_shows, shot, text, type_at, viewport, wait_until, Browser};
use fantoccini::{Client, Locator};

/// Waits until the page has an element `css` finds.
async fn shows(c: &Client, what: &str, css: &str) {
    wait_until(what, || async {
        c.find(Locator::Css(css)).await.ok().map(|_| String::new())
    })
    .await;
}

/// WebDriver's codes for the keys pressed.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// Presses `key` where the focus is.
async fn press(c: &Client, key: &str) {
    c.active_element()
        .await
        .expect("an element with the focus")
        .send_keys(key)
        .await
        .expect("pressed");
}

/// Clicks the button labelled `label`.
async fn press_button(c: &Client, label: &str) {
    browser::click(c, &format!("button[aria-label='{label}']")).await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs the built app in dist/ and chromedriver: scripts/test.sh runs it"]
async fn the_walkthrough_runs_in_the_browser() {
    let b = Browser::start().await;
    b.open("").await;
    let c = &b.c;
    viewport(c, 1280, 720).await;
    shot(c, "e2e/1-start").await;

    // a cluster
    type_at(c, 0, "node()", ":node1@localhost").await;
    type_at(c, 1, "Node.connect(:node1@localhost)", "true").await;
    type_at(c, 2, "Node.connect(:node2@localhost)", "true").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    type_at(
        c,
        2,
        "Node.list() |> Enum.sort()",
        "[:node1@localhost, :node2@localhost]",
    )
    .await;
    // the mesh in the topology, and its traffic in the diagram: a run of
    // the system's frames, closed into a row until opened
    open_tab(c, "messages between nodes").await;
    let runs = text(c, "section[aria-label='messages between nodes'] .run")
        .await
        .unwrap_or_default();
    assert!(runs.contains("system: connect"), "{runs}");
    shot(c, "e2e/2-mesh-and-its-messages").await;

    // spawning remotely: the output comes back to node1
    let out = type_at(
        c,
        0,
        "Node.spawn(:node2@localhost, fn -> IO.puts(\"Hello from #{node()}!\") end); :ok",
        ":ok",
    )
    .await;
    let out = if out.contains("Hello from node2@localhost!") {
        out
    } else {
        wait_until("the remote output", || async {
            text(c, ".console:nth-child(1) .lines")
                .await
                .filter(|t| t.contains("Hello from node2@localhost!"))
        })
        .await
    };
    assert!(out.contains("Hello from node2@localhost!"));

    // global registration, seen in the panel
    type_at(
        c,
        0,
        ":global.register_name({:todo_list, \"bob\"}, self())",
        ":yes",
    )
    .await;
    type_at(
        c,
        1,
        ":global.register_name({:todo_list, \"bob\"}, self())",
        ":no",
    )
    .await;
    panel_shows(c, "global names", "{:todo_list, \"bob\"}").await;
    shot(c, "e2e/3-global-name").await;

    // process groups with :pg2
    type_at(c, 1, ":pg2.start() |> elem(0)", ":ok").await;
    type_at(c, 2, ":pg2.start() |> elem(0)", ":ok").await;
    type_at(c, 0, ":pg2.create(:workers)", ":ok").await;
    type_at(c, 0, ":pg2.join(:workers, self())", ":ok").await;
    type_at(c, 1, ":pg2.join(:workers, self())", ":ok").await;
    let members = type_at(c, 2, ":pg2.get_members(:workers) |> length()", "2").await;
    assert!(members.ends_with('2'));
    panel_shows(c, "process groups", "workers").await;

    // a global lock: node2 waits while node1 holds it
    type_at(c, 0, ":global.set_lock({:some_resource, self()})", "true").await;
    c.find(Locator::Css("#in-1"))
        .await
        .expect("node2's prompt")
        .send_keys(":global.set_lock({:some_resource, self()})\n")
        .await
        .expect("typed");
    shows(c, "node2 waiting", ".console.waiting").await;
    open_tab(c, "global locks").await;
    let locks = wait_until("the holder and the waiter in the locks panel", || async {
        text(c, "section[aria-label='global locks']")
            .await
            .filter(|t| {
                t.contains("some_resource")
                    && t.matches("#PID<").count() >= 2
                    && t.contains(", attempt ")
            })
    })
    .await;
    assert!(locks.contains("some_resource"));
    // the holder and the waiter are two pids, printed apart
    let pids: Vec<&str> = locks
        .split("#PID<")
        .skip(1)
        .filter_map(|p| p.split('>').next())
        .collect();
    assert!(pids.len() >= 2 && pids[0] != pids[1], "{locks}");
    shot(c, "e2e/4-lock-held-and-waited-for").await;
    type_at(c, 0, ":global.del_lock({:some_resource, self()})", "true").await;
    wait_until("node2 getting the lock", || async {
        text(c, ".console:nth-child(2) .lines")
            .await
            .filter(|t| t.trim_end().ends_with("true"))
    })
    .await;

    // rpc: node2 answers for node1
    type_at(c, 0, ":rpc.call(:node2@localhost, Kernel, :abs, [-1])", "1").await;
    type_at(
        c,
        0,
        ":rpc.call(:node2@localhost, :erlang, :node, [])",
        ":node2@localhost",
    )
    .await;

    // node2 dies: node1's link, monitor and node monitor fire, and the
    // panels and the topology follow
    type_at(c, 0, "Process.flag(:trap_exit, true)", "false").await;
    type_at(
        c,
        0,
        "pid = Node.spawn_link(:node2@localhost, fn -> Process.sleep(:infinity) end); :ok",
        ":ok",
    )
    .await;
    type_at(c, 0, "ref = Process.monitor(pid); :ok", ":ok").await;
    type_at(c, 0, "Node.monitor(:node2@localhost, true)", "true").await;
    panel_shows(c, "processes", "node2 (").await;
    press_button(c, "kill node2@localhost").await;
    shows(c, "node2 dead in the topology", ".topology .node.dead").await;
    type_at(c, 0, "flush()", ":ok").await;
    let node1 = text(c, ".console:nth-child(1) .lines")
        .await
        .unwrap_or_default();
    let exit = node1.find("{:EXIT, #PID<").expect("the EXIT");
    let down = node1.find("{:DOWN, #Reference<").expect("the DOWN");
    let nodedown = node1
        .find("{:nodedown, :node2@localhost}")
        .expect("the nodedown");
    // in the order they were set up, as OTP fires them
    assert!(exit < down && down < nodedown, "{node1}");
    assert!(node1.contains(":process, #PID<"), "{node1}");
    assert!(node1.contains(":noconnection}"), "{node1}");
    // node2 has left every panel: no view of its own, no process tab
    open_tab(c, "global names").await;
    let mut views = Vec::new();
    for th in c
        .find_all(Locator::Css("section[aria-label='global names'] th"))
        .await
        .expect("the global names panel")
    {
        views.push(th.text().await.expect("a node's row"));
    }
    assert_eq!(views, ["node1@localhost", "node3@localhost"]);
    open_tab(c, "processes").await;
    let procs = text(c, "section[aria-label='processes']")
        .await
        .unwrap_or_default();
    assert!(!procs.contains("node2 ("), "{procs}");
    shot(c, "e2e/5-node2-killed").await;
    open_tab(c, "messages between nodes").await;
    shot(c, "e2e/6-node2-killed-messages").await;
    viewport(c, 1920, 1080).await;
    shot(c, "e2e/7-1920x1080").await;
    viewport(c, 1280, 720).await;

    // node2 restarts, empty; a removed node leaves the page
    press_button(c, "restart node2@localhost").await;
    type_at(c, 1, "Node.list()", "[]").await;
    press_button(c, "remove node3@localhost").await;
    wait_until("node3 gone", || async {
        let consoles = c.find_all(Locator::Css(".console")).await.ok()?;
        (consoles.len() == 2).then(String::new)
    })
    .await;
    press_button(c, "clear the transcript of node1@localhost").await;
    let node1 = text(c, ".console:nth-child(1) .lines").await;
    assert_eq!(node1.as_deref().map(str::trim), Some(""));

    // the dark theme, at 1280x720, from the keyboard: Tab reaches the
    // first link of the topology and Enter cuts it
    viewport(c, 1280, 720).await;
    let background = || async {
        c.execute(
            "return getComputedStyle(document.querySelector('.app')).backgroundColor",
            vec![],
        )
        .await
        .expect("a style")
        .as_str()
        .map(str::to_string)
    };
    let light = background().await;
    c.find(Locator::Css("select[aria-label='theme']"))
        .await
        .expect("the theme menu")
        .select_by_value("dark")
        .await
        .expect("dark chosen");
    let dark = wait_until("the dark theme", || async {
        background().await.filter(|b| Some(b) != light.as_ref())
    })
    .await;
    assert_eq!(light.as_deref(), Some("rgb(251, 250, 247)"));
    assert_eq!(dark, "rgb(21, 22, 26)");
    let on_link = || async {
        let js = "return document.activeElement.classList.contains('link')";
        c.execute(js, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true)
    };
    let mut tabs = 0;
    while !on_link().await {
        tabs += 1;
        assert!(tabs < 400, "Tab never reached a link of the topology");
        press(c, TAB).await;
    }
    press(c, ENTER).await;
    shows(c, "a link cut from the keyboard", ".topology .link.cut").await;
    shot(c, "e2e/8-dark-1280x720").await;
    c.clone().close().await.expect("closed");
}
