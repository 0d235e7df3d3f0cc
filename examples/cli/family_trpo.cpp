// actorcritic-train: TRPO (and the natural policy gradient with --line-search false).
#include "families.hpp"

namespace cli {
namespace {

/// TRPO for the environment: ac::presets::trpo_cartpole (sb3-contrib defaults, zoo's
/// rollout size) on CartPole; 256 steps per env on Acrobot and MountainCar; the
/// Pendulum rollout size (64 × 128) and its γ on the continuous tasks.
ac::TRPOConfig trpo_defaults(const Environment& env) {
  ac::TRPOConfig c = ac::presets::trpo_cartpole();
  switch (env.key) {
    case EnvironmentKey::cartpole:
    case EnvironmentKey::cartpole_novel:
    case EnvironmentKey::grid_maze:
    case EnvironmentKey::copy_digits:
    case EnvironmentKey::copy_bits:
    case EnvironmentKey::custom_discrete: break;
    case EnvironmentKey::acrobot:
    case EnvironmentKey::mountain_car: c.n_steps = 256; break;
    case EnvironmentKey::pendulum:
    case EnvironmentKey::pendulum_novel:
    case EnvironmentKey::custom_continuous:
    case EnvironmentKey::mountain_car_continuous:
      c.n_steps = 128;
      c.gamma = long_horizon(env) ? 0.99 : 0.9;
      c.gae_lambda = 0.95;
      c.critic_batch_size = 1024;
      break;
    case EnvironmentKey::single_state_bandit:
      c.n_steps = 8;
      c.critic_batch_size = 64;  // the whole rollout of 8 envs × 8 steps
      break;
  }
  return c;
}

}  // namespace

int run_trpo(const Invocation& invocation) {
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::TRPOConfig config = trpo_defaults(env);
  auto& tr = config.trust_region;
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, false);
  flags.section("TRPO (Schulman et al. 2015; defaults: sb3-contrib, rl-baselines3-zoo)");
  flags.number("--n-steps", "steps per env per rollout", config.n_steps, Range::positive);
  flags.number("--gamma", "discount γ", config.gamma, Range::discount);
  flags.number("--gae-lambda", "GAE λ", config.gae_lambda, Range::unit_closed);
  flags.boolean("--normalize-advantage", "normalize advantages per rollout", config.normalize_advantage);
  flags.number("--max-kl", "trust-region radius δ on the mean KL", tr.max_kl, Range::positive);
  flags.number("--cg-iterations", "conjugate-gradient iterations", tr.cg_iterations, Range::positive);
  flags.number("--cg-damping", "Fisher damping", tr.cg_damping, Range::non_negative);
  flags.boolean("--line-search", "backtracking line search (false: natural policy gradient)", tr.line_search);
  flags.number("--line-search-steps", "backtracking steps", tr.line_search_steps, Range::positive);
  bounded_flag(flags, "--shrink", "backtracking factor", tr.shrink, [](double v) { return v > 0 && v < 1; },
               "a number in (0, 1)");
  flags.number("--critic-epochs", "critic passes per rollout", config.critic_epochs, Range::positive);
  flags.number("--critic-batch-size", "critic minibatch size", config.critic_batch_size, Range::positive);
  flags.number("--critic-learning-rate", "critic Adam learning rate", config.critic_optimizer.learning_rate,
               Range::positive);
  add_adam_flags(flags, config.critic_optimizer);
  if (parse_or_help(invocation, flags, common)) return 0;
  check_minibatch(invocation, common, "--critic-batch-size", config.critic_batch_size, config.n_steps);
  config.validate();
  return train_on_environment<ac::TRPO>(invocation, common, config, config.gamma);
}

}  // namespace cli
