//! What a node's iex console keeps: its group leader and shell, the
//! prompt counter and bindings, the line it runs, and what it printed
//! (`ConsoleEvent`s for the host). The shell's behaviour is `shell.rs`.
use beamplay_term::{ListIter, Term};

/// Something a console printed, for hosts (consoles, UI, tests).
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleEvent {
    /// Output of an io request that reached this console.
    Output(String),
    /// The value (or error banner) of the line that was evaluated.
    Value(String),
    /// Logger reports and warnings: shown, never part of a transcript.
    Log(String),
    /// `** (EXIT from ...) shell process exited with reason: ...`, or
    /// `** (EXIT) interrupted` after an interrupt.
    ShellExit(String),
    /// The line that was running will never give a value: its shell died.
    Abandoned,
}

/// What the shell is running.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Job {
    /// A typed line; its value binds these names.
    Line(Vec<String>),
    /// Formatting the EXIT line of the shell that died.
    ExitLine,
}

#[derive(Default)]
pub struct Console {
    pub(crate) shell: Option<u32>,
    pub(crate) group_leader: Option<u32>,
    /// iex's prompt counter: moves on only after a line that succeeded.
    pub(crate) counter: u32,
    pub(crate) bindings: Vec<(String, Term)>,
    /// The values of the last lines that succeeded, with their numbers,
    /// oldest first (iex's history for `v/1`, 20 long).
    pub(crate) history: std::collections::VecDeque<(u32, Term)>,
    pub(crate) job: Option<Job>,
    /// The shell is being killed by an interrupt (iex's Ctrl+G `i`): the
    /// new one keeps the counter and says `** (EXIT) interrupted`.
    pub(crate) interrupting: bool,
    events: Vec<ConsoleEvent>,
}

impl Console {
    pub fn output(&mut self, e: ConsoleEvent) {
        self.events.push(e);
    }

    pub fn take_events(&mut self) -> Vec<ConsoleEvent> {
        std::mem::take(&mut self.events)
    }

    /// A line (or the shell's restart) is still running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The value of line `n` (`v(n)`: from 1, or back from the last when
    /// negative), if the history still has it.
    pub(crate) fn value_of(&self, n: i64) -> Option<&Term> {
        if n < 0 {
            let back = usize::try_from(n.unsigned_abs()).ok()?;
            let at = self.history.len().checked_sub(back)?;
            return self.history.get(at).map(|(_, v)| v);
        }
        self.history
            .iter()
            .find(|(k, _)| i64::from(*k) == n)
            .map(|(_, v)| v)
    }

    /// The number in the prompt: `iex(node1@localhost)3>`.
    pub fn counter(&self) -> u32 {
        self.counter
    }
}

/// Why a line was not started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The previous line has not finished.
    Busy,
}

/// The text of an io request, if it is one the console answers.
pub fn io_request_text(req: &Term) -> Option<String> {
    let items = req.as_tuple()?;
    match items {
        [tag, _enc, chars] if tag.is_atom("put_chars") => crate::text::chardata(chars),
        [tag, chars] if tag.is_atom("put_chars") => crate::text::chardata(chars),
        [tag, reqs] if tag.is_atom("requests") => {
            let mut out = String::new();
            for r in ListIter::new(reqs) {
                out.push_str(&io_request_text(r)?);
            }
            Some(out)
        }
        _ => None,
    }
}
