#!/usr/bin/env bash
# Sets up if needed, then runs the flagship demo on a simulated n150: the data-movement examples,
# the compute examples (each checking its own result against the host), a matmul that is
# FPU-bound and one that is unpack-bound with the stall counters that say why, and a DRAM
# bandwidth microbenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
export SC_COPYRIGHT_MESSAGE=DISABLE
for ex in loopback loopback_mesh add_2_integers_in_riscv noc_tile_transfer multicast \
          add_2_integers_in_compute eltwise_binary eltwise_sfpu sfpu_eltwise_chain reduce_max softmax; do
  echo "== $ex"
  ./build/bin/$ex | tail -3
done
echo "== matmul_single_core, HiFi4 bf16 (FPU-bound)"
./build/bin/matmul_single_core
echo "== matmul_single_core, LoFi bfp8_b (unpack-bound)"
./build/bin/matmul_single_core --fidelity LoFi --dtype bfloat8_b
echo "== tensim bench dram-read (one core streaming 1 MiB from its adjacent DRAM bank)"
./build/bin/tensim bench dram-read --bytes 1048576
echo "PASS"
