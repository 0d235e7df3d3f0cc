// actorcritic-eval's command line, parsed and run (commands.hpp); its main
// (actorcritic_eval.cpp) and the Python module call it.
#include "commands.hpp"
#include "session.hpp"

#include <exception>

namespace {

struct EvalOptions {
  std::string load, env, record;
  long episodes = 20;
  std::uint64_t seed = 0;
  bool deterministic = true;
};

constexpr std::string_view kUsage =
    "usage: actorcritic-eval --load PATH [--env ID] [--episodes K] [--seed S] [--deterministic false]\n"
    "                        [--record PATH.csv]\n\n"
    "Evaluates the policy of a checkpoint written by actorcritic-train --save.\n";

template <class E, class Actor = ac::PolicyFor<E>>
int evaluate_checkpoint(const EvalOptions& options, const E& prototype, ac::EvaluationResult* out, bool print) {
  constexpr bool discrete = ac::envs::DiscreteEnv<E>;  // one action index per step; else a vector of components
  auto policy = ac::InferencePolicy<Actor>::load(options.load);
  ac::check_checkpoint_environment(policy.environment(), ac::describe_environment(prototype), options.load);
  const ac::Index observation_dim = policy.observation_dim();
  const ac::Index head = policy.environment().action_size;
  std::string trajectory;
  if (!options.record.empty()) {
    trajectory = "episode,step";
    for (ac::Index i = 0; i < observation_dim; ++i) trajectory += fmt::format(",observation_{}", i);
    for (ac::Index i = 0; i < (discrete ? 1 : head); ++i) trajectory += fmt::format(",action_{}", i);
    trajectory += ",reward,terminated,truncated";
    if constexpr (ac::envs::MaskedEnv<E>) {
      for (ac::Index i = 0; i < ac::envs::mask_rows(prototype.action_space()); ++i)
        trajectory += fmt::format(",legal_{}", i);
    }
    trajectory += "\n";
  }
  const auto result = ac::evaluate(
      policy.actor(), prototype, options.episodes, options.seed, policy.normalizer(),
      [&](const ac::EvaluationStep<E>& s) {
        if (options.record.empty()) return;
        trajectory += fmt::format("{},{}", s.episode, s.step);
        for (ac::Index i = 0; i < s.observation.size(); ++i) {
          trajectory += fmt::format(",{}", s.observation(i));
        }
        if constexpr (discrete) {
          trajectory += fmt::format(",{}", s.action);
        } else {
          for (ac::Index i = 0; i < s.action.size(); ++i) {
            trajectory += fmt::format(",{}", s.action(i));
          }
        }
        trajectory += fmt::format(",{},{:d},{:d}", s.reward, s.terminated, s.truncated);
        for (ac::Index i = 0; i < s.legal.size(); ++i) {
          trajectory += fmt::format(",{:d}", s.legal(i));
        }
        trajectory += "\n";
      },
      options.deterministic ? ac::EvaluationMode::deterministic : ac::EvaluationMode::stochastic);
  if (!options.record.empty()) ac::write_file_atomically(options.record, trajectory);
  if (out != nullptr) *out = result;
  if (!print) return 0;
  fmt::print("{} ({} on {}, seed {}): {} evaluation over {} episodes: {:.2f} ± {:.2f}\n", options.load,
             policy.config().label.empty() ? policy.algorithm() : policy.config().label, policy.environment().id,
             policy.config().seed, options.deterministic ? "deterministic" : "stochastic", result.episodes,
             result.mean_return, result.std_return);
  if (!options.record.empty()) fmt::print("trajectory: {}\n", options.record);
  return 0;
}

EvalOptions parse(int argc, char** argv) {
  EvalOptions o;
  cli::FlagSet flags;
  flags.text("--load", "checkpoint to evaluate", o.load);
  flags.text("--env", "environment id; must match the checkpoint's", o.env, cli::environment_ids());
  flags.number("--episodes", "evaluation episodes", o.episodes, cli::Range::positive);
  flags.number("--seed", "seed of the evaluation environment", o.seed, cli::Range::non_negative);
  flags.boolean("--deterministic", "take the policy's mode (false: sample the actions from it)", o.deterministic);
  flags.text("--record", "write the trajectory to this CSV", o.record);
  flags.parse(argc, argv, "actorcritic-eval", kUsage);
  if (o.load.empty()) cli::usage_error("--load: expected a checkpoint path (see --help)");
  return o;
}

}  // namespace

int cli::evaluate_command(int argc, char** argv, ac::EvaluationResult* result, bool print, const Environment* custom) {
  const EvalOptions options = parse(argc, argv);
  const auto stored = ac::read_run_header(options.load);
  const std::string& id = stored.header.environment.id;
  if (!options.env.empty() && options.env != id) {
    ac::throw_io_error("{}: the checkpoint was trained on {}, not {}", options.load, id, options.env);
  }
  if (custom != nullptr && custom->id != id) {
    ac::throw_io_error("{}: the checkpoint was trained on {}, not {}", options.load, id, custom->id);
  }
  const cli::Environment* row = custom != nullptr ? custom : cli::environment_named(id);
  if (row == nullptr) ac::throw_io_error("{}: unknown environment \"{}\" in the checkpoint", options.load, id);
  const std::string_view policy = cli::policy_name_of_checkpoint(stored.header.policy, options.load);
  return cli::with_environment(*row, [&]<class E>(const E& prototype) {
    if (policy != "gaussian" && !cli::bounded_box(prototype)) {
      ac::throw_io_error("{}: a {} policy on {}", options.load, policy, id);
    }
    return cli::with_policy<E>(policy, prototype, [&]<class Actor>() {
      return evaluate_checkpoint<E, Actor>(options, prototype, result, print);
    });
  });
}
