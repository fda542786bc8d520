#!/usr/bin/env bash
# Installs what the tests need (skipping what is present), then runs every
# test: formatting, lints, unit/property/snapshot tests, the conformance
# suite against real OTP transcripts, the crates' tests for wasm32 in headless
# Chromium (the browser app's included), the release build of the app and
# its size bound, and an end-to-end test that drives the built app through
# chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (native)"
cargo test --workspace --locked

step "cargo test (wasm32, headless Chromium)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
for crate in term syntax vm cluster web; do
  cargo test --locked --target wasm32-unknown-unknown -p "beamplay-$crate" --test wasm
done

step "browser app (trunk build --release into dist/)"
scripts/setup.sh web
PATH="$PWD/.tools/node_modules/.bin:$PATH" trunk build --release --offline
scripts/wasm-size.sh

step "end to end: the built app in headless Chromium (screenshots in test-output/e2e/)"
cargo test --locked -p beamplay --test e2e -- --ignored
