#pragma once
// REINFORCE (Williams 1992): the Monte-Carlo policy gradient with reward-to-go,
//   ∇J ≈ (1/Σm) Σ_t m_t · (G_t − b) · ∇ log π(a_t|s_t),
// where each batch is one complete episode per env (m masks the steps after
// an env's first episode end) and b is 0, or the batch mean of G_t when
// `recenter` is set: the lecture's first fix for always-negative returns,
// which otherwise push down the probability of whatever was sampled.

#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <cmath>
#include <string_view>
#include <vector>

namespace ac {

struct ReinforceConfig {
  double gamma = 0.99;
  bool recenter = true;               // subtract the batch mean of the returns
  double ent_coef = 0.0;
  double max_grad_norm = 10.0;        // a guard, not a tuning knob
  optim::AdamConfig optimizer{.learning_rate = 1e-2};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("gamma", gamma);
    a.field("recenter", recenter);
    a.field("ent_coef", ent_coef);
    a.field("max_grad_norm", max_grad_norm);
    a.field("optimizer", optimizer);
  }

  void validate() const {
    check_discount("ReinforceConfig.gamma", gamma);
    check_non_negative("ReinforceConfig.ent_coef", ent_coef);
    check_positive("ReinforceConfig.max_grad_norm", max_grad_norm);
    optimizer.validate();
  }
};

namespace detail {

/// What the learners on complete episodes without a critic share (REINFORCE, RLOO): the actor, the
/// settings (gamma, ent_coef, max_grad_norm, an Adam optimizer), the score-function objective, the
/// ranks, and the step: clip the gradient's norm (a guard), then Adam.
template <Policy P, class Config>
class EpisodeLearner {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Settings = Config;
  /// Each batch is one complete episode per env: the training loop resets the
  /// envs and collects up to the episode limit (no critic).
  static constexpr bool kCompleteEpisodes = true;

  EpisodeLearner(P& actor, const Config& config)
      : actor_(actor), config_(config), optimizer_(actor.network().parameter_count(), config.optimizer) {
    config_.validate();
  }
  [[nodiscard]] const Config& config() const { return config_; }
  [[nodiscard]] const Config& settings() const { return config_; }
  /// The learner's state beyond the networks' parameters (optimizer moments), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("optimizer", optimizer_);
  }
  P& actor() { return actor_; }
  /// Data-parallel over `comm`'s ranks: every statistic and the gradient are the global batch's.
  void set_communicator(CommunicatorRef comm) { comm_ = comm; }

 protected:
  /// The batch's episodes: mask_ (first_episode_mask) and returns_, each step's discounted reward-to-go within
  /// its episode (no bootstrap: next_values are 0); the workspaces only grow.
  void episode_returns(const RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs(), steps = buffer.steps();
    if (mask_.rows() != n || mask_.cols() != steps) {
      mask_.resize(n, steps);
      returns_.resize(n, steps);
      weights_.resize(n, steps);
    }
    first_episode_mask(buffer, mask_);
    kernels::discounted_returns(buffer.rewards, buffer.next_values, buffer.terminated, buffer.ended,
                                static_cast<Scalar>(config_.gamma), returns_);
  }

  /// The gradient of the loss −scale Σ w log π(a|s) − c_H Σ m H / Σ m over the rollout (w and m `N x T`) into the
  /// actor's gradients(), averaged over the ranks with `samples` as this rank's share; the loss and the entropy
  /// into `d`.
  void score_function_gradient(const RolloutBufferFor<P>& buffer, const Matrix<Scalar>& weights, double scale,
                               const Matrix<Scalar>& mask, double samples, UpdateDiagnostics& d) {
    const Index batch = buffer.size();
    const ConstMatrixMap<Scalar> weight_row(weights.data(), 1, batch);
    const ConstMatrixRef<Scalar> mask_row = ConstMatrixMap<Scalar>(mask.data(), 1, batch);
    use_rollout_sequences(actor_, nullptr, buffer, starts_);  // a recurrent policy: the episodes as sequences
    objective_.begin(actor_.distribution(buffer.observations, buffer.action_masks()), buffer.actions);
    d.policy_loss = objective_.score_function(weight_row, scale);
    objective_.entropy_bonus(config_.ent_coef, 1.0 / static_cast<double>(mask.sum()), &mask_row);
    d.entropy = objective_.entropy();
    actor_.network().zero_gradients();
    actor_.backward(objective_.gradient());
    average_gradients(comm_, actor_.network().gradients(), samples, workspace_);
    mean_across_ranks(comm_, samples, {&d.policy_loss, &d.entropy});
  }

  /// The group baselines (RLOO, GRPO; their Config has group_size): throws unless the buffer's envs form
  /// whole groups. `caller` names the function.
  void expect_whole_groups(std::string_view caller, const RolloutBufferFor<P>& buffer) const {
    if (buffer.envs() % config_.group_size != 0) {
      throw_invalid_argument("{}: buffer: expected whole groups of {} envs, got {} envs", caller, config_.group_size,
                             buffer.envs());
    }
  }

  /// Clips the gradient in the actor's gradients() to max_grad_norm and takes the Adam step;
  /// returns the norm before clipping.
  double step() {
    const double norm = optim::clip_gradient_norm<Scalar>(actor_.network().gradients(), config_.max_grad_norm);
    optimizer_.step(actor_.network().parameters(), actor_.network().gradients());
    return norm;
  }

  P& actor_;
  Config config_;
  Matrix<Scalar> mask_, returns_, weights_;  // N x T: first-episode mask, reward-to-go, score-function weights
  optim::Adam<Scalar> optimizer_;
  PolicyObjective<P> objective_;
  nn::EpisodeStarts starts_;
  CommunicatorRef comm_;
  std::vector<Scalar> workspace_;
};

}  // namespace detail

template <Policy P>
class Reinforce : public detail::EpisodeLearner<P, ReinforceConfig> {
  using Base = detail::EpisodeLearner<P, ReinforceConfig>;
  using Base::comm_, Base::config_, Base::mask_, Base::returns_, Base::weights_;

 public:
  using Scalar = typename Base::Scalar;
  static constexpr std::string_view kName = "reinforce";

  Reinforce(P& actor, const ReinforceConfig& config = {}) : Base(actor, config) {}

  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs();
    UpdateDiagnostics diagnostics;
    // 1–2. The first episode of each env (the steps after its end belong to a cut-off episode), its reward-to-go.
    this->episode_returns(buffer);
    const double used = static_cast<double>(mask_.sum());
    diagnostics.batch_return = static_cast<double>(returns_.col(0).mean());
    double baseline = config_.recenter ? static_cast<double>((mask_.array() * returns_.array()).sum()) / used : 0.0;
    // Data-parallel: the mean first-step return over every rank's envs, and the
    // baseline over every rank's episodes (the global batch's, as one process has it).
    mean_across_ranks(comm_, double(n), {&diagnostics.batch_return});
    mean_across_ranks(comm_, used, {&baseline});
    diagnostics.baseline = baseline;
    weights_ = (mask_.array() * (returns_.array() - static_cast<Scalar>(baseline)));  // N x T
    // 3. Loss −Σ m (G − b) log π / Σ m − c_H Σ m H / Σ m (the same score-function term as A2C's).
    this->score_function_gradient(buffer, weights_, 1.0 / used, mask_, used, diagnostics);
    diagnostics.grad_norm = this->step();
    return diagnostics;
  }
};

template <Policy P>
Reinforce(P&, const ReinforceConfig& = {}) -> Reinforce<P>;

}  // namespace ac
