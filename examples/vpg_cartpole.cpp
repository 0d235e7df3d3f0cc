// The value policy gradient on CartPole-v1: the critic's estimate of the
// return of the action taken, r + γ(1 − d)V(s′), multiplies ∇log π (no
// baseline), and the critic is trained by TD on the same target. Same
// networks and loop as A2C; RMSprop at 1e-4, 7× smaller than A2C's, because
// the weights are returns (≈ 0–100), not advantages. It improves
// steadily but, without a baseline, far more slowly than A2C.
//
//   vpg_cartpole [--steps N (300000)] [--seed S (0)] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("vpg_cartpole", [&] {
    ExampleCommandLine options("vpg_cartpole", "The value policy gradient on CartPole-v1.");
    options.with_steps(300'000).with_seed().with_csv("vpg_cartpole.csv").with_plot();
    options.parse(argc, argv);

    ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
    ac::Generator init(options.seed);
    ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
    ac::Critic<float> critic(env.observation_dim(), {}, init);
    ac::ValuePolicyGradient vpg(actor, critic, {.optimizer = ac::optim::RmspropConfig{.learning_rate = 1e-4}});

    train_with_progress(vpg, env, options, "Value policy gradient on CartPole-v1");
    print_evaluation("VPG", ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
    return 0;
  });
}
