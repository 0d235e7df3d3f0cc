#!/usr/bin/env bash
# Data-parallel scaling, measured in one run: benchmarks/bench_scaling under
# mpirun with 1, 2 and 4 ranks (4 oversubscribes a 2-core machine: it shows the
# communication overhead, not a speed-up), one after the other, each repeated
# and reported by its median steps/s; beside each data-parallel figure, the
# bound: as many independent one-process runs at once (what the machine's
# cores deliver to processes that never communicate).
#
#   benchmarks/scaling.sh [build dir (build/release)] [steps scale (1.0)] [rank counts ("1 2 4")] [repeats (3)]
set -euo pipefail
build=${1:-build/release}
scale=${2:-1.0}
ranks=${3:-1 2 4}
repeats=${4:-3}
bench="$build/benchmarks/bench_scaling"
[[ -x "$bench" ]] || { echo "scaling.sh: $bench not found (build with MPI: scripts/install-deps.sh)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
for ((r = 0; r < repeats; ++r)); do
  for n in $ranks; do
    mpirun --oversubscribe -np "$n" "$bench" "$scale" parallel | grep '^scaling|' >> "$lines"
    if [[ $n -gt 1 ]]; then
      mpirun --oversubscribe -np "$n" "$bench" "$scale" independent | grep '^scaling|' >> "$lines"
    fi
  done
done
echo "median of $repeats runs each; bound: $ranks independent processes at once"
echo "| configuration | ranks | steps/s | × 1 rank | bound: independent × 1 rank | share of the bound | in collectives |"
echo "|---|---|---|---|---|---|---|"
# fields: 2 mode, 3 name, 4 ranks, 5 steps, 6 seconds, 7 steps/s, 8 comm seconds, 9 calls
sort -t'|' -k3,3 -k4,4n -k2,2 "$lines" | awk -F'|' '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    key = $3 "|" $4
    if (!(key in seen)) { seen[key] = 1; order[++count] = key }
    if ($2 == "parallel") { rate[key] = rate[key] " " $7; share[key] = share[key] " " ($8 / $6); calls[key] = $9 }
    else bound[key] = bound[key] " " $7
  }
  END {
    for (i = 1; i <= count; ++i) {
      split(order[i], k, "|")
      r = median(rate[order[i]])
      if (k[2] == 1) base[k[1]] = r
      b = (order[i] in bound) ? median(bound[order[i]]) : r
      printf "| %s | %s | %.0f | %.2f | %.2f | %.0f%% | %.1f%% (%d calls) |\n", k[1], k[2], r, r / base[k[1]],
             b / base[k[1]], 100 * r / b, 100 * median(share[order[i]]), calls[order[i]]
    }
  }'
