#pragma once
// RLOO, REINFORCE with the leave-one-out baseline (Kool, van Hoof & Welling
// 2019, "Buy 4 REINFORCE Samples, Get a Baseline for Free!"; Ahmadian et al.
// 2024, "Back to Basics: Revisiting REINFORCE Style Optimization for Learning
// from Human Feedback in LLMs"). The N envs form N/k groups of k; each batch
// is one complete episode per env, and the k episodes of a group start from
// the same state (VectorEnv::share_start_states). With R_i = Σ_t γ^t r_t the
// discounted return of episode i and A_i = R_i − (1/(k−1)) Σ_{j≠i} R_j
// (kernels/group_advantages.hpp),
//   ∇J ≈ (1/N) Σ_i A_i Σ_t ∇log π(a_t^i | s_t^i),
// an unbiased estimate of the gradient of E[R] from the groups' start states:
// the baseline of episode i is computed from the other episodes only, which
// are independent of it given the start. No critic. Unlike REINFORCE's
// reward-to-go, every step of an episode is weighted by the whole episode's
// return, as the estimator is defined on whole trajectories.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/group_advantages.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <string_view>
#include <vector>

namespace ac {

struct RlooConfig {
  double gamma = 0.99;
  /// k: the episodes drawn from each start state; the envs must be a multiple of it.
  Index group_size = 4;
  double ent_coef = 0.0;
  double max_grad_norm = 10.0;  // a guard, not a tuning knob
  optim::AdamConfig optimizer{.learning_rate = 1e-2};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("gamma", gamma);
    a.field("group_size", group_size, archive::at_least(2));
    a.field("ent_coef", ent_coef);
    a.field("max_grad_norm", max_grad_norm);
    a.field("optimizer", optimizer);
  }

  void validate() const {
    check_discount("RlooConfig.gamma", gamma);
    if (group_size < 2) {
      throw_invalid_argument("RlooConfig.group_size: expected at least 2 episodes a start state, got {}",
                             group_size);
    }
    check_non_negative("RlooConfig.ent_coef", ent_coef);
    check_positive("RlooConfig.max_grad_norm", max_grad_norm);
    optimizer.validate();
  }
};

template <Policy P>
class RLOO {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Settings = RlooConfig;
  static constexpr std::string_view kName = "rloo";
  /// Each batch is one complete episode per env (the training loop resets the envs) ...
  static constexpr bool kCompleteEpisodes = true;
  /// ... and the envs' groups of group_size() start from the same state.
  [[nodiscard]] Index group_size() const { return config_.group_size; }

  RLOO(P& actor, const RlooConfig& config = {})
      : actor_(actor), config_(config), optimizer_(actor.network().parameter_count(), config.optimizer) {
    config_.validate();
  }
  [[nodiscard]] const RlooConfig& config() const { return config_; }
  [[nodiscard]] const RlooConfig& settings() const { return config_; }
  /// The learner's state beyond the networks' parameters (optimizer moments), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("optimizer", optimizer_);
  }
  P& actor() { return actor_; }
  /// Data-parallel over `comm`'s ranks: each rank's envs hold whole groups; the gradient is the
  /// mean over every rank's episodes (one allreduce).
  void set_communicator(CommunicatorRef comm) { comm_ = comm; }

  /// The estimate of ∇(−J) above into the actor's gradients(), without a step.
  UpdateDiagnostics gradient(const RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs(), steps = buffer.steps(), batch = buffer.size();
    if (n % config_.group_size != 0) {
      throw_invalid_argument("RLOO::update: buffer: expected whole groups of {} envs, got {} envs",
                             config_.group_size, n);
    }
    reserve(n, steps);
    UpdateDiagnostics diagnostics;
    first_episode_mask(buffer, mask_);
    // R_i: the discounted return of env i's episode from its start (no bootstrap: next_values are 0).
    kernels::discounted_returns(buffer.rewards, buffer.next_values, buffer.terminated, buffer.ended,
                                static_cast<Scalar>(config_.gamma), returns_);
    episode_returns_ = returns_.col(0);
    kernels::leave_one_out_advantages(episode_returns_, config_.group_size, advantages_);
    diagnostics.batch_return = static_cast<double>(episode_returns_.mean());
    diagnostics.baseline = diagnostics.batch_return;  // the mean of the leave-one-out baselines
    const double used = static_cast<double>(mask_.sum());
    weights_ = mask_.array().colwise() * advantages_.array();  // N x T: A_i on every step of episode i
    mean_across_ranks(comm_, double(n), {&diagnostics.batch_return, &diagnostics.baseline});
    // Loss −(1/N) Σ_i A_i Σ_t log π(a_t|s_t) − c_H Σ m H / Σ m.
    const ConstMatrixMap<Scalar> weight_row(weights_.data(), 1, batch);
    const ConstMatrixRef<Scalar> mask_row = ConstMatrixMap<Scalar>(mask_.data(), 1, batch);
    use_rollout_sequences(actor_, nullptr, buffer, starts_);  // a recurrent policy: the episodes as sequences
    objective_.begin(actor_.distribution(buffer.observations, buffer.action_masks()), buffer.actions);
    diagnostics.policy_loss = objective_.score_function(weight_row, 1.0 / static_cast<double>(n));
    objective_.entropy_bonus(config_.ent_coef, 1.0 / used, &mask_row);
    diagnostics.entropy = objective_.entropy();
    actor_.network().zero_gradients();
    actor_.backward(objective_.gradient());
    average_gradients(comm_, actor_.network().gradients(), double(n), workspace_);
    mean_across_ranks(comm_, double(n), {&diagnostics.policy_loss, &diagnostics.entropy});
    return diagnostics;
  }

  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer) {
    UpdateDiagnostics diagnostics = gradient(buffer);
    diagnostics.grad_norm = optim::clip_gradient_norm<Scalar>(actor_.network().gradients(), config_.max_grad_norm);
    optimizer_.step(actor_.network().parameters(), actor_.network().gradients());
    return diagnostics;
  }

 private:
  void reserve(Index n, Index steps) {
    if (mask_.rows() == n && mask_.cols() == steps) return;
    mask_.resize(n, steps);
    returns_.resize(n, steps);
    weights_.resize(n, steps);
    episode_returns_.resize(n);
    advantages_.resize(n);
  }

  P& actor_;
  RlooConfig config_;
  optim::Adam<Scalar> optimizer_;
  PolicyObjective<P> objective_;
  Matrix<Scalar> mask_, returns_, weights_;
  Vector<Scalar> episode_returns_, advantages_;
  nn::EpisodeStarts starts_;
  CommunicatorRef comm_;
  std::vector<Scalar> workspace_;
};

template <Policy P>
RLOO(P&, const RlooConfig& = {}) -> RLOO<P>;

}  // namespace ac
