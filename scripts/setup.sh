#!/usr/bin/env bash
# Installs what beamplay's build and tests need and skips what is present.
# Usage: scripts/setup.sh [test|web|oracle|all]
#   test   : wasm target, wasm-bindgen-cli (pinned), Chromium + chromedriver
#   web    : wasm target, wasm-bindgen-cli, trunk (pinned) and binaryen's
#            wasm-opt (npm, into .tools/): what building the browser app needs
#   oracle : Elixir/OTP from Debian (real nodes for transcripts and benchmarks)
#   all    : all of them (default)
set -euo pipefail
what="${1:-all}"
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
TOOLS="$(cd "$(dirname "$0")/.." && pwd)/.tools"

log() { printf 'setup: %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_wasm() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! command -v rustfmt >/dev/null || ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 7 minutes)"
    # no --locked: its lockfile names a crate version the registry mirror lacks
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

setup_test() {
  setup_wasm
  apt_install chromium chromium-driver
}

# trunk's own downloads cannot work here (TOOLCHAIN.md): trunk from crates.io,
# wasm-opt from npm; Trunk.toml names their versions and the build runs offline
setup_web() {
  setup_wasm
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "installing trunk $TRUNK_VERSION (about 15 minutes)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    command -v npm >/dev/null || apt_install npm
    log "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS"
    npm install --silent --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION"
  fi
}

setup_oracle() {
  apt_install elixir erlang-dev
}

case "$what" in
  test) setup_test ;;
  web) setup_web ;;
  oracle) setup_oracle ;;
  all) setup_test; setup_web; setup_oracle ;;
  *) echo "usage: scripts/setup.sh [test|web|oracle|all]" >&2; exit 2 ;;
esac
