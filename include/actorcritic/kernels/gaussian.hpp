#pragma once
// Diagonal Gaussian distributions, one per column of `dims x batch` means.
// log_std is `dims x batch` or `dims x 1` (a state-independent parameter,
// broadcast over the batch). Written in log σ so that σ down to 1e-6 stays
// finite: (x − μ)/σ = (x − μ)·exp(−log σ), σ_p²/σ_q² = exp(2(log σ_p − log σ_q)).

#include "actorcritic/kernels/common.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>

namespace ac::kernels {

namespace detail {
template <class D>
void expect_log_std(std::string_view kernel, std::string_view argument, const Eigen::MatrixBase<D>& log_std,
                    Index dims, Index batch) {
  if (log_std.rows() != dims || (log_std.cols() != batch && log_std.cols() != 1)) {
    throw_invalid_argument("{}: {}: expected a {}x{} or {}x1 matrix, got {}x{}", kernel, argument, dims, batch, dims,
                           log_std.rows(), log_std.cols());
  }
}
/// The column of log σ for sample j: 0 when log σ is shared by the batch.
template <class D>
Index log_std_index(const Eigen::MatrixBase<D>& log_std, Index j) {
  return log_std.cols() == 1 ? 0 : j;
}
template <class D>
auto log_std_col(const Eigen::MatrixBase<D>& log_std, Index j) {
  return log_std.col(log_std_index(log_std, j));
}

/// Whether a column of `dims` values is shorter than one SIMD packet. Eigen
/// then evaluates a column's element-wise expression in scalar code (std::exp)
/// and sums it in order from the first value, and so do the loops that take
/// this path: the same bits, without Eigen's per-column expression setup
/// (which cost PPO on Pendulum more than its GEMMs). Longer columns keep
/// Eigen's vectorized expressions.
template <class S>
bool scalar_columns(Index dims) {
  return dims < Index{Eigen::internal::packet_traits<S>::size};
}

/// Room for the dims of a scalar column (fewer than the widest packet: 16 floats with AVX-512).
inline constexpr Index kMaxScalarColumn = 16;

/// A value per dim, computed once per dim when every column shares it (from a
/// state-independent log σ, `dims x 1`) instead of once per column: the same
/// expression of the same values, so the same bits. Not `shared()` otherwise,
/// and the caller computes it per column.
template <class S>
class PerDim {
 public:
  template <class F>
  PerDim(Index dims, bool shared, F value) : shared_(shared) {
    static_assert(Eigen::internal::packet_traits<S>::size <= kMaxScalarColumn);
    if (!shared_) return;
    for (Index i = 0; i < dims; ++i) values_[static_cast<std::size_t>(i)] = value(i);
  }
  [[nodiscard]] bool shared() const { return shared_; }
  [[nodiscard]] S operator[](Index i) const { return values_[static_cast<std::size_t>(i)]; }

 private:
  std::array<S, kMaxScalarColumn> values_{};
  bool shared_;
};
}  // namespace detail

/// log N(x; μ, σ²) summed over dims: −½ Σ [((x − μ)/σ)² + 2 log σ + log 2π], into 1 x batch.
template <class M, class LS, class X, class Out>
void diag_gaussian_log_prob(const Eigen::MatrixBase<M>& mean, const Eigen::MatrixBase<LS>& log_std,
                            const Eigen::MatrixBase<X>& x, const Eigen::MatrixBase<Out>& out_) {
  constexpr std::string_view k = "diag_gaussian_log_prob";
  const Index dims = mean.rows(), batch = mean.cols();
  detail::expect_log_std(k, "log_std", log_std, dims, batch);
  expect_shape(k, "x", x, dims, batch);
  expect_shape(k, "out", out_, 1, batch);
  using S = typename M::Scalar;
  const S log_2pi = static_cast<S>(std::log(2.0 * std::numbers::pi));
  auto& out = writable(out_);
  if (detail::scalar_columns<S>(dims)) {
    const detail::PerDim<S> inv_std(dims, log_std.cols() == 1, [&](Index i) { return std::exp(-log_std(i, 0)); });
    for (Index j = 0; j < batch; ++j) {
      const Index c = detail::log_std_index(log_std, j);
      S sum = 0;
      for (Index i = 0; i < dims; ++i) {
        const S ls = log_std(i, c);
        const S z = (x(i, j) - mean(i, j)) * (inv_std.shared() ? inv_std[i] : std::exp(-ls));
        const S term = (z * z + S(2) * ls) + log_2pi;
        sum = i == 0 ? term : sum + term;
      }
      out(0, j) = S(-0.5) * sum;
    }
    return;
  }
  for (Index j = 0; j < batch; ++j) {
    const auto ls = detail::log_std_col(log_std, j).array();
    const auto z = (x.col(j).array() - mean.col(j).array()) * (-ls).exp();
    out(0, j) = S(-0.5) * (z.square() + S(2) * ls + log_2pi).sum();
  }
}

/// Entropy Σ (log σ + ½ log 2πe), into 1 x batch (batch = out's columns when log_std is dims x 1).
template <class LS, class Out>
void diag_gaussian_entropy(const Eigen::MatrixBase<LS>& log_std, const Eigen::MatrixBase<Out>& out_) {
  if (out_.rows() != 1 || (log_std.cols() != 1 && log_std.cols() != out_.cols())) {
    throw_invalid_argument("diag_gaussian_entropy: out: expected 1x{}, got {}x{}", log_std.cols(), out_.rows(),
                           out_.cols());
  }
  using S = typename LS::Scalar;
  const S half_log_2pi_e = static_cast<S>(0.5 * std::log(2.0 * std::numbers::pi * std::numbers::e));
  auto& out = writable(out_);
  for (Index j = 0; j < out.cols(); ++j) {
    out(0, j) = detail::log_std_col(log_std, j).sum() + half_log_2pi_e * static_cast<S>(log_std.rows());
  }
}

/// KL(p ‖ q) = Σ [log σ_q − log σ_p + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½] per column, into 1 x batch.
template <class MP, class LP, class MQ, class LQ, class Out>
void diag_gaussian_kl(const Eigen::MatrixBase<MP>& mean_p, const Eigen::MatrixBase<LP>& log_std_p,
                      const Eigen::MatrixBase<MQ>& mean_q, const Eigen::MatrixBase<LQ>& log_std_q,
                      const Eigen::MatrixBase<Out>& kl_) {
  constexpr std::string_view k = "diag_gaussian_kl";
  const Index dims = mean_p.rows(), batch = mean_p.cols();
  detail::expect_log_std(k, "log_std_p", log_std_p, dims, batch);
  expect_shape(k, "mean_q", mean_q, dims, batch);
  detail::expect_log_std(k, "log_std_q", log_std_q, dims, batch);
  expect_shape(k, "kl", kl_, 1, batch);
  using S = typename MP::Scalar;
  auto& kl = writable(kl_);
  if (detail::scalar_columns<S>(dims)) {
    const bool shared = log_std_p.cols() == 1 && log_std_q.cols() == 1;
    const detail::PerDim<S> inv_std_q(dims, shared, [&](Index i) { return std::exp(-log_std_q(i, 0)); });
    const detail::PerDim<S> variance_ratio(
        dims, shared, [&](Index i) { return std::exp(S(2) * (log_std_p(i, 0) - log_std_q(i, 0))); });
    for (Index j = 0; j < batch; ++j) {
      const Index cp = detail::log_std_index(log_std_p, j), cq = detail::log_std_index(log_std_q, j);
      S sum = 0;
      for (Index i = 0; i < dims; ++i) {
        const S lp = log_std_p(i, cp), lq = log_std_q(i, cq);
        const S scaled_gap = (mean_p(i, j) - mean_q(i, j)) * (shared ? inv_std_q[i] : std::exp(-lq));
        const S ratio = shared ? variance_ratio[i] : std::exp(S(2) * (lp - lq));
        const S term = ((lq - lp) + S(0.5) * (ratio + scaled_gap * scaled_gap)) - S(0.5);
        sum = i == 0 ? term : sum + term;
      }
      kl(0, j) = std::max(S(0), sum);
    }
    return;
  }
  for (Index j = 0; j < batch; ++j) {
    const auto lp = detail::log_std_col(log_std_p, j).array();
    const auto lq = detail::log_std_col(log_std_q, j).array();
    const auto scaled_gap = (mean_p.col(j).array() - mean_q.col(j).array()) * (-lq).exp();
    const auto terms = (lq - lp) + S(0.5) * ((S(2) * (lp - lq)).exp() + scaled_gap.square()) - S(0.5);
    kl(0, j) = std::max(S(0), terms.sum());
  }
}

}  // namespace ac::kernels
