#pragma once
// A user's environment, as docs/envs.md builds it: a one-dimensional "walk to
// the goal" task in a few dozen lines. It satisfies ac::envs::Env, so
// VectorEnv, every wrapper and ac::Run accept it (examples/train_your_own.cpp;
// tests/algorithms/test_a2c.cpp trains it).
#include <actorcritic/core/generator.hpp>
#include <actorcritic/envs/env.hpp>
#include <actorcritic/envs/space.hpp>

#include <cstdint>
#include <string_view>

// The agent starts somewhere in [-5, 5] and moves left (0) or right (1) by one;
// each step costs 1, reaching 0 ends the episode; 50 steps at most.
class WalkToGoal {
 public:
  using Action = int;  // any integer type, or Eigen::VectorXf for a Box
  using Observation = Eigen::Matrix<float, 1, 1>;  // the position

  std::string_view id() const { return "WalkToGoal-v0"; }
  ac::envs::Box observation_space() const { return ac::envs::Box(-100.0f, 100.0f, 1); }
  ac::envs::Discrete action_space() const { return ac::envs::Discrete(2); }

  Observation reset(std::uint64_t seed) {
    rng_ = ac::Generator(seed);
    return reset();
  }
  Observation reset() {
    position_ = static_cast<double>(static_cast<std::int64_t>(rng_.integer(11)) - 5);
    steps_ = 0;
    return observation();
  }
  ac::envs::StepResult<Observation> step(const Action& action) {
    ac::envs::check_action(id(), action_space(), action);  // clear error on a bad action
    position_ += action == 1 ? 1.0 : -1.0;
    ++steps_;
    const bool at_goal = position_ == 0.0;
    return {observation(), -1.0, at_goal, !at_goal && steps_ >= max_steps_};
  }

  Eigen::VectorXd state() const { return Eigen::VectorXd::Constant(1, position_); }
  void set_state(const Eigen::VectorXd& s) { position_ = s(0); }
  long max_episode_steps() const { return max_steps_; }
  void set_max_episode_steps(long steps) { max_steps_ = steps; }

  /// Names the state for checkpoints (ac::Run saves every environment).
  template <class Archive>
  void serialize(Archive& a) {
    a.field("rng", rng_);
    a.field("position", position_);
    a.field("steps", steps_);
    a.field("max_steps", max_steps_);
  }

 private:
  Observation observation() const { return Observation(static_cast<float>(position_)); }

  ac::Generator rng_{0};
  double position_ = 0.0;
  long steps_ = 0;
  long max_steps_ = 50;
};

static_assert(ac::envs::check_env<WalkToGoal>());  // one readable error if the interface is incomplete
