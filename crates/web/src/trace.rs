//! The message sequence diagram (frames between nodes, drawn from when
//! they were sent to when they arrive, so a slow link shows as a steep
//! arrow) and the event log, each with the user's and the services'
//! traffic filtered apart.
use std::rc::Rc;

use beamplay_cluster::session::{FrameEntry, LogEntry};
use yew::prelude::*;

use crate::store::Action;

#[derive(Properties)]
pub struct TraceProps {
    pub frames: Rc<Vec<FrameEntry>>,
    pub log: Rc<Vec<LogEntry>>,
    /// Node names by id.
    pub names: Rc<Vec<String>>,
    pub show_user: bool,
    pub show_system: bool,
    pub send: Callback<Action>,
}

/// New frames and log entries are new lists: compared by identity.
impl PartialEq for TraceProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.frames, &o.frames)
            && Rc::ptr_eq(&self.log, &o.log)
            && self.names == o.names
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

#[function_component(Trace)]
pub fn trace(p: &TraceProps) -> Html {
    let shown = |system: bool| if system { p.show_system } else { p.show_user };
    let frames: Vec<&FrameEntry> = p.frames.iter().filter(|f| shown(f.system)).collect();
    let frames = &frames[frames.len().saturating_sub(DRAWN)..];
    let lanes = p.names.len().max(1);
    let lane_x = |i: usize| WIDTH * (i as f64 + 0.5) / lanes as f64;
    let (t0, t1) = frames.iter().fold((u64::MAX, 0), |(lo, hi), f| {
        (lo.min(f.sent_us), hi.max(f.arrives_us))
    });
    let span = t1.saturating_sub(t0).max(1) as f64;
    let y = |t: u64| TOP + (HEIGHT - TOP - 8.0) * t.saturating_sub(t0) as f64 / span;
    let arrows = frames.iter().map(|f| {
        let (x1, y1, x2, y2) = (lane_x(f.from), y(f.sent_us), lane_x(f.to), y(f.arrives_us));
        let title = format!(
            "{} → {}, {:.3} ms: {}",
            p.names.get(f.from).map_or("?", String::as_str),
            p.names.get(f.to).map_or("?", String::as_str),
            f.arrives_us.saturating_sub(f.sent_us) as f64 / 1000.0,
            f.text
        );
        html! {
            <g class={classes!("arrow", if f.system { "system" } else { "user" })}>
                <title>{ title }</title>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                <circle cx={x2.to_string()} cy={y2.to_string()} r="3" />
            </g>
        }
    });
    let lifelines = p.names.iter().enumerate().map(|(i, n)| {
        let x = lane_x(i);
        let short = n.split('@').next().unwrap_or(n).to_string();
        html! {
            <g class="lifeline">
                <text x={x.to_string()} y="14" text-anchor="middle">{ short }</text>
                <line x1={x.to_string()} y1={TOP.to_string()} x2={x.to_string()} y2={HEIGHT.to_string()} />
            </g>
        }
    });
    let entries: Vec<&LogEntry> = p.log.iter().filter(|e| shown(e.system)).collect();
    let entries = &entries[entries.len().saturating_sub(LOGGED)..];
    let log = entries.iter().rev().map(|e| {
        html! {
            <li class={if e.system { "system" } else { "user" }}>
                <span class="t">{ format!("{:.1}", e.at_us as f64 / 1000.0) }</span>
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
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-label="sequence diagram: an arrow per frame, from when it was sent to when it arrived">
                { for lifelines }
                { for arrows }
            </svg>
            <h3>{ "event log (newest first)" }</h3>
            <ol class="log" role="log">{ for log }</ol>
        </section>
    }
}
