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
#include "actorcritic/algorithms/reinforce.hpp"
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

/// Complete episodes as REINFORCE's (detail::EpisodeLearner); data-parallel, each rank's envs hold whole groups.
template <Policy P>
class RLOO : public detail::EpisodeLearner<P, RlooConfig> {
  using Base = detail::EpisodeLearner<P, RlooConfig>;
  using Base::comm_, Base::config_, Base::mask_, Base::returns_, Base::weights_;

 public:
  using Scalar = typename Base::Scalar;
  static constexpr std::string_view kName = "rloo";
  /// The envs' groups of group_size() start their episodes from the same state.
  [[nodiscard]] Index group_size() const { return config_.group_size; }

  RLOO(P& actor, const RlooConfig& config = {}) : Base(actor, config) {}

  /// The estimate of ∇(−J) above into the actor's gradients(), without a step.
  UpdateDiagnostics gradient(const RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs();
    this->expect_whole_groups("RLOO::gradient", buffer);
    UpdateDiagnostics diagnostics;
    // R_i = returns_(i, 0): the discounted return of env i's episode from its start.
    this->episode_returns(buffer);
    if (advantages_.size() != n) advantages_.resize(n);
    kernels::leave_one_out_advantages(returns_.col(0), config_.group_size, advantages_);
    diagnostics.batch_return = static_cast<double>(returns_.col(0).mean());
    diagnostics.baseline = diagnostics.batch_return;  // the mean of the leave-one-out baselines
    weights_ = mask_.array().colwise() * advantages_.array();  // N x T: A_i on every step of episode i
    mean_across_ranks(comm_, double(n), {&diagnostics.batch_return, &diagnostics.baseline});
    // Loss −(1/N) Σ_i A_i Σ_t log π(a_t|s_t) − c_H Σ m H / Σ m.
    this->score_function_gradient(buffer, weights_, 1.0 / static_cast<double>(n), mask_, double(n), diagnostics);
    return diagnostics;
  }

  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer) {
    UpdateDiagnostics diagnostics = gradient(buffer);
    diagnostics.grad_norm = this->step();
    return diagnostics;
  }

 private:
  Vector<Scalar> advantages_;
};

template <Policy P>
RLOO(P&, const RlooConfig& = {}) -> RLOO<P>;

}  // namespace ac
