#pragma once
// The command line of the example programs: the flag set of actorcritic-train
// (cli/flags.hpp, one grammar: --name value), with the flags the examples
// share. Each example declares the ones it uses, then its own:
//
//   ExampleCommandLine options("ppo_pendulum", "PPO with a Gaussian policy on Pendulum-v1.");
//   options.with_steps(300'000).with_seed().with_csv("ppo_pendulum.csv").with_plot();
//   options.flags.text("--save", "write a checkpoint here", save);
//   options.parse(argc, argv);
//
// --help lists every flag with its default; a bad value names the flag (exit 2).
#include "cli/flags.hpp"

#include <actorcritic/train/evaluate.hpp>
#include <actorcritic/train/plot.hpp>
#include <actorcritic/train/progress_bar.hpp>
#include <actorcritic/train/train.hpp>

#include <fmt/core.h>

#include <cstdint>
#include <string>
#include <utility>

class ExampleCommandLine {
 public:
  ExampleCommandLine(std::string program, std::string about)
      : program_(std::move(program)), about_(std::move(about)) {}
  // The flags refer to this object's fields.
  ExampleCommandLine(const ExampleCommandLine&) = delete;
  ExampleCommandLine& operator=(const ExampleCommandLine&) = delete;

  ExampleCommandLine& with_steps(long default_steps, std::string help = "environment steps to train") {
    steps = default_steps;
    flags.number("--steps", std::move(help), steps, cli::Range::positive);
    return *this;
  }
  ExampleCommandLine& with_seed() {
    flags.number("--seed", "seed of the environments, the networks and the sampling", seed, cli::Range::non_negative);
    return *this;
  }
  ExampleCommandLine& with_csv(std::string default_path) {
    csv = std::move(default_path);
    flags.text("--csv", "write one row per iteration here", csv);
    return *this;
  }
  ExampleCommandLine& with_plot() {
    flags.text("--plot", "draw the curves into this PNG (gnuplot)", plot);
    return *this;
  }

  /// Applies argv to the flags (--help prints them and exits 0). Returns the
  /// command line, for an example that asks which flags were given.
  cli::CommandLine parse(int argc, char** argv) {
    return flags.parse(argc, argv, program_, fmt::format("usage: {} [flags]\n\n{}\n", program_, about_));
  }

  [[nodiscard]] const std::string& program() const { return program_; }

  long steps = 0;
  std::uint64_t seed = 0;
  std::string csv;
  std::string plot;  // empty: no plot
  cli::FlagSet flags;

 private:
  std::string program_, about_;
};

/// The CSV row and progress update of every iteration, and the learning curve
/// drawn at the end when --plot was given: what every example trainer shows.
class ExampleProgress {
 public:
  /// `resumed_iterations` > 0: a resumed run, whose CSV continues the file (CsvLog::resume).
  ExampleProgress(const ExampleCommandLine& options, long steps, std::string title, long resumed_iterations = 0)
      : options_(options),
        log_(resumed_iterations > 0 ? ac::CsvLog::resume(options.csv, resumed_iterations) : ac::CsvLog(options.csv)),
        bar_(steps),
        title_(std::move(title)) {}

  void operator()(const ac::IterationInfo& info) {
    log_(info);
    bar_(info);
  }

  /// Draws the CSV when --plot was given (a failure warns: the CSV is already on disk).
  void finish() {
    if (options_.plot.empty()) return;
    try {
      ac::plot_learning_curve(options_.csv, options_.plot, title_);
      fmt::print("learning curve: {}\n", options_.plot);
    } catch (const std::exception& error) {
      fmt::print(stderr, "{}: warning: no plot: {}\n", options_.program(), error.what());
    }
  }

 private:
  const ExampleCommandLine& options_;
  ac::CsvLog log_;
  ac::ProgressBar bar_;
  std::string title_;
};

/// ac::train with an ExampleProgress around it.
template <class Algorithm, class E>
void train_with_progress(Algorithm& algorithm, ac::VectorEnv<E>& env, const ExampleCommandLine& options,
                         const std::string& title, ac::VecNormalize* normalizer = nullptr) {
  ExampleProgress progress(options, options.steps, title);
  ac::train(
      algorithm, env, options.steps, options.seed, [&](const ac::IterationInfo& info) { progress(info); }, normalizer);
  progress.finish();
}

/// The closing line of every example trainer.
inline void print_evaluation(const std::string& name, const ac::EvaluationResult& result,
                             const ExampleCommandLine& options) {
  fmt::print("{}: evaluation over {} episodes: {:.1f} ± {:.1f}; log in {}\n", name, result.episodes,
             result.mean_return, result.std_return, options.csv);
}
