#!/usr/bin/env bash
# The main job: installs what is missing, configures and builds Release, and
# runs the most complete trainer the library has: A2C on CartPole-v1 with a
# progress bar, a CSV log and a learning-curve plot (it becomes PPO when the
# PPO issue lands). Extra arguments go to the trainer (e.g. --seed 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target a2c_cartpole -j "$(nproc)"
mkdir -p out
build/release/examples/a2c_cartpole --csv out/a2c_cartpole.csv --plot out/a2c_cartpole.png "$@"
