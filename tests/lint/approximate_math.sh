#!/usr/bin/env bash
# Fails if a library header calls one of Eigen's element-wise functions that
# EIGEN_FAST_MATH turns into CPU-specific rsqrt/rcp estimates (sqrt, rsqrt,
# cwiseSqrt on arrays; pow on AVX-512 doubles). The library takes square roots
# through ac::exact_sqrt (core/exact_math.hpp); see docs/reproducibility.md.
#   approximate_math.sh INCLUDE_DIR
set -euo pipefail
include_dir=$1
# Strip // comments, then look for the calls.
hits=$(find "$include_dir" -name '*.hpp' -print0 | xargs -0 awk '
  { line = $0; sub(/\/\/.*/, "", line) }
  line ~ /\.(sqrt|rsqrt|pow)\(|cwiseSqrt\(/ { printf "%s:%d: %s\n", FILENAME, FNR, $0 }')
if [[ -n $hits ]]; then
  echo "approximate Eigen math in the library's headers (use ac::exact_sqrt):"
  echo "$hits"
  exit 1
fi
echo "no approximate Eigen math in $(find "$include_dir" -name '*.hpp' | wc -l) headers"
