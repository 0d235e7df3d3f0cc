// TRPO (or, with --variant npg, the natural policy gradient without line search) on
// CartPole-v1: ac::presets::trpo_cartpole (sb3-contrib's δ 0.01, 15 CG steps,
// damping 0.1, backtracking 0.8 × 10; 8 envs × 64 steps, λ 0.98, 20 critic
// epochs of Adam 1e-3). Logs the KL of every step and the accepted fraction.
//
//   trpo_cartpole [--steps N (100000)] [--seed S (0)] [--variant trpo|npg (trpo)] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("trpo_cartpole", [&] {
    ExampleCommandLine options("trpo_cartpole", "TRPO or the natural policy gradient on CartPole-v1.");
    options.with_steps(100'000).with_seed().with_csv("trpo_cartpole.csv").with_plot();
    std::string variant = "trpo";
    options.flags.text("--variant", "trpo: with the line search; npg: the natural gradient step alone", variant,
                       {"trpo", "npg"});
    options.parse(argc, argv);

    auto config = ac::presets::trpo_cartpole();
    config.trust_region.line_search = variant == "trpo";
    const std::string name = variant == "trpo" ? "TRPO" : "NPG";
    ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
    ac::Generator init(options.seed);
    ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
    ac::Critic<float> critic(env.observation_dim(), {}, init);
    ac::TRPO trpo(actor, critic, config);

    train_with_progress(trpo, env, options, name + " on CartPole-v1");
    print_evaluation(name, ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
    return 0;
  });
}
