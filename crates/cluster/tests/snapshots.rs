//! Snapshots of what the console prints for values and errors, for the
//! cases a reader meets first. The conformance suite compares with real
//! OTP; these pin the exact text (layout included) next to the code.
#![cfg(not(target_arch = "wasm32"))]
use beamplay_cluster::scenario::run_scenario;
use expect_test::{expect, Expect};

fn check(lines: &[&str], want: Expect) {
    let mut src = String::from("# nodes: node1\n");
    for l in lines {
        src.push_str("node1> ");
        src.push_str(l);
        src.push('\n');
    }
    want.assert_eq(&run_scenario(&src));
}

#[test]
fn values_print_as_iex_prints_them() {
    check(
        &["Enum.to_list(1..25)", "%{name: \"Ann\", roles: [:admin, :dev], meta: %{since: 2019, active: true}, note: \"a fairly long note\"}", "{:ok, 'hi', <<1, 2>>, 1.0e-5, :\"a b\"}"],
        expect![[r#"
            node1> Enum.to_list(1..25)
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
             23, 24, 25]
            node1> %{name: "Ann", roles: [:admin, :dev], meta: %{since: 2019, active: true}, note: "a fairly long note"}
            %{
              meta: %{active: true, since: 2019},
              name: "Ann",
              note: "a fairly long note",
              roles: [:admin, :dev]
            }
            node1> {:ok, 'hi', <<1, 2>>, 1.0e-5, :"a b"}
            {:ok, 'hi', <<1, 2>>, 1.0e-5, :"a b"}
        "#]],
    );
}

#[test]
fn errors_print_as_iex_banners() {
    check(
        &[
            "{:ok, x} = {:error, :enoent}",
            "elem({:a}, 3)",
            "undefined_thing",
            "1 +* 2",
            "GenServer.call(:nobody, :pop)",
        ],
        expect![[r#"
            node1> {:ok, x} = {:error, :enoent}
            ** (MatchError) no match of right hand side value: {:error, :enoent}
            node1> elem({:a}, 3)
            ** (ArgumentError) errors were found at the given arguments:

              * 1st argument: out of range

            node1> undefined_thing
            ** (CompileError) iex:1: undefined function undefined_thing/0 (there is no such import)
            node1> 1 +* 2
            ** (SyntaxError) iex:1:4: syntax error before: '*'
                |
              1 | 1 +* 2
                |    ^
            node1> GenServer.call(:nobody, :pop)
            ** (exit) exited in: GenServer.call(:nobody, :pop, 5000)
                ** (EXIT) no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started
        "#]],
    );
}
