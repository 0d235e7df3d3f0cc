#pragma once
// Orthogonal initialization (Saxe et al. 2014), as torch.nn.init.orthogonal_
// does it: QR of a Gaussian matrix, signs fixed by diag(R) so the result is
// uniformly distributed, scaled by a gain. SB3 and CleanRL use gain √2 for
// hidden layers, 0.01 for the policy head and 1 for the value head.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>
#include <utility>

namespace ac::nn {

namespace detail {

/// The Q of A = QR (A is m x n, m >= n) with R's diagonal made positive, by
/// unblocked Householder reflections (Golub & Van Loan, Algorithm 5.2.1).
/// Written out rather than Eigen::HouseholderQR, whose blocked update runs
/// GEMMs that are blocked by the CPU's cache sizes: this rounds the same way
/// on every CPU (see core/product.hpp).
inline Matrix<double> orthonormal_factor(Matrix<double> a) {
  const Index m = a.rows();
  const Index n = a.cols();
  Matrix<double> reflectors = Matrix<double>::Zero(m, n);  // v_k in rows k..m-1 of column k
  Vector<double> scales = Vector<double>::Zero(n);          // 2 / vᵀv, 0 where H_k = I
  Vector<double> diagonal(n);                               // R's diagonal
  // column(k:) -= (2 / vᵀv) v (vᵀ column(k:)): H_k applied to one column of a or q.
  const auto reflect = [&](Index k, auto column) {
    double dot = 0.0;
    for (Index i = k; i < m; ++i) dot += reflectors(i, k) * column(i);
    const double factor = scales(k) * dot;
    for (Index i = k; i < m; ++i) column(i) -= factor * reflectors(i, k);
  };
  for (Index k = 0; k < n; ++k) {
    double norm_sq = 0.0;
    for (Index i = k; i < m; ++i) norm_sq += a(i, k) * a(i, k);
    const double norm = std::sqrt(norm_sq);
    const double alpha = a(k, k) >= 0.0 ? -norm : norm;  // the sign that avoids cancellation
    double v_sq = 0.0;
    for (Index i = k; i < m; ++i) {
      reflectors(i, k) = i == k ? a(k, k) - alpha : a(i, k);
      v_sq += reflectors(i, k) * reflectors(i, k);
    }
    diagonal(k) = v_sq > 0.0 ? alpha : a(k, k);
    if (!(v_sq > 0.0)) continue;
    scales(k) = 2.0 / v_sq;
    for (Index j = k + 1; j < n; ++j) reflect(k, a.col(j));
  }
  // Q = H_0 H_1 ... H_{n-1} [I_n; 0], applied right to left.
  Matrix<double> q = Matrix<double>::Identity(m, n);
  for (Index k = n - 1; k >= 0; --k) {
    if (scales(k) == 0.0) continue;
    for (Index j = 0; j < n; ++j) reflect(k, q.col(j));
  }
  for (Index k = 0; k < n; ++k) {
    if (diagonal(k) < 0.0) q.col(k) = -q.col(k);
  }
  return q;
}

}  // namespace detail

/// Fills `weight` (rows x cols) with a scaled (semi-)orthogonal matrix: orthonormal
/// rows if rows <= cols, orthonormal columns otherwise.
template <RealScalar Scalar>
void init_orthogonal(MatrixRef<Scalar> weight, double gain, Generator& rng) {
  const Index rows = weight.rows();
  const Index cols = weight.cols();
  const bool transpose = rows < cols;
  Matrix<double> gaussian(transpose ? cols : rows, transpose ? rows : cols);  // tall: m >= n
  rng.fill_normal(gaussian);
  const Matrix<double> q = detail::orthonormal_factor(std::move(gaussian));
  if (transpose) {
    weight = (gain * q.transpose()).template cast<Scalar>();
  } else {
    weight = (gain * q).template cast<Scalar>();
  }
}

}  // namespace ac::nn
