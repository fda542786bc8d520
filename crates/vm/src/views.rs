//! A node's processes as the UI lists them, and what `Process.info/2`
//! says of a process (both read the same items).
use beamplay_term::Term;

use crate::node::Node;
use crate::process::{Process, Status};
use crate::trace::ProcessView;

/// One item of `Process.info/2` for `p`: `status`, `links`...; `None`
/// for an item there is no such thing as.
pub(crate) fn info_item(n: &Node, p: &Process, key: &str) -> Option<Term> {
    let list = |v: Vec<Term>| Term::list(v);
    Some(match key {
        "status" => n.atom_term(match p.status {
            // the process asking about itself is the one running
            Status::Runnable if n.running == Some(p.id) => "running",
            Status::Runnable => "runnable",
            Status::Waiting | Status::Idle => "waiting",
        }),
        "message_queue_len" => Term::Int(p.mailbox.len() as i64),
        "messages" => list(p.mailbox.iter().cloned().collect()),
        "links" => list(
            p.ties()
                .links
                .iter()
                .map(|id| n.make_pid(*id))
                .chain(n.remote_links(p.id))
                .collect(),
        ),
        "monitors" => list(
            p.ties()
                .monitoring
                .iter()
                .map(|m| m.object.clone())
                .chain(n.remote_monitoring(p.id))
                .map(|o| Term::tuple(vec![n.atom_term("process"), o]))
                .collect(),
        ),
        "monitored_by" => list(
            p.ties()
                .monitored_by
                .iter()
                .map(|m| n.make_pid(m.other))
                .chain(n.remote_monitored_by(p.id))
                .collect(),
        ),
        "trap_exit" => n.bool(p.trap_exit),
        "registered_name" => match &p.name {
            Some(a) => Term::Atom(a.clone()),
            None => Term::Nil,
        },
        "dictionary" => list(
            p.dict
                .iter()
                .map(|(k, v)| Term::tuple(vec![k.clone(), v.clone()]))
                .collect(),
        ),
        "group_leader" => p.group_leader.clone(),
        "current_function" => match p.frames.last().and_then(|f| Some((f, f.code()?))) {
            Some((f, code)) => Term::tuple(vec![
                Term::Atom(f.module.name.clone()),
                Term::Atom(code.name.clone()),
                Term::Int(i64::from(code.arity)),
            ]),
            None => p.initial_call.clone(),
        },
        "initial_call" => p.initial_call.clone(),
        "reductions" => Term::Int(p.reductions as i64),
        "heap_size" | "total_heap_size" | "stack_size" => Term::Int(p.stack_words() as i64),
        "priority" => n.atom_term("normal"),
        _ => return None,
    })
}

impl Node {
    /// Every process of this node, in pid order.
    pub fn process_views(&self) -> Vec<ProcessView> {
        self.process_views_rows(0..usize::MAX)
    }

    /// The processes at `rows` of the pid-ordered list: what a scrolled
    /// view of a node with 100,000 processes builds each frame, views
    /// only for its rows (and a sweep of the list after exits).
    pub fn process_views_rows(&self, rows: std::ops::Range<usize>) -> Vec<ProcessView> {
        let ids = self.live_ids();
        let end = rows.end.min(ids.len());
        ids[rows.start.min(end)..end]
            .iter()
            .filter_map(|id| self.procs.get(id))
            .map(|p| {
                let item = |key| info_item(self, p, key);
                let texts = |key| {
                    item(key)
                        .and_then(|t| t.to_vec())
                        .unwrap_or_default()
                        .iter()
                        .map(|t| self.view_plain(t))
                        .collect()
                };
                let current = match item("current_function").as_ref().and_then(Term::as_tuple) {
                    Some([m, Term::Atom(f), Term::Int(a)]) => {
                        format!("{}.{}/{a}", self.view_plain(m), f.as_str())
                    }
                    _ => String::new(),
                };
                ProcessView {
                    id: p.id,
                    pid: self.view_plain(&p.pid),
                    name: p.name.as_ref().map(|a| a.as_str().to_string()),
                    status: match item("status") {
                        Some(Term::Atom(a)) => a.as_str().to_string(),
                        _ => String::new(),
                    },
                    current,
                    mailbox: p.mailbox.len(),
                    links: texts("links"),
                    monitors: texts("monitors"),
                }
            })
            .collect()
    }

    /// The messages waiting in a process's mailbox, printed.
    pub fn mailbox_view(&self, id: u32) -> Vec<String> {
        self.procs
            .get(&id)
            .map(|p| p.mailbox.iter().map(|m| self.view_iex(m)).collect())
            .unwrap_or_default()
    }
}
