#pragma once
// MountainCarContinuous-v0, ported from Gymnasium's
// classic_control/continuous_mountain_car.py: the force is the action clipped
// to ±1, the reward charges the *unclipped* action (0.1·a², math.pow), +100
// on reaching the goal, and the state is stored as float32 after each step
// (float64 at reset, as in Gymnasium).

#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/mountain_car.hpp"
#include "actorcritic/envs/strict_fp.hpp"

#include <cmath>

namespace ac::envs {

class MountainCarContinuous : public EpisodicEnv<MountainCarContinuous>, public MountainCarTrack {
 public:
  using Action = Eigen::VectorXf;                  // force, Box(-1, 1, (1,))
  using Observation = MountainCarTrack::Observation;

  static constexpr std::string_view kId = "MountainCarContinuous-v0";
  static constexpr long kMaxEpisodeSteps = 999;
  static constexpr double kRewardThreshold = 90.0;

  static constexpr double kMinAction = -1.0;
  static constexpr double kMaxAction = 1.0;
  static constexpr double kGoalPosition = 0.45;  // not 0.5 as in MountainCar-v0
  static constexpr double kPower = 0.0015;

  MountainCarContinuous() = default;

  /// A reference to one constant space: every step checks its action against it (a Box holds heap vectors).
  [[nodiscard]] const Box& action_space() const {
    static const Box space(static_cast<float>(kMinAction), static_cast<float>(kMaxAction), 1);
    return space;
  }

 private:
  friend class EpisodicEnv<MountainCarContinuous>;

  AC_STRICT_FP_BEGIN

  Transition advance(const Action& action) {
    AC_STRICT_FP_FUNCTION
    const double a = static_cast<double>(action(0));
    const double force = std::min(std::max(a, kMinAction), kMaxAction);
    double velocity = velocity_ + (force * kPower - 0.0025 * std::cos(3 * position_));
    if (velocity > kMaxSpeed) velocity = kMaxSpeed;
    if (velocity < -kMaxSpeed) velocity = -kMaxSpeed;
    double position = position_ + velocity;
    if (position > kMaxPosition) position = kMaxPosition;
    if (position < kMinPosition) position = kMinPosition;
    if (position == kMinPosition && velocity < 0) velocity = 0.0;
    const bool terminated = position >= kGoalPosition && velocity >= kGoalVelocity;
    double reward = terminated ? 100.0 : 0.0;
    reward = reward - detail::python_square(a) * 0.1;
    position_ = detail::to_float32(position);  // np.array([...], dtype=np.float32)
    velocity_ = detail::to_float32(velocity);
    return {reward, terminated};
  }

  AC_STRICT_FP_END
};

}  // namespace ac::envs
