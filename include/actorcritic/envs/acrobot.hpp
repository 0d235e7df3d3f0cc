#pragma once
// Acrobot-v1 (Sutton 1996; dynamics "book" from Sutton & Barto), ported from
// Gymnasium's classic_control/acrobot.py: one classical RK4 step of 0.2 s on
// [θ₁, θ₂, θ̇₁, θ̇₂, torque], angles wrapped by repeated ±2π, velocities
// bounded, reward −1 until the tip rises above the bar. Python's `**2` is
// libm pow; the reset state is float32.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/strict_fp.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace ac::envs {

class Acrobot : public EpisodicEnv<Acrobot> {
 public:
  using Action = std::int64_t;  // torque −1, 0, +1
  using Observation = Eigen::Matrix<float, 6, 1>;  // cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂

  static constexpr std::string_view kId = "Acrobot-v1";
  static constexpr long kMaxEpisodeSteps = 500;
  static constexpr double kRewardThreshold = -100.0;

  static constexpr double kDt = 0.2;
  static constexpr double kLinkLength1 = 1.0;
  static constexpr double kLinkMass1 = 1.0;
  static constexpr double kLinkMass2 = 1.0;
  static constexpr double kLinkComPos1 = 0.5;
  static constexpr double kLinkComPos2 = 0.5;
  static constexpr double kLinkMoi = 1.0;
  static constexpr double kMaxVel1 = 4 * std::numbers::pi;
  static constexpr double kMaxVel2 = 9 * std::numbers::pi;
  static constexpr std::array<double, 3> kTorques{-1.0, 0.0, 1.0};

  Acrobot() = default;

  [[nodiscard]] Box observation_space() const {
    Eigen::VectorXf high(6);
    high << 1.0f, 1.0f, 1.0f, 1.0f, static_cast<float>(kMaxVel1), static_cast<float>(kMaxVel2);
    return Box(-high, high);
  }
  [[nodiscard]] Discrete action_space() const { return Discrete(3); }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::Map<const Eigen::Vector4d>(s_.data()); }

 private:
  friend class EpisodicEnv<Acrobot>;
  using Augmented = std::array<double, 5>;  // θ₁, θ₂, θ̇₁, θ̇₂, torque

  AC_STRICT_FP_BEGIN

  void reset_state(Generator& rng) {
    AC_STRICT_FP_FUNCTION
    for (double& v : s_) v = detail::to_float32(rng.uniform(-0.1, 0.1));  // .astype(np.float32)
  }
  void load_state(const Eigen::VectorXd& s) {
    AC_STRICT_FP_FUNCTION
    for (int i = 0; i < 4; ++i) s_[i] = s(i);
  }
  [[nodiscard]] Observation observation() const {
    AC_STRICT_FP_FUNCTION
    Observation o;
    o << detail::to_float32(std::cos(s_[0])), detail::to_float32(std::sin(s_[0])),
        detail::to_float32(std::cos(s_[1])), detail::to_float32(std::sin(s_[1])), detail::to_float32(s_[2]),
        detail::to_float32(s_[3]);
    return o;
  }

  // Gymnasium's _dsdt, "book" dynamics, with Python's evaluation order.
  static Augmented dsdt(const Augmented& y) {
    AC_STRICT_FP_FUNCTION
    using detail::python_square;
    using std::cos, std::sin;
    constexpr double m1 = kLinkMass1, m2 = kLinkMass2, l1 = kLinkLength1;
    constexpr double lc1 = kLinkComPos1, lc2 = kLinkComPos2, I1 = kLinkMoi, I2 = kLinkMoi, g = 9.8;
    constexpr double pi = std::numbers::pi;
    const double a = y[4];
    const double theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3];
    // cos(θ₂) and sin(θ₂) appear 2 and 3 times in Gymnasium's expressions; the
    // same call gives the same bits, so each is evaluated once.
    const double cos_theta2 = cos(theta2);
    const double sin_theta2 = sin(theta2);
    // Squares of the constants are exact in any libm (0.5² = 0.25, 1² = 1), so
    // they are folded at compile time; squares of state variables are libm pow's (python_square).
    constexpr double lc1_sq = lc1 * lc1, l1_sq = l1 * l1, lc2_sq = lc2 * lc2;
    const double d1 = m1 * lc1_sq + m2 * (l1_sq + lc2_sq + 2 * l1 * lc2 * cos_theta2) + I1 + I2;
    const double d2 = m2 * (lc2_sq + l1 * lc2 * cos_theta2) + I2;
    const double phi2 = m2 * lc2 * g * cos(theta1 + theta2 - pi / 2.0);
    const double phi1 = -m2 * l1 * lc2 * python_square(dtheta2) * sin_theta2 -
                        2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin_theta2 +
                        (m1 * lc1 + m2 * l1) * g * cos(theta1 - pi / 2) + phi2;
    const double ddtheta2 =
        (a + d2 / d1 * phi1 - m2 * l1 * lc2 * python_square(dtheta1) * sin_theta2 - phi2) /
        (m2 * lc2_sq + I2 - python_square(d2) / d1);
    const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    return {dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0};
  }

  static Augmented add_scaled(const Augmented& y, double h, const Augmented& k) {
    AC_STRICT_FP_FUNCTION
    Augmented out;
    for (std::size_t i = 0; i < 5; ++i) out[i] = y[i] + h * k[i];
    return out;
  }

  static double wrap(double x, double low, double high) {
    AC_STRICT_FP_FUNCTION
    const double diff = high - low;
    while (x > high) x = x - diff;
    while (x < low) x = x + diff;
    return x;
  }

  Transition advance(Action action) {
    AC_STRICT_FP_FUNCTION
    const Augmented y0{s_[0], s_[1], s_[2], s_[3], kTorques[static_cast<std::size_t>(action)]};
    // Gymnasium's rk4 with t = [0, dt]: dt2 = dt / 2.0.
    const double dt = kDt - 0.0;
    const double dt2 = dt / 2.0;
    const Augmented k1 = dsdt(y0);
    const Augmented k2 = dsdt(add_scaled(y0, dt2, k1));
    const Augmented k3 = dsdt(add_scaled(y0, dt2, k2));
    const Augmented k4 = dsdt(add_scaled(y0, dt, k3));
    std::array<double, 4> ns;
    for (std::size_t i = 0; i < 4; ++i) ns[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    constexpr double pi = std::numbers::pi;
    s_[0] = wrap(ns[0], -pi, pi);
    s_[1] = wrap(ns[1], -pi, pi);
    s_[2] = detail::clip(ns[2], -kMaxVel1, kMaxVel1);
    s_[3] = detail::clip(ns[3], -kMaxVel2, kMaxVel2);
    const bool terminated = -std::cos(s_[0]) - std::cos(s_[1] + s_[0]) > 1.0;
    return {terminated ? 0.0 : -1.0, terminated};
  }

  AC_STRICT_FP_END

  std::array<double, 4> s_{};
};

}  // namespace ac::envs
