#!/usr/bin/env bash
# The main job: installs what is missing, configures and builds Release, and
# trains PPO-clip on CartPole-v1 (rl-baselines3-zoo's hyperparameters, 100k
# steps) with a progress bar, a CSV log and a learning-curve plot, then
# evaluates the deterministic policy. Extra arguments go to the trainer
# (e.g. --seed 3, --steps 200000, --kl for PPO-KL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target ppo_cartpole -j "$(nproc)"
mkdir -p out
build/release/examples/ppo_cartpole --csv out/ppo_cartpole.csv --plot out/ppo_cartpole.png "$@"
