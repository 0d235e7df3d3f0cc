#pragma once
// A dense layer y = W x + b over a batch of columns. The layer owns no
// numbers: it knows where its W (outputs x inputs, column-major) and b live in
// a model's flat parameter vector, and hands out Eigen::Map views of them, of
// the gradient vector (same layout) and of a jvp direction (same layout).
// Its products go through core/product.hpp, so that they round the same way
// whatever cache sizes the CPU reports.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/product.hpp"
#include "actorcritic/core/types.hpp"

namespace ac::nn {

template <RealScalar Scalar>
class Linear {
 public:
  Linear(Index inputs, Index outputs, Index offset = 0)
      : inputs_(inputs), outputs_(outputs), offset_(offset) {
    check_positive("Linear: inputs", inputs);
    check_positive("Linear: outputs", outputs);
    check_non_negative("Linear: offset", offset);
  }

  [[nodiscard]] Index inputs() const { return inputs_; }
  [[nodiscard]] Index outputs() const { return outputs_; }
  [[nodiscard]] Index offset() const { return offset_; }
  [[nodiscard]] Index parameter_count() const { return outputs_ * inputs_ + outputs_; }

  MatrixMap<Scalar> weight(Scalar* flat) const { return {flat + offset_, outputs_, inputs_}; }
  ConstMatrixMap<Scalar> weight(const Scalar* flat) const { return {flat + offset_, outputs_, inputs_}; }
  VectorMap<Scalar> bias(Scalar* flat) const { return {flat + offset_ + outputs_ * inputs_, outputs_}; }
  ConstVectorMap<Scalar> bias(const Scalar* flat) const {
    return {flat + offset_ + outputs_ * inputs_, outputs_};
  }

  /// y = W x + b
  void forward(const Scalar* params, ConstMatrixRef<Scalar> x, MatrixRef<Scalar> y) const {
    multiply(params, x, y);
    y.colwise() += bias(params);
  }

  /// y = W x, leaving the bias to a fused pass of the caller (see Mlp::forward).
  void multiply(const Scalar* params, ConstMatrixRef<Scalar> x, MatrixRef<Scalar> y) const {
    assign_product(y, weight(params), x);
  }

  /// dL/dW += dy xᵀ and dL/db += Σ_columns dy, into the flat gradient.
  void accumulate_gradient(Scalar* grads, ConstMatrixRef<Scalar> x, ConstMatrixRef<Scalar> dy) const {
    add_product(weight(grads), dy, x.transpose());
    bias(grads) += dy.rowwise().sum();
  }

  /// dL/dx = Wᵀ dy
  void input_gradient(const Scalar* params, ConstMatrixRef<Scalar> dy, MatrixRef<Scalar> dx) const {
    assign_product(dx, weight(params).transpose(), dy);
  }

  /// Tangent of y along a parameter direction v with x held fixed: ẏ = V_W x + v_b.
  void jvp_parameters(const Scalar* direction, ConstMatrixRef<Scalar> x, MatrixRef<Scalar> y_dot) const {
    assign_product(y_dot, weight(direction), x);
    y_dot.colwise() += bias(direction);
  }

  /// Adds the tangent carried by the input: ẏ += W ẋ.
  void jvp_input_add(const Scalar* params, ConstMatrixRef<Scalar> x_dot, MatrixRef<Scalar> y_dot) const {
    add_product(y_dot, weight(params), x_dot);
  }

 private:
  Index inputs_;
  Index outputs_;
  Index offset_;
};

}  // namespace ac::nn
