#pragma once
// Learning-rate (and clip-range) schedules as functions of training progress
// p ∈ [0, 1], the fraction of the step budget already used. SB3 writes the
// same schedules in terms of progress_remaining = 1 − p.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"

#include <cmath>

namespace ac::optim {

class Schedule {
 public:
  /// Zero throughout (a placeholder that a loaded checkpoint overwrites).
  Schedule() : Schedule(0.0, 0.0) {}

  /// The same value throughout.
  static Schedule constant(double value) { return Schedule(value, value); }

  /// From `start` at p = 0 linearly to `end` at p = 1 (SB3's linear_schedule has end = 0).
  static Schedule linear(double start, double end = 0.0) { return Schedule(start, end); }

  [[nodiscard]] double operator()(double progress) const {
    check_in_closed_range("Schedule: progress", progress, 0.0, 1.0);
    return start_ + (end_ - start_) * progress;
  }

  [[nodiscard]] double start() const { return start_; }
  [[nodiscard]] double end() const { return end_; }
  [[nodiscard]] bool is_constant() const { return start_ == end_; }

  template <class Archive>
  void serialize(Archive& a) {
    const auto finite = archive::Check{[](double v) { return std::isfinite(v); }, "a finite value"};
    a.field("start", start_, finite);
    a.field("end", end_, finite);
  }

 private:
  Schedule(double start, double end) : start_(start), end_(end) {
    if (!std::isfinite(start) || !std::isfinite(end)) {
      throw_invalid_argument("Schedule: expected finite start and end values, got {} and {}", start, end);
    }
  }
  double start_;
  double end_;
};

}  // namespace ac::optim
