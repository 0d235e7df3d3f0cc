#pragma once
// T steps of N envs, preallocated once. Per-step quantities are `N x T`
// matrices (one step's N envs contiguous, what the kernels take).
// Observations are `obs_dim x (T·N)` and actions `action_rows x (T·N)`, sample
// t·N + n, so a `1 x (T·N)` row of per-sample values has exactly the memory
// layout of an `N x T` matrix, and the two can be viewed as each other with an
// Eigen::Map. Actions are kept as sampled: for a Gaussian policy, before the
// clipping to the action space that the environment receives, so that their
// log-probabilities stay those of the behavior distribution.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"

namespace ac {

/// `Actions` is ActionIndices (discrete) or Matrix<Scalar> (continuous).
template <RealScalar Scalar, class Actions = ActionIndices>
class RolloutBuffer {
 public:
  RolloutBuffer(Index steps, Index envs, Index observation_dim, Index action_rows = 1) : steps_(steps), envs_(envs) {
    check_positive("RolloutBuffer: steps", steps);
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
  }

  /// The N observations of step t, `obs_dim x N`.
  auto observations_at(Index t) { return observations.middleCols(t * envs_, envs_); }
  auto next_observations_at(Index t) { return next_observations.middleCols(t * envs_, envs_); }
  auto actions_at(Index t) { return actions.middleCols(t * envs_, envs_); }

  Matrix<Scalar> observations;       // obs_dim x (T·N)
  Matrix<Scalar> next_observations;  // s_{t+1}, or the final observation where the episode ended
  Actions actions;                   // action_rows x (T·N), as sampled
  // N x T. log_probs are the behavior policy's, as sampled (what off-policy updates weight against).
  Matrix<Scalar> rewards, values, log_probs, terminated, truncated, ended, next_values;

 private:
  Index steps_, envs_;
};

/// The buffer a policy's rollouts go into.
template <class Policy>
using RolloutBufferFor = RolloutBuffer<typename Policy::Scalar, typename Policy::Actions>;

/// A buffer shaped for `steps` steps of `env` under `policy`.
template <class Policy, class VecEnv>
RolloutBufferFor<Policy> make_rollout_buffer(Index steps, const VecEnv& env, const Policy& policy) {
  return RolloutBufferFor<Policy>(steps, env.size(), env.observation_dim(), policy.action_rows());
}

}  // namespace ac
