// Lecture demo (a): on the single-state bandit every reward is negative, so
// plain REINFORCE lowers the probability of whatever it sampled and the policy
// mean keeps jittering around the goal; recentring the returns or subtracting
// the value V(s) (the advantage) removes the offset and the mean settles, and
// so do the group baselines of the lecture's last slide: RLOO (each sample
// against the mean of the others) and GRPO (against the batch's mean, over its std).
//
//   bandit_oscillation [--seeds N (8)] [--csv PATH] [--plot PATH.png]
//
// Writes, per update, the distance ‖μ − goal‖ and the step length ‖Δμ‖ for each
// baseline (averaged over seeds) and plots the distances.
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>
#include <array>

#include "../example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("bandit_oscillation", [&] {
    ExampleCommandLine options("bandit_oscillation", "Lecture demo (a): why REINFORCE needs a baseline.");
    long seeds = 8;
    options.flags.number("--seeds", "seeds averaged per baseline", seeds, cli::Range::positive);
    options.with_csv("bandit_oscillation.csv").with_plot();
    options.parse(argc, argv);
    using ac::lecture::Baseline;
    const std::array baselines{Baseline::none, Baseline::recentred, Baseline::advantage, Baseline::leave_one_out,
                               Baseline::group_normalized};
    constexpr std::size_t kBaselines = baselines.size();
    const ac::lecture::BanditExperiment experiment;
    const auto updates = static_cast<std::size_t>(experiment.updates);
    std::array<std::vector<double>, kBaselines> distance, step;
    for (std::size_t b = 0; b < kBaselines; ++b) {
      distance[b].assign(updates, 0.0);
      step[b].assign(updates, 0.0);
      for (long seed = 0; seed < seeds; ++seed) {
        const auto trace = ac::lecture::reinforce_on_bandit(baselines[b], experiment, static_cast<std::uint64_t>(seed));
        for (std::size_t k = 0; k < updates; ++k) {
          distance[b][k] += trace.distances[k] / double(seeds);
          step[b][k] += trace.step_lengths[k] / double(seeds);
        }
      }
    }
    std::string csv = "update";
    for (const char* column : {"distance", "step"}) {
      for (const Baseline b : baselines) csv += fmt::format(",{}_{}", column, ac::lecture::to_string(b));
    }
    csv += "\n";
    for (std::size_t k = 0; k < updates; ++k) {
      csv += fmt::format("{}", k + 1);
      for (const auto* series : {&distance, &step}) {
        for (std::size_t b = 0; b < kBaselines; ++b) csv += fmt::format(",{}", (*series)[b][k]);
      }
      csv += "\n";
    }
    ac::write_file_atomically(options.csv, csv);
    const auto late = [&](const std::vector<double>& v) {
      double s = 0.0;
      for (std::size_t k = updates - 100; k < updates; ++k) s += v[k] / 100.0;
      return s;
    };
    fmt::print("REINFORCE on the single-state bandit (d = {}, σ = {}, batch {}, SGD {}, {} seeds)\n", experiment.dims,
               experiment.sigma, experiment.batch, experiment.learning_rate, seeds);
    fmt::print("{:<10} {:>28} {:>26}\n", "baseline", "distance to goal (last 100)", "step length (last 100)");
    for (std::size_t b = 0; b < kBaselines; ++b) {
      fmt::print("{:<10} {:>28.3f} {:>26.4f}\n", ac::lecture::to_string(baselines[b]), late(distance[b]),
                 late(step[b]));
    }
    fmt::print("data: {}\n", options.csv);
    if (!options.plot.empty()) {
      ac::plot_csv(options.csv, options.plot,
                   {.title = "REINFORCE on the single-state bandit: always-negative rewards",
                    .x = "update",
                    .y = {"distance_none", "distance_recentred", "distance_advantage", "distance_rloo",
                          "distance_grpo"},
                    .x_label = "update",
                    .y_label = "distance of the policy mean to the goal",
                    .log_y = true});
      fmt::print("plot: {}\n", options.plot);
    }
    return 0;
  });
}
