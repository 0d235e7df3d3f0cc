#pragma once
// N copies of an environment stepped together, Gymnasium's SyncVectorEnv
// with same-step autoreset: when copy i ends (terminated or truncated) its
// final observation is kept in final_observations() so a learner can
// bootstrap a truncated episode, and observations() already holds the first
// observation of its next episode. Observations are batched `obs_dim x N`.
// Single-threaded: for these environments a step costs nanoseconds and
// handing work to threads costs more (see benchmarks/bench_envs.cpp).
// For an environment that masks its actions (MaskedEnv), action_masks() holds
// the legal actions of every copy's current state, `actions x N`, kept with
// the observations (after autoreset: the new episode's).

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/episode_statistics.hpp"

#include <concepts>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

namespace ac::envs {

template <class E>
class VectorEnv {
  static_assert(check_env<E>());

 public:
  using Env = E;
  using Action = typename E::Action;
  using Observation = typename E::Observation;

  /// `count` copies of `prototype`; copy i is seeded with seed + i at the first reset.
  VectorEnv(Index count, std::uint64_t seed, const E& prototype = E{}, std::size_t stats_window = 100)
      : envs_(static_cast<std::size_t>(positive_count(count)), prototype),
        observation_space_(prototype.observation_space()),
        episodes_(stats_window) {
    const Index dim = observation_space_.dim();
    observations_.resize(dim, count);
    final_observations_ = Matrix<float>::Zero(dim, count);
    rewards_ = Eigen::VectorXd::Zero(count);
    terminated_ = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(count, false);
    truncated_ = terminated_;
    episode_returns_ = Eigen::VectorXd::Zero(count);
    episode_lengths_ = Eigen::Matrix<long, Eigen::Dynamic, 1>::Zero(count);
    if constexpr (ContinuousEnv<E> || MultiActionEnv<E>) {
      action_dim_ = prototype.action_space().dim();
      action_scratch_.resize(action_dim_);
    }
    if constexpr (MaskedEnv<E>) masks_.resize(mask_rows(prototype.action_space()), count);
    reset(seed);
  }

  [[nodiscard]] Index size() const { return static_cast<Index>(envs_.size()); }
  [[nodiscard]] std::string_view id() const { return envs_.front().id(); }
  [[nodiscard]] Index observation_dim() const { return observation_space_.dim(); }
  [[nodiscard]] const Box& observation_space() const { return observation_space_; }
  [[nodiscard]] decltype(auto) action_space() const { return envs_.front().action_space(); }
  [[nodiscard]] Index action_count() const
    requires DiscreteEnv<E>
  {
    return envs_.front().action_space().n;
  }
  /// Box: the action's dimension; MultiDiscrete and MultiBinary: its components.
  [[nodiscard]] Index action_dim() const
    requires ContinuousEnv<E> || MultiActionEnv<E>
  {
    return action_dim_;  // stored: every step checks its actions' shape (an env may build its space per call)
  }

  /// Seeds copy i with seed + i and starts every episode.
  const Matrix<float>& reset(std::uint64_t seed) {
    for (Index i = 0; i < size(); ++i) store_reset(i, envs_[static_cast<std::size_t>(i)].reset(seed + static_cast<std::uint64_t>(i)));
    return observations_;
  }

  /// Starts every episode again, continuing each copy's generator.
  const Matrix<float>& reset() {
    for (Index i = 0; i < size(); ++i) store_reset(i, envs_[static_cast<std::size_t>(i)].reset());
    return observations_;
  }

  /// Group starts for the group baselines (RLOO, GRPO): the copies form consecutive groups of
  /// `group_size`, and every copy of a group continues from its group's first copy's current state
  /// (Env::state()/set_state(), so each keeps its own generator: the k episodes are independent draws
  /// from one start). Call it right after a reset. An environment that cannot restore a state throws.
  void share_start_states(Index group_size) {
    check_positive("VectorEnv::share_start_states: group_size", group_size);
    if (size() % group_size != 0) {
      throw_invalid_argument("VectorEnv::share_start_states: group_size: expected a divisor of the {} copies, got {}",
                             size(), group_size);
    }
    for (Index leader = 0; leader < size(); leader += group_size) {
      const Eigen::VectorXd state = envs_[static_cast<std::size_t>(leader)].state();
      for (Index i = leader + 1; i < leader + group_size; ++i) {
        envs_[static_cast<std::size_t>(i)].set_state(state);
        observations_.col(i) = observations_.col(leader);  // an observation is a function of the state
        store_mask(i);
      }
    }
  }

  /// One step of every copy with discrete actions (one per copy).
  void step(std::span<const Action> actions)
    requires DiscreteEnv<E>
  {
    step_discrete(actions);
  }
  /// The same from a policy's action indices, for an environment whose Action
  /// is another integer type (`using Action = int`): each is converted as it is used.
  void step(std::span<const std::int64_t> indices)
    requires DiscreteEnv<E> && (!std::same_as<Action, std::int64_t>)
  {
    step_discrete(indices);
  }

  /// One step of every copy with continuous actions, `action_dim x N`.
  void step(ConstMatrixRef<float> actions)
    requires ContinuousEnv<E>
  {
    step_columns(actions);
  }

  /// Whether the copies mask their actions (E is a MaskedEnv).
  static constexpr bool kMasked = MaskedEnv<E>;
  /// The legal actions of every copy's current state, `actions x N`; empty
  /// (0 x 0) for an environment that does not mask.
  [[nodiscard]] const ActionMasks& action_masks() const { return masks_; }

  /// One step of every copy with MultiDiscrete or MultiBinary actions, `components x N`.
  void step(const Eigen::Ref<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>>& actions)
    requires MultiActionEnv<E>
  {
    step_columns(actions);
  }

  /// Observations after the last step (after autoreset), obs_dim x N.
  [[nodiscard]] const Matrix<float>& observations() const { return observations_; }
  /// Column i: the last observation of the episode copy i ended in the last step (valid where ended()).
  [[nodiscard]] const Matrix<float>& final_observations() const { return final_observations_; }
  [[nodiscard]] const Eigen::VectorXd& rewards() const { return rewards_; }
  [[nodiscard]] const Eigen::Array<bool, Eigen::Dynamic, 1>& terminated() const { return terminated_; }
  [[nodiscard]] const Eigen::Array<bool, Eigen::Dynamic, 1>& truncated() const { return truncated_; }
  [[nodiscard]] bool ended(Index i) const { return terminated_(i) || truncated_(i); }

  /// Finished episodes (return, length) over all copies, most recent window.
  [[nodiscard]] const EpisodeWindow& episodes() const { return episodes_; }
  [[nodiscard]] double current_return(Index i) const { return episode_returns_(i); }
  [[nodiscard]] long current_length(Index i) const { return episode_lengths_(i); }
  [[nodiscard]] long total_steps() const { return total_steps_; }

  /// The whole state of the copies (each one's episode and generator, the
  /// autoreset observations, episode statistics), so that a restored VectorEnv
  /// continues bit for bit; for environments (and wrappers) that serialize.
  template <class Archive>
    requires Serializable<E>
  void serialize(Archive& a) {
    std::uint64_t count = envs_.size();
    a.field("count", count, archive::equal_to<std::uint64_t>(envs_.size()));
    a.field("envs", envs_);
    a.field("observations", observations_);
    a.field("final_observations", final_observations_);
    a.field("rewards", rewards_);
    // Flags as bytes: reading a stored byte into a bool directly would accept values other than 0 and 1.
    Eigen::Array<std::uint8_t, Eigen::Dynamic, 1> terminated = terminated_.template cast<std::uint8_t>(),
                                                  truncated = truncated_.template cast<std::uint8_t>();
    const auto flags = archive::Check{[](const auto& f) { return (f <= 1).all(); }, "flags of 0 or 1"};
    a.field("terminated", terminated, flags);
    a.field("truncated", truncated, flags);
    a.field("episode_lengths", episode_lengths_,
            archive::Check{[](const auto& l) { return (l.array() >= 0).all(); }, "lengths >= 0"});
    a.field("episode_returns", episode_returns_);
    a.field("episodes", episodes_);
    a.field("total_steps", total_steps_, archive::at_least(0));
    if constexpr (Archive::loading) {
      terminated_ = terminated != 0;
      truncated_ = truncated != 0;
      for (Index i = 0; i < size(); ++i) store_mask(i);  // a function of each copy's restored state
    }
  }

  E& env(Index i) { return envs_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] const E& env(Index i) const { return envs_.at(static_cast<std::size_t>(i)); }

 private:
  static Index positive_count(Index count) {
    check_positive("VectorEnv: count", count);
    return count;
  }

  // A plain loop: observations have a handful of components, and Eigen's packet
  // copy from a fixed-size 3-vector trips GCC 12's -Warray-bounds (a false positive).
  static void copy_column(Matrix<float>& destination, Index column, const Observation& observation) {
    for (Index k = 0; k < observation.size(); ++k) destination(k, column) = observation(k);
  }

  /// Column i of the masks from copy i's current state; a state without a
  /// legal action is an error naming the environment, the copy and the step.
  void store_mask(Index i) {
    if constexpr (MaskedEnv<E>) {
      const E& env = envs_[static_cast<std::size_t>(i)];
      const auto& mask = env.action_mask();  // as the env returns it: a fixed-size mask allocates nothing
      if (mask.size() != masks_.rows()) {
        throw_invalid_argument("{}: action_mask(): expected {} flags (one per action), got {}", id(), masks_.rows(),
                               mask.size());
      }
      if (!mask.any()) {
        throw_invalid_argument("{}: copy {}: the state after step {} of its episode has no legal action "
                               "(action_mask() is all false)",
                               id(), i, episode_lengths_(i));
      }
      masks_.col(i) = mask;
    }
  }

  void store_reset(Index i, const Observation& observation) {
    copy_column(observations_, i, observation);
    episode_returns_(i) = 0.0;
    episode_lengths_(i) = 0;
    terminated_(i) = truncated_(i) = false;
    store_mask(i);
  }

  /// One step with column i of `actions` (`action_dim x N`: Box, MultiDiscrete, MultiBinary) for copy i.
  template <class Actions>
  void step_columns(const Actions& actions) {
    check_shape({"VectorEnv<", id(), ">::step: actions"}, actions.rows(), actions.cols(), action_dim(), size());
    for (Index i = 0; i < size(); ++i) {
      action_scratch_ = actions.col(i);
      advance(i, action_scratch_);
    }
  }

  template <class Integer>
  void step_discrete(std::span<const Integer> actions) {
    if (static_cast<Index>(actions.size()) != size()) {
      throw_invalid_argument("VectorEnv<{}>::step: actions: expected {} actions, got {}", id(), size(), actions.size());
    }
    for (Index i = 0; i < size(); ++i) advance(i, static_cast<Action>(actions[static_cast<std::size_t>(i)]));
  }

  void advance(Index i, const Action& action) {
    E& env = envs_[static_cast<std::size_t>(i)];
    const auto result = env.step(action);
    rewards_(i) = result.reward;
    terminated_(i) = result.terminated;
    truncated_(i) = result.truncated;
    episode_returns_(i) += result.reward;
    ++episode_lengths_(i);
    ++total_steps_;
    if (result.terminated || result.truncated) {
      copy_column(final_observations_, i, result.observation);
      episodes_.push({episode_returns_(i), episode_lengths_(i)});
      copy_column(observations_, i, env.reset());  // same-step autoreset, continuing the generator
      episode_returns_(i) = 0.0;
      episode_lengths_(i) = 0;
    } else {
      copy_column(observations_, i, result.observation);
    }
    store_mask(i);
  }

  std::vector<E> envs_;
  Box observation_space_;
  Matrix<float> observations_, final_observations_;
  Eigen::VectorXd rewards_;
  Eigen::Array<bool, Eigen::Dynamic, 1> terminated_, truncated_;
  Eigen::VectorXd episode_returns_;
  Eigen::Matrix<long, Eigen::Dynamic, 1> episode_lengths_;
  EpisodeWindow episodes_;
  std::conditional_t<MultiActionEnv<E>, IndexVector, Eigen::VectorXf> action_scratch_;
  Index action_dim_ = 0;  // Box, MultiDiscrete, MultiBinary
  ActionMasks masks_;  // actions x N (MaskedEnv), else empty
  long total_steps_ = 0;
};

}  // namespace ac::envs

namespace ac {
using envs::VectorEnv;  // the name DESIGN.md's examples use
}  // namespace ac
