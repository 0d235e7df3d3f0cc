#!/usr/bin/env bash
# Installs the Debian packages actorcritic needs, only those missing.
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail

packages=(
  g++ make cmake pkg-config   # toolchain (CMake >= 3.25: Debian bookworm has 3.25)
  libeigen3-dev libfmt-dev    # the library's dependencies
  catch2                      # tests
  libbenchmark-dev            # benchmarks/
  gnuplot-nox                 # learning-curve plots
  libprotobuf-dev protobuf-compiler  # TensorBoard event files (actorcritic-train --tensorboard)
  libopenmpi-dev openmpi-bin  # data-parallel training (actorcritic::mpi) and its tests
  ccache                      # compiler cache (the build uses it when present)
  python3-dev pybind11-dev python3-numpy python3-pytest  # the Python package (python/, docs/python.md)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing packages ${missing[*]}, and neither root nor sudo is available" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
