#pragma once
// Element-wise activations. Each derivative is expressed through the
// activation's *output*, so backward and jvp need no cache beyond it:
// tanh'(x) = 1 - tanh(x)^2, relu'(x) = [relu(x) > 0].

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <string_view>

namespace ac::nn {

enum class Activation { tanh, relu };

inline std::string_view to_string(Activation activation) {
  return activation == Activation::tanh ? "tanh" : "relu";
}

inline Activation parse_activation(std::string_view name) {
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  throw_invalid_argument("activation: expected \"tanh\" or \"relu\", got \"{}\"", name);
}

struct Tanh {
  /// in_out ← tanh(in_out + bias ⊗ 1ᵀ): bias and activation in one pass over memory.
  template <class Scalar>
  static void forward_biased(ConstVectorRef<Scalar> bias, MatrixRef<Scalar> in_out) {
    // Column by column: both operands are contiguous, so tanh stays vectorized
    // (a colwise-replicated bias expression falls back to scalar tanh in Eigen 3.4).
    for (Index j = 0; j < in_out.cols(); ++j) in_out.col(j).array() = (in_out.col(j).array() + bias.array()).tanh();
  }
  template <class Scalar>
  static void forward(ConstMatrixRef<Scalar> in, MatrixRef<Scalar> out) {
    out.array() = in.array().tanh();
  }
  /// `out = in ⊙ tanh'(x)` given `y = tanh(x)`; used for both backward and jvp.
  template <class Scalar>
  static void multiply_derivative(ConstMatrixRef<Scalar> y, ConstMatrixRef<Scalar> in,
                                  MatrixRef<Scalar> out) {
    out.array() = in.array() * (Scalar(1) - y.array().square());
  }
};

struct ReLU {
  template <class Scalar>
  static void forward_biased(ConstVectorRef<Scalar> bias, MatrixRef<Scalar> in_out) {
    for (Index j = 0; j < in_out.cols(); ++j) {
      in_out.col(j).array() = (in_out.col(j).array() + bias.array()).max(Scalar(0));
    }
  }
  template <class Scalar>
  static void forward(ConstMatrixRef<Scalar> in, MatrixRef<Scalar> out) {
    out.array() = in.array().max(Scalar(0));
  }
  template <class Scalar>
  static void multiply_derivative(ConstMatrixRef<Scalar> y, ConstMatrixRef<Scalar> in,
                                  MatrixRef<Scalar> out) {
    out.array() = (y.array() > Scalar(0)).select(in.array(), Scalar(0));
  }
};

template <class Scalar>
void activation_forward(Activation activation, ConstMatrixRef<Scalar> in, MatrixRef<Scalar> out) {
  if (activation == Activation::tanh) {
    Tanh::forward<Scalar>(in, out);
  } else {
    ReLU::forward<Scalar>(in, out);
  }
}

/// in_out ← f(in_out + bias ⊗ 1ᵀ), fused (the hot path of a hidden layer without layer norm).
template <class Scalar>
void activation_forward_biased(Activation activation, ConstVectorRef<Scalar> bias, MatrixRef<Scalar> in_out) {
  if (activation == Activation::tanh) {
    Tanh::forward_biased<Scalar>(bias, in_out);
  } else {
    ReLU::forward_biased<Scalar>(bias, in_out);
  }
}

template <class Scalar>
void activation_multiply_derivative(Activation activation, ConstMatrixRef<Scalar> y,
                                    ConstMatrixRef<Scalar> in, MatrixRef<Scalar> out) {
  if (activation == Activation::tanh) {
    Tanh::multiply_derivative<Scalar>(y, in, out);
  } else {
    ReLU::multiply_derivative<Scalar>(y, in, out);
  }
}

}  // namespace ac::nn
