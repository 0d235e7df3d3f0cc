#!/usr/bin/env bash
# Data-parallel scaling, measured in one run: benchmarks/bench_scaling under
# mpirun with 1, 2 and 4 ranks (4 oversubscribes a 2-core machine: it shows the
# communication overhead, not a speed-up), one after the other, and a table of
# steps/s with the ratio to 1 rank and the share of time inside collectives.
#
#   benchmarks/scaling.sh [build dir (build/release)] [steps scale (1.0)] [rank counts ("1 2 4")]
set -euo pipefail
build=${1:-build/release}
scale=${2:-1.0}
ranks=${3:-1 2 4}
bench="$build/benchmarks/bench_scaling"
[[ -x "$bench" ]] || { echo "scaling.sh: $bench not found (build with MPI: scripts/install-deps.sh)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
for n in $ranks; do
  mpirun --oversubscribe -np "$n" "$bench" "$scale" | grep '^scaling|' >> "$lines"
done
echo "| configuration | ranks | steps | wall s | steps/s | × 1 rank | in collectives |"
echo "|---|---|---|---|---|---|---|"
awk -F'|' '
  { key = $2; if ($3 == 1) base[key] = $6; rows[NR] = $0 }
  END {
    for (i = 1; i <= NR; ++i) {
      split(rows[i], f, "|")
      ratio = (f[2] in base) ? sprintf("%.2f", f[6] / base[f[2]]) : "n/a"
      printf "| %s | %s | %s | %.2f | %.0f | %s | %.1f%% (%d calls) |\n", f[2], f[3], f[4], f[5], f[6], ratio, 100 * f[7] / f[5], f[8]
    }
  }' "$lines"
