#pragma once
// MountainCar-v0 (Moore 1990), ported from Gymnasium's
// classic_control/mountain_car.py: math.cos, clipping of velocity and
// position, the inelastic left wall, reward −1 on every step.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/strict_fp.hpp"

#include <cmath>

namespace ac::envs {

/// The track both mountain-car tasks share (Moore 1990; Gymnasium's constants),
/// and the state they keep on it: position and velocity in float64, reset to
/// position ~ U(−0.6, −0.4), velocity 0.
class MountainCarTrack {
 public:
  static constexpr double kMinPosition = -1.2;
  static constexpr double kMaxPosition = 0.6;
  static constexpr double kMaxSpeed = 0.07;
  static constexpr double kGoalVelocity = 0.0;

  using Observation = Eigen::Matrix<float, 2, 1>;  // position, velocity

  /// Box([min_position, −max_speed], [max_position, max_speed]) in float32.
  [[nodiscard]] Box observation_space() const {
    Eigen::VectorXf low(2), high(2);
    low << static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed);
    high << static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed);
    return Box(low, high);
  }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::Vector2d(position_, velocity_); }

 protected:
  AC_STRICT_FP_BEGIN
  void reset_state(Generator& rng) {
    AC_STRICT_FP_FUNCTION
    position_ = rng.uniform(-0.6, -0.4);  // high − low is 0.19999999999999996, as in numpy
    velocity_ = 0.0;
  }
  void load_state(const Eigen::VectorXd& s) {
    AC_STRICT_FP_FUNCTION
    position_ = s(0);
    velocity_ = s(1);
  }
  [[nodiscard]] Observation observation() const {
    AC_STRICT_FP_FUNCTION
    return Observation(detail::to_float32(position_), detail::to_float32(velocity_));
  }
  AC_STRICT_FP_END

  double position_ = 0.0, velocity_ = 0.0;
};

class MountainCar : public EpisodicEnv<MountainCar>, public MountainCarTrack {
 public:
  using Action = std::int64_t;                     // 0: push left, 1: none, 2: push right
  using Observation = MountainCarTrack::Observation;

  static constexpr std::string_view kId = "MountainCar-v0";
  static constexpr long kMaxEpisodeSteps = 200;
  static constexpr double kRewardThreshold = -110.0;

  static constexpr double kGoalPosition = 0.5;
  static constexpr double kForce = 0.001;
  static constexpr double kGravity = 0.0025;

  MountainCar() = default;

  [[nodiscard]] Discrete action_space() const { return Discrete(3); }

 private:
  friend class EpisodicEnv<MountainCar>;

  AC_STRICT_FP_BEGIN

  Transition advance(Action action) {
    AC_STRICT_FP_FUNCTION
    // velocity += (action − 1)·force + cos(3·position)·(−gravity): the sum on
    // the right is formed first, then added.
    velocity_ = velocity_ + (static_cast<double>(action - 1) * kForce + std::cos(3 * position_) * (-kGravity));
    velocity_ = detail::clip(velocity_, -kMaxSpeed, kMaxSpeed);
    position_ = position_ + velocity_;
    position_ = detail::clip(position_, kMinPosition, kMaxPosition);
    if (position_ == kMinPosition && velocity_ < 0) velocity_ = 0.0;
    const bool terminated = position_ >= kGoalPosition && velocity_ >= kGoalVelocity;
    return {-1.0, terminated};
  }

  AC_STRICT_FP_END
};

}  // namespace ac::envs
