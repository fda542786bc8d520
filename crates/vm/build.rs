//! Packs the prelude sources for embedding: indentation and comment-only
//! lines are dropped (a fifth of the bytes the browser downloads), while
//! every line keeps its number, so the compiler's line numbers are the
//! same as in `prelude/*.ex`. Lines inside a string spanning lines are
//! kept as they are.
use std::path::Path;
use std::{env, fs};

/// Whether a string is open at the end of `line`, given whether one was
/// open at its start. Knows `"..."` and `'...'` with backslash escapes,
/// `?c` character literals and `#` comments.
fn open_after(line: &str, mut quote: Option<char>) -> Option<char> {
    let mut chars = line.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => match c {
                '\\' => {
                    chars.next();
                }
                _ if c == q => quote = None,
                _ => {}
            },
            None => match c {
                '#' => break,
                '"' | '\'' => quote = Some(c),
                '?' if !(prev.is_alphanumeric() || prev == '_') => {
                    // a character literal: ?" or ?\" is no quote
                    let escaped = chars.peek() == Some(&'\\');
                    chars.nth(usize::from(escaped));
                }
                _ => {}
            },
        }
        prev = c;
    }
    quote
}

fn pack(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut quote = None;
    for line in src.lines() {
        if quote.is_none() {
            let code = line.trim_start();
            if !code.starts_with('#') {
                out.push_str(code);
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
        quote = open_after(line, quote);
    }
    assert!(quote.is_none(), "a prelude file ends inside a string");
    out
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new("prelude");
    println!("cargo::rerun-if-changed=prelude");
    let entries = fs::read_dir(dir).expect("the prelude directory");
    for entry in entries {
        let path = entry.expect("a prelude entry").path();
        if path.extension().is_some_and(|e| e == "ex") {
            let src = fs::read_to_string(&path).expect("a prelude source");
            let name = path.file_name().expect("a file name");
            fs::write(Path::new(&out).join(name), pack(&src)).expect("writing OUT_DIR");
        }
    }
}
