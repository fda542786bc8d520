//! `beamplay repl` as a user drives it, with its input piped: consoles
//! that do not wait on each other, the end of input that ends it even
//! while a line blocks, and node names checked as `iex --sname` does.
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the REPL with `args`, `input` on its stdin: its stdout, stderr,
/// whether it succeeded, and how long it took.
fn repl(args: &[&str], input: &str) -> (String, String, bool, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_beamplay"))
        .arg("repl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("beamplay runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    let out = child.wait_with_output().expect("beamplay ends");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
        start.elapsed(),
    )
}

#[test]
fn a_blocked_console_leaves_the_others_free() {
    // the book's lock example: node2 waits for the lock node1 holds, and
    // node1 can still release it
    let (out, err, ok, _) = repl(
        &["--nodes", "node1,node2"],
        ":global.set_lock({:res, self()})\nnode2> :global.set_lock({:res, self()})\n:global.del_lock({:res, self()})\nProcess.sleep(2_000)\n",
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    // node1 took the lock and released it; node2 got it then
    assert_eq!(lines.iter().filter(|l| **l == "true").count(), 2, "{out}");
    assert!(lines.contains(&"[node2] true"), "{out}");
    // the last line blocked node1 past the wait, and the end of input
    // waited for its value
    assert!(
        lines.contains(
            &"(node1 is still running: now typing at node2; Ctrl+C interrupts node1's line)"
        ),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"[node1] :ok"), "{out}");
}

#[test]
fn output_of_processes_and_values_print_as_iex_prints_them() {
    let (out, err, ok, _) = repl(
        &[],
        "IO.write(\"x\")\nsend(self(), {:response, 10}); send(self(), {:response, 20}); flush()\nspawn(fn -> Process.sleep(200); IO.puts(\"late\") end); :spawned\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("\nx:ok\n"), "{out}");
    assert!(
        out.contains("\n{:response, 10}\n{:response, 20}\n:ok\n"),
        "{out}"
    );
    assert!(out.contains(":spawned\nlate\n"), "{out}");
    assert!(out.starts_with("Erlang/OTP 25"), "{out}");
}

#[test]
fn the_end_of_input_ends_the_repl_while_a_line_blocks() {
    let (out, err, ok, took) = repl(
        &["--nodes", "node1,node2"],
        "node2> receive do :never -> :ok end\n@kill node2\nnode2> 1\n1 + 1\nreceive do :never -> :ok end\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("node2@localhost is not running (restart it first)"),
        "{out}"
    );
    assert!(out.contains("\n2\n"), "{out}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn node_names_are_checked_as_sname_checks_them() {
    for (names, says) in [
        ("a b", "Invalid node name! \"a b\""),
        ("node1,x@y", "x@y: every node here runs on localhost"),
        (
            "node1,node1",
            "the name node1@localhost seems to be in use by another Erlang node",
        ),
    ] {
        let (_, err, ok, _) = repl(&["--nodes", names], "");
        assert!(!ok && err.contains(says), "{names}: {err}");
    }
    let (out, err, ok, _) = repl(&["--nodes", "Node-6"], "node()\n");
    assert!(ok && out.contains(":\"Node-6@localhost\""), "{out}{err}");
}

#[test]
fn typing_on_after_the_current_node_is_killed_or_removed() {
    for fault in ["@kill node2", "@remove node2"] {
        let (out, err, ok, took) = repl(
            &["--nodes", "node1,node2"],
            &format!(":node node2\n{fault}\n1 + 1\nnode2> 3\n"),
        );
        assert!(ok, "{err}");
        assert!(
            out.contains(
                "(that node is down: now typing at node1; `@restart` brings a node back)\n2\n"
            ),
            "{fault}: {out}"
        );
        assert!(
            out.contains("node2@localhost is not running")
                || out.contains("node2@localhost was removed"),
            "{fault}: {out}"
        );
        assert!(took < Duration::from_secs(10), "{took:?}");
    }
}

/// `beamplay ARGS` with no input: its stdout, stderr and success.
fn beamplay(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_beamplay"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("beamplay runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn a_commands_help_and_unknown_options_are_answered_not_run() {
    // `serve --help` prints the usage; it does not start serving
    let (out, _, ok) = beamplay(&["serve", "--help"]);
    assert!(ok && out.contains("beamplay serve [--port N]"), "{out}");
    let (_, err, ok) = beamplay(&["repl", "--node", "a"]);
    assert!(
        !ok && err.starts_with("beamplay repl has no option --node\n"),
        "{err}"
    );
    let (_, err, ok) = beamplay(&["serve", "--port"]);
    assert!(!ok && err.starts_with("--port wants a value\n"), "{err}");
}

#[test]
fn a_scenario_runs_alike_with_each_node_in_a_world_of_its_own() {
    let dir = std::env::temp_dir().join(format!("beamplay-worlds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("s.txt");
    std::fs::write(
        &file,
        "# nodes: node1,node2\nnode1> Node.connect(:node2@localhost)\nnode2> :global.register_name(:g, self())\nnode1> :global.whereis_name(:g) |> node()\n@kill node2\nnode1> Node.list()\n",
    )
    .expect("written");
    let path = file.to_string_lossy().into_owned();
    let (one, _, ok) = beamplay(&["run", &path]);
    assert!(ok, "{one}");
    let (worlds, _, ok) = beamplay(&["run", "--worlds", &path]);
    assert!(ok, "{worlds}");
    // and against the real clock
    let (real, err, ran) = beamplay(&["run", "--worlds", "--realtime", &path]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(worlds, one);
    assert!(one.contains(":node2@localhost\n"), "{one}");
    assert!(ran, "{err}");
    assert_eq!(real, one);
}

#[test]
fn nodes_each_in_a_world_of_their_own_form_a_cluster_at_the_repl() {
    let (out, err, ok, _) = repl(
        &["--worlds", "--nodes", "node1,node2"],
        "Node.connect(:node2@localhost)\nnode2> Node.list()\nnode2> :global.register_name(:g, self())\n:global.whereis_name(:g) |> node()\n@kill node2\nNode.list()\n",
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].ends_with("[beamplay: 2 node(s) each in a World of its own]"),
        "{out}"
    );
    let tail: Vec<&str> = lines.iter().rev().take(6).rev().copied().collect();
    assert_eq!(
        tail,
        [
            "true",
            "[node2] [:node1@localhost]",
            "[node2] :yes",
            ":node2@localhost",
            "applied @kill node2",
            "[]"
        ],
        "{out}"
    );
    // one name in two Worlds is refused as --sname refuses it
    let (_, err, ok, _) = repl(&["--worlds", "--nodes", "node1,node1"], "");
    assert!(
        !ok && err.contains("node1@localhost seems to be in use"),
        "{err}"
    );
}

#[test]
fn a_reader_that_stops_reading_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_beamplay"))
        .args(["repl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("beamplay runs");
    let mut stdin = child.stdin.take().expect("stdin");
    // the reader goes before the output comes
    drop(child.stdout.take());
    stdin
        .write_all(b"for i <- 1..200, do: IO.puts(i)\n")
        .expect("input written");
    drop(stdin);
    let out = child.wait_with_output().expect("beamplay ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
}
