#pragma once
// Return and advantage estimators over a rollout of T steps of N envs, stored
// `N x T` (one step's N envs contiguous, so each backward recursion runs one
// SIMD column at a time). Every estimator separates
//   terminated — the MDP ended: nothing is bootstrapped past it, and
//   ended = terminated or truncated — the episode stopped here: nothing is
//     carried back across it, but a truncated step bootstraps from
//     next_values, the value of its final observation.
// next_values(n, t) is V(s_{t+1}) for env n: the value of the next observation,
// of the final observation where the episode was truncated at t, and the
// bootstrap value at the end of the rollout (t = T-1). Masks are 0/1 matrices
// of the same scalar type. No allocation; outputs may not alias inputs unless
// noted.

#include "actorcritic/kernels/common.hpp"

#include <algorithm>
#include <cmath>

namespace ac::kernels {

/// TD residuals δ_t = r_t + γ(1 − terminated_t)·V(s_{t+1}) − V(s_t) (Sutton & Barto eq. 6.5).
template <class R, class V, class NV, class Term, class Out>
void td_residuals(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<V>& values,
                  const Eigen::MatrixBase<NV>& next_values, const Eigen::MatrixBase<Term>& terminated,
                  typename R::Scalar gamma, const Eigen::MatrixBase<Out>& deltas_out) {
  constexpr std::string_view k = "td_residuals";
  const Index n = rewards.rows(), t = rewards.cols();
  expect_shape(k, "values", values, n, t);
  expect_shape(k, "next_values", next_values, n, t);
  expect_shape(k, "terminated", terminated, n, t);
  expect_shape(k, "deltas", deltas_out, n, t);
  using S = typename R::Scalar;
  writable(deltas_out).array() =
      rewards.array() + gamma * (S(1) - terminated.array()) * next_values.array() - values.array();
}

/// GAE(λ) (Schulman et al. 2016, eq. 16) with the bootstrap rules above:
///   δ_t = r_t + γ(1 − terminated_t)·next_values_t − values_t
///   A_t = δ_t + γλ(1 − ended_t)·A_{t+1},  A_T = 0.
/// λ = 1 gives Monte-Carlo advantages, λ = 0 the one-step TD error.
template <class R, class V, class NV, class Term, class End, class Out>
void gae(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<V>& values,
         const Eigen::MatrixBase<NV>& next_values, const Eigen::MatrixBase<Term>& terminated,
         const Eigen::MatrixBase<End>& ended, typename R::Scalar gamma, typename R::Scalar lambda,
         const Eigen::MatrixBase<Out>& advantages_out) {
  constexpr std::string_view k = "gae";
  const Index n = rewards.rows(), steps = rewards.cols();
  expect_shape(k, "values", values, n, steps);
  expect_shape(k, "next_values", next_values, n, steps);
  expect_shape(k, "terminated", terminated, n, steps);
  expect_shape(k, "ended", ended, n, steps);
  expect_shape(k, "advantages", advantages_out, n, steps);
  using S = typename R::Scalar;
  auto& advantages = writable(advantages_out);
  const S gl = gamma * lambda;
  for (Index t = steps; t-- > 0;) {
    auto delta = rewards.col(t).array() + gamma * (S(1) - terminated.col(t).array()) * next_values.col(t).array() -
                 values.col(t).array();
    if (t + 1 == steps) {
      advantages.col(t) = delta.matrix();
    } else {
      advantages.col(t).array() = delta + gl * (S(1) - ended.col(t).array()) * advantages.col(t + 1).array();
    }
  }
}

/// Discounted returns with the same bootstrap rules (REINFORCE's reward-to-go
/// when next_values is zero; GAE with λ = 1 plus values otherwise):
///   G_t = r_t + γ(1 − terminated_t)·(ended_t or t = T−1 ? next_values_t : G_{t+1}).
template <class R, class NV, class Term, class End, class Out>
void discounted_returns(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<NV>& next_values,
                        const Eigen::MatrixBase<Term>& terminated, const Eigen::MatrixBase<End>& ended,
                        typename R::Scalar gamma, const Eigen::MatrixBase<Out>& returns_out) {
  constexpr std::string_view k = "discounted_returns";
  const Index n = rewards.rows(), steps = rewards.cols();
  expect_shape(k, "next_values", next_values, n, steps);
  expect_shape(k, "terminated", terminated, n, steps);
  expect_shape(k, "ended", ended, n, steps);
  expect_shape(k, "returns", returns_out, n, steps);
  using S = typename R::Scalar;
  auto& returns = writable(returns_out);
  for (Index t = steps; t-- > 0;) {
    const auto keep = S(1) - terminated.col(t).array();
    if (t + 1 == steps) {
      returns.col(t).array() = rewards.col(t).array() + gamma * keep * next_values.col(t).array();
    } else {
      const auto cut = ended.col(t).array();
      returns.col(t).array() =
          rewards.col(t).array() +
          gamma * keep * (cut * next_values.col(t).array() + (S(1) - cut) * returns.col(t + 1).array());
    }
  }
}

/// n-step returns G_t^(n) = Σ_{k<m} γ^k r_{t+k} + γ^m (1 − terminated)·next_values_{t+m−1},
/// where m ≤ n stops early at the end of the episode or of the rollout
/// (Sutton & Barto eq. 7.1). n = 1 gives r + γV(s'); n ≥ T gives discounted_returns.
template <class R, class NV, class Term, class End, class Out>
void n_step_returns(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<NV>& next_values,
                    const Eigen::MatrixBase<Term>& terminated, const Eigen::MatrixBase<End>& ended,
                    typename R::Scalar gamma, Index n_steps, const Eigen::MatrixBase<Out>& returns_out) {
  constexpr std::string_view k = "n_step_returns";
  const Index n = rewards.rows(), steps = rewards.cols();
  check_positive("n_step_returns: n_steps", n_steps);
  expect_shape(k, "next_values", next_values, n, steps);
  expect_shape(k, "terminated", terminated, n, steps);
  expect_shape(k, "ended", ended, n, steps);
  expect_shape(k, "returns", returns_out, n, steps);
  using S = typename R::Scalar;
  auto& returns = writable(returns_out);
  // Per env, forward from each t until n steps, the episode's end or the rollout's end.
  for (Index e = 0; e < n; ++e) {
    for (Index t = 0; t < steps; ++t) {
      S total = 0, discount = 1;
      Index u = t;
      for (;; ++u) {
        total += discount * rewards(e, u);
        discount *= gamma;
        if (ended(e, u) != S(0) || u + 1 == steps || u + 1 == t + n_steps) break;
      }
      returns(e, t) = total + discount * (S(1) - terminated(e, u)) * next_values(e, u);
    }
  }
}

}  // namespace ac::kernels
