#pragma once
// What a run writes besides its checkpoint, and where: output paths checked
// before training, per-seed names, the plots as best-effort extras, the
// resolved configuration as JSON, and the report across --seeds.

#include <actorcritic/actorcritic.hpp>

#include "config_file.hpp"
#include "options.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace cli {

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

/// What one run ended with, for the summary across seeds.
struct RunOutcome {
  std::uint64_t seed = 0;
  long steps = 0;
  /// The last iteration's report: the training's seconds, their collecting/updating split, its rate
  /// (rank 0's) and the recent mean return (NaN before any iteration).
  ac::IterationInfo last = [] {
    ac::IterationInfo none;
    none.mean_return = std::numeric_limits<double>::quiet_NaN();
    return none;
  }();
  ac::EvaluationResult evaluation;  // rank 0's (other ranks do not evaluate)
  std::string summary;  // its --summary file, if any
  int ranks = 1;        // the processes that trained it together
};

/// `path` with `.seedN` before its extension: out/run.csv → out/run.seed3.csv.
inline std::string per_seed_path(const std::string& path, std::uint64_t seed) {
  if (path.empty()) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / fmt::format("{}.seed{}{}", p.stem().string(), seed, p.extension().string())).string();
}

/// The diagnostics page beside a learning curve: out/run.png → out/run-diagnostics.png.
inline std::string diagnostics_path(const std::string& plot) {
  const std::filesystem::path p(plot);
  return (p.parent_path() / fmt::format("{}-diagnostics{}", p.stem().string(), p.extension().string())).string();
}

/// The resolved configuration as a flat JSON object ("steps": 100000, …) that
/// --config takes back; `overrides` replace values (e.g. the run's real seed;
/// "" leaves the flag out), and unset flags (empty) are left out.
inline std::string config_json(const std::vector<std::pair<std::string, std::string>>& resolved,
                               const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::string out = "{";
  for (const auto& [flag, value] : resolved) {
    if (flag == "--resume" || flag == "--config") continue;
    const auto o = std::find_if(overrides.begin(), overrides.end(), [&](const auto& e) { return e.first == flag; });
    const std::string& shown = o != overrides.end() ? o->second : value;
    if (shown.empty()) continue;  // unset (no output file, no seed list)
    out += fmt::format("{}\n    {}: {}", out.size() > 1 ? "," : "", json_string(std::string_view(flag).substr(2)),
                       json_config_value(shown));
  }
  return out + "\n  }";
}

/// Draws a plot as a best-effort extra: a failure warns on stderr, names the
/// reason, and returns false; the run's other outputs are not affected.
template <class Draw>
bool plot_extra(const Invocation& invocation, Draw&& draw) {
  try {
    draw();
    return true;
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: warning: no plot: {}\n", invocation.program, error.what());
    return false;
  }
}

/// What --seeds ends with: one line across the seeds, the summary across them
/// (each seed's evaluation, their mean and the std between seeds) and one plot
/// with every seed's curve and their mean.
inline void report_seeds(const Invocation& invocation, const CommonOptions& common,
                         const std::vector<RunOutcome>& outcomes,
                         const std::vector<std::pair<std::string, std::filesystem::path>>& curves) {
  double sum = 0.0, sum_sq = 0.0;
  std::vector<std::string> means, runs;
  for (const RunOutcome& o : outcomes) {
    const double m = o.evaluation.mean_return;
    sum += m;
    sum_sq += m * m;
    means.push_back(fmt::format("{:.2f}", m));
    runs.push_back(fmt::format(
        "    {{\"seed\": {}, \"steps\": {}, \"wall_seconds\": {}, \"final_mean_return\": {}, "
        "\"eval_return_mean\": {}, \"eval_return_std\": {}, \"summary\": {}}}",
        o.seed, o.steps, json_number(o.last.seconds), json_number(o.last.mean_return), json_number(m),
        json_number(o.evaluation.std_return), o.summary.empty() ? std::string("null") : json_string(o.summary)));
  }
  const double n = double(outcomes.size());
  const double mean = sum / n;
  const double spread = std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
  fmt::print("{} on {} over {} seeds: {} evaluation {:.2f} ± {:.2f} between seeds (per seed: {})\n", invocation.algo,
             invocation.env, outcomes.size(), common.deterministic ? "deterministic" : "stochastic", mean, spread,
             fmt::join(means, ", "));
  if (!common.summary.empty() || invocation.summary_sink) {
    const std::string json =
        fmt::format("{{\n  \"algo\": {},\n  \"env\": {},\n  \"seeds\": [{}],\n  \"deterministic\": {},\n"
                    "  \"eval_episodes\": {},\n  \"eval_return_mean\": {},\n  \"eval_return_std_between_seeds\": {},\n"
                    "  \"runs\": [\n{}\n  ],\n  \"config\": {}\n}}\n",
                    json_string(invocation.algo), json_string(invocation.env), fmt::join(common.seeds, ", "),
                    common.deterministic, common.eval_episodes, json_number(mean), json_number(spread),
                    fmt::join(runs, ",\n"), config_json(common.resolved, {{"--seed", ""}}));
    if (!common.summary.empty()) {
      ac::write_file_atomically(common.summary, json);
      if (!invocation.quiet) fmt::print("summary across seeds: {}\n", common.summary);
    }
    if (invocation.summary_sink) invocation.summary_sink(json);
  }
  if (!common.plot.empty() && !curves.empty() && plot_extra(invocation, [&] {
        ac::plot_runs(curves, common.plot, fmt::format("{} on {}: {} seeds", invocation.algo, invocation.env,
                                                       outcomes.size()));
      })) {
    if (!invocation.quiet) fmt::print("learning curves across seeds: {}\n", common.plot);
  }
}

}  // namespace cli
