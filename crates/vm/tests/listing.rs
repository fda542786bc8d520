//! Snapshots of the bytecode the compiler makes for each file of the
//! language corpus (tests/corpus/lang/NAME.exs): listing/NAME.txt holds
//! every case's input and listing, so a compiler change shows here, case
//! by case. After a deliberate change, read the diff and regenerate:
//! `UPDATE_EXPECT=1 cargo test -p beamplay-vm --test listing`.
#![cfg(not(target_arch = "wasm32"))]
mod common;

use std::path::Path;

use beamplay_vm::Runtime;
use expect_test::expect_file;

#[test]
fn each_corpus_file_compiles_as_its_snapshot_shows() {
    let rt = Runtime::new(1 << 20).expect("the prelude compiles");
    let files = common::files();
    for (name, text) in &files {
        let cases = common::cases(name, text);
        let inputs: Vec<&str> = cases.iter().map(|c| c.input.as_str()).collect();
        let mut out = String::new();
        for (case, listing) in cases.iter().zip(rt.listing(&inputs)) {
            out.push_str(&format!("=== {name}.exs:{}\n", case.line));
            for line in case.input.lines() {
                out.push_str(&format!("> {line}\n"));
            }
            out.push('\n');
            match listing {
                Ok(text) => out.push_str(&text),
                Err(banner) => out.push_str(&format!("{banner}\n")),
            }
            out.push('\n');
        }
        expect_file![format!("listing/{name}.txt")].assert_eq(&out);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/listing");
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| !files.iter().any(|(n, _)| *f == format!("{n}.txt")))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots without a corpus file: {stale:?}"
    );
}
