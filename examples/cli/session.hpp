#pragma once
// What actorcritic-train does around the library's run object (ac::Run): the
// command line's common flags, progress, CSV, plot, evaluation, JSON summary
// and checkpoints. Each algorithm family (family_*.cpp) adds its own flags
// with defaults tuned per environment and hands its algorithm's type and
// settings to train_run.

#include <actorcritic/actorcritic.hpp>

#include "environments.hpp"
#include "flags.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <vector>

namespace cli {

inline const std::vector<std::string> kAlgorithms{"reinforce", "vpg",     "a2c",         "offpolicy",      "trpo",
                                                  "ppo-kl",    "ppo-clip", "ppo-clip-kl", "ppo-clip-kl-ent"};

/// The command line before the algorithm's flags are known: --algo and --env
/// choose which flags exist and their defaults; the rest (CommandLine::given,
/// without them) is applied later.
struct Invocation : CommandLine {
  std::string program = "actorcritic-train";
  std::string algo = "ppo-clip";
  std::string env = "CartPole-v1";

  [[nodiscard]] const Environment& environment() const { return find_environment(env); }
};

/// The flags --resume may come with: the budget (only larger), the outputs and
/// the evaluation. Every other setting is the checkpoint's.
inline const std::vector<std::string> kResumeFlags{
    "--resume",           "--steps",          "--csv",        "--plot",          "--summary",       "--save",
    "--eval-episodes",    "--checkpoint-every", "--keep-checkpoints", "--stop-after", "--stop-at-return"};
/// The output flags a checkpoint remembers (RunConfig::application), so that a resumed run writes where it did.
inline const std::vector<std::string> kRememberedFlags{"--csv",           "--plot",           "--summary",
                                                       "--save",          "--eval-episodes",  "--checkpoint-every",
                                                       "--keep-checkpoints", "--stop-at-return"};

/// The flags every algorithm has. Defaults depend on the environment (env_defaults).
struct CommonOptions {
  long steps = 100'000;
  std::uint64_t seed = 0;
  long envs = 8;
  long eval_episodes = 20;
  long stop_after = 0;        // 0: run the whole budget
  long checkpoint_every = 0;  // 0: only at the end
  long keep_checkpoints = 0;  // periodic checkpoints kept as SAVE.STEPS besides SAVE (0: none)
  double stop_at_return = std::numeric_limits<double>::infinity();  // stop once the recent mean return reaches it
  std::string csv, save, plot, summary, resume;
  std::vector<long> hidden{64, 64};
  std::string activation = "tanh";
  bool layer_norm = false;
  bool shared_trunk = false;
  bool normalize_observations = false;
  bool normalize_rewards = false;
  double initial_log_std = 0.0;
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
  if (env.key == EnvironmentKey::cartpole) {
    if (algo == "reinforce") o.steps = 1'000'000;
    if (algo == "a2c" || algo == "vpg" || algo == "offpolicy") o.steps = 500'000;
  }
  if (algo == "reinforce" && env.continuous && env.key != EnvironmentKey::single_state_bandit) {
    o.normalize_rewards = false;
  }
  return o;
}

/// The flags every algorithm has; those the pair cannot use are refused with the reason.
inline void add_common_flags(FlagSet& flags, CommonOptions& o, const Environment& env, std::string_view algo,
                             bool shares_trunk) {
  const bool continuous = env.continuous;
  flags.section("run");
  flags.number("--steps", "environment steps to train", o.steps, Range::positive);
  flags.number("--seed", "seed of the envs, the networks and the sampling", o.seed, Range::non_negative);
  flags.number("--envs", "parallel environments", o.envs, Range::positive);
  flags.number("--eval-episodes", "episodes of the final deterministic evaluation", o.eval_episodes, Range::positive);
  flags.text("--csv", "write one row per iteration here", o.csv);
  flags.text("--plot", "draw the learning curve into this PNG (gnuplot)", o.plot);
  flags.text("--summary", "write a JSON summary here", o.summary);
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
  if (continuous) {
    flags.number("--initial-log-std", "initial log σ of the Gaussian policy", o.initial_log_std, Range::any);
  } else {
    flags.unavailable("--initial-log-std",
                      fmt::format("only for environments with continuous actions; {} has discrete actions", env.id));
  }
  flags.boolean("--normalize-observations", "running mean/std observation normalization", o.normalize_observations);
  flags.boolean("--normalize-rewards", "scale rewards by the running std of the return", o.normalize_rewards);
}

/// The JSON string literal of `text`.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// A JSON number; NaN and infinities (which JSON lacks) become null.
inline std::string json_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string("null");
}

/// Refuses an output path whose folder does not exist or cannot be written,
/// that names a folder, or (with `extension`) that has another extension.
inline void check_output_path(std::string_view flag, const std::string& path, std::string_view extension = {}) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error)) usage_error("{}: {} is a folder; expected a file path", flag, path);
  const fs::path folder = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(folder, error)) usage_error("{}: the folder {} does not exist", flag, folder.string());
  if (::access(folder.c_str(), W_OK) != 0) usage_error("{}: the folder {} is not writable", flag, folder.string());
  if (!extension.empty()) {
    std::string actual = fs::path(path).extension().string();
    std::transform(actual.begin(), actual.end(), actual.begin(), [](unsigned char c) { return std::tolower(c); });
    if (actual != extension) usage_error("{}: expected a {} file (the image is PNG), got {}", flag, extension, path);
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
  c.critic.hidden = c.actor.hidden;
  c.critic.activation = c.actor.activation;
  c.critic.layer_norm = o.layer_norm;
  c.shared_trunk = o.shared_trunk;
  if (o.normalize_observations || o.normalize_rewards) {
    c.normalization = ac::VecNormalizeConfig{.observations = o.normalize_observations,
                                             .rewards = o.normalize_rewards, .gamma = gamma};
  }
  c.label = invocation.algo;
  for (const auto& [flag, value] : invocation.given) {
    if (std::find(kRememberedFlags.begin(), kRememberedFlags.end(), flag) != kRememberedFlags.end()) {
      c.application.push_back(flag + "=" + value);
    }
  }
  return c;
}

/// One training run of `Algorithm` on E: new, or resumed from --resume.
template <class Algorithm, class E>
class Session {
 public:
  using Run = ac::Run<Algorithm, E>;

  Session(const Invocation& invocation, const CommonOptions& options, const typename Algorithm::Settings& settings,
          double gamma)
      : invocation_(invocation), options_(options),
        run_(options.resume.empty() ? Run(run_config(invocation, options, gamma), settings) : resume()) {}

  /// Trains, then evaluates, reports and saves what the flags ask for. Returns the exit code.
  int run() {
    const long first_step = run_.steps();
    if (options_.checkpoint_every > 0 && options_.save.empty()) {
      usage_error("--checkpoint-every: expected --save PATH to write the checkpoints to");
    }
    if (options_.keep_checkpoints > 0 && options_.checkpoint_every == 0) {
      usage_error("--keep-checkpoints: expected --checkpoint-every N: it keeps the periodic checkpoints");
    }
    std::string csv_path = options_.csv;
    if (csv_path.empty() && !options_.plot.empty()) csv_path = options_.plot + ".csv";
    // Every output's folder must exist before hours of training depend on it.
    check_output_path("--csv", csv_path);
    check_output_path("--plot", options_.plot, ".png");
    check_output_path("--summary", options_.summary);
    check_output_path("--save", options_.save);
    // The log is on disk from the first iteration; a resumed run continues its file.
    std::optional<ac::CsvLog> log;
    if (!csv_path.empty()) {
      log.emplace(first_step > 0 ? ac::CsvLog::resume(csv_path, run_.iterations()) : ac::CsvLog(csv_path));
    }
    std::optional<ac::ProgressBar> progress;
    // The loop runs whole rollouts: the budget rounds up to the steps it will really take.
    const long budget = run_.config().total_steps;
    const long planned = run_.planned_steps();
    if (!invocation_.quiet) {
      progress.emplace(planned);
      fmt::print("{} on {}: {} steps{}{}, {} envs, seed {}\n", invocation_.algo, invocation_.env, budget,
                 planned != budget ? fmt::format(" (rounded up to {}: whole rollouts of {} steps)", planned,
                                                 run_.steps_per_iteration())
                                   : std::string(),
                 first_step > 0 ? fmt::format(" (resuming at {})", first_step) : std::string(), run_.config().envs,
                 run_.config().seed);
    }
    double wall = 0.0;
    double last_mean = std::numeric_limits<double>::quiet_NaN();
    bool reached_return = false;
    long next_checkpoint = options_.checkpoint_every > 0
                               ? (first_step / options_.checkpoint_every + 1) * options_.checkpoint_every
                               : std::numeric_limits<long>::max();
    run_.train([&](const ac::IterationInfo& info) {
      if (log) (*log)(info);
      if (progress) (*progress)(info);
      wall = info.seconds;
      last_mean = info.mean_return;
      if (info.steps >= next_checkpoint) {
        run_.save(options_.save);
        if (options_.keep_checkpoints > 0) keep_checkpoint(info.steps);
        next_checkpoint = (info.steps / options_.checkpoint_every + 1) * options_.checkpoint_every;
      }
      reached_return = info.mean_return >= options_.stop_at_return;  // false while NaN (no episode yet)
      return !reached_return && (options_.stop_after == 0 || info.steps < options_.stop_after);
    });
    if (reached_return && !invocation_.quiet) {
      fmt::print("stopped at {} steps: the mean return {:.2f} reached --stop-at-return {}\n", run_.steps(), last_mean,
                 options_.stop_at_return);
    }
    if (!options_.save.empty()) run_.save(options_.save);
    const auto evaluation = run_.evaluate(options_.eval_episodes, run_.config().seed + 1'000'000);
    const std::string_view stop = reached_return ? "stop-at-return" : run_.finished() ? "budget" : "stop-after";
    if (!options_.summary.empty()) write_summary(wall, last_mean, first_step, evaluation, stop);
    // The plot is an extra: a failure (gnuplot missing, no episode finished yet) warns and loses nothing.
    bool plotted = false;
    if (!options_.plot.empty()) {
      try {
        ac::plot_learning_curve(csv_path, options_.plot, fmt::format("{} on {}", invocation_.algo, invocation_.env));
        plotted = true;
      } catch (const std::exception& error) {
        fmt::print(stderr, "{}: warning: no plot: {}\n", invocation_.program, error.what());
      }
    }
    fmt::print("{} on {}: evaluation over {} episodes: {:.2f} ± {:.2f} ({} steps, {:.1f} s)\n", invocation_.algo,
               invocation_.env, evaluation.episodes, evaluation.mean_return, evaluation.std_return, run_.steps(),
               wall);
    if (!invocation_.quiet) {
      if (!csv_path.empty()) fmt::print("log: {}\n", csv_path);
      if (plotted) fmt::print("learning curve: {}\n", options_.plot);
      if (!options_.save.empty()) fmt::print("checkpoint: {}\n", options_.save);
      if (!options_.summary.empty()) fmt::print("summary: {}\n", options_.summary);
    }
    return 0;
  }

 private:
  /// Copies the checkpoint just saved to SAVE.STEPS and removes all but the
  /// newest --keep-checkpoints such copies in its folder (a resumed run's older ones too).
  void keep_checkpoint(long steps) const {
    namespace fs = std::filesystem;
    const fs::path save(options_.save);
    fs::copy_file(save, fs::path(fmt::format("{}.{}", options_.save, steps)), fs::copy_options::overwrite_existing);
    const fs::path folder = save.parent_path().empty() ? fs::path(".") : save.parent_path();
    const std::string prefix = save.filename().string() + ".";
    std::vector<std::pair<long, fs::path>> kept;
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
      const std::string_view digits = std::string_view(name).substr(prefix.size());
      long n = 0;
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (error == std::errc() && end == digits.data() + digits.size()) kept.emplace_back(n, entry.path());
    }
    std::sort(kept.begin(), kept.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(options_.keep_checkpoints) < kept.size(); ++i) {
      fs::remove(kept[i].second);
    }
  }

  /// The run in --resume's checkpoint (its remembered outputs are already
  /// among the flags: actorcritic_train.cpp), with a larger --steps if one is given.
  Run resume() {
    Run run = Run::load(options_.resume);
    if (invocation_.has("--steps")) {
      if (options_.steps <= run.steps()) {
        usage_error("--steps: the checkpoint has trained {} steps already; expected a budget above that, got {}",
                    run.steps(), options_.steps);
      }
      run.set_total_steps(options_.steps);
    } else if (run.finished()) {
      usage_error("--resume: the run in {} has spent its budget of {} steps; give a larger --steps to continue it",
                  options_.resume, run.config().total_steps);
    }
    return run;
  }

  void write_summary(double wall, double last_mean, long first_step, const ac::EvaluationResult& evaluation,
                     std::string_view stop) const {
    const std::string json = fmt::format(
        "{{\n  \"algo\": {},\n  \"env\": {},\n  \"seed\": {},\n  \"steps\": {},\n  \"stopped_by\": {},\n"
        "  \"envs\": {},\n"
        "  \"wall_seconds\": {},\n  \"steps_per_second\": {},\n  \"final_mean_return\": {},\n"
        "  \"eval_return_mean\": {},\n  \"eval_return_std\": {},\n  \"eval_episodes\": {},\n  \"eval_returns\": [{}],\n"
        "  \"checkpoint\": {}\n}}\n",
        json_string(invocation_.algo), json_string(invocation_.env), run_.config().seed, run_.steps(),
        json_string(stop), run_.config().envs, json_number(wall),
        json_number(wall > 0 ? double(run_.steps() - first_step) / wall : 0.0), json_number(last_mean),
        json_number(evaluation.mean_return), json_number(evaluation.std_return), evaluation.episodes,
        fmt::join(evaluation.returns | std::views::transform(json_number), ", "),
        options_.save.empty() ? std::string("null") : json_string(options_.save));
    ac::write_file_atomically(options_.summary, json);
  }

  const Invocation& invocation_;
  CommonOptions options_;
  Run run_;
};

}  // namespace cli
