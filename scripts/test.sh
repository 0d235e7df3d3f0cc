#!/usr/bin/env bash
# The whole test suite: installs what is missing, configures and builds
# Release (the target `suite`: the tests, what they run, and compile checks of
# the other examples and the benchmarks), and runs every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release --target suite -j "$(nproc)"
ctest --preset release -j "$(nproc)"
