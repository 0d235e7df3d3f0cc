#pragma once
// Group baselines: n samples in consecutive groups of k drawn from the same
// start (state, or prompt), each scored against its group instead of against
// a learned critic.
//
//   leave_one_out_advantages (RLOO; Kool, van Hoof & Welling 2019, "Buy 4
//   REINFORCE Samples, Get a Baseline for Free!", eq. 8; Ahmadian et al. 2024):
//     A_i = R_i − (1/(k−1)) Σ_{j≠i} R_j  =  k/(k−1) · (R_i − mean_g R).
//   The baseline of sample i does not depend on sample i, so E[A_i ∇log p(τ_i)]
//   is exactly ∇E[R]: unbiased.
//
//   group_normalized_advantages (GRPO's outcome supervision; Shao et al. 2024,
//   "DeepSeekMath", §4.1.2):
//     A_i = (R_i − mean_g R) / (std_g R + ε),   std with k − 1 in the denominator.
//   The mean includes sample i itself, and dividing by the group's own std
//   reweights the groups (a group whose returns barely differ gets large
//   advantages): the gradient is biased, and no longer scales with the return.
//
// Sums run in double in the samples' order; no allocation.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/kernels/common.hpp"

#include <cmath>
#include <string_view>

namespace ac::kernels {

namespace detail {

template <class In, class Out>
void check_groups(std::string_view kernel, const In& returns, Index group_size, const Out& out) {
  if (group_size < 2) {
    throw_invalid_argument("{}: group_size: expected at least 2 samples a group, got {}", kernel, group_size);
  }
  if (returns.size() % group_size != 0) {
    throw_invalid_argument("{}: returns: expected whole groups of {}, got {} samples", kernel, group_size,
                           returns.size());
  }
  if (out.size() != returns.size()) {
    throw_invalid_argument("{}: out: expected {} values, got {}", kernel, returns.size(), out.size());
  }
}

}  // namespace detail

/// RLOO: each sample's return minus the mean of the other k − 1 returns of its group.
/// `returns` and `out` are vectors of n = groups · k values (out may be a block or a map); out may alias returns.
template <class In, class Out>
void leave_one_out_advantages(const Eigen::MatrixBase<In>& returns, Index group_size,
                              const Eigen::MatrixBase<Out>& out_expression) {
  detail::check_groups("leave_one_out_advantages", returns, group_size, out_expression);
  using S = typename Out::Scalar;
  auto& out = writable(out_expression);
  const double others = static_cast<double>(group_size - 1);
  for (Index first = 0; first < returns.size(); first += group_size) {
    double sum = 0.0;
    for (Index i = first; i < first + group_size; ++i) sum += static_cast<double>(returns(i));
    for (Index i = first; i < first + group_size; ++i) {
      const double r = static_cast<double>(returns(i));
      out(i) = static_cast<S>(r - (sum - r) / others);
    }
  }
}

/// GRPO: each sample's return minus its group's mean, over the group's standard deviation
/// (k − 1 in the denominator) plus `epsilon`. out may alias returns.
template <class In, class Out>
void group_normalized_advantages(const Eigen::MatrixBase<In>& returns, Index group_size, double epsilon,
                                 const Eigen::MatrixBase<Out>& out_expression) {
  detail::check_groups("group_normalized_advantages", returns, group_size, out_expression);
  auto& out = writable(out_expression);
  if (!(epsilon >= 0.0 && std::isfinite(epsilon))) {
    throw_invalid_argument("group_normalized_advantages: epsilon: expected a finite number >= 0, got {}", epsilon);
  }
  using S = typename Out::Scalar;
  const double k = static_cast<double>(group_size);
  for (Index first = 0; first < returns.size(); first += group_size) {
    double sum = 0.0;
    for (Index i = first; i < first + group_size; ++i) sum += static_cast<double>(returns(i));
    const double mean = sum / k;
    double squares = 0.0;
    for (Index i = first; i < first + group_size; ++i) {
      const double d = static_cast<double>(returns(i)) - mean;
      squares += d * d;
    }
    const double scale = 1.0 / (std::sqrt(squares / (k - 1.0)) + epsilon);
    for (Index i = first; i < first + group_size; ++i) {
      out(i) = static_cast<S>((static_cast<double>(returns(i)) - mean) * scale);
    }
  }
}

}  // namespace ac::kernels
