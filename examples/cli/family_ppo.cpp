// actorcritic-train: PPO-KL, PPO-clip, PPO-clip+KL and PPO-clip+KL+entropy.
#include "families.hpp"

namespace cli {
namespace {

/// PPO for the environment. CartPole-v1: ac::presets::ppo_cartpole (rl-baselines3-zoo).
/// Acrobot-v1 and MountainCar-v0: zoo's ppo.yml (16 envs; 256 steps, 4 epochs, λ 0.94 /
/// 16 steps, 4 epochs, λ 0.98). Pendulum-v1: ac::presets::ppo_pendulum (after RLtools);
/// MountainCarContinuous-v0 the same with γ 0.99 (zoo's values rely on gSDE, which we lack).
/// The bandit: short one-step episodes, small batches. GridMaze-v0: ac::presets::ppo_grid_maze
/// (its clip variant; another variant keeps its own objective with the preset's sizes).
ac::PPOConfig ppo_defaults(std::string_view algo, const Environment& env) {
  ac::PPOConfig variant = algo == "ppo-kl"        ? ac::PPOConfig::kl_penalty()
                          : algo == "ppo-clip-kl" ? ac::PPOConfig::clip_kl()
                          : algo == "ppo-clip-kl-ent" ? ac::PPOConfig::clip_kl_entropy()
                                                      : ac::PPOConfig::clip();
  ac::PPOConfig c = variant;
  switch (env.key) {
    case EnvironmentKey::cartpole:
    case EnvironmentKey::cartpole_novel:
    case EnvironmentKey::custom_discrete: return ac::presets::ppo_cartpole(variant);
    case EnvironmentKey::copy_digits:
    case EnvironmentKey::copy_bits: {
      const auto copy = ac::presets::ppo_copy_task();
      c.n_steps = copy.n_steps;
      c.batch_size = copy.batch_size;
      c.epochs = copy.epochs;
      c.set_learning_rate(copy.learning_rate);
      if (c.clipped()) c.clip_range = copy.clip_range;
      return c;
    }
    case EnvironmentKey::grid_maze: {
      const auto maze = ac::presets::ppo_grid_maze();
      c.n_steps = maze.n_steps;
      c.batch_size = maze.batch_size;
      c.epochs = maze.epochs;
      c.gamma = maze.gamma;
      c.gae_lambda = maze.gae_lambda;
      c.ent_coef = maze.ent_coef;
      c.set_learning_rate(maze.learning_rate);
      if (c.clipped()) c.clip_range = maze.clip_range;
      return c;
    }
    case EnvironmentKey::acrobot:
      c.n_steps = 256;
      c.epochs = 4;
      c.gae_lambda = 0.94;
      return c;
    case EnvironmentKey::mountain_car:
      c.n_steps = 16;
      c.epochs = 4;
      c.gae_lambda = 0.98;
      return c;
    case EnvironmentKey::single_state_bandit:
      c.n_steps = 8;
      c.batch_size = 16;
      c.epochs = 4;
      c.set_learning_rate(ac::optim::Schedule::constant(3e-3));
      return c;
    case EnvironmentKey::pendulum:
    case EnvironmentKey::pendulum_novel:
    case EnvironmentKey::custom_continuous:
    case EnvironmentKey::mountain_car_continuous: {
      const auto pendulum = ac::presets::ppo_pendulum();
      c.n_steps = pendulum.n_steps;
      c.batch_size = pendulum.batch_size;
      c.epochs = pendulum.epochs;
      c.gamma = long_horizon(env) ? 0.99 : pendulum.gamma;
      c.gae_lambda = pendulum.gae_lambda;
      c.set_learning_rate(pendulum.learning_rate);
      if (variant.kl_coef > 0) c.kl_rule.target = 0.01;
      return c;
    }
  }
  return c;
}

}  // namespace

int run_ppo(const Invocation& invocation) {
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::PPOConfig config = ppo_defaults(invocation.algo, env);
  ScheduleFlag lr = ScheduleFlag::of(config.learning_rate);
  ScheduleFlag clip = config.clipped() ? ScheduleFlag::of(*config.clip_range) : ScheduleFlag{0.2, "constant"};
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, true);
  flags.section("PPO (Schulman et al. 2017; defaults: SB3, rl-baselines3-zoo, ac::presets)");
  flags.number("--n-steps", "steps per env per rollout", config.n_steps, Range::positive);
  flags.number("--batch-size", "minibatch size", config.batch_size, Range::positive);
  flags.number("--epochs", "passes over each rollout", config.epochs, Range::positive);
  flags.number("--gamma", "discount γ", config.gamma, Range::discount);
  flags.number("--gae-lambda", "GAE λ", config.gae_lambda, Range::unit_closed);
  flags.number("--learning-rate", "Adam learning rate (at the start)", lr.value, Range::positive);
  flags.text("--lr-schedule", "learning-rate schedule", lr.shape, {"constant", "linear"});
  if (config.clipped()) {
    flags.number("--clip-range", "ε of the clipped surrogate (at the start)", clip.value, Range::positive);
    flags.text("--clip-schedule", "clip-range schedule", clip.shape, {"constant", "linear"});
  }
  if (config.kl_coef > 0) {
    flags.number("--kl-coef", "initial KL penalty coefficient ρ", config.kl_coef, Range::positive);
    flags.boolean("--adaptive-kl", "adapt ρ to the KL target (PPO paper §4)", config.adaptive_kl);
    flags.number("--kl-target", "d_targ of the adaptive rule", config.kl_rule.target, Range::positive);
    bounded_flag(flags, "--kl-factor", "ρ is multiplied or divided by this", config.kl_rule.factor,
                 [](double v) { return v > 1 && std::isfinite(v); }, "a number > 1");
    bounded_flag(flags, "--kl-tolerance", "ρ changes when the KL leaves [d_targ/this, d_targ·this]",
                 config.kl_rule.tolerance, [](double v) { return v >= 1 && std::isfinite(v); }, "a number >= 1");
  }
  flags.number("--ent-coef", "entropy bonus coefficient", config.ent_coef, Range::non_negative);
  flags.number("--vf-coef", "value-loss coefficient", config.vf_coef, Range::non_negative);
  flags.number("--clip-range-vf", "value clipping range (inf: none)", config.clip_range_vf, Range::positive_or_inf);
  flags.number("--max-grad-norm", "global gradient-norm clip (inf: none)", config.max_grad_norm,
               Range::positive_or_inf);
  flags.number("--target-kl", "stop the epochs past 1.5 × this approximate KL (inf: never)", config.target_kl,
               Range::positive_or_inf);
  flags.boolean("--normalize-advantage", "normalize advantages per minibatch", config.normalize_advantage);
  flags.boolean("--exact-kl",
                "the exact mean KL(old ‖ new) of each update, the CSV's kl: two actor passes over the rollout "
                "(false: kl is nan, the training the same)",
                config.exact_kl);
  flags.number("--sequence-length",
               "with --recurrent gru: the steps of each sequence chunk minibatches shuffle, a divisor of --n-steps "
               "(0: whole rollouts); a minibatch holds --batch-size / this chunks",
               config.sequence_length, Range::non_negative);
  flags.custom(
      "--threads",
      "1, or 2: each minibatch step runs the critic's passes and Adam step on a second thread while this one runs "
      "the actor's; the same bits (separate feed-forward networks only)",
      [&common] { return fmt::format("{}", common.threads); },
      [&common](std::string_view flag, std::string_view text) {
        const double v = parse_number(flag, text);
        if (v != 1 && v != 2) usage_error("{}: expected 1 or 2, got {}", flag, text);
        common.threads = static_cast<long>(v);
      });
  add_adam_flags(flags, config.optimizer);
  if (parse_or_help(invocation, flags, common)) return 0;
  if (common.threads == 2 && common.shared_trunk) {
    usage_error("--threads: expected 1 with --shared-trunk true (the actor and the critic are one network), got 2");
  }
  if (common.threads == 2 && common.recurrent != "none") {
    usage_error("--threads: expected 1 with --recurrent {} (the networks share the sequence states), got 2",
                common.recurrent);
  }
  check_minibatch(invocation, common, "--batch-size", config.batch_size, config.n_steps);
  if (invocation.has("--sequence-length") && common.recurrent == "none") {  // (a summary's configuration lists it)
    usage_error("--sequence-length: only with --recurrent gru (a feed-forward policy's minibatches are samples)");
  }
  if (config.sequence_length > 0 && config.n_steps % config.sequence_length != 0) {
    usage_error("--sequence-length: expected a divisor of --n-steps ({}), got {}", config.n_steps,
                config.sequence_length);
  }
  if (config.adaptive_kl && !config.exact_kl) {
    usage_error("--exact-kl: the adaptive KL rule adapts ρ to the exact KL: expected true with --adaptive-kl true");
  }
  config.set_learning_rate(lr.schedule());
  if (config.clipped()) config.clip_range = clip.schedule();
  config.validate();
  return train_on_environment<ac::PPO>(invocation, common, config, config.gamma);
}

}  // namespace cli
