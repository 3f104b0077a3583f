#!/usr/bin/env bash
# Sets up if needed, then runs the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
