#!/usr/bin/env bash
# Installs what the tests need (skipping what is present), then runs every
# test: formatting, lints, unit/property/snapshot tests, the conformance
# suite against real OTP transcripts, and the core crates' tests for wasm32
# in headless Chromium.
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
for crate in term syntax vm cluster; do
  cargo test --locked --target wasm32-unknown-unknown -p "beamplay-$crate" --test wasm
done
