//! The standard library written in Elixir, compiled once per World and
//! shared (read-only) by its nodes.
use std::rc::Rc;

use crate::code::Module;
use crate::compile::{compile_modules, CompileEnv, CompileError};

/// Prelude sources, in load order.
pub const SOURCES: &[(&str, &str)] = &[
    ("beamplay.ex", include_str!("../prelude/beamplay.ex")),
    ("exceptions.ex", include_str!("../prelude/exceptions.ex")),
    ("kernel.ex", include_str!("../prelude/kernel.ex")),
    ("enum.ex", include_str!("../prelude/enum.ex")),
    ("collections.ex", include_str!("../prelude/collections.ex")),
    ("process.ex", include_str!("../prelude/process.ex")),
    ("dist.ex", include_str!("../prelude/dist.ex")),
    ("otp.ex", include_str!("../prelude/otp.ex")),
    ("groups.ex", include_str!("../prelude/groups.ex")),
    ("erlang.ex", include_str!("../prelude/erlang.ex")),
];

/// A prelude file that does not parse or compile: a bug in the playground.
#[derive(Debug)]
pub struct PreludeError {
    pub file: &'static str,
    pub message: String,
}

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
