//! The message sequence diagram and the event log.
//!
//! The diagram gives each frame a row of its own, in the order the frames
//! were sent (with loopback latencies microseconds apart, a time scale
//! would stack them flat), with a lane per node. An arrow is labelled
//! with what it carries, shortened; the arrow under the pointer (or
//! focused) is drawn bold and its full text shows under the diagram. The
//! services' traffic comes in runs (a connection, a registration): each
//! run is one row, "system: connect, global ×14", that opens into its
//! frames. The log says the same in words, newest first.
use std::rc::Rc;

use beamplay_cluster::session::{FrameEntry, LogEntry};
use beamplay_cluster::NodeId;
use yew::prelude::*;

use crate::numbers::{coord, ms};
use crate::store::Action;

#[derive(Properties)]
pub struct DiagramProps {
    pub frames: Rc<Vec<FrameEntry>>,
    /// Node names by id.
    pub names: Rc<Vec<String>>,
    /// The nodes with a lane, left to right (removed nodes have none).
    pub lanes: Rc<Vec<NodeId>>,
    /// The World's clock while a frame is on its way (its arrow grows
    /// with it).
    pub now_us: Option<u64>,
    pub show_user: bool,
    /// Every system run is open.
    pub show_system: bool,
    pub send: Callback<Action>,
}

/// New frames are a new list: compared by identity.
impl PartialEq for DiagramProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.frames, &o.frames)
            && self.names == o.names
            && self.lanes == o.lanes
            && self.now_us == o.now_us
            && self.show_user == o.show_user
            && self.show_system == o.show_system
    }
}

/// Rows drawn at once, the newest.
const DRAWN: usize = 60;
const WIDTH: f64 = 520.0;
/// Height of a row, in the SVG's units (CSS pixels at full width).
const ROW: f64 = 26.0;
/// The lane names above the rows.
const TOP: f64 = 22.0;
/// How far an arrow falls from its start to its end, so that its
/// direction shows even between neighbouring lanes.
const FALL: f64 = 8.0;
/// Characters of a label on an arrow.
const LABEL: usize = 30;

/// How far along its link a frame is at `now_us`, from 0 (just sent) to
/// 1 (arrived), if it is on its way.
pub fn in_flight(f: &FrameEntry, now_us: u64) -> Option<f64> {
    (f.sent_us <= now_us && now_us < f.arrives_us)
        .then(|| (now_us - f.sent_us) as f64 / (f.arrives_us - f.sent_us) as f64)
}

/// A frame's label: what it does in a word (from its control message's
/// name) and what it carries, as in `send {:hello, 1}`.
fn label(text: &str) -> String {
    let (control, payload) = match text.split_once(" carrying ") {
        Some((control, payload)) => (control, Some(payload)),
        None => (text, None),
    };
    let op = control.split(' ').next().unwrap_or(control);
    let verb = match op {
        "SEND_SENDER" | "REG_SEND" | "ALIAS_SEND" | "SEND" => "send",
        "SPAWN_REQUEST" => "spawn",
        "SPAWN_REPLY" => "spawned",
        "MONITOR_P" => "monitor",
        "DEMONITOR_P" => "demonitor",
        "PAYLOAD_MONITOR_P_EXIT" => "DOWN",
        "PAYLOAD_EXIT" | "PAYLOAD_EXIT2" => "exit",
        "LINK" => "link",
        "UNLINK_ID" | "UNLINK_ID_ACK" => "unlink",
        other => other,
    };
    match payload {
        Some(payload) => shorten(&format!("{verb} {payload}"), LABEL),
        None => shorten(verb, LABEL),
    }
}

/// `text` cut to `n` characters, with an ellipsis if it was longer.
fn shorten(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The services a frame of the system's speaks for, by the names its
/// text holds (a connection's own frames are `connect`, `accept`,
/// `close`).
fn service(text: &str) -> &'static str {
    const SERVICES: [(&str, &str); 8] = [
        ("global_name_server", "global"),
        ("global_group", "global"),
        (":rex", "rpc"),
        ("net_kernel", "net_kernel"),
        (":pg", "pg"),
        ("connect", "connect"),
        ("accept", "connect"),
        ("close", "close"),
    ];
    SERVICES
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map_or("kernel", |(_, name)| name)
}

/// A row of the diagram: a frame, or a run of the system's frames.
enum Row<'a> {
    Frame(usize, &'a FrameEntry),
    /// The run's first frame's index (its key), and its frames.
    Run(usize, Vec<&'a FrameEntry>),
}

/// The rows of `frames`: user frames one a row (if shown), each run of
/// system frames one row unless open (`open` holds the runs opened by
/// their first frame's send time).
fn rows<'a>(
    frames: &'a [FrameEntry],
    show_user: bool,
    all_open: bool,
    open: &[u64],
) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    let mut run: Vec<(usize, &FrameEntry)> = Vec::new();
    let flush = |run: &mut Vec<(usize, &'a FrameEntry)>, rows: &mut Vec<Row<'a>>| {
        let Some(&(first, f)) = run.first() else {
            return;
        };
        if all_open || open.contains(&f.sent_us) {
            rows.push(Row::Run(first, Vec::new()));
            rows.extend(run.iter().map(|(i, f)| Row::Frame(*i, f)));
        } else {
            rows.push(Row::Run(first, run.iter().map(|(_, f)| *f).collect()));
        }
        run.clear();
    };
    for (i, f) in frames.iter().enumerate() {
        if f.system {
            run.push((i, f));
        } else {
            flush(&mut run, &mut rows);
            if show_user {
                rows.push(Row::Frame(i, f));
            }
        }
    }
    flush(&mut run, &mut rows);
    rows
}

/// "system: connect, global ×14": what a closed run holds.
fn run_label(run: &[&FrameEntry]) -> String {
    let mut services: Vec<&str> = Vec::new();
    for f in run {
        let s = service(&f.text);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    format!("system: {} ×{}", services.join(", "), run.len())
}

#[function_component(Diagram)]
pub fn diagram(p: &DiagramProps) -> Html {
    // runs opened by a click, by their first frame's send time
    let open = use_state(Vec::<u64>::new);
    // the full text of the arrow under the pointer
    let hovered = use_state(|| None::<String>);
    let scroller = use_node_ref();
    let lane = |id: NodeId| p.lanes.iter().position(|l| *l == id);
    let frames: Vec<FrameEntry> = p
        .frames
        .iter()
        .filter(|f| lane(f.from).is_some() && lane(f.to).is_some())
        .cloned()
        .collect();
    let all = rows(&frames, p.show_user, p.show_system, &open);
    let shown = &all[all.len().saturating_sub(DRAWN)..];
    let height = TOP + ROW * shown.len().max(1) as f64 + 6.0;
    {
        // the newest row in sight, as a log scrolls
        let scroller = scroller.clone();
        use_effect_with(shown.len(), move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let lanes = p.lanes.len().max(1);
    let lane_x = |id: NodeId| WIDTH * (lane(id).unwrap_or(0) as f64 + 0.5) / lanes as f64;
    let name = |id: NodeId| {
        let n = p.names.get(id).map_or("?", String::as_str);
        n.split('@').next().unwrap_or(n).to_string()
    };
    let row_html = shown.iter().enumerate().map(|(k, row)| {
        let y = TOP + ROW * k as f64 + ROW / 2.0;
        match row {
            Row::Frame(i, f) => {
                let (x1, y1) = (lane_x(f.from), y - FALL / 2.0);
                // a frame on its way is drawn as far as it has come
                let done = p.now_us.and_then(|now| in_flight(f, now)).unwrap_or(1.0);
                let x2 = x1 + (lane_x(f.to) - x1) * done;
                let y2 = y1 + FALL * done;
                let full = format!(
                    "{} → {}, sent at {} ms, {} ms on the way: {}",
                    name(f.from),
                    name(f.to),
                    ms(f.sent_us, 3),
                    ms(f.arrives_us.saturating_sub(f.sent_us), 3),
                    f.text
                );
                let label = label(&f.text);
                let show = {
                    let (hovered, full) = (hovered.clone(), full.clone());
                    move || hovered.set(Some(full.clone()))
                };
                let enter = {
                    let show = show.clone();
                    Callback::from(move |_: MouseEvent| show())
                };
                let focus = Callback::from(move |_: FocusEvent| show());
                let mid = (x1 + lane_x(f.to)) / 2.0;
                let flying = (done < 1.0).then_some("flying");
                html! {
                    <g key={format!("f{i}")} class={classes!("arrow", if f.system { "system" } else { "user" }, flying)}
                        tabindex="0" onmouseenter={enter} onfocus={focus}>
                        <title>{ full }</title>
                        <line class="hit" x1={coord(x1)} y1={coord(y1)} x2={coord(lane_x(f.to))} y2={coord(y1 + FALL)} />
                        <line x1={coord(x1)} y1={coord(y1)} x2={coord(x2)} y2={coord(y2)} />
                        <circle cx={coord(x2)} cy={coord(y2)} r="3" />
                        <text x={coord(mid)} y={coord(y1 - 3.0)} text-anchor="middle">{ label }</text>
                    </g>
                }
            }
            Row::Run(first, run) => {
                let key = frames.get(*first).map_or(0, |f| f.sent_us);
                let opened = run.is_empty();
                let toggle = {
                    let open = open.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut now = (*open).clone();
                        match now.iter().position(|k| *k == key) {
                            Some(at) => {
                                now.remove(at);
                            }
                            None => now.push(key),
                        }
                        open.set(now);
                    })
                };
                let text = if opened {
                    "▾ system frames (click to close)".to_string()
                } else {
                    format!("▸ {} (click to open)", run_label(run))
                };
                html! {
                    <g key={format!("r{first}")} class="run" onclick={toggle} role="button"
                        aria-expanded={opened.to_string()}>
                        <rect x="2" y={coord(y - ROW / 2.0 + 3.0)} width={coord(WIDTH - 4.0)} height={coord(ROW - 6.0)} rx="3" />
                        <text x="8" y={coord(y + 4.0)}>{ text }</text>
                    </g>
                }
            }
        }
    });
    let lifelines = p.lanes.iter().map(|&id| {
        let x = lane_x(id);
        html! {
            <g class="lifeline">
                <text x={coord(x)} y="14" text-anchor="middle">{ name(id) }</text>
                <line x1={coord(x)} y1={coord(TOP)} x2={coord(x)} y2={coord(height)} />
            </g>
        }
    });
    let user = p.send.reform(|_| Action::ToggleUser);
    let system = p.send.reform(|_| Action::ToggleSystem);
    html! {
        <section class="panel trace" aria-label="messages between nodes">
            <div class="filters" role="group" aria-label="traffic shown">
                <label><input type="checkbox" checked={p.show_user} onclick={user} />{ " user processes" }</label>
                <label><input type="checkbox" checked={p.show_system} onclick={system} />{ " open every system run (net_kernel, global, rex, pg)" }</label>
            </div>
            <div class="diagram" ref={scroller}>
                <svg viewBox={format!("0 0 {} {}", coord(WIDTH), coord(height))} role="img"
                    aria-label="sequence diagram: a row per frame, in the order they were sent, from the sender's lane to the receiver's">
                    { for lifelines }
                    { for row_html }
                </svg>
            </div>
            <p class="hovered" aria-live="polite">
                { (*hovered).clone().unwrap_or_else(|| "point at an arrow for what it carries".into()) }
            </p>
        </section>
    }
}

#[derive(Properties)]
pub struct EventLogProps {
    pub log: Rc<Vec<LogEntry>>,
    pub names: Rc<Vec<String>>,
    pub show_user: bool,
    pub show_system: bool,
}

impl PartialEq for EventLogProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.log, &o.log)
            && self.names == o.names
            && self.show_user == o.show_user
            && self.show_system == o.show_system
    }
}

/// Log lines shown, the newest.
const LOGGED: usize = 200;

/// What happened, newest first: frames, links, monitors, registrations.
#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let entries: Vec<&LogEntry> = p
        .log
        .iter()
        .filter(|e| if e.system { p.show_system } else { p.show_user })
        .collect();
    let entries = &entries[entries.len().saturating_sub(LOGGED)..];
    let log = entries.iter().rev().map(|e| {
        html! {
            <li class={if e.system { "system" } else { "user" }}>
                <span class="t">{ ms(e.at_us, 1) }</span>
                <span class="n">{ p.names.get(e.node).map_or("?", |n| n.split('@').next().unwrap_or(n)) }</span>
                { &e.text }
            </li>
        }
    });
    html! {
        <section class="panel trace" aria-label="event log">
            <h3>{ "event log, newest first (the filters of the messages tab apply)" }</h3>
            <ol class="log" role="log">{ for log }</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(system: bool, sent_us: u64, text: &str) -> FrameEntry {
        FrameEntry {
            from: 0,
            to: 1,
            sent_us,
            arrives_us: sent_us + 5,
            text: text.to_string(),
            system,
        }
    }

    #[test]
    fn system_runs_close_into_one_row_and_open_on_demand() {
        let frames = vec![
            frame(true, 1, "connect"),
            frame(
                true,
                2,
                "REG_SEND {6, #PID<0.1.0>, :\"\", :global_name_server} carrying x",
            ),
            frame(
                false,
                3,
                "SEND {2, :\"\", #PID<0.110.0>} carrying {:hello, 1}",
            ),
            frame(true, 4, "REG_SEND {6, #PID<0.1.0>, :\"\", :rex} carrying y"),
        ];
        let closed = rows(&frames, true, false, &[]);
        assert_eq!(closed.len(), 3);
        assert!(
            matches!(&closed[0], Row::Run(0, run) if run_label(run) == "system: connect, global ×2")
        );
        assert!(matches!(closed[1], Row::Frame(2, _)));
        let opened = rows(&frames, true, false, &[1]);
        assert_eq!(opened.len(), 5);
        assert!(matches!(&opened[0], Row::Run(0, run) if run.is_empty()));
        assert_eq!(rows(&frames, false, true, &[]).len(), 5);
        assert_eq!(label(&frames[2].text), "send {:hello, 1}");
        assert_eq!(label("connect"), "connect");
        assert_eq!(
            label("SPAWN_REPLY {31, #Reference<0.1.2.3>, #PID<0.1.0>, 0}"),
            "spawned"
        );
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
