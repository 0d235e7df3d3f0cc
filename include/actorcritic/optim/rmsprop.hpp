#pragma once
// RMSprop (Tieleman & Hinton 2012) with torch.optim.RMSprop semantics:
//   g ← ∇ + λθ;  s ← αs + (1−α)g²;  [c ← αc + (1−α)g; s̃ = s − c²]
//   d = √s̃ + ε;  b ← μb + g/d (momentum) or step g/d;  θ ← θ − η·step.
// The defaults are Stable-Baselines3 A2C's: lr 7e-4, α 0.99, ε 1e-5.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/exact_math.hpp"
#include "actorcritic/core/types.hpp"

namespace ac::optim {

struct RmspropConfig {
  double learning_rate = 7e-4;  // SB3 A2C default
  double alpha = 0.99;          // SB3 A2C (torch default too)
  double epsilon = 1e-5;        // SB3 A2C rms_prop_eps
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;

  template <class Archive>
  void serialize(Archive& a) {
    a.field("learning_rate", learning_rate);
    a.field("alpha", alpha);
    a.field("epsilon", epsilon);
    a.field("weight_decay", weight_decay);
    a.field("momentum", momentum);
    a.field("centered", centered);
  }

  void validate() const {
    check_positive("RmspropConfig.learning_rate", learning_rate);
    if (!(alpha >= 0.0 && alpha < 1.0)) throw_invalid_argument("RmspropConfig.alpha: expected [0, 1), got {}", alpha);
    check_positive("RmspropConfig.epsilon", epsilon);
    check_non_negative("RmspropConfig.weight_decay", weight_decay);
    if (!(momentum >= 0.0 && momentum < 1.0)) {
      throw_invalid_argument("RmspropConfig.momentum: expected [0, 1), got {}", momentum);
    }
  }
};

template <RealScalar Scalar>
class Rmsprop {
 public:
  using Config = RmspropConfig;

  explicit Rmsprop(Index parameter_count, const RmspropConfig& config = {}) : config_(config) {
    config_.validate();
    check_positive("Rmsprop: parameter_count", parameter_count);
    square_avg_ = Vector<Scalar>::Zero(parameter_count);
    grad_avg_ = Vector<Scalar>::Zero(parameter_count);
    momentum_buffer_ = Vector<Scalar>::Zero(parameter_count);
    gradient_ = Vector<Scalar>::Zero(parameter_count);
  }

  void step(VectorRef<Scalar> params, ConstVectorRef<Scalar> grads) {
    if (params.size() != square_avg_.size() || grads.size() != square_avg_.size()) {
      throw_invalid_argument("Rmsprop::step: expected params and grads of size {}, got {} and {}",
                             square_avg_.size(), params.size(), grads.size());
    }
    const auto alpha = static_cast<Scalar>(config_.alpha);
    const auto eps = static_cast<Scalar>(config_.epsilon);
    const auto lr = static_cast<Scalar>(config_.learning_rate);
    gradient_ = grads + static_cast<Scalar>(config_.weight_decay) * params;
    square_avg_ = alpha * square_avg_ + (Scalar(1) - alpha) * gradient_.cwiseAbs2();
    // gradient_ becomes the preconditioned step g / d.
    if (config_.centered) {
      grad_avg_ = alpha * grad_avg_ + (Scalar(1) - alpha) * gradient_;
      gradient_.array() /= exact_sqrt(square_avg_.array() - grad_avg_.array().square()) + eps;
    } else {
      gradient_.array() /= exact_sqrt(square_avg_.array()) + eps;
    }
    if (config_.momentum > 0.0) {
      momentum_buffer_ = static_cast<Scalar>(config_.momentum) * momentum_buffer_ + gradient_;
      params -= lr * momentum_buffer_;
    } else {
      params -= lr * gradient_;
    }
    ++steps_;
  }

  [[nodiscard]] double learning_rate() const { return config_.learning_rate; }
  /// 0 is allowed (a schedule that decays to zero ends there; the step then moves no parameter).
  void set_learning_rate(double lr) {
    check_non_negative("Rmsprop::set_learning_rate: lr", lr);
    config_.learning_rate = lr;
  }
  [[nodiscard]] const RmspropConfig& config() const { return config_; }
  [[nodiscard]] long steps() const { return steps_; }
  [[nodiscard]] const Vector<Scalar>& square_average() const { return square_avg_; }

  /// The state a resumed run needs: the step count and the running averages.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("steps", steps_, archive::at_least(0));
    a.field("square_average", square_avg_, archive::all_finite());
    a.field("gradient_average", grad_avg_, archive::all_finite());
    a.field("momentum_buffer", momentum_buffer_, archive::all_finite());
  }

 private:
  RmspropConfig config_;
  Vector<Scalar> square_avg_, grad_avg_, momentum_buffer_, gradient_;
  long steps_ = 0;
};

}  // namespace ac::optim
