#pragma once
// Estimators: what multiplies ∇ log π in an actor-critic update, and what the
// critic regresses on. Each fills two N x T matrices from a rollout:
//   weights — the per-sample factor of the score function,
//   targets — the critic's regression target.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

namespace ac {

/// GAE(λ) advantages (Schulman et al. 2016); targets are A + V. λ = 1 is the
/// advantage of the discounted return over the rollout (A2C's default).
struct GaeEstimator {
  double lambda = 1.0;  // SB3 A2C gae_lambda
  template <class Archive>
  void serialize(Archive& a) {
    a.field("lambda", lambda);
  }
  void validate() const { check_in_closed_range("GaeEstimator.lambda", lambda, 0.0, 1.0); }
  template <RealScalar S, class A>
  void estimate(const RolloutBuffer<S, A>& b, double gamma, Matrix<S>& weights, Matrix<S>& targets) const {
    kernels::gae(b.rewards, b.values, b.next_values, b.terminated, b.ended, static_cast<S>(gamma),
                 static_cast<S>(lambda), weights);
    targets = weights + b.values;
  }
};

/// n-step advantages G^(n) − V (Mnih et al. 2016); targets are G^(n).
struct NStepEstimator {
  Index n = 5;
  template <class Archive>
  void serialize(Archive& a) {
    a.field("n", n);
  }
  void validate() const { check_positive("NStepEstimator.n", n); }
  template <RealScalar S, class A>
  void estimate(const RolloutBuffer<S, A>& b, double gamma, Matrix<S>& weights, Matrix<S>& targets) const {
    kernels::n_step_returns(b.rewards, b.next_values, b.terminated, b.ended, static_cast<S>(gamma), n, targets);
    weights = targets - b.values;
  }
};

/// The value policy gradient's estimate of the return of the action taken,
/// Q̂(s, a) = r + γ(1 − d)V(s′), used as-is (no baseline), and as the critic's
/// TD target. V(s₀) alone would not do: it does not depend on a₀, so
/// V(s₀)·∇log π(a₀|s₀) has zero expectation (tests/algorithms/test_a2c.cpp).
struct TdTargetEstimator {
  template <class Archive>
  void serialize(Archive&) {}  // no hyperparameters
  void validate() const {}
  template <RealScalar S, class A>
  void estimate(const RolloutBuffer<S, A>& b, double gamma, Matrix<S>& weights, Matrix<S>& targets) const {
    kernels::td_residuals(b.rewards, b.values, b.next_values, b.terminated, static_cast<S>(gamma), targets);
    targets += b.values;  // r + γ(1 − d)V(s′)
    weights = targets;
  }
};

}  // namespace ac
