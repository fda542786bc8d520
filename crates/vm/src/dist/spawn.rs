//! Spawning on another node (`Node.spawn/2,4`, `spawn_link`,
//! `spawn_monitor`): OTP 25's `SPAWN_REQUEST` and `SPAWN_REPLY`. The
//! caller waits in the prelude for `{:spawn_reply, ref, :ok | :error, x}`,
//! as `erlang:spawn/4` waits for its `spawn_request`.
use beamplay_term::etf::DecodeError;
use beamplay_term::{Atom, ListIter, Term};

use super::state::take_where;
use super::state::{SpawnOpts, SpawnRequest};
use super::ties::RemoteMonitor;
use super::wire::{FLAG_LINK, FLAG_MONITOR, SPAWN_REPLY, SPAWN_REQUEST};
use crate::node::Node;
use crate::process::{Kind, Process};

impl Node {
    /// Asks `peer` to spawn `module.function(args)` for `p`, with a link
    /// and/or a monitor (whose reference is `reference`). The answer is a
    /// `{:spawn_reply, reference, :ok, pid}` or `{..., :error, reason}`
    /// message to `p`.
    pub(crate) fn spawn_request(
        &mut self,
        p: &mut Process,
        peer: &Atom,
        reference: Term,
        mfa: (Term, Term, Term),
        opts: SpawnOpts,
    ) {
        let (module, function, args) = mfa;
        let arity = Term::Int(ListIter::new(&args).count() as i64);
        let mut optlist = Vec::new();
        if opts.link {
            optlist.push(self.atom_term("link"));
        }
        if opts.monitor {
            optlist.push(self.atom_term("monitor"));
        }
        let sent = self.distributed()
            && self.control_out(
                peer,
                vec![
                    Term::Int(SPAWN_REQUEST),
                    reference.clone(),
                    p.pid.clone(),
                    p.group_leader.clone(),
                    Term::tuple(vec![module, function, arity]),
                    Term::list(optlist),
                ],
                Some(&args),
            );
        if opts.noreply {
            return;
        }
        if sent {
            self.dist.spawns.push(SpawnRequest {
                reference,
                peer: peer.clone(),
                caller: p.id,
                opts,
            });
        } else {
            let reason = self.atom_term("noconnection");
            let reply = self.spawn_reply_msg(reference, false, reason);
            p.mailbox.push_back(reply);
        }
    }

    fn spawn_reply_msg(&self, reference: Term, ok: bool, result: Term) -> Term {
        let status = if ok {
            Term::Atom(self.common.ok.clone())
        } else {
            Term::Atom(self.common.error.clone())
        };
        Term::tuple(vec![
            self.atom_term("spawn_reply"),
            reference,
            status,
            result,
        ])
    }

    /// The connection to `peer` is gone: its spawn requests fail.
    pub(super) fn spawns_lost(&mut self, peer: &Atom) {
        for s in take_where(&mut self.dist.spawns, |s| s.peer == *peer) {
            let reason = self.atom_term("noconnection");
            let reply = self.spawn_reply_msg(s.reference, false, reason);
            self.deliver(None, s.caller, reply);
        }
    }

    /// `SPAWN_REQUEST` or `SPAWN_REPLY` from `peer`.
    pub(super) fn spawn_in(
        &mut self,
        peer: &Atom,
        items: &[Term],
        payload: &dyn Fn(&mut Node) -> Result<Term, DecodeError>,
    ) -> Result<(), DecodeError> {
        match items {
            [Term::Int(SPAWN_REQUEST), reference, from, gl, mfa, opts] => {
                let args = payload(self)?;
                let (Some([m @ Term::Atom(_), f @ Term::Atom(_), _]), Some(args)) =
                    (mfa.as_tuple(), args.to_vec())
                else {
                    return Err(DecodeError::BadField);
                };
                let opts = SpawnOpts::from_list(opts);
                self.spawn_for(peer, reference, (from, gl), (m, f, args), opts);
                Ok(())
            }
            [Term::Int(SPAWN_REPLY), reference, _to, Term::Int(flags), result] => {
                let Some(i) = self
                    .dist
                    .spawns
                    .iter()
                    .position(|s| s.reference == *reference)
                else {
                    return Ok(());
                };
                let s = self.dist.spawns.remove(i);
                let ok = matches!(result, Term::Pid(_));
                if ok && s.opts.link && flags & FLAG_LINK != 0 {
                    let seq = self.dist.next_tie();
                    self.ties(s.caller).link(result, seq);
                }
                if ok && s.opts.monitor && flags & FLAG_MONITOR != 0 {
                    let seq = self.dist.next_tie();
                    self.ties(s.caller).monitoring.push(RemoteMonitor {
                        reference: s.reference.clone(),
                        peer: peer.clone(),
                        other: result.clone(),
                        object: result.clone(),
                        seq,
                    });
                }
                let reply = self.spawn_reply_msg(s.reference, ok, result.clone());
                self.deliver(None, s.caller, reply);
                Ok(())
            }
            _ => Err(DecodeError::BadField),
        }
    }

    /// Spawns what `from` on `peer` asked for and answers; the process
    /// starts after the answer has gone, so that its exit cannot overtake it.
    fn spawn_for(
        &mut self,
        peer: &Atom,
        reference: &Term,
        (from, gl): (&Term, &Term),
        (m, f, args): (&Term, &Term, Vec<Term>),
        opts: SpawnOpts,
    ) {
        let initial = Term::tuple(vec![m.clone(), f.clone(), Term::Int(args.len() as i64)]);
        let id = match self.new_process(Kind::Normal, gl.clone(), initial) {
            Ok(id) => id,
            Err(e) => {
                let reply = vec![
                    Term::Int(SPAWN_REPLY),
                    reference.clone(),
                    from.clone(),
                    Term::Int(0),
                    e.reason,
                ];
                self.control_out(peer, reply, None);
                return;
            }
        };
        let pid = self.make_pid(id);
        let mut flags = 0;
        if opts.link {
            let seq = self.dist.next_tie();
            self.ties(id).link(from, seq);
            flags |= FLAG_LINK;
        }
        if opts.monitor {
            let seq = self.dist.next_tie();
            self.ties(id).monitored_by.push(RemoteMonitor {
                reference: reference.clone(),
                peer: peer.clone(),
                other: from.clone(),
                object: pid.clone(),
                seq,
            });
            flags |= FLAG_MONITOR;
        }
        self.control_out(
            peer,
            vec![
                Term::Int(SPAWN_REPLY),
                reference.clone(),
                from.clone(),
                Term::Int(flags),
                pid,
            ],
            None,
        );
        // `spawn(node, fun)` is `spawn(node, :erlang, :apply, [fun, []])`
        let (fun, args) = match (m, f, args.as_slice()) {
            (Term::Atom(m), Term::Atom(f), [fun @ Term::Fun(_), fargs])
                if m.as_str() == "erlang" && f.as_str() == "apply" =>
            {
                (fun.clone(), fargs.to_vec().unwrap_or_default())
            }
            (Term::Atom(m), Term::Atom(f), _) => {
                (Term::export(m.clone(), f.clone(), args.len() as u32), args)
            }
            _ => return,
        };
        self.start_process(id, fun, args);
    }
}
