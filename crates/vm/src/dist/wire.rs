//! The bytes between nodes: a frame's first byte says what it is, and a
//! `p` frame carries an OTP 25 distribution control message (codes as
//! OTP_SEMANTICS.md "Protocol notes" gives them), then its payload, both in
//! the external term format.
use beamplay_term::etf;
use beamplay_term::Term;

use super::funs;

/// A connection request (the handshake's `send_name`), then one byte: 1
/// if the sender is a visible node (OTP's `DFLAG_PUBLISHED`), 0 if hidden.
pub(super) const HELLO: u8 = b'h';
/// Its acceptance (`recv_status` `ok`), with the same byte.
pub(super) const ACCEPT: u8 = b'a';
/// The connection is closed by the sender (`Node.disconnect/1`).
pub(super) const CLOSE: u8 = b'c';
/// A distribution control message, as OTP 25 sends it after the handshake
/// (`pass through`).
pub(super) const PASS: u8 = b'p';
/// A tick on an idle connection (OTP's empty packet): only says the
/// sender is alive.
pub(super) const TICK: u8 = b't';

/// Whether `frame` is a tick: hosts leave ticks out of what they show,
/// as they are no messages.
pub fn is_tick(frame: &[u8]) -> bool {
    frame == [TICK]
}

/// Control message codes (OTP_SEMANTICS.md, "Protocol notes").
pub(super) const LINK: i64 = 1;
pub(super) const REG_SEND: i64 = 6;
pub(super) const MONITOR_P: i64 = 19;
pub(super) const DEMONITOR_P: i64 = 20;
pub(super) const PAYLOAD_EXIT: i64 = 24;
pub(super) const PAYLOAD_EXIT2: i64 = 26;
pub(super) const SEND_SENDER: i64 = 22;
pub(super) const PAYLOAD_MONITOR_P_EXIT: i64 = 28;
pub(super) const SPAWN_REQUEST: i64 = 29;
pub(super) const SPAWN_REPLY: i64 = 31;
pub(super) const ALIAS_SEND: i64 = 33;
pub(super) const UNLINK_ID: i64 = 35;
pub(super) const UNLINK_ID_ACK: i64 = 36;

/// `SPAWN_REPLY` flags: the link, the monitor were set up.
pub(super) const FLAG_LINK: i64 = 1;
pub(super) const FLAG_MONITOR: i64 = 2;

/// The name OTP gives a control message's code, for the ones sent here.
pub(super) fn control_name(code: i64) -> Option<&'static str> {
    Some(match code {
        LINK => "LINK",
        REG_SEND => "REG_SEND",
        MONITOR_P => "MONITOR_P",
        DEMONITOR_P => "DEMONITOR_P",
        SEND_SENDER => "SEND_SENDER",
        PAYLOAD_EXIT => "PAYLOAD_EXIT",
        PAYLOAD_EXIT2 => "PAYLOAD_EXIT2",
        PAYLOAD_MONITOR_P_EXIT => "PAYLOAD_MONITOR_P_EXIT",
        SPAWN_REQUEST => "SPAWN_REQUEST",
        SPAWN_REPLY => "SPAWN_REPLY",
        ALIAS_SEND => "ALIAS_SEND",
        UNLINK_ID => "UNLINK_ID",
        UNLINK_ID_ACK => "UNLINK_ID_ACK",
        _ => return None,
    })
}

/// A control tuple in the external term format.
pub(super) fn encode_control(control: &[Term]) -> Result<Vec<u8>, etf::EncodeError> {
    let mut bytes = Vec::with_capacity(48);
    etf::append_with(&Term::tuple(control.to_vec()), &mut bytes, &etf::NoClosures)?;
    Ok(bytes)
}

/// A `p` frame: the control tuple's bytes, then the message if there is
/// one. Closures in the message were made by `creator`.
pub(super) fn pass_frame(
    control: &[u8],
    msg: Option<&Term>,
    creator: Term,
) -> Result<Vec<u8>, etf::EncodeError> {
    let mut frame = Vec::with_capacity(control.len() + 32);
    frame.push(PASS);
    frame.extend_from_slice(control);
    if let Some(m) = msg {
        etf::append_with(m, &mut frame, &funs::Outgoing { creator })?;
    }
    Ok(frame)
}
