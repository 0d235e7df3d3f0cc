#pragma once
// A trained policy for acting, loaded from a run's checkpoint without its
// training state: the actor's network, the environment's spaces and the
// observation normalization frozen as it was saved. act() maps one raw
// observation to the deterministic action the evaluator takes — the mode of
// the distribution, and for continuous actions clipped to the action space.
//
//   auto policy = ac::InferencePolicy<ac::CategoricalActor<float>>::load("cartpole.ckpt");
//   const auto action = policy.act(observation);   // Index, or Eigen::VectorXf for Box actions

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/policies/box_actor.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/multi_discrete_actors.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"
#include "actorcritic/train/acting.hpp"
#include "actorcritic/train/checkpoint.hpp"
#include "actorcritic/train/run.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace ac {

template <Policy Actor>
class InferencePolicy {
 public:
  using Scalar = typename Actor::Scalar;
  static constexpr bool kDiscrete = std::is_same_v<typename Actor::Actions, ActionIndices>;
  /// MultiDiscrete or MultiBinary: an integer per component.
  static constexpr bool kMultiAction = std::is_same_v<typename Actor::Actions, ActionIndexMatrix>;
  /// What act() returns: an action index, a vector of integer components, or a vector of action components.
  using Action =
      std::conditional_t<kDiscrete, Index, std::conditional_t<kMultiAction, envs::IndexVector, Eigen::VectorXf>>;

  /// The checkpoint action kind this policy type loads (CheckpointEnvironment::action_kind()).
  static std::string action_kind() {
    if constexpr (kDiscrete) return "discrete";
    if constexpr (std::is_same_v<typename Actor::Distribution, MultiCategorical<Scalar>>) return "multi_discrete";
    if constexpr (std::is_same_v<typename Actor::Distribution, Bernoulli<Scalar>>) return "multi_binary";
    return "continuous";
  }

  static InferencePolicy load(const std::filesystem::path& path) {
    return from_checkpoint_bytes(read_file(path), path.string());
  }

  /// Reads the header, the run's configuration and the actor (and the
  /// normalizer); skips the algorithm's hyperparameters and every training state.
  static InferencePolicy from_checkpoint_bytes(std::string_view bytes, const std::string& source) {
    InputArchive in(open_checkpoint<Scalar>(bytes, source), source);
    InferencePolicy policy;
    policy.run_ = read_run_header(in);
    const auto& e = policy.run_.header.environment;
    if (e.action_kind() != action_kind()) {
      throw_io_error("{}: the checkpoint's policy has {} actions ({}), this program loads a policy with {} actions",
                     source, e.action_kind(), e.id, action_kind());
    }
    check_checkpoint_policy<Actor>(policy.run_.header, source);
    check_run_fits<Scalar>(policy.run_, in, false);
    in.skip("settings");
    NetworkRecord<Scalar> actor;
    in.field("actor", actor);
    Generator unused(0);
    typename Actor::Shape shape{};
    if constexpr (std::is_same_v<typename Actor::Shape, Index>) {
      shape = e.action_size;
    } else {
      shape.assign(e.nvec.begin(), e.nvec.end());
    }
    policy.actor_ = policy.run_.config.shared_trunk
                        ? std::make_unique<Actor>(WithValueRow{}, e.observation_dim, shape, policy.run_.config.actor,
                                                  unused)
                        : std::make_unique<Actor>(e.observation_dim, shape, policy.run_.config.actor, unused);
    actor.restore(policy.actor_->network(), "actor", source);
    if (in.peek_name() == "critic") in.skip("critic");
    if (policy.run_.config.normalization) {
      VecNormalize normalizer(e.observation_dim, 1, *policy.run_.config.normalization);
      in.field("normalizer", normalizer);
      normalizer.set_training(false);
      policy.normalizer_.emplace(std::move(normalizer));
    }
    if (!e.discrete) {
      policy.low_ = Eigen::Map<const Eigen::VectorXf>(e.action_low.data(), e.action_size);
      policy.high_ = Eigen::Map<const Eigen::VectorXf>(e.action_high.data(), e.action_size);
    }
    policy.chooser_.emplace(*policy.actor_, "InferencePolicy::act");
    return policy;
  }

  /// The deterministic action for one raw observation (observation_dim values);
  /// with `mask` (`actions x 1`, true = legal; for an environment that masks
  /// its actions), the most likely legal action. A recurrent policy acts from the
  /// GRU state its previous act() calls left: call reset_state() when an episode starts.
  template <class Observation>
  Action act(const Observation& observation, ActionMaskMap mask = no_action_masks()) {
    const auto& action = (*chooser_)(*actor_, observation, normalizer_ ? &*normalizer_ : nullptr, nullptr, mask);
    if constexpr (kDiscrete) {
      return action(0, 0);
    } else if constexpr (kMultiAction) {
      return action.col(0);
    } else {
      return box_action<Actor>(action, low_, high_);
    }
  }
  /// A recurrent policy's next act() starts from a zero state (a new episode); nothing for a feed-forward one.
  void reset_state() { chooser_->reset_state(); }

  [[nodiscard]] Index observation_dim() const { return run_.header.environment.observation_dim; }
  [[nodiscard]] const CheckpointEnvironment& environment() const { return run_.header.environment; }
  /// The algorithm that trained it (its kName).
  [[nodiscard]] const std::string& algorithm() const { return run_.header.algorithm; }
  [[nodiscard]] const RunConfig& config() const { return run_.config; }
  Actor& actor() { return *actor_; }
  [[nodiscard]] const Actor& actor() const { return *actor_; }
  /// The frozen normalizer, nullptr when the run did not normalize.
  [[nodiscard]] const VecNormalize* normalizer() const { return normalizer_ ? &*normalizer_ : nullptr; }

 private:
  InferencePolicy() = default;

  RunHeader run_;
  std::unique_ptr<Actor> actor_;
  std::optional<VecNormalize> normalizer_;
  Eigen::VectorXf low_, high_;
  std::optional<ActionChooser<Actor>> chooser_;
};

/// Calls f.template operator()<Actor>() with the float actor type a checkpoint's policy loads as
/// (InferencePolicy<Actor>): its recorded policy (squashed Gaussian, Beta), else its action kind's default.
template <class F>
decltype(auto) with_checkpoint_actor(const CheckpointHeader& header, F&& f) {
  const std::string kind = header.environment.action_kind();
  if (header.policy == "squashed_gaussian") return f.template operator()<SquashedGaussianActor<float>>();
  if (header.policy == "beta") return f.template operator()<BetaActor<float>>();
  if (kind == "multi_discrete") return f.template operator()<MultiCategoricalActor<float>>();
  if (kind == "multi_binary") return f.template operator()<BernoulliActor<float>>();
  if (kind == "discrete") return f.template operator()<CategoricalActor<float>>();
  return f.template operator()<GaussianActor<float>>();
}

}  // namespace ac
