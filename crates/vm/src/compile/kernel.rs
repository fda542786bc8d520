//! What an unqualified call resolves to: Kernel's functions (as Elixir
//! imports them) and the IEx helpers of the console.

/// `(name, arity)` imported from Kernel, and the module that implements it.
/// Operators and special forms are handled by the compiler itself.
pub fn kernel_import(name: &str, arity: usize) -> Option<(&'static str, &'static str)> {
    let erl = |f: &'static str| Some(("erlang", f));
    match (name, arity) {
        (
            "hd" | "tl" | "length" | "abs" | "trunc" | "round" | "ceil" | "floor" | "byte_size"
            | "bit_size" | "tuple_size" | "map_size" | "is_atom" | "is_binary" | "is_bitstring"
            | "is_boolean" | "is_float" | "is_function" | "is_integer" | "is_list" | "is_map"
            | "is_number" | "is_pid" | "is_reference" | "is_tuple" | "self" | "make_ref" | "throw"
            | "node",
            _,
        ) => {
            let f: &'static str = match name {
                "hd" => "hd",
                "tl" => "tl",
                "length" => "length",
                "abs" => "abs",
                "trunc" => "trunc",
                "round" => "round",
                "ceil" => "ceil",
                "floor" => "floor",
                "byte_size" => "byte_size",
                "bit_size" => "bit_size",
                "tuple_size" => "tuple_size",
                "map_size" => "map_size",
                "is_atom" => "is_atom",
                "is_binary" => "is_binary",
                "is_bitstring" => "is_bitstring",
                "is_boolean" => "is_boolean",
                "is_float" => "is_float",
                "is_function" => "is_function",
                "is_integer" => "is_integer",
                "is_list" => "is_list",
                "is_map" => "is_map",
                "is_number" => "is_number",
                "is_pid" => "is_pid",
                "is_reference" => "is_reference",
                "is_tuple" => "is_tuple",
                "self" => "self",
                "make_ref" => "make_ref",
                "throw" => "throw",
                _ => "node",
            };
            let ok = match f {
                "self" | "make_ref" => arity == 0,
                "node" => arity <= 1,
                "is_function" => arity == 1 || arity == 2,
                _ => arity == 1,
            };
            if ok {
                erl(f)
            } else {
                None
            }
        }
        ("div", 2) => erl("div"),
        ("rem", 2) => erl("rem"),
        ("max", 2) => erl("max"),
        ("min", 2) => erl("min"),
        ("spawn", 1 | 3) => erl("spawn"),
        ("spawn_link", 1 | 3) => erl("spawn_link"),
        ("spawn_monitor", 1 | 3) => erl("spawn_monitor"),
        ("send", 2) => erl("send"),
        ("exit", 1) => erl("exit"),
        ("apply", 2 | 3) => erl("apply"),
        ("function_exported?", 3) => erl("function_exported"),
        ("binding", 0) => None,
        (
            "inspect" | "to_string" | "to_charlist" | "then" | "tap" | "struct" | "struct!"
            | "get_in" | "put_in" | "update_in" | "is_nil" | "is_struct" | "is_exception" | "elem",
            _,
        ) => {
            let ok = matches!(
                (name, arity),
                ("inspect", 1 | 2)
                    | ("to_string", 1)
                    | ("to_charlist", 1)
                    | ("then", 2)
                    | ("tap", 2)
                    | ("struct", 1 | 2)
                    | ("struct!", 1 | 2)
                    | ("get_in", 2)
                    | ("put_in", 3)
                    | ("update_in", 3)
                    | ("is_nil", 1)
                    | ("is_struct", 1 | 2)
                    | ("is_exception", 1 | 2)
                    | ("elem", 2)
            );
            ok.then_some(("Elixir.Kernel", kernel_name(name)))
        }
        _ => None,
    }
}

fn kernel_name(name: &str) -> &'static str {
    match name {
        "inspect" => "inspect",
        "to_string" => "to_string",
        "to_charlist" => "to_charlist",
        "then" => "then",
        "tap" => "tap",
        "struct" => "struct",
        "struct!" => "struct!",
        "get_in" => "get_in",
        "put_in" => "put_in",
        "update_in" => "update_in",
        "is_nil" => "is_nil",
        "is_struct" => "is_struct",
        "is_exception" => "is_exception",
        _ => "elem",
    }
}

/// IEx helpers available in the console.
pub fn iex_helper(name: &str, arity: usize) -> Option<(&'static str, &'static str)> {
    match (name, arity) {
        ("flush", 0) => Some(("Elixir.IEx.Helpers", "flush")),
        ("pid", 1 | 3) => Some(("Elixir.IEx.Helpers", "pid")),
        ("v", 0 | 1) => Some(("Elixir.IEx.Helpers", "v")),
        ("i", 1) => Some(("Elixir.IEx.Helpers", "i")),
        ("h", 0) => Some(("Elixir.IEx.Helpers", "h")),
        _ => None,
    }
}

/// Guard-safe BIFs (`:erlang` functions a guard may call).
pub fn guard_bif(name: &str, arity: usize) -> bool {
    matches!(
        (name, arity),
        (
            "hd" | "tl"
                | "length"
                | "abs"
                | "trunc"
                | "round"
                | "ceil"
                | "floor"
                | "byte_size"
                | "bit_size"
                | "tuple_size"
                | "map_size"
                | "is_atom"
                | "is_binary"
                | "is_bitstring"
                | "is_boolean"
                | "is_float"
                | "is_function"
                | "is_integer"
                | "is_list"
                | "is_map"
                | "is_number"
                | "is_pid"
                | "is_reference"
                | "is_tuple"
                | "self"
                | "node"
                | "is_nil",
            _
        ) | ("div" | "rem" | "max" | "min" | "elem", 2)
    )
}
