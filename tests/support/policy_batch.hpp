#pragma once
// A batch drawn from a policy at random observations, for objective and
// trust-region tests: actions sampled from it, their log-probabilities, the
// distribution's parameters, and synthetic N(0, 1) advantages.

#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/types.hpp>

#include "support/gradient_check.hpp"

namespace ac::test {

template <class Actor>
struct PolicyBatch {
  Matrix<double> observations;
  typename Actor::Actions actions;
  Matrix<double> old_log_probs, old_parameters, advantages;
};

template <class Actor>
PolicyBatch<Actor> sample_policy_batch(Actor& policy, Index batch, Generator& rng) {
  PolicyBatch<Actor> b;
  b.observations = normal_matrix(policy.observation_dim(), batch, rng);
  const auto& dist = policy.distribution(b.observations);
  b.actions.resize(policy.action_rows(), batch);
  dist.sample(rng, b.actions);
  b.old_log_probs.resize(1, batch);
  dist.log_prob(b.actions, b.old_log_probs);
  b.old_parameters.resize(policy.parameter_rows(), batch);
  dist.write_parameters(b.old_parameters);
  b.advantages = normal_matrix(1, batch, rng);
  return b;
}

}  // namespace ac::test
