// TRPO (or, with --npg, the natural policy gradient without line search) on
// CartPole-v1: ac::presets::trpo_cartpole (sb3-contrib's δ 0.01, 15 CG steps,
// damping 0.1, backtracking 0.8 × 10; 8 envs × 64 steps, λ 0.98, 20 critic
// epochs of Adam 1e-3). Logs the KL of every step and the accepted fraction.
//
//   trpo_cartpole [--steps N (100000)] [--seed S (0)] [--npg] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

int main(int argc, char** argv) try {
  const auto options = parse_example_options(
      argc, argv, "usage: trpo_cartpole [--steps N (100000)] [--seed S (0)] [--npg] [--csv PATH] [--plot PATH.png]",
      100'000, "trpo_cartpole.csv", {"--npg"});
  auto config = ac::presets::trpo_cartpole();
  config.trust_region.line_search = !options.has("--npg");
  const char* name = options.has("--npg") ? "NPG" : "TRPO";
  ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
  ac::Generator init(options.seed);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
  ac::Critic<float> critic(env.observation_dim(), {}, init);
  ac::TRPO trpo(actor, critic, config);

  train_with_progress(trpo, env, options, options.steps, fmt::format("{} on CartPole-v1", name));
  print_evaluation(name, ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "trpo_cartpole: {}\n", error.what());
  return 2;
}
