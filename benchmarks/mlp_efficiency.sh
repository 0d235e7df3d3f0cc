#!/usr/bin/env bash
# Runs bench_mlp and prints, for each shape and batch, the Mlp's GFLOP/s next
# to the bare-GEMM GFLOP/s of the same shapes and their ratio (efficiency).
#   benchmarks/mlp_efficiency.sh [build/release]
# shape:0 is 4-64-64-2, shape:1 is 64-256-256-8 (tanh, float).
set -euo pipefail
build=${1:-build/release}
"$build/benchmarks/bench_mlp" --benchmark_min_time=0.3 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null |
awk -F, '
  /_median"?,/ {
    name = $1; gsub(/"/, "", name); sub(/_median$/, "", name)
    split(name, part, "/"); kind = part[1]; key = part[2] "/" part[3]
    # the GFLOP/s counter is the last numeric column that the header names
    for (i = 1; i <= NF; i++) if (col[i] == "GFLOP/s") rate[kind, key] = $i
  }
  /^name,/ { for (i = 1; i <= NF; i++) { c = $i; gsub(/"/, "", c); col[i] = c } }
  END {
    printf "%-22s %14s %14s %7s   %14s %14s %7s\n", "shape/batch", "fwd GFLOP/s", "bare GEMM", "ratio",
           "fwd+bwd", "bare GEMM", "ratio"
    for (s = 0; s <= 1; s++) for (b = 1; b <= 4; b++) {
      key = "shape:" s "/batch:" (b == 1 ? 1 : b == 2 ? 64 : b == 3 ? 256 : 2048)
      f = rate["BM_MlpForward", key]; fb = rate["BM_BareGemmForward", key]
      g = rate["BM_MlpForwardBackward", key]; gb = rate["BM_BareGemmForwardBackward", key]
      printf "%-22s %14.1f %14.1f %6.0f%%   %14.1f %14.1f %6.0f%%\n", key, f, fb, 100 * f / fb, g, gb, 100 * g / gb
    }
  }'
