#pragma once
// The trainer's command line before and after the algorithm is known: the
// algorithms, the invocation (--algo, --env and the rest), the flags every
// algorithm has with the defaults each environment tunes, and the run's
// settings they make (ac::RunConfig).

#include <actorcritic/actorcritic.hpp>

#include "environments.hpp"
#include "flags.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace cli {

inline const std::vector<std::string> kAlgorithms{"reinforce", "vpg",      "a2c",         "offpolicy",
                                                  "trpo",      "ppo-kl",   "ppo-clip",    "ppo-clip-kl",
                                                  "ppo-clip-kl-ent",       "rloo",       "grpo"};

/// The command line before the algorithm's flags are known: --algo and --env
/// choose which flags exist and their defaults; the rest (CommandLine::given,
/// without them) is applied later.
struct Invocation : CommandLine {
  std::string program = "actorcritic-train";
  std::string algo = "ppo-clip";
  std::string env = "CartPole-v1";
  /// --config's file and its flags (without --algo and --env), applied before `given`.
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> config_given;

  /// Whether `flag` was given on the command line or in the configuration file.
  [[nodiscard]] bool given_anywhere(std::string_view flag) const {
    return has(flag) ||
           std::any_of(config_given.begin(), config_given.end(), [&](const auto& g) { return g.first == flag; });
  }

  /// A program's own environment (custom_environment_row), instead of a table's --env.
  const Environment* custom = nullptr;
  /// A program's receiver of the run's JSON summary (the Python module's train() returns it), besides any
  /// --summary file; with --seeds it receives each seed's, then the summary across them.
  std::function<void(const std::string&)> summary_sink;

  [[nodiscard]] const Environment& environment() const { return custom != nullptr ? *custom : find_environment(env); }
};

/// The flags --resume may come with: the budget (only larger), the outputs and
/// the evaluation. Every other setting is the checkpoint's.
inline const std::vector<std::string> kResumeFlags{
    "--resume",         "--steps",          "--csv",              "--plot",          "--summary",
    "--save",           "--eval-episodes",  "--eval-every",       "--deterministic", "--checkpoint-every",
    "--keep-checkpoints", "--stop-after",   "--stop-at-return",   "--tensorboard",   "--threads"};
/// The flags a checkpoint does not remember (RunConfig::application holds every
/// other flag's value, so that a resumed run writes where it did and its summary
/// shows the configuration it was trained with): the algorithm, the environment
/// and the budget, which the checkpoint holds itself, and what belongs to one command only.
/// The policy's distribution and whether its log σ depends on the state are the
/// checkpoint's own too (CheckpointHeader::policy, ActorConfig::state_dependent_std).
inline const std::vector<std::string> kNotRemembered{"--algo",       "--env",   "--resume", "--steps",
                                                     "--stop-after", "--seeds", "--config", "--distribution",
                                                     "--state-dependent-std", "--threads"};
/// The recurrent network's flags, which a checkpoint remembers only for a recurrent run (so that every other
/// run's checkpoint keeps its bytes).
inline const std::vector<std::string> kRecurrentFlags{"--recurrent", "--hidden-state", "--sequence-length"};
/// Flags a checkpoint remembers only when they differ from their default, with that default (so that the
/// checkpoints of runs without them keep their bytes; a resumed run without them gets the default).
inline const std::vector<std::pair<std::string, std::string>> kRememberedUnlessDefault{
    {"--exact-kl", fmt::format("{}", ac::PPOConfig{}.exact_kl)}};

/// The flags every algorithm has. Defaults depend on the environment (env_defaults).
struct CommonOptions {
  long steps = 100'000;
  std::uint64_t seed = 0;
  long envs = 8;
  long eval_episodes = 20;
  long eval_every = 0;        // 0: evaluate only at the end
  bool deterministic = true;  // evaluate the mode (false: actions sampled from the policy)
  std::vector<std::uint64_t> seeds;  // --seeds: one run per seed
  long stop_after = 0;        // 0: run the whole budget
  long checkpoint_every = 0;  // 0: only at the end
  long keep_checkpoints = 0;  // periodic checkpoints kept as SAVE.STEPS besides SAVE (0: none)
  double stop_at_return = std::numeric_limits<double>::infinity();  // stop once the recent mean return reaches it
  std::string csv, save, plot, summary, resume, tensorboard;
  std::vector<long> hidden{64, 64};
  std::string activation = "tanh";
  bool layer_norm = false;
  bool shared_trunk = false;
  bool normalize_observations = false;
  bool normalize_rewards = false;
  double initial_log_std = 0.0;
  std::string distribution = "gaussian";  // a Box's policy: gaussian, squashed-gaussian or beta (kPolicyKinds)
  bool state_dependent_std = false;
  long threads = 1;                // --threads (PPO): 2 runs the critic's part of each step on a second thread
  std::string recurrent = "none";  // --recurrent: none or gru
  long hidden_state = 64;          // the GRU's width
  /// Every flag's value once parsed (--algo and --env first): the resolved
  /// configuration the summary shows and the checkpoint remembers.
  std::vector<std::pair<std::string, std::string>> resolved;
};

/// The defaults every algorithm shares on an environment (its row of the
/// table), with the two that depend on the algorithm: CartPole-v1's budget
/// (the slower learners get more steps) and REINFORCE's unscaled rewards on
/// the continuous control tasks.
inline CommonOptions env_defaults(const Environment& env, std::string_view algo) {
  CommonOptions o;
  o.envs = env.envs;
  o.steps = env.steps;
  o.normalize_observations = env.normalize_observations;
  o.normalize_rewards = env.normalize_rewards;
  o.hidden = env.hidden;
  o.initial_log_std = env.initial_log_std;
  // RLOO, GRPO: 4 groups of 4 episodes from shared starts (--group-size 4) per update.
  const bool group_baseline = algo == "rloo" || algo == "grpo";
  if (group_baseline) o.envs = 16;
  if (env.key == EnvironmentKey::cartpole) {
    if (algo == "reinforce") o.steps = 1'000'000;
    if (algo == "rloo") o.steps = 300'000;
    if (algo == "grpo") o.steps = 500'000;
    if (algo == "a2c" || algo == "vpg" || algo == "offpolicy") o.steps = 500'000;
  }
  // The partially observed tasks train a recurrent policy (rl-baselines3-zoo's ppo_lstm: ReLU layers on
  // CartPoleNoVel-v1), where the algorithm can train one.
  if (env.key == EnvironmentKey::cartpole_novel || env.key == EnvironmentKey::pendulum_novel) {
    if (algo != "offpolicy" && algo != "grpo") o.recurrent = "gru";
    if (env.key == EnvironmentKey::cartpole_novel) o.activation = "relu";
  }
  if ((algo == "reinforce" || group_baseline) && env.continuous && env.key != EnvironmentKey::single_state_bandit) {
    o.normalize_rewards = false;
  }
  return o;
}

/// Comma-separated distinct seeds, e.g. "0,1,2".
inline std::vector<std::uint64_t> parse_seeds(std::string_view flag, std::string_view text) {
  std::vector<std::uint64_t> seeds;
  for (const std::string_view item : split_list(text)) {
    long seed = -1;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), seed);
    if (error != std::errc() || end != item.data() + item.size() || seed < 0) {
      usage_error("{}: expected seeds >= 0 separated by commas (e.g. 0,1,2), got \"{}\"", flag, text);
    }
    if (std::find(seeds.begin(), seeds.end(), std::uint64_t(seed)) != seeds.end()) {
      usage_error("{}: seed {} is given twice", flag, seed);
    }
    seeds.push_back(static_cast<std::uint64_t>(seed));
  }
  return seeds;
}

/// The flags every algorithm has; those the pair cannot use are refused with the reason.
inline void add_common_flags(FlagSet& flags, CommonOptions& o, const Environment& env, std::string_view algo,
                             bool shares_trunk) {
  const bool continuous = env.continuous;
  flags.section("run");
  flags.number("--steps", "environment steps to train", o.steps, Range::positive);
  flags.number("--seed", "seed of the envs, the networks and the sampling", o.seed, Range::non_negative);
  flags.number("--envs", "parallel environments", o.envs, Range::positive);
  flags.custom(
      "--seeds", "one run per seed, e.g. 0,1,2 (outputs as NAME.seedN.EXT; --summary, --plot across them)",
      [&o] { return fmt::format("{}", fmt::join(o.seeds, ",")); },
      [&o](std::string_view flag, std::string_view text) { o.seeds = parse_seeds(flag, text); });
  flags.number("--eval-episodes", "episodes of each evaluation", o.eval_episodes, Range::positive);
  flags.number("--eval-every", "also evaluate every this many steps while training (0: only at the end)",
               o.eval_every, Range::non_negative);
  flags.boolean("--deterministic", "evaluate the policy's mode (false: actions sampled from it)", o.deterministic);
  flags.text("--csv", "write one row per iteration here (streamed)", o.csv);
  flags.text("--plot", "draw the learning curve into this PNG, the diagnostics beside it (gnuplot)", o.plot);
  flags.text("--summary", "write a JSON summary here", o.summary);
#ifdef AC_HAVE_TENSORBOARD
  flags.text("--tensorboard", "write TensorBoard scalars into this folder (created; one event file per run)",
             o.tensorboard);
#else
  flags.unavailable("--tensorboard", "this actorcritic-train was built without protobuf (Debian: libprotobuf-dev "
                                     "protobuf-compiler), so it writes no TensorBoard files");
#endif
  flags.text("--save", "write a checkpoint here at the end", o.save);
  flags.text("--resume", "continue the run saved in this checkpoint, bit for bit (to its own --steps unless given)",
             o.resume);
  flags.number("--checkpoint-every", "also save the checkpoint every this many steps (0: only at the end)",
               o.checkpoint_every, Range::non_negative);
  flags.number("--keep-checkpoints", "with --checkpoint-every: also keep the last K as SAVE.STEPS (0: none)",
               o.keep_checkpoints, Range::non_negative);
  flags.number("--stop-after", "stop after this many steps of the budget, as if interrupted (0: never)",
               o.stop_after, Range::non_negative);
  flags.custom(
      "--stop-at-return", "stop once the mean return of the recent episodes reaches this (inf: never)",
      [&o] { return fmt::format("{}", o.stop_at_return); },
      [&o](std::string_view flag, std::string_view text) {
        const double v = parse_number(flag, text);
        if (std::isnan(v)) usage_error("{}: expected a number, got {}", flag, text);
        o.stop_at_return = v;
      });
  flags.section("networks");
  flags.custom(
      "--hidden", "hidden layer widths, comma-separated",
      [&o] { return fmt::format("{}", fmt::join(o.hidden, ",")); },
      [&o](std::string_view flag, std::string_view text) { o.hidden = parse_widths(flag, text); });
  flags.text("--activation", "hidden activation", o.activation, {"tanh", "relu"});
  flags.boolean("--layer-norm", "layer norm after every hidden layer", o.layer_norm);
  if (shares_trunk) {
    flags.boolean("--shared-trunk", "one network for policy and value (two heads)", o.shared_trunk);
  } else {
    flags.unavailable("--shared-trunk", fmt::format("--algo {} does not train a policy and a value head on one trunk", algo));
  }
  const bool bounded = continuous && with_environment(env, []<class E>(const E& e) { return int(bounded_box(e)); });
  if (bounded) {
    std::vector<std::string> names;
    for (const auto& kind : kPolicyKinds) names.emplace_back(kind.name);
    flags.text("--distribution",
               "the policy: a Gaussian (actions clipped to the bounds), a tanh-squashed Gaussian or a Beta",
               o.distribution, names);
  } else {
    flags.unavailable("--distribution",
                      env.key == EnvironmentKey::custom_continuous
                          ? std::string("a custom environment trains a Gaussian policy (clipped to its bounds)")
                      : continuous ? fmt::format("only for bounded action spaces; {}'s is unbounded", env.id)
                                 : fmt::format("only for environments with continuous actions; {} has discrete "
                                               "actions", env.id));
  }
  if (continuous) {
    flags.number("--initial-log-std",
                 bounded ? "initial log σ of a Gaussian policy (squashed-gaussian: before the squash, and 0 unless "
                           "given; beta: not used)"
                         : "initial log σ of the Gaussian policy",
                 o.initial_log_std, Range::any);
    flags.boolean("--state-dependent-std", "log σ as a network output, a function of the state (Gaussian policies)",
                  o.state_dependent_std);
  } else {
    for (const char* flag : {"--initial-log-std", "--state-dependent-std"}) {
      flags.unavailable(flag,
                        fmt::format("only for environments with continuous actions; {} has discrete actions", env.id));
    }
  }
  if (algo != "offpolicy" && algo != "grpo") {
    flags.text("--recurrent",
               algo == "trpo" ? "a recurrent layer before the policy's hidden layers, carrying a state through each "
                                "episode (TRPO: the policy's; its critic stays feed-forward)"
                              : "a recurrent layer before the hidden layers of the policy and of the critic, carrying "
                                "a state through each episode (for partially observed tasks, e.g. CartPoleNoVel-v1)",
               o.recurrent, {"none", "gru"});
    flags.number("--hidden-state", "with --recurrent gru: the width of the recurrent state", o.hidden_state,
                 Range::positive);
  } else {
    for (const char* flag : {"--recurrent", "--hidden-state"}) {
      flags.unavailable(flag, algo == "grpo" ? "--algo grpo's minibatches shuffle single steps, which a recurrent "
                                               "network cannot run out of their episodes"
                                             : "--algo offpolicy replays old rollouts, which a recurrent network does "
                                               "not rerun");
    }
  }
  flags.boolean("--normalize-observations", "running mean/std observation normalization", o.normalize_observations);
  flags.boolean("--normalize-rewards", "scale rewards by the running std of the return", o.normalize_rewards);
}

/// The defaults and checks that depend on --distribution, once the flags are
/// applied: a squashed Gaussian starts at log σ 0 (σ 1 before the squash, not
/// the Gaussian's wider default, which would saturate tanh) unless
/// --initial-log-std is given. A Beta policy has no log σ: --initial-log-std
/// does not apply to it (a summary's configuration, given back with --config,
/// lists it), and a state-dependent one is refused. --hidden-state needs --recurrent gru.
inline void resolve_policy_options(const Invocation& invocation, CommonOptions& o) {
  if (o.distribution == "squashed-gaussian" && !invocation.given_anywhere("--initial-log-std")) {
    o.initial_log_std = 0.0;
  }
  if (o.distribution == "beta" && o.state_dependent_std) {
    usage_error("--state-dependent-std: a Beta policy's parameters are all network outputs already "
                "(--distribution beta)");
  }
  if (o.recurrent == "none" && invocation.has("--hidden-state")) {  // (a summary's configuration lists it)
    usage_error("--hidden-state: only with --recurrent gru");
  }
}

/// The run's settings from the common flags.
inline ac::RunConfig run_config(const Invocation& invocation, const CommonOptions& o, double gamma) {
  ac::RunConfig c;
  c.envs = o.envs;
  c.seed = o.seed;
  c.total_steps = o.steps;
  c.actor.hidden.assign(o.hidden.begin(), o.hidden.end());
  c.actor.activation = ac::nn::parse_activation(o.activation);
  c.actor.layer_norm = o.layer_norm;
  c.actor.initial_log_std = o.initial_log_std;
  c.actor.state_dependent_std = o.state_dependent_std;
  c.critic.hidden = c.actor.hidden;
  c.critic.activation = c.actor.activation;
  c.critic.layer_norm = o.layer_norm;
  c.shared_trunk = o.shared_trunk;
  // A GRU in the policy, and in the critic unless it is the policy's trunk or TRPO fits it by single samples.
  const ac::Index width = o.recurrent == "gru" ? o.hidden_state : 0;
  c.actor.recurrent = width;
  c.critic.recurrent = o.shared_trunk || invocation.algo == "trpo" ? 0 : width;
  if (o.normalize_observations || o.normalize_rewards) {
    c.normalization = ac::VecNormalizeConfig{.observations = o.normalize_observations,
                                             .rewards = o.normalize_rewards, .gamma = gamma};
  }
  c.label = invocation.algo;
  for (const auto& [flag, value] : o.resolved) {
    const bool unset_recurrent = o.recurrent == "none" && std::find(kRecurrentFlags.begin(), kRecurrentFlags.end(),
                                                                    flag) != kRecurrentFlags.end();
    const bool at_default = std::find(kRememberedUnlessDefault.begin(), kRememberedUnlessDefault.end(),
                                      std::pair{flag, value}) != kRememberedUnlessDefault.end();
    if (!value.empty() && !unset_recurrent && !at_default &&
        std::find(kNotRemembered.begin(), kNotRemembered.end(), flag) == kNotRemembered.end()) {
      c.application.push_back(flag + "=" + value);
    }
  }
  return c;
}

}  // namespace cli
