#!/usr/bin/env bash
# The deployment round trip (docs/deployment.md): train a categorical and a
# Gaussian policy with observation normalization (and masked, multi-action,
# squashed, Beta and recurrent policies), record actorcritic-eval's
# episodes, export each policy with actorcritic-export, compile the header in a
# separate program whose only include path is the header's folder, and check
# that the header acts as the evaluator did on every recorded observation
# (check_policy.cpp). A header with one weight changed must fail the same check.
#   export_test.sh TRAIN EVAL EXPORT CXX SOURCE_DIR WORKDIR PPO_CARTPOLE
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/checks.sh"
train=$1 eval=$2 export=$3 cxx=$4 source=$5 work=$6 ppo_cartpole=$7
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# compile_check DIR NAMESPACE DISCRETE OUT [MASKED MULTI RECURRENT FORGET_STATE]: the checker against
# DIR/policy.hpp, as strict as we build.
compile_check() {
  "$cxx" -std=c++17 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror -I "$1" \
    -DPOLICY_NAMESPACE="$2" -DPOLICY_DISCRETE="$3" -DPOLICY_MASKED="${5:-0}" -DPOLICY_MULTI="${6:-0}" \
    -DPOLICY_RECURRENT="${7:-0}" -DPOLICY_FORGET_STATE="${8:-0}" "$source/check_policy.cpp" -o "$4"
}

# A categorical policy (layer norm, ReLU) and a Gaussian one (shared trunk, tanh), both normalized.
"$train" --algo ppo-clip --env CartPole-v1 --steps 20000 --envs 8 --normalize-observations true \
  --layer-norm true --activation relu --save cartpole.ckpt --quiet >/dev/null || fail "training CartPole"
"$train" --algo ppo-clip --env Pendulum-v1 --steps 20000 --envs 8 --normalize-observations true \
  --shared-trunk true --save pendulum.ckpt --quiet >/dev/null || fail "training Pendulum"
# A policy over masked actions (GridMaze-v0): the record holds the legal actions, the header's masked act() takes them.
"$train" --algo ppo-clip --env GridMaze-v0 --steps 8192 --save maze.ckpt --quiet >/dev/null || fail "training GridMaze"
# MultiDiscrete and MultiBinary policies: act(observation, int*) gives every component.
"$train" --algo ppo-clip --env CopyDigits-v0 --steps 8192 --save digits.ckpt --quiet >/dev/null || fail "training CopyDigits"
"$train" --algo ppo-clip --env CopyBits-v0 --steps 8192 --save bits.ckpt --quiet >/dev/null || fail "training CopyBits"
# A tanh-squashed Gaussian (the library's SquashedGaussianActor).
"$train" --algo ppo-clip --env Pendulum-v1 --distribution squashed-gaussian --steps 16384 --save squashed.ckpt \
  --quiet >/dev/null || fail "training the squashed Pendulum policy"
# A checkpoint that ac::Run wrote alone, without the command line's record (the ppo_cartpole example).
"$ppo_cartpole" --steps 8192 --save library.ckpt >/dev/null || fail "training with the ppo_cartpole example"
# A Beta policy, through actorcritic-train: the header computes its mode from z_alpha and z_beta.
"$train" --algo ppo-clip --env Pendulum-v1 --distribution beta --steps 16384 --save beta.ckpt --quiet >/dev/null ||
  fail "training the Beta Pendulum policy"

# Recurrent policies (a GRU of 64 before the layers, the CLI's default on these ids): the header carries
# the state, and the check starts each recorded episode from a zero one.
"$train" --algo ppo-clip --env CartPoleNoVel-v1 --steps 20000 --save novel.ckpt --quiet >/dev/null ||
  fail "training the recurrent CartPoleNoVel policy"
"$train" --algo ppo-clip --env PendulumNoVel-v1 --steps 16384 --normalize-observations true --save pnovel.ckpt \
  --quiet >/dev/null || fail "training the recurrent PendulumNoVel policy"

# name:discrete:masked:multi:recurrent:namespace (multi: 1 MultiDiscrete, 2 MultiBinary)
for run in cartpole:1:0:0:0:cartpole pendulum:0:0:0:0:control::pendulum maze:1:1:0:0:maze digits:0:0:1:0:digits \
           bits:0:0:2:0:bits squashed:0:0:0:0:squashed beta:0:0:0:0:beta novel:1:0:0:1:novel pnovel:0:0:0:1:pnovel \
           library:1:0:0:0:library; do
  name=${run%%:*} rest=${run#*:}
  discrete=${rest%%:*} rest=${rest#*:}
  masked=${rest%%:*} rest=${rest#*:}
  multi=${rest%%:*} rest=${rest#*:}
  recurrent=${rest%%:*} namespace=${rest#*:}
  mkdir -p "$name"
  "$eval" --load "$name.ckpt" --episodes 4 --seed 7 --record "$name.csv" >/dev/null || fail "evaluating $name"
  "$export" --load "$name.ckpt" --out "$name/policy.hpp" --namespace "$namespace" >/dev/null || fail "exporting $name"
  # Dependency-free: the header includes <cmath> and <cstddef>, nothing else.
  includes=$(grep '^#include' "$name/policy.hpp" | tr '\n' ' ')
  [[ $includes == "#include <cmath> #include <cstddef> " ]] || fail "$name/policy.hpp includes $includes"
  compile_check "$name" "$namespace" "$discrete" "check_$name" "$masked" "$multi" "$recurrent" ||
    fail "compiling the check of $name/policy.hpp"
  ./"check_$name" "$name.csv" || fail "$name/policy.hpp does not act as actorcritic-eval did"
  # The same checkpoint exports to the same bytes.
  "$export" --load "$name.ckpt" --out "$name/again.hpp" --namespace "$namespace" >/dev/null
  cmp -s "$name/policy.hpp" "$name/again.hpp" || fail "exporting $name twice gave different headers"
done

# The check can fail: the Gaussian header with its output bias moved by 0.01.
mkdir -p broken
awk '/inline constexpr float bias2\[1\]/ { print; getline; sub(/f,/, "f + 0.01f,"); } { print }' \
  pendulum/policy.hpp >broken/policy.hpp
grep -q '+ 0.01f' broken/policy.hpp || fail "could not perturb the Gaussian header's output bias"
if compile_check broken control::pendulum 0 check_broken; then
  ./check_broken pendulum.csv >/dev/null 2>&1 && fail "a perturbed header passed the check"
else
  fail "compiling the perturbed header"
fi

# The recurrent check can fail: acting on PendulumNoVel from a zero state at every step (the state not carried).
compile_check pnovel pnovel 0 check_forgetful 0 0 1 1 || fail "compiling the forgetful recurrent check"
./check_forgetful pnovel.csv >/dev/null 2>&1 && fail "a check that does not carry the GRU state passed"
grep -q "struct State" pnovel/policy.hpp || fail "the recurrent header declares no State"

# Bad input: exit 2 naming the flag, or 1 for a checkpoint that cannot be used.
expect 2 "--load: expected a checkpoint path" "$export" --out x.hpp
expect 2 "--out: expected the path" "$export" --load cartpole.ckpt
expect 2 "--namespace: expected a C++ identifier" "$export" --load cartpole.ckpt --out x.hpp --namespace int
expect 2 "--namespace: expected a C++ identifier" "$export" --load cartpole.ckpt --out x.hpp --namespace 9lives
expect 2 "--namespace: expected a C++ identifier" "$export" --load cartpole.ckpt --out x.hpp --namespace a::
expect 2 "unknown flag --bogus" "$export" --load cartpole.ckpt --out x.hpp --bogus 1
expect 0 "usage: actorcritic-export" "$export" --help
expect 1 "cannot open" "$export" --load missing.ckpt --out x.hpp
head -c 100 cartpole.ckpt >truncated.ckpt
expect 1 "error" "$export" --load truncated.ckpt --out x.hpp
[[ -e x.hpp ]] && fail "a failed export left x.hpp behind"

finish "export round trip: all checks passed"
