//! The ops that build terms (tuples, lists, maps, closures, binaries),
//! match binaries, load modules and arm receive timeouts: each out of the
//! interpreter's loop, which keeps the frequent ops inline.
use beamplay_term::{MapTerm, Term};

use crate::binary::{build_binary, match_binary};
use crate::code::{make_closure, BinSeg, Op, Reg};
use crate::native::Raise;
use crate::node::{Node, Timer};
use crate::process::Process;

impl Node {
    /// Runs a construction op of the frame at `base` (`Tuple`, `List`,
    /// `Map`, `MapUpdate`, `Closure`, `Binary`, `DefModule`).
    #[inline(never)]
    pub(super) fn construct(&mut self, p: &mut Process, op: &Op, base: usize) -> Result<(), Raise> {
        macro_rules! reg {
            ($r:expr) => {
                p.regs[base + $r as usize]
            };
        }
        match op {
            Op::Tuple(items, d) => {
                let v: Vec<Term> = items.iter().map(|r| reg!(*r).clone()).collect();
                reg!(*d) = Term::tuple(v);
            }
            Op::List(items, tail, d) => {
                let mut acc = match tail {
                    Some(t) => reg!(*t).clone(),
                    None => Term::Nil,
                };
                for r in items.iter().rev() {
                    acc = Term::cons(reg!(*r).clone(), acc);
                }
                reg!(*d) = acc;
            }
            Op::Map(pairs, d) => {
                let mut m = beamplay_term::MapEntries::new();
                for (k, v) in pairs.iter() {
                    m.insert(reg!(*k).clone(), reg!(*v).clone());
                }
                reg!(*d) = Term::map(m);
            }
            Op::MapUpdate(src, pairs, d) => {
                let Term::Map(mut m) = reg!(*src).clone() else {
                    return Err(self.tagged_error("badmap", reg!(*src).clone()));
                };
                for (k, v) in pairs.iter() {
                    let key = reg!(*k).clone();
                    if !m.entries.contains_key(&key) {
                        let whole = Term::Map(m.clone());
                        return Err(Raise::error(Term::tuple(vec![
                            self.atom_term("badkey"),
                            key,
                            whole,
                        ])));
                    }
                    MapTerm::make_mut(&mut m, 1)
                        .entries
                        .insert(key, reg!(*v).clone());
                }
                reg!(*d) = Term::Map(m);
            }
            Op::Closure { lambda, env, dst } => {
                let Some(module) = p.frames.last().map(|f| f.module.clone()) else {
                    return Ok(());
                };
                let envv: Vec<Term> = env.iter().map(|r| reg!(*r).clone()).collect();
                if let Some(f) = make_closure(module, *lambda, envv) {
                    reg!(*dst) = f;
                }
            }
            Op::Binary(segs, d) => {
                let vals: Vec<Term> = segs.iter().map(|s| reg!(s.value).clone()).collect();
                let sizes = sizes(&p.regs[base..], segs);
                reg!(*d) = self.with_ctx(|c| build_binary(c, segs, &vals, &sizes))?;
            }
            Op::DefModule(i, d) => {
                let parent = p.frames.last().map(|f| f.module.clone());
                if let Some(m) = parent.and_then(|pm| pm.submodules.get(*i as usize).cloned()) {
                    reg!(*d) = self.load_module(m);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A receive found no message: arms its timeout (register `timeout`
    /// holds ms or `:infinity`; none is forever) and says whether the
    /// process waits; false when the timeout has passed (`after 0`, or it
    /// fired), and the receive goes on to its `after` body.
    pub(super) fn receive_waits(
        &mut self,
        p: &mut Process,
        timeout: Option<Reg>,
        base: usize,
    ) -> Result<bool, Raise> {
        if p.timeout_fired {
            p.timeout_fired = false;
            p.save = 0;
            return Ok(false);
        }
        let ms = match timeout.map(|r| &p.regs[base + r as usize]) {
            None => None,
            Some(Term::Int(n)) if *n >= 0 => Some(*n as u64),
            Some(Term::Atom(a)) if a.as_str() == "infinity" => None,
            Some(_) => return Err(Raise::error(self.atom_term("timeout_value"))),
        };
        if ms == Some(0) {
            p.save = 0;
            return Ok(false);
        }
        if let (Some(ms), None) = (ms, p.armed_timer) {
            p.armed_timer = Some(self.add_timer(ms, Timer::Timeout { pid: p.id }));
        }
        Ok(true)
    }
}

/// The size of each segment that has one, from the frame's registers.
fn sizes(regs: &[Term], segs: &[BinSeg]) -> Vec<Option<Term>> {
    segs.iter()
        .map(|s| s.size.map(|r| regs[r as usize].clone()))
        .collect()
}

/// Matches the binary in register `src` of `regs` (a frame's registers)
/// against `segs`, storing each segment's value; false when it does not
/// match.
pub(super) fn bin_match(regs: &mut [Term], src: Reg, segs: &[BinSeg]) -> bool {
    let sizes = sizes(regs, segs);
    match match_binary(&regs[src as usize], segs, &sizes) {
        Some(vals) => {
            for (s, v) in segs.iter().zip(vals) {
                regs[s.value as usize] = v;
            }
            true
        }
        None => false,
    }
}
