#pragma once
// Advantage normalization and explained variance, as SB3 and CleanRL compute
// them; with a communicator, over the union of every rank's samples.

#include "actorcritic/core/communicator.hpp"
#include "actorcritic/kernels/common.hpp"

#include <cmath>
#include <limits>

namespace ac::kernels {

namespace detail {
/// A ← (A − mean) / (std + ε), with the unbiased std of `n` values whose sum of
/// squared deviations is `squares`; a single value is only centred.
template <class D>
void center_and_scale(D& a, double mean, double squares, double n, double epsilon) {
  using S = typename D::Scalar;
  const double stddev = n > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
  const double scale = n > 1 ? 1.0 / (stddev + epsilon) : 1.0;
  a.array() = (a.array() - static_cast<S>(mean)) * static_cast<S>(scale);
}

/// The moments of every element of `a` (any shape or stride) as one feature, in double, without a copy.
template <class D>
Moments element_moments(const Eigen::MatrixBase<D>& a) {
  Moments m{Eigen::VectorXd::Zero(1), Eigen::VectorXd::Zero(1), double(a.size())};
  if (a.size() == 0) return m;
  double sum = 0.0;
  for (Index j = 0; j < a.cols(); ++j) {
    for (Index i = 0; i < a.rows(); ++i) sum += static_cast<double>(a(i, j));
  }
  m.mean(0) = sum / m.count;
  double squares = 0.0;
  for (Index j = 0; j < a.cols(); ++j) {
    for (Index i = 0; i < a.rows(); ++i) {
      const double d = static_cast<double>(a(i, j)) - m.mean(0);
      squares += d * d;
    }
  }
  m.variance(0) = squares / m.count;
  return m;
}
}  // namespace detail

/// In place: A ← (A − mean(A)) / (std(A) + ε), with the unbiased (n − 1)
/// standard deviation of torch.Tensor.std (SB3, CleanRL). A single element
/// is only centred.
template <class D>
void normalize_advantages(const Eigen::MatrixBase<D>& advantages_inout, double epsilon = 1e-8) {
  auto& a = writable(advantages_inout);
  const Index n = a.size();
  if (n == 0) return;
  const double mean = static_cast<double>(a.sum()) / static_cast<double>(n);
  double squares = 0.0;
  for (Index j = 0; j < a.cols(); ++j) {
    for (Index i = 0; i < a.rows(); ++i) {
      const double d = static_cast<double>(a(i, j)) - mean;
      squares += d * d;
    }
  }
  detail::center_and_scale(a, mean, squares, static_cast<double>(n), epsilon);
}

/// normalize_advantages over every rank's advantages together: the mean and
/// the unbiased standard deviation of the global batch (ac::global_moments),
/// applied to this rank's share. One process computes exactly as the overload
/// without a communicator. Every rank must call it.
template <Communicator C, class D>
void normalize_advantages(C& comm, const Eigen::MatrixBase<D>& advantages_inout, double epsilon = 1e-8) {
  if (comm.size() == 1) {
    normalize_advantages(advantages_inout, epsilon);
    return;
  }
  auto& a = writable(advantages_inout);
  const Moments global = global_moments(comm, detail::element_moments(a));
  if (global.count == 0.0) return;
  detail::center_and_scale(a, global.mean(0), global.variance(0) * global.count, global.count, epsilon);
}

/// 1 − Var[y − ŷ] / Var[y] (SB3 explained_variance): 1 is a perfect critic,
/// 0 no better than the mean, negative worse. NaN when Var[y] = 0.
template <class P, class T>
double explained_variance(const Eigen::MatrixBase<P>& predicted, const Eigen::MatrixBase<T>& target) {
  expect_shape("explained_variance", "predicted", predicted, target.rows(), target.cols());
  const Index n = target.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double mean_y = 0, mean_r = 0;
  for (Index j = 0; j < target.cols(); ++j) {
    for (Index i = 0; i < target.rows(); ++i) {
      mean_y += static_cast<double>(target(i, j));
      mean_r += static_cast<double>(target(i, j)) - static_cast<double>(predicted(i, j));
    }
  }
  mean_y /= static_cast<double>(n);
  mean_r /= static_cast<double>(n);
  double var_y = 0, var_r = 0;
  for (Index j = 0; j < target.cols(); ++j) {
    for (Index i = 0; i < target.rows(); ++i) {
      const double y = static_cast<double>(target(i, j));
      const double r = y - static_cast<double>(predicted(i, j));
      var_y += (y - mean_y) * (y - mean_y);
      var_r += (r - mean_r) * (r - mean_r);
    }
  }
  if (var_y == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - var_r / var_y;
}

/// explained_variance over every rank's samples together (the variances of y
/// and of y − ŷ from ac::global_moments). One process computes exactly as the
/// overload without a communicator. Every rank must call it.
template <Communicator C, class P, class T>
double explained_variance(C& comm, const Eigen::MatrixBase<P>& predicted, const Eigen::MatrixBase<T>& target) {
  if (comm.size() == 1) return explained_variance(predicted, target);
  expect_shape("explained_variance", "predicted", predicted, target.rows(), target.cols());
  // The moments of y (feature 0) and of the residual y − ŷ in double (feature 1),
  // merged over every rank's samples in one global_moments call.
  const Moments y = detail::element_moments(target);
  const Moments r = detail::element_moments(target.template cast<double>() - predicted.template cast<double>());
  const Moments global = global_moments(comm, Moments{Eigen::Vector2d(y.mean(0), r.mean(0)),
                                                       Eigen::Vector2d(y.variance(0), r.variance(0)), y.count});
  if (global.count == 0.0 || global.variance(0) == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - global.variance(1) / global.variance(0);
}

}  // namespace ac::kernels
