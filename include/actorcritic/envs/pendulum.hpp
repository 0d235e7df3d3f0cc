#pragma once
// Pendulum-v1, ported from Gymnasium's classic_control/pendulum.py: the
// torque is clipped to ±2, the cost uses the state before the step, the
// angle in the state is never wrapped (angle_normalize is Python's floored
// modulo), and Python's `**2` is libm pow.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/strict_fp.hpp"

#include <cmath>
#include <numbers>

namespace ac::envs {

class Pendulum : public EpisodicEnv<Pendulum> {
 public:
  using Action = Eigen::VectorXf;                  // torque, Box(-2, 2, (1,))
  using Observation = Eigen::Matrix<float, 3, 1>;  // cos θ, sin θ, θ̇

  static constexpr std::string_view kId = "Pendulum-v1";
  static constexpr long kMaxEpisodeSteps = 200;

  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kMaxTorque = 2.0;
  static constexpr double kDt = 0.05;
  static constexpr double kG = 10.0;
  static constexpr double kM = 1.0;
  static constexpr double kL = 1.0;

  Pendulum() = default;

  [[nodiscard]] Box observation_space() const {
    Eigen::VectorXf high(3);
    high << 1.0f, 1.0f, static_cast<float>(kMaxSpeed);
    return Box(-high, high);
  }
  /// A reference to one constant space: every step checks its action against it (a Box holds heap vectors).
  [[nodiscard]] const Box& action_space() const {
    static const Box space(static_cast<float>(-kMaxTorque), static_cast<float>(kMaxTorque), 1);
    return space;
  }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::Vector2d(theta_, theta_dot_); }

 private:
  friend class EpisodicEnv<Pendulum>;

  AC_STRICT_FP_BEGIN

  void reset_state(Generator& rng) {
    AC_STRICT_FP_FUNCTION
    theta_ = rng.uniform(-std::numbers::pi, std::numbers::pi);
    theta_dot_ = rng.uniform(-1.0, 1.0);
    update_trig();
  }
  void load_state(const Eigen::VectorXd& s) {
    AC_STRICT_FP_FUNCTION
    theta_ = s(0);
    theta_dot_ = s(1);
    update_trig();
  }

  // sin θ serves this step's observation and the next step's dynamics: one call, same bits.
  void update_trig() {
    AC_STRICT_FP_FUNCTION
    cos_theta_ = std::cos(theta_);
    sin_theta_ = std::sin(theta_);
  }

  [[nodiscard]] Observation observation() const {
    AC_STRICT_FP_FUNCTION
    return Observation(detail::to_float32(cos_theta_), detail::to_float32(sin_theta_),
                       detail::to_float32(theta_dot_));
  }

  static double angle_normalize(double x) {
    AC_STRICT_FP_FUNCTION
    return detail::floored_mod(x + std::numbers::pi, 2 * std::numbers::pi) - std::numbers::pi;
  }

  Transition advance(const Action& action) {
    AC_STRICT_FP_FUNCTION
    // The float32 action is promoted to double (numpy 1.x), then clipped.
    const double u = detail::clip(static_cast<double>(action(0)), -kMaxTorque, kMaxTorque);
    const double cost = detail::python_square(angle_normalize(theta_)) +
                        0.1 * detail::python_square(theta_dot_) + 0.001 * detail::python_square(u);
    // l² of the constant l = 1 is exact in any libm, so it is folded (as in Acrobot); squares of the state are
    // libm pow's (python_square).
    constexpr double kLengthSquared = kL * kL;
    double new_theta_dot = theta_dot_ + (3 * kG / (2 * kL) * sin_theta_ + 3.0 / (kM * kLengthSquared) * u) * kDt;
    new_theta_dot = detail::clip(new_theta_dot, -kMaxSpeed, kMaxSpeed);
    theta_ = theta_ + new_theta_dot * kDt;
    theta_dot_ = new_theta_dot;
    update_trig();
    return {-cost, false};
  }

  AC_STRICT_FP_END

  double theta_ = 0.0, theta_dot_ = 0.0;
  double cos_theta_ = 1.0, sin_theta_ = 0.0;
};

}  // namespace ac::envs
