#!/usr/bin/env bash
# Sets up if needed, then runs the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
# Kernels built by the tests are cached inside the build tree, not in the user's cache.
export TENSIM_CACHE="$PWD/build/kernel-cache"
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
