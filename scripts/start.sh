#!/usr/bin/env bash
# Installs what is missing, builds beamplay (release) and starts it. Until
# the browser app lands, the playground is the terminal REPL.
# Extra arguments go to `beamplay repl` (e.g. --nodes node1,node2,node3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh oracle
cargo build --release --locked -p beamplay
exec target/release/beamplay repl "$@"
