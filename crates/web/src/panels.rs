//! Live panels: each node's own view of the :global names (sides of a
//! partition disagree), locks with holders and waiters, :pg and :pg2
//! groups, registered names and processes.
use std::rc::Rc;

use beamplay_cluster::observe::Snapshot;
use yew::prelude::*;

use crate::store::{Action, MailboxView};

#[derive(Properties)]
pub struct PanelsProps {
    pub snapshot: Rc<Snapshot>,
    pub mailbox: Option<MailboxView>,
    pub send: Callback<Action>,
}

/// A new snapshot is a new frame: compared by identity, not contents.
impl PartialEq for PanelsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot)
            && self.mailbox == other.mailbox
            && self.send == other.send
    }
}

#[function_component(Panels)]
pub fn panels(p: &PanelsProps) -> Html {
    let live = || p.snapshot.nodes.iter().filter(|n| n.alive);
    let global = live().map(|n| {
        html! {
            <tr key={n.name.clone()}>
                <th scope="row">{ &n.name }</th>
                <td>{ for n.global_names.iter().map(|(name, pid, node)| html! {
                    <div>{ format!("{name} → {pid} on {node}") }</div>
                }) }</td>
            </tr>
        }
    });
    let locks = live().flat_map(|n| {
        n.locks.iter().map(move |l| {
            html! {
                <tr>
                    <th scope="row">{ &n.name }</th>
                    <td>{ &l.resource }</td>
                    <td>{ l.holders.join(", ") }</td>
                    <td>{ l.waiters.join(", ") }</td>
                </tr>
            }
        })
    });
    let groups = live().flat_map(|n| {
        n.groups.iter().map(move |g| {
            html! {
                <tr>
                    <th scope="row">{ &n.name }</th>
                    <td>{ format!("{} {}", g.scope, g.name) }</td>
                    <td>{ g.members.join(", ") }</td>
                </tr>
            }
        })
    });
    let registered = live().map(|n| {
        html! {
            <tr>
                <th scope="row">{ &n.name }</th>
                <td>{ n.registered.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ") }</td>
            </tr>
        }
    });
    let processes = live().map(|n| {
        html! {
            <details>
                <summary>{ format!("{}: {} processes{}", n.name, n.process_count,
                    if n.process_count > n.processes.len() { format!(", the first {} shown", n.processes.len()) } else { String::new() }) }</summary>
                <table>
                    <thead><tr><th>{ "pid" }</th><th>{ "name" }</th><th>{ "status" }</th><th>{ "in" }</th><th>{ "mailbox" }</th></tr></thead>
                    <tbody>
                        { for n.processes.iter().map(|pv| {
                            let show = p.send.reform({
                                let (node, id) = (n.id, pv.id);
                                move |_| Action::Mailbox(Some((node, id)))
                            });
                            html! {
                            <tr>
                                <td><button class="pid" onclick={show} title="show its mailbox">{ &pv.pid }</button></td>
                                <td>{ pv.name.clone().unwrap_or_default() }</td>
                                <td>{ &pv.status }</td>
                                <td>{ &pv.current }</td>
                                <td>{ pv.mailbox }</td>
                            </tr>
                        }}) }
                    </tbody>
                </table>
            </details>
        }
    });
    html! {
        <>
            <section class="panel" aria-label="global names">
                <h3>{ ":global names, as each node sees them" }</h3>
                <table><tbody>{ for global }</tbody></table>
            </section>
            <section class="panel" aria-label="global locks">
                <h3>{ "global locks" }</h3>
                <table>
                    <thead><tr><th>{ "node" }</th><th>{ "resource" }</th><th>{ "holders" }</th><th>{ "waiting" }</th></tr></thead>
                    <tbody>{ for locks }</tbody>
                </table>
            </section>
            <section class="panel" aria-label="process groups">
                <h3>{ ":pg and :pg2 groups" }</h3>
                <table><tbody>{ for groups }</tbody></table>
            </section>
            <section class="panel" aria-label="registered names">
                <h3>{ "registered names" }</h3>
                <table><tbody>{ for registered }</tbody></table>
            </section>
            <section class="panel" aria-label="processes">
                <h3>{ "processes (click a pid for its mailbox)" }</h3>
                { for processes }
            </section>
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
    }
}

/// "mailbox of #PID<0.112.0> on node1@localhost", or of a process that is gone.
fn mailbox_title(snapshot: &Snapshot, m: &MailboxView) -> String {
    let node = snapshot.nodes.get(m.node);
    let pid = node
        .and_then(|n| n.processes.iter().find(|p| p.id == m.id))
        .map_or("a process that has exited".to_string(), |p| p.pid.clone());
    format!(
        "mailbox of {pid} on {}",
        node.map_or("?", |n| n.name.as_str())
    )
}
