#!/usr/bin/env bash
# Sets up if needed, then runs the flagship demo: the data-movement examples on a simulated n150,
# each checking its own result, then a DRAM bandwidth microbenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
export SC_COPYRIGHT_MESSAGE=DISABLE
for ex in loopback loopback_mesh add_2_integers_in_riscv noc_tile_transfer multicast; do
  echo "== $ex"
  ./build/bin/$ex
done
echo "== tensim bench dram-read (one core streaming 1 MiB from its adjacent DRAM bank)"
./build/bin/tensim bench dram-read --bytes 1048576
echo "PASS"
