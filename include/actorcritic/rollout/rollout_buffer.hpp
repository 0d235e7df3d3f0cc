#pragma once
// T steps of N envs, preallocated once. Per-step quantities are `N x T`
// matrices (one step's N envs contiguous, what the kernels take).
// Observations are `obs_dim x (T·N)` and actions `action_rows x (T·N)`, sample
// t·N + n, so a `1 x (T·N)` row of per-sample values has exactly the memory
// layout of an `N x T` matrix, and the two can be viewed as each other with an
// Eigen::Map. Actions are kept as sampled: for a Gaussian policy, before the
// clipping to the action space that the environment receives, so that their
// log-probabilities stay those of the behavior distribution. For an
// environment that masks its actions, `masks` holds each sample's legal
// actions (`actions x (T·N)`), so that an update recomputes the log-probabilities
// of the distribution the actions were sampled from; otherwise it is empty.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"

namespace ac {

/// `Actions` is ActionIndices (discrete) or Matrix<Scalar> (continuous).
template <RealScalar Scalar, class Actions = ActionIndices>
class RolloutBuffer {
 public:
  /// `mask_rows`: the number of actions when the environment masks them, else 0.
  RolloutBuffer(Index steps, Index envs, Index observation_dim, Index action_rows = 1, Index mask_rows = 0)
      : steps_(steps), envs_(envs) {
    check_positive("RolloutBuffer: steps", steps);
    check_non_negative("RolloutBuffer: mask_rows", mask_rows);
    check_positive("RolloutBuffer: envs", envs);
    check_positive("RolloutBuffer: observation_dim", observation_dim);
    check_positive("RolloutBuffer: action_rows", action_rows);
    if (Actions::RowsAtCompileTime != Eigen::Dynamic && action_rows != Actions::RowsAtCompileTime) {
      throw_invalid_argument("RolloutBuffer: action_rows: expected {} for this action type, got {}",
                             Index{Actions::RowsAtCompileTime}, action_rows);
    }
    observations.resize(observation_dim, steps * envs);
    next_observations.resize(observation_dim, steps * envs);
    actions.resize(action_rows, steps * envs);
    if (mask_rows > 0) masks.setConstant(mask_rows, steps * envs, true);
    for (Matrix<Scalar>* m : {&rewards, &values, &log_probs, &terminated, &truncated, &ended, &next_values}) {
      m->setZero(envs, steps);
    }
  }

  [[nodiscard]] Index steps() const { return steps_; }
  [[nodiscard]] Index envs() const { return envs_; }
  [[nodiscard]] Index size() const { return steps_ * envs_; }

  /// Every field, for checkpoints (the shapes are the constructor's).
  template <class Archive>
  void serialize(Archive& a) {
    a.field("observations", observations);
    a.field("next_observations", next_observations);
    a.field("actions", actions);
    a.field("rewards", rewards);
    a.field("values", values);
    a.field("log_probs", log_probs);
    a.field("terminated", terminated);
    a.field("truncated", truncated);
    a.field("ended", ended);
    a.field("next_values", next_values);
    // A recurrent network's states (rollout/recurrent_states.hpp): written only when there are some, so that
    // feed-forward runs keep their bytes; a reader takes the stored shapes.
    const archive::Check per_sample{[this](const auto& m) { return m.cols() == size(); }, "one column per sample"};
    archive::optional_field(a, "actor_states", actor_states.size() != 0, actor_states, per_sample);
    archive::optional_field(a, "critic_states", critic_states.size() != 0, critic_states, per_sample);
    if (masks.size() != 0) {  // a masking environment's buffer (the reader's is shaped the same)
      Eigen::Array<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic> flags = masks.template cast<std::uint8_t>();
      a.field("masks", flags, archive::Check{[](const auto& f) { return (f <= 1).all(); }, "flags of 0 or 1"});
      if constexpr (Archive::loading) masks = flags != 0;
    }
  }

  /// The N observations of step t, `obs_dim x N`.
  auto observations_at(Index t) { return observations.middleCols(t * envs_, envs_); }
  auto next_observations_at(Index t) { return next_observations.middleCols(t * envs_, envs_); }
  auto actions_at(Index t) { return actions.middleCols(t * envs_, envs_); }
  auto masks_at(Index t) { return masks.middleCols(t * envs_, envs_); }
  /// Every sample's masks, or no_action_masks() when the environment does not mask.
  [[nodiscard]] ActionMaskMap action_masks() const { return mask_columns(masks, 0, masks.cols()); }

  Matrix<Scalar> observations;       // obs_dim x (T·N)
  Matrix<Scalar> next_observations;  // s_{t+1}, or the final observation where the episode ended
  Actions actions;                   // action_rows x (T·N), as sampled
  ActionMasks masks;                 // actions x (T·N) for a masking environment, else 0 x 0
  // N x T. log_probs are the behavior policy's, as sampled (what off-policy updates weight against).
  Matrix<Scalar> rewards, values, log_probs, terminated, truncated, ended, next_values;
  // A recurrent policy's (critic's) GRU state carried into each step, `R x (T·N)` (zero where an episode starts
  // there); 0 x 0 for a feed-forward network (the collector shapes them: rollout/recurrent_states.hpp).
  Matrix<Scalar> actor_states, critic_states;

 private:
  Index steps_, envs_;
};

/// The buffer a policy's rollouts go into.
template <class Policy>
using RolloutBufferFor = RolloutBuffer<typename Policy::Scalar, typename Policy::Actions>;

/// `mask` (N x T) is 1 on the steps of each env's first episode in the rollout and 0 after it ends (steps
/// of an episode the rollout cut off): the mask of the learners on complete episodes (REINFORCE, RLOO).
template <RealScalar S, class A>
void first_episode_mask(const RolloutBuffer<S, A>& buffer, Matrix<S>& mask) {
  check_shape("first_episode_mask: mask", mask.rows(), mask.cols(), buffer.envs(), buffer.steps());
  for (Index i = 0; i < buffer.envs(); ++i) {
    bool alive = true;
    for (Index t = 0; t < buffer.steps(); ++t) {
      mask(i, t) = alive ? S(1) : S(0);
      if (buffer.ended(i, t) != S(0)) alive = false;
    }
  }
}

/// A buffer shaped for `steps` steps of `env` under `policy`.
template <class Policy, class VecEnv>
RolloutBufferFor<Policy> make_rollout_buffer(Index steps, const VecEnv& env, const Policy& policy) {
  Index mask_rows = 0;
  if constexpr (VecEnv::kMasked) mask_rows = env.action_count();
  return RolloutBufferFor<Policy>(steps, env.size(), env.observation_dim(), policy.action_rows(), mask_rows);
}

}  // namespace ac
