//! The standard library written in Elixir, compiled once per World and
//! shared (read-only) by its nodes.
use std::rc::Rc;

use crate::code::Module;
use crate::compile::{compile_modules, CompileEnv, CompileError};

/// A prelude file, as `build.rs` packs it (no indentation or comment
/// lines; the line numbers of `prelude/*.ex`): its name and text.
macro_rules! packed {
    ($file:literal) => {
        ($file, include_str!(concat!(env!("OUT_DIR"), "/", $file)))
    };
}

/// Prelude sources, in load order.
pub const SOURCES: &[(&str, &str)] = &[
    packed!("beamplay.ex"),
    packed!("exceptions.ex"),
    packed!("kernel.ex"),
    packed!("enum.ex"),
    packed!("collections.ex"),
    packed!("process.ex"),
    packed!("dist.ex"),
    packed!("otp.ex"),
    packed!("groups.ex"),
    packed!("erlang.ex"),
];

/// A prelude file that does not parse or compile: a bug in the playground.
#[derive(Debug)]
pub struct PreludeError {
    pub file: &'static str,
    pub message: String,
}

impl std::fmt::Display for PreludeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the prelude does not compile: {}: {}",
            self.file, self.message
        )
    }
}

impl std::error::Error for PreludeError {}

/// Compiles every prelude source.
pub fn compile(env: &mut CompileEnv<'_>) -> Result<Vec<Rc<Module>>, PreludeError> {
    let mut out = Vec::new();
    for (file, src) in SOURCES {
        let ast = beamplay_syntax::parse(src, 1).map_err(|d| PreludeError {
            file,
            message: d.banner(file),
        })?;
        let mods = compile_modules(env, &ast).map_err(|e: CompileError| PreludeError {
            file,
            message: e.banner(file),
        })?;
        out.extend(mods);
    }
    Ok(out)
}
