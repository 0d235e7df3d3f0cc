// Bring your own environment (walk_to_goal.hpp: a one-dimensional "walk to
// the goal" task in a few dozen lines): drive it by hand through a wrapper and
// a VectorEnv, then train A2C on it with ac::Run. (See docs/envs.md.)
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <vector>

#include "walk_to_goal.hpp"

int main() {
  // A wrapper and a vector of 4 copies, driven by the obvious policy: step toward 0.
  using Env = ac::envs::EpisodeStatistics<WalkToGoal>;
  ac::VectorEnv<Env> envs(4, /*seed=*/7, Env(WalkToGoal{}));
  std::vector<WalkToGoal::Action> actions(4);
  for (int t = 0; t < 40; ++t) {
    for (ac::Index i = 0; i < envs.size(); ++i) actions[static_cast<std::size_t>(i)] = envs.observations()(0, i) < 0 ? 1 : 0;
    envs.step(actions);
  }
  fmt::print("by hand: {} episodes, mean return {:.2f}, mean length {:.2f}\n", envs.episodes().total(),
             envs.episodes().mean_return(), envs.episodes().mean_length());

  // Trained: A2C on 4 copies (walking straight to the goal averages 32/11, about -2.9).
  using Run = ac::Run<ac::A2C<ac::CategoricalActor<float>>, WalkToGoal>;
  Run run({.envs = 4, .seed = 2, .total_steps = 20'000, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}}, {});
  run.train();
  const auto result = run.evaluate(/*episodes=*/20, /*seed=*/5);
  fmt::print("A2C after {} steps: evaluation over {} episodes: {:.2f} ± {:.2f}\n", run.steps(), result.episodes,
             result.mean_return, result.std_return);
  return envs.episodes().total() > 0 ? 0 : 1;
}
