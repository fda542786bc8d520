#!/usr/bin/env bash
# Installs what is missing, builds the browser app (trunk, release, wasm-opt)
# into dist/ and serves it: open http://127.0.0.1:8080 (extra arguments go
# to `beamplay serve`, e.g. --port 9000). `beamplay repl` is the terminal
# playground.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh web
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
cargo build --release --locked -p beamplay
trunk build --release --offline
exec target/release/beamplay serve "$@"
