#!/usr/bin/env bash
# tools/plot_run.py on the synthetic tests/tools/data/sample_stats.json: the three pictures are
# written, are PNGs of some substance, and the paths are printed; bad choices are usage errors.
# Exits 77 (skipped) only when Debian's python3 has no matplotlib. Run from the source root.
set -euo pipefail

PY=/usr/bin/python3
SCRIPT=tools/plot_run.py
SAMPLE=tests/tools/data/sample_stats.json

if ! [ -x "$PY" ] || ! "$PY" -c "import matplotlib" 2>/dev/null; then
    echo "SKIP: $PY has no matplotlib (Debian: apt-get install python3-matplotlib)"
    exit 77
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check_png() {  # path: exists, starts with the PNG signature, is more than a blank canvas
    [ -f "$1" ] || fail "$1 was not written"
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$1 is not a PNG"
    local size
    size=$(wc -c <"$1")
    [ "$size" -gt 20000 ] || fail "$1 is only $size bytes"
}

# The sample keeps its promise: busy + idle + stalls = device cycles for every thread.
"$PY" - "$SAMPLE" <<'PYEOF' || fail "$SAMPLE breaks the thread-cycle identity"
import json, re, sys
for p in json.load(open(sys.argv[1]))["programs"]:
    total = {}
    for k, v in p["stats"].items():
        m = re.match(r"(chip\d+\.core_\d+_\d+\.(brisc|ncrisc|trisc[012]))\.(busy_cycles|idle_cycles|stall_cycles\.)", k)
        if m:
            total[m.group(1)] = total.get(m.group(1), 0) + v
    bad = {t: v for t, v in total.items() if v != p["device_cycles"]}
    assert total and not bad, bad
PYEOF

# Defaults: the longest program (the matmul) and the core with the most stalls (0,0).
out=$("$PY" "$SCRIPT" "$SAMPLE" "$TMP/default") || fail "plot_run.py exited with $?"
expected="$TMP/default/core_utilization.png
$TMP/default/noc_links.png
$TMP/default/timeline_core_0_0.png"
[ "$out" = "$expected" ] || fail "printed paths differ: got
$out"
for f in $expected; do check_png "$f"; done

# A chosen program and core.
"$PY" "$SCRIPT" "$SAMPLE" "$TMP/chosen" --program 1 --core 3,1 >/dev/null || fail "--program 1 --core 3,1 failed"
for f in core_utilization.png noc_links.png timeline_core_3_1.png; do check_png "$TMP/chosen/$f"; done

# Usage errors exit with 2: a program that does not exist, a core that ran nothing, a bad core.
for args in "--program 9" "--program 1 --core 3,3" "--core 3x3"; do
    rc=0
    # shellcheck disable=SC2086
    "$PY" "$SCRIPT" "$SAMPLE" "$TMP/bad" $args >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "'$args' exited with $rc, expected 2"
done

# Several chips: eth_links.png from the chips' programs launched together (a later program with
# another launch is not summed in), each sending port's load its busy / program cycles.
"$PY" - "$TMP/mesh.json" <<'PYEOF'
import json, sys
def prog(chip, launch, busy):
    return {"index": 2 * launch + chip, "chip": chip, "name": "all_gather_async", "launch_cycle": launch,
            "device_cycles": 1000, "stats": {f"chip{chip}.eth9.tx.busy_cycles": busy,
                                             f"chip{chip}.eth9.tx.bytes": busy * 12,
                                             f"chip{chip}.core_0_0.brisc.busy_cycles": 1000}}
config = {"name": "pair", "mesh_coords": {"value": [[0, 0], [0, 1]]},
          "eth_links": {"value": [{"ports": [[0, 8], [1, 0]], "dispatch": True}, [0, 9, 1, 1]]}}
json.dump({"tensim_stats": 1, "config": config,
           "programs": [prog(0, 0, 500), prog(1, 0, 250), prog(0, 5000, 1000)]}, open(sys.argv[1], "w"))
PYEOF
"$PY" "$SCRIPT" "$TMP/mesh.json" "$TMP/mesh" --program 0 | grep -qx "$TMP/mesh/eth_links.png" \
    || fail "eth_links.png not listed for a two-chip run"
check_png "$TMP/mesh/eth_links.png"
"$PY" - "$TMP/mesh.json" <<'PYEOF' || fail "link load not summed per mesh workload"
import json, sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, "tools")
import plot_run
data = json.load(open(sys.argv[1]))
load = plot_run.mesh_link_load(data, data["programs"][0])
assert set(load) == {(0, 9), (1, 9)}, load
assert load[(0, 9)]["busy_cycles"] / load[(0, 9)]["cycles"] == 0.5, load
assert load[(1, 9)]["bytes"] == 250 * 12, load
PYEOF

echo "PASS: plot_run.py"
