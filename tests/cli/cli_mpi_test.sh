#!/usr/bin/env bash
# actorcritic-train under mpirun, as a user meets it (only when built with MPI):
# a 2-rank run trains, prints once, and its summary says "ranks": 2; the same
# command twice gives the same checkpoint, byte for byte; a 2-rank run stopped
# and resumed under 2 ranks ends in the uninterrupted run's checkpoint; the
# checkpoint is refused under 3 ranks and without mpirun, naming why; an error
# on rank 0 alone (an output folder that does not exist) ends the whole job
# with its message and exit code instead of leaving rank 1 waiting; a rank
# killed mid-run ends the job, and the last checkpoint still loads and resumes.
#   cli_mpi_test.sh TRAIN EVAL MPIEXEC WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/checks.sh"
train=$1 eval=$2 mpiexec=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { timeout 300 "$mpiexec" --oversubscribe -np "$@"; }

# Trains on 2 ranks; rank 0 alone prints and writes. Run twice, the same command (a checkpoint
# remembers its output flags, so the runs compared are given the same ones): the same checkpoint.
for run in 1 2; do
  output=$(mpi 2 "$train" --steps 20k --seed 3 --eval-episodes 3 --save run.ckpt --csv run.csv --summary run.json 2>&1)
  [[ $? -eq 0 ]] || fail "mpirun -np 2 actorcritic-train failed: $output"
  for ext in ckpt csv json; do mv run.$ext run$run.$ext; done
done
[[ $output == *"8 envs on 2 ranks, seed 3"* ]] || fail "no mention of the ranks: $output"
[[ $(grep -c "deterministic evaluation over 3 episodes" <<<"$output") -eq 1 ]] || fail "not printed once: $output"
grep -q '"ranks": 2,' run1.json || fail "summary lacks \"ranks\": 2"
[[ $(wc -l <run1.csv) -ge 10 ]] || fail "short CSV"
cmp -s run1.ckpt run2.ckpt || fail "two identical 2-rank runs differ"

# Stopped and resumed under 2 ranks: the uninterrupted run's checkpoint, byte for byte.
expect 0 "evaluation over" mpi 2 "$train" --steps 20k --seed 3 --eval-episodes 3 --save run.ckpt --csv run.csv \
  --summary run.json --stop-after 9000 --quiet
expect 0 "(resuming at 9216)" mpi 2 "$train" --resume run.ckpt
cmp -s run1.ckpt run.ckpt || fail "a stopped and resumed 2-rank run differs from the uninterrupted one"
diff -q <(cut -d, -f3 --complement run1.csv) <(cut -d, -f3 --complement run.csv) >/dev/null ||
  fail "the resumed 2-rank run's CSV is not the uninterrupted run's curve"

# Another number of ranks, or none, is refused naming the checkpoint's.
cp run.ckpt other.ckpt
expect 1 "other.ckpt: ranks: expected 3 ranks, as this job has; the checkpoint was written by 2: resume it under mpirun -np 2" \
  mpi 3 "$train" --resume other.ckpt --steps 30k
expect 1 "written by a data-parallel job; resume it under mpirun" "$train" --resume other.ckpt --steps 30k
# The policy of a 2-rank checkpoint evaluates like any other.
expect 0 "evaluation over 2 episodes" "$eval" --load other.ckpt --episodes 2

# An error on rank 0 alone ends the job (MPI_Abort) with the message and the exit code.
expect 2 "--summary: the folder /nonexistent does not exist" mpi 2 "$train" --steps 20k --summary /nonexistent/x.json

# A rank killed mid-run ends the job; the last checkpoint, written atomically, loads and resumes.
mpi 2 "$train" --algo a2c --steps 100000000 --quiet --checkpoint-every 2000 --save live.ckpt >/dev/null 2>&1 &
job=$!
for _ in $(seq 600); do
  [[ -f live.ckpt ]] && break
  sleep 0.1
done
sleep 0.5
ranks=$(pgrep -f -- "--save live.ckpt" | xargs -r ps -o pid=,comm= -p | awk '$2 == "actorcritic-tra" {print $1}')
victim=$(tail -1 <<<"$ranks")
[[ -n $victim ]] || fail "no rank process to kill: $ranks"
kill -9 "$victim" 2>/dev/null
wait "$job"
status=$?
[[ $status -ne 0 && $status -ne 124 ]] || fail "the job did not end with an error after a rank died (status $status)"
expect 0 "evaluation over 2 episodes" "$eval" --load live.ckpt --episodes 2
expect 0 "evaluation over" mpi 2 "$train" --resume live.ckpt --steps 120000000 --stop-after 1 --quiet --eval-episodes 1

finish "cli_mpi: all checks passed"
