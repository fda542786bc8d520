#!/usr/bin/env bash
# The browser app's figures (issue 5) in headless Chromium: builds the
# release app into dist/ (installing what is missing), then prints the
# navigation-to-prompt time, a frame's cost as processes grow, and the
# page's responsiveness with 100,000 busy processes, beside their bounds,
# and the wasm's size gzipped. Screenshots go to test-output/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh web
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
trunk build --release --offline
scripts/wasm-size.sh
cargo test --release --locked -p beamplay --test web_bench -- --ignored --nocapture
