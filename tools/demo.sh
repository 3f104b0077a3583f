#!/usr/bin/env bash
# Sets up if needed, then runs the flagship demo on a simulated n150: the data-movement examples,
# the compute examples (each checking its own result against the host), a matmul that is
# FPU-bound and one that is unpack-bound with the stall counters that say why, the multi-core
# matmuls, a DRAM bandwidth microbenchmark, a 1024^3 matmul on 64 cores that leaves its stats,
# trace, per-op report and pictures in build/demo/, a sweep over the worker grid, and the same
# question asked from Python.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
export SC_COPYRIGHT_MESSAGE=DISABLE
# Every C++ example (examples/*/ but python/), the matmuls after the others with more to say.
examples=$(ls -d examples/*/ | xargs -n1 basename | grep -v '^python$')
for ex in $(echo "$examples" | grep -v '^matmul_\|^vecadd_'); do
  echo "== $ex"
  ./build/bin/$ex | tail -3
done
echo "== matmul_single_core, HiFi4 bf16 (FPU-bound)"
./build/bin/matmul_single_core
echo "== matmul_single_core, LoFi bfp8_b (unpack-bound)"
./build/bin/matmul_single_core --fidelity LoFi --dtype bfloat8_b
for ex in $(echo "$examples" | grep '^matmul_multi\|^vecadd_'); do
  echo "== $ex"
  ./build/bin/$ex | tail -2
done
echo "== tensim bench dram-read (one core streaming 1 MiB from its adjacent DRAM bank)"
./build/bin/tensim bench dram-read --bytes 1048576
out=build/demo
mkdir -p "$out"
echo "== tensim matmul 1024^3 on the 8x8 grid, with what the run leaves behind in $out/"
./build/bin/tensim matmul --m 1024 --k 1024 --n 1024 --stats "$out/stats.json" --trace "$out/trace.json" \
  --report "$out/report.csv" --pictures "$out"
echo "   (open $out/trace.json in ui.perfetto.dev)"
echo "== tensim sweep over the worker grid (2048^3, timing numerics)"
./build/bin/tensim sweep --over worker_grid=2x2,4x4,8x8 --out "$out/sweep.csv" --plot "$out/sweep.png" \
  -- matmul --m 2048 --k 2048 --n 2048 --numerics timing
cut -d, -f1-7 "$out/sweep.csv"
echo "== examples/python/grid_scaling.py (a Python sweep: cores a matmul uses well, with a plot)"
/usr/bin/python3 examples/python/grid_scaling.py --out "$out/grid_scaling.png" | tail -3
echo "PASS"
