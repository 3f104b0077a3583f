#!/usr/bin/env bash
# Fuzzes tensim's input readers (fuzz/): builds the libFuzzer harnesses with clang under ASan +
# UBSan into build-fuzz/, then runs each for N seconds (default 60) on a copy of its seed corpus.
# Exits 1 when any harness finds a crash (a sanitizer report, an exception other than the reader's
# typed error, a timeout or running out of memory); the input that caused it is left in
# build-fuzz/findings/<target>/ and named on stderr. Replay one with
# `build-fuzz/fuzz_<target> FILE`.
#   tools/fuzz.sh [N] [TARGET...]   TARGET: arch_file set_override calibration_case (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(arch_file set_override calibration_case)
case "$secs" in '' | *[!0-9]*) echo "fuzz.sh: N must be a whole number of seconds" >&2; exit 2 ;; esac

# clang 14, its libFuzzer runtime and lld, from Debian (installed here when missing: the main
# build needs none of them).
./tools/install_packages.sh fuzz.sh clang-14 libclang-rt-14-dev lld-14
cxx=$(command -v clang++-14)
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" > /dev/null
fi
cmake --build build-fuzz -j "$(nproc)" > build-fuzz/build.log 2>&1 \
  || { grep -E "error" -A3 build-fuzz/build.log | head -40; echo "fuzz.sh: build failed (build-fuzz/build.log)" >&2; exit 1; }

failed=0
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz.sh: no target '$t'" >&2; exit 2; }
  # Inputs it finds go to a working corpus outside the tree; the seeds stay as committed.
  work=build-fuzz/corpus/$t findings=build-fuzz/findings/$t
  mkdir -p "$work" "$findings"
  log=build-fuzz/$t.log
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a reader that balloons is a finding.
  if UBSAN_OPTIONS=print_stacktrace=1 "$bin" "$work" "fuzz/$t/corpus" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -dict=fuzz/json.dict -print_final_stats=1 > "$log" 2>&1; then
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo '?')
    echo "fuzz $t: ${secs}s, $runs inputs, coverage $cov edges, no finding"
  else
    failed=1
    echo "fuzz $t: FOUND A CRASH (log $log)" >&2
    grep -E "ERROR|SUMMARY|uncaught|what\(\)|Test unit written" "$log" | head -10 >&2
  fi
done
exit $failed
