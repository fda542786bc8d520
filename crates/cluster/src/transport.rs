//! The wire between Worlds (issue 18): nodes of one room live in several
//! Worlds (tabs of a browser, later machines behind a relay) and reach
//! each other through their hosts. A World hands its host the frames for
//! nodes of other Worlds ([`World::take_outgoing`]); a [`Port`] wraps
//! each in an [`Envelope`] (room, from, to, sequence number), and unwraps
//! what arrives from the room's channel into the World. The frames inside
//! are the frames a World's own network carries (DESIGN.md invariant 3).
//!
//! Per ordered pair of nodes, envelopes carry consecutive sequence
//! numbers: one that does not follow the last (lost, repeated, reordered)
//! closes the connection between the two, as TCP closes a connection it
//! cannot keep whole. Everything a peer sends is untrusted: an envelope
//! is size-limited and decoded defensively, and what is refused is
//! counted, never a panic.
//!
//! Besides frames, a room's channel carries who is in it: `Hello` (a node
//! is here; a Port answers a Hello it did not know with its own, so a
//! newcomer learns the room) and `Bye` (a node is gone: its peers see it
//! die, as when a BEAM node's OS process dies). A Port says them as its
//! World's nodes start, die and restart (a new creation is a new node).
//! The host notices a tab that closes without a word by other means (Web
//! Locks in the page) and says so with [`World::peer_down`].
use beamplay_term::Atom;

use crate::World;

/// The first bytes of every envelope, and its version.
pub const MAGIC: &[u8; 4] = b"BPW1";
/// The largest frame an envelope carries: 64 MiB. A bigger one is not
/// sent (its connection closes, counted as `too_large`).
pub const MAX_PAYLOAD: usize = 64 << 20;
/// The longest room id and node name.
pub const MAX_NAME: usize = 255;

/// What an envelope carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A frame from node `from` to node `to`.
    Frame,
    /// Node `from` is in the room (`to` is empty).
    Hello,
    /// Node `from` left the room (`to` is empty).
    Bye,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Frame => b'f',
            Kind::Hello => b'h',
            Kind::Bye => b'b',
        }
    }

    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            b'f' => Some(Kind::Frame),
            b'h' => Some(Kind::Hello),
            b'b' => Some(Kind::Bye),
            _ => None,
        }
    }
}

/// One message on a room's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub room: String,
    pub kind: Kind,
    /// Full node names (`node1@localhost`).
    pub from: String,
    pub to: String,
    /// The frame's number on its ordered pair of nodes, from 0.
    pub seq: u64,
    pub payload: Vec<u8>,
}

/// Why bytes from a channel are not an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// Not this wire's magic and version.
    NotAnEnvelope,
    /// It ends before its fields do.
    Truncated,
    /// Bytes after its payload.
    Trailing,
    UnknownKind(u8),
    /// A room or node name that is not one (its bytes, at most 32).
    BadName(Vec<u8>),
    /// A payload over [`MAX_PAYLOAD`].
    TooLarge(usize),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::NotAnEnvelope => write!(f, "not a beamplay envelope"),
            WireError::Truncated => write!(f, "envelope cut short"),
            WireError::Trailing => write!(f, "bytes after the envelope's payload"),
            WireError::UnknownKind(k) => write!(f, "unknown envelope kind {k}"),
            WireError::BadName(n) => write!(f, "bad name {}", String::from_utf8_lossy(n)),
            WireError::TooLarge(n) => {
                write!(f, "a {n}-byte frame (at most {MAX_PAYLOAD} bytes cross)")
            }
        }
    }
}

impl std::error::Error for WireError {}

/// A room id, or a node name's parts: 1 to [`MAX_NAME`] bytes of
/// letters, digits, `_`, `-` and `.`.
fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// A room id, or (`node`) a full node name: two parts around one `@`.
fn valid_name(s: &str, node: bool) -> bool {
    if !node {
        return valid_part(s);
    }
    s.len() <= MAX_NAME
        && s.split_once('@')
            .is_some_and(|(a, h)| valid_part(a) && valid_part(h))
}

impl Envelope {
    /// The envelope's bytes. Names are checked where they come in (a
    /// longer one is cut to [`MAX_NAME`] bytes); a payload over
    /// [`MAX_PAYLOAD`] is the sender's to refuse, as [`Port`] does.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            4 + 1 + 3 + self.room.len() + self.from.len() + self.to.len() + 12 + self.payload.len(),
        );
        out.extend_from_slice(MAGIC);
        out.push(self.kind.byte());
        for s in [&self.room, &self.from, &self.to] {
            // names are checked on the way in; a longer one is cut
            let bytes = &s.as_bytes()[..s.len().min(MAX_NAME)];
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&(self.payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Envelope, WireError> {
        let v = View::of(bytes)?;
        Ok(Envelope {
            room: v.room.to_string(),
            kind: v.kind,
            from: v.from.to_string(),
            to: v.to.to_string(),
            seq: v.seq,
            payload: v.payload.to_vec(),
        })
    }
}

/// An envelope read in place: what a port or a channel looks at without
/// copying the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View<'b> {
    pub room: &'b str,
    pub kind: Kind,
    pub from: &'b str,
    pub to: &'b str,
    pub seq: u64,
    pub payload: &'b [u8],
}

impl<'b> View<'b> {
    /// Reads an envelope's bytes, checking every field.
    pub fn of(bytes: &'b [u8]) -> Result<View<'b>, WireError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(WireError::NotAnEnvelope);
        }
        let k = r.take(1)?[0];
        let kind = Kind::from_byte(k).ok_or(WireError::UnknownKind(k))?;
        let room = r.name(false)?;
        let from = r.name(true)?;
        let to = if kind == Kind::Frame {
            r.name(true)?
        } else {
            match r.take(1)?[0] {
                0 => "",
                _ => return Err(WireError::BadName(Vec::new())),
            }
        };
        let seq = u64::from_be_bytes(r.array()?);
        let len = u32::from_be_bytes(r.array()?) as usize;
        if len > MAX_PAYLOAD {
            return Err(WireError::TooLarge(len));
        }
        let payload = r.take(len)?;
        if r.at != bytes.len() {
            return Err(WireError::Trailing);
        }
        Ok(View {
            room,
            kind,
            from,
            to,
            seq,
            payload,
        })
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], WireError> {
        let end = self.at.checked_add(n).ok_or(WireError::Truncated)?;
        let got = self.bytes.get(self.at..end).ok_or(WireError::Truncated)?;
        self.at = end;
        Ok(got)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn name(&mut self, node: bool) -> Result<&'b str, WireError> {
        let len = usize::from(self.take(1)?[0]);
        let raw = self.take(len)?;
        match std::str::from_utf8(raw) {
            Ok(s) if valid_name(s, node) => Ok(s),
            _ => Err(WireError::BadName(raw[..raw.len().min(32)].to_vec())),
        }
    }
}

/// What a port refused or lost, by cause.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counters {
    pub frames_out: u64,
    pub frames_in: u64,
    /// Bytes that are not an envelope.
    pub malformed: u64,
    /// Envelopes of another room.
    pub other_room: u64,
    /// Frames for a node of this World from a node it does not know, or
    /// for one that is down.
    pub unknown_node: u64,
    /// Hellos of a name this World cannot take as a peer (its own node's
    /// name, or one past the peers it keeps).
    pub refused_hellos: u64,
    /// Sequence gaps: each closed a connection.
    pub gaps: u64,
    /// Frames over [`MAX_PAYLOAD`] not sent: each closed a connection.
    pub too_large: u64,
}

/// A World's end of a room's channel.
pub struct Port {
    room: String,
    /// The next sequence number per ordered pair (from, to), going out
    /// and expected coming in. Rooms are small: a list is enough.
    sent: Vec<((Atom, Atom), u64)>,
    expected: Vec<((Atom, Atom), u64)>,
    /// The World's nodes the room was told of, with their creations.
    announced: Vec<(Atom, u32)>,
    counters: Counters,
}

/// The counter of `key` in `list`, made at 0 if it is not there.
fn entry(list: &mut Vec<((Atom, Atom), u64)>, key: (Atom, Atom)) -> &mut u64 {
    let at = match list.iter().position(|(k, _)| *k == key) {
        Some(at) => at,
        None => {
            list.push((key, 0));
            list.len() - 1
        }
    };
    &mut list[at].1
}

impl Port {
    /// A port of room `room` (the caller checks the id: letters, digits,
    /// `_`, `-` and `.`).
    pub fn new(room: &str) -> Port {
        Port {
            room: room.to_string(),
            sent: Vec::new(),
            expected: Vec::new(),
            announced: Vec::new(),
            counters: Counters::default(),
        }
    }

    pub fn room(&self) -> &str {
        &self.room
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    fn envelope(&self, kind: Kind, from: &str, to: &str, seq: u64, payload: Vec<u8>) -> Vec<u8> {
        Envelope {
            room: self.room.clone(),
            kind,
            from: from.to_string(),
            to: to.to_string(),
            seq,
            payload,
        }
        .encode()
    }

    /// Forgets the sequence numbers of every pair `name` is in: a node
    /// that starts, joins or goes begins its connections afresh.
    pub fn forget(&mut self, name: &str) {
        let in_pair = |((a, b), _): &((Atom, Atom), u64)| a.as_str() == name || b.as_str() == name;
        self.sent.retain(|p| !in_pair(p));
        self.expected.retain(|p| !in_pair(p));
    }

    /// Forgets the sequence numbers between `a` and `b`, both ways: a
    /// link between them was cut or healed, what was on it is lost.
    pub fn forget_pair(&mut self, a: &str, b: &str) {
        let pair = |((x, y), _): &((Atom, Atom), u64)| {
            (x.as_str() == a && y.as_str() == b) || (x.as_str() == b && y.as_str() == a)
        };
        self.sent.retain(|p| !pair(p));
        self.expected.retain(|p| !pair(p));
    }

    /// What the room must hear of the World's nodes since it was last
    /// told: a `Bye` for each node that died (or restarted), a `Hello`
    /// for each that started.
    fn membership(&mut self, world: &World) -> Vec<Vec<u8>> {
        // most often nothing changed: said without building anything
        let told = |n: &beamplay_vm::Node| {
            self.announced
                .iter()
                .any(|(a, c)| a == n.name() && *c == n.creation())
        };
        if world.live_nodes().count() == self.announced.len() && world.live_nodes().all(told) {
            return Vec::new();
        }
        let live: Vec<(Atom, u32)> = world
            .live_nodes()
            .map(|n| (n.name().clone(), n.creation()))
            .collect();
        let mut out = Vec::new();
        let (kept, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.announced)
            .into_iter()
            .partition(|n| live.contains(n));
        for (name, _) in gone {
            self.forget(name.as_str());
            out.push(self.envelope(Kind::Bye, name.as_str(), "", 0, Vec::new()));
        }
        self.announced = kept;
        for n in live {
            if !self.announced.contains(&n) {
                out.push(self.envelope(Kind::Hello, n.0.as_str(), "", 0, Vec::new()));
                self.announced.push(n);
            }
        }
        out
    }

    /// The envelopes to post for the World: its nodes' comings and goings,
    /// then what it sent to nodes of other Worlds.
    pub fn outgoing(&mut self, world: &mut World) -> Vec<Vec<u8>> {
        let mut out = self.membership(world);
        for o in world.take_outgoing() {
            if o.bytes.len() > MAX_PAYLOAD {
                self.counters.too_large += 1;
                world.peer_link_lost(o.from.as_str(), o.to.as_str());
                continue;
            }
            let seq = entry(&mut self.sent, (o.from.clone(), o.to.clone()));
            let n = *seq;
            *seq = seq.wrapping_add(1);
            self.counters.frames_out += 1;
            out.push(self.envelope(Kind::Frame, o.from.as_str(), o.to.as_str(), n, o.bytes));
        }
        out
    }

    /// Every node of the World says goodbye (the tab is closing).
    pub fn close(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.announced)
            .into_iter()
            .map(|(name, _)| self.envelope(Kind::Bye, name.as_str(), "", 0, Vec::new()))
            .collect()
    }

    /// Bytes from the room's channel, into the World. Returns what to
    /// send back (a `Hello` answer), or why the bytes were refused
    /// (counted; the World saw nothing).
    pub fn incoming(&mut self, world: &mut World, bytes: &[u8]) -> Result<Vec<Vec<u8>>, WireError> {
        let env = match View::of(bytes) {
            Ok(env) => env,
            Err(e) => {
                self.counters.malformed += 1;
                return Err(e);
            }
        };
        if env.room != self.room {
            self.counters.other_room += 1;
            return Ok(Vec::new());
        }
        match env.kind {
            Kind::Hello => {
                if world.peers().iter().any(|p| p.as_str() == env.from) {
                    return Ok(Vec::new());
                }
                if world.peer_up(env.from).is_err() {
                    self.counters.refused_hellos += 1;
                    return Ok(Vec::new());
                }
                self.forget(env.from);
                // a newcomer learns who is here: this World's goings and
                // comings since it last said, then everyone else
                let before: Vec<Atom> = self.announced.iter().map(|(n, _)| n.clone()).collect();
                let mut out = self.membership(world);
                for (name, _) in self.announced.iter().filter(|(n, _)| before.contains(n)) {
                    out.push(self.envelope(Kind::Hello, name.as_str(), "", 0, Vec::new()));
                }
                Ok(out)
            }
            Kind::Bye => {
                let peer = world
                    .peers()
                    .iter()
                    .find(|p| p.as_str() == env.from)
                    .cloned();
                if let Some(peer) = peer {
                    self.forget(peer.as_str());
                    world.peer_down(&peer);
                }
                Ok(Vec::new())
            }
            Kind::Frame => {
                // on a shared channel, most frames are for other Worlds
                let Some(to) = world
                    .live_nodes()
                    .map(|n| n.name())
                    .find(|n| n.as_str() == env.to)
                    .cloned()
                else {
                    return Ok(Vec::new());
                };
                let Some(from) = world
                    .peers()
                    .iter()
                    .find(|p| p.as_str() == env.from)
                    .cloned()
                else {
                    self.counters.unknown_node += 1;
                    return Ok(Vec::new());
                };
                let expected = entry(&mut self.expected, (from.clone(), to.clone()));
                if env.seq != *expected {
                    // lost, repeated or out of order: the connection
                    // cannot be kept whole; later frames start a new one
                    self.counters.gaps += 1;
                    *expected = env.seq.wrapping_add(1);
                    world.peer_link_lost(to.as_str(), from.as_str());
                    return Ok(Vec::new());
                }
                *expected = expected.wrapping_add(1);
                self.counters.frames_in += 1;
                if !world.frame_from_peer(&from, &to, env.payload) {
                    self.counters.unknown_node += 1;
                }
                Ok(Vec::new())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(seq: u64, payload: &[u8]) -> Envelope {
        Envelope {
            room: "r1".into(),
            kind: Kind::Frame,
            from: "node1@localhost".into(),
            to: "node4@localhost".into(),
            seq,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn an_envelope_reads_back_as_written() {
        let e = frame(7, b"hello");
        assert_eq!(Envelope::decode(&e.encode()), Ok(e));
        let hello = Envelope {
            kind: Kind::Hello,
            to: String::new(),
            ..frame(0, b"")
        };
        assert_eq!(Envelope::decode(&hello.encode()), Ok(hello));
    }

    #[test]
    fn bad_envelopes_are_refused() {
        let good = frame(1, b"x").encode();
        assert_eq!(Envelope::decode(b"BPW"), Err(WireError::Truncated));
        assert_eq!(Envelope::decode(b"XXXXf"), Err(WireError::NotAnEnvelope));
        for cut in 4..good.len() {
            assert_eq!(
                Envelope::decode(&good[..cut]),
                Err(WireError::Truncated),
                "{cut}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert_eq!(Envelope::decode(&longer), Err(WireError::Trailing));
        let mut kind = good.clone();
        kind[4] = b'z';
        assert_eq!(Envelope::decode(&kind), Err(WireError::UnknownKind(b'z')));
        let bad_name = Envelope {
            from: "no de".into(),
            ..frame(0, b"")
        };
        assert!(matches!(
            Envelope::decode(&bad_name.encode()),
            Err(WireError::BadName(_))
        ));
        let mut huge = frame(0, b"").encode();
        let at = huge.len() - 4;
        huge[at..].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            Envelope::decode(&huge),
            Err(WireError::TooLarge(u32::MAX as usize))
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("node1@localhost", true));
        assert!(!valid_name("node1", true));
        assert!(!valid_name("a@b@c", true));
        assert!(valid_name("room-1.x", false));
        assert!(!valid_name("a@b", false));
        assert!(!valid_name("", false));
    }
}
