#!/usr/bin/env bash
# tensim's speed against the floor: the wall time of `tensim matmul` (2048^3 on the 8x8 grid,
# fast numerics, which does all the tile math) next to one single-threaded OpenBLAS sgemm of the
# same shape, and their ratio; then timing numerics, and simulated cycles per wall second.
# OpenBLAS (Debian libopenblas-dev) is a benchmark-only dependency, installed here when missing.
#   tools/bench_speed.sh [M K N]
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-2048}; K=${2:-2048}; N=${3:-2048}
./tools/setup.sh
if ! dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "bench_speed: installing libopenblas-dev"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libopenblas-dev > /dev/null
fi
mkdir -p build/bench
cc -O2 -o build/bench/sgemm_bench tools/sgemm_bench.c \
  -I"/usr/include/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/openblas-pthread" -lopenblas -lm
# One thread, and OpenBLAS's own choice of kernel for this CPU (see the env notes on CORETYPE).
blas_s=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 build/bench/sgemm_bench "$M" "$K" "$N")

export SC_COPYRIGHT_MESSAGE=DISABLE
run() {  # numerics -> "wall_s device_cycles"; the first run also builds the kernels
  build/bin/tensim matmul --m "$M" --k "$K" --n "$N" --numerics "$1" --json \
    | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["wall_s"], j["device_cycles"])'
}
run fast > /dev/null  # warm the kernel cache so no run below compiles
read -r fast_s cycles < <(run fast)
read -r timing_s _ < <(run timing)
python3 - "$blas_s" "$fast_s" "$timing_s" "$cycles" "$M" "$K" "$N" <<'PY'
import sys
blas, fast, timing, cycles = map(float, sys.argv[1:5])
m, k, n = sys.argv[5:8]
print(f"shape {m}x{k}x{n}: {cycles:.0f} simulated cycles")
print(f"  OpenBLAS sgemm, 1 thread : {blas:8.3f} s")
print(f"  tensim fast numerics     : {fast:8.3f} s  ({fast / blas:.2f}x the sgemm)")
print(f"  tensim timing numerics   : {timing:8.3f} s  ({fast / timing:.2f}x faster than fast)")
print(f"  simulated cycles per wall second: fast {cycles / fast / 1e6:.2f} M, timing {cycles / timing / 1e6:.2f} M")
PY
