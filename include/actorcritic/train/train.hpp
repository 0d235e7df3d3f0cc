#pragma once
// The on-policy training loop: collect a rollout, update, report, until the
// step budget is spent. Callbacks receive an IterationInfo after every update
// and may return false to stop early.

#include "actorcritic/algorithms/a2c.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/rollout/collector.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <type_traits>

namespace ac {

struct IterationInfo {
  long iteration = 0;
  long steps = 0;          // environment steps so far (all envs)
  double seconds = 0.0;    // wall time since the start
  double mean_return = 0.0;  // over the recent finished episodes (NaN before the first)
  std::size_t episodes = 0;
  UpdateDiagnostics diagnostics;
};

template <class Algorithm, envs::DiscreteEnv E, RealScalar Scalar, class Callback>
void train_on_policy(Algorithm& algorithm, VectorEnv<E>& env, CategoricalActor<Scalar>& actor, Critic<Scalar>& critic,
                     long total_steps, std::uint64_t seed, Callback&& on_iteration) {
  check_positive("train_on_policy: total_steps", total_steps);
  RolloutBuffer<Scalar> buffer(algorithm.config().n_steps, env.size(), env.observation_dim());
  Generator rng(seed);
  const auto start = std::chrono::steady_clock::now();
  IterationInfo info;
  while (info.steps < total_steps) {
    collect_rollout(env, actor, critic, rng, buffer);
    info.diagnostics = algorithm.update(buffer);
    ++info.iteration;
    info.steps += buffer.size();
    info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    info.mean_return = env.episodes().mean_return();
    info.episodes = env.episodes().total();
    if constexpr (std::is_same_v<std::invoke_result_t<Callback&, const IterationInfo&>, bool>) {
      if (!on_iteration(static_cast<const IterationInfo&>(info))) break;
    } else {
      on_iteration(static_cast<const IterationInfo&>(info));
    }
  }
}

/// One CSV row per iteration (readable by pandas); written atomically by flush().
class CsvLog {
 public:
  explicit CsvLog(std::string path) : path_(std::move(path)) {
    text_ = "iteration,steps,wall_seconds,mean_return,episodes,policy_loss,value_loss,entropy,grad_norm,"
            "explained_variance\n";
  }
  void operator()(const IterationInfo& i) {
    const auto& d = i.diagnostics;
    text_ += fmt::format("{},{},{:.6f},{},{},{},{},{},{},{}\n", i.iteration, i.steps, i.seconds, i.mean_return,
                         i.episodes, d.policy_loss, d.value_loss, d.entropy, d.grad_norm, d.explained_variance);
  }
  void flush() const { write_file_atomically(path_, text_); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace ac
