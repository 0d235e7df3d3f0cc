#!/usr/bin/env bash
# Writes the fuzz seed corpus: three small PPO-on-Pendulum checkpoints of the
# current format (what the fuzz target loads), a few iterations into training.
#   tests/fuzz/make_corpus.sh PATH/TO/actorcritic-train
set -euo pipefail
train=$1
corpus="$(dirname "$0")/corpus"
rm -f "$corpus"/*.ckpt
small=(--algo ppo-clip --env Pendulum-v1 --steps 512 --envs 2 --n-steps 64 --batch-size 64 --epochs 1 --hidden 4
  --eval-episodes 1 --quiet)
"$train" "${small[@]}" --save "$corpus/normalized.ckpt"
"$train" "${small[@]}" --shared-trunk true --save "$corpus/shared_trunk.ckpt"
"$train" "${small[@]}" --normalize-observations false --normalize-rewards false --hidden 4,4 --save "$corpus/plain.ckpt"
ls -l "$corpus"
