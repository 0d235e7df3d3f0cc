#!/usr/bin/env bash
# The whole test suite: installs what is missing, configures and builds
# Release (tests, examples, benchmarks), and runs every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"
ctest --preset release -j "$(nproc)"
