#!/usr/bin/env bash
# The CI recipe of docs/ci.md tried on tensim's own examples (called by .ci/run): record a
# baseline of a few host programs and a `tensim matmul`, compare a second run with it (tensim is
# deterministic: every figure the same, exit 0), then check that a figure moved by hand in the
# baseline fails the comparison (exit 1) and is named in the table and in valid JUnit XML, and that
# --expect-cycles fails a run that misses. Builds nothing: run after tools/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export TENSIM_CACHE="$PWD/build/kernel-cache"
tensim=build/bin/tensim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name=$1 want=$2 got=0
  shift 2
  "$@" > "$work/out" 2> "$work/err" || got=$?
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "ci-recipe: $name: exit $got, expected $want" >&2
    cat "$work/out" "$work/err" >&2
  fi
}

runs=(-- build/bin/loopback -- build/bin/eltwise_binary -- build/bin/matmul_single_core
      -- matmul --m 128 --k 128 --n 128 --numerics fast)
check "record" 0 "$tensim" baseline record "$work/base.json" "${runs[@]}"
check "compare unchanged" 0 "$tensim" baseline compare "$work/base.json" --junit "$work/same.xml"
# The matmul's device cycles 3% lower in the baseline than what the run takes.
python3 - "$work/base.json" "$work/moved.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["runs"][-1]["metrics"]["device_cycles"] /= 1.03
json.dump(b, open(sys.argv[2], "w"))
PY
check "compare moved" 1 "$tensim" baseline compare "$work/moved.json" --junit "$work/moved.xml"
cp "$work/out" "$work/moved.txt"
check "moved figure named" 0 grep -q "device_cycles .*MOVED" "$work/moved.txt"
check "JUnit parses" 0 python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
assert r.find("testsuite").get("failures") == "1", "one failing run expected"' "$work/moved.xml"
check "within tolerance" 0 "$tensim" baseline compare "$work/moved.json" --tolerance 5%
cycles=$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["runs"][-1]["metrics"]["device_cycles"]))' "$work/base.json")
check "expect-cycles met" 0 "$tensim" matmul --m 128 --k 128 --n 128 --numerics fast --expect-cycles "$cycles" --min-pcc 0.99
check "expect-cycles missed" 1 "$tensim" matmul --m 128 --k 128 --n 128 --numerics fast --expect-cycles "$((cycles + 1))"
echo "ci-recipe: $passed passed, $failed failed"
[ "$failed" = 0 ]
