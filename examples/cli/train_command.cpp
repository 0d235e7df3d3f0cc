// actorcritic-train's command line, parsed and run (commands.hpp): the
// invocation (--algo, --env, a --config file, a --resume checkpoint's own
// settings) and the algorithm family that trains it. actorcritic-train's main
// and the Python module call it.
#include "commands.hpp"
#include "families.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace {

/// --resume PATH alone is enough: the algorithm and the environment come from
/// the checkpoint (a contradicting --algo or --env is refused), and so do all
/// hyperparameters, so that no other flag but the budget, outputs and
/// evaluation may be given with it.
void take_from_checkpoint(cli::Invocation& inv, bool algo_given, bool env_given) {
  const auto it = std::find_if(inv.given.begin(), inv.given.end(), [](const auto& g) { return g.first == "--resume"; });
  if (it == inv.given.end()) return;
  for (const auto& [flag, value] : inv.given) {
    if (std::find(cli::kResumeFlags.begin(), cli::kResumeFlags.end(), flag) == cli::kResumeFlags.end()) {
      cli::usage_error("{}: a resumed run keeps the checkpoint's settings; with --resume only {} may be given", flag,
                       fmt::join(cli::kResumeFlags.begin() + 1, cli::kResumeFlags.end(), ", "));
    }
  }
  const auto stored = ac::read_run_header(it->second);
  if (std::find(cli::kAlgorithms.begin(), cli::kAlgorithms.end(), stored.config.label) == cli::kAlgorithms.end()) {
    ac::throw_io_error("{}: the checkpoint's run \"{}\" ({}) was not written by actorcritic-train", it->second,
                       stored.config.label, stored.header.algorithm);
  }
  if (algo_given && inv.algo != stored.config.label) {
    cli::usage_error("--algo: the checkpoint {} was trained by {}, not {}", it->second, stored.config.label, inv.algo);
  }
  if (env_given && inv.env != stored.header.environment.id) {
    cli::usage_error("--env: the checkpoint {} was trained on {}, not {}", it->second, stored.header.environment.id,
                     inv.env);
  }
  inv.algo = stored.config.label;
  inv.env = stored.header.environment.id;
  // The remembered outputs go first, as if given, so that the flags applied after them override them;
  // before them the policy the checkpoint itself records (cli::kNotRemembered).
  std::vector<std::pair<std::string, std::string>> given;
  if (!stored.header.policy.empty()) {
    given.emplace_back("--distribution", std::string(cli::policy_name_of_checkpoint(stored.header.policy, it->second)));
  }
  if (stored.config.actor.state_dependent_std) given.emplace_back("--state-dependent-std", "true");
  for (const std::string& entry : stored.config.application) {
    const auto equals = entry.find('=');
    if (equals != std::string::npos) given.emplace_back(entry.substr(0, equals), entry.substr(equals + 1));
  }
  given.insert(given.end(), inv.given.begin(), inv.given.end());
  inv.given = std::move(given);
}

cli::Invocation parse_invocation(int argc, char** argv, const cli::Environment* custom) {
  cli::Invocation inv;
  inv.custom = custom;
  auto line = cli::split_command_line(argc, argv);
  inv.help = line.help;
  inv.quiet = line.quiet;
  inv.dangling = line.dangling;
  // A --config file's flags are applied before the command line's, which override them;
  // its --algo and --env count as given, unless the command line gives them too.
  std::vector<std::pair<std::string, std::string>> from_file;
  const auto config =
      std::find_if(line.given.begin(), line.given.end(), [](const auto& g) { return g.first == "--config"; });
  if (config != line.given.end()) {
    inv.config_file = config->second;
    from_file = cli::read_config_file(inv.config_file);
    line.given.erase(config);
    if (line.has("--resume")) {
      cli::usage_error("--config: a resumed run keeps the checkpoint's settings; give --resume without --config");
    }
  }
  bool algo_given = false, env_given = false;
  for (const bool command_line : {false, true}) {
    for (auto& [flag, value] : command_line ? line.given : from_file) {
      if (flag == "--algo") {
        inv.algo = value;
        algo_given = true;
      } else if (flag == "--env") {
        inv.env = value;
        env_given = true;
      } else {
        (command_line ? inv.given : inv.config_given).emplace_back(flag, value);
      }
    }
  }
  if (inv.dangling == "--algo" || inv.dangling == "--env" || inv.dangling == "--config") {
    cli::usage_error("{}: expected a value after the flag", inv.dangling);
  }
  if (!inv.help) take_from_checkpoint(inv, algo_given, env_given);
  if (std::find(cli::kAlgorithms.begin(), cli::kAlgorithms.end(), inv.algo) == cli::kAlgorithms.end()) {
    cli::usage_error("--algo: unknown algorithm \"{}\"; expected one of {}", inv.algo,
                     fmt::join(cli::kAlgorithms, ", "));
  }
  if (custom != nullptr) {
    if (env_given && inv.env != custom->id) {
      cli::usage_error("--env: training on the program's own environment {}, not {}", custom->id, inv.env);
    }
    inv.env = std::string(custom->id);
  } else {
    (void)cli::find_environment(inv.env);  // a UsageError listing the table's ids
  }
  return inv;
}

}  // namespace

int cli::train_command(int argc, char** argv, const Environment* custom,
                       std::function<void(const std::string&)> summary_sink) {
  Invocation invocation = parse_invocation(argc, argv, custom);
  invocation.summary_sink = std::move(summary_sink);
  if (invocation.algo == "trpo") return run_trpo(invocation);
  if (invocation.algo.starts_with("ppo")) return run_ppo(invocation);
  return run_policy_gradient(invocation);
}
