#pragma once
// The training loop: iterate the algorithm (collect, update) until the step
// budget is spent. Every algorithm offers `UpdateDiagnostics iterate(env, rng)`;
// callbacks receive an IterationInfo after every iteration and may return
// false to stop early.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/envs/vector_env.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <cmath>
#include <string>
#include <type_traits>

namespace ac {

struct IterationInfo {
  long iteration = 0;
  long steps = 0;            // environment steps so far (all envs)
  double seconds = 0.0;      // wall time since the start
  double mean_return = 0.0;  // over the recent finished episodes (NaN before the first)
  std::size_t episodes = 0;
  UpdateDiagnostics diagnostics;
  const Generator* rng = nullptr;  // the loop's sampling generator as it stands (for checkpoints)
};

/// Where a resumed run picks up: the steps and iterations already done and the
/// sampling generator's state, all from a checkpoint taken by a callback.
struct TrainStart {
  long steps = 0;
  long iteration = 0;
  std::optional<Generator> rng;  // nullopt: Generator(seed)
};

/// An algorithm the loop can drive on a VectorEnv<E>.
template <class A, class E>
concept TrainableOn = requires(A algorithm, VectorEnv<E>& env, Generator& rng) {
  { algorithm.iterate(env, rng) } -> std::convertible_to<UpdateDiagnostics>;
};

/// Runs `algorithm` on `env` until `total_steps` environment steps have been
/// taken (the last iteration may overshoot by less than one rollout). The
/// sampling generator is seeded with `seed`. With `resume`, the run continues
/// from a checkpoint: the schedules see the same progress and the generator
/// the same state as in the uninterrupted run.
template <class Algorithm, class E, class Callback>
  requires TrainableOn<Algorithm, E>
void train(Algorithm& algorithm, VectorEnv<E>& env, long total_steps, std::uint64_t seed, Callback&& on_iteration,
           const TrainStart& resume = {}) {
  check_positive("train: total_steps", total_steps);
  check_non_negative("train: resume.steps", resume.steps);
  Generator rng = resume.rng ? *resume.rng : Generator(seed);
  const auto start = std::chrono::steady_clock::now();
  const long first_step = env.total_steps();
  IterationInfo info;
  info.steps = resume.steps;
  info.iteration = resume.iteration;
  info.rng = &rng;
  while (info.steps < total_steps) {
    // Schedules (learning rate, clip range) follow the fraction of the budget used.
    if constexpr (requires { algorithm.set_progress(0.0); }) {
      algorithm.set_progress(double(info.steps) / double(total_steps));
    }
    info.diagnostics = algorithm.iterate(env, rng);
    ++info.iteration;
    info.steps = resume.steps + (env.total_steps() - first_step);
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

/// One CSV row per iteration (readable by pandas: a header, numbers, `nan`
/// where an algorithm does not measure a diagnostic); written atomically by flush().
class CsvLog {
 public:
  explicit CsvLog(std::string path) : path_(std::move(path)) {
    text_ = "iteration,steps,wall_seconds,mean_return,episodes";
    for (const auto& field : UpdateDiagnostics::fields) {
      text_ += ',';
      text_ += field.first;
    }
    text_ += '\n';
  }
  void operator()(const IterationInfo& i) {
    text_ += fmt::format("{},{},{:.6f},{},{}", i.iteration, i.steps, i.seconds, i.mean_return, i.episodes);
    for (const auto& field : UpdateDiagnostics::fields) text_ += fmt::format(",{}", i.diagnostics.*(field.second));
    text_ += '\n';
  }
  void flush() const { write_file_atomically(path_, text_); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace ac
