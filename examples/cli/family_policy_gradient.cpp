// actorcritic-train: REINFORCE, the value policy gradient, A2C and the
// importance-sampled off-policy actor-critic.
#include "families.hpp"

namespace cli {
namespace {

/// The optimizer of the actor-critic family as flags: RMSprop (SB3 A2C) or Adam.
struct OptimizerFlags {
  std::string kind = "rmsprop";
  double learning_rate = 7e-4;  // SB3 A2C
  ac::optim::RmspropConfig rmsprop{};  // SB3 A2C: α 0.99, ε 1e-5
  ac::optim::AdamConfig adam{};        // PyTorch: β 0.9, 0.999, ε 1e-8; its weight decay serves RMSprop too

  void add(FlagSet& flags) {
    flags.text("--optimizer", "rmsprop (SB3 A2C) or adam", kind, {"rmsprop", "adam"});
    flags.number("--learning-rate", "learning rate", learning_rate, Range::positive);
    bounded_flag(flags, "--rmsprop-alpha", "RMSprop smoothing α", rmsprop.alpha, unit_half_open, "a number in [0, 1)");
    flags.number("--rmsprop-epsilon", "RMSprop ε", rmsprop.epsilon, Range::positive);
    add_adam_flags(flags, adam);
  }
  [[nodiscard]] ac::ActorCriticOptimizerConfig config() const {
    if (kind == "adam") {
      ac::optim::AdamConfig c = adam;
      c.learning_rate = learning_rate;
      return c;
    }
    ac::optim::RmspropConfig c = rmsprop;
    c.learning_rate = learning_rate;
    c.weight_decay = adam.weight_decay;  // RMSprop's is L2
    return c;
  }
};

/// A2C-family defaults: SB3's A2C (8 envs × 5 steps, RMSprop 7e-4, γ 0.99); on
/// Pendulum-v1 rl-baselines3-zoo's a2c.yml (8 steps, γ 0.9, λ 0.9, Adam); the
/// value policy gradient with RMSprop 1e-4 (examples/vpg_cartpole.cpp).
void a2c_defaults(std::string_view algo, const Environment& env, ac::A2CConfig& c, OptimizerFlags& o,
                  double& lambda) {
  lambda = 1.0;
  if (algo == "vpg") o.learning_rate = 1e-4;
  switch (env.key) {
    case EnvironmentKey::cartpole:
    case EnvironmentKey::cartpole_novel:
    case EnvironmentKey::acrobot:
    case EnvironmentKey::mountain_car:
    case EnvironmentKey::grid_maze:
    case EnvironmentKey::copy_digits:
    case EnvironmentKey::copy_bits:
    case EnvironmentKey::custom_discrete: break;
    case EnvironmentKey::pendulum:
    case EnvironmentKey::pendulum_novel:
    case EnvironmentKey::custom_continuous:
    case EnvironmentKey::mountain_car_continuous:
      c.n_steps = 8;
      c.gamma = long_horizon(env) ? 0.99 : 0.9;
      lambda = 0.9;
      o.kind = "adam";
      o.learning_rate = 7e-4;
      break;
    case EnvironmentKey::single_state_bandit: o.learning_rate = 3e-3; break;
  }
}

/// The flags REINFORCE and RLOO share (their settings' common fields, detail::EpisodeLearner), with the
/// algorithm's own after --gamma (the order the help and a checkpoint's remembered flags keep).
template <class Config, class OwnFlags = void (*)()>
void add_episode_learner_flags(FlagSet& flags, Config& config, OwnFlags own_flags = [] {}) {
  flags.number("--gamma", "discount γ", config.gamma, Range::discount);
  own_flags();
  flags.number("--ent-coef", "entropy bonus coefficient", config.ent_coef, Range::non_negative);
  flags.number("--max-grad-norm", "gradient-norm clip (inf: none)", config.max_grad_norm,
               Range::positive_or_inf);
  flags.number("--learning-rate", "Adam learning rate", config.optimizer.learning_rate, Range::positive);
  add_adam_flags(flags, config.optimizer);
}

int run_reinforce(const Invocation& invocation) {
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::ReinforceConfig config;
  config.optimizer.learning_rate = 5e-3;  // examples/reinforce_cartpole.cpp: 1e-2 was unstable for one seed
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, false);
  flags.section("REINFORCE (Williams 1992): complete episodes, reward-to-go");
  add_episode_learner_flags(flags, config, [&] {
    flags.boolean("--recenter", "subtract the batch mean of the returns", config.recenter);
  });
  if (parse_or_help(invocation, flags, common)) return 0;
  config.validate();
  return train_on_environment<ac::Reinforce>(invocation, common, config, config.gamma);
}

/// The group size flag RLOO and GRPO share, and its checks once parsed.
void add_group_size_flag(FlagSet& flags, ac::Index& group_size) {
  flags.number("--group-size", "episodes drawn from each start state (k >= 2; must divide --envs)", group_size,
               Range::positive);
}
void check_group_size(const CommonOptions& common, ac::Index group_size) {
  if (group_size < 2) usage_error("--group-size: expected at least 2 episodes a start, got {}", group_size);
  if (common.resume.empty() && common.envs % group_size != 0) {
    usage_error("--group-size: expected a divisor of --envs {}, got {}", common.envs, group_size);
  }
}

/// RLOO: REINFORCE's flags with the group size instead of recentring; the envs hold whole groups.
int run_rloo(const Invocation& invocation) {
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::RlooConfig config;
  config.optimizer.learning_rate = 5e-3;  // as REINFORCE's; measured on CartPole-v1 (tests/algorithms/test_rloo.cpp)
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, false);
  flags.section("RLOO (Kool et al. 2019): complete episodes from shared starts, leave-one-out baseline");
  add_group_size_flag(flags, config.group_size);
  add_episode_learner_flags(flags, config);
  if (parse_or_help(invocation, flags, common)) return 0;
  check_group_size(common, config.group_size);
  config.validate();
  return train_on_environment<ac::RLOO>(invocation, common, config, config.gamma);
}

/// GRPO: PPO's clipped surrogate on group-normalized episode returns, an optional KL penalty to a reference.
int run_grpo(const Invocation& invocation) {
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::GrpoConfig config;
  std::string estimator = "k3";
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, false);
  flags.section("GRPO (Shao et al. 2024): complete episodes from shared starts, group-normalized returns, clipped "
                "surrogate");
  add_group_size_flag(flags, config.group_size);
  add_episode_learner_flags(flags, config, [&] {
    flags.number("--epochs", "passes over each batch's steps", config.epochs, Range::positive);
    flags.number("--batch-size", "steps per minibatch", config.batch_size, Range::positive);
    flags.number("--clip-range", "ε of the clipped surrogate", config.clip_range, Range::positive);
    flags.number("--kl-coef", "β of the KL penalty to the reference policy (0: none; the paper: 0.04)",
                 config.kl_coef, Range::non_negative);
    flags.text("--kl-estimator", "k3 (the paper's, at the taken action) or exact (closed-form KL(π ‖ π_ref))",
               estimator, {"k3", "exact"});
    flags.number("--reference-update-interval", "updates between renewals of the reference (0: the initial policy)",
                 config.reference_update_interval, Range::non_negative);
    flags.boolean("--episode-mean", "average each episode's steps, then the episodes (eq. 3; false: all steps alike)",
                  config.episode_mean);
    flags.number("--advantage-epsilon", "ε of (R − mean)/(std + ε)", config.advantage_epsilon, Range::non_negative);
  });
  if (parse_or_help(invocation, flags, common)) return 0;
  check_group_size(common, config.group_size);
  config.kl_estimator = estimator == "exact" ? ac::ReferenceKl::exact : ac::ReferenceKl::k3;
  config.validate();
  return train_on_environment<ac::GRPO>(invocation, common, config, config.gamma);
}

int run_actor_critic(const Invocation& invocation) {
  const bool off_policy = invocation.algo == "offpolicy";
  const Environment& env = invocation.environment();
  CommonOptions common = env_defaults(env, invocation.algo);
  ac::OffPolicyConfig off;
  ac::A2CConfig& config = off.base;
  OptimizerFlags optimizer;
  double lambda = 1.0;
  a2c_defaults(invocation.algo, env, config, optimizer, lambda);
  std::string correction = "vtrace";
  FlagSet flags;
  add_common_flags(flags, common, env, invocation.algo, true);
  flags.section(invocation.algo == "vpg" ? "value policy gradient: r + γ·V(s') as the return, critic by TD"
                : off_policy ? "off-policy actor-critic: replayed rollouts, importance weights π/β"
                             : "A2C (Mnih et al. 2016, synchronous; defaults: SB3)");
  flags.number("--n-steps", "steps per env per update", config.n_steps, Range::positive);
  flags.number("--gamma", "discount γ", config.gamma, Range::discount);
  if (invocation.algo == "a2c") flags.number("--gae-lambda", "GAE λ (1: the n-step return)", lambda, Range::unit_closed);
  flags.number("--ent-coef", "entropy bonus coefficient", config.ent_coef, Range::non_negative);
  flags.number("--vf-coef", "value-loss coefficient", config.vf_coef, Range::non_negative);
  flags.number("--max-grad-norm", "global gradient-norm clip (inf: none)", config.max_grad_norm,
               Range::positive_or_inf);
  flags.boolean("--normalize-advantage", "normalize the weights per update", config.normalize_advantage);
  optimizer.add(flags);
  if (off_policy) {
    flags.text("--correction", "vtrace or per-decision (truncated ratio products)", correction,
               {"vtrace", "per-decision"});
    flags.number("--rho-bar", "truncation of the policy-gradient weight ρ̄", off.rho_bar, Range::positive);
    flags.number("--c-bar", "truncation of the trace ratios c̄", off.c_bar, Range::positive);
    flags.number("--gae-lambda", "λ of the per-decision advantages", off.gae_lambda, Range::unit_closed);
    flags.number("--replay-capacity", "rollouts kept; updates learn from the oldest", off.replay_capacity,
                 Range::positive);
  }
  if (parse_or_help(invocation, flags, common)) return 0;
  config.optimizer = optimizer.config();
  off.correction = correction == "vtrace" ? ac::ImportanceCorrection::vtrace
                                          : ac::ImportanceCorrection::truncated_per_decision;
  off.validate();
  if (off_policy) return train_on_environment<ac::OffPolicyActorCritic>(invocation, common, off, config.gamma);
  if (invocation.algo == "vpg") {
    return train_on_environment<ac::ValuePolicyGradient>(
        invocation, common, ac::ActorCriticSettings<ac::TdTargetEstimator>{config, {}}, config.gamma);
  }
  return train_on_environment<ac::A2C>(
      invocation, common, ac::ActorCriticSettings<ac::GaeEstimator>{config, {.lambda = lambda}}, config.gamma);
}

}  // namespace

int run_policy_gradient(const Invocation& invocation) {
  if (invocation.algo == "reinforce") return run_reinforce(invocation);
  if (invocation.algo == "rloo") return run_rloo(invocation);
  if (invocation.algo == "grpo") return run_grpo(invocation);
  return run_actor_critic(invocation);
}

}  // namespace cli
