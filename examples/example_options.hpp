#pragma once
// The command line shared by the example trainers:
//   --steps N  --seed S  --csv PATH  --plot PATH.png  --help   (plus switches an example declares)
#include <actorcritic/core/error.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

struct ExampleOptions {
  long steps = 0;
  std::uint64_t seed = 0;
  std::string csv;
  std::string plot;
  std::set<std::string> switches;  // boolean flags that were given
  std::map<std::string, std::string> values;  // declared value flags that were given

  [[nodiscard]] std::string value(const std::string& flag, const std::string& fallback) const {
    const auto it = values.find(flag);
    return it == values.end() ? fallback : it->second;
  }
  [[nodiscard]] bool has(const std::string& flag) const { return switches.count(flag) != 0; }
};

/// Parses argv; prints `usage` and exits 0 on --help; throws ac::InvalidArgument on anything unknown.
inline ExampleOptions parse_example_options(int argc, char** argv, std::string_view usage, long default_steps,
                                            std::string default_csv, const std::set<std::string>& known_switches = {},
                                            const std::set<std::string>& known_values = {}) {
  ExampleOptions options;
  options.steps = default_steps;
  options.csv = std::move(default_csv);
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      fmt::print("{}\n", usage);
      std::exit(0);
    }
    if (known_switches.count(flag) != 0) {
      options.switches.insert(flag);
      continue;
    }
    if (i + 1 >= argc) throw ac::InvalidArgument(fmt::format("{}: expected a value after the flag", flag));
    const std::string value = argv[++i];
    try {
      if (flag == "--steps") {
        options.steps = std::stol(value);
      } else if (flag == "--seed") {
        options.seed = std::stoull(value);
      } else if (flag == "--csv") {
        options.csv = value;
      } else if (flag == "--plot") {
        options.plot = value;
      } else if (known_values.count(flag) != 0) {
        options.values[flag] = value;
      } else {
        throw ac::InvalidArgument(fmt::format("unknown flag {} (try --help)", flag));
      }
    } catch (const std::logic_error&) {  // std::stol and friends: not a number
      throw ac::InvalidArgument(fmt::format("{}: expected a number, got \"{}\"", flag, value));
    }
  }
  ac::check_positive("--steps", options.steps);
  return options;
}

#include <actorcritic/train/evaluate.hpp>
#include <actorcritic/train/plot.hpp>
#include <actorcritic/train/progress_bar.hpp>
#include <actorcritic/train/train.hpp>

/// What every example trainer does around ac::train: a CSV row and a progress
/// update per iteration, the CSV written at the end, and the learning curve
/// drawn when --plot was given.
template <class Algorithm, class E>
void train_with_progress(Algorithm& algorithm, ac::VectorEnv<E>& env, const ExampleOptions& options, long steps,
                         const std::string& title, ac::VecNormalize* normalizer = nullptr) {
  ac::CsvLog log(options.csv);
  ac::ProgressBar progress(steps);
  ac::train(
      algorithm, env, steps, options.seed,
      [&](const ac::IterationInfo& info) {
        log(info);
        progress(info);
      },
      normalizer);
  log.flush();
  if (!options.plot.empty()) {
    ac::plot_learning_curve(options.csv, options.plot, title);
    fmt::print("learning curve: {}\n", options.plot);
  }
}

/// The closing line of every example trainer.
inline void print_evaluation(const std::string& name, const ac::EvaluationResult& result, const ExampleOptions& options) {
  fmt::print("{}: evaluation over {} episodes: {:.1f} ± {:.1f}; log in {}\n", name, result.episodes,
             result.mean_return, result.std_return, options.csv);
}
