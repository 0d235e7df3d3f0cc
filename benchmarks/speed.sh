#!/usr/bin/env bash
# The speed targets of issue 16 in one table, measured in one run on one core
# (two for the data-parallel row), with the trainer the README's commands build:
#   (a) PPO-clip on CartPole-v1, rl-baselines3-zoo's configuration, 100k steps:
#       wall time, steps/s, × SB3, and the share of the compute floor (the
#       configuration's matrix FLOPs divided by this build's square-sgemm peak,
#       measured in the same run by bench_mlp's BM_SgemmPeak);
#   (b) PPO on Pendulum-v1 with the RLtools example's configuration, SEEDS seeds:
#       median wall time and median evaluation return, × RLtools;
#   (c) PPO on Pendulum-v1 with RLtools' zoo configuration, 10M steps; and where
#       its time goes: the trainer's collecting and updating seconds (--summary)
#       beside the bare parts of that work (bench_ppo --zoo-parts: the networks'
#       products and bias + tanh in each phase, the 64 Pendulums' own steps);
#   (d) heap allocations per iteration after the first (bench_ppo; must be 0),
#       the PPO update phase's GFLOP/s against the sgemm peak, and its time
#       against its bare parts: the same GEMMs timed alone (the library's depth-
#       blocked products, as the networks run them) and one bias +
#       tanh pass per hidden unit at the library's measured rate (bench_ppo);
#   (e) A2C on CartPole-v1 with SB3's defaults (500k steps);
#   (f) (a) on every core with MPI (mpirun -np 2), × SB3; and (a) on two threads
#       of one process (--threads 2: the critic's part of each step on the second).
#       The two-thread run trains the same bits as (a); the MPI run is another
#       experiment of the same configuration (each rank half of every minibatch).
# Each wall time is the trainer's own (training only, from --summary), the
# median of REPEATS runs. Neither peer computes PPO's exact KL per update (SB3
# logs its approximation, RLtools neither), so the PPO runs pass --exact-kl
# false: the same training bit for bit, without the diagnostic's two actor
# passes over each rollout; (c) is also timed with the default, the diagnostic on.
#
#   benchmarks/speed.sh [build dir (build/release)] [SEEDS for (b) (10)] [REPEATS (3)]
#
# Peers' figures are constants measured once, never thresholds (issue 16):
#   SB3 2.4.1 (torch 1.13, 1 thread), PPO CartPole-v1 zoo 100k steps: 32.9 s
#     on an Intel Xeon (Sapphire Rapids, AVX-512), 2026-11.
#   RLtools' Pendulum PPO example (OpenBLAS, 1 thread) on the same machine, 2026-11:
#     -Ofast 1.11 s (final return -172, seed 0); -O3 -march=native 1.62 s (-178).
#   RLtools' zoo Pendulum configuration, 10M steps: 3.2-5.7 s on an AMD EPYC
#     (Zen 4) VM, 2026-11; observation statistics frozen after one warm-up
#     rollout, where (c) keeps a running normalization.
set -euo pipefail
build=${1:-build/release}
seeds=${2:-10}
repeats=${3:-3}
train="$build/examples/actorcritic-train"
bench_mlp="$build/benchmarks/bench_mlp"
bench_ppo="$build/benchmarks/bench_ppo"
for program in "$train" "$bench_mlp" "$bench_ppo"; do
  [[ -x $program ]] || { echo "speed.sh: $program not found (cmake --build --preset release)" >&2; exit 1; }
done
readonly SB3_PPO_CARTPOLE=32.9 RLTOOLS_EXAMPLE_OFAST=1.11 RLTOOLS_EXAMPLE_RETURN=-178 RLTOOLS_ZOO_FASTEST=3.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { sed -n "s/^  \"$2\": \\([^,]*\\),\$/\\1/p" "$1"; }  # a top-level number of a summary
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# runs NAME COMMAND...: REPEATS runs of the command with --quiet --summary; prints the median wall seconds
runs() {
  local name=$1 i
  shift
  for ((i = 0; i < repeats; ++i)); do
    "$@" --quiet --summary "$work/$name.$i.json" > /dev/null
    field "$work/$name.$i.json" wall_seconds
  done | median
}

peak=$("$bench_mlp" --benchmark_filter=BM_SgemmPeak --benchmark_min_time=0.5 --benchmark_format=csv 2>/dev/null |
       awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "\"GFLOP/s\"" || $i == "GFLOP/s") c = i }
                NR > 1 && $c > best { best = $c } END { print best }')

# (a) The FLOPs of the configuration: per sample, a forward is 2·MACs, a
# forward + backward 6·MACs less 2·MACs of the first layer (whose input
# gradient the networks do not compute: nn::Mlp::accumulate_gradients). Each
# of the 100k samples is collected once (actor and critic forward), visited by
# 20 epochs (both networks forward and backward) (with the exact KL, the
# default, the actor would run forward twice more per sample: the behaviour
# distribution and the update's exact KL).
cartpole=(--algo ppo-clip --env CartPole-v1 --exact-kl false)
cartpole_s=$(runs cartpole "$train" "${cartpole[@]}")
cartpole_steps=$(field "$work/cartpole.0.json" steps)
cartpole_eval=$(field "$work/cartpole.0.json" eval_return_mean)
actor_macs=$((4 * 64 + 64 * 64 + 64 * 2)) critic_macs=$((4 * 64 + 64 * 64 + 64)) first_layer_macs=$((4 * 64))
cartpole_gflop=$(awk -v s="$cartpole_steps" -v a=$actor_macs -v c=$critic_macs -v f=$first_layer_macs \
                 'BEGIN { print ((6 * (a + c) - 2 * 2 * f) * s * 20 + 2 * (a + c) * s) / 1e9 }')

# (b) The RLtools example: 4 envs × 1024 steps, minibatch 256, 2 epochs, 64-64
# ReLU actor and critic, γ 0.9, λ 0.95, no entropy, σ₀ 2.0 in [-1, 1] action
# units (log σ 1.386 in torques), Adam 1e-3 ε 1e-8, no gradient clipping, no
# normalization, 307,200 steps.
example=(--algo ppo-clip --env Pendulum-v1 --envs 4 --n-steps 1024 --batch-size 256 --epochs 2 --hidden 64,64
         --activation relu --gamma 0.9 --gae-lambda 0.95 --ent-coef 0 --initial-log-std 1.386 --learning-rate 1e-3
         --adam-epsilon 1e-8 --max-grad-norm inf --normalize-observations false --normalize-rewards false
         --lr-schedule constant --clip-schedule constant --steps 307200 --exact-kl false)
for ((seed = 0; seed < seeds; ++seed)); do
  "$train" "${example[@]}" --seed "$seed" --quiet --summary "$work/example.$seed.json" > /dev/null
done
example_s=$(for f in "$work"/example.*.json; do field "$f" wall_seconds; done | median)
example_return=$(for f in "$work"/example.*.json; do field "$f" eval_return_mean; done | median)

# (c) RLtools' zoo configuration: 64 envs × 128 steps, minibatch 1024, 1 epoch,
# 32-32 tanh, entropy 0.1, Adam ε 1e-7, observation normalization, 10M steps.
zoo=(--algo ppo-clip --env Pendulum-v1 --envs 64 --n-steps 128 --batch-size 1024 --epochs 1 --hidden 32,32
     --activation tanh --ent-coef 0.1 --adam-epsilon 1e-7 --normalize-observations true --normalize-rewards false
     --steps 10000000)
zoo_s=$(runs zoo "$train" "${zoo[@]}" --exact-kl false)
zoo_return=$(field "$work/zoo.0.json" eval_return_mean)
# Where (c)'s time goes: the trainer's own split (median over the runs) beside the bare parts of the
# same work (bench_ppo --zoo-parts: products and bias + tanh of both phases, Pendulum's steps).
zoo_collect_s=$(for f in "$work"/zoo.*.json; do field "$f" collect_seconds; done | median)
zoo_update_s=$(for f in "$work"/zoo.*.json; do field "$f" update_seconds; done | median)
"$bench_ppo" --zoo-parts > "$work/zoo_parts.txt"
# "zoo parts: N steps; collection: products P s, bias + tanh T s, Pendulum steps E s; update: products Q s, bias + tanh U s"
read -r zoo_cp zoo_ct zoo_env zoo_up zoo_ut < <(sed -n 's/^zoo parts: [0-9]* steps; collection: products \([0-9.]*\) s, bias + tanh \([0-9.]*\) s, Pendulum steps \([0-9.]*\) s; update: products \([0-9.]*\) s, bias + tanh \([0-9.]*\) s$/\1 \2 \3 \4 \5/p' "$work/zoo_parts.txt")
[[ -n $zoo_ut ]] || { echo "speed.sh: bench_ppo --zoo-parts printed no breakdown" >&2; exit 1; }
zoo_kl_s=$(runs zoo_kl "$train" "${zoo[@]}")
zoo_kl_return=$(field "$work/zoo_kl.0.json" eval_return_mean)

# (d) Allocations after the first iteration and the update phase's rate (one CartPole and one Pendulum seed).
"$bench_ppo" 1 1 > "$work/bench_ppo.txt"
allocations=$(awk '$1 ~ /^[0-9]+$/ && NF >= 5 { s += $NF } END { print s + 0 }' "$work/bench_ppo.txt")
update_gflops=$(awk '$1 == 0 && NF == 8 { print $6 }' "$work/bench_ppo.txt")
# "update phase: U s = the bare GEMMs (G GFLOP/s, …) and bias + tanh (T ns per element) of its shapes, B s, and …"
read -r update_s tanh_ns bare_s < <(sed -n 's/^update phase: \([0-9.]*\) s = .*(\([0-9.]*\) ns per element) of its shapes, \([0-9.]*\) s,.*/\1 \2 \3/p' "$work/bench_ppo.txt")
[[ -n $bare_s ]] || { echo "speed.sh: bench_ppo printed no update-phase breakdown" >&2; exit 1; }

# (e) A2C with SB3's defaults.
a2c_s=$(runs a2c "$train" --algo a2c --env CartPole-v1)
a2c_steps=$(field "$work/a2c.0.json" steps)

# (f) Both cores: two threads of one process, and two MPI ranks.
threads_s=$(runs threads "$train" "${cartpole[@]}" --threads 2)
mpi_s=
if command -v mpirun > /dev/null && [[ $(nproc) -ge 2 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  mpi_s=$(runs mpi mpirun -np 2 "$train" "${cartpole[@]}")
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
flavour=$("$(dirname "$0")/../scripts/build_flavour.sh" "$build")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "Measured at commit $commit on $cpu ($(nproc) cores), $(date -u +%Y-%m-%d); ${flavour} build;"
echo "median of $repeats runs (b: of $seeds seeds); this build's square-sgemm peak: $peak GFLOP/s."
echo
awk -v peak="$peak" -v sb3=$SB3_PPO_CARTPOLE -v cs="$cartpole_s" -v csteps="$cartpole_steps" -v ceval="$cartpole_eval" \
    -v cflop="$cartpole_gflop" -v rl=$RLTOOLS_EXAMPLE_OFAST -v rlret=$RLTOOLS_EXAMPLE_RETURN -v es="$example_s" \
    -v eret="$example_return" -v zoo=$RLTOOLS_ZOO_FASTEST -v zs="$zoo_s" -v zret="$zoo_return" \
    -v zks="$zoo_kl_s" -v zkret="$zoo_kl_return" -v zc="$zoo_collect_s" -v zu="$zoo_update_s" \
    -v zcp="$zoo_cp" -v zct="$zoo_ct" -v zenv="$zoo_env" -v zup="$zoo_up" -v zut="$zoo_ut" \
    -v alloc="$allocations" -v ug="$update_gflops" -v as="$a2c_s" -v asteps="$a2c_steps" -v ms="$mpi_s" \
    -v us="$update_s" -v tns="$tanh_ns" -v bs="$bare_s" -v ts="$threads_s" 'BEGIN {
  print "| benchmark | ours | peer | ratio | target |"
  print "|---|---|---|---|---|"
  floor = cflop / peak
  printf "| (a) PPO CartPole-v1 zoo, 100k steps | %.2f s (%.0f steps/s, eval %.0f); %.1f GFLOP, floor %.2f s = %.0f%% of it | SB3 %.1f s | %.1f× SB3 | ≥ 20× SB3, ≥ 85%% of the floor |\n", cs, csteps / cs, ceval, cflop, floor, 100 * floor / cs, sb3, sb3 / cs
  printf "| (b) PPO Pendulum-v1, RLtools example | %.2f s, median return %.1f | RLtools -Ofast %.2f s, %.0f | %.2f× RLtools | ≥ 1.5×, return ≥ %.0f |\n", es, eret, rl, rlret, rl / es, rlret
  printf "| (c) PPO Pendulum-v1, RLtools zoo, 10M steps | %.2f s, return %.1f | RLtools %.1f s (fastest) | %.2f× RLtools | ≥ 1.0× |\n", zs, zret, zoo, zoo / zs
  zbare = zcp + zct + zenv + zup + zut
  printf "| (c) where its time goes: collecting, updating | %.2f s, %.2f s | bare parts: products %.2f + %.2f s, bias + tanh %.2f + %.2f s, Pendulum %.2f s; %.2f s in all | %.2f× RLtools if only they ran | |\n", zc, zu, zcp, zup, zct, zut, zenv, zbare, zoo / zbare
  printf "| (c) with the exact-KL diagnostic (the default) | %.2f s, return %.1f | | %.2f× RLtools | |\n", zks, zkret, zoo / zks
  printf "| (d) allocations per iteration after the first | %d | | | 0 |\n", alloc
  printf "| (d) PPO update phase (CartPole) | %.1f GFLOP/s | sgemm peak %.1f GFLOP/s | %.0f%% of the peak | ≥ 85%% |\n", ug, peak, 100 * ug / peak
  printf "| (d) the same update phase against its bare parts | %.2f s | the same products timed alone and bias + tanh (%.2f ns per element) %.2f s | %.0f%% of the time is in them | |\n", us, tns, bs, 100 * bs / us
  printf "| (e) A2C CartPole-v1, SB3 defaults, %d steps | %.2f s (%.0f steps/s) | | | |\n", asteps, as, asteps / as
  printf "| (f) (a) on 2 threads (--threads 2, the same bits) | %.2f s | SB3 %.1f s (1 thread) | %.1f× SB3 | ≥ 35× SB3 |\n", ts, sb3, sb3 / ts
  if (ms != "") printf "| (f) (a) on 2 cores (mpirun -np 2) | %.2f s | SB3 %.1f s (1 thread) | %.1f× SB3 | ≥ 35× SB3 |\n", ms, sb3, sb3 / ms
}'
