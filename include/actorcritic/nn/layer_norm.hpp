#pragma once
// Layer normalization (Ba, Kiros & Hinton 2016) over the features of each
// column, with a learnable gain g and bias b:
//   x̂ = (z − μ) / sqrt(σ² + ε),  y = g ⊙ x̂ + b,   μ, σ² = mean and biased variance of z.
// Backward and jvp share one linear map (it is self-adjoint):
//   ∂x̂ = rstd · (∂z − mean(∂z) − x̂ · mean(x̂ ⊙ ∂z)).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>

namespace ac::nn {

template <RealScalar Scalar>
class LayerNorm {
 public:
  static constexpr double kDefaultEpsilon = 1e-5;  // PyTorch nn.LayerNorm default

  explicit LayerNorm(Index features, Index offset = 0, double epsilon = kDefaultEpsilon)
      : features_(features), offset_(offset), epsilon_(static_cast<Scalar>(epsilon)) {
    check_positive("LayerNorm: features", features);
    check_non_negative("LayerNorm: offset", offset);
    check_positive("LayerNorm: epsilon", epsilon);
  }

  [[nodiscard]] Index features() const { return features_; }
  [[nodiscard]] Index offset() const { return offset_; }
  [[nodiscard]] Scalar epsilon() const { return epsilon_; }
  [[nodiscard]] Index parameter_count() const { return 2 * features_; }

  VectorMap<Scalar> gain(Scalar* flat) const { return {flat + offset_, features_}; }
  ConstVectorMap<Scalar> gain(const Scalar* flat) const { return {flat + offset_, features_}; }
  VectorMap<Scalar> bias(Scalar* flat) const { return {flat + offset_ + features_, features_}; }
  ConstVectorMap<Scalar> bias(const Scalar* flat) const { return {flat + offset_ + features_, features_}; }

  /// Gain 1, bias 0 (the identity affine map).
  void initialize(Scalar* params) const {
    gain(params).setOnes();
    bias(params).setZero();
  }

  /// y = g ⊙ x̂ + b. Caches x̂ (features x batch) and rstd (1 x batch) for backward
  /// and jvp. `y` may alias `z`.
  void forward(const Scalar* params, ConstMatrixRef<Scalar> z, MatrixRef<Scalar> y,
               MatrixRef<Scalar> x_hat, MatrixRef<Scalar> rstd) const {
    const auto g = gain(params);
    const auto b = bias(params);
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(features_);
    for (Index j = 0; j < z.cols(); ++j) {
      const Scalar mean = z.col(j).sum() * inv_n;
      x_hat.col(j).array() = z.col(j).array() - mean;
      const Scalar variance = x_hat.col(j).squaredNorm() * inv_n;
      const Scalar r = Scalar(1) / std::sqrt(variance + epsilon_);
      rstd(0, j) = r;
      x_hat.col(j) *= r;
      y.col(j).array() = g.array() * x_hat.col(j).array() + b.array();
    }
  }

  /// Accumulates dL/dg, dL/db and writes dL/dz. `dz` may alias `dy`.
  void backward(const Scalar* params, Scalar* grads, ConstMatrixRef<Scalar> x_hat,
                ConstMatrixRef<Scalar> rstd, ConstMatrixRef<Scalar> dy, MatrixRef<Scalar> dz) const {
    const auto g = gain(params);
    auto dg = gain(grads);
    auto db = bias(grads);
    for (Index j = 0; j < dy.cols(); ++j) {
      dg.array() += dy.col(j).array() * x_hat.col(j).array();
      db += dy.col(j);
      dz.col(j).array() = dy.col(j).array() * g.array();
      normalize_tangent(x_hat.col(j), rstd(0, j), dz.col(j));
    }
  }

  /// Tangent of y along parameter direction v and input tangent ż (in z_dot);
  /// writes ẏ = v_g ⊙ x̂ + g ⊙ ∂x̂ + v_b. `y_dot` may alias `z_dot`.
  void jvp(const Scalar* params, const Scalar* direction, ConstMatrixRef<Scalar> x_hat,
           ConstMatrixRef<Scalar> rstd, ConstMatrixRef<Scalar> z_dot, MatrixRef<Scalar> y_dot) const {
    const auto g = gain(params);
    const auto vg = gain(direction);
    const auto vb = bias(direction);
    for (Index j = 0; j < z_dot.cols(); ++j) {
      y_dot.col(j) = z_dot.col(j);
      normalize_tangent(x_hat.col(j), rstd(0, j), y_dot.col(j));
      y_dot.col(j).array() = g.array() * y_dot.col(j).array() + vg.array() * x_hat.col(j).array() + vb.array();
    }
  }

 private:
  // t ← rstd · (t − mean(t) − x̂ · mean(x̂ ⊙ t)), in place on one column.
  template <class XHat, class Column>
  void normalize_tangent(const XHat& x_hat, Scalar rstd, Column&& t) const {
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(features_);
    const Scalar mean_t = t.sum() * inv_n;
    const Scalar mean_xt = x_hat.dot(t) * inv_n;
    t.array() = rstd * (t.array() - mean_t - x_hat.array() * mean_xt);
  }

  Index features_;
  Index offset_;
  Scalar epsilon_;
};

}  // namespace ac::nn
