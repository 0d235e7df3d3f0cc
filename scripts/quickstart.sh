#!/usr/bin/env bash
# The main job: installs what is missing, configures and builds Release, and
# runs the most complete example the library has. Until the trainer lands this
# is the neural core fitting a function (Adam, clipping, LR schedule) with a
# CSV learning curve and saved parameters; it becomes "PPO on CartPole-v1".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target fit_function -j "$(nproc)"
mkdir -p out
build/release/examples/fit_function --csv out/fit_function.csv --save out/fit_function.acparams "$@"
