#!/usr/bin/env bash
# Installs what beamplay's build and tests need and skips what is present.
# Usage: scripts/setup.sh [test|oracle|all]
#   test   : wasm target, wasm-bindgen-cli (pinned), Chromium + chromedriver
#   oracle : Elixir/OTP from Debian (real nodes for transcripts and benchmarks)
#   all    : both (default)
set -euo pipefail
what="${1:-all}"
WASM_BINDGEN_VERSION=0.2.130

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

setup_test() {
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
  apt_install chromium chromium-driver
}

setup_oracle() {
  apt_install elixir erlang-dev
}

case "$what" in
  test) setup_test ;;
  oracle) setup_oracle ;;
  all) setup_test; setup_oracle ;;
  *) echo "usage: scripts/setup.sh [test|oracle|all]" >&2; exit 2 ;;
esac
