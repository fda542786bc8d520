//! The front door of the crate: a `Runtime` is what the nodes of one
//! World share (its atom table, the native table and the compiled
//! prelude), made in one call; `Runtime::boot` starts a node on it.
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use beamplay_term::{atom_to_inspect, Atom, AtomTable};

use crate::code::{Module, ModuleTable, Op};
use crate::compile::{compile_line, CompileEnv};
pub use crate::dist::state::Epmd;
use crate::node::{Natives, Node};
use crate::prelude::PreludeError;

/// What the nodes of one World share. Nothing in it changes once made
/// but the atom table, which grows as atoms are made (DESIGN.md
/// invariant 1: it hangs off the World, never a static).
pub struct Runtime {
    atoms: Rc<RefCell<AtomTable>>,
    natives: Rc<Natives>,
    prelude: Vec<Rc<Module>>,
}

/// How to start a node.
pub struct NodeSpec<'a> {
    /// Its full name (`node1@localhost`), or `nonode@nohost` for a node
    /// without distribution.
    pub name: &'a str,
    /// 1 for a node's first life; a restarted node takes a new one, so
    /// the pids of its earlier life stay dead.
    pub creation: u32,
    /// Seeds the node's generator (`:rand`, references).
    pub seed: u64,
    /// Started as `iex --hidden`.
    pub hidden: bool,
    /// Records its events from the start (`Node::set_tracing`).
    pub tracing: bool,
    /// The World's clock, in microseconds, which the host moves.
    pub clock: Rc<Cell<u64>>,
    pub epmd: Epmd,
}

impl Runtime {
    /// Registers every native and compiles the prelude. Fails only if the
    /// prelude does not compile: a bug in the playground, reported with
    /// its file.
    pub fn new(atom_limit: usize) -> Result<Runtime, PreludeError> {
        let atoms = Rc::new(RefCell::new(AtomTable::new(atom_limit)));
        let mut natives = Natives::default();
        crate::natives::register(&mut natives);
        crate::procnatives::register(&mut natives);
        crate::external::register(&mut natives);
        let prelude = {
            let mut t = atoms.borrow_mut();
            let modules = crate::code::ModuleTable::default();
            let mut env = CompileEnv {
                atoms: &mut t,
                natives: &natives,
                modules: &modules,
                file: "prelude",
                warnings: Vec::new(),
            };
            crate::prelude::compile(&mut env)?
        };
        Ok(Runtime {
            atoms,
            natives: Rc::new(natives),
            prelude,
        })
    }

    /// The atom `name`, from the table its nodes share (an uninterned one
    /// past the table's limit, as a node's own name is).
    pub fn atom(&self, name: &str) -> Atom {
        self.atoms
            .borrow_mut()
            .intern(name)
            .unwrap_or_else(|_| Atom::new_uninterned(name))
    }

    /// A fresh node: the prelude loaded, its console's shell waiting for a
    /// line, and its logger, global name server, rex and (if it has a
    /// name) net_kernel running.
    pub fn boot(&self, spec: NodeSpec<'_>) -> Node {
        let mut node = Node::new(
            spec.name,
            spec.creation,
            self.atoms.clone(),
            self.natives.clone(),
            spec.clock,
            spec.seed,
        );
        for m in &self.prelude {
            node.modules.insert(m.name.clone(), m.clone());
        }
        node.set_tracing(spec.tracing);
        node.dist.hidden = spec.hidden;
        node.dist.epmd = spec.epmd;
        node.start_services();
        node
    }

    /// The listings (`listing.rs`) of console lines typed in turn at a
    /// fresh node's console, each compiled as the console compiles it:
    /// seeing the prelude, the names the lines before it bound and the
    /// modules they defined (as if each had run without error). Each is
    /// the warnings it gave and its code, or the banner of the error that
    /// stopped it.
    pub fn listing(&self, lines: &[&str]) -> Vec<Result<String, String>> {
        let mut modules: ModuleTable = self
            .prelude
            .iter()
            .map(|m| (m.name.clone(), m.clone()))
            .collect();
        let mut names: Vec<String> = Vec::new();
        let mut counter = 1;
        let guard_bif = |op: &Op| match op {
            Op::GuardBif(f, ..) => self
                .natives
                .name_of(*f)
                .map(|(m, f, a)| format!("{}.{f}/{a}", atom_to_inspect(m))),
            _ => None,
        };
        let mut out = Vec::new();
        for text in lines {
            let ast = match beamplay_syntax::parse(text, counter) {
                Ok(ast) => ast,
                Err(d) => {
                    out.push(Err(d.banner("iex")));
                    continue;
                }
            };
            let mut atoms = self.atoms.borrow_mut();
            let mut env = CompileEnv {
                atoms: &mut atoms,
                natives: &*self.natives,
                modules: &modules,
                file: "iex",
                warnings: Vec::new(),
            };
            let line = match compile_line(&mut env, &ast, &names, None) {
                Ok(line) => line,
                Err(e) => {
                    out.push(Err(e.banner("iex")));
                    continue;
                }
            };
            let mut text: String = env.warnings.iter().map(|w| format!("{w}\n")).collect();
            text.push_str(&crate::listing::module(&line.module, &guard_bif));
            out.push(Ok(text));
            let mut defined = line.module.submodules.clone();
            while let Some(m) = defined.pop() {
                defined.extend(m.submodules.iter().cloned());
                modules.insert(m.name.clone(), m);
            }
            names = line.bound;
            counter += 1;
        }
        out
    }

    /// Names registered twice in the native table (a bug the tests catch).
    pub fn natives_registered_twice(&self) -> Vec<String> {
        self.natives
            .registered_twice()
            .iter()
            .map(|(m, f, a)| format!("{m}.{f}/{a}"))
            .collect()
    }
}
