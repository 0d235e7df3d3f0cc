#!/usr/bin/env bash
# actorcritic-train and actorcritic-eval as a user meets them: bad input gets a
# message naming the flag and exit code 2 (never a signal), --help shows the
# defaults tuned for the chosen pair, the same command twice gives a
# byte-identical checkpoint and the same CSV apart from wall time, a stopped
# and resumed run ends where the uninterrupted one does, and every broken
# checkpoint is refused with exit code 1. In the build flavours with committed
# fingerprints (FLAVOUR = portable, x86-64-v3 or x86-64-v4), runs also match their committed SHA-256
# fingerprints, the same on every x86-64 CPU (docs/reproducibility.md).
#   cli_test.sh TRAIN EVAL WORKDIR FLAVOUR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/checks.sh"
train=$1 eval=$2 work=$3 flavour=${4:-unknown}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# Bad input: exit 2, the flag named.
expect 2 "--csv: expected a value after the flag, got the flag --quiet" "$train" --csv --quiet
expect 2 "unknown flag --render for --algo ppo-clip" "$train" --render
expect 2 "--steps: expected a value after the flag" "$train" --steps
expect 2 "did you mean --steps?" "$train" --stpes 100
expect 2 "--steps: given twice" "$train" --steps 100 --steps 200
expect 2 "--steps: expected an integer (e.g. 100000, 1e5, 100k, 1.5M)" "$train" --steps 1.5x
expect 2 "--batch-size: a minibatch of 100000 is larger than the rollout of 256" "$train" --batch-size 100000
expect 0 "warning: --batch-size 100 does not divide the rollout of 256" "$train" --batch-size 100 --steps 300 \
  --eval-episodes 1
expect 2 "--plot: expected a .png file" "$train" --plot curve.jpg
expect 2 "--initial-log-std: only for environments with continuous actions; CartPole-v1" "$train" --initial-log-std 0
expect 2 "--shared-trunk: --algo trpo does not train" "$train" --algo trpo --shared-trunk true
expect 2 "--summary: the folder /nonexistent does not exist" "$train" --summary /nonexistent/x.json
expect 2 "--save: . is a folder" "$train" --save .
expect 0 "(2048 steps" "$train" --steps=2k --quiet --eval-episodes 1
expect 0 "(1024 steps" "$train" --steps 1e3 --quiet --eval-episodes 1
expect 0 "20000 steps (rounded up to 24576: whole rollouts of 8192 steps)" "$train" --env Pendulum-v1 --steps 20000 \
  --eval-episodes 1
expect 2 "--load: expected a value after the flag" "$eval" --load
expect 2 "expected one of reinforce, vpg, a2c" "$train" --algo sarsa
expect 2 "expected one of CartPole-v1" "$train" --env Breakout-v5
expect 2 "--steps: expected a number > 0" "$train" --steps -5
expect 2 "--steps: expected an integer" "$train" --steps many
expect 2 "--clip-range: expected a number > 0" "$train" --clip-range 0
expect 2 "--max-grad-norm: expected a number > 0" "$train" --max-grad-norm 0
expect 0 "evaluation over" "$train" --steps 512 --quiet --eval-episodes 1 --max-grad-norm inf  # no clipping
expect 2 "--gamma: expected a discount in (0, 1]" "$train" --gamma 0
expect 2 "--gamma: expected a discount in (0, 1]" "$train" --algo a2c --gamma 1.5
expect 2 "--gae-lambda: expected a number in [0, 1]" "$train" --algo trpo --gae-lambda 2
expect 2 "--hidden: expected layer widths" "$train" --hidden 64,0
expect 2 "--activation: unknown value" "$train" --activation sigmoid
expect 2 "--adam-beta1: expected a number in [0, 1)" "$train" --adam-beta1 1
expect 2 "--kl-factor: expected a number > 1" "$train" --algo ppo-kl --kl-factor 0.5
expect 2 "unknown flag --clip-range for --algo ppo-kl" "$train" --algo ppo-kl --clip-range 0.2
expect 2 "--shared-trunk: --algo reinforce does not train a policy and a value head" "$train" --algo reinforce --shared-trunk true
expect 2 "--seed: expected a value" "$train" --seed
expect 2 "--load: expected a checkpoint path" "$eval" --episodes 3
expect 2 "--episodes: expected a number > 0" "$eval" --load x --episodes 0

# --help: exit 0, the defaults for the chosen pair.
expect 0 "--gamma                  discount γ [0.98]" "$train" --help
expect 0 "--gamma                  discount γ [0.9]" "$train" --algo ppo-clip --env Pendulum-v1 --help
expect 0 "--max-kl" "$train" --algo trpo --help
expect 0 "--record" "$eval" --help

# Determinism: the same command twice.
# (The same output names too: a checkpoint remembers them.)
for run in 1 2; do
  expect 0 "evaluation over 3 episodes" "$train" --algo a2c --env CartPole-v1 --steps 4000 --seed 7 --quiet \
    --eval-episodes 3 --csv run.csv --save run.ckpt --summary run.json
  for ext in csv ckpt json; do mv run.$ext run$run.$ext; done
done
cmp -s run1.ckpt run2.ckpt || fail "checkpoints of identical runs differ"
cut -d, -f3 --complement run1.csv > run1.nowall
cut -d, -f3 --complement run2.csv > run2.nowall
cmp -s run1.nowall run2.nowall || fail "CSVs of identical runs differ apart from wall time"
[[ $(head -1 run1.csv) == iteration,steps,wall_seconds,mean_return,* ]] || fail "CSV header: $(head -1 run1.csv)"
for key in algo env seed steps wall_seconds eval_return_mean eval_return_std eval_episodes; do
  grep -q "\"$key\":" run1.json || fail "summary lacks $key"
done

# A checkpoint evaluates, records, and resumes; a shared trunk too.
expect 0 "evaluation over 4 episodes" "$eval" --load run1.ckpt --env CartPole-v1 --episodes 4 --record traj.csv
[[ $(head -1 traj.csv) == episode,step,observation_0,*,action_0,reward,terminated,truncated ]] || fail "trajectory header"

# Resuming with --resume alone: a run stopped half-way and resumed (algorithm, environment,
# hyperparameters, budget and outputs all from the checkpoint) ends in the same checkpoint, byte
# for byte, as the uninterrupted one (A2C on CartPole; PPO on Pendulum with observation and reward
# normalization). The checkpoint remembers its output flags, so both runs are given the same ones.
expect 0 "evaluation over" "$train" --algo a2c --env CartPole-v1 --steps 4000 --seed 7 --quiet --eval-episodes 3 \
  --save a2c.ckpt --csv a2c.csv
mv a2c.ckpt a2c_full.ckpt
mv a2c.csv a2c_full.csv
expect 0 "evaluation over" "$train" --algo a2c --env CartPole-v1 --steps 4000 --seed 7 --quiet --eval-episodes 3 \
  --stop-after 1500 --save a2c.ckpt --csv a2c.csv
expect 0 "a2c on CartPole-v1: 4000 steps (resuming at 1520)" "$train" --resume a2c.ckpt
cmp -s a2c_full.ckpt a2c.ckpt || fail "a stopped and resumed A2C run differs from the uninterrupted one"
# The resumed run continues its CSV: one file holds the uninterrupted run's curve (column 3 is wall time).
diff -q <(cut -d, -f3 --complement a2c_full.csv) <(cut -d, -f3 --complement a2c.csv) >/dev/null ||
  fail "the resumed run's CSV is not the uninterrupted run's curve"
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 24576 --quiet --eval-episodes 1 \
  --checkpoint-every 8192 --save pendulum.ckpt
mv pendulum.ckpt pendulum_full.ckpt
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 24576 --quiet --eval-episodes 1 \
  --checkpoint-every 8192 --stop-after 10000 --save pendulum.ckpt
expect 0 "evaluation over" "$train" --resume pendulum.ckpt --quiet
cmp -s pendulum_full.ckpt pendulum.ckpt || fail "a stopped and resumed PPO run differs from the uninterrupted one"
# --exact-kl false: the same training bit for bit (the same checkpoint but for the remembered flag), the CSV's
# kl column nan; the checkpoint remembers the flag, so a resumed run keeps it; the adaptive rule needs it.
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 16384 --quiet --eval-episodes 1 \
  --exact-kl true --save kl_on.ckpt --csv kl_on.csv
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 16384 --quiet --eval-episodes 1 \
  --exact-kl false --save kl_off.ckpt --csv kl_off.csv
kl_column() { head -1 "$1" | tr ',' '\n' | grep -nx kl | cut -d: -f1; }
[[ -n $(kl_column kl_on.csv) ]] || fail "the CSV has no kl column: $(head -1 kl_on.csv)"
[[ $(cut -d, -f"$(kl_column kl_on.csv)" kl_on.csv | sed 1d | grep -c '^[0-9]') -eq 2 ]] ||
  fail "--exact-kl true: the kl column is not filled: $(cut -d, -f"$(kl_column kl_on.csv)" kl_on.csv | tr '\n' ' ')"
[[ $(cut -d, -f"$(kl_column kl_off.csv)" kl_off.csv | sed 1d | grep -c '[0-9]') -eq 0 ]] ||
  fail "--exact-kl false: the kl column is filled: $(cut -d, -f"$(kl_column kl_off.csv)" kl_off.csv | tr '\n' ' ')"
diff -q <(cut -d, -f"3,$(kl_column kl_on.csv)" --complement kl_on.csv) \
  <(cut -d, -f"3,$(kl_column kl_off.csv)" --complement kl_off.csv) >/dev/null ||
  fail "--exact-kl false trained another run (CSVs apart from wall time and kl differ)"
mv kl_off.ckpt kl_off_full.ckpt
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 16384 --quiet --eval-episodes 1 \
  --exact-kl false --save kl_off.ckpt --csv kl_off.csv --stop-after 8000
expect 0 "evaluation over" "$train" --resume kl_off.ckpt --quiet
cmp -s kl_off_full.ckpt kl_off.ckpt || fail "a resumed --exact-kl false run differs from the uninterrupted one"
expect 2 "--exact-kl: the adaptive KL rule adapts" "$train" --algo ppo-kl --exact-kl false
# --threads 2: the same checkpoint and CSV as one thread (the checkpoint does not remember the flag; the outputs
# keep one name, which it does), and a run stopped on one thread resumes on two to the same end; refused where
# the actor and the critic are not two feed-forward networks, and by the other algorithms.
threaded=(--algo ppo-clip --env CartPole-v1 --steps 8192 --quiet --eval-episodes 1 --save threads.ckpt
          --csv threads.csv)
expect 0 "evaluation over" "$train" "${threaded[@]}" --threads 1
mv threads.ckpt threads1.ckpt && mv threads.csv threads1.csv
expect 0 "evaluation over" "$train" "${threaded[@]}" --threads 2
cmp -s threads1.ckpt threads.ckpt || fail "--threads 2 trained another run than --threads 1 (checkpoints differ)"
cmp -s <(cut -d, -f3 --complement threads1.csv) <(cut -d, -f3 --complement threads.csv) ||
  fail "--threads 2 wrote another CSV than --threads 1 (apart from wall time)"
expect 0 "evaluation over" "$train" "${threaded[@]}" --stop-after 4000
expect 0 "evaluation over" "$train" --resume threads.ckpt --quiet --threads 2
cmp -s threads1.ckpt threads.ckpt || fail "a run resumed with --threads 2 differs from the uninterrupted one"
expect 2 "--threads: expected 1 or 2, got 3" "$train" --threads 3
expect 2 "--threads: expected 1 with --shared-trunk true" "$train" --threads 2 --shared-trunk true
expect 2 "--threads: expected 1 with --recurrent gru" "$train" --env CartPoleNoVel-v1 --threads 2
expect 2 "unknown flag --threads for --algo a2c" "$train" --algo a2c --threads 2
# The same with a Beta policy and with a squashed Gaussian whose log σ is a network output: --resume alone
# brings back the checkpoint's policy (its own record, not a remembered flag).
for policy in "--distribution beta" "--distribution squashed-gaussian --state-dependent-std true"; do
  expect 0 "evaluation over" "$train" --algo a2c --env Pendulum-v1 --steps 4000 --quiet --eval-episodes 1 \
    $policy --save bounded.ckpt
  mv bounded.ckpt bounded_full.ckpt
  expect 0 "evaluation over" "$train" --algo a2c --env Pendulum-v1 --steps 4000 --quiet --eval-episodes 1 \
    $policy --stop-after 1500 --save bounded.ckpt
  expect 0 "resuming at" "$train" --resume bounded.ckpt
  cmp -s bounded_full.ckpt bounded.ckpt ||
    fail "a stopped and resumed run with $policy differs from the uninterrupted one"
  expect 0 "evaluation over 2 episodes" "$eval" --load bounded.ckpt --episodes 2
done
# Recurrent policies (the default on the partially observed tasks): --resume alone brings back the GRU, its
# width, the chunk length and the states the envs carried; PPO in chunks of 8 steps, A2C, and TRPO's recurrent policy.
for run in "--algo ppo-clip --n-steps 32 --sequence-length 8 --hidden-state 16" "--algo a2c" "--algo trpo --n-steps 32"; do
  expect 0 "evaluation over" "$train" $run --env CartPoleNoVel-v1 --steps 2048 --quiet --eval-episodes 1 \
    --save recurrent.ckpt
  mv recurrent.ckpt recurrent_full.ckpt
  expect 0 "evaluation over" "$train" $run --env CartPoleNoVel-v1 --steps 2048 --quiet --eval-episodes 1 \
    --stop-after 1000 --save recurrent.ckpt
  expect 0 "resuming at" "$train" --resume recurrent.ckpt
  cmp -s recurrent_full.ckpt recurrent.ckpt || fail "a stopped and resumed run with $run differs from the uninterrupted one"
  expect 0 "evaluation over 2 episodes" "$eval" --load recurrent.ckpt --episodes 2
done
# RLOO (an iteration is 16 episodes of up to 500 steps: 8000 steps): --resume alone continues the groups'
# shared starts bit for bit; a group size must divide --envs.
expect 0 "evaluation over" "$train" --algo rloo --steps 40000 --quiet --eval-episodes 1 --save rloo.ckpt
mv rloo.ckpt rloo_full.ckpt
expect 0 "evaluation over" "$train" --algo rloo --steps 40000 --quiet --eval-episodes 1 --stop-after 16000 \
  --save rloo.ckpt
expect 0 "resuming at" "$train" --resume rloo.ckpt
cmp -s rloo_full.ckpt rloo.ckpt || fail "a stopped and resumed RLOO run differs from the uninterrupted one"
expect 2 "--group-size: expected a divisor of --envs 16, got 3" "$train" --algo rloo --group-size 3
expect 2 "--group-size: expected at least 2 episodes a start, got 1" "$train" --algo rloo --group-size 1
expect 2 "unknown flag --group-size" "$train" --algo reinforce --group-size 4
# GRPO: the same for its learner's state, with the reference policy (renewed every second update) in it.
grpo_run="--algo grpo --steps 40000 --quiet --eval-episodes 1 --kl-coef 0.04 --reference-update-interval 2"
expect 0 "evaluation over" "$train" $grpo_run --save grpo.ckpt
mv grpo.ckpt grpo_full.ckpt
expect 0 "evaluation over" "$train" $grpo_run --stop-after 24000 --save grpo.ckpt
expect 0 "resuming at" "$train" --resume grpo.ckpt
cmp -s grpo_full.ckpt grpo.ckpt || fail "a stopped and resumed GRPO run differs from the uninterrupted one"
expect 2 "--group-size: expected a divisor of --envs 16, got 5" "$train" --algo grpo --group-size 5
expect 2 "--recurrent: --algo grpo's minibatches shuffle single steps" "$train" --algo grpo \
  --recurrent gru
expect 2 "--kl-estimator: unknown value \"k2\"; expected one of k3, exact" "$train" --algo grpo --kl-estimator k2
expect 2 "--hidden-state: only with --recurrent gru" "$train" --hidden-state 32
expect 2 "--sequence-length: only with --recurrent gru" "$train" --sequence-length 8
expect 2 "--sequence-length: expected a divisor of --n-steps (32), got 5" \
  "$train" --env CartPoleNoVel-v1 --sequence-length 5
expect 2 "--recurrent: --algo offpolicy replays old rollouts" "$train" --algo offpolicy --recurrent gru
expect 2 "--recurrent: unknown value \"lstm\"; expected one of none, gru" "$train" --recurrent lstm
expect 2 "--distribution: only for environments with continuous actions; CartPole-v1 has discrete actions" \
  "$train" --distribution beta
expect 2 "--distribution: only for bounded action spaces; SingleStateBandit-v0's is unbounded" \
  "$train" --env SingleStateBandit-v0 --distribution squashed-gaussian
expect 2 "--state-dependent-std: a Beta policy's parameters are all network outputs" \
  "$train" --env Pendulum-v1 --distribution beta --state-dependent-std true
expect 2 "--distribution: unknown value \"gauss\"; expected one of gaussian, squashed-gaussian, beta" \
  "$train" --env Pendulum-v1 --distribution gauss
expect 2 "--state-dependent-std: only for environments with continuous actions" \
  "$train" --env GridMaze-v0 --state-dependent-std true

# The CSV is on disk while training: a run killed with SIGKILL leaves its rows so far.
"$train" --algo a2c --steps 100000000 --quiet --csv live.csv --save live.ckpt >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
  [[ -f live.csv && $(wc -l <live.csv) -ge 5 ]] && break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[[ $(wc -l <live.csv) -ge 5 && $(head -1 live.csv) == iteration,steps,* ]] ||
  fail "a killed run left no CSV rows: $(wc -l <live.csv) lines"

# A run in which no episode ends (100 Pendulum steps) still gets its plots: axes and a label
# saying so, and the diagnostics page.
output=$("$train" --env Pendulum-v1 --steps 100 --quiet --eval-episodes 1 --plot empty.png --save empty.ckpt 2>&1)
[[ $? -eq 0 && $output != *warning* && -s empty.png && -s empty-diagnostics.png ]] ||
  fail "no plot for a run without a finished episode: $output"
# Outputs survive a failed plot (here gnuplot is not on the PATH): the run warns and still writes
# its checkpoint and summary, and exits 0.
expect 0 "gnuplot is not installed (Debian: apt-get install gnuplot-nox)" env PATH=/nonexistent "$train" \
  --env Pendulum-v1 --steps 100 --quiet --eval-episodes 1 --plot nognuplot.png --save nognuplot.ckpt \
  --summary nognuplot.json
[[ -f nognuplot.ckpt && -f nognuplot.json && -f nognuplot.png.csv && ! -f nognuplot.png ]] ||
  fail "a failed plot lost other outputs"

# Evaluation during training: --eval-every fills the eval columns of the rows where it evaluated
# (the first iteration to reach each multiple), lists the evaluations in the summary, and changes
# nothing in the training (the other columns equal run1.csv's, the run without it).
expect 0 "deterministic evaluation over 3 episodes" "$train" --algo a2c --env CartPole-v1 --steps 4000 --seed 7 \
  --quiet --eval-episodes 3 --eval-every 1000 --csv evaluated.csv --summary evaluated.json
[[ $(head -1 evaluated.csv | cut -d, -f6,7) == eval_mean_return,eval_std_return ]] ||
  fail "CSV eval columns: $(head -1 evaluated.csv)"
[[ $(awk -F, 'NR > 1 && $6 != "nan" { printf "%s ", $2 }' evaluated.csv) == "1000 2000 3000 4000 " ]] ||
  fail "evaluation rows: $(awk -F, 'NR > 1 && $6 != "nan" { printf "%s ", $2 }' evaluated.csv)"
cmp -s <(cut -d, -f3,6,7 --complement evaluated.csv) <(cut -d, -f3,6,7 --complement run1.csv) ||
  fail "evaluating during training changed the training"
[[ $(grep -c '{"steps": [0-9]*, "mean_return": ' evaluated.json) -eq 4 ]] || fail "summary evaluations: $(cat evaluated.json)"
# The last evaluation is the final one (same episodes, same policy).
[[ $(awk -F, 'END { print $6 }' evaluated.csv) == "$(grep -o '"eval_return_mean": [0-9.e+-]*' evaluated.json | cut -d' ' -f2)" ]] ||
  fail "the last evaluation row differs from the final evaluation"
# --deterministic false samples the actions: the same seed gives the same returns, the summary says so.
for n in 1 2; do
  expect 0 "stochastic evaluation over 5 episodes" "$train" --algo a2c --steps 4000 --seed 7 --quiet --eval-episodes 5 \
    --deterministic false --summary stochastic$n.json --save stochastic.ckpt
done
# actorcritic-eval samples the same way: the trainer's final evaluation, with the seed it used (S + 1000000).
trained=$("$train" --algo a2c --steps 4000 --seed 7 --quiet --eval-episodes 5 --deterministic false 2>&1 |
  grep -o 'stochastic evaluation over 5 episodes: [0-9.-]* ± [0-9.]*')
[[ -n $trained ]] || fail "the trainer printed no stochastic evaluation"
expect 0 "$trained" "$eval" --load stochastic.ckpt --episodes 5 --seed 1000007 --deterministic false
grep -q '"deterministic": false' stochastic1.json || fail "the summary does not say the evaluation was stochastic"
[[ $(grep eval_returns stochastic1.json) == "$(grep eval_returns stochastic2.json)" ]] ||
  fail "stochastic evaluation is not reproducible"
[[ $(grep eval_returns stochastic1.json) != "$(grep eval_returns evaluated.json)" ]] ||
  fail "stochastic evaluation returned the deterministic policy's returns"

# Several seeds in one command: per-seed outputs, a summary and a plot across them.
expect 0 "a2c on CartPole-v1 over 3 seeds: deterministic evaluation" "$train" --algo a2c --steps 3000 --quiet \
  --seeds 0,1,2 --eval-episodes 2 --csv seeds.csv --plot seeds.png --summary seeds.json --save seeds.ckpt
for seed in 0 1 2; do
  for file in seeds.seed$seed.csv seeds.seed$seed.json seeds.seed$seed.ckpt seeds.seed$seed.png; do
    [[ -s $file ]] || fail "--seeds wrote no $file"
  done
  grep -q "\"seed\": $seed," seeds.seed$seed.json || fail "seeds.seed$seed.json is not seed $seed's"
done
[[ -s seeds.png && $(grep -c '"seed": ' seeds.json) -eq 3 ]] || fail "no summary or plot across seeds"
grep -q '"seeds": \[0, 1, 2\]' seeds.json || fail "the summary across seeds lacks its seeds: $(cat seeds.json)"
# The plot's mean is the mean of the three curves (checked on every row with all three).
awk -F, 'NR > 1 && $2 != "nan" && $3 != "nan" && $4 != "nan" {
  d = ($2 + $3 + $4) / 3 - $5; if (d > 1e-9 || d < -1e-9) bad++ } END { exit bad > 0 }' seeds.png.csv ||
  fail "the mean curve is not the mean of the seeds' curves"
# One seed of a --seeds run is the run with that --seed.
"$train" --algo a2c --steps 3000 --quiet --seed 1 --eval-episodes 2 --csv one.csv >/dev/null 2>&1
cmp -s <(cut -d, -f3 --complement one.csv) <(cut -d, -f3 --complement seeds.seed1.csv) ||
  fail "seed 1 of --seeds differs from the run with --seed 1"
expect 2 "--seeds: give --seed or --seeds, not both" "$train" --seeds 0,1 --seed 3
expect 2 "--seeds: seed 1 is given twice" "$train" --seeds 1,1
expect 2 "--seeds: expected seeds >= 0 separated by commas (e.g. 0,1,2), got \"0,x\"" "$train" --seeds 0,x
expect 2 "--seeds: a resumed run keeps the checkpoint's settings" "$train" --resume run1.ckpt --seeds 0,1

# --tensorboard DIR: an event file per run (per seed under DIR/seedN) holding the scalars; a trainer
# built without protobuf refuses the flag, saying why. (tests/tensorboard decodes the format.)
"$train" --help > help.txt 2>&1  # (to a file: `| grep -q` may end the trainer with SIGPIPE under pipefail)
if grep -q -- "--tensorboard " help.txt; then
  expect 0 "evaluation over" "$train" --algo a2c --steps 2000 --quiet --eval-episodes 1 --eval-every 1000 \
    --seeds 0,1 --tensorboard tb
  for seed in 0 1; do
    events=$(ls tb/seed$seed/events.out.tfevents.* 2>/dev/null | head -1)
    [[ -n $events ]] || fail "--tensorboard wrote no event file for seed $seed"
    for tag in brain.Event:2 rollout/ep_rew_mean eval/mean_reward train/value_loss; do
      grep -aq "$tag" "$events" || fail "the event file of seed $seed lacks $tag"
    done
  done
else
  expect 2 "--tensorboard: this actorcritic-train was built without protobuf" "$train" --tensorboard tb
fi

# --config: the flags from a file (flag syntax with comments, or a summary's "config" object);
# the command line overrides it; the summary holds the resolved configuration.
printf '# a short A2C run\n--algo a2c\n--steps=3000   # budget\n\n--hidden 32,32\n--seed 5\n' > short.conf
expect 0 "a2c on CartPole-v1: deterministic evaluation over 2 episodes" "$train" --config short.conf --seed 7 \
  --eval-episodes 2 --quiet --summary short.json
for pair in '"algo": "a2c"' '"steps": 3000' '"hidden": "32,32"' '"seed": 7' '"eval-episodes": 2' '"gamma": '; do
  grep -q "$pair" short.json || fail "the summary's config lacks $pair: $(cat short.json)"
done
printf -- '--steps 100\n--bogus\n' > bad.conf
expect 2 "--config bad.conf line 2: --bogus: expected a value after the flag" "$train" --config bad.conf
printf -- '--steps 100\n--steps 200\n' > twice.conf
expect 2 "--config twice.conf line 2: --steps given twice" "$train" --config twice.conf
expect 2 "--config: cannot read missing.conf" "$train" --config missing.conf
printf -- '--stpes 100\n' > typo.conf
expect 2 "unknown flag --stpes for --config typo.conf; did you mean --steps?" "$train" --config typo.conf
expect 2 "--config: a resumed run keeps the checkpoint's settings" "$train" --config typo.conf --resume run1.ckpt
printf -- '--seed 3\n' > seeded.conf
expect 2 "--seeds: give --seed or --seeds, not both" "$train" --config seeded.conf --seeds 0,1
printf '{"steps": 100, "hidden": [64]}' > bad.json
expect 2 "\"hidden\": expected a string, a number or true/false" "$train" --config bad.json
# Every algorithm on every environment: the summary's configuration, given back with --config,
# trains the same run (the same checkpoint), and no default is a value its flag refuses.
for algo in reinforce vpg a2c offpolicy trpo ppo-kl ppo-clip ppo-clip-kl ppo-clip-kl-ent rloo grpo; do
  for env in CartPole-v1 Pendulum-v1 MountainCar-v0 MountainCarContinuous-v0 Acrobot-v1 SingleStateBandit-v0; do
    "$train" --algo $algo --env $env --steps 1 --quiet --eval-episodes 1 --summary pair.json --save pair.ckpt \
      >pair.out 2>&1 || fail "$algo on $env: $(cat pair.out)"
    { echo '{'; sed -n '/^  "config": {$/,/^  }$/p' pair.json | sed '1d;$d'; echo '}'; } > pair.config.json
    mv pair.ckpt first.ckpt
    # (The configuration names the same outputs, which the checkpoint remembers.)
    "$train" --config pair.config.json --quiet >pair.out 2>&1 || fail "$algo on $env from its own config: $(cat pair.out)"
    cmp -s first.ckpt pair.ckpt || fail "$algo on $env: its configuration given back trains another run"
  done
done
# The same for the bounded policies (their summaries list --initial-log-std, which a Beta does not use).
for policy in beta squashed-gaussian; do
  "$train" --algo ppo-clip --env MountainCarContinuous-v0 --distribution $policy --steps 1 --quiet --eval-episodes 1 \
    --summary pair.json --save pair.ckpt >pair.out 2>&1 || fail "$policy: $(cat pair.out)"
  { echo '{'; sed -n '/^  "config": {$/,/^  }$/p' pair.json | sed '1d;$d'; echo '}'; } > pair.config.json
  mv pair.ckpt first.ckpt
  "$train" --config pair.config.json --quiet >pair.out 2>&1 || fail "$policy from its own config: $(cat pair.out)"
  cmp -s first.ckpt pair.ckpt || fail "$policy: its configuration given back trains another run"
done

# --stop-at-return ends the run once the recent mean return reaches it, and says so in the summary.
expect 0 "stopped at" "$train" --algo a2c --steps 200000 --stop-at-return 40 --eval-episodes 1 --summary early.json
grep -q '"stopped_by": "stop-at-return"' early.json || fail "the summary does not say the run stopped at its return"
# The summary lists every evaluation episode's return (here 1 episode).
grep -Eq '"eval_returns": \[[0-9.e+-]+\]' early.json || fail "the summary has no per-episode returns: $(cat early.json)"
[[ $(grep -m1 -o '"steps": [0-9]*' early.json | grep -o '[0-9]*$') -lt 200000 ]] || fail "--stop-at-return did not stop early"
# --keep-checkpoints K keeps the newest K periodic checkpoints as SAVE.STEPS, each loadable.
expect 0 "evaluation over" "$train" --algo a2c --steps 5000 --quiet --eval-episodes 1 --checkpoint-every 1000 \
  --keep-checkpoints 2 --save kept.ckpt
[[ $(ls kept.ckpt.* | tr '\n' ' ') == "kept.ckpt.4000 kept.ckpt.5000 " ]] || fail "kept: $(ls kept.ckpt.* | tr '\n' ' ')"
expect 0 "evaluation over" "$eval" --load kept.ckpt.4000 --episodes 1
expect 2 "--keep-checkpoints: expected --checkpoint-every" "$train" --keep-checkpoints 2 --save x.ckpt

# Golden fingerprints. After an intended numerical change, paste the new values printed here.
# (The checkpoints remember every flag's value (RunConfig::application); the CSV's training
# columns are those of the fingerprint before the eval columns came: e91b6aab…d79f7 without them. The CSV
# gained a last column, reference_kl, with GRPO: without it, each flavour's CSV hashes to the previous value.)
expect_sha() {
  local file=$1 expected=$2 actual
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  [[ $actual == "$expected" ]] || fail "fingerprint of $file: got $actual, expected $expected"
}
# run1.ckpt, run1.nowall and pendulum_full.ckpt, per build flavour (CMake's AC_ARCH).
case $flavour in
  portable) golden=(7ab5237274f7fc6d12999a547e85f2e3ad87273406ef31c76d96e0a25e6a52a4
                    e1d90c65b113da689847c337b0bb3a8539dca059b9bf7330a8389939a19d9964
                    76e7722e8e23de210f2c5a653a26ced0b512455f8ad498292133a27f4251cccf) ;;
  x86-64-v3) golden=(23adcff623cd8c580bcdcb4832b87a1ad7dc8c98115d96d37b9569d7fbc34166
                     f12d995a188af38535925b1989414e698c662764f43bb63eed69efb27833c337
                     a920a818c03b93917b3f5c223fc0adf7404f7f176d6658d1ab6e03cbba0ca522) ;;
  x86-64-v4) golden=(398a8c61038b751fb3fd0c9c8a6c952c97f5ca84294a71b27a167a54b7a885b5
                     cbf5ddc5761d202b97ffb445e599c4df780ac395adf5bcd60c12a410cd9d3b72
                     4bc8f9a60ed6519721214910b163066a914a55fdc5496575e8af124766171f60) ;;
  *) golden=() ;;
esac
if [[ ${#golden[@]} -eq 3 ]]; then
  expect_sha run1.ckpt "${golden[0]}"
  expect_sha run1.nowall "${golden[1]}"
  expect_sha pendulum_full.ckpt "${golden[2]}"
else
  echo "no committed fingerprints for the build flavour '$flavour'"
fi
expect 2 "--steps: the checkpoint has trained" "$train" --resume run1.ckpt --steps 100
expect 2 "has spent its budget of 4000 steps" "$train" --resume run1.ckpt
expect 0 "a2c on CartPole-v1: 6000 steps (resuming at 4000)" "$train" --resume run1.ckpt --steps 6000 --save longer.ckpt \
  --csv longer.csv --summary longer.json
expect 2 "--checkpoint-every: expected --save" "$train" --checkpoint-every 1000
expect 0 "evaluation over" "$train" --algo ppo-clip --env Pendulum-v1 --steps 3000 --quiet --shared-trunk true \
  --save shared.ckpt --eval-episodes 1
expect 0 "evaluation over 2 episodes" "$eval" --load shared.ckpt --episodes 2

# Broken checkpoints: exit 1 with the reason.
: > empty.ckpt
head -c 100 run1.ckpt > truncated.ckpt
cp run1.ckpt corrupted.ckpt && printf '\x55' | dd of=corrupted.ckpt bs=1 seek=300 conv=notrunc status=none
expect 1 "file is empty" "$eval" --load empty.ckpt
expect 1 "truncated or corrupted" "$eval" --load truncated.ckpt
expect 1 "truncated or corrupted" "$eval" --load corrupted.ckpt
expect 1 "not an actorcritic checkpoint" "$eval" --load run1.csv
expect 1 "cannot open" "$eval" --load missing.ckpt
expect 1 "trained on CartPole-v1, not Acrobot-v1" "$eval" --load run1.ckpt --env Acrobot-v1
expect 2 "--algo: the checkpoint run1.ckpt was trained by a2c, not ppo-clip" "$train" --algo ppo-clip --resume run1.ckpt
expect 2 "--env: the checkpoint run1.ckpt was trained on CartPole-v1, not Acrobot-v1" "$train" --env Acrobot-v1 \
  --resume run1.ckpt
expect 2 "--hidden: a resumed run keeps the checkpoint's settings" "$train" --steps 8000 --hidden 32 --resume run1.ckpt
expect 2 "--gamma: a resumed run keeps the checkpoint's settings" "$train" --resume run1.ckpt --gamma 0.9
expect 1 "not an actorcritic checkpoint" "$train" --resume run1.csv

finish "all command-line checks passed"
