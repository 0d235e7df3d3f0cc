#pragma once
// The one path from a raw observation to the action an environment receives,
// shared by evaluation, ac::Run::act and ac::InferencePolicy::act: the
// observation normalized with frozen statistics (when the run normalized), the
// policy's distribution at it, its mode (deterministic) or a draw from it
// (stochastic, with the caller's generator), and for continuous actions the
// result clipped to the action space, as Gymnasium's ClipAction wrapper and
// SB3's predict() do, because the Gaussian's support is unbounded (a squashed
// Gaussian's or a Beta's is mapped onto it instead: bounded_actions.hpp). For an
// environment that masks its actions, the distribution is over the state's
// legal actions: the mode and the draws are always legal. A recurrent policy
// acts from the GRU state it carried since the episode started (reset_state()).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/bounded_actions.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"

#include <Eigen/Core>

namespace ac {

/// How evaluation chooses actions: the distribution's mode, or samples from it.
enum class EvaluationMode { deterministic, stochastic };

/// Holds the workspaces of one observation's forward pass, so that acting in a
/// loop allocates nothing after the first call.
template <Policy P>
class ActionChooser {
 public:
  using Scalar = typename P::Scalar;
  using Actions = typename P::Actions;

  /// `caller` names the function in the message about a wrong-sized observation.
  explicit ActionChooser(const P& policy, const char* caller = "act")
      : caller_(caller), raw_(policy.observation_dim(), 1), input_(policy.observation_dim(), 1),
        action_(policy.action_rows(), 1) {}

  /// The action of `policy` at one raw observation (any vector expression of
  /// observation_dim values): the mode, or a draw from `sampler` when it is given.
  /// `normalizer` (optional) normalizes with its statistics as they are.
  /// `mask` (optional, `actions x 1`): the legal actions of the state.
  template <class Observation>
  const Actions& operator()(P& policy, const Observation& observation, const VecNormalize* normalizer,
                            Generator* sampler = nullptr, ActionMaskMap mask = no_action_masks()) {
    if (static_cast<Index>(observation.size()) != raw_.rows()) {
      throw_invalid_argument("{}: observation: expected {} values, got {}", caller_, raw_.rows(),
                             observation.size());
    }
    // Element by element: GCC 12 reports a vectorized copy from a fixed-size
    // 3-float observation as out of bounds (-Warray-bounds false positive).
    for (Index i = 0; i < raw_.rows(); ++i) raw_(i, 0) = static_cast<float>(observation(i));
    if (normalizer != nullptr) {
      normalizer->normalize_observations(raw_, input_);
    } else {
      input_ = raw_.template cast<Scalar>();
    }
    nn::Mlp<Scalar>& network = policy.network();
    if (network.recurrent()) {  // one step from the state carried since the episode started
      if (state_.rows() != network.gru().hidden()) state_.setZero(network.gru().hidden(), 1);
      network.use_sequences(no_start_, state_);
    }
    const auto& distribution = policy.distribution(input_, mask);
    if (network.recurrent()) state_ = network.gru_states();
    if (sampler != nullptr) {
      distribution.sample(*sampler, action_);
    } else {
      distribution.mode(action_);
    }
    return action_;
  }

  /// A recurrent policy starts its next action from a zero state: call it when an episode starts (evaluate()
  /// does). The chooser carries the policy's GRU state from one action to the next until then.
  void reset_state() { state_.setZero(); }
  /// The GRU state carried into the next action (`recurrent x 1`; empty for a feed-forward policy).
  [[nodiscard]] const Matrix<Scalar>& state() const { return state_; }

 private:
  const char* caller_;
  Matrix<float> raw_;
  Matrix<Scalar> input_;
  Actions action_;
  Matrix<Scalar> state_;                                    // a recurrent policy's GRU state
  nn::EpisodeStarts no_start_ = nn::EpisodeStarts::Zero(1);  // (the state is zeroed at starts instead)
};

/// A continuous action (one column of the policy's output) clipped to [low, high].
template <class Actions>
Eigen::VectorXf clip_action(const Actions& action, const Eigen::VectorXf& low, const Eigen::VectorXf& high) {
  return action.col(0).template cast<float>().cwiseMax(low).cwiseMin(high);
}

/// The Box action the environment receives for policy P's output (one column):
/// clipped to [low, high], or for a bounded policy (squashed Gaussian, Beta) mapped onto them.
template <Policy P, class Actions>
Eigen::VectorXf box_action(const Actions& action, const Eigen::VectorXf& low, const Eigen::VectorXf& high) {
  if constexpr (kBoundedActions<typename P::Distribution>) {
    return to_bounds<typename P::Distribution>(action.col(0), low, high);
  } else {
    return clip_action(action, low, high);
  }
}


}  // namespace ac
