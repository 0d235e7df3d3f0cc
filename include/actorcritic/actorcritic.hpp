#pragma once
// The umbrella header: every public header of actorcritic.
// (tests/CMakeLists.txt fails the configure step if a header is missing here.)

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/pcg64.hpp"
#include "actorcritic/core/seed_sequence.hpp"
#include "actorcritic/core/types.hpp"

#include "actorcritic/envs/acrobot.hpp"
#include "actorcritic/envs/cart_pole.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/mountain_car.hpp"
#include "actorcritic/envs/mountain_car_continuous.hpp"
#include "actorcritic/envs/pendulum.hpp"
#include "actorcritic/envs/space.hpp"
#include "actorcritic/envs/strict_fp.hpp"

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
