#pragma once
// Runs a policy on a VectorEnv for T steps and fills a RolloutBuffer,
// including next_values as the estimators need them: V(s_{t+1}) within an
// episode, V(final observation) where it was truncated, 0 where it
// terminated, and V(last observation) at the end of the rollout.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/envs/vector_env.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <span>
#include <type_traits>

namespace ac {

namespace detail {
/// Environment observations (float) as the learner's scalar: a plain reference
/// for float (binding a cast expression to a Ref would allocate a temporary).
template <RealScalar Scalar>
decltype(auto) observations_as(const Matrix<float>& observations) {
  if constexpr (std::is_same_v<Scalar, float>) {
    return (observations);
  } else {
    return Matrix<Scalar>(observations.template cast<Scalar>());
  }
}
}  // namespace detail

/// With `critic == nullptr` (REINFORCE) values and next_values are left at zero.
template <envs::DiscreteEnv E, RealScalar Scalar>
void collect_rollout(VectorEnv<E>& env, CategoricalActor<Scalar>& actor, Critic<Scalar>* critic, Generator& rng,
                     RolloutBuffer<Scalar>& buffer) {
  const Index n = env.size(), steps = buffer.steps();
  if (buffer.envs() != n || buffer.observations.rows() != env.observation_dim()) {
    throw_invalid_argument("collect_rollout: buffer: expected {} envs and observation_dim {}, got {} and {}", n,
                           env.observation_dim(), buffer.envs(), buffer.observations.rows());
  }
  for (Index t = 0; t < steps; ++t) {
    auto observations = buffer.observations_at(t);
    observations = env.observations().template cast<Scalar>();
    const auto& dist = actor.distribution(observations);
    auto actions = buffer.actions_at(t);
    dist.sample(rng, actions);
    Eigen::Map<Matrix<Scalar>> log_prob_row(buffer.log_probs.col(t).data(), 1, n);
    dist.log_prob(actions, log_prob_row);
    if (critic != nullptr) {
      buffer.values.col(t) = critic->values(observations).transpose();
    } else {
      buffer.values.col(t).setZero();
    }

    env.step(std::span<const std::int64_t>(actions.data(), static_cast<std::size_t>(n)));
    buffer.rewards.col(t) = env.rewards().template cast<Scalar>();
    buffer.terminated.col(t) = env.terminated().template cast<Scalar>().matrix();
    buffer.truncated.col(t) = env.truncated().template cast<Scalar>().matrix();
    buffer.ended.col(t) = (env.terminated() || env.truncated()).template cast<Scalar>().matrix();
    auto next_observations = buffer.next_observations_at(t);
    next_observations = env.observations().template cast<Scalar>();
    for (Index i = 0; i < n; ++i) {
      if (env.ended(i)) next_observations.col(i) = env.final_observations().col(i).template cast<Scalar>();
    }
    buffer.next_values.col(t).setZero();
    if (critic != nullptr && (env.truncated() && !env.terminated()).any()) {
      // Bootstrap truncated episodes from the value of their final observation.
      const auto final_values = critic->values(detail::observations_as<Scalar>(env.final_observations()));
      for (Index i = 0; i < n; ++i) {
        if (env.truncated()(i) && !env.terminated()(i)) buffer.next_values(i, t) = final_values(0, i);
      }
    }
  }
  if (critic == nullptr) return;
  for (Index t = 0; t + 1 < steps; ++t) {
    for (Index i = 0; i < n; ++i) {
      if (buffer.ended(i, t) == Scalar(0)) buffer.next_values(i, t) = buffer.values(i, t + 1);
    }
  }
  const auto last_values = critic->values(detail::observations_as<Scalar>(env.observations()));
  for (Index i = 0; i < n; ++i) {
    if (buffer.ended(i, steps - 1) == Scalar(0)) buffer.next_values(i, steps - 1) = last_values(0, i);
  }
}

template <envs::DiscreteEnv E, RealScalar Scalar>
void collect_rollout(VectorEnv<E>& env, CategoricalActor<Scalar>& actor, Critic<Scalar>& critic, Generator& rng,
                     RolloutBuffer<Scalar>& buffer) {
  collect_rollout(env, actor, &critic, rng, buffer);
}

}  // namespace ac
