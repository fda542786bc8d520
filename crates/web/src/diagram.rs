//! The message sequence diagram (frames between nodes, drawn from when
//! they were sent to when they arrive, so a slow link shows as a steep
//! arrow) and the event log, each with the user's and the services'
//! traffic filtered apart.
use std::rc::Rc;

use beamplay_cluster::session::{FrameEntry, LogEntry};
use beamplay_cluster::NodeId;
use yew::prelude::*;

use crate::numbers::{coord, ms};
use crate::store::Action;

#[derive(Properties)]
pub struct DiagramProps {
    pub frames: Rc<Vec<FrameEntry>>,
    pub log: Rc<Vec<LogEntry>>,
    /// Node names by id.
    pub names: Rc<Vec<String>>,
    /// The nodes with a lifeline, left to right (removed nodes have none).
    pub lanes: Rc<Vec<NodeId>>,
    /// The World's clock while a frame is on its way (its arrow grows
    /// with it).
    pub now_us: Option<u64>,
    pub show_user: bool,
    pub show_system: bool,
    pub send: Callback<Action>,
}

/// New frames and log entries are new lists: compared by identity.
impl PartialEq for DiagramProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.frames, &o.frames)
            && Rc::ptr_eq(&self.log, &o.log)
            && self.names == o.names
            && self.lanes == o.lanes
            && self.now_us == o.now_us
            && self.show_user == o.show_user
            && self.show_system == o.show_system
    }
}

/// Frames drawn at once, the newest.
const DRAWN: usize = 40;
/// Log lines shown, the newest.
const LOGGED: usize = 120;
const WIDTH: f64 = 460.0;
const HEIGHT: f64 = 320.0;
const TOP: f64 = 24.0;

/// How far along its link a frame is at `now_us`, from 0 (just sent) to
/// 1 (arrived), if it is on its way.
pub fn in_flight(f: &FrameEntry, now_us: u64) -> Option<f64> {
    (f.sent_us <= now_us && now_us < f.arrives_us)
        .then(|| (now_us - f.sent_us) as f64 / (f.arrives_us - f.sent_us) as f64)
}

#[function_component(Diagram)]
pub fn diagram(p: &DiagramProps) -> Html {
    let shown = |system: bool| if system { p.show_system } else { p.show_user };
    let lane = |id: NodeId| p.lanes.iter().position(|l| *l == id);
    let frames: Vec<&FrameEntry> = p
        .frames
        .iter()
        .filter(|f| shown(f.system) && lane(f.from).is_some() && lane(f.to).is_some())
        .collect();
    let frames = &frames[frames.len().saturating_sub(DRAWN)..];
    let lanes = p.lanes.len().max(1);
    let lane_x = |id: NodeId| WIDTH * (lane(id).unwrap_or(0) as f64 + 0.5) / lanes as f64;
    let (t0, t1) = frames.iter().fold((u64::MAX, 0), |(lo, hi), f| {
        (lo.min(f.sent_us), hi.max(f.arrives_us))
    });
    let span = t1.saturating_sub(t0).max(1) as f64;
    let y = |t: u64| TOP + (HEIGHT - TOP - 8.0) * t.saturating_sub(t0) as f64 / span;
    let arrows = frames.iter().map(|f| {
        let (x1, y1) = (lane_x(f.from), y(f.sent_us));
        // a frame on its way is drawn as far as it has come
        let done = p.now_us.and_then(|now| in_flight(f, now)).unwrap_or(1.0);
        let x2 = x1 + (lane_x(f.to) - x1) * done;
        let y2 = y1 + (y(f.arrives_us) - y1) * done;
        let title = format!(
            "{} → {}, {} ms: {}",
            p.names.get(f.from).map_or("?", String::as_str),
            p.names.get(f.to).map_or("?", String::as_str),
            ms(f.arrives_us.saturating_sub(f.sent_us), 3),
            f.text
        );
        let flying = (done < 1.0).then_some("flying");
        html! {
            <g class={classes!("arrow", if f.system { "system" } else { "user" }, flying)}>
                <title>{ title }</title>
                <line x1={coord(x1)} y1={coord(y1)} x2={coord(x2)} y2={coord(y2)} />
                <circle cx={coord(x2)} cy={coord(y2)} r="3" />
            </g>
        }
    });
    let lifelines = p.lanes.iter().map(|&id| {
        let x = lane_x(id);
        let n = p.names.get(id).map_or("?", String::as_str);
        let short = n.split('@').next().unwrap_or(n).to_string();
        html! {
            <g class="lifeline">
                <text x={coord(x)} y="14" text-anchor="middle">{ short }</text>
                <line x1={coord(x)} y1={coord(TOP)} x2={coord(x)} y2={coord(HEIGHT)} />
            </g>
        }
    });
    let entries: Vec<&LogEntry> = p.log.iter().filter(|e| shown(e.system)).collect();
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
    let user = p.send.reform(|_| Action::ToggleUser);
    let system = p.send.reform(|_| Action::ToggleSystem);
    html! {
        <section class="panel trace" aria-label="messages between nodes">
            <h3>{ "messages between nodes" }</h3>
            <div class="filters" role="group" aria-label="traffic shown">
                <label><input type="checkbox" checked={p.show_user} onclick={user} />{ " user processes" }</label>
                <label><input type="checkbox" checked={p.show_system} onclick={system} />{ " system (net_kernel, global, rex, pg)" }</label>
            </div>
            <svg viewBox={format!("0 0 {} {}", coord(WIDTH), coord(HEIGHT))} role="img"
                aria-label="sequence diagram: an arrow per frame, from when it was sent to when it arrived">
                { for lifelines }
                { for arrows }
            </svg>
            <h3>{ "event log (newest first)" }</h3>
            <ol class="log" role="log">{ for log }</ol>
        </section>
    }
}
