#pragma once
// The algorithm families of actorcritic-train, each in its own source file
// (compiled together as one unit, examples/CMakeLists.txt): parse the family's flags with defaults for
// the environment, print --help, or train.
#include "session.hpp"

namespace cli {

int run_policy_gradient(const Invocation& invocation);  // reinforce, rloo, grpo, vpg, a2c, offpolicy
int run_trpo(const Invocation& invocation);             // trpo
int run_ppo(const Invocation& invocation);              // ppo-kl, ppo-clip, ppo-clip-kl, ppo-clip-kl-ent

/// Parses the flags, or prints the help and returns true when --help was given.
/// Keeps every flag's resolved value in `common.resolved`.
inline bool parse_or_help(const Invocation& invocation, const FlagSet& flags, CommonOptions& common) {
  if (invocation.help) {
    fmt::print(
        "usage: {} [--algo NAME] [--env ID] [flags]\n\n"
        "Trains a policy and evaluates it. Defaults are tuned for the chosen --algo and --env;\n"
        "the values in brackets are those for --algo {} --env {}.\n\n"
        "  --algo                   {}\n  --env                    one of:\n{}"
        "  --config                 take flags from this file: `--name value` lines (# comments), or a flat\n"
        "                           JSON object such as a summary's \"config\"; the command line overrides it\n"
        "  --quiet                  no progress output\n  --help                   this text\n{}"
        "\nData-parallel: `mpirun -np N {}` with the same flags trains the same global experiment on N\n"
        "processes (--envs counts all of them; each steps its share); rank 0 prints and writes, and a\n"
        "checkpoint resumes under the same N (docs/distributed.md).{}\n",
        invocation.program, invocation.algo, invocation.env, fmt::join(kAlgorithms, "|"), environment_help(),
        flags.help(), invocation.program,
#ifdef AC_HAVE_MPI
        "");
#else
        " This build has no MPI: rebuild with\nlibopenmpi-dev installed to enable it.");
#endif
    return true;
  }
  if (!invocation.config_given.empty()) {
    flags.apply(invocation.config_given, fmt::format("--config {}", invocation.config_file));
  }
  flags.apply(invocation, fmt::format("--algo {}", invocation.algo));
  resolve_policy_options(invocation, common);
  common.resolved = {{"--algo", invocation.algo}, {"--env", invocation.env}};
  const auto values = flags.values();
  common.resolved.insert(common.resolved.end(), values.begin(), values.end());
  if (!common.seeds.empty() && invocation.given_anywhere("--seed")) usage_error("--seeds: give --seed or --seeds, not both");
  return false;
}

/// Trains Algorithm (over the policy the environment needs) with `settings` on
/// the environment the invocation names, or resumes the run in --resume; with
/// --seeds, one run per seed and a summary and plot across them.
/// `gamma` is the discount reward normalization uses.
template <template <ac::Policy> class Algorithm, class Settings>
int train_on_environment(const Invocation& invocation, const CommonOptions& common, const Settings& settings,
                         double gamma) {
  return with_environment(invocation.environment(), [&]<class E>(const E& prototype) {
    // Categorical, factored categorical, Bernoulli bits, or the --distribution of a Box.
    return with_policy<E>(common.distribution, prototype, [&]<class Actor>() {
      using RunSession = Session<Algorithm<Actor>, E>;
      if (common.seeds.empty()) {
        RunSession(invocation, common, settings, gamma, prototype).run();
        return 0;
      }
      // The outputs across seeds are checked before the first seed trains (by rank 0, which writes them).
      if (is_root()) {
        check_output_path("--plot", common.plot, ".png");
        check_output_path("--summary", common.summary);
      }
      std::vector<RunOutcome> outcomes;
      std::vector<std::pair<std::string, std::filesystem::path>> curves;
      for (const std::uint64_t seed : common.seeds) {
        CommonOptions one = common;
        one.seed = seed;
        for (std::string* path : {&one.csv, &one.plot, &one.summary, &one.save}) *path = per_seed_path(*path, seed);
        // One TensorBoard run per seed, side by side under the folder.
        if (!one.tensorboard.empty()) {
          one.tensorboard = (std::filesystem::path(one.tensorboard) / fmt::format("seed{}", seed)).string();
        }
        outcomes.push_back(RunSession(invocation, one, settings, gamma, prototype).run());
        if (const std::string csv = RunSession::csv_path_of(one); !csv.empty()) {
          curves.emplace_back(fmt::format("seed {}", seed), csv);
        }
      }
      if (is_root()) report_seeds(invocation, common, outcomes, curves);
      return 0;
    });
  });
}

/// A minibatch larger than the rollout is refused; one that does not divide it
/// leaves a smaller last minibatch in every epoch, which is allowed with a warning.
/// (A resumed run keeps the checkpoint's settings: nothing to check.)
inline void check_minibatch(const Invocation& invocation, const CommonOptions& common, std::string_view flag,
                            long batch, long n_steps) {
  if (!common.resume.empty()) return;
  const long rollout = n_steps * common.envs;
  if (batch > rollout) {
    usage_error("{}: a minibatch of {} is larger than the rollout of {} (--n-steps {} × --envs {})", flag, batch,
                rollout, n_steps, common.envs);
  }
  if (rollout % batch != 0 && !invocation.quiet) {
    fmt::print(stderr, "{}: warning: {} {} does not divide the rollout of {}: every epoch ends with a minibatch of {}\n",
               invocation.program, flag, batch, rollout, rollout % batch);
  }
}

/// A constant or linearly decaying (to 0 at the end of the budget) schedule, as flags.
struct ScheduleFlag {
  double value;
  std::string shape;  // "constant" or "linear"
  [[nodiscard]] ac::optim::Schedule schedule() const {
    return shape == "linear" ? ac::optim::Schedule::linear(value) : ac::optim::Schedule::constant(value);
  }
  static ScheduleFlag of(const ac::optim::Schedule& s) { return {s.start(), s.is_constant() ? "constant" : "linear"}; }
};

/// A number flag checked by `valid`, whose failure message is "expected {expected}".
inline void bounded_flag(FlagSet& flags, std::string name, std::string help, double& target, bool (*valid)(double),
                         std::string expected) {
  flags.custom(
      std::move(name), std::move(help), [&target] { return fmt::format("{}", target); },
      [&target, valid, expected](std::string_view flag, std::string_view text) {
        const double v = parse_number(flag, text);
        if (!valid(v)) usage_error("{}: expected {}, got {}", flag, expected, text);
        target = v;
      });
}
inline bool unit_half_open(double v) { return v >= 0 && v < 1; }  // [0, 1)

/// Adam's flags; the weight decay's meaning is one choice for every algorithm (AdamConfig::decoupled_weight_decay).
inline void add_adam_flags(FlagSet& flags, ac::optim::AdamConfig& adam) {
  bounded_flag(flags, "--adam-beta1", "Adam β₁", adam.beta1, unit_half_open, "a number in [0, 1)");
  bounded_flag(flags, "--adam-beta2", "Adam β₂", adam.beta2, unit_half_open, "a number in [0, 1)");
  flags.number("--adam-epsilon", "Adam ε", adam.epsilon, Range::positive);
  flags.number("--weight-decay", "weight decay λ (RMSprop: L2; Adam: as --decoupled-weight-decay says)",
               adam.weight_decay, Range::non_negative);
  flags.boolean("--decoupled-weight-decay", "false: L2 added to the gradient (torch Adam); true: θ ← θ(1 − ηλ) (AdamW)",
                adam.decoupled_weight_decay);
}

}  // namespace cli
