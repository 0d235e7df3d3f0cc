// PPO-clip on CartPole-v1 with rl-baselines3-zoo's tuned hyperparameters
// (hyperparams/ppo.yml, CartPole-v1): 8 envs × 32 steps, minibatch 256,
// 20 epochs, γ 0.98, λ 0.8, learning rate and clip range linear from 1e-3
// and 0.2 to 0, no entropy bonus; separate 64×64 tanh actor and critic
// (SB3's MlpPolicy). Then an evaluation of the deterministic policy.
//
//   ppo_cartpole [--steps N (100000)] [--seed S (0)] [--csv PATH] [--plot PATH.png]
//                [--kl | --clip-kl | --clip-kl-ent]   (default: PPO-clip)
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <string>

int main(int argc, char** argv) try {
  const auto options = parse_example_options(
      argc, argv,
      "usage: ppo_cartpole [--steps N (100000)] [--seed S (0)] [--csv PATH] [--plot PATH.png] "
      "[--kl | --clip-kl | --clip-kl-ent]",
      100'000, "ppo_cartpole.csv", {"--kl", "--clip-kl", "--clip-kl-ent"});

  ac::PPOConfig config = ac::PPOConfig::clip();
  std::string name = "PPO-clip";
  if (options.has("--kl")) config = ac::PPOConfig::kl_penalty(), name = "PPO-KL";
  if (options.has("--clip-kl")) config = ac::PPOConfig::clip_kl(), name = "PPO-clip+KL";
  if (options.has("--clip-kl-ent")) config = ac::PPOConfig::clip_kl_entropy(), name = "PPO-clip+KL+entropy";
  config = ac::presets::ppo_cartpole(config);  // rl-baselines3-zoo's tuned CartPole-v1 values
  ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);    // zoo: n_envs 8
  ac::Generator init(options.seed);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
  ac::Critic<float> critic(env.observation_dim(), {}, init);
  ac::PPO ppo(actor, critic, config);

  train_with_progress(ppo, env, options, options.steps, name + " on CartPole-v1");
  print_evaluation(name, ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "ppo_cartpole: {}\n", error.what());
  return 2;
}
