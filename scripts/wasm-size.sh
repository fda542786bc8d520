#!/usr/bin/env bash
# The built app's wasm (dist/, from trunk build --release): its size, and
# gzipped (gzip -9, as a server would send it) against issue 5's bound of
# 450 KB (450,000 bytes); fails above the bound.
set -euo pipefail
cd "$(dirname "$0")/.."
bound=450000
wasm=(dist/*.wasm)
raw=$(wc -c < "${wasm[0]}")
gz=$(gzip -9 -c "${wasm[0]}" | wc -c)
printf 'dist wasm: %s bytes, %s gzipped (bound %s)\n' "$raw" "$gz" "$bound"
if [ "$gz" -gt "$bound" ]; then
  echo "the wasm is over its size bound by $((gz - bound)) bytes gzipped" >&2
  exit 1
fi
