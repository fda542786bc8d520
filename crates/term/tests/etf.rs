//! The external term format against bytes real OTP 25 wrote
//! (tests/corpus/etf.txt at the repository root, made by
//! tests/corpus/etf.exs), and the decoder
//! against truncated, hostile and random input.
#![cfg(not(target_arch = "wasm32"))]

use beamplay_term::etf::{
    decode, decode_prefix_opts, encode, encode_minor_with, DecodeError, NoClosures, MAX_DEPTH,
};
use beamplay_term::{inspect, AtomTable, InspectOpts, NoStructs, Term};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("../../../tests/corpus/etf.txt");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("fixture hex"))
        .collect()
}

/// Each fixture line: OTP's bytes and how Elixir printed the term.
fn fixture() -> Vec<(Vec<u8>, &'static str)> {
    FIXTURE
        .lines()
        .map(|l| {
            let (hex, text) = l.split_once('\t').expect("fixture line: hex<TAB>inspect");
            (unhex(hex), text)
        })
        .collect()
}

fn full_inspect(t: &Term) -> String {
    let opts = InspectOpts {
        limit: None,
        printable_limit: usize::MAX,
        ..InspectOpts::plain()
    };
    inspect(t, &opts, &NoStructs)
}

#[test]
fn decodes_what_otp_wrote_and_encodes_the_same_bytes() {
    let mut atoms = AtomTable::new(10_000);
    let lines = fixture();
    assert!(lines.len() >= 60, "fixture too small: {}", lines.len());
    for (bytes, text) in lines {
        let t = decode(&bytes, &mut atoms).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(full_inspect(&t), text);
        assert_eq!(encode(&t), Ok(bytes), "encoding {text}");
    }
}

#[test]
fn every_strict_prefix_is_an_error() {
    let mut atoms = AtomTable::new(10_000);
    for (bytes, text) in fixture().into_iter().filter(|(b, _)| b.len() < 2000) {
        for n in 0..bytes.len() {
            assert!(
                decode(&bytes[..n], &mut atoms).is_err(),
                "{text}: {n} bytes decoded"
            );
        }
    }
}

#[test]
fn hostile_lengths_fail_before_allocating() {
    let mut atoms = AtomTable::new(100);
    // a list, a tuple, a map and a binary each claiming 4 G elements
    for tag in [108u8, 105, 116, 109, 111] {
        let bytes = [131, tag, 0xff, 0xff, 0xff, 0xff, 97, 1];
        assert_eq!(decode(&bytes, &mut atoms), Err(DecodeError::Truncated));
    }
    assert_eq!(
        decode(&[130, 106], &mut atoms),
        Err(DecodeError::BadVersion)
    );
    assert_eq!(
        decode(&[131, 106, 106], &mut atoms),
        Err(DecodeError::Trailing)
    );
    assert_eq!(
        decode(&[131, 200], &mut atoms),
        Err(DecodeError::BadTag(200))
    );
    // a bit binary of zero bytes, and one with 9 bits in its last byte
    assert_eq!(
        decode(&[131, 77, 0, 0, 0, 0, 1], &mut atoms),
        Err(DecodeError::BadField)
    );
    assert_eq!(
        decode(&[131, 77, 0, 0, 0, 1, 9, 0], &mut atoms),
        Err(DecodeError::BadField)
    );
    // an atom that is not UTF-8
    assert_eq!(
        decode(&[131, 119, 2, 0xc3, 0x28], &mut atoms),
        Err(DecodeError::BadAtom)
    );
}

#[test]
fn atom_table_abuse_is_an_error() {
    let mut atoms = AtomTable::new(50);
    let mut hit = None;
    for i in 0..100 {
        let name = format!("a{i}");
        let mut bytes = vec![131, 119, name.len() as u8];
        bytes.extend_from_slice(name.as_bytes());
        if let Err(e) = decode(&bytes, &mut atoms) {
            hit = Some(e);
            break;
        }
    }
    assert_eq!(hit, Some(DecodeError::AtomLimit));
}

#[test]
fn nesting_uses_no_rust_stack_and_is_bounded() {
    // decoded and dropped on a small thread: nothing recurses
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut atoms = AtomTable::new(100);
            let depth = MAX_DEPTH - 1;
            let mut bytes = vec![131];
            bytes.extend(std::iter::repeat_n([104u8, 1], depth).flatten());
            bytes.push(106);
            let t = decode(&bytes, &mut atoms).expect("deep but allowed");
            assert_eq!(encode(&t).as_deref(), Ok(&bytes[..]));
            let mut too_deep = vec![131];
            too_deep.extend(std::iter::repeat_n([108u8, 0, 0, 0, 1], MAX_DEPTH + 1).flatten());
            too_deep.extend(std::iter::repeat_n(106u8, MAX_DEPTH + 2));
            assert_eq!(decode(&too_deep, &mut atoms), Err(DecodeError::TooDeep));
        })
        .expect("thread")
        .join()
        .expect("no stack overflow");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut atoms = AtomTable::new(1000);
        let mut bytes = vec![131];
        bytes.extend(body);
        let _ = decode(&bytes, &mut atoms);
    }

    #[test]
    fn mutated_otp_bytes_never_panic_and_round_trip_when_accepted(
        line in 0usize..60,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let lines = fixture();
        let (mut bytes, _) = lines[line % lines.len()].clone();
        for (at, b) in edits {
            let i = 1 + at % (bytes.len() - 1).max(1);
            if let Some(slot) = bytes.get_mut(i) {
                *slot = b;
            }
        }
        let mut atoms = AtomTable::new(10_000);
        if let Ok(t) = decode(&bytes, &mut atoms) {
            // whatever was accepted encodes to bytes that decode to it again
            let again = encode(&t).expect("encodable");
            let back = decode(&again, &mut atoms).expect("re-decodes");
            prop_assert_eq!(full_inspect(&back), full_inspect(&t));
        }
    }
}

/// Closures as a test node sees them: every closure splits into the same
/// parts, and parts join into a tuple that shows them.
struct Recorder(beamplay_term::etf::FunParts);

impl beamplay_term::etf::Closures for Recorder {
    fn split(&self, _c: &beamplay_term::Closure) -> Option<beamplay_term::etf::FunParts> {
        Some(self.0.clone())
    }

    fn join(
        &mut self,
        parts: beamplay_term::etf::FunParts,
        _atoms: &mut AtomTable,
    ) -> Result<Term, DecodeError> {
        self.0 = parts;
        Ok(Term::Atom(self.0.module.clone()))
    }
}

fn recorder(atoms: &mut AtomTable) -> Recorder {
    let node = atoms.intern("nonode@nohost").expect("atom");
    Recorder(beamplay_term::etf::FunParts {
        module: atoms.intern("erl_eval").expect("atom"),
        arity: 1,
        index: 0,
        uniq: 0,
        pid: Term::Pid(std::rc::Rc::new(beamplay_term::PidData {
            node,
            creation: 0,
            id: 96,
            serial: 0,
        })),
        free: Vec::new(),
    })
}

#[test]
fn reads_an_erl_eval_fun_that_otp_wrote() {
    // `x = 7; :erlang.term_to_binary(fn y -> x + y end)` in Elixir 1.14
    let bytes = unhex("8370000000D101065361AA461590D1BDF1EB62D1A6EB080000002A0000000164000865726C5F6576616C612A6200329B0D5864000D6E6F6E6F6465406E6F686F73740000006000000000000000006806610174000000016400045F78403161076400046E6F6E656400046E6F6E6574000000006C000000016805640006636C6175736561016C00000001680364000376617261016400045F7940316A6A6C0000000168056400026F7061016400012B680364000376617261016400045F784031680364000376617261016400045F7940316A6A");
    let mut atoms = AtomTable::new(10_000);
    let mut rec = recorder(&mut atoms);
    let t = beamplay_term::etf::decode_with(&bytes, &mut atoms, &mut rec).expect("decodes");
    assert!(t.is_atom("erl_eval"));
    let parts = &rec.0;
    assert_eq!((parts.arity, parts.index), (1, 42));
    assert_eq!(parts.free.len(), 1);
    assert_eq!(full_inspect(&parts.pid), "#PID<0.96.0>");
    // without a closure codec the same bytes are refused, never guessed at
    assert_eq!(decode(&bytes, &mut atoms), Err(DecodeError::BadTag(112)));
    // every prefix is an error
    for n in 0..bytes.len() {
        let mut rec = recorder(&mut atoms);
        assert!(beamplay_term::etf::decode_with(&bytes[..n], &mut atoms, &mut rec).is_err());
    }
}

#[test]
fn a_closure_travels_as_its_parts() {
    let mut atoms = AtomTable::new(10_000);
    let mut rec = recorder(&mut atoms);
    rec.0.index = 3;
    rec.0.uniq = 77;
    rec.0.free = vec![Term::Int(7), Term::string("captured")];
    let f = Term::Fun(std::rc::Rc::new(beamplay_term::Fun::Closure(
        beamplay_term::Closure {
            arity: 1,
            module: rec.0.module.clone(),
            index: 3,
            uniq: 77,
            origin: std::rc::Rc::from(":erl_eval.expr/6"),
            env: Vec::new(),
            code: std::rc::Rc::new(()),
        },
    )));
    let sent = rec.0.clone();
    let bytes = beamplay_term::etf::encode_with(&Term::tuple(vec![f, Term::Int(1)]), &rec)
        .expect("encodes");
    let back = beamplay_term::etf::decode_with(&bytes, &mut atoms, &mut rec).expect("decodes");
    assert_eq!(full_inspect(&back), "{:erl_eval, 1}");
    assert_eq!(rec.0, sent);
}

/// `term_to_binary(term, minor_version: n)` on OTP 25: 0 writes floats as
/// `%.20e` text (`FLOAT_EXT`), 2 every atom as UTF-8.
const MINOR: &[(u8, &str)] = &[
    (
        0,
        "8363312e3530303030303030303030303030303030303030652b30300000000000",
    ),
    (
        0,
        "83632d302e3030303030303030303030303030303030303030652b303000000000",
    ),
    (
        0,
        "8363312e3030303030303030303030303030303033363433652d31300000000000",
    ),
    (
        0,
        "83632d312e3233343536303030303030303030303037313139652b323032000000",
    ),
    (
        0,
        "8363342e3934303635363435383431323436353434313737652d33323400000000",
    ),
    (
        0,
        "8363312e3739373639333133343836323331353730383135652b33303800000000",
    ),
    (
        0,
        "8363312e3030303030303030303030303030303035353531652d30310000000000",
    ),
    (2, "836802770568656c6c6f6c00000001770568656c6c6f6a"),
    (2, "836802770668c3a96c6c6f6c00000001770668c3a96c6c6f6a"),
];

#[test]
fn minor_versions_write_otps_bytes_and_read_back() {
    let mut atoms = AtomTable::new(10_000);
    for (minor, hex) in MINOR {
        let bytes = unhex(hex);
        let t = decode(&bytes, &mut atoms).unwrap_or_else(|e| panic!("{hex}: {e:?}"));
        assert_eq!(
            encode_minor_with(&t, &NoClosures, *minor),
            Ok(bytes),
            "{hex}"
        );
        let default = encode(&t).expect("encodes");
        assert_eq!(decode(&default, &mut atoms), Ok(t));
    }
}

#[test]
fn a_safe_decode_makes_no_atom() {
    let mut atoms = AtomTable::new(10_000);
    let known = atoms.intern("known").expect("room");
    let ok = [131, 100, 0, 5, b'k', b'n', b'o', b'w', b'n', 0];
    let (t, used) = decode_prefix_opts(&ok, &mut atoms, &mut NoClosures, true).expect("known");
    assert_eq!((t, used), (Term::Atom(known), 9));
    let before = atoms.len();
    let new = [131, 104, 1, 119, 3, b'n', b'e', b'w'];
    assert_eq!(
        decode_prefix_opts(&new, &mut atoms, &mut NoClosures, true),
        Err(DecodeError::Unsafe)
    );
    assert_eq!(atoms.len(), before);
    assert!(decode_prefix_opts(&new, &mut atoms, &mut NoClosures, false).is_ok());
    assert_eq!(atoms.len(), before + 1);
}
