#pragma once
// REINFORCE (Williams 1992): the Monte-Carlo policy gradient with reward-to-go,
//   ∇J ≈ (1/Σm) Σ_t m_t · (G_t − b) · ∇ log π(a_t|s_t),
// where each batch is one complete episode per env (m masks the steps after
// an env's first episode end) and b is 0, or the batch mean of G_t when
// `recenter` is set: the lecture's first fix for always-negative returns,
// which otherwise push down the probability of whatever was sampled.

#include "actorcritic/core/error.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/rollout/collector.hpp"

#include <cmath>
#include <optional>

namespace ac {

struct ReinforceConfig {
  double gamma = 0.99;
  bool recenter = true;               // subtract the batch mean of the returns
  double ent_coef = 0.0;
  double max_grad_norm = 10.0;        // a guard, not a tuning knob
  optim::AdamConfig optimizer{.learning_rate = 1e-2};

  void validate() const {
    if (!(gamma > 0.0 && gamma <= 1.0)) throw_invalid_argument("ReinforceConfig.gamma: expected a value in (0, 1], got {}", gamma);
    check_non_negative("ReinforceConfig.ent_coef", ent_coef);
    check_positive("ReinforceConfig.max_grad_norm", max_grad_norm);
    optimizer.validate();
  }
};

struct ReinforceDiagnostics {
  double policy_loss = 0.0;
  double mean_return = 0.0;  // of G_0 over the batch's episodes
  double entropy = 0.0;
  double grad_norm = 0.0;
  double baseline = 0.0;
};

template <RealScalar Scalar>
class Reinforce {
 public:
  Reinforce(CategoricalActor<Scalar>& actor, const ReinforceConfig& config = {})
      : actor_(actor), config_(config), optimizer_(actor.network().parameter_count(), config.optimizer) {
    config_.validate();
  }
  [[nodiscard]] const ReinforceConfig& config() const { return config_; }

  /// One batch of complete episodes from `env` (reset first), then one gradient step.
  /// Returns the diagnostics; `steps_taken` receives the environment steps used.
  template <envs::DiscreteEnv E>
  ReinforceDiagnostics iterate(VectorEnv<E>& env, Generator& rng, long& steps_taken) {
    const Index n = env.size(), horizon = env.env(0).max_episode_steps();
    if (!buffer_ || buffer_->envs() != n || buffer_->steps() != horizon) {
      buffer_.emplace(horizon, n, env.observation_dim());
      reserve(n, horizon);
    }
    env.reset();
    collect_rollout(env, actor_, static_cast<Critic<Scalar>*>(nullptr), rng, *buffer_);
    steps_taken = n * horizon;
    return update(*buffer_);
  }

  ReinforceDiagnostics update(const RolloutBuffer<Scalar>& buffer) {
    const Index n = buffer.envs(), steps = buffer.steps(), batch = buffer.size();
    reserve(n, steps);
    ReinforceDiagnostics diagnostics;
    // 1. Mask: the first episode of each env (the steps after its end belong to a cut-off episode).
    for (Index i = 0; i < n; ++i) {
      bool alive = true;
      for (Index t = 0; t < steps; ++t) {
        mask_(i, t) = alive ? Scalar(1) : Scalar(0);
        if (buffer.ended(i, t) != Scalar(0)) alive = false;
      }
    }
    // 2. Reward-to-go within each episode; no bootstrap (next_values are 0).
    kernels::discounted_returns(buffer.rewards, buffer.next_values, buffer.terminated, buffer.ended,
                                static_cast<Scalar>(config_.gamma), returns_);
    const double used = static_cast<double>(mask_.sum());
    diagnostics.mean_return = static_cast<double>(returns_.col(0).mean());
    if (config_.recenter) diagnostics.baseline = static_cast<double>((mask_.array() * returns_.array()).sum()) / used;
    weights_ = (mask_.array() * (returns_.array() - static_cast<Scalar>(diagnostics.baseline)));  // N x T
    // 3. Loss −Σ m (G − b) log π / Σ m, differentiated with respect to the logits.
    const ConstMatrixMap<Scalar> weight_row(weights_.data(), 1, batch);
    const ConstMatrixMap<Scalar> mask_row(mask_.data(), 1, batch);
    const auto& dist = actor_.distribution(buffer.observations);
    dist.log_prob(buffer.actions, log_probs_);
    dist.entropy(entropies_);
    diagnostics.policy_loss = -static_cast<double>((weight_row.array() * log_probs_.array()).sum()) / used;
    diagnostics.entropy = static_cast<double>((mask_row.array() * entropies_.array()).sum()) / used;
    scaled_ = weight_row * static_cast<Scalar>(-1.0 / used);
    dist.log_prob_gradient(buffer.actions, scaled_, grad_logits_);
    if (config_.ent_coef > 0.0) {
      scaled_ = mask_row * static_cast<Scalar>(-config_.ent_coef / used);
      dist.entropy_gradient(scaled_, entropy_grad_);
      grad_logits_ += entropy_grad_;
    }
    actor_.network().zero_gradients();
    actor_.backward_logits(grad_logits_);
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
    log_probs_.resize(1, n * steps);
    entropies_.resize(1, n * steps);
    scaled_.resize(1, n * steps);
    grad_logits_.resize(actor_.action_count(), n * steps);
    entropy_grad_.resize(actor_.action_count(), n * steps);
  }

  CategoricalActor<Scalar>& actor_;
  ReinforceConfig config_;
  optim::Adam<Scalar> optimizer_;
  std::optional<RolloutBuffer<Scalar>> buffer_;
  Matrix<Scalar> mask_, returns_, weights_, log_probs_, entropies_, scaled_, grad_logits_, entropy_grad_;
};

}  // namespace ac
