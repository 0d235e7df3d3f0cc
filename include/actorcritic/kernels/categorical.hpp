#pragma once
// Categorical distributions from logits, one distribution per column of an
// `actions x batch` matrix. Everything goes through the log-sum-exp with the
// column maximum subtracted, so logits of ±1e4 give finite results, and the
// p·log p terms use 0·(finite) = 0 where p underflows.
//
// Masked distributions (Huang & Ontañón 2020, arXiv 2006.14171): an illegal
// action's logit is −∞, so its probability is exactly 0 and the softmax
// renormalizes over the legal actions. The masked_ kernels accept −∞ logits
// (at least one finite per column) and give an illegal action's p·log p and
// p·(log p − log q) terms their limit, 0, where the unmasked formulas would
// compute 0·(−∞) = NaN. A column without −∞ gives the unmasked kernel's bits.

#include "actorcritic/kernels/common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ac::kernels {

/// log Σ exp(z) of column j, stable.
template <class D>
typename D::Scalar log_sum_exp(const Eigen::MatrixBase<D>& logits, Index j) {
  const auto column = logits.col(j);
  const auto peak = column.maxCoeff();
  return peak + std::log((column.array() - peak).exp().sum());
}

/// log softmax per column: z − logsumexp(z). `out` may alias `logits`.
template <class L, class Out>
void log_softmax(const Eigen::MatrixBase<L>& logits, const Eigen::MatrixBase<Out>& out_) {
  expect_shape("log_softmax", "out", out_, logits.rows(), logits.cols());
  auto& out = writable(out_);
  for (Index j = 0; j < logits.cols(); ++j) {
    const auto lse = log_sum_exp(logits, j);
    out.col(j).array() = logits.col(j).array() - lse;
  }
}

/// out = logits where `masks` is true, −∞ where it is false, then log_softmax:
/// the log-probabilities over the legal actions. `out` may alias `logits`.
template <class L, class M, class Out>
void masked_log_softmax(const Eigen::MatrixBase<L>& logits, const Eigen::DenseBase<M>& masks,
                        const Eigen::MatrixBase<Out>& out_) {
  expect_shape("masked_log_softmax", "masks", masks, logits.rows(), logits.cols());
  expect_shape("masked_log_softmax", "out", out_, logits.rows(), logits.cols());
  using Scalar = typename L::Scalar;
  auto& out = writable(out_);
  for (Index j = 0; j < logits.cols(); ++j) {
    for (Index i = 0; i < logits.rows(); ++i) {
      out(i, j) = masks(i, j) ? logits(i, j) : -std::numeric_limits<Scalar>::infinity();
    }
  }
  log_softmax(out, out);
}

/// softmax per column. `out` may alias `logits`.
template <class L, class Out>
void softmax(const Eigen::MatrixBase<L>& logits, const Eigen::MatrixBase<Out>& out_) {
  log_softmax(logits, out_);
  writable(out_).array() = writable(out_).array().exp();
}

/// log p(a_j) for integer actions (one per column) into a 1 x batch row.
template <class L, class A, class Out>
void categorical_log_prob(const Eigen::MatrixBase<L>& logits, const Eigen::MatrixBase<A>& actions,
                          const Eigen::MatrixBase<Out>& out_) {
  constexpr std::string_view k = "categorical_log_prob";
  expect_shape(k, "actions", actions, 1, logits.cols());
  expect_shape(k, "out", out_, 1, logits.cols());
  auto& out = writable(out_);
  for (Index j = 0; j < logits.cols(); ++j) {
    const auto a = static_cast<Index>(actions(0, j));
    if (a < 0 || a >= logits.rows()) {
      throw_invalid_argument("categorical_log_prob: actions(0, {}) = {} is outside [0, {})", j, a, logits.rows());
    }
    out(0, j) = logits(a, j) - log_sum_exp(logits, j);
  }
}

/// Entropy H = −Σ p log p per column into 1 x batch.
template <class L, class Out>
void categorical_entropy(const Eigen::MatrixBase<L>& logits, const Eigen::MatrixBase<Out>& out_) {
  expect_shape("categorical_entropy", "out", out_, 1, logits.cols());
  auto& out = writable(out_);
  for (Index j = 0; j < logits.cols(); ++j) {
    const auto lse = log_sum_exp(logits, j);
    const auto log_p = logits.col(j).array() - lse;
    out(0, j) = -(log_p.exp() * log_p).sum();
  }
}

/// KL(p ‖ q) = Σ p (log p − log q) per column of `actions x batch` logits, into 1 x batch.
template <class P, class Q, class Out>
void categorical_kl(const Eigen::MatrixBase<P>& logits_p, const Eigen::MatrixBase<Q>& logits_q,
                    const Eigen::MatrixBase<Out>& kl_) {
  constexpr std::string_view k = "categorical_kl";
  expect_shape(k, "logits_q", logits_q, logits_p.rows(), logits_p.cols());
  expect_shape(k, "kl", kl_, 1, logits_p.cols());
  auto& kl = writable(kl_);
  for (Index j = 0; j < logits_p.cols(); ++j) {
    const auto lse_p = log_sum_exp(logits_p, j);
    const auto lse_q = log_sum_exp(logits_q, j);
    const auto log_p = logits_p.col(j).array() - lse_p;
    const auto log_q = logits_q.col(j).array() - lse_q;
    // Clamped at 0: the exact value is ≥ 0, rounding can make it −1e-9.
    kl(0, j) = std::max(decltype(lse_p)(0), (log_p.exp() * (log_p - log_q)).sum());
  }
}

/// categorical_entropy for logits that may hold −∞ (masked actions): an illegal
/// action's p log p is 0.
template <class L, class Out>
void masked_categorical_entropy(const Eigen::MatrixBase<L>& logits, const Eigen::MatrixBase<Out>& out_) {
  expect_shape("masked_categorical_entropy", "out", out_, 1, logits.cols());
  using Scalar = typename L::Scalar;
  auto& out = writable(out_);
  for (Index j = 0; j < logits.cols(); ++j) {
    const auto lse = log_sum_exp(logits, j);
    Scalar h = 0;
    for (Index i = 0; i < logits.rows(); ++i) {
      const Scalar log_p = logits(i, j) - lse;
      if (log_p != -std::numeric_limits<Scalar>::infinity()) h -= std::exp(log_p) * log_p;
    }
    out(0, j) = h;
  }
}

/// categorical_kl for logits that may hold −∞ (masked actions): the sum runs
/// over the actions p allows; it is +∞ where q masks an action p allows.
template <class P, class Q, class Out>
void masked_categorical_kl(const Eigen::MatrixBase<P>& logits_p, const Eigen::MatrixBase<Q>& logits_q,
                           const Eigen::MatrixBase<Out>& kl_) {
  constexpr std::string_view k = "masked_categorical_kl";
  expect_shape(k, "logits_q", logits_q, logits_p.rows(), logits_p.cols());
  expect_shape(k, "kl", kl_, 1, logits_p.cols());
  using Scalar = typename P::Scalar;
  auto& kl = writable(kl_);
  for (Index j = 0; j < logits_p.cols(); ++j) {
    const auto lse_p = log_sum_exp(logits_p, j);
    const auto lse_q = log_sum_exp(logits_q, j);
    Scalar sum = 0;
    for (Index i = 0; i < logits_p.rows(); ++i) {
      const Scalar log_p = logits_p(i, j) - lse_p;
      if (log_p == -std::numeric_limits<Scalar>::infinity()) continue;
      sum += std::exp(log_p) * (log_p - (logits_q(i, j) - lse_q));
    }
    kl(0, j) = std::max(Scalar(0), sum);
  }
}

}  // namespace ac::kernels
