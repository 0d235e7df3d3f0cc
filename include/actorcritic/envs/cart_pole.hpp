#pragma once
// CartPole-v1 (Barto, Sutton & Anderson 1983), ported from Gymnasium's
// classic_control/cartpole.py with its constants, explicit Euler integration
// and float32 observations, so that trajectories match Gymnasium bit for bit.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/strict_fp.hpp"

#include <cmath>
#include <numbers>

namespace ac::envs {

class CartPole : public EpisodicEnv<CartPole> {
 public:
  using Action = std::int64_t;  // 0: push left, 1: push right
  using Observation = Eigen::Matrix<float, 4, 1>;  // x, x_dot, theta, theta_dot

  static constexpr std::string_view kId = "CartPole-v1";
  static constexpr long kMaxEpisodeSteps = 500;
  static constexpr double kRewardThreshold = 475.0;

  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassPole + kMassCart;
  static constexpr double kLength = 0.5;  // half the pole's length
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;
  static constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360;
  static constexpr double kXThreshold = 2.4;

  CartPole() = default;

  [[nodiscard]] Box observation_space() const {
    const float inf = kInfinity;
    Eigen::VectorXf high(4);
    high << static_cast<float>(kXThreshold * 2), inf, static_cast<float>(kThetaThreshold * 2), inf;
    return Box(-high, high);
  }
  [[nodiscard]] Discrete action_space() const { return Discrete(2); }

  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::Vector4d(x_, x_dot_, theta_, theta_dot_); }

 private:
  friend class EpisodicEnv<CartPole>;

  AC_STRICT_FP_BEGIN

  void reset_state(Generator& rng) {
    AC_STRICT_FP_FUNCTION
    x_ = rng.uniform(-0.05, 0.05);
    x_dot_ = rng.uniform(-0.05, 0.05);
    theta_ = rng.uniform(-0.05, 0.05);
    theta_dot_ = rng.uniform(-0.05, 0.05);
  }

  void load_state(const Eigen::VectorXd& s) {
    AC_STRICT_FP_FUNCTION
    x_ = s(0);
    x_dot_ = s(1);
    theta_ = s(2);
    theta_dot_ = s(3);
  }

  [[nodiscard]] Observation observation() const {
    AC_STRICT_FP_FUNCTION
    return Observation(detail::to_float32(x_), detail::to_float32(x_dot_), detail::to_float32(theta_),
                       detail::to_float32(theta_dot_));
  }

  Transition advance(Action action) {
    AC_STRICT_FP_FUNCTION
    const double force = action == 1 ? kForceMag : -kForceMag;
    const double costheta = std::cos(theta_);
    const double sintheta = std::sin(theta_);
    // Left to right as in Python; np.square(v) is v * v.
    const double temp = (force + kPoleMassLength * (theta_dot_ * theta_dot_) * sintheta) / kTotalMass;
    const double thetaacc = (kGravity * sintheta - costheta * temp) /
                            (kLength * (4.0 / 3.0 - kMassPole * (costheta * costheta) / kTotalMass));
    const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
    // Explicit Euler: positions advance with the old velocities.
    x_ = x_ + kTau * x_dot_;
    x_dot_ = x_dot_ + kTau * xacc;
    theta_ = theta_ + kTau * theta_dot_;
    theta_dot_ = theta_dot_ + kTau * thetaacc;
    const bool terminated =
        x_ < -kXThreshold || x_ > kXThreshold || theta_ < -kThetaThreshold || theta_ > kThetaThreshold;
    return {1.0, terminated};
  }

  AC_STRICT_FP_END

  double x_ = 0.0, x_dot_ = 0.0, theta_ = 0.0, theta_dot_ = 0.0;
};

}  // namespace ac::envs
