//! The guided lesson: the distributed-systems chapter's walkthrough, each
//! snippet with a button that types it at the node it belongs to, and a
//! sentence on what to look at after it.
use yew::prelude::*;

use beamplay_cluster::NodeId;

use crate::store::{Action, START_NODES};

/// A snippet: the node (0 for node1...) and the line typed there.
type Snippet = (usize, &'static str);

struct Step {
    title: &'static str,
    snippets: &'static [Snippet],
    look: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        title: "1. Start a cluster",
        snippets: &[
            (0, "node()"),
            (0, "Node.list()"),
            (1, "Node.connect(:node1@localhost)"),
            (2, "Node.connect(:node2@localhost)"),
            (2, "Node.list()"),
        ],
        look: "node3 dialled only node2, yet the topology soon shows all three links: global introduces the nodes to each other about 200 ms later, and Node.list() on node3 grows.",
    },
    Step {
        title: "2. Spawn processes on another node",
        snippets: &[
            (0, "Node.spawn(:node2@localhost, fn -> IO.puts(\"Hello from #{node()}!\") end)"),
            (0, "caller = self()"),
            (0, "Enum.each(1..10, fn number -> Node.spawn(:node2@localhost, fn -> send(caller, {:response, 10 * number}) end) end)"),
            (0, "flush()"),
        ],
        look: "The greeting ran on node2 but printed on node1's console: the remote process's group leader is node1's shell. The diagram shows the spawn requests and the replies crossing the link: hover an arrow, or read the event log, for each frame's control message and what it carries (a SPAWN_REQUEST carries the closure).",
    },
    Step {
        title: "3. Registered processes",
        snippets: &[
            (0, "Process.register(self(), :shell)"),
            (1, "Process.register(self(), :shell)"),
            (0, "send({:shell, :node2@localhost}, \"Hello from node1!\")"),
            (1, "flush()"),
        ],
        look: "The registered names panel lists :shell on both nodes: local names are per node, so {:shell, node} says which one.",
    },
    Step {
        title: "4. Global registration",
        snippets: &[
            (0, ":global.register_name({:todo_list, \"bob\"}, self())"),
            (1, ":global.register_name({:todo_list, \"bob\"}, self())"),
            (1, ":global.whereis_name({:todo_list, \"bob\"})"),
        ],
        look: "Every node's column of the :global panel holds the same name and pid: node2's attempt got :no. Turn on system traffic to see the lock and the inserts global sends.",
    },
    Step {
        title: "5. Process groups (:pg2, as in OTP 23)",
        snippets: &[
            (1, ":pg2.start()"),
            (2, ":pg2.start()"),
            (0, ":pg2.create(:workers)"),
            (0, ":pg2.join(:workers, self())"),
            (1, ":pg2.join(:workers, self())"),
            (2, ":pg2.get_members(:workers)"),
        ],
        look: "pg2 runs on a node from its first pg2 call, and a group is created on the nodes whose pg2 runs, so node2 and node3 start theirs first (join on a node that has not heard of the group gives {:error, {:no_such_group, :workers}}, as in OTP 23). The groups panel then shows :workers with both shells on every node, though node3 never joined.",
    },
    Step {
        title: "6. Remote procedure calls and global locks",
        snippets: &[
            (0, ":rpc.call(:node2@localhost, Kernel, :abs, [-1])"),
            (0, ":global.set_lock({:some_resource, self()})"),
            (1, ":global.set_lock({:some_resource, self()})"),
            (0, ":global.del_lock({:some_resource, self()})"),
        ],
        look: "After node2's set_lock its console is waiting and the locks panel shows node1's shell holding the lock and node2's waiting. global keeps no queue: node2 retries after a random sleep that grows with each attempt (the panel counts them and says when the next one comes). Once node1 releases the lock, node2's next retry gets it and its console prints true.",
    },
    Step {
        title: "7. Links and monitors when a node dies",
        snippets: &[
            (0, "Process.flag(:trap_exit, true)"),
            (0, "pid = Node.spawn_link(:node3@localhost, fn -> Process.sleep(:infinity) end)"),
            (0, "ref = Process.monitor(pid)"),
            (0, "Node.monitor(:node3@localhost, true)"),
            (0, "@kill node3"),
            (0, "flush()"),
        ],
        look: "node3 turns dead in the topology; node1 gets the EXIT and the DOWN with :noconnection and the nodedown, in the order they were set up. node1 and node2 stay connected.",
    },
];

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// Node names by id.
    pub names: std::rc::Rc<Vec<String>>,
    /// The nodes on the page (not removed), by id.
    pub lanes: std::rc::Rc<Vec<NodeId>>,
    pub send: Callback<Action>,
}

#[function_component(Lesson)]
pub fn lesson(p: &LessonProps) -> Html {
    let short = |id: NodeId| {
        p.names
            .get(id)
            .map_or("?", |n| n.split('@').next().unwrap_or(n))
    };
    let steps = STEPS.iter().map(|step| {
        let snippets = step.snippets.iter().map(|&(node, code)| {
            // a snippet is for node1, node2 or node3, whichever id that
            // name has now (a removed node3 may have been added again)
            let name = START_NODES.get(node).copied().unwrap_or("?");
            let target = p.lanes.iter().copied().find(|id| short(*id) == name);
            let send = p.send.clone();
            let run = Callback::from(move |_: MouseEvent| {
                if let Some(id) = target {
                    send.emit(Action::Submit(id, code.to_string()));
                }
            });
            html! {
                <li>
                    <code>{ code }</code>
                    <button onclick={run} disabled={target.is_none()}
                        aria-label={format!("run {code} in {name}")}>{ format!("run in {name}") }</button>
                </li>
            }
        });
        html! {
            <details>
                <summary>{ step.title }</summary>
                <ol class="snippets">{ for snippets }</ol>
                <p class="look">{ step.look }</p>
            </details>
        }
    });
    html! {
        <section class="panel lesson" aria-label="guided lesson">
            <h3>{ "guided lesson: distributed Elixir" }</h3>
            { for steps }
        </section>
    }
}
