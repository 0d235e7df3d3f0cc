#pragma once
// Stochastic gradient descent with momentum, PyTorch's torch.optim.SGD
// semantics: g ← ∇ + λθ;  b ← μb + (1−τ)g (b = g on the first step);
// g ← g + μb (Nesterov) or b;  θ ← θ − ηg.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

namespace ac::optim {

struct SgdConfig {
  double learning_rate = 1e-2;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;  // L2 penalty added to the gradient (coupled)
  bool nesterov = false;

  void validate() const {
    check_positive("SgdConfig.learning_rate", learning_rate);
    if (!(momentum >= 0.0 && momentum < 1.0)) {
      throw_invalid_argument("SgdConfig.momentum: expected a value in [0, 1), got {}", momentum);
    }
    check_in_closed_range("SgdConfig.dampening", dampening, 0.0, 1.0);
    check_non_negative("SgdConfig.weight_decay", weight_decay);
    if (nesterov && (momentum == 0.0 || dampening != 0.0)) {
      throw_invalid_argument("SgdConfig.nesterov: requires momentum > 0 and dampening == 0 (got {} and {})",
                             momentum, dampening);
    }
  }
};

template <RealScalar Scalar>
class Sgd {
 public:
  using Config = SgdConfig;

  explicit Sgd(Index parameter_count, const SgdConfig& config = {}) : config_(config) {
    config_.validate();
    check_positive("Sgd: parameter_count", parameter_count);
    momentum_buffer_ = Vector<Scalar>::Zero(parameter_count);
    gradient_ = Vector<Scalar>::Zero(parameter_count);
  }

  void step(VectorRef<Scalar> params, ConstVectorRef<Scalar> grads) {
    check_sizes(params.size(), grads.size());
    const auto lr = static_cast<Scalar>(config_.learning_rate);
    const auto mu = static_cast<Scalar>(config_.momentum);
    gradient_ = grads + static_cast<Scalar>(config_.weight_decay) * params;
    if (config_.momentum != 0.0) {
      if (steps_ == 0) {
        momentum_buffer_ = gradient_;
      } else {
        momentum_buffer_ = mu * momentum_buffer_ + static_cast<Scalar>(1.0 - config_.dampening) * gradient_;
      }
      if (config_.nesterov) {
        gradient_ += mu * momentum_buffer_;
      } else {
        gradient_ = momentum_buffer_;
      }
    }
    params -= lr * gradient_;
    ++steps_;
  }

  [[nodiscard]] double learning_rate() const { return config_.learning_rate; }
  /// 0 is allowed (a schedule that decays to zero ends there; the step then moves no parameter).
  void set_learning_rate(double lr) {
    check_non_negative("Sgd::set_learning_rate: lr", lr);
    config_.learning_rate = lr;
  }
  [[nodiscard]] const SgdConfig& config() const { return config_; }
  [[nodiscard]] long steps() const { return steps_; }
  [[nodiscard]] const Vector<Scalar>& momentum_buffer() const { return momentum_buffer_; }

 private:
  void check_sizes(Index params, Index grads) const {
    if (params != momentum_buffer_.size() || grads != momentum_buffer_.size()) {
      throw_invalid_argument("Sgd::step: expected params and grads of size {}, got {} and {}",
                             momentum_buffer_.size(), params, grads);
    }
  }

  SgdConfig config_;
  Vector<Scalar> momentum_buffer_;
  Vector<Scalar> gradient_;
  long steps_ = 0;
};

}  // namespace ac::optim
