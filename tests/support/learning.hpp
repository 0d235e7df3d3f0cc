#pragma once
// Learning tests on several seeds. A learning assertion never hangs on one
// seed: a test trains on every seed of learning_seeds() (0, 1, 2 by default)
// and asserts that a majority passes its per-seed criterion.
//
// To measure how robust a criterion is, widen the seeds and print every
// outcome (scripts/learning_pass_rates.sh does this and tabulates):
//   AC_LEARNING_SEEDS=0-9 AC_LEARNING_REPORT=1 test_algorithms "[learning]"
// prints one line per seed: `learning|<test>|<seed>|<score>|pass|<detail>`
// (or `fail`).

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace ac::test {

/// The seeds learning tests train on: AC_LEARNING_SEEDS ("A-B" or "A,B,C"), else 0, 1, 2.
inline std::vector<std::uint64_t> learning_seeds() {
  const char* spec = std::getenv("AC_LEARNING_SEEDS");
  if (spec == nullptr || *spec == '\0') return {0, 1, 2};
  std::vector<std::uint64_t> seeds;
  const std::string text = spec;
  if (const auto dash = text.find('-'); dash != std::string::npos) {
    const auto first = std::stoull(text.substr(0, dash)), last = std::stoull(text.substr(dash + 1));
    for (auto s = first; s <= last; ++s) seeds.push_back(s);
  } else {
    std::size_t start = 0;
    while (start < text.size()) {
      const auto comma = text.find(',', start);
      seeds.push_back(std::stoull(text.substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (seeds.size() < 3) throw std::invalid_argument("AC_LEARNING_SEEDS: expected at least 3 seeds, got " + text);
  return seeds;
}

/// The per-seed outcomes of one learning criterion.
class LearningTrials {
 public:
  explicit LearningTrials(std::string name) : name_(std::move(name)) {}

  /// Records one seed's score, whether it met the criterion, and anything else worth reporting.
  void record(std::uint64_t seed, double score, bool passed, const std::string& detail = "") {
    outcomes_ += fmt::format("{}seed {}: {:.4g}{}{}", outcomes_.empty() ? "" : ", ", seed, score,
                             detail.empty() ? "" : " (" + detail + ")", passed ? "" : " (fail)");
    passed_ += passed;
    ++count_;
    if (std::getenv("AC_LEARNING_REPORT") != nullptr) {
      std::printf("learning|%s|%llu|%.6g|%s|%s\n", name_.c_str(), static_cast<unsigned long long>(seed), score,
                  passed ? "pass" : "fail", detail.c_str());
      std::fflush(stdout);
    }
  }

  [[nodiscard]] int passed() const { return passed_; }
  [[nodiscard]] int count() const { return count_; }
  /// More than half of at least three seeds passed.
  [[nodiscard]] bool majority() const { return count_ >= 3 && 2 * passed_ > count_; }
  /// "name: seed 0: 500, seed 1: 212 (fail), ..." for the assertion's message.
  [[nodiscard]] std::string summary() const { return name_ + ": " + outcomes_; }

 private:
  std::string name_;
  std::string outcomes_;
  int passed_ = 0;
  int count_ = 0;
};

}  // namespace ac::test

/// Asserts that a majority of the seeds passed, printing every seed's score.
#define AC_CHECK_LEARNING_MAJORITY(trials) \
  do {                                     \
    INFO((trials).summary());              \
    CHECK((trials).majority());            \
  } while (false)
