#!/usr/bin/env bash
# Installs the Debian packages tensim needs (when missing), then configures and builds it
# (Release, all cores) into build/. Idempotent and quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

# pkg-config: SystemC's only package files, and the installed tensim.pc (tests/install). The -dev
# packages of fmt, spdlog and nlohmann_json are also what an installed tensim's users need
# (find_package(tensim) finds them). libopenblas-dev: the fp64 host references (dgemm).
# libboost-context-dev: the fibers the RISC threads' firmware runs on.
# python3-matplotlib draws the pictures (`--plot`; tensim runs
# without it and says how to get it); clang-format is CI's format check. pybind11-dev,
# python3-pybind11, python3-numpy and python3-pytest: `import tensim` and its tests (python/);
# openmpi-bin: mpirun, which starts `tensim sweep --mpi`'s ranks (they share work through files);
# libopenmpi-dev: the MPI library a system split over ranks links (`tensim ccl/llm --mpi`,
# docs/scale-out.md).
packages=(g++ cmake make pkg-config libsystemc-dev libfmt-dev libspdlog-dev libcli11-dev nlohmann-json3-dev
          libgtest-dev libopenblas-dev libboost-context-dev python3-matplotlib clang-format pybind11-dev python3-pybind11
          python3-numpy python3-pytest openmpi-bin libopenmpi-dev)
./tools/install_packages.sh setup "${packages[@]}"
# python3-torch: torch tensors into tensim.ops and the host API's buffers (docs/python.md). Without
# recommends (they add OpenCV, Qt and codecs that torch does not need): 162 packages, 727 MiB on
# disk, 4 min 42 s to install on this 2-core machine under load (December 2026). TENSIM_NO_TORCH=1
# skips it; the torch tests then skip themselves.
if [ "${TENSIM_NO_TORCH:-0}" != 1 ]; then
  APT_OPTS=--no-install-recommends ./tools/install_packages.sh setup python3-torch
fi

if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build-configure.log 2>&1 \
    || { cat build-configure.log; exit 1; }
  rm -f build-configure.log
fi
# Build quietly; show the log only when it fails.
if ! cmake --build build -j "$(nproc)" > build/build.log 2>&1; then
  grep -E "error|Error" -A3 build/build.log | head -60
  echo "setup: build failed; full log in build/build.log"
  exit 1
fi

# `import tensim` from any directory with no environment: a .pth file in the system Python's
# site-packages (the user site when that is not writable) names build/python, where the build
# puts the package. The last tree to run setup is the one Python imports.
if [ -d build/python/tensim ]; then
  py=/usr/bin/python3
  site_dir=$($py -c 'import site; print(site.getsitepackages()[0])')
  if ! { mkdir -p "$site_dir" && [ -w "$site_dir" ]; } 2>/dev/null; then
    site_dir=$($py -m site --user-site)
    mkdir -p "$site_dir"
  fi
  pth="$site_dir/tensim.pth"
  if [ "$(cat "$pth" 2>/dev/null)" != "$PWD/build/python" ]; then
    echo "$PWD/build/python" > "$pth"
    echo "setup: $py imports tensim from $PWD/build/python ($pth)"
  fi
  # The first python3 on PATH may be another interpreter of the same version (pyenv's on these
  # machines, without numpy; PyPI is out of reach): it gets the package and Debian's modules
  # (numpy, torch, matplotlib; same CPython ABI), appended after its own.
  other=$(command -v python3 || true)
  if [ -n "$other" ] && [ "$(readlink -f "$other")" != "$(readlink -f $py)" ]; then
    ver() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
    other_site=$("$other" -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || true)
    if [ "$(ver "$other")" = "$(ver $py)" ] && [ -n "$other_site" ] && [ -w "$other_site" ]; then
      printf '%s\n%s\n' "$PWD/build/python" /usr/lib/python3/dist-packages > "$other_site/tensim.pth"
    fi
  fi
fi
