#!/usr/bin/env bash
# Measures TT-Metalium programs byte for byte against the installed tensim package: every host
# program under <tt-metal root>/tt_metal/programming_examples (any .cpp outside a kernels/ folder)
# is compiled with `pkg-config --cflags --libs tensim` plus the two flags tt-metal's own
# programming_examples/CMakeLists.txt adds (OVERRIDE_KERNEL_PREFIX, -Wno-narrowing), then run from
# the tt-metal root (TT_METAL_HOME, so its kernel paths resolve as on silicon) with a time limit.
# "passes" is the program's own verdict: exit status 0 and no failure line in its output.
# The examples' code is never part of tensim: point this at a checkout elsewhere.
#   tools/compat_examples.sh [-p PREFIX] [-o TABLE.md] [-t SECONDS] [-f FILTER] [TTM_ROOT]
# TTM_ROOT defaults to $TTM_EXAMPLES_DIR. PREFIX is an installed tensim (default: this tree's
# build/ installed into a scratch prefix). Multi-device programs (distributed/) run on
# $TTM_MESH_SYSTEM (default t3000, a 2x4 mesh as they ask); the rest on $TENSIM_SYSTEM or n150.
# Compiler: $CXX or c++, at -O2 (tt-metal builds its examples as a Release build).
# Prints one markdown row per program: | example | builds | passes | why not |.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix="" out="" limit=300 filter=""
while getopts "p:o:t:f:" opt; do
  case $opt in
    p) prefix=$OPTARG ;; o) out=$OPTARG ;; t) limit=$OPTARG ;; f) filter=$OPTARG ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
root=${1:-${TTM_EXAMPLES_DIR:-}}
if [ -z "$root" ] || [ ! -d "$root/tt_metal/programming_examples" ]; then
  echo "compat_examples: give the tt-metal root (holding tt_metal/programming_examples)" >&2
  exit 2
fi
root=$(cd "$root" && pwd)
work=${TTM_WORK:-/tmp/tensim-compat-$(id -u)}
mkdir -p "$work/bin" "$work/log"
if [ -z "$prefix" ]; then
  prefix=$work/prefix
  cmake --install "$here/build" --prefix "$prefix" > "$work/log/install.txt" 2>&1 || {
    echo "compat_examples: cmake --install failed (see $work/log/install.txt)" >&2; exit 1; }
fi
pcdir=$(dirname "$(find "$prefix" -name tensim.pc -path '*pkgconfig*' | head -1)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs tensim) || exit 1
# tt_metal/programming_examples/CMakeLists.txt: add_compile_definitions + add_compile_options.
ttm_flags=(-DOVERRIDE_KERNEL_PREFIX=\"tt_metal/programming_examples/\" -Wno-narrowing)
export TENSIM_CACHE=${TENSIM_CACHE:-$work/kernel-cache} SC_COPYRIGHT_MESSAGE=DISABLE
unset TENSIM_ARCH_DIR TT_METAL_KERNEL_PATH

# The first compiler diagnostic, or the first failure line of a run, as the reason.
first_error() {
  grep -m1 -E 'error:|undefined reference|FATAL|Error|error|FAIL|Abort|Segmentation|what\(\)' "$1" |
    sed -E "s|$root/||g; s|$prefix/||g; s/\|/\\\\|/g" | cut -c1-160
}

rows=()
cd "$root" || exit 1
mapfile -t programs < <(find tt_metal/programming_examples -name '*.cpp' -not -path '*/kernels/*' | sort)
for src in "${programs[@]}"; do
  name=${src#tt_metal/programming_examples/}; name=${name%.cpp}
  [ -n "$filter" ] && [[ ! $name =~ $filter ]] && continue
  tag=${name//\//_}
  exe=$work/bin/$tag blog=$work/log/$tag.build.txt rlog=$work/log/$tag.run.txt
  extra=()
  # matmul/CMakeLists.txt links Matmul::Common (its include dir); the mcast example, which that
  # file does not build, names the header one folder up.
  if [[ $name == matmul/* ]]; then
    extra=(-Itt_metal/programming_examples/matmul/matmul_common -Itt_metal/programming_examples/matmul)
  fi
  # tests/package_integration_test links protobuf as its CMakeLists does (a user's dependency).
  if grep -q 'google/protobuf' "$src"; then
    extra=($(pkg-config --cflags --libs protobuf 2>/dev/null || echo -lprotobuf))
  fi
  # shellcheck disable=SC2086
  if ! ${CXX:-c++} -std=c++20 -O2 "${ttm_flags[@]}" -I"$(dirname "$src")" "$src" -o "$exe" $flags \
      "${extra[@]}" > "$blog" 2>&1; then
    rows+=("| $name | no | - | $(first_error "$blog") |")
    continue
  fi
  sys=${TENSIM_SYSTEM:-n150}
  [[ $name == distributed/* ]] && sys=${TTM_MESH_SYSTEM:-t3000}
  TT_METAL_HOME=$root TENSIM_SYSTEM=$sys timeout -k 5 "$limit" stdbuf -oL -eL "$exe" > "$rlog" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! grep -qiE 'test failed|mismatch|FAIL' "$rlog"; then
    rows+=("| $name | yes | yes | |")
  elif [ $rc -eq 124 ]; then
    rows+=("| $name | yes | no | timed out after ${limit} s |")
  else
    why=$(first_error "$rlog"); [ -z "$why" ] && why="exit $rc: $(tail -1 "$rlog" | cut -c1-120)"
    rows+=("| $name | yes | no | $why |")
  fi
done

{
  echo "| example | builds | passes | why not |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  built=$(printf '%s\n' "${rows[@]}" | grep -c '| yes |' || true)
  passed=$(printf '%s\n' "${rows[@]}" | grep -c '| yes | yes |' || true)
  echo
  echo "${#rows[@]} programs: $built build, $passed pass."
} | tee ${out:+"$out"}
