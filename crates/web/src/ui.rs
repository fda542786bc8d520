//! The page: controls, the nodes' consoles, the topology and the panels.
use beamplay_cluster::driver::{self, LineKind};
use beamplay_cluster::fault::Fault;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::diagram::{Diagram, EventLog};
use crate::lesson::Lesson;
use crate::panels::{PanelKind, Panels};
use crate::store::{Action, ConsoleView, Store};
use crate::topology::Topology;

/// User Timing names the benchmark reads: when the first prompts are on
/// the page (from navigation start), and each frame's work (a tick of
/// the World and the render it causes). Frame measures are cleared as
/// soon as they are made, so a long session does not grow the timeline:
/// a PerformanceObserver receives them all the same.
const READY: &str = "beamplay-ready";
const FRAME: &str = "beamplay-frame";
const TICK: &str = "beamplay-tick";

/// The speeds offered, with their labels.
const SPEEDS: [(f64, &str); 7] = [
    (0.1, "0.1x"),
    (0.25, "0.25x"),
    (0.5, "0.5x"),
    (1.0, "1x"),
    (2.0, "2x"),
    (5.0, "5x"),
    (10.0, "10x"),
];

/// What the tabs beside the consoles show, one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Lesson,
    Messages,
    Log,
    Panel(PanelKind),
}

/// The tabs, in their order.
const TABS: [Tab; 8] = [
    Tab::Lesson,
    Tab::Messages,
    Tab::Panel(PanelKind::Global),
    Tab::Panel(PanelKind::Locks),
    Tab::Panel(PanelKind::Groups),
    Tab::Panel(PanelKind::Names),
    Tab::Panel(PanelKind::Processes),
    Tab::Log,
];

impl Tab {
    /// The label of the section the tab shows.
    fn label(self) -> &'static str {
        match self {
            Tab::Lesson => "guided lesson",
            Tab::Messages => "messages between nodes",
            Tab::Log => "event log",
            Tab::Panel(kind) => kind.label(),
        }
    }

    /// The tab's own text.
    fn title(self) -> &'static str {
        match self {
            Tab::Lesson => "lesson",
            Tab::Messages => "messages",
            Tab::Log => "event log",
            Tab::Panel(PanelKind::Global) => "global",
            Tab::Panel(PanelKind::Locks) => "locks",
            Tab::Panel(PanelKind::Groups) => "groups",
            Tab::Panel(PanelKind::Names) => "names",
            Tab::Panel(PanelKind::Processes) => "processes",
        }
    }

    fn id(self) -> &'static str {
        self.title().split(' ').next().unwrap_or("tab")
    }
}

/// The themes offered: the system's choice, or one of the two.
const THEMES: [&str; 3] = ["auto", "light", "dark"];
/// Where the page keeps the theme chosen, between visits.
const THEME_KEY: &str = "beamplay-theme";

thread_local! {
    /// A tick was marked and its render is not measured yet.
    static TICKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// The page's clock: `performance.now()`.
fn page_clock() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

/// The page's address without its fragment, and the session a share
/// link's fragment (`#s=...`) holds.
fn location() -> (String, Option<String>) {
    let loc = web_sys::window().map(|w| w.location());
    let href = loc.as_ref().and_then(|l| l.href().ok()).unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default().to_string();
    let shared = loc
        .and_then(|l| l.hash().ok())
        .and_then(|h| h.strip_prefix("#s=").map(str::to_string))
        .and_then(|enc| js_sys::decode_uri_component(&enc).ok())
        .and_then(|t| t.as_string());
    (base, shared)
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(|| match Store::new(page_clock, location().1.as_deref()) {
        Ok(s) => s,
        // the prelude is part of the build: failing to compile it is a bug
        // of the playground, shown as such
        Err(e) => panic!("the playground's prelude does not compile: {e}"),
    });
    // chunks of the World between frames while a line computes; the
    // moment one ends the computation, a tick shows its value
    let more = {
        let dispatch = store.dispatcher();
        let session = store.session();
        use_memo((), move |_| {
            MoreTime::new(
                session,
                Box::new(move || {
                    dispatch.dispatch(Action::Tick {
                        now_ms: page_clock(),
                    })
                }),
            )
        })
    };
    {
        let dispatch = store.dispatcher();
        let more = more.clone();
        use_effect_with((), move |_| {
            // the consoles are on the page, prompts and all
            if let Some(p) = performance() {
                let _ = p.mark(READY);
            }
            let timer = gloo_timers::callback::Interval::new(16, move || {
                if let Some(p) = performance() {
                    TICKED.set(p.mark(TICK).is_ok());
                }
                let now_ms = page_clock();
                dispatch.dispatch(Action::Tick { now_ms });
                if let Some(more) = more.as_ref() {
                    more.start(now_ms);
                }
            });
            move || drop(timer)
        });
    }
    // after every render: the frame's work, from its tick to here
    use_effect(|| {
        if let Some(p) = performance().filter(|_| TICKED.replace(false)) {
            let _ = p.measure_with_start_mark(FRAME, TICK);
            p.clear_marks_with_mark_name(TICK);
            p.clear_measures_with_measure_name(FRAME);
        }
    });
    let send = {
        let dispatch = store.dispatcher();
        Callback::from(move |a: Action| {
            let submitted = matches!(a, Action::Submit(..));
            dispatch.dispatch(a);
            // a line typed computes from now on, not from the next tick
            if let Some(more) = more.as_ref().as_ref().filter(|_| submitted) {
                more.start(page_clock());
            }
        })
    };
    // the page's theme: style.css reads `data-theme` on the app (not on
    // the document, so an embedded playground leaves its host alone)
    let theme = use_state(saved_theme);
    let pick_theme = {
        let theme = theme.clone();
        Callback::from(move |t: String| {
            if THEMES.contains(&t.as_str()) {
                if let Some(s) = local_storage() {
                    // a page that may not store it keeps it for this visit
                    let _ = s.set_item(THEME_KEY, &t);
                }
                theme.set(t);
            }
        })
    };
    let data_theme = (*theme != THEMES[0]).then(|| (*theme).clone());
    let tab = use_state(|| Tab::Lesson);
    // node names by id, removed nodes included (ids are never reused)
    let names = use_memo(
        store
            .snapshot
            .nodes
            .iter()
            .map(|n| n.name.clone())
            .collect::<Vec<_>>(),
        |names| names.clone(),
    );
    let lanes = use_memo(
        store
            .snapshot
            .nodes
            .iter()
            .filter(|n| !n.removed)
            .map(|n| n.id)
            .collect::<Vec<_>>(),
        |lanes| lanes.clone(),
    );
    // the clock, for frames on their way (none while none is: no redraw)
    let now = store.snapshot.now_us;
    let now_us = store
        .frames
        .iter()
        .any(|f| f.arrives_us > now)
        .then_some(now);
    html! {
        <main class="app" data-theme={data_theme}>
            <Controls paused={store.paused} speed={store.speed} notice={store.notice.clone()}
                shared={store.shared.clone()} theme={(*theme).clone()} pick_theme={pick_theme}
                send={send.clone()} />
            <div class="body">
                <section class="consoles" aria-label="consoles">
                    { for store.consoles.iter().map(|c| html! {
                        <ConsoleBox key={c.id} view={c.clone()} send={send.clone()} />
                    }) }
                </section>
                <aside class="side">
                    <Topology snapshot={store.snapshot.clone()} frames={store.frames.clone()} {now_us} send={send.clone()} />
                    <div class="tabs" role="tablist" aria-label="panels">
                        { for TABS.iter().map(|t| {
                            let pick = tab.clone();
                            let t = *t;
                            html! {
                                <button role="tab" id={format!("tab-{}", t.id())} data-panel={t.label()}
                                    aria-selected={(*tab == t).to_string()} aria-controls="tabpanel"
                                    onclick={Callback::from(move |_| pick.set(t))}>{ t.title() }</button>
                            }
                        }) }
                    </div>
                    <div class="tabpanel" id="tabpanel" role="tabpanel" aria-labelledby={format!("tab-{}", tab.id())}>
                        { match *tab {
                            Tab::Lesson => html! {
                                <Lesson names={names.clone()} lanes={lanes.clone()} send={send.clone()} />
                            },
                            Tab::Messages => html! {
                                <Diagram frames={store.frames.clone()} names={names.clone()} lanes={lanes.clone()} {now_us}
                                    show_user={store.show_user} show_system={store.show_system} send={send.clone()} />
                            },
                            Tab::Log => html! {
                                <EventLog log={store.log.clone()} names={names.clone()}
                                    show_user={store.show_user} show_system={store.show_system} />
                            },
                            Tab::Panel(kind) => html! {
                                <Panels {kind} snapshot={store.snapshot.clone()} mailbox={store.mailbox.clone()}
                                    rows_node={store.rows.0} send={send.clone()} />
                            },
                        } }
                    </div>
                </aside>
            </div>
        </main>
    }
}

/// While a console computes, the time a frame leaves after its tick and
/// render goes to the World too: chunks of [`CHUNK_MS`], each a task of
/// its own that a MessageChannel message starts (no timer clamp), until
/// [`BUSY_UNTIL_MS`] after the frame's tick, so that input and rendering
/// still come between them and every frame ends within 16 ms. The next
/// tick shows what they did, or at once the chunk that ends the
/// computation asks for one.
struct MoreTime {
    channel: web_sys::MessageChannel,
    /// When the last tick began, on the page's clock.
    tick_at: std::rc::Rc<std::cell::Cell<f64>>,
    /// Held for as long as the port calls it.
    _handler: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

/// How long one chunk runs the World.
const CHUNK_MS: f64 = 4.0;
/// How long after a tick began the chunks stop (the next comes at 16).
const BUSY_UNTIL_MS: f64 = 14.0;

impl MoreTime {
    fn new(
        session: std::rc::Rc<std::cell::RefCell<beamplay_cluster::session::Session>>,
        done: Box<dyn Fn()>,
    ) -> Option<MoreTime> {
        use wasm_bindgen::JsCast;
        let channel = web_sys::MessageChannel::new().ok()?;
        let tick_at = std::rc::Rc::new(std::cell::Cell::new(0.0));
        let again = channel.port2();
        let since = tick_at.clone();
        let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let start = page_clock();
            let until = (since.get() + BUSY_UNTIL_MS).min(start + CHUNK_MS);
            if start >= until {
                return;
            }
            let Ok(mut s) = session.try_borrow_mut() else {
                return;
            };
            // nothing to do, or no time owed to do it in: no more chunks
            // until the next tick
            if !s.computing() || !s.owes() {
                return;
            }
            s.run(0.0, &mut || page_clock() < until);
            let computing = s.computing();
            drop(s);
            if computing {
                let _ = again.post_message(&wasm_bindgen::JsValue::NULL);
            } else {
                done();
            }
        });
        channel
            .port1()
            .set_onmessage(Some(handler.as_ref().unchecked_ref()));
        Some(MoreTime {
            channel,
            tick_at,
            _handler: handler,
        })
    }

    /// A tick began at `now_ms`: chunks follow it while a console computes.
    fn start(&self, now_ms: f64) {
        self.tick_at.set(now_ms);
        let _ = self
            .channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::NULL);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The theme chosen on an earlier visit, or the system's.
fn saved_theme() -> String {
    local_storage()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .filter(|t| THEMES.contains(&t.as_str()))
        .unwrap_or_else(|| THEMES[0].to_string())
}

#[derive(Properties, PartialEq)]
struct ThemeProps {
    theme: String,
    pick: Callback<String>,
}

/// Light, dark, or as the system says (`prefers-color-scheme`).
#[function_component(ThemePicker)]
fn theme_picker(p: &ThemeProps) -> Html {
    let onchange = p.pick.reform(|e: Event| {
        e.target_dyn_into::<web_sys::HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default()
    });
    html! {
        <label>{ "theme " }
            <select {onchange} aria-label="theme">
                { for THEMES.iter().map(|t| html! {
                    <option value={*t} selected={*t == p.theme}>{ *t }</option>
                }) }
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct ControlsProps {
    paused: bool,
    speed: f64,
    notice: Option<String>,
    shared: Option<std::rc::Rc<str>>,
    theme: String,
    pick_theme: Callback<String>,
    send: Callback<Action>,
}

#[function_component(Controls)]
fn controls(p: &ControlsProps) -> Html {
    let name = use_node_ref();
    let send = p.send.clone();
    let add = {
        let name = name.clone();
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = name.cast::<HtmlInputElement>() {
                send.emit(Action::AddNode(input.value()));
                input.set_value("");
            }
        })
    };
    let on_speed = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| SPEEDS.get(usize::try_from(s.selected_index()).ok()?))
                .map(|(v, _)| *v);
            if let Some(v) = v {
                send.emit(Action::Speed(v));
            }
        })
    };
    let pause = send.reform(|_| Action::TogglePause);
    let step = send.reform(|_| Action::Step);
    let reset = send.reform(|_| Action::Reset);
    let share = send.reform(|_| Action::Share);
    let link = p.shared.as_ref().map(|t| {
        let enc: String = js_sys::encode_uri_component(t).into();
        format!("{}#s={enc}", location().0)
    });
    html! {
        <header class="controls" role="toolbar" aria-label="time and nodes">
            <h1>{ "beamplay" }</h1>
            <button onclick={pause} aria-pressed={p.paused.to_string()}>
                { if p.paused { "resume" } else { "pause" } }
            </button>
            <button onclick={step} disabled={!p.paused}>{ "step" }</button>
            <label>{ "speed " }
                <select onchange={on_speed} aria-label="speed">
                    { for SPEEDS.iter().map(|(s, label)| html! {
                        <option selected={(*s - p.speed).abs() < 1e-9}>{ *label }</option>
                    }) }
                </select>
            </label>
            <button onclick={reset}>{ "reset" }</button>
            <ThemePicker theme={p.theme.clone()} pick={p.pick_theme.clone()} />
            <button onclick={share} title="a link that replays the nodes and lines of this session">{ "share" }</button>
            if let Some(link) = link {
                <input class="share" readonly=true value={link} aria-label="share link" />
            }
            <form class="add" onsubmit={add}>
                <input ref={name} placeholder="node4" aria-label="new node name" />
                <button type="submit">{ "add node" }</button>
            </form>
            if let Some(n) = &p.notice {
                <span class="notice" role="status">{ n }</span>
            }
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct ConsoleProps {
    view: ConsoleView,
    send: Callback<Action>,
}

/// One node's console: its transcript, and a prompt that takes a line
/// (several while the input is incomplete), with history on up/down.
#[function_component(ConsoleBox)]
fn console_box(p: &ConsoleProps) -> Html {
    let input = use_node_ref();
    let end = use_node_ref();
    let pending = use_state(String::new);
    let history = use_mut_ref(Vec::<String>::new);
    let back = use_mut_ref(|| 0usize);
    {
        let end = end.clone();
        use_effect_with(p.view.lines.len(), move |_| {
            if let Some(e) = end.cast::<web_sys::Element>() {
                e.scroll_into_view_with_bool(false);
            }
        });
    }
    let id = p.view.id;
    let onkeydown = {
        let input = input.clone();
        let pending = pending.clone();
        let send = p.send.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    let text = if pending.is_empty() {
                        line
                    } else {
                        format!("{}\n{line}", *pending)
                    };
                    if driver::incomplete(&text) {
                        pending.set(text);
                        return;
                    }
                    pending.set(String::new());
                    if !text.trim().is_empty() {
                        history.borrow_mut().push(text.clone());
                        *back.borrow_mut() = 0;
                        send.emit(Action::Submit(id, text));
                    }
                }
                "c" if e.ctrl_key() => {
                    e.prevent_default();
                    pending.set(String::new());
                    send.emit(Action::Interrupt(id));
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let h = history.borrow();
                    let mut b = back.borrow_mut();
                    *b = if e.key() == "ArrowUp" {
                        (*b + 1).min(h.len())
                    } else {
                        b.saturating_sub(1)
                    };
                    let text = match *b {
                        0 => String::new(),
                        n => h[h.len() - n].clone(),
                    };
                    field.set_value(&text);
                }
                _ => {}
            }
        })
    };
    let v = &p.view;
    let prompt = if pending.is_empty() {
        v.prompt.clone()
    } else {
        v.continuation.clone()
    };
    let copy = {
        let lines = p.view.lines.clone();
        Callback::from(move |_: MouseEvent| {
            let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
            if let Some(w) = web_sys::window() {
                // the promise says whether the page may write the
                // clipboard; a refusal leaves nothing to undo
                let _ = w.navigator().clipboard().write_text(&text.join("\n"));
            }
        })
    };
    // (text, what it does, shown): the buttons of the header, each
    // labelled with its node for screen readers and tests
    let buttons = [
        ("interrupt", Action::Interrupt(id), v.busy),
        ("kill", Action::Fault(Fault::Kill(id)), v.alive),
        ("restart", Action::Fault(Fault::Restart(id)), true),
        ("remove", Action::Fault(Fault::Remove(id)), true),
        ("clear the transcript of", Action::Clear(id), true),
    ];
    let buttons = buttons.into_iter().filter(|b| b.2).map(|(what, action, _)| {
        let onclick = p.send.reform(move |_: MouseEvent| action.clone());
        html! {
            <button {onclick} aria-label={format!("{what} {}", v.name)}>{ what.split(' ').next() }</button>
        }
    });
    let state = match (v.alive, v.busy, v.waiting) {
        (false, _, _) => "down",
        (true, true, true) => "waiting",
        (true, true, false) => "running",
        (true, false, _) => "ready",
    };
    html! {
        <article class={classes!("console", state)} aria-label={format!("console of {}", v.name)}>
            <header>
                <h2>{ &v.name }</h2>
                <span class="state" role="status">{ state }</span>
                { for buttons }
                <button onclick={copy} aria-label={format!("copy the transcript of {}", v.name)}>{ "copy" }</button>
            </header>
            <pre class="lines" role="log" aria-live="polite">
                { for v.lines.iter().map(|l| html! {
                    <div class={line_class(l.kind)}>{ &l.text }</div>
                }) }
                <div ref={end}></div>
            </pre>
            if v.alive {
                <div class="prompt">
                    <label for={format!("in-{id}")}>{ prompt }</label>
                    <input id={format!("in-{id}")} ref={input} {onkeydown}
                        spellcheck="false" autocomplete="off"
                        aria-label={format!("input for {}", v.name)} />
                </div>
            }
        </article>
    }
}

fn line_class(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Input => "in",
        LineKind::Value => "value",
        LineKind::Output | LineKind::Exit => "out",
        LineKind::Log => "log",
        LineKind::Note => "note",
    }
}
