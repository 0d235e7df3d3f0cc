// PPO with a Gaussian policy on Pendulum-v1 (continuous torque), after
// RLtools' configuration (ac::presets::ppo_pendulum: 64 envs × 128 steps,
// minibatch 1024, 10 epochs, γ 0.9, initial σ 2, 32×32 tanh, learning rate
// 1e-3) with observation and reward normalization shared by all envs (SB3
// VecNormalize). The buffer keeps the sampled, unclipped torques; the
// environments receive them clipped to [−2, 2]. Evaluation uses the mean action
// and the frozen normalization statistics.
//
//   ppo_pendulum [--steps N (300000)] [--seed S (0)] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("ppo_pendulum", [&] {
    ExampleCommandLine options("ppo_pendulum", "PPO with a Gaussian policy on Pendulum-v1 (RLtools' configuration).");
    options.with_steps(300'000).with_seed().with_csv("ppo_pendulum.csv").with_plot();
    options.parse(argc, argv);

    ac::VectorEnv<ac::envs::Pendulum> env(ac::presets::kPpoPendulumEnvs, options.seed);
    ac::Generator init(options.seed);
    ac::GaussianActor<float> actor(env.observation_dim(), env.action_dim(), ac::presets::pendulum_actor(), init);
    ac::Critic<float> critic(env.observation_dim(), ac::presets::pendulum_critic(), init);
    ac::VecNormalize normalize(env.observation_dim(), env.size(), ac::presets::pendulum_normalization());
    ac::PPO ppo(actor, critic, ac::presets::ppo_pendulum());

    train_with_progress(ppo, env, options, "PPO on Pendulum-v1", &normalize);
    normalize.set_training(false);
    print_evaluation("PPO", ac::evaluate(actor, ac::envs::Pendulum{}, 20, options.seed + 1000, &normalize), options);
    return 0;
  });
}
