#pragma once
// Evaluation of the deterministic policy (the distribution's mode) on a
// separate environment, K full episodes.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/policies/categorical_actor.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

namespace ac {

struct EvaluationResult {
  double mean_return = 0.0;
  double std_return = 0.0;
  long episodes = 0;
};

template <envs::DiscreteEnv E, RealScalar Scalar>
EvaluationResult evaluate(CategoricalActor<Scalar>& actor, E env, long episodes, std::uint64_t seed) {
  check_positive("evaluate: episodes", episodes);
  Matrix<Scalar> observation(actor.observation_dim(), 1);
  ActionIndices action(1);
  double sum = 0.0, sum_sq = 0.0;
  for (long k = 0; k < episodes; ++k) {
    auto o = k == 0 ? env.reset(seed) : env.reset();
    double episode_return = 0.0;
    while (true) {
      observation.col(0) = o.template cast<Scalar>();
      actor.distribution(observation).mode(action);
      const auto result = env.step(action(0));
      episode_return += result.reward;
      o = result.observation;
      if (result.terminated || result.truncated) break;
    }
    sum += episode_return;
    sum_sq += episode_return * episode_return;
  }
  const double mean = sum / double(episodes);
  return {mean, std::sqrt(std::max(0.0, sum_sq / double(episodes) - mean * mean)), episodes};
}

/// A training-loop callback: every `every_steps` environment steps, evaluates the
/// deterministic policy on its own copy of the environment (seeded apart from
/// the training envs) and keeps the history.
template <envs::DiscreteEnv E, RealScalar Scalar>
class PeriodicEvaluation {
 public:
  struct Point {
    long steps = 0;
    EvaluationResult result;
  };

  PeriodicEvaluation(CategoricalActor<Scalar>& actor, E env, long every_steps, long episodes, std::uint64_t seed)
      : actor_(actor), env_(std::move(env)), every_(every_steps), episodes_(episodes), seed_(seed) {
    check_positive("PeriodicEvaluation: every_steps", every_steps);
    check_positive("PeriodicEvaluation: episodes", episodes);
  }

  template <class Info>
  void operator()(const Info& info) {
    if (info.steps < next_) return;
    next_ = (info.steps / every_ + 1) * every_;
    history_.push_back({info.steps, evaluate(actor_, env_, episodes_, seed_ + history_.size())});
  }

  [[nodiscard]] const std::vector<Point>& history() const { return history_; }

 private:
  CategoricalActor<Scalar>& actor_;
  E env_;
  long every_, episodes_;
  std::uint64_t seed_;
  long next_ = 0;
  std::vector<Point> history_;
};

}  // namespace ac
