// Your own environment, driven by hand, then trained, saved, loaded and acting
// (docs/train.md shows this file whole). WalkToGoal is the user environment
// of docs/envs.md. Exits 1 if the loaded policy acts otherwise than the run it
// was saved from.
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include <string>
#include <vector>

#include "walk_to_goal.hpp"

using Run = ac::Run<ac::A2C<ac::CategoricalActor<float>>, WalkToGoal>;

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : ".";  // where the outputs go

  // 0. Drive it by hand: a wrapper and a vector of 4 copies, with the obvious policy (step toward 0).
  using Counted = ac::envs::EpisodeStatistics<WalkToGoal>;
  ac::VectorEnv<Counted> envs(4, /*seed=*/7, Counted(WalkToGoal{}));
  std::vector<WalkToGoal::Action> actions(4);
  for (int t = 0; t < 40; ++t) {
    for (ac::Index i = 0; i < envs.size(); ++i) actions[std::size_t(i)] = envs.observations()(0, i) < 0 ? 1 : 0;
    envs.step(actions);
  }
  fmt::print("by hand: {} episodes, mean return {:.2f}\n", envs.episodes().total(), envs.episodes().mean_return());

  // 1. Train: A2C on 4 copies of the environment, 20k steps, seeded.
  Run run({.envs = 4, .seed = 2, .total_steps = 20'000, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}},
          Run::Settings{});  // A2C's defaults (SB3's)
  ac::CsvLog log(folder + "/walk.csv");  // one row per iteration, on disk as it comes
  long next_evaluation = 5'000;
  run.train([&](const ac::IterationInfo& info) {
    if (info.steps < next_evaluation) {
      log(info);
      return true;  // go on
    }
    // Every 5000 steps, evaluate the deterministic policy (the run is not disturbed by it)...
    const ac::EvaluationResult evaluation = run.evaluate(/*episodes=*/10, /*seed=*/1'000);
    log(info, &evaluation);
    next_evaluation += 5'000;
    return evaluation.mean_return < -3.5;  // ...and stop once it is near the optimum (about -2.9)
  });
  ac::plot_learning_curve(folder + "/walk.csv", folder + "/walk.png", "A2C on WalkToGoal");

  // 2. Save the whole run (written atomically; Run::load continues it bit for bit).
  run.save(folder + "/walk.ckpt");

  // 3. Load only what acting needs, e.g. in the program that deploys the policy.
  auto policy = ac::InferencePolicy<ac::CategoricalActor<float>>::load(folder + "/walk.ckpt");

  // 4. Act: one episode driven by the loaded policy, checked against the run's own act().
  WalkToGoal env;
  auto observation = env.reset(/*seed=*/42);
  double episode_return = 0.0;
  int disagreements = 0;
  for (bool done = false; !done;) {
    const auto action = static_cast<WalkToGoal::Action>(policy.act(observation));
    disagreements += action != run.act(observation);
    const auto step = env.step(action);
    episode_return += step.reward;
    observation = step.observation;
    done = step.terminated || step.truncated;
  }
  const auto result = run.evaluate(/*episodes=*/20, /*seed=*/5);
  fmt::print("trained {} steps; evaluation {:.2f} ± {:.2f}; the loaded policy's episode: return {}\n", run.steps(),
             result.mean_return, result.std_return, episode_return);
  if (disagreements > 0) {
    fmt::print(stderr, "the loaded policy and the run disagreed on {} actions\n", disagreements);
    return 1;
  }
  return 0;
}
