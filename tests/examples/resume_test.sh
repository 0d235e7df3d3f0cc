#!/usr/bin/env bash
# A run resumed in a fresh process through the library alone (ac::Run::save and
# ac::Run::load, as examples/ppo_cartpole.cpp uses them) ends where the
# uninterrupted run does: the same checkpoint bytes, and one CSV with the same
# rows apart from wall time (ac::CsvLog::resume). Flags that the checkpoint
# decides are refused.
#   resume_test.sh PPO_CARTPOLE WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/checks.sh"
example=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

"$example" --steps 8192 --seed 3 --variant clip-kl --csv full.csv --save full.ckpt >/dev/null || fail "the full run"
"$example" --steps 8192 --seed 3 --variant clip-kl --csv curve.csv --stop-after 4096 --save half.ckpt >/dev/null ||
  fail "the interrupted run"
# As if the process had run on past its checkpoint and been killed mid-row: the resumed
# log drops what came after the checkpoint.
echo "999,99999,1.0,0,0" >>curve.csv
printf '1000,12' >>curve.csv
"$example" --resume half.ckpt --csv curve.csv --save resumed.ckpt >/dev/null || fail "the resumed run"
cmp -s full.ckpt resumed.ckpt || fail "the resumed run's checkpoint differs from the uninterrupted run's"
cmp -s full.ckpt half.ckpt && fail "the interrupted checkpoint equals the final one (nothing was interrupted)"
# One CSV holds the whole curve: the uninterrupted run's rows (column 3 is wall time), wall times increasing.
rows() { cut -d, -f1,2,4- "$1"; }
diff -q <(rows full.csv) <(rows curve.csv) >/dev/null || fail "the resumed CSV is not the uninterrupted run's curve"
sort -t, -k3,3 -g -c <(tail -n +2 curve.csv) 2>/dev/null || fail "wall_seconds do not increase across the resume"

for flag in --steps --seed --variant; do
  value=1
  [[ $flag == --variant ]] && value=kl
  output=$("$example" --resume half.ckpt "$flag" "$value" 2>&1)
  status=$?
  [[ $status -eq 2 && $output == *"$flag: comes from the checkpoint"* ]] ||
    fail "--resume with $flag exited $status: $output"
done

finish "resume through the library in a fresh process: bit for bit"
