#pragma once
// Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019),
// with PyTorch's update order so that results match torch.optim:
//   Adam : g ← ∇ + λθ (L2, coupled)          AdamW: θ ← θ(1 − ηλ) (decoupled)
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
//   θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
// The two differ only in how weight decay enters, which
// AdamConfig::decoupled_weight_decay chooses (the same meaning everywhere).

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/exact_math.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>

namespace ac::optim {

struct AdamConfig {
  double learning_rate = 1e-3;  // PyTorch default
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.0;
  /// How weight decay enters: false, an L2 term added to the gradient
  /// (torch.optim.Adam); true, θ ← θ(1 − ηλ) before the Adam step
  /// (torch.optim.AdamW). The same meaning in every algorithm.
  bool decoupled_weight_decay = false;

  /// torch.optim.AdamW's defaults: weight decay 0.01, decoupled.
  static AdamConfig adamw() { return {.weight_decay = 1e-2, .decoupled_weight_decay = true}; }

  template <class Archive>
  void serialize(Archive& a) {
    a.field("learning_rate", learning_rate);
    a.field("beta1", beta1);
    a.field("beta2", beta2);
    a.field("epsilon", epsilon);
    a.field("weight_decay", weight_decay);
    a.field("decoupled_weight_decay", decoupled_weight_decay);
  }

  void validate() const {
    check_positive("AdamConfig.learning_rate", learning_rate);
    if (!(beta1 >= 0.0 && beta1 < 1.0)) throw_invalid_argument("AdamConfig.beta1: expected [0, 1), got {}", beta1);
    if (!(beta2 >= 0.0 && beta2 < 1.0)) throw_invalid_argument("AdamConfig.beta2: expected [0, 1), got {}", beta2);
    check_positive("AdamConfig.epsilon", epsilon);
    check_non_negative("AdamConfig.weight_decay", weight_decay);
  }
};

template <RealScalar Scalar>
class Adam {
 public:
  using Config = AdamConfig;

  explicit Adam(Index parameter_count, const AdamConfig& config = {}) : config_(config) {
    config_.validate();
    check_positive("Adam: parameter_count", parameter_count);
    m_ = Vector<Scalar>::Zero(parameter_count);
    v_ = Vector<Scalar>::Zero(parameter_count);
    gradient_ = Vector<Scalar>::Zero(parameter_count);
  }

  void step(VectorRef<Scalar> params, ConstVectorRef<Scalar> grads) {
    if (params.size() != m_.size() || grads.size() != m_.size()) {
      throw_invalid_argument("Adam::step: expected params and grads of size {}, got {} and {}", m_.size(),
                             params.size(), grads.size());
    }
    ++steps_;
    gradient_ = grads;
    if (config_.weight_decay != 0.0) {
      if (config_.decoupled_weight_decay) {
        params *= static_cast<Scalar>(1.0 - config_.learning_rate * config_.weight_decay);
      } else {
        gradient_ += static_cast<Scalar>(config_.weight_decay) * params;
      }
    }
    const auto b1 = static_cast<Scalar>(config_.beta1);
    const auto b2 = static_cast<Scalar>(config_.beta2);
    m_ = b1 * m_ + (Scalar(1) - b1) * gradient_;
    v_ = b2 * v_ + (Scalar(1) - b2) * gradient_.cwiseAbs2();
    const double t = static_cast<double>(steps_);
    const double bias_correction1 = 1.0 - std::pow(config_.beta1, t);
    const double bias_correction2 = 1.0 - std::pow(config_.beta2, t);
    const auto step_size = static_cast<Scalar>(config_.learning_rate / bias_correction1);
    const auto inv_sqrt_bc2 = static_cast<Scalar>(1.0 / std::sqrt(bias_correction2));
    const auto eps = static_cast<Scalar>(config_.epsilon);
    params.array() -= step_size * m_.array() / (exact_sqrt(v_.array()) * inv_sqrt_bc2 + eps);
  }

  [[nodiscard]] double learning_rate() const { return config_.learning_rate; }
  /// Schedules set the rate before each update; a checkpoint stores the
  /// configured rate with the hyperparameters, not here.
  /// 0 is allowed: a schedule that decays to zero (PPO's linear one, at the update after the budget is
  /// spent) ends there, and the step then moves no parameter while the moments still update, as in PyTorch.
  void set_learning_rate(double lr) {
    check_non_negative("Adam::set_learning_rate: lr", lr);
    config_.learning_rate = lr;
  }
  [[nodiscard]] const AdamConfig& config() const { return config_; }
  [[nodiscard]] long steps() const { return steps_; }
  [[nodiscard]] const Vector<Scalar>& first_moment() const { return m_; }
  [[nodiscard]] const Vector<Scalar>& second_moment() const { return v_; }

  /// The state a resumed run needs: the step count and both moments.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("steps", steps_, archive::at_least(0));
    a.field("first_moment", m_, archive::all_finite());
    a.field("second_moment", v_, archive::all_finite());
  }

 private:
  AdamConfig config_;
  Vector<Scalar> m_, v_, gradient_;
  long steps_ = 0;
};

}  // namespace ac::optim
