#pragma once
// The lecture's single-state environment: one state, a continuous action
// a ∈ ℝᵈ, reward −‖a − goal‖² (never positive), and one-step episodes. With
// every return negative, plain REINFORCE pushes down the log-probability of
// whatever it sampled, so the policy oscillates; recentring the returns or
// using an advantage fixes it. That is the demonstration this exists for.

#include "actorcritic/envs/env.hpp"

namespace ac::envs {

class SingleStateBandit : public EpisodicEnv<SingleStateBandit> {
 public:
  using Action = Eigen::VectorXf;
  using Observation = Eigen::Matrix<float, 1, 1>;  // a constant 1: there is only one state

  static constexpr std::string_view kId = "SingleStateBandit-v0";
  static constexpr long kMaxEpisodeSteps = 1;

  /// `goal` is the best action; its size is the action dimension.
  explicit SingleStateBandit(Eigen::VectorXf goal = Eigen::VectorXf::Ones(1))
      : goal_(checked_goal(std::move(goal))), action_space_(-kInfinity, kInfinity, goal_.size()) {}

  [[nodiscard]] Box observation_space() const { return Box(1.0f, 1.0f, 1); }
  [[nodiscard]] const Box& action_space() const { return action_space_; }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::VectorXd(0); }
  [[nodiscard]] const Eigen::VectorXf& goal() const { return goal_; }

 private:
  friend class EpisodicEnv<SingleStateBandit>;

  static Eigen::VectorXf checked_goal(Eigen::VectorXf goal) {
    if (goal.size() == 0 || !goal.allFinite()) {
      throw_invalid_argument("SingleStateBandit: goal: expected a non-empty finite vector");
    }
    return goal;
  }

  void reset_state(Generator&) {}
  void load_state(const Eigen::VectorXd&) {}
  [[nodiscard]] Observation observation() const { return Observation::Ones(); }

  Transition advance(const Action& action) {
    return {-(action.cast<double>() - goal_.cast<double>()).squaredNorm(), true};
  }

  Eigen::VectorXf goal_;
  Box action_space_;  // stored: every step checks its action against it
};

}  // namespace ac::envs
