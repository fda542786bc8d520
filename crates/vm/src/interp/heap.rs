//! The heap limit (`Limits::max_heap_words`, BEAM's `max_heap_size`),
//! measured like a garbage collector measures: term constructors charge
//! what they allocate to `beamplay_term::meter`, and the process is
//! measured again only after allocating about as much as it had live.
use beamplay_term::meter;
use beamplay_term::Term;

use crate::console::ConsoleEvent;
use crate::node::Node;
use crate::process::Process;

/// Allocation between two measures of a process's heap, at least.
const MIN_HEAP_ROOM: usize = 1 << 20;

impl Node {
    /// What the meter may charge to `p` before its heap is measured again
    /// (as a collector would) and before it passes its limit if nothing
    /// was freed. Measuring after as much allocation as was live keeps the
    /// cost of measuring in proportion to the allocation.
    pub(super) fn heap_rooms(&self, p: &Process) -> (usize, usize) {
        let max = self.limits.max_heap_words;
        let live = p.heap_live as usize;
        let alloc = p.heap_alloc as usize;
        let soft = live
            .max(MIN_HEAP_ROOM)
            .min(max.saturating_sub(live) / 2)
            .max(MIN_HEAP_ROOM / 16);
        (soft.saturating_sub(alloc), max.saturating_sub(live + alloc))
    }

    /// At calls and raises: the exit reason when `p` is past its heap
    /// limit. Cheap unless the meter asks for a measure or (when `stack`
    /// says to look at it) its stack is past the limit.
    #[inline(always)]
    pub(super) fn heap_gate(&mut self, p: &mut Process, stack: bool) -> Option<Term> {
        if meter::over() || (stack && p.stack_words() > self.limits.max_heap_words) {
            self.heap_check(p)
        } else {
            None
        }
    }

    /// A native's reservation was refused against the room left when `p`
    /// was last measured: measures it again, as a collector would before
    /// giving up. When all that was asked since the meter was armed (the
    /// refused request among it) fits beside what is live now, re-arms the
    /// meter and says so: the native runs again and its reservation
    /// passes. Otherwise the meter stays failed, and the process ends.
    pub(super) fn refused_but_fits(&mut self, p: &mut Process) -> bool {
        if !meter::failed() {
            return false;
        }
        let live = p.heap_words();
        if live.saturating_add(meter::used()) > self.limits.max_heap_words {
            return false;
        }
        self.rearm(p, live);
        true
    }

    /// Measures `p` once the meter says so (soft room used, a native's
    /// reservation refused) or its stack passed the limit: the exit reason
    /// when it is over its limit, else re-arms the meter.
    #[cold]
    #[inline(never)]
    fn heap_check(&mut self, p: &mut Process) -> Option<Term> {
        let refused = meter::failed();
        let live = p.heap_words();
        if live > self.limits.max_heap_words || refused {
            let wanted = p.heap_live as usize + p.heap_alloc as usize + meter::used();
            let total = if refused { live.max(wanted) } else { live };
            return Some(self.heap_limit_exit(p, total));
        }
        self.rearm(p, live);
        None
    }

    /// `p` was measured `live` words: the meter starts again from there.
    fn rearm(&mut self, p: &mut Process, live: usize) {
        p.heap_live = clamp_u32(live);
        p.heap_alloc = 0;
        let (soft, hard) = self.heap_rooms(p);
        meter::arm(soft, hard);
    }

    /// Logs BEAM's `maximum heap size reached` report; the reason is `:killed`.
    fn heap_limit_exit(&mut self, p: &Process, total: usize) -> Term {
        let text = format!(
            "[error]      Process:            {}{}\n     Context:            maximum heap size reached\n     Max Heap Size:      {}\n     Total Heap Size:    {}\n     Kill:               true\n     Error Logger:       true\n     Message Queue Len:  {}",
            crate::error::pid_text(self, &p.pid),
            self.on_node(),
            self.limits.max_heap_words,
            total,
            p.mailbox.len()
        );
        self.console.output(ConsoleEvent::Log(text));
        Term::Atom(self.common.killed.clone())
    }
}

pub(super) fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
