#pragma once
// The umbrella header: every public header of actorcritic.
// (tests/CMakeLists.txt fails the configure step if a header is missing here.)

#include "actorcritic/algorithms/a2c.hpp"
#include "actorcritic/algorithms/reinforce.hpp"

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/pcg64.hpp"
#include "actorcritic/core/running_mean_std.hpp"
#include "actorcritic/core/seed_sequence.hpp"
#include "actorcritic/core/types.hpp"

#include "actorcritic/distributions/categorical.hpp"
#include "actorcritic/distributions/diag_gaussian.hpp"

#include "actorcritic/envs/acrobot.hpp"
#include "actorcritic/envs/cart_pole.hpp"
#include "actorcritic/envs/clip_action.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/episode_statistics.hpp"
#include "actorcritic/envs/k_armed_bandit.hpp"
#include "actorcritic/envs/mountain_car.hpp"
#include "actorcritic/envs/mountain_car_continuous.hpp"
#include "actorcritic/envs/normalize_observation.hpp"
#include "actorcritic/envs/normalize_reward.hpp"
#include "actorcritic/envs/pendulum.hpp"
#include "actorcritic/envs/rescale_action.hpp"
#include "actorcritic/envs/single_state_bandit.hpp"
#include "actorcritic/envs/space.hpp"
#include "actorcritic/envs/strict_fp.hpp"
#include "actorcritic/envs/time_limit.hpp"
#include "actorcritic/envs/vector_env.hpp"
#include "actorcritic/envs/wrapper.hpp"

#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/categorical.hpp"
#include "actorcritic/kernels/common.hpp"
#include "actorcritic/kernels/gaussian.hpp"
#include "actorcritic/kernels/importance.hpp"
#include "actorcritic/kernels/normalization.hpp"

#include "actorcritic/nn/activation.hpp"
#include "actorcritic/nn/init.hpp"
#include "actorcritic/nn/layer_norm.hpp"
#include "actorcritic/nn/linear.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/nn/parameter_io.hpp"

#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/conjugate_gradient.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/optim/rmsprop.hpp"
#include "actorcritic/optim/schedule.hpp"
#include "actorcritic/optim/sgd.hpp"

#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/critic.hpp"

#include "actorcritic/rollout/collector.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include "actorcritic/train/evaluate.hpp"
#include "actorcritic/train/plot.hpp"
#include "actorcritic/train/progress_bar.hpp"
#include "actorcritic/train/train.hpp"
