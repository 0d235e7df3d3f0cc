#pragma once
// A learning test's view of a run: the deterministic evaluation at the end of
// training and the best of the evaluations made along the way.
//
// The tests that ask whether an algorithm *reaches* a return within a budget
// judge the best: an algorithm that solves the task and then wobbles (NPG
// without its line search, PPO with a KL penalty, actor-critic learning from
// stale replayed data) has reached it, and where such a run happens to stand at
// the last step differs between build flavours (docs/reproducibility.md), so a
// criterion on the last evaluation alone flips on marginal seeds.

#include <actorcritic/train/evaluate.hpp>
#include <actorcritic/train/train.hpp>
#include <fmt/format.h>
#include <support/learning.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

namespace ac::test {

/// A training callback (for ac::train, Run::train) that calls `evaluate()` (a deterministic evaluation's
/// mean return) every `every` steps; finish() adds the evaluation at the end. A loop of one's own calls
/// at(steps) after each iteration instead.
template <class Evaluate>
class ReachingEvaluations {
 public:
  ReachingEvaluations(Evaluate evaluate, long every) : evaluate_(std::move(evaluate)), every_(every), next_(every) {}

  void operator()(const IterationInfo& info) { at(info.steps); }

  /// Evaluates if `steps` has passed the next multiple of `every`.
  void at(long steps) {
    if (steps < next_) return;
    next_ = (steps / every_ + 1) * every_;
    best_ = std::max(best_, evaluate_());
  }

  /// The evaluation at the end of training; returns the best of all.
  double finish() {
    final_ = evaluate_();
    best_ = std::max(best_, final_);
    return best_;
  }

  [[nodiscard]] double best() const { return best_; }
  [[nodiscard]] double final_return() const { return final_; }

 private:
  Evaluate evaluate_;
  long every_, next_;
  double best_ = -1e300, final_ = 0.0;
};

/// Evaluates `policy` on a fresh `Env` (its own environment and generator, so the training run's bits are
/// unchanged).
template <class Policy, class Env>
struct PolicyEvaluation {
  Policy* policy;
  std::uint64_t seed;
  long episodes;
  double operator()() const { return ac::evaluate(*policy, Env{}, episodes, seed).mean_return; }
};

/// ReachingEvaluations of `policy` on a fresh `Env`, `episodes` episodes from `seed`.
template <class Policy, class Env>
class BestEvaluation : public ReachingEvaluations<PolicyEvaluation<Policy, Env>> {
 public:
  BestEvaluation(Policy& policy, long every, std::uint64_t seed, long episodes = 20)
      : ReachingEvaluations<PolicyEvaluation<Policy, Env>>({&policy, seed, episodes}, every) {}
};

/// Records a reaching criterion: the seed passes when the best evaluation meets
/// `threshold`; the report gives the final evaluation (and `note`, if any).
inline void record_reaching(LearningTrials& trials, std::uint64_t seed, double best, double final_return,
                            double threshold, std::string_view note = "") {
  trials.record(seed, best, best >= threshold, fmt::format("final {:.1f}{}", final_return, note));
}

}  // namespace ac::test
