#!/usr/bin/env bash
# Prints the build flavour of a configured build tree (CMake's AC_ARCH resolved:
# portable, x86-64-v3, x86-64-v4 or other; docs/reproducibility.md), or "unknown".
#   scripts/build_flavour.sh [BUILD DIR (build/release)]
flavour=$(sed -n 's/^AC_BUILD_FLAVOUR:[A-Z]*=//p' "${1:-build/release}/CMakeCache.txt" 2>/dev/null)
echo "${flavour:-unknown}"
