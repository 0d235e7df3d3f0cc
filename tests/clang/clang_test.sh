#!/usr/bin/env bash
# The headers under Clang: every public header (through the umbrella) compiles
# warning-free with -Wall -Wextra -Wpedantic, and the environments replay
# Gymnasium's recorded trajectories bit for bit at -O3 -march=native, where
# Clang would contract a*b + c into FMAs unless the headers prevent it
# (envs/strict_fp.hpp). Registered when clang++ is installed.
#   clang_test.sh CLANG SOURCE_DIR EIGEN_INCLUDE WORKDIR
set -euo pipefail
clang=$1 source=$2 eigen=$3 work=$4
mkdir -p "$work"
printf '#include <actorcritic/actorcritic.hpp>\nint main() {}\n' >"$work/umbrella.cpp"
"$clang" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I"$source/include" -isystem "$eigen" \
  "$work/umbrella.cpp"
# Catch2's implementation needs no optimization (most of this test's compile time at -O3).
"$clang" -std=c++20 -O0 -I"$source/tests" -c "$source/tests/catch_session.cpp" -o "$work/catch_session.o"
"$clang" -std=c++20 -O3 -march=native -I"$source/include" -I"$source/tests" -isystem "$eigen" \
  -DAC_TEST_DATA_DIR="\"$source/tests/data\"" -DAC_DOCS_DIR="\"$source/docs\"" "$source/tests/main.cpp" \
  "$work/catch_session.o" "$source/tests/support/source_paths.cpp" "$source/tests/envs/test_replay.cpp" -lfmt \
  -o "$work/replay"
"$work/replay"
