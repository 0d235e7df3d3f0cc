#pragma once
// Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019),
// with PyTorch's update order so that results match torch.optim:
//   Adam : g ← ∇ + λθ (L2, coupled)          AdamW: θ ← θ(1 − ηλ) (decoupled)
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
//   θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
// The two differ only in how weight decay enters: a policy class, as
// ensmallen composes its optimizers.

#include "actorcritic/core/binary_io.hpp"
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

  void validate() const {
    check_positive("AdamConfig.learning_rate", learning_rate);
    if (!(beta1 >= 0.0 && beta1 < 1.0)) throw_invalid_argument("AdamConfig.beta1: expected [0, 1), got {}", beta1);
    if (!(beta2 >= 0.0 && beta2 < 1.0)) throw_invalid_argument("AdamConfig.beta2: expected [0, 1), got {}", beta2);
    check_positive("AdamConfig.epsilon", epsilon);
    check_non_negative("AdamConfig.weight_decay", weight_decay);
  }
};

/// Weight decay as an L2 term added to the gradient (torch.optim.Adam).
struct CoupledWeightDecay {
  static constexpr double kDefaultWeightDecay = 0.0;
  template <class Scalar>
  static void apply(Vector<Scalar>& gradient, VectorRef<Scalar> params, double /*lr*/, double decay) {
    if (decay != 0.0) gradient += static_cast<Scalar>(decay) * params;
  }
};

/// Weight decay applied to the parameters directly, θ ← θ(1 − ηλ) (torch.optim.AdamW).
struct DecoupledWeightDecay {
  static constexpr double kDefaultWeightDecay = 1e-2;  // torch.optim.AdamW default
  template <class Scalar>
  static void apply(Vector<Scalar>& /*gradient*/, VectorRef<Scalar> params, double lr, double decay) {
    if (decay != 0.0) params *= static_cast<Scalar>(1.0 - lr * decay);
  }
};

template <RealScalar Scalar, class WeightDecay>
class AdamType {
 public:
  using Config = AdamConfig;

  /// Default configuration: PyTorch's, with weight decay 0 (Adam) or 0.01 (AdamW).
  static AdamConfig default_config() {
    AdamConfig config;
    config.weight_decay = WeightDecay::kDefaultWeightDecay;
    return config;
  }

  explicit AdamType(Index parameter_count) : AdamType(parameter_count, default_config()) {}

  AdamType(Index parameter_count, const AdamConfig& config) : config_(config) {
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
    WeightDecay::apply(gradient_, params, config_.learning_rate, config_.weight_decay);
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
  void set_learning_rate(double lr) {
    check_positive("Adam::set_learning_rate: lr", lr);
    config_.learning_rate = lr;
  }
  [[nodiscard]] const AdamConfig& config() const { return config_; }
  [[nodiscard]] long steps() const { return steps_; }
  [[nodiscard]] const Vector<Scalar>& first_moment() const { return m_; }
  [[nodiscard]] const Vector<Scalar>& second_moment() const { return v_; }

  /// The state a resumed run needs: step count and both moments.
  void save(ByteWriter& out) const {
    out.put(static_cast<std::int64_t>(steps_));
    out.put(config_.learning_rate);
    write_vector<Scalar>(out, m_);
    write_vector<Scalar>(out, v_);
  }
  void load(ByteReader& in) {
    const auto steps = in.get<std::int64_t>("Adam step count");
    const auto lr = in.get<double>("Adam learning rate");
    if (steps < 0 || !(lr > 0.0)) throw_io_error("{}: Adam state is invalid (steps {}, lr {})", in.source(), steps, lr);
    read_vector<Scalar>(in, m_, "Adam first moment");
    read_vector<Scalar>(in, v_, "Adam second moment");
    steps_ = static_cast<long>(steps);
    config_.learning_rate = lr;
  }

 private:
  AdamConfig config_;
  Vector<Scalar> m_, v_, gradient_;
  long steps_ = 0;
};

template <RealScalar Scalar>
using Adam = AdamType<Scalar, CoupledWeightDecay>;
template <RealScalar Scalar>
using AdamW = AdamType<Scalar, DecoupledWeightDecay>;

}  // namespace ac::optim
