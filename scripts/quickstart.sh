#!/usr/bin/env bash
# The main job: installs what is missing, configures and builds Release, and
# runs actorcritic-train with PPO-clip on CartPole-v1 (rl-baselines3-zoo's
# hyperparameters, 100k steps): a progress bar, a CSV log, a learning-curve
# plot, a JSON summary and a checkpoint, then an evaluation of the
# deterministic policy. Extra arguments go to the trainer (e.g. --seed 3,
# --steps 200000, --algo ppo-kl, --env Acrobot-v1; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
# The instruction set the programs are built for (AC_ARCH, docs/building.md).
echo "quickstart: built for $(scripts/build_flavour.sh build/release)" \
     "(portable binaries: cmake --preset release -DAC_ARCH=portable)"
cmake --build --preset release --target actorcritic-train actorcritic-eval actorcritic_python -j "$(nproc)"
mkdir -p out
build/release/examples/actorcritic-train --algo ppo-clip --env CartPole-v1 \
  --csv out/ppo_cartpole.csv --plot out/ppo_cartpole.png --summary out/ppo_cartpole.json \
  --save out/ppo_cartpole.ckpt "$@"
