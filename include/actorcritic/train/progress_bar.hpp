#pragma once
// Console progress for the training loop: on a terminal, one line redrawn in
// place (bar, steps, steps/s, ETA, recent mean return); otherwise (a pipe, a
// CI log) a plain line at every 10% of the budget.

#include "actorcritic/train/train.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace ac {

class ProgressBar {
 public:
  explicit ProgressBar(long total_steps, std::FILE* stream = stdout)
      : total_(total_steps), stream_(stream), interactive_(::isatty(::fileno(stream)) != 0) {
    check_positive("ProgressBar: total_steps", total_steps);
  }

  void operator()(const IterationInfo& info) {
    const double fraction = std::min(1.0, double(info.steps) / double(total_));
    const double rate = info.steps_per_second();
    const double eta = rate > 0 ? double(total_ - std::min(info.steps, total_)) / rate : 0.0;
    const std::string mean = std::isnan(info.mean_return) ? "   n/a" : fmt::format("{:6.1f}", info.mean_return);
    if (interactive_) {
      if (info.seconds - last_draw_ < 0.1 && info.steps < total_) return;  // ~10 redraws per second
      last_draw_ = info.seconds;
      constexpr int width = 30;
      const int filled = static_cast<int>(fraction * width);
      fmt::print(stream_, "\r[{}{}] {:>9}/{} steps  {:>8.0f} steps/s  ETA {:>5.1f}s  mean return {}", std::string(filled, '#'),
                 std::string(width - filled, '.'), info.steps, total_, rate, eta, mean);
      if (info.steps >= total_) fmt::print(stream_, "\n");
      std::fflush(stream_);
    } else {
      const int decile = static_cast<int>(fraction * 10);
      if (decile <= last_decile_) return;
      last_decile_ = decile;
      fmt::print(stream_, "{:3.0f}%  {:>9} steps  {:>8.0f} steps/s  {:6.1f}s  mean return {}\n", 100 * fraction,
                 info.steps, rate, info.seconds, mean);
      std::fflush(stream_);
    }
  }

 private:
  long total_;
  std::FILE* stream_;
  bool interactive_;
  double last_draw_ = -1.0;
  int last_decile_ = 0;
};

}  // namespace ac
