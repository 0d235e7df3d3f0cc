#!/usr/bin/env bash
# Reproduces the README's results table: actorcritic-train with its default
# (tuned) hyperparameters, several seeds per algorithm × environment, one run
# at a time on one core. Every run is made afresh (nothing is reused from an
# earlier call). Writes out/results/<algo>_<env>_<seed>.json (the trainer's
# --summary) and prints, and writes to out/results/table.md, a Markdown table
# of the evaluation return (mean ± std over seeds of each seed's 20-episode
# mean), the steps and the mean wall time per run, headed by the commit, the
# CPU and the build flavour it was measured with.
#   scripts/results.sh [SEEDS (3)] [PAIRS...]   PAIRS like ppo-clip:CartPole-v1
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-3}
shift || true
pairs=("$@")
if [[ ${#pairs[@]} -eq 0 ]]; then
  pairs=(reinforce:CartPole-v1 vpg:CartPole-v1 a2c:CartPole-v1 offpolicy:CartPole-v1 trpo:CartPole-v1
         ppo-kl:CartPole-v1 ppo-clip:CartPole-v1 ppo-clip-kl:CartPole-v1 ppo-clip-kl-ent:CartPole-v1
         a2c:Acrobot-v1 trpo:Acrobot-v1 ppo-clip:Acrobot-v1 ppo-clip:MountainCar-v0
         trpo:Pendulum-v1 ppo-kl:Pendulum-v1 ppo-clip:Pendulum-v1 ppo-clip:MountainCarContinuous-v0
         reinforce:SingleStateBandit-v0 ppo-clip:SingleStateBandit-v0)
fi
train=build/release/examples/actorcritic-train
# Always (re)build, so the table is of the code as it stands.
cmake --preset release >/dev/null
cmake --build --preset release --target actorcritic-train -j "$(nproc)" >/dev/null
rm -rf out/results
mkdir -p out/results
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
flavour=$(scripts/build_flavour.sh build/release)
compiler=$(c++ --version | head -1)
{
echo "Measured at commit $commit on $cpu ($(nproc) cores), $(date -u +%Y-%m-%d);"
echo "Release build, ${flavour} flavour (docs/reproducibility.md), $compiler."
echo
echo "| algorithm | environment | eval return (mean ± std over $seeds seeds) | steps | wall time per run |"
echo "|---|---|---|---|---|"
} | tee out/results/table.md
for pair in "${pairs[@]}"; do
  algo=${pair%%:*} env=${pair#*:}
  for ((seed = 0; seed < seeds; ++seed)); do
    "$train" --algo "$algo" --env "$env" --seed "$seed" --quiet --summary "out/results/${algo}_${env}_${seed}.json" >/dev/null
  done
  # The top-level "steps" is the run's own count (the summary's config has a "steps" budget too).
  awk -v algo="$algo" -v env="$env" -F'[:,]' '
    /"eval_return_mean"/ { r[n++] = $2 }
    /^  "steps"/ { steps = $2 }
    /"wall_seconds"/ { wall += $2 }
    END {
      for (i = 0; i < n; ++i) mean += r[i] / n
      for (i = 0; i < n; ++i) var += (r[i] - mean) ^ 2 / n
      digits = (mean > -10 && mean < 10) ? 3 : 1
      printf "| %s | %s | %.*f ± %.*f | %d | %.1f s |\n", algo, env, digits, mean, digits, sqrt(var), steps, wall / n
    }' out/results/${algo}_${env}_*.json | tee -a out/results/table.md
done
