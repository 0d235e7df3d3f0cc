#pragma once
// Tuned configurations, each with where it comes from, shared by the example
// trainers, the learning tests and the benchmarks.

#include "actorcritic/algorithms/ppo.hpp"
#include "actorcritic/algorithms/trpo.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"

#include <cmath>

namespace ac::presets {

/// PPO on CartPole-v1, rl-baselines3-zoo (hyperparams/ppo.yml): 8 envs, n_steps 32,
/// batch 256, 20 epochs, γ 0.98, λ 0.8, learning rate and clip range linear from
/// 1e-3 and 0.2, no entropy bonus. `variant` is one of PPOConfig's factories; the
/// KL target is 0.003 (the PPO paper's sweep value): at these 20 epochs × 1e-3,
/// d_targ = 0.01 lets PPO-KL drift too far per iteration and stall near 120.
inline PPOConfig ppo_cartpole(PPOConfig variant = PPOConfig::clip()) {
  PPOConfig c = variant;
  c.n_steps = 32;
  c.batch_size = 256;
  c.epochs = 20;
  c.gamma = 0.98;
  c.gae_lambda = 0.8;
  c.set_learning_rate(optim::Schedule::linear(1e-3));
  if (c.clipped()) c.clip_range = optim::Schedule::linear(0.2);
  c.kl_rule.target = 0.003;
  return c;
}
inline constexpr Index kPpoCartPoleEnvs = 8;

/// Recurrent PPO on CartPoleNoVel-v1 (CartPole-v1 without its velocities), after
/// rl-baselines3-zoo's ppo_lstm.yml, whose PPO settings are ppo_cartpole()'s: 8 envs
/// × 32 steps, 20 epochs over whole 32-step sequences, 100k steps; one ReLU layer of
/// 64 per head after a recurrent layer of 64 in the actor and in the critic (the
/// zoo: an LSTM of 64 each, `enable_critic_lstm`; here a GRU), observations
/// normalized, rewards not.
inline ActorConfig cartpole_novel_actor() {
  return {.hidden = {64}, .activation = nn::Activation::relu, .recurrent = 64};
}
inline CriticConfig cartpole_novel_critic() {
  return {.hidden = {64}, .activation = nn::Activation::relu, .recurrent = 64};
}
inline VecNormalizeConfig cartpole_novel_normalization() { return {.observations = true, .rewards = false}; }
inline constexpr long kPpoCartPoleNoVelSteps = 100'000;

/// PPO-clip on GridMaze-v0, the action-masking demonstration (this library's
/// choice, measured in docs/policies.md): 8 envs × 128 steps, minibatch 256,
/// 4 epochs, γ 0.99, λ 0.95, learning rate 3e-4 and clip range 0.2 constant,
/// entropy bonus 0.01 (CleanRL's invalid-action-masking PPO for μRTS uses the
/// same rollout shape, epochs and entropy coefficient).
inline PPOConfig ppo_grid_maze() {
  PPOConfig c = PPOConfig::clip();
  c.n_steps = 128;
  c.batch_size = 256;
  c.epochs = 4;
  c.gamma = 0.99;
  c.gae_lambda = 0.95;
  c.ent_coef = 0.01;
  c.set_learning_rate(optim::Schedule::constant(3e-4));
  c.clip_range = optim::Schedule::constant(0.2);
  return c;
}
inline constexpr Index kPpoGridMazeEnvs = 8;

/// PPO-clip on the copy tasks (CopyDigits-v0, CopyBits-v0: several bandits at
/// once), this library's choice: 8 envs × 64 steps, minibatch 128, 4 epochs,
/// learning rate 1e-3 and clip range 0.2 constant, no entropy bonus.
inline PPOConfig ppo_copy_task() {
  PPOConfig c = PPOConfig::clip();
  c.n_steps = 64;
  c.batch_size = 128;
  c.epochs = 4;
  c.set_learning_rate(optim::Schedule::constant(1e-3));
  c.clip_range = optim::Schedule::constant(0.2);
  return c;
}

/// TRPO on CartPole-v1: sb3-contrib's defaults (δ 0.01, 15 CG steps, damping 0.1,
/// backtracking 0.8 × 10) with 8 envs × 64 steps, λ 0.98 and 20 critic epochs
/// (rl-baselines3-zoo's trpo.yml uses n_steps 512 per update, λ 0.98, 20 critic updates).
inline TRPOConfig trpo_cartpole() {
  TRPOConfig c;
  c.n_steps = 64;
  c.gae_lambda = 0.98;
  c.critic_epochs = 20;
  return c;
}

/// PPO on Pendulum-v1 after RLtools' configuration (64 envs × 128 steps, minibatch
/// 1024, γ 0.9, initial σ 2, 32×32 hidden, learning rate 1e-3, observation
/// normalization), with two changes measured on this library: 10 epochs instead
/// of 1 (with 1 epoch the return stays near −1000 after 300k steps) and reward
/// normalization (SB3 VecNormalize; without it the median is worse by ~100), and
/// no entropy bonus.
inline PPOConfig ppo_pendulum() {
  PPOConfig c;
  c.n_steps = 128;
  c.batch_size = 1024;
  c.epochs = 10;
  c.gamma = 0.9;
  c.gae_lambda = 0.95;
  c.set_learning_rate(optim::Schedule::constant(1e-3));
  return c;
}
inline constexpr Index kPpoPendulumEnvs = 64;
inline ActorConfig pendulum_actor() { return {.hidden = {32, 32}, .initial_log_std = std::log(2.0)}; }
inline CriticConfig pendulum_critic() { return {.hidden = {32, 32}}; }
inline VecNormalizeConfig pendulum_normalization() { return {.observations = true, .rewards = true, .gamma = 0.9}; }

}  // namespace ac::presets
