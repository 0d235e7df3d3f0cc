#pragma once
// Runs a policy on a VectorEnv for T steps and fills a RolloutBuffer,
// including next_values as the estimators need them: V(s_{t+1}) within an
// episode, V(final observation) where it was truncated, 0 where it
// terminated, and V(last observation) at the end of the rollout.
// Continuous actions are stored as sampled and clipped to the action space
// only on their way to the environment (as SB3 does). A recurrent policy or
// critic runs one step at a time from the GRU states the collector carries per
// env, across rollouts, zeroed where an episode ends; the buffer keeps the state
// carried into every step (rollout/recurrent_states.hpp).

#include "actorcritic/core/generator.hpp"
#include "actorcritic/distributions/multi_categorical.hpp"
#include "actorcritic/distributions/bounded_actions.hpp"
#include "actorcritic/envs/vector_env.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"

#include <optional>
#include <span>
#include <type_traits>

namespace ac {

/// Fills rollouts; holds the one workspace a continuous policy needs (the
/// clipped float actions), so that collecting does not allocate after the first call.
template <Policy P>
class Collector {
 public:
  using Scalar = typename P::Scalar;

  /// Normalizes observations and rewards on their way into the buffer (and
  /// updates the normalizer's statistics while it is training); nullptr: none.
  /// The normalizer must outlive the collector's use of it.
  void set_normalizer(VecNormalize* normalizer) { normalizer_ = normalizer; }
  [[nodiscard]] VecNormalize* normalizer() const { return normalizer_; }

  /// With `critic == nullptr` (REINFORCE) values and next_values are left at zero.
  template <class E>
  void collect(VectorEnv<E>& env, P& policy, Critic<Scalar>* critic, Generator& rng, RolloutBufferFor<P>& buffer) {
    const Index n = env.size(), steps = buffer.steps();
    if (buffer.envs() != n || buffer.observations.rows() != env.observation_dim() ||
        buffer.actions.rows() != policy.action_rows()) {
      throw_invalid_argument(
          "collect_rollout: buffer: expected {} envs, observation_dim {} and {} action rows, got {}, {} and {}", n,
          env.observation_dim(), policy.action_rows(), buffer.envs(), buffer.observations.rows(),
          buffer.actions.rows());
    }
    if (buffer.masks.rows() != env.action_masks().rows()) {
      throw_invalid_argument("collect_rollout: buffer: expected {} mask rows ({}), got {}", env.action_masks().rows(),
                             VectorEnv<E>::kMasked ? "the environment masks its actions" : "no masks",
                             buffer.masks.rows());
    }
    if (normalizer_ != nullptr) normalizer_->observe_reset(env.observations());
    const RecurrentNetworks<Scalar> recurrent = recurrent_networks(policy, critic);
    if (recurrent.any()) prepare_states(recurrent, buffer);
    for (Index t = 0; t < steps; ++t) {
      auto observations = buffer.observations_at(t);
      load(env.observations(), observations);
      if constexpr (VectorEnv<E>::kMasked) buffer.masks_at(t) = env.action_masks();
      const ActionMaskMap masks = mask_columns(buffer.masks, t * n, n);  // empty without masks
      if (recurrent.any()) {
        if (recurrent.actor != nullptr) buffer.actor_states.middleCols(t * n, n) = states_.actor;
        if (recurrent.critic != nullptr) buffer.critic_states.middleCols(t * n, n) = states_.critic;
        use_carried_states(recurrent);
      }
      const auto& dist = policy.distribution(observations, masks);
      auto actions = buffer.actions_at(t);
      dist.sample(rng, actions);
      Eigen::Map<Matrix<Scalar>> log_prob_row(buffer.log_probs.col(t).data(), 1, n);
      dist.log_prob(actions, log_prob_row);
      // (The network keeps its own copy of the states it runs from: a critic on the same trunk runs from them too.)
      if (recurrent.actor != nullptr) states_.actor = recurrent.actor->gru_states();
      if (critic != nullptr) {
        buffer.values.col(t) = critic->values(observations).transpose();
      } else {
        buffer.values.col(t).setZero();
      }
      if (recurrent.critic != nullptr) states_.critic = recurrent.critic->gru_states();

      step_env(env, actions);
      if (normalizer_ != nullptr) normalizer_->observe(env.observations());
      buffer.rewards.col(t) = env.rewards().template cast<Scalar>();
      buffer.terminated.col(t) = env.terminated().template cast<Scalar>().matrix();
      buffer.truncated.col(t) = env.truncated().template cast<Scalar>().matrix();
      buffer.ended.col(t) = (env.terminated() || env.truncated()).template cast<Scalar>().matrix();
      if (normalizer_ != nullptr) {
        auto reward_column = buffer.rewards.col(t);
        normalizer_->normalize_rewards(reward_column, buffer.ended.col(t));
      }
      auto next_observations = buffer.next_observations_at(t);
      load(env.observations(), next_observations);
      if ((env.terminated() || env.truncated()).any()) {
        load(env.final_observations(), final_observations_);
        for (Index i = 0; i < n; ++i) {
          if (env.ended(i)) next_observations.col(i) = final_observations_.col(i);
        }
      }
      buffer.next_values.col(t).setZero();
      if (critic != nullptr && (env.truncated() && !env.terminated()).any()) {
        // Bootstrap truncated episodes from the value of their final observation (a recurrent critic
        // from the state after this step, as the episode would have gone on).
        if (recurrent.any()) use_carried_states(recurrent);
        const auto final_values = critic->values(final_observations_);
        for (Index i = 0; i < n; ++i) {
          if (env.truncated()(i) && !env.terminated()(i)) buffer.next_values(i, t) = final_values(0, i);
        }
      }
      if (recurrent.any()) zero_ended_states(env);
    }
    if (critic == nullptr) return;
    if (recurrent.any()) use_carried_states(recurrent);
    for (Index t = 0; t + 1 < steps; ++t) {
      for (Index i = 0; i < n; ++i) {
        if (buffer.ended(i, t) == Scalar(0)) buffer.next_values(i, t) = buffer.values(i, t + 1);
      }
    }
    load(env.observations(), final_observations_);
    const auto last_values = critic->values(final_observations_);
    for (Index i = 0; i < n; ++i) {
      if (buffer.ended(i, steps - 1) == Scalar(0)) buffer.next_values(i, steps - 1) = last_values(0, i);
    }
  }

  /// The GRU states carried into the next step of each env (empty for feed-forward networks).
  [[nodiscard]] const CarriedStates<Scalar>& carried_states() const { return states_; }
  /// Starts every env's states from zero on the next rollout: after a reset of the environments
  /// outside of a rollout (complete-episode collection resets them before each).
  void reset_states() {
    states_.actor.setZero();
    states_.critic.setZero();
  }
  /// The carried states, for checkpoints (stored only for recurrent networks: TrainingLoop).
  template <class Archive>
  void serialize(Archive& a) {
    a.field("states", states_);
  }

  /// A rollout of `steps` steps into the collector's own buffer (created on
  /// the first call, reused while the shapes stay the same).
  template <class E>
  const RolloutBufferFor<P>& collect(VectorEnv<E>& env, P& policy, Critic<Scalar>* critic, Generator& rng,
                                     Index steps) {
    if (!buffer_ || buffer_->steps() != steps || buffer_->envs() != env.size() ||
        buffer_->observations.rows() != env.observation_dim() ||
        buffer_->masks.rows() != env.action_masks().rows()) {
      buffer_.emplace(make_rollout_buffer(steps, env, policy));
    }
    collect(env, policy, critic, rng, *buffer_);
    return *buffer_;
  }

 private:
  /// Environment observations (float) into the learner's scalar, normalized if a normalizer is set.
  template <class Out>
  void load(const Matrix<float>& raw, Out& out) {
    if constexpr (std::is_same_v<Out, Matrix<Scalar>>) {
      if (out.rows() != raw.rows() || out.cols() != raw.cols()) out.resize(raw.rows(), raw.cols());
    }
    if (normalizer_ != nullptr) {
      normalizer_->normalize_observations(raw, out);
    } else {
      out = raw.template cast<Scalar>();
    }
  }

  /// Shapes the carried states (zero on the first rollout, or when the networks or the envs change)
  /// and the buffer's per-step states.
  void prepare_states(const RecurrentNetworks<Scalar>& recurrent, RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs();
    const auto shape = [](Matrix<Scalar>& m, const nn::Mlp<Scalar>* net, Index columns, bool zero) {
      const Index rows = net != nullptr ? net->gru().hidden() : 0;
      if (m.rows() == rows && m.cols() == (rows > 0 ? columns : 0)) return;
      if (rows == 0) {
        m.resize(0, 0);
      } else if (zero) {
        m.setZero(rows, columns);
      } else {
        m.resize(rows, columns);
      }
    };
    shape(states_.actor, recurrent.actor, n, true);
    shape(states_.critic, recurrent.critic, n, true);
    shape(buffer.actor_states, recurrent.actor, buffer.size(), false);
    shape(buffer.critic_states, recurrent.critic, buffer.size(), false);
    if (no_starts_.size() != n) no_starts_.setConstant(n, false);
  }
  /// The recurrent networks run the next step from the carried states (one step of N sequences).
  void use_carried_states(const RecurrentNetworks<Scalar>& recurrent) {
    if (recurrent.actor != nullptr) recurrent.actor->use_sequences(no_starts_, states_.actor);
    if (recurrent.critic != nullptr) recurrent.critic->use_sequences(no_starts_, states_.critic);
  }
  /// An env whose episode ended starts the next one from zero.
  template <class E>
  void zero_ended_states(const VectorEnv<E>& env) {
    for (Index i = 0; i < env.size(); ++i) {
      if (!env.ended(i)) continue;
      if (states_.actor.size() != 0) states_.actor.col(i).setZero();
      if (states_.critic.size() != 0) states_.critic.col(i).setZero();
    }
  }

  template <class E, class Block>
  void step_env(VectorEnv<E>& env, const Block& actions) {
    if constexpr (envs::DiscreteEnv<E>) {
      static_assert(std::is_same_v<typename P::Actions, ActionIndices>,
                    "collect_rollout: a Discrete environment needs a policy with discrete actions (CategoricalActor)");
      // VectorEnv converts the indices to the environment's own integer Action type.
      env.step(std::span<const std::int64_t>(actions.data(), static_cast<std::size_t>(env.size())));
    } else if constexpr (envs::MultiActionEnv<E>) {
      static_assert(std::is_same_v<typename P::Actions, ActionIndexMatrix>,
                    "collect_rollout: a MultiDiscrete or MultiBinary environment needs a policy with integer action "
                    "vectors (MultiCategoricalActor or BernoulliActor)");
      env.step(actions);
    } else {
      static_assert(!std::is_same_v<typename P::Actions, ActionIndices> &&
                        !std::is_same_v<typename P::Actions, ActionIndexMatrix>,
                    "collect_rollout: a Box environment needs a policy with continuous actions (GaussianActor)");
      if (env_actions_.rows() != env.action_dim() || env_actions_.cols() != env.size()) {
        const auto& space = env.action_space();  // a Box holds vectors: fetched once, not every step
        low_ = space.low;
        high_ = space.high;
        check_action_bounds<typename P::Distribution>(low_, high_, env.id());
        env_actions_.resize(env.action_dim(), env.size());
      }
      if constexpr (kBoundedActions<typename P::Distribution>) {
        for (Index j = 0; j < env_actions_.cols(); ++j) {
          to_bounds_into<typename P::Distribution>(actions.col(j), low_, high_, env_actions_.col(j));
        }
      } else {
        env_actions_ = actions.template cast<float>();
        for (Index j = 0; j < env_actions_.cols(); ++j) {
          env_actions_.col(j) = env_actions_.col(j).cwiseMax(low_).cwiseMin(high_);
        }
      }
      env.step(env_actions_);
    }
  }

  std::optional<RolloutBufferFor<P>> buffer_;
  VecNormalize* normalizer_ = nullptr;
  CarriedStates<Scalar> states_;  // recurrent networks: each env's GRU states before its next step
  nn::EpisodeStarts no_starts_;   // N flags, all false: a step's states are already zero where an episode starts
  Matrix<Scalar> final_observations_;  // obs_dim x N: final observations of ended episodes, or the last ones
  Matrix<float> env_actions_;
  Eigen::VectorXf low_, high_;
};

/// One rollout with a temporary Collector (convenient; a training loop keeps
/// its Collector to reuse the workspace).
template <class E, Policy P>
void collect_rollout(VectorEnv<E>& env, P& policy, Critic<typename P::Scalar>* critic, Generator& rng,
                     RolloutBufferFor<P>& buffer) {
  Collector<P>().collect(env, policy, critic, rng, buffer);
}

template <class E, Policy P>
void collect_rollout(VectorEnv<E>& env, P& policy, Critic<typename P::Scalar>& critic, Generator& rng,
                     RolloutBufferFor<P>& buffer) {
  Collector<P>().collect(env, policy, &critic, rng, buffer);
}

}  // namespace ac
