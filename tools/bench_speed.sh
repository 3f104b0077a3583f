#!/usr/bin/env bash
# tensim's speed against the floor: the wall time of `tensim matmul` (2048^3 on the 8x8 grid) in
# each numerics mode (faithful at HiFi4, HiFi2 and LoFi; fast; timing) next to one single-threaded
# OpenBLAS sgemm of the same shape, as ratios, and the dgemm the fp64 PCC reference costs at least;
# simulated core-cycles per wall second; the whole `fast` process against its own wall_s; the cold
# (empty kernel cache) and warm start of the matmul's kernels; and faithful HiFi4 once more with
# its tile math on the simulation thread (TENSIM_MATH_THREADS=0, no MathWorker). Each tensim
# figure also gives its CPU time (user + sys, children included), the figure to compare on a
# shared machine.
# OpenBLAS (Debian libopenblas-dev) is a benchmark-only dependency, installed here when missing.
#   tools/bench_speed.sh [M K N]
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-2048}; K=${2:-2048}; N=${3:-2048}
./tools/setup.sh  # installs libopenblas-dev too (the sgemm below)
mkdir -p build/bench
blas_inc="/usr/include/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/openblas-pthread"
cc -O2 -o build/bench/sgemm_bench tools/sgemm_bench.c -I"$blas_inc" -lopenblas -lm
cc -O2 -DGEMM_DOUBLE -o build/bench/dgemm_bench tools/sgemm_bench.c -I"$blas_inc" -lopenblas -lm
# One thread, and OpenBLAS's own choice of kernel for this CPU (see the env notes on CORETYPE).
gemm() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 "$@" "$M" "$K" "$N"; }
blas_s=$(gemm build/bench/sgemm_bench)
# The same in fp64: what `tensim matmul`'s PCC reference costs at least (fast runs it beside).
dgemm_s=$(gemm build/bench/dgemm_bench)

export SC_COPYRIGHT_MESSAGE=DISABLE
python3 - "$blas_s" "$dgemm_s" "$M" "$K" "$N" <<'PY'
import json, os, resource, shutil, subprocess, sys, time
blas, dgemm = float(sys.argv[1]), float(sys.argv[2])
m, k, n = sys.argv[3:6]

def run(numerics, fidelity="HiFi4", cache=None, math_threads=None):
    """One `tensim matmul`: (its wall_s, device cycles, process wall, process CPU)."""
    env = dict(os.environ)
    if cache:
        env["TENSIM_CACHE"] = cache
    if math_threads is not None:
        env["TENSIM_MATH_THREADS"] = str(math_threads)
    cmd = ["build/bin/tensim", "matmul", "--m", m, "--k", k, "--n", n, "--numerics", numerics,
           "--fidelity", fidelity, "--json"]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    j = json.loads(out)
    return j["wall_s"], j["device_cycles"], wall, cpu

# Cold start: an empty kernel cache, then the same run warm; the difference is the kernel builds.
cold_dir = "build/bench/cold-cache"
shutil.rmtree(cold_dir, ignore_errors=True)
_, _, cold_wall, cold_cpu = run("timing", cache=cold_dir)
_, _, warm_wall, warm_cpu = run("timing", cache=cold_dir)
run("fast")  # warms the default cache for the runs below
fast_s, cycles, fast_proc, fast_cpu = run("fast")
timing_s, _, _, timing_cpu = run("timing")
faithful = {f: run("faithful", f) for f in ("HiFi4", "HiFi2", "LoFi")}
one_thread = run("faithful", "HiFi4", math_threads=0)  # tile math on the simulation thread
cores = 64  # the 8x8 grid the matmul runs on
print(f"shape {m}x{k}x{n}: {cycles:.0f} simulated cycles on {cores} cores")
print(f"  OpenBLAS sgemm, 1 thread   : {blas:8.3f} s  (1x)")
print(f"  OpenBLAS dgemm, 1 thread   : {dgemm:8.3f} s  ({dgemm / blas:6.2f}x; the fp64 reference's floor)")
for f, (w, _, _, cpu) in faithful.items():
    print(f"  tensim faithful {f:6s}     : {w:8.3f} s  ({w / blas:6.2f}x the sgemm; process CPU {cpu:.2f} s)")
w, _, _, cpu = one_thread
print(f"  faithful HiFi4, no worker  : {w:8.3f} s  ({w / blas:6.2f}x the sgemm; process CPU {cpu:.2f} s; TENSIM_MATH_THREADS=0)")
print(f"  tensim fast numerics       : {fast_s:8.3f} s  ({fast_s / blas:6.2f}x the sgemm; process CPU {fast_cpu:.2f} s)")
print(f"  tensim timing numerics     : {timing_s:8.3f} s  ({timing_s / blas:6.2f}x the sgemm; process CPU {timing_cpu:.2f} s)")
print(f"  whole fast process         : {fast_proc:8.3f} s  ({fast_proc / fast_s:.2f}x its wall_s)")
print(f"  simulated core-cycles per wall second: fast {cycles * cores / fast_s / 1e6:.0f} M, "
      f"timing {cycles * cores / timing_s / 1e6:.0f} M")
print(f"  kernel builds, cold start  : {cold_wall - warm_wall:8.3f} s wall, {cold_cpu - warm_cpu:.2f} s CPU "
      f"(process {cold_wall:.2f} s cold, {warm_wall:.2f} s warm; TENSIM_BUILD_JOBS={os.environ.get('TENSIM_BUILD_JOBS', 'all cores')})")
print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
PY
