#!/usr/bin/env bash
# Builds the checkpoint-loader fuzz target with clang (libFuzzer + ASan + UBSan)
# and runs it for SECONDS (default 300) from the seed corpus: three small
# PPO-on-Pendulum checkpoints written by actorcritic-train (normalized with
# separate networks, a shared trunk, no normalization; regenerate them with
# tests/fuzz/make_corpus.sh after a format change). New inputs go to build/fuzz/corpus; a
# finding is written as build/fuzz/crash-* and the script exits non-zero.
#   tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
command -v clang++ >/dev/null || { echo "clang++ is missing (Debian: apt-get install clang)"; exit 1; }
mkdir -p build/fuzz/corpus
cp -n tests/fuzz/corpus/* build/fuzz/corpus/
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Iinclude -isystem /usr/include/eigen3 tests/fuzz/fuzz_checkpoint.cpp -lfmt -o build/fuzz/fuzz_checkpoint
cd build/fuzz
./fuzz_checkpoint -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 corpus
