#pragma once
// Orthogonal initialization (Saxe et al. 2014), as torch.nn.init.orthogonal_
// does it: QR of a Gaussian matrix, signs fixed by diag(R) so the result is
// uniformly distributed, scaled by a gain. SB3 and CleanRL use gain √2 for
// hidden layers, 0.01 for the policy head and 1 for the value head.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"

#include <Eigen/QR>

namespace ac::nn {

/// Fills `weight` (rows x cols) with a scaled (semi-)orthogonal matrix: orthonormal
/// rows if rows <= cols, orthonormal columns otherwise.
template <RealScalar Scalar>
void init_orthogonal(MatrixRef<Scalar> weight, double gain, Generator& rng) {
  const Index rows = weight.rows();
  const Index cols = weight.cols();
  const bool transpose = rows < cols;
  const Index m = transpose ? cols : rows;  // tall: m >= n
  const Index n = transpose ? rows : cols;
  Matrix<double> gaussian(m, n);
  rng.fill_normal(gaussian);
  const Eigen::HouseholderQR<Matrix<double>> qr(gaussian);
  Matrix<double> q = qr.householderQ() * Matrix<double>::Identity(m, n);
  for (Index k = 0; k < n; ++k) {
    if (qr.matrixQR()(k, k) < 0.0) q.col(k) = -q.col(k);
  }
  if (transpose) {
    weight = (gain * q.transpose()).template cast<Scalar>();
  } else {
    weight = (gain * q).template cast<Scalar>();
  }
}

}  // namespace ac::nn
