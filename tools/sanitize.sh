#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build
# directory (default build-asan; TENSIM_SANITIZE_DIR sets it), kernels JIT-compiled with the same
# flags into that directory's own kernel cache. Run by .ci/run after the Release suite; arguments go
# to ctest. Why -O1 -g1, and how SystemC's coroutine stacks are handled: docs/robustness.md
# ("Sanitizers").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TENSIM_SANITIZE_DIR:-build-asan}
# CPU seconds (user + sys) of every finished child so far: the stage's cost without the machine's
# load, which inflates the wall times on a shared machine.
# Sets cpu_s. `times` must run in this shell: in a pipe or $(...) it reports a subshell's children.
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
cpu() {
  times > "$times_file"
  cpu_s=$(tail -1 "$times_file" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%d", s }')
}
t0=$(date +%s)
if [ ! -f "$dir/CMakeCache.txt" ]; then
  # -O1: ASan's documented setting (reasonable speed, exact reports); -g1: line tables only, enough
  # for file:line in every report at a fraction of -g's compile and link time.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DTENSIM_SANITIZE=address,undefined > "$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; exit 1; }
  rm -f "$dir.configure.log"
fi
t1=$(date +%s)
if ! cmake --build "$dir" -j "$(nproc)" > "$dir/build.log" 2>&1; then
  grep -E "error|Error" -A3 "$dir/build.log" | head -60
  echo "sanitize: build failed; full log in $dir/build.log"
  exit 1
fi
t2=$(date +%s)
cpu
c2=$cpu_s
# An absolute TENSIM_SANITIZE_DIR is used as it is: "$PWD/$dir" would be "$PWD//abs/...", a
# kernel path with "//" that the compiler normalises, so tests that look for a kernel's own file
# name in a message (KernelApi, KernelFaults, NocAlignment) fail.
case $dir in
  /*) export TENSIM_CACHE="$dir/kernel-cache" ;;
  *) export TENSIM_CACHE="$PWD/$dir/kernel-cache" ;;
esac
# The sanitizers' defaults: ASan ends the process at its first report (exit 1, never a signal that
# tensim's kernel-fault handler would turn into a KernelError), leak checking on; UBSan's findings
# are fatal through -fno-sanitize-recover, with a stack trace.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# The MPI tests (ScaleOut.*) run in the Release suite only, for now: under the sanitizers one
# two-rank run of ScaleOut.TensorParallelLayerOverTwoRanksMatchesOneProcess exited 1 in the first
# clean-clone run of this stage (round 9; its stderr was discarded then, the tests print it now)
# and passed in every run since; until that cause is known it would fail CI at random
# (docs/robustness.md, "Round 9: the sanitizer stage in CI").
status=0
(cd "$dir" && ctest --output-on-failure -j "$(nproc)" -E '^ScaleOut\.' "$@") || status=$?
t3=$(date +%s)
cpu
c3=$cpu_s
echo "sanitize: configure $((t1 - t0)) s, build $((t2 - t1)) s, suite $((t3 - t2)) s (wall);" \
  "configure + build $c2 CPU-s, suite $((c3 - c2)) CPU-s; load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
