//! The topology: nodes on a circle and the link between each pair,
//! connected, idle or cut, with the frames on their way as dots moving
//! along it (a slow link shows them crawling). Clicking a link cuts it
//! or heals it.
use std::rc::Rc;

use beamplay_cluster::fault::Fault;
use beamplay_cluster::observe::Snapshot;
use beamplay_cluster::session::FrameEntry;
use beamplay_cluster::NodeId;
use yew::prelude::*;

use crate::diagram::in_flight;
use crate::numbers::{coord, latency};
use crate::store::Action;

#[derive(Properties)]
pub struct TopologyProps {
    pub snapshot: Rc<Snapshot>,
    /// The latest frames, for those on their way.
    pub frames: Rc<Vec<FrameEntry>>,
    /// The clock while a frame is on its way.
    pub now_us: Option<u64>,
    pub send: Callback<Action>,
}

/// A new snapshot is a new frame: compared by identity, not contents.
impl PartialEq for TopologyProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot)
            && Rc::ptr_eq(&self.frames, &other.frames)
            && self.now_us == other.now_us
            && self.send == other.send
    }
}

/// One-way latencies a link can be given from the panel, in ms.
const LATENCIES: [u64; 6] = [0, 1, 10, 50, 200, 1000];

const SIZE: f64 = 260.0;
const RADIUS: f64 = 95.0;

/// Where node `i` of `n` sits.
fn place(i: usize, n: usize) -> (f64, f64) {
    let angle = std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
    (
        SIZE / 2.0 + RADIUS * angle.cos(),
        SIZE / 2.0 + RADIUS * angle.sin(),
    )
}

#[function_component(Topology)]
pub fn topology(p: &TopologyProps) -> Html {
    let nodes = &p.snapshot.nodes;
    // removed nodes leave the circle; the others keep their order
    let shown: Vec<NodeId> = nodes.iter().filter(|x| !x.removed).map(|x| x.id).collect();
    let n = shown.len();
    let at = |id: NodeId| place(shown.iter().position(|s| *s == id).unwrap_or(0), n);
    let links = p.snapshot.links.iter().map(|l| {
        let ((x1, y1), (x2, y2)) = (at(l.a), at(l.b));
        let (a, b) = (l.a, l.b);
        let cut = l.cut;
        let toggle = move || {
            Action::Fault(if cut {
                Fault::Heal(a, b)
            } else {
                Fault::Disconnect(a, b)
            })
        };
        let onclick = p.send.reform(move |_: MouseEvent| toggle());
        // a link is a button for the keyboard too, acting as buttons do:
        // Enter as it goes down (once, however long it is held), Space as
        // it comes up
        let onkeydown = {
            let send = p.send.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Enter" if !e.repeat() => {
                    e.prevent_default();
                    send.emit(toggle());
                }
                // no scrolling the page
                " " => e.prevent_default(),
                _ => {}
            })
        };
        let onkeyup = {
            let send = p.send.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == " " {
                    send.emit(toggle());
                }
            })
        };
        let state = if l.cut {
            "cut"
        } else if l.connected {
            "up"
        } else {
            "idle"
        };
        let name = |i: usize| nodes.get(i).map_or("?", |x| x.name.as_str());
        let title = format!(
            "{} - {}: {state}, {} ms one way; click or press Enter to {}",
            name(a),
            name(b),
            latency(l.latency_ms),
            if cut { "heal" } else { "cut" }
        );
        html! {
            <g key={format!("{a}-{b}")} class={classes!("link", state)} {onclick} {onkeydown} {onkeyup}
                tabindex="0" role="button" aria-label={title.clone()}>
                <title>{ title }</title>
                <line x1={coord(x1)} y1={coord(y1)} x2={coord(x2)} y2={coord(y2)} class="hit" />
                <line x1={coord(x1)} y1={coord(y1)} x2={coord(x2)} y2={coord(y2)} />
            </g>
        }
    });
    // frames on their way, each a dot as far along its link as it has come
    let up = |a: NodeId, b: NodeId| {
        let (a, b) = (a.min(b), a.max(b));
        let alive = |id: NodeId| nodes.get(id).is_some_and(|x| x.alive);
        alive(a)
            && alive(b)
            && p.snapshot
                .links
                .iter()
                .any(|l| (l.a, l.b) == (a, b) && !l.cut)
    };
    let dots = p.frames.iter().filter_map(|f| {
        let done = p.now_us.and_then(|now| in_flight(f, now))?;
        // a cut link or a dead node lost what was on its way
        if !up(f.from, f.to) {
            return None;
        }
        let ((x1, y1), (x2, y2)) = (at(f.from), at(f.to));
        let (x, y) = (x1 + (x2 - x1) * done, y1 + (y2 - y1) * done);
        Some(html! {
            <circle class={classes!("frame", if f.system { "system" } else { "user" })}
                cx={coord(x)} cy={coord(y)} r="4">
                <title>{ &f.text }</title>
            </circle>
        })
    });
    let circles = nodes.iter().filter(|x| !x.removed).map(|node| {
        let (x, y) = at(node.id);
        let short = node
            .name
            .split('@')
            .next()
            .unwrap_or(&node.name)
            .to_string();
        let state = if node.alive { "alive" } else { "dead" };
        html! {
            <g class={classes!("node", state)}>
                <title>{ format!("{} ({state}, creation {})", node.name, node.creation) }</title>
                <circle cx={coord(x)} cy={coord(y)} r="26" />
                <text x={coord(x)} y={coord(y + 5.0)} text-anchor="middle">{ short }</text>
            </g>
        }
    });
    let slow = p.snapshot.links.iter().map(|l| {
        let (a, b) = (l.a, l.b);
        let short = |i: usize| {
            nodes
                .get(i)
                .map_or("?", |x| x.name.split('@').next().unwrap_or(&x.name))
                .to_string()
        };
        let label = format!("{} - {}", short(a), short(b));
        let onchange = p.send.reform(move |e: Event| {
            let ms = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| u64::from_str_radix(&s.value(), 10).ok())
                .unwrap_or(0);
            Action::Fault(Fault::Latency(a, b, ms))
        });
        let current = l.latency_ms;
        html! {
            <label class="latency">{ format!("{label} ") }
                <select {onchange} aria-label={format!("latency {label}")}>
                    if !LATENCIES.iter().any(|ms| (*ms as f64 - current).abs() < 1e-9) {
                        <option selected=true>{ format!("{} ms", latency(current)) }</option>
                    }
                    { for LATENCIES.iter().map(|ms| html! {
                        <option value={ms.to_string()} selected={(*ms as f64 - current).abs() < 1e-9}>{ format!("{ms} ms") }</option>
                    }) }
                </select>
            </label>
        }
    });
    html! {
        <section class="panel topology" aria-label="topology">
            <h3>{ "topology (click a link, or Tab to it and press Enter, to cut or heal it)" }</h3>
            <svg viewBox={format!("0 0 {} {}", coord(SIZE), coord(SIZE))} role="group" aria-label="nodes and links">
                { for links }
                { for circles }
                { for dots }
            </svg>
            <div class="latencies" role="group" aria-label="one-way latency per link">{ for slow }</div>
        </section>
    }
}
