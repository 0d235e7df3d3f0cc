#pragma once
// Evaluation of a policy on a separate environment, K full episodes: by default
// the deterministic policy (the distribution's mode; for a Gaussian policy the
// mean, clipped to the action space), or the stochastic one, with the
// training's observation normalization applied frozen when there is one. An
// environment that masks its actions (MaskedEnv) has its masks applied.

#include "actorcritic/envs/env.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"
#include "actorcritic/train/acting.hpp"

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace ac {

struct EvaluationResult {
  double mean_return = 0.0;
  double std_return = 0.0;
  long episodes = 0;
  std::vector<double> returns{};  // every episode's return, in order
};

/// One step of an evaluation episode, as an observer of evaluate() sees it.
template <envs::Env E>
struct EvaluationStep {
  long episode = 0;
  long step = 0;
  const typename E::Observation& observation;  // before the action, unnormalized
  const typename E::Action& action;            // as the environment received it
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
  ActionMaskMap legal = no_action_masks();  // the state's legal actions (`actions x 1`), for a MaskedEnv
};

/// Runs K episodes of `policy` on `env` (reset with `seed`, then continuing):
/// its mode, or with EvaluationMode::stochastic actions drawn from it by a
/// generator seeded with `seed`. `normalizer` (optional) normalizes observations
/// with its statistics as they are; they are not updated. `on_step` (optional)
/// sees every step (EvaluationStep<E>), e.g. to record the trajectory.
template <envs::Env E, Policy P, class Observer>
EvaluationResult evaluate(P& policy, E env, long episodes, std::uint64_t seed, const VecNormalize* normalizer,
                          Observer&& on_step, EvaluationMode mode = EvaluationMode::deterministic) {
  check_positive("evaluate: episodes", episodes);
  ActionChooser<P> choose(policy);
  Generator sampler(seed);
  Generator* draws = mode == EvaluationMode::stochastic ? &sampler : nullptr;
  [[maybe_unused]] typename E::Action env_action{};
  const auto space = env.action_space();
  if constexpr (envs::ContinuousEnv<E>) check_action_bounds<typename P::Distribution>(space.low, space.high, env.id());
  [[maybe_unused]] ActionMasks mask;
  if constexpr (envs::MaskedEnv<E>) mask.resize(envs::mask_rows(space), 1);
  double sum = 0.0, sum_sq = 0.0;
  std::vector<double> returns;
  returns.reserve(static_cast<std::size_t>(episodes));
  for (long k = 0; k < episodes; ++k) {
    auto o = k == 0 ? env.reset(seed) : env.reset();
    choose.reset_state();
    double episode_return = 0.0;
    long steps = 0;
    while (true) {
      if constexpr (envs::MaskedEnv<E>) {
        const auto& m = env.action_mask();
        if (m.size() != envs::mask_rows(space) || !m.any()) {
          throw_invalid_argument("{}: evaluation episode {}, step {}: action_mask(): expected {} flags with at least "
                                 "one legal action, got {} with {} legal",
                                 env.id(), k, steps, envs::mask_rows(space), m.size(), m.count());
        }
        mask.col(0) = m;
      }
      const ActionMaskMap legal = mask_columns(mask, 0, mask.cols());  // empty without masks
      const auto& action = choose(policy, o, normalizer, draws, legal);
      if constexpr (envs::ContinuousEnv<E>) {
        env_action = box_action<P>(action, space.low, space.high);
      } else if constexpr (envs::MultiActionEnv<E>) {
        env_action = action.col(0);
      } else {
        env_action = static_cast<typename E::Action>(action(0, 0));
      }
      const auto result = env.step(env_action);
      on_step(EvaluationStep<E>{k, steps++, o, env_action, result.reward, result.terminated, result.truncated, legal});
      episode_return += result.reward;
      o = result.observation;
      if (result.terminated || result.truncated) break;
    }
    sum += episode_return;
    sum_sq += episode_return * episode_return;
    returns.push_back(episode_return);
  }
  const double mean = sum / double(episodes);
  return {mean, std::sqrt(std::max(0.0, sum_sq / double(episodes) - mean * mean)), episodes, std::move(returns)};
}

template <envs::Env E, Policy P>
EvaluationResult evaluate(P& policy, E env, long episodes, std::uint64_t seed,
                          const VecNormalize* normalizer = nullptr,
                          EvaluationMode mode = EvaluationMode::deterministic) {
  return evaluate(policy, std::move(env), episodes, seed, normalizer, [](const EvaluationStep<E>&) {}, mode);
}

/// A training-loop callback: every `every_steps` environment steps, evaluates the
/// policy (deterministic unless `mode` says otherwise) on its own copy of the
/// environment (seeded apart from the training envs) and keeps the history.
template <envs::Env E, Policy P>
class PeriodicEvaluation {
 public:
  struct Point {
    long steps = 0;
    EvaluationResult result;
  };

  PeriodicEvaluation(P& policy, E env, long every_steps, long episodes, std::uint64_t seed,
                     const VecNormalize* normalizer = nullptr, EvaluationMode mode = EvaluationMode::deterministic)
      : policy_(policy), env_(std::move(env)), every_(every_steps), episodes_(episodes), seed_(seed),
        normalizer_(normalizer), mode_(mode) {
    check_positive("PeriodicEvaluation: every_steps", every_steps);
    check_positive("PeriodicEvaluation: episodes", episodes);
  }

  template <class Info>
  void operator()(const Info& info) {
    if (info.steps < next_) return;
    next_ = (info.steps / every_ + 1) * every_;
    history_.push_back({info.steps, evaluate(policy_, env_, episodes_, seed_ + history_.size(), normalizer_, mode_)});
  }

  [[nodiscard]] const std::vector<Point>& history() const { return history_; }

 private:
  P& policy_;
  E env_;
  long every_, episodes_;
  std::uint64_t seed_;
  const VecNormalize* normalizer_;
  EvaluationMode mode_;
  long next_ = 0;
  std::vector<Point> history_;
};

}  // namespace ac
