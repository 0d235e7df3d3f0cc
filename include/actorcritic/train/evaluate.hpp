#pragma once
// Evaluation of the deterministic policy (the distribution's mode) on a
// separate environment, K full episodes.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/policies/categorical_actor.hpp"

#include <cmath>
#include <cstdint>

namespace ac {

struct EvaluationResult {
  double mean_return = 0.0;
  double std_return = 0.0;
  long episodes = 0;
};

template <envs::DiscreteEnv E, RealScalar Scalar>
EvaluationResult evaluate(CategoricalActor<Scalar>& actor, E env, long episodes, std::uint64_t seed) {
  check_positive("evaluate: episodes", episodes);
  Matrix<Scalar> observation(actor.observation_dim(), 1);
  ActionIndices action(1);
  double sum = 0.0, sum_sq = 0.0;
  for (long k = 0; k < episodes; ++k) {
    auto o = k == 0 ? env.reset(seed) : env.reset();
    double episode_return = 0.0;
    while (true) {
      observation.col(0) = o.template cast<Scalar>();
      actor.distribution(observation).mode(action);
      const auto result = env.step(action(0));
      episode_return += result.reward;
      o = result.observation;
      if (result.terminated || result.truncated) break;
    }
    sum += episode_return;
    sum_sq += episode_return * episode_return;
  }
  const double mean = sum / double(episodes);
  return {mean, std::sqrt(std::max(0.0, sum_sq / double(episodes) - mean * mean)), episodes};
}

}  // namespace ac
