// A2C on CartPole-v1 with Stable-Baselines3's defaults (8 envs × 5 steps,
// separate 64×64 tanh actor and critic, RMSprop lr 7e-4, γ 0.99, λ 1,
// vf_coef 0.5, max_grad_norm 0.5), then an evaluation of the deterministic
// policy over 20 episodes.
//
//   a2c_cartpole [--steps N (200000)] [--seed S (0)] [--csv PATH (a2c_cartpole.csv)] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <string>

int main(int argc, char** argv) {
  return cli::guarded_main("a2c_cartpole", [&] {
    ExampleCommandLine options("a2c_cartpole", "A2C on CartPole-v1 with Stable-Baselines3's defaults.");
    options.with_steps(200'000).with_seed().with_csv("a2c_cartpole.csv").with_plot();
    options.parse(argc, argv);

    ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);  // SB3 A2C: n_envs 8
    ac::Generator init(options.seed);
    ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
    ac::Critic<float> critic(env.observation_dim(), {}, init);
    ac::A2C a2c(actor, critic);  // SB3 defaults
    train_with_progress(a2c, env, options, "A2C on CartPole-v1");
    print_evaluation("A2C", ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
    return 0;
  });
}
