//! Live panels: each node's own view of the :global names (sides of a
//! partition disagree), locks with holders and waiters, :pg and :pg2
//! groups, registered names, and every process of a node in a scrolled
//! list that builds only the rows in sight.
use std::rc::Rc;

use beamplay_cluster::observe::{Snapshot, WaiterSnapshot};
use beamplay_cluster::NodeId;
use yew::prelude::*;

use crate::numbers::coord;
use crate::store::{Action, MailboxView};

/// The live panels, one shown at a time (the page's tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    Global,
    Locks,
    Groups,
    Names,
    Processes,
}

impl PanelKind {
    /// The panel's label (its section's `aria-label`).
    pub fn label(self) -> &'static str {
        match self {
            PanelKind::Global => "global names",
            PanelKind::Locks => "global locks",
            PanelKind::Groups => "process groups",
            PanelKind::Names => "registered names",
            PanelKind::Processes => "processes",
        }
    }
}

#[derive(Properties)]
pub struct PanelsProps {
    pub kind: PanelKind,
    pub snapshot: Rc<Snapshot>,
    pub mailbox: Option<MailboxView>,
    /// The node whose processes are listed.
    pub rows_node: NodeId,
    pub send: Callback<Action>,
}

/// A new snapshot is a new frame: compared by identity, not contents.
impl PartialEq for PanelsProps {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && Rc::ptr_eq(&self.snapshot, &other.snapshot)
            && self.mailbox == other.mailbox
            && self.rows_node == other.rows_node
            && self.send == other.send
    }
}

#[function_component(Panels)]
pub fn panels(p: &PanelsProps) -> Html {
    let live = || p.snapshot.nodes.iter().filter(|n| n.alive);
    let now = p.snapshot.now_us;
    let label = p.kind.label();
    match p.kind {
        PanelKind::Global => table(
            label,
            ":global names, as each node sees them",
            &[],
            live().map(|n| {
                let names = n
                    .global_names
                    .iter()
                    .map(|(name, pid, node)| format!("{name} → {pid} on {node}"));
                vec![n.name.clone(), names.collect::<Vec<_>>().join("\n")]
            }),
        ),
        PanelKind::Locks => table(
            label,
            "global locks, as each node sees them (a waiter retries after a random sleep)",
            &["node", "resource", "holders", "waiting"],
            live().flat_map(|n| {
                n.locks.iter().map(|l| {
                    let waiters = l.waiters.iter().map(|w| waiter(w, now));
                    vec![
                        n.name.clone(),
                        l.resource.clone(),
                        l.holders.join(", "),
                        waiters.collect::<Vec<_>>().join("\n"),
                    ]
                })
            }),
        ),
        PanelKind::Groups => table(
            label,
            ":pg and :pg2 groups, as each node sees them",
            &[],
            live().flat_map(|n| {
                n.groups.iter().map(|g| {
                    vec![
                        n.name.clone(),
                        format!("{} {}", g.scope, g.name),
                        g.members.join(", "),
                    ]
                })
            }),
        ),
        PanelKind::Names => table(
            label,
            "registered names",
            &[],
            live().map(|n| {
                let names: Vec<&str> = n.registered.iter().map(|(name, _)| name.as_str()).collect();
                vec![n.name.clone(), names.join(", ")]
            }),
        ),
        PanelKind::Processes => html! {
            <>
                <Processes snapshot={p.snapshot.clone()} node={p.rows_node} send={p.send.clone()} />
                if let Some(m) = &p.mailbox {
                    <section class="panel mailbox" aria-label="mailbox">
                        <h3>{ mailbox_title(&p.snapshot, m) }</h3>
                        <button onclick={p.send.reform(|_| Action::Mailbox(None))}>{ "close" }</button>
                        <ol>{ for m.messages.iter().map(|msg| html! { <li><code>{ msg }</code></li> }) }</ol>
                        if m.messages.is_empty() {
                            <p>{ "empty" }</p>
                        }
                    </section>
                }
            </>
        },
    }
}

/// A panel of one table: a row per item, its node first.
fn table(label: &str, title: &str, head: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Html {
    let rows = rows.map(|cells| {
        let mut cells = cells.into_iter();
        html! {
            <tr>
                <th scope="row">{ cells.next().unwrap_or_default() }</th>
                { for cells.map(|c| html! { <td>{ c }</td> }) }
            </tr>
        }
    });
    html! {
        <section class="panel" aria-label={label.to_string()}>
            <h3>{ title }</h3>
            <table>
                if !head.is_empty() {
                    <thead><tr>{ for head.iter().map(|h| html! { <th>{ *h }</th> }) }</tr></thead>
                }
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}

/// "#PID<0.110.0>, attempt 3, next in 412 ms": a waiter of a lock, as
/// global.erl has it (attempts, and a retry after a random sleep).
fn waiter(w: &WaiterSnapshot, now_us: u64) -> String {
    let next = match w.retry_at_us.checked_sub(now_us) {
        Some(us) if us > 0 => format!("next in {} ms", us.div_ceil(1000)),
        _ => "trying now".to_string(),
    };
    format!("{}, attempt {}, {next}", w.pid, w.attempts)
}

/// "mailbox of #PID<0.112.0> on node1@localhost", and whether it is gone.
fn mailbox_title(snapshot: &Snapshot, m: &MailboxView) -> String {
    let node = snapshot.nodes.get(m.node).map_or("?", |n| n.name.as_str());
    let gone = if m.alive { "" } else { " (exited)" };
    format!("mailbox of {} on {node}{gone}", m.pid)
}

/// Height of a row of the process list, in CSS pixels (`.procs .row`
/// in style.css): rows are placed by number, so only those in sight
/// (and `store::PROCESS_ROWS` in all) are built, whatever the count.
const ROW_PX: f64 = 22.0;
/// Rows built above the first one in sight; with `store::PROCESS_ROWS` in
/// all, the 12 in sight (`.procs .scroll` is 264px) and 18 below.
const ABOVE: usize = 10;

#[derive(Properties)]
struct ProcessesProps {
    snapshot: Rc<Snapshot>,
    node: NodeId,
    send: Callback<Action>,
}

impl PartialEq for ProcessesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot) && self.node == other.node
    }
}

/// Every process of one node, a row each, in pid order: a scrolled
/// window over the list (the store builds the rows in sight only).
#[function_component(Processes)]
fn processes(p: &ProcessesProps) -> Html {
    // another node's list starts at its top
    let scroller = use_node_ref();
    {
        let scroller = scroller.clone();
        use_effect_with(p.node, move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
        });
    }
    let nodes = &p.snapshot.nodes;
    let tabs = nodes.iter().filter(|n| n.alive).map(|n| {
        let pick = p.send.reform({
            let id = n.id;
            move |_| Action::ProcessRows(id, 0)
        });
        html! {
            <button role="tab" aria-selected={(n.id == p.node).to_string()} onclick={pick}>
                { format!("{} ({})", n.name.split('@').next().unwrap_or(&n.name), n.process_count) }
            </button>
        }
    });
    let Some(n) = nodes.get(p.node).filter(|n| n.alive) else {
        return html! {
            <section class="panel procs" aria-label="processes">
                <h3>{ "processes" }</h3>
                <div role="tablist" aria-label="node">{ for tabs }</div>
            </section>
        };
    };
    let onscroll = {
        let (send, node, from) = (p.send.clone(), n.id, n.rows_from);
        Callback::from(move |e: Event| {
            let Some(el) = e.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let first = (f64::from(el.scroll_top()) / ROW_PX) as usize;
            let want = first.saturating_sub(ABOVE);
            // a window ABOVE rows above the first in sight, asked for again
            // once it has moved by half that: the rows in sight stay built
            if want.abs_diff(from) >= ABOVE / 2 {
                send.emit(Action::ProcessRows(node, want));
            }
        })
    };
    let rows = n.processes.iter().enumerate().map(|(i, pv)| {
        let row = n.rows_from + i;
        let show = p.send.reform({
            let (node, id) = (n.id, pv.id);
            move |_| Action::Mailbox(Some((node, id)))
        });
        html! {
            <div class="row" role="row" key={pv.id} aria-rowindex={(row + 2).to_string()}
                style={format!("top:{}px", coord(row as f64 * ROW_PX))}>
                <span role="cell"><button class="pid" onclick={show} title="show its mailbox">{ &pv.pid }</button></span>
                { for [pv.name.clone().unwrap_or_default(), pv.status.clone(), pv.current.clone(),
                       pv.mailbox.to_string(), pv.links.join(", "), pv.monitors.join(", ")]
                    .into_iter().map(|c| html! { <span role="cell" title={c.clone()}>{ c }</span> }) }
            </div>
        }
    });
    let height = format!("height:{}px", coord(n.process_count as f64 * ROW_PX));
    html! {
        <section class="panel procs" aria-label="processes">
            <h3>{ format!("processes of {} (click a pid for its mailbox)", n.name) }</h3>
            <div role="tablist" aria-label="node">{ for tabs }</div>
            <div class="table" role="table" aria-rowcount={(n.process_count + 1).to_string()}
                aria-label={format!("processes of {}", n.name)}>
                <div class="row head" role="row" aria-rowindex="1">
                    { for ["pid", "name", "status", "in", "mailbox", "links", "monitors"].iter().map(|h| html! {
                        <span role="columnheader">{ *h }</span>
                    }) }
                </div>
                <div class="scroll" ref={scroller} tabindex="0" {onscroll}>
                    <div class="rows" style={height}>{ for rows }</div>
                </div>
            </div>
        </section>
    }
}
