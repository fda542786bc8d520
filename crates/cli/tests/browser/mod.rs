//! What the browser tests share: the built app served by `beamplay
//! serve`, headless Chromium driven through chromedriver, and helpers
//! that type at a console and wait for what the page shows.
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// A child process, in a process group of its own, killed with the
/// whole group when the test ends however it ends: chromedriver's
/// Chromium goes with it even when a failed test never closes the
/// session.
struct Guard(Child);

impl Guard {
    fn spawn(cmd: &mut Command) -> Guard {
        use std::os::unix::process::CommandExt;
        Guard(cmd.process_group(0).spawn().expect("a helper process"))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
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

pub async fn wait_until<F, Fut>(what: &str, mut f: F) -> String
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
pub async fn text(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

/// Types `line` at node `n`'s console (0 for node1) and waits until its
/// transcript ends with `expect` after the line's echo.
pub async fn type_at(c: &Client, n: usize, line: &str, expect: &str) -> String {
    let input = c
        .find(Locator::Css(&format!("#in-{n}")))
        .await
        .expect("the console's prompt");
    input.send_keys(&format!("{line}\n")).await.expect("typed");
    let css = format!(".console:nth-child({}) .lines", n + 1);
    wait_until(&format!("{expect:?} on node{}", n + 1), || async {
        let t = text(c, &css).await?;
        let after = &t[t.rfind(line)? + line.len()..];
        after.trim_end().ends_with(expect).then_some(t)
    })
    .await
}

/// Clicks the first element `css` finds.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("nothing found by {css}"))
        .click()
        .await
        .expect("clicked");
}

/// Opens the tab of the panel labelled `label`.
pub async fn open_tab(c: &Client, label: &str) {
    click(c, &format!("[role=tab][data-panel='{label}']")).await;
}

/// Opens the panel labelled `label` and waits until it shows `needle`.
pub async fn panel_shows(c: &Client, label: &str, needle: &str) {
    open_tab(c, label).await;
    let css = format!("section[aria-label='{label}']");
    wait_until(&format!("{needle} in the {label} panel"), || async {
        text(c, &css).await.filter(|t| t.contains(needle))
    })
    .await;
}

/// Sizes the window so that the page itself (the viewport) is `width` by
/// `height` CSS pixels, as on a screen of that size.
pub async fn viewport(c: &Client, width: u32, height: u32) {
    let extra = c
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| {
            let v = v.as_array()?.clone();
            Some((v.first()?.as_u64()?, v.get(1)?.as_u64()?))
        })
        .unwrap_or((0, 0));
    let (dw, dh) = (
        u32::try_from(extra.0).unwrap_or(0),
        u32::try_from(extra.1).unwrap_or(0),
    );
    c.set_window_size(width + dw, height + dh)
        .await
        .expect("resized");
}

/// Saves a screenshot as `test-output/{name}.png` (`name` may hold a
/// directory: `e2e/1-start`).
pub async fn shot(c: &Client, name: &str) {
    let file = root().join(format!("test-output/{name}.png"));
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).expect("test-output");
    }
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(file, png).expect("saved");
}

/// The app (from `dist/`) in headless Chromium, and the processes
/// serving it; both stop when this is dropped.
pub struct Browser {
    pub c: Client,
    pub url: String,
    _serve: Guard,
    _driver: Guard,
}

impl Browser {
    pub async fn start() -> Browser {
        let (web, driver) = (free_port(), free_port());
        let _serve = Guard::spawn(
            Command::new(env!("CARGO_BIN_EXE_beamplay"))
                .args(["serve", "--port", &web.to_string(), "--dir"])
                .arg(root().join("dist"))
                .stdout(Stdio::null()),
        );
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let _driver = Guard::spawn(
            Command::new(chromedriver)
                .arg(format!("--port={driver}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"args": ["--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--window-size=1280,720"]}),
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
        Browser {
            c,
            url: format!("http://127.0.0.1:{web}/"),
            _serve,
            _driver,
        }
    }

    /// Opens the app and waits for its three consoles.
    pub async fn open(&self, query: &str) {
        self.c
            .goto(&format!("{}{query}", self.url))
            .await
            .expect("the page");
        self.c
            .wait()
            .for_element(Locator::Css("#in-2"))
            .await
            .expect("three consoles");
    }
}
