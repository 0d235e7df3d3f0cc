// Bring your own environment: a one-dimensional "walk to the goal" task in a
// few dozen lines. It satisfies ac::envs::Env, so VectorEnv and every wrapper
// accept it. (See docs/envs.md.)
#include <actorcritic/envs/episode_statistics.hpp>
#include <actorcritic/envs/vector_env.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <vector>

// The agent starts somewhere in [-5, 5] and moves left (0) or right (1) by one;
// each step costs 1, reaching 0 ends the episode; 50 steps at most.
class WalkToGoal {
 public:
  using Action = std::int64_t;
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

 private:
  Observation observation() const { return Observation(static_cast<float>(position_)); }

  ac::Generator rng_{0};
  double position_ = 0.0;
  long steps_ = 0;
  long max_steps_ = 50;
};

static_assert(ac::envs::check_env<WalkToGoal>());  // one readable error if the interface is incomplete

int main() {
  // A wrapper and a vector of 4 copies, driven by the obvious policy: step toward 0.
  using Env = ac::envs::EpisodeStatistics<WalkToGoal>;
  ac::VectorEnv<Env> envs(4, /*seed=*/7, Env(WalkToGoal{}));
  std::vector<std::int64_t> actions(4);
  for (int t = 0; t < 40; ++t) {
    for (ac::Index i = 0; i < envs.size(); ++i) actions[static_cast<std::size_t>(i)] = envs.observations()(0, i) < 0 ? 1 : 0;
    envs.step(actions);
  }
  fmt::print("{} episodes, mean return {:.2f}, mean length {:.2f}\n", envs.episodes().total(),
             envs.episodes().mean_return(), envs.episodes().mean_length());
  return envs.episodes().total() > 0 ? 0 : 1;
}
