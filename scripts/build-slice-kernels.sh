#!/usr/bin/env bash
# Builds src/qs/kernels/slice-kernels.wasm from slice-kernels.c (Debian's clang and lld, target
# wasm32 with SIMD and bulk memory; no libc). The .wasm is committed, so installing and running
# the project needs no compiler; test/qs/slice-kernels.test.ts checks that this script rebuilds
# it byte for byte. Usage: scripts/build-slice-kernels.sh [OUT] (default: the committed path).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/src/qs/kernels/slice-kernels.c"
out="${1:-$here/src/qs/kernels/slice-kernels.wasm}"
# No -ffast-math: the kernels must keep the TypeScript's operation order and rounding. The stack
# (64 kB) comes first in memory; slice-kernels.ts lays out its arrays above 128 kB.
clang --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -ffp-contract=off \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=65536 \
  -o "$out" "$src"
