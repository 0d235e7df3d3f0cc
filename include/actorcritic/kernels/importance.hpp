#pragma once
// Importance weights for off-policy policy gradients over `N x T` rollouts:
// ratios π_θ(a|s)/π_β(a|s) from log-probabilities, per-decision products
// along trajectories kept in log space (a product of 10,000 ratios neither
// overflows nor underflows there), truncation min(c̄, ρ), and V-trace targets
// (Espeholt et al. 2018, IMPALA, eq. 1 and §4.2).

#include "actorcritic/kernels/common.hpp"

#include <cmath>

namespace ac::kernels {

/// log ρ = log π_θ − log π_β, and ρ = exp(log ρ).
template <class New, class Old, class Out>
void importance_ratios(const Eigen::MatrixBase<New>& log_prob_new, const Eigen::MatrixBase<Old>& log_prob_old,
                       const Eigen::MatrixBase<Out>& ratios_) {
  expect_shape("importance_ratios", "log_prob_old", log_prob_old, log_prob_new.rows(), log_prob_new.cols());
  expect_shape("importance_ratios", "ratios", ratios_, log_prob_new.rows(), log_prob_new.cols());
  writable(ratios_).array() = (log_prob_new.array() - log_prob_old.array()).exp();
}

/// Per-decision log products along each env's trajectory, restarting after
/// every episode end: L_t = log ρ_t + (ended_{t−1} ? 0 : L_{t−1}), L_0 = log ρ_0
/// (Precup et al. 2000). exp(L_t) weights the reward at t. `out` may alias `log_ratios`.
template <class LR, class End, class Out>
void cumulative_log_ratios(const Eigen::MatrixBase<LR>& log_ratios, const Eigen::MatrixBase<End>& ended,
                           const Eigen::MatrixBase<Out>& out_) {
  const Index n = log_ratios.rows(), steps = log_ratios.cols();
  expect_shape("cumulative_log_ratios", "ended", ended, n, steps);
  expect_shape("cumulative_log_ratios", "out", out_, n, steps);
  using S = typename LR::Scalar;
  auto& out = writable(out_);
  for (Index t = 0; t < steps; ++t) {
    if (t == 0) {
      out.col(0) = log_ratios.col(0);
    } else {
      out.col(t).array() = log_ratios.col(t).array() + (S(1) - ended.col(t - 1).array()) * out.col(t - 1).array();
    }
  }
}

/// min(c̄, exp(log ρ)), computed as exp(min(log c̄, log ρ)) so it never overflows.
template <class LR, class Out>
void truncated_ratios(const Eigen::MatrixBase<LR>& log_ratios, typename LR::Scalar c_bar,
                      const Eigen::MatrixBase<Out>& out_) {
  check_positive("truncated_ratios: c_bar", c_bar);
  expect_shape("truncated_ratios", "out", out_, log_ratios.rows(), log_ratios.cols());
  writable(out_).array() = log_ratios.array().min(std::log(c_bar)).exp();
}

/// V-trace targets v_s and policy-gradient advantages, with ρ_t = min(ρ̄, ρ), c_t = min(c̄, ρ):
///   δ_t = ρ_t (r_t + γ(1 − terminated_t)·next_values_t − values_t)
///   v_t − values_t = δ_t + γ c_t (1 − ended_t)(v_{t+1} − values_{t+1})
///   A_t = ρ_t (r_t + γ(1 − terminated_t)·v'_{t+1} − values_t),
/// where v'_{t+1} is v_{t+1} inside an episode and next_values_t at its end or the rollout's.
template <class LR, class R, class V, class NV, class Term, class End, class VS, class PG>
void vtrace(const Eigen::MatrixBase<LR>& log_ratios, const Eigen::MatrixBase<R>& rewards,
            const Eigen::MatrixBase<V>& values, const Eigen::MatrixBase<NV>& next_values,
            const Eigen::MatrixBase<Term>& terminated, const Eigen::MatrixBase<End>& ended,
            typename R::Scalar gamma, typename R::Scalar rho_bar, typename R::Scalar c_bar,
            const Eigen::MatrixBase<VS>& vs_, const Eigen::MatrixBase<PG>& pg_advantages_) {
  constexpr std::string_view k = "vtrace";
  const Index n = rewards.rows(), steps = rewards.cols();
  check_positive("vtrace: rho_bar", rho_bar);
  check_positive("vtrace: c_bar", c_bar);
  expect_shapes(k, n, steps, "log_ratios", log_ratios, "values", values, "next_values", next_values,
                "terminated", terminated, "ended", ended, "vs", vs_, "pg_advantages", pg_advantages_);
  using S = typename R::Scalar;
  auto& vs = writable(vs_);
  auto& pg = writable(pg_advantages_);
  const S log_rho_bar = std::log(rho_bar), log_c_bar = std::log(c_bar);
  for (Index t = steps; t-- > 0;) {
    const auto rho = log_ratios.col(t).array().min(log_rho_bar).exp();
    const auto c = log_ratios.col(t).array().min(log_c_bar).exp();
    const auto keep = S(1) - terminated.col(t).array();
    const auto delta = rho * (rewards.col(t).array() + gamma * keep * next_values.col(t).array() - values.col(t).array());
    if (t + 1 == steps) {
      vs.col(t) = values.col(t) + delta.matrix();
      pg.col(t).array() = rho * (rewards.col(t).array() + gamma * keep * next_values.col(t).array() - values.col(t).array());
    } else {
      const auto carry = S(1) - ended.col(t).array();
      vs.col(t).array() = values.col(t).array() + delta +
                          gamma * c * carry * (vs.col(t + 1).array() - values.col(t + 1).array());
      const auto next_v = carry * vs.col(t + 1).array() + (S(1) - carry) * next_values.col(t).array();
      pg.col(t).array() = rho * (rewards.col(t).array() + gamma * keep * next_v - values.col(t).array());
    }
  }
}

}  // namespace ac::kernels
