//! The files of each workspace crate form layers: no file imports, directly
//! or through others, a file that imports it (DESIGN.md "One front door per
//! crate"). This reads `crates/*/src/**/*.rs`, builds each crate's graph of
//! which file imports which and fails naming every cycle (strongly
//! connected group of files) it finds.
//!
//! A file imports another when it names it in a `use` (`crate::a::B`,
//! `super::b`, `self::c`, or `child::d` for a `mod child` it declares) or in
//! a path in its code (`crate::a::f()`, `super::x::Y`, `child::g()`). A
//! `mod x;` declaration alone is not an import. A path names the deepest
//! file its segments reach: `crate::compile::CompileEnv` is
//! `compile/mod.rs`, `crate::code::Op` is `code.rs`; one that reaches the
//! crate root follows the root's `use` to the file the item comes from
//! (`crate::MapEntries` is term's `term.rs`), and one to an item the root
//! defines itself is not counted (see `Crate::resolve`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module path inside a crate: `[]` is the crate root, `["compile",
/// "env"]` is `compile/env.rs`.
type ModPath = Vec<String>;

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other,
}

/// The tokens that matter for paths: comments, strings, chars and
/// lifetimes are skipped.
fn tokens(src: &str) -> Vec<Tok> {
    let s: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    while i < s.len() {
        let c = s[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < s.len() && s[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < s.len() {
                    if s[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if s[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&s, i + 1),
            'r' | 'b' if raw_string_start(&s, i).is_some() => {
                let (hashes, quote) = raw_string_start(&s, i).unwrap_or((0, i));
                i = quote + 1;
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                while i < s.len() && !s[i..].starts_with(&close) {
                    i += 1;
                }
                i += close.len();
            }
            'b' if at(i + 1) == '"' => i = skip_string(&s, i + 2),
            'b' if at(i + 1) == '\'' => i = skip_char(&s, i + 1),
            '\'' => i = skip_char(&s, i),
            _ if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Ident(s[start..i].iter().collect()));
            }
            ':' if at(i + 1) == ':' => {
                out.push(Tok::PathSep);
                i += 2;
            }
            _ => {
                out.push(match c {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    ';' => Tok::Semi,
                    '*' => Tok::Star,
                    _ => Tok::Other,
                });
                i += 1;
            }
        }
    }
    out
}

/// Past the closing quote of a string whose text starts at `i`.
fn skip_string(s: &[char], mut i: usize) -> usize {
    while i < s.len() && s[i] != '"' {
        i += if s[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

/// `r"`, `r#"`, `br##"`...: the number of `#` and where the quote is.
fn raw_string_start(s: &[char], i: usize) -> Option<(usize, usize)> {
    let prev_ident = i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '_');
    let mut j = i + usize::from(s[i] == 'b');
    if prev_ident || s.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = s[j..].iter().take_while(|c| **c == '#').count();
    (s.get(j + hashes) == Some(&'"')).then_some((hashes, j + hashes))
}

/// Past a char literal at `i` (`'x'`, `'\n'`, `'\u{1F}'`), or past the
/// quote of a lifetime (`'a`), whose name is then read as an identifier.
fn skip_char(s: &[char], i: usize) -> usize {
    if s.get(i + 1) == Some(&'\\') {
        let mut j = i + 2;
        while j < s.len() && s[j] != '\'' {
            j += 1;
        }
        j + 1
    } else if s.get(i + 2) == Some(&'\'') {
        i + 3
    } else {
        i + 1
    }
}

/// What one file says: the modules it declares (`mod x;` or `mod x {`)
/// and the paths it names, each with the module it is named in (the
/// file's own, or an inline module's inside it).
#[derive(Default)]
struct FileFacts {
    declared: BTreeSet<ModPath>,
    paths: Vec<(ModPath, Vec<String>)>,
    /// The names its `use`s bring into the file's own module.
    names: BTreeMap<String, Vec<String>>,
}

fn facts(module: &[String], src: &str) -> FileFacts {
    let toks = tokens(src);
    let mut f = FileFacts::default();
    // inline modules open here: (module path, brace depth inside it)
    let mut scopes: Vec<(ModPath, usize)> = vec![(module.to_vec(), 0)];
    let mut depth = 0;
    let mut i = 0;
    while i < toks.len() {
        let scope = scopes.last().map(|s| s.0.clone()).unwrap_or_default();
        match (&toks[i], toks.get(i + 1), toks.get(i + 2)) {
            (Tok::Ident(m), Some(Tok::Ident(name)), Some(t @ (Tok::Open | Tok::Semi)))
                if m == "mod" =>
            {
                let mut child = scope.clone();
                child.push(name.clone());
                f.declared.insert(child.clone());
                if *t == Tok::Open {
                    depth += 1;
                    scopes.push((child, depth));
                }
                i += 3;
            }
            (Tok::Ident(u), _, _) if u == "use" => {
                let (paths, next) = use_tree(&toks, i + 1, Vec::new());
                for (path, name) in paths {
                    if scope == module {
                        f.names.insert(name, path.clone());
                    }
                    f.paths.push((scope.clone(), path));
                }
                i = next;
            }
            (Tok::Ident(first), Some(Tok::PathSep), _) if i == 0 || toks[i - 1] != Tok::PathSep => {
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while let (Some(Tok::PathSep), Some(Tok::Ident(seg))) =
                    (toks.get(j), toks.get(j + 1))
                {
                    path.push(seg.clone());
                    j += 2;
                }
                f.paths.push((scope, path));
                i = j;
            }
            (Tok::Open, _, _) => {
                depth += 1;
                i += 1;
            }
            (Tok::Close, _, _) => {
                if scopes.len() > 1 && scopes.last().is_some_and(|s| s.1 == depth) {
                    scopes.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    f
}

/// A path a `use` names and the name it brings in (the last segment, its
/// `as` name, or `*` for a glob).
type UsePath = (Vec<String>, String);

/// The paths of a `use` tree starting at token `i` (after `use` or a
/// `{`), each prefixed by `prefix`; and where the tree ends.
fn use_tree(toks: &[Tok], mut i: usize, prefix: Vec<String>) -> (Vec<UsePath>, usize) {
    let mut out = Vec::new();
    let mut path = prefix.clone();
    let mut alias = None;
    let end = |path: &mut Vec<String>, alias: &mut Option<String>, out: &mut Vec<UsePath>| {
        if path.len() > prefix.len() {
            if path.last().is_some_and(|s| s == "self") {
                path.pop();
            }
            let name = alias
                .take()
                .or_else(|| path.last().cloned())
                .unwrap_or_default();
            out.push((std::mem::replace(path, prefix.clone()), name));
        }
    };
    loop {
        match toks.get(i) {
            Some(Tok::Ident(seg)) if seg == "as" => {
                if let Some(Tok::Ident(a)) = toks.get(i + 1) {
                    alias = Some(a.clone());
                }
                i += 2;
            }
            Some(Tok::Ident(seg)) => {
                path.push(seg.clone());
                i += 1;
            }
            Some(Tok::PathSep) => i += 1,
            Some(Tok::Open) => {
                let (inner, next) = use_tree(toks, i + 1, path.clone());
                out.extend(inner);
                path = prefix.clone();
                i = next;
            }
            Some(Tok::Star) => {
                alias = Some("*".to_string());
                i += 1;
            }
            Some(Tok::Comma) => {
                end(&mut path, &mut alias, &mut out);
                i += 1;
            }
            Some(Tok::Close) | Some(Tok::Semi) | None => {
                end(&mut path, &mut alias, &mut out);
                return (out, i + 1);
            }
            Some(_) => i += 1,
        }
    }
}

/// The crate as the resolver sees it.
struct Crate {
    /// The file modules.
    files: BTreeSet<ModPath>,
    /// Every module declared, in a file or inline.
    declared: BTreeSet<ModPath>,
    /// What the root's `use`s name, by the name they bring in.
    root_names: BTreeMap<String, Vec<String>>,
}

impl Crate {
    /// The file a path named in module `scope` reaches, if it is one of
    /// the crate's. The root is the crate's front door, declaring every
    /// module: a path to an item it re-exports reaches the file the item
    /// comes from, and a path to one it defines (cluster's `World`) is not
    /// counted, or every file naming the crate's own types would be in a
    /// loop with it.
    fn resolve(&self, scope: &[String], path: &[String], hops: u32) -> Option<ModPath> {
        let first = path.first()?;
        let full: ModPath = match first.as_str() {
            "crate" => path[1..].to_vec(),
            "self" => scope.iter().chain(&path[1..]).cloned().collect(),
            "super" => {
                let ups = path.iter().take_while(|s| *s == "super").count();
                let base = scope.get(..scope.len().checked_sub(ups)?)?;
                base.iter().chain(&path[ups..]).cloned().collect()
            }
            _ => {
                let child: ModPath = scope.iter().chain([first]).cloned().collect();
                if !self.declared.contains(&child) {
                    return None;
                }
                scope.iter().chain(path).cloned().collect()
            }
        };
        let file = (0..=full.len())
            .rev()
            .map(|n| full[..n].to_vec())
            .find(|m| self.files.contains(m))?;
        if !file.is_empty() {
            return Some(file);
        }
        let used = self.root_names.get(full.first()?)?;
        if hops > 8 {
            return None;
        }
        self.resolve(&[], used, hops + 1)
    }
}

/// `src`'s files by module path, with their text.
fn crate_files(src: &Path) -> BTreeMap<ModPath, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap_or(&path).with_extension("");
            let mut module: ModPath = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.len() == 1 && (module[0] == "lib" || module[0] == "main")
                || module.last().is_some_and(|m| m == "mod")
            {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            out.insert(module, text);
        }
    }
    out
}

/// Which file imports which, by module path.
fn graph(files: &BTreeMap<ModPath, String>) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let facts: BTreeMap<&ModPath, FileFacts> =
        files.iter().map(|(m, text)| (m, facts(m, text))).collect();
    let krate = Crate {
        files: files.keys().cloned().collect(),
        declared: facts
            .values()
            .flat_map(|f| f.declared.iter().cloned())
            .collect(),
        root_names: facts
            .get(&Vec::new())
            .map(|f| f.names.clone())
            .unwrap_or_default(),
    };
    facts
        .iter()
        .map(|(m, f)| {
            let targets = f
                .paths
                .iter()
                .filter_map(|(scope, p)| krate.resolve(scope, p, 0))
                .filter(|t| t != *m)
                .collect();
            ((*m).clone(), targets)
        })
        .collect()
}

/// The strongly connected groups of more than one file (Tarjan's
/// algorithm, iterative).
fn cycles(g: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    let nodes: Vec<&ModPath> = g.keys().collect();
    let id = |m: &ModPath| nodes.iter().position(|n| *n == m);
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| g[*n].iter().filter_map(id).collect())
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its successors)
        let mut work = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on[root] = true;
        while let Some((v, k)) = work.pop() {
            if let Some(&w) = succ[v].get(k) {
                work.push((v, k + 1));
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on[w] = true;
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    group.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    beamplay_term::sort::sort_by(&mut group, Ord::cmp);
                    out.push(group);
                }
            }
        }
    }
    out
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "(root)".to_string()
    } else {
        m.join("::")
    }
}

fn mods(files: &[(&str, &str)]) -> BTreeMap<ModPath, String> {
    files
        .iter()
        .map(|(m, text)| {
            let path = if m.is_empty() {
                Vec::new()
            } else {
                m.split("::").map(String::from).collect()
            };
            (path, text.to_string())
        })
        .collect()
}

#[test]
fn no_crate_has_a_file_that_imports_its_importer() {
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    let mut crates = 0;
    for entry in std::fs::read_dir(&crates_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        let src = entry.path().join("src");
        if !src.is_dir() {
            continue;
        }
        crates += 1;
        let g = graph(&crate_files(&src));
        if entry.file_name() == "vm" {
            // the graph sees what is there: a sample of vm's own imports
            let has = |from: &[&str], to: &[&str]| {
                let (from, to): (ModPath, ModPath) = (
                    from.iter().map(|s| s.to_string()).collect(),
                    to.iter().map(|s| s.to_string()).collect(),
                );
                g.get(&from).is_some_and(|t| t.contains(&to))
            };
            assert!(
                has(&["runtime"], &["compile"]),
                "runtime uses crate::compile"
            );
            assert!(
                has(&["compile", "module"], &["compile", "env"]),
                "use super::env"
            );
            assert!(has(&["compile"], &["compile", "env"]), "pub use env::...");
            assert!(has(&["listing"], &["code"]), "listing uses crate::code");
            assert!(!has(&[], &["code"]), "`mod code;` is no import");
        }
        for group in cycles(&g) {
            found.push(format!(
                "{}: {}",
                entry.file_name().to_string_lossy(),
                group.iter().map(name).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    assert!(
        crates >= 6,
        "found {crates} crates in {}",
        crates_dir.display()
    );
    assert!(
        found.is_empty(),
        "files that import, through others, a file that imports them:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_loop_through_inline_paths_super_and_child_modules_is_found() {
    let g = graph(&mods(&[
        ("", "mod a; mod b; pub use a::A;"),
        ("a", "pub struct A; fn f() { crate::b::g() }"),
        ("b", "mod c; use self::c::C; pub fn g() {}"),
        ("b::c", "pub struct C; fn h() { super::super::a::A; }"),
        (
            "d",
            "// crate::a::A in a comment\nfn s() -> &'static str { \"crate::a::A\" }",
        ),
    ]));
    assert_eq!(
        cycles(&g),
        vec![vec![
            vec!["a".to_string()],
            vec!["b".to_string()],
            vec!["b".to_string(), "c".to_string()]
        ]]
    );
    assert!(g[&vec!["d".to_string()]].is_empty(), "comments and strings");
}

#[test]
fn use_trees_groups_and_inline_test_modules() {
    let g = graph(&mods(&[
        ("", "mod x; mod y; mod z;"),
        ("x", "use crate::{y::{self, Y}, z::*};"),
        (
            "y",
            "pub struct Y; #[cfg(test)] mod tests { use super::*; }",
        ),
        ("z", "pub fn f<'a>(c: char) -> bool { c == '{' }"),
    ]));
    let set =
        |ms: &[&str]| -> BTreeSet<ModPath> { ms.iter().map(|m| vec![m.to_string()]).collect() };
    assert_eq!(g[&vec!["x".to_string()]], set(&["y", "z"]));
    assert!(
        g[&vec!["y".to_string()]].is_empty(),
        "super:: in mod tests is y itself"
    );
    assert!(cycles(&g).is_empty());
}
