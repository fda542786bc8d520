//! The app in headless Chromium: it renders three consoles, and a line
//! typed at a prompt runs and prints its value.
#![cfg(target_arch = "wasm32")]

use beamplay_web::App;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A key pressed at `target`, as the keyboard would.
fn press(target: &web_sys::EventTarget, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&event).expect("dispatched");
}

#[wasm_bindgen_test]
async fn a_line_typed_at_a_console_prints_its_value() {
    let root = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<App>::with_root(root.clone()).render();
    TimeoutFuture::new(100).await;
    let consoles = root.query_selector_all(".console").expect("query");
    assert_eq!(consoles.length(), 3);
    let input: HtmlInputElement = root
        .query_selector("#in-0")
        .expect("query")
        .expect("node1's prompt")
        .dyn_into()
        .expect("an input");
    input.set_value("Enum.sum([1, 2, 3]) * 7");
    press(&input, "Enter");
    TimeoutFuture::new(500).await;
    let text = root
        .query_selector(".console .lines")
        .expect("query")
        .expect("node1's transcript")
        .text_content()
        .unwrap_or_default();
    assert!(
        text.contains("iex(node1@localhost)1> Enum.sum([1, 2, 3]) * 7"),
        "{text}"
    );
    assert!(text.contains("42"), "{text}");

    // the lesson's first "run in node2" connects node2 to node1; the
    // connection's frames are system traffic, drawn once that is shown
    let run: HtmlElement = root
        .query_selector("button[aria-label='run Node.connect(:node1@localhost) in node2']")
        .expect("query")
        .expect("the lesson's button")
        .dyn_into()
        .expect("a button");
    run.click();
    TimeoutFuture::new(500).await;
    let node2 = root
        .query_selector_all(".console .lines")
        .expect("query")
        .get(1)
        .and_then(|n| n.text_content())
        .unwrap_or_default();
    assert!(
        node2.ends_with("Node.connect(:node1@localhost)true"),
        "{node2}"
    );
    let arrows = |root: &web_sys::Element| {
        root.query_selector_all(".trace .arrow")
            .expect("query")
            .length()
    };
    // a click that bubbles, as a pointer's does (an SVG group has no
    // click method)
    let click = |css: &str| {
        let el = root
            .query_selector(css)
            .expect("query")
            .unwrap_or_else(|| panic!("{css}"));
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let event = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
        el.dispatch_event(&event).expect("dispatched");
    };
    // the messages tab: the connection is a run of the system's frames,
    // closed into one row until it is opened
    click("[role=tab][data-panel='messages between nodes']");
    TimeoutFuture::new(100).await;
    assert_eq!(arrows(&root), 0, "the run is closed");
    let run = root
        .query_selector(".trace .run")
        .expect("query")
        .and_then(|r| r.text_content())
        .unwrap_or_default();
    assert!(run.contains("system: connect"), "{run}");
    click(".trace .run");
    TimeoutFuture::new(100).await;
    assert!(arrows(&root) > 0, "the run opened into its frames");
    let label = root
        .query_selector(".trace .arrow text")
        .expect("query")
        .and_then(|t| t.text_content())
        .unwrap_or_default();
    assert!(!label.is_empty(), "arrows are labelled");

    // a link is cut from the keyboard: it takes the focus, Enter cuts it
    let link = root
        .query_selector(".topology .link.up")
        .expect("query")
        .expect("node1 - node2, up");
    assert_eq!(link.get_attribute("tabindex").as_deref(), Some("0"));
    let label = link.get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.starts_with("node1@localhost - node2@localhost: up"),
        "{label}"
    );
    press(&link, "Enter");
    TimeoutFuture::new(100).await;
    let cut = root
        .query_selector(".topology .link.cut")
        .expect("query")
        .and_then(|l| l.get_attribute("aria-label"))
        .unwrap_or_default();
    assert!(
        cut.starts_with("node1@localhost - node2@localhost: cut"),
        "{cut}"
    );

    // the theme menu sets the page's theme, and keeps it
    let theme: HtmlSelectElement = root
        .query_selector("select[aria-label='theme']")
        .expect("query")
        .expect("the theme menu")
        .dyn_into()
        .expect("a select");
    theme.set_value("dark");
    let change = web_sys::Event::new("change").expect("event");
    theme.dispatch_event(&change).expect("dispatched");
    TimeoutFuture::new(100).await;
    let app = root
        .query_selector(".app")
        .expect("query")
        .expect("the app");
    assert_eq!(app.get_attribute("data-theme").as_deref(), Some("dark"));
    // on the app, not on the page that holds it
    let page = document().document_element().expect("the root");
    assert_eq!(page.get_attribute("data-theme"), None);
    let kept = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("beamplay-theme").ok().flatten());
    assert_eq!(kept.as_deref(), Some("dark"));
}
