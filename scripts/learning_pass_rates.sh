#!/usr/bin/env bash
# Measures how robust every learning test's per-seed criterion is: runs each
# [learning] test case of test_algorithms on seeds 0..N-1 (AC_LEARNING_SEEDS),
# two test cases at a time, and prints a Markdown table of pass rates with
# each seed's score. The tests themselves train on seeds 0, 1, 2 and assert a
# majority; a criterion belongs in the suite only at a budget where every one
# of 10 seeds passes here, in every build flavour: measure each with its
# build tree (cmake --preset release -B build/v3 -DAC_ARCH=x86-64-v3, ...).
#   scripts/learning_pass_rates.sh [SEEDS (10)] [JOBS (2)] [TEST SPEC ("[learning]")] [BUILD DIR (build/release)]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-10}
jobs=${2:-2}
spec=${3:-[learning]}
build=${4:-build/release}
tests=$build/tests/test_algorithms
[[ -x $tests ]] || { cmake --preset release -B "$build" >/dev/null && cmake --build "$build" --target test_algorithms; }
echo "build flavour: $(scripts/build_flavour.sh "$build")"
echo
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
{ "$tests" "$spec" --list-test-names-only || true; } | sed '/^$/d' > "$out/names"  # Catch exits with the count
export AC_LEARNING_SEEDS="0-$((seeds - 1))" AC_LEARNING_REPORT=1
# One process per test case; each writes its report lines to its own file.
n=0
while IFS= read -r name; do
  n=$((n + 1))
  printf '%s\0%s\0' "${name//,/\\,}" "$out/$n.txt"  # a comma in a test spec means "or"
done < "$out/names" | xargs -0 -n 2 -P "$jobs" sh -c '"$0" "$1" > "$2" 2>&1 || true' "$tests"
echo "| criterion | seeds passed | scores (seed: score) |"
echo "|---|---|---|"
cat "$out"/*.txt | grep '^learning|' | awk -F'|' '
  { key = $2; if (!(key in total)) order[++k] = key
    total[key]++; passed[key] += ($5 == "pass")
    scores[key] = scores[key] (scores[key] == "" ? "" : ", ") $3 ": " $4 ($6 == "" ? "" : " (" $6 ")") ($5 == "pass" ? "" : " ✗") }
  END { for (i = 1; i <= k; ++i) printf "| %s | %d/%d | %s |\n", order[i], passed[order[i]], total[order[i]], scores[order[i]] }'
