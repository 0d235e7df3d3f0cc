#pragma once
// What actorcritic-train does around the library's run object (ac::Run) for
// one run: progress, the CSV, evaluation during training and at the end,
// TensorBoard, periodic checkpoints, the JSON summary and the plots. Each
// algorithm family (family_*.cpp) adds its own flags with defaults tuned per
// environment and hands its algorithm's type and settings to
// train_on_environment (families.hpp).

#include <actorcritic/actorcritic.hpp>

#include "config_file.hpp"
#include "options.hpp"
#include "outputs.hpp"

#ifdef AC_HAVE_TENSORBOARD
#include "event_writer.hpp"
#include "training_scalars.hpp"
#endif

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <ranges>
#include <string>
#include <utility>
#include <vector>

namespace cli {

/// The ranks this process trains with: one process, or, for actorcritic-train
/// built with MPI and started by mpirun, the job's (set by its main). Rank 0
/// alone prints and writes; every rank trains its share.
inline ac::CommunicatorRef& process_communicator() {
  static ac::CommunicatorRef comm;
  return comm;
}
inline bool is_root() { return process_communicator().rank() == 0; }

/// One training run of `Algorithm` on E: new, or resumed from --resume.
template <class Algorithm, class E>
class Session {
 public:
  using Run = ac::Run<Algorithm, E>;

  /// `prototype`: the environment every copy is made from.
  Session(const Invocation& invocation, const CommonOptions& options, const typename Algorithm::Settings& settings,
          double gamma, const E& prototype)
      : invocation_(invocation), options_(options),
        run_(options.resume.empty()
                 ? Run(run_config(invocation, options, gamma), settings, prototype, process_communicator())
                 : resume(prototype)) {
    if constexpr (requires(Algorithm& a) { a.set_threads(2); }) {
      run_.algorithm().set_threads(static_cast<int>(options.threads));
    }
  }

  /// Trains, then evaluates, reports and saves what the flags ask for.
  RunOutcome run() {
    const long first_step = run_.steps();
    if (options_.checkpoint_every > 0 && options_.save.empty()) {
      usage_error("--checkpoint-every: expected --save PATH to write the checkpoints to");
    }
    if (options_.keep_checkpoints > 0 && options_.checkpoint_every == 0) {
      usage_error("--keep-checkpoints: expected --checkpoint-every N: it keeps the periodic checkpoints");
    }
    const std::string csv_path = csv_path_of(options_);
    const bool root = is_root();  // rank 0 alone writes the outputs
    const int ranks = process_communicator().size();
    // Every output's folder must exist before hours of training depend on it.
    if (root) {
      check_output_path("--csv", csv_path);
      check_output_path("--plot", options_.plot, ".png");
      check_output_path("--summary", options_.summary);
      check_output_path("--save", options_.save);
    }
    // The log is on disk from the first iteration; a resumed run continues its file.
    std::optional<ac::CsvLog> log;
    if (root && !csv_path.empty()) {
      log.emplace(first_step > 0 ? ac::CsvLog::resume(csv_path, run_.iterations()) : ac::CsvLog(csv_path));
    }
#ifdef AC_HAVE_TENSORBOARD
    std::optional<ac::tensorboard::EventWriter> events;
    if (root && !options_.tensorboard.empty()) events.emplace(options_.tensorboard);
    std::vector<std::pair<std::string, double>> scalars;  // reused every iteration
#endif
    std::optional<ac::ProgressBar> progress;
    // The loop runs whole rollouts: the budget rounds up to the steps it will really take.
    const long budget = run_.config().total_steps;
    const long planned = run_.planned_steps();
    if (root && !invocation_.quiet) {
      progress.emplace(planned);
      fmt::print("{} on {}: {} steps{}{}, {} envs{}, seed {}\n", invocation_.algo, invocation_.env, budget,
                 planned != budget ? fmt::format(" (rounded up to {}: whole rollouts of {} steps)", planned,
                                                 run_.steps_per_iteration())
                                   : std::string(),
                 first_step > 0 ? fmt::format(" (resuming at {})", first_step) : std::string(), run_.config().envs,
                 ranks > 1 ? fmt::format(" on {} ranks", ranks) : std::string(), run_.config().seed);
    }
    RunOutcome outcome;
    outcome.seed = run_.config().seed;
    outcome.summary = options_.summary;
    bool reached_return = false;
    long next_checkpoint = next_multiple(first_step, options_.checkpoint_every);
    long next_evaluation = next_multiple(first_step, options_.eval_every);
    run_.train([&](const ac::IterationInfo& info) {
      // Evaluation uses its own environment and generator: the run goes on exactly as without it.
      std::optional<ac::EvaluationResult> evaluation;
      if (info.steps >= next_evaluation) {
        if (root) {  // the other ranks go on to the next rollout and wait for rank 0 in its first collective
          evaluation = evaluate();
          evaluations_.emplace_back(info.steps, *evaluation);
        }
        next_evaluation = next_multiple(info.steps, options_.eval_every);
      }
      if (log) (*log)(info, evaluation ? &*evaluation : nullptr);
#ifdef AC_HAVE_TENSORBOARD
      if (events) {
        ac::tensorboard::training_scalars(info, evaluation ? &*evaluation : nullptr, scalars);
        events->scalars(info.steps, scalars);
      }
#endif
      if (progress) (*progress)(info);
      outcome.last = info;
      if (info.steps >= next_checkpoint) {
        run_.save(options_.save);  // every rank gives its state; rank 0 writes
        if (root && options_.keep_checkpoints > 0) keep_checkpoint(info.steps);
        next_checkpoint = next_multiple(info.steps, options_.checkpoint_every);
      }
      reached_return = info.mean_return >= options_.stop_at_return;  // false while NaN (no episode yet)
      return !reached_return && (options_.stop_after == 0 || info.steps < options_.stop_after);
    });
    if (!options_.save.empty()) run_.save(options_.save);
    outcome.steps = run_.steps();
    outcome.ranks = ranks;
    if (!root) return outcome;
    if (reached_return && !invocation_.quiet) {
      fmt::print("stopped at {} steps: the mean return {:.2f} reached --stop-at-return {}\n", run_.steps(),
                 outcome.last.mean_return, options_.stop_at_return);
    }
    outcome.evaluation = evaluate();
    const std::string_view stop = reached_return ? "stop-at-return" : run_.finished() ? "budget" : "stop-after";
    if (!options_.summary.empty() || invocation_.summary_sink) write_summary(outcome, stop);
    // The plots are extras: a failure (gnuplot missing) warns and loses nothing.
    const bool plotted =
        !options_.plot.empty() &&
        plot_extra(invocation_, [&] {
          const std::string title = fmt::format("{} on {}, seed {}", invocation_.algo, invocation_.env, outcome.seed);
          ac::plot_learning_curve(csv_path, options_.plot, title);
          ac::plot_diagnostics(csv_path, diagnostics_path(options_.plot), title + ": update diagnostics");
        });
    const auto& e = outcome.evaluation;
    fmt::print("{} on {}: {} evaluation over {} episodes: {:.2f} ± {:.2f} ({} steps, {:.1f} s: collecting {:.2f} s, "
               "updating {:.2f} s)\n",
               invocation_.algo, invocation_.env, options_.deterministic ? "deterministic" : "stochastic", e.episodes,
               e.mean_return, e.std_return, run_.steps(), outcome.last.seconds, outcome.last.collect_seconds,
               outcome.last.update_seconds);
    if (!invocation_.quiet) {
      if (!csv_path.empty()) fmt::print("log: {}\n", csv_path);
      if (plotted) fmt::print("learning curve: {} (diagnostics: {})\n", options_.plot, diagnostics_path(options_.plot));
      if (!options_.save.empty()) fmt::print("checkpoint: {}\n", options_.save);
      if (!options_.summary.empty()) fmt::print("summary: {}\n", options_.summary);
      if (!options_.tensorboard.empty()) fmt::print("tensorboard: tensorboard --logdir {}\n", options_.tensorboard);
    }
    return outcome;
  }

  /// The CSV a run writes: --csv, or beside --plot's image when only that is given.
  static std::string csv_path_of(const CommonOptions& o) {
    return o.csv.empty() && !o.plot.empty() ? o.plot + ".csv" : o.csv;
  }

 private:
  /// The evaluation the flags ask for, on episodes seeded apart from the training envs'
  /// (the same episodes at every evaluation, so that the points compare).
  ac::EvaluationResult evaluate() {
    return run_.evaluate(options_.eval_episodes, run_.config().seed + kEvaluationSeedOffset,
                         options_.deterministic ? ac::EvaluationMode::deterministic : ac::EvaluationMode::stochastic);
  }
  static constexpr std::uint64_t kEvaluationSeedOffset = 1'000'000;

  /// The first multiple of `every` above `steps` (never, for every = 0).
  static long next_multiple(long steps, long every) {
    return every > 0 ? (steps / every + 1) * every : std::numeric_limits<long>::max();
  }

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
  /// among the flags: train_command.cpp), with a larger --steps if one is given.
  Run resume(const E& prototype) {
    Run run = Run::load(options_.resume, prototype, process_communicator());
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

  void write_summary(const RunOutcome& outcome, std::string_view stop) const {
    const auto& e = outcome.evaluation;
    std::string evaluations;
    for (const auto& [steps, result] : evaluations_) {
      evaluations += fmt::format("{}\n    {{\"steps\": {}, \"mean_return\": {}, \"std_return\": {}}}",
                                 evaluations.empty() ? "" : ",", steps, json_number(result.mean_return),
                                 json_number(result.std_return));
    }
    const std::string json = fmt::format(
        "{{\n  \"algo\": {},\n  \"env\": {},\n  \"seed\": {},\n  \"steps\": {},\n  \"stopped_by\": {},\n"
        "  \"envs\": {},\n  \"ranks\": {},\n"
        "  \"wall_seconds\": {},\n  \"steps_per_second\": {},\n  \"collect_seconds\": {},\n"
        "  \"update_seconds\": {},\n  \"final_mean_return\": {},\n"
        "  \"deterministic\": {},\n"
        "  \"eval_return_mean\": {},\n  \"eval_return_std\": {},\n  \"eval_episodes\": {},\n  \"eval_returns\": [{}],\n"
        "  \"evaluations\": [{}{}],\n"
        "  \"checkpoint\": {},\n  \"config\": {}\n}}\n",
        json_string(invocation_.algo), json_string(invocation_.env), outcome.seed, outcome.steps, json_string(stop),
        run_.config().envs, outcome.ranks, json_number(outcome.last.seconds),
        json_number(outcome.last.steps_per_second()), json_number(outcome.last.collect_seconds),
        json_number(outcome.last.update_seconds), json_number(outcome.last.mean_return), options_.deterministic,
        json_number(e.mean_return),
        json_number(e.std_return), e.episodes, fmt::join(e.returns | std::views::transform(json_number), ", "),
        evaluations, evaluations.empty() ? "" : "\n  ",
        options_.save.empty() ? std::string("null") : json_string(options_.save),
        config_json(options_.resolved, {{"--steps", std::to_string(run_.config().total_steps)},
                                        {"--seed", std::to_string(outcome.seed)},
                                        {"--seeds", ""}}));
    if (!options_.summary.empty()) ac::write_file_atomically(options_.summary, json);
    if (invocation_.summary_sink) invocation_.summary_sink(json);
  }

  const Invocation& invocation_;
  CommonOptions options_;
  Run run_;
  std::vector<std::pair<long, ac::EvaluationResult>> evaluations_;  // during training, this process's
};

}  // namespace cli
