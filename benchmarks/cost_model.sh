#!/usr/bin/env bash
# The communication-cost model of data-parallel training (docs/distributed.md):
# per iteration, N ranks take
#   T(N) = T(1) / N + n_big · (2⌈log₂N⌉α + 2(N−1)/N · B/β) + n_small · ⌈log₂N⌉α
# with T(1) the one-rank iteration time, n_big gradient allreduces of B bytes
# (Rabenseifner: reduce-scatter + allgather), n_small allreduces of a few
# numbers (latency only), α the latency of one message and β the bandwidth.
# Prints the predicted speed-up T(1)/T(N) per configuration for each N.
#
#   benchmarks/cost_model.sh [α µs (25)] [β GB/s (1.25: 10 Gbit/s)] [N list ("2 8 16 32 64")]
# The configurations' inputs are measured: T(1) from bench_scaling on one rank,
# the collective counts from its calls column (per iteration), B from the networks.
set -euo pipefail
alpha=${1:-25}
beta=${2:-1.25}
ranks=${3:-2 8 16 32 64}
# name | T(1) per iteration, ms | gradient allreduces per iteration | bytes each | small allreduces per iteration
configs='ppo-clip CartPole-v1 (zoo)|5.33|20|36624|48
ppo-clip Pendulum-v1|41|80|9744|172
a2c CartPole-v1|0.069|1|36624|6
trpo CartPole-v1|8.5|97|18312|11'
header="| configuration |"
rule="|---|"
for n in $ranks; do header+=" N = $n |"; rule+="---|"; done
echo "α = $alpha µs, β = $beta GB/s: predicted speed-up over one rank"
echo "$header"
echo "$rule"
while IFS='|' read -r name t1 big bytes small; do
  awk -v name="$name" -v t1="$t1" -v big="$big" -v bytes="$bytes" -v small="$small" -v a="$alpha" -v b="$beta" \
      -v ranks="$ranks" 'BEGIN {
    line = "| " name " |"
    n = split(ranks, list, " ")
    for (i = 1; i <= n; ++i) {
      N = list[i]; hops = 0; for (p = 1; p < N; p *= 2) ++hops
      comm_us = big * (2 * hops * a + 2 * (N - 1) / N * bytes / (b * 1e3)) + small * hops * a
      line = line sprintf(" %.2f |", t1 / (t1 / N + comm_us / 1e3))
    }
    print line
  }'
done <<<"$configs"
