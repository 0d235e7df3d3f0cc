#pragma once
// The training loop: collect a rollout, update, count, until the step budget
// is spent. TrainingLoop holds what the loop carries between iterations — the
// collector (with the normalizer it applies), the sampling generator, the
// step and iteration counters — so that a Run can checkpoint it and train()
// can borrow an algorithm and an environment for a quick experiment.
// Callbacks receive an IterationInfo after every iteration and may return
// false to stop early. Data-parallel (set_communicator), the steps, the
// episode statistics and the decision to stop are every rank's together:
// rank 0's callback decides for all.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/envs/vector_env.hpp"
#include "actorcritic/rollout/collector.hpp"
#include "actorcritic/train/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ac {

struct IterationInfo {
  long iteration = 0;
  long steps = 0;            // environment steps so far (all envs)
  long start_steps = 0;      // `steps` when this train() call began (a resumed run's steps before it)
  double seconds = 0.0;      // wall time since the start of this train() call
  // Of `seconds`, the time this process spent collecting rollouts (acting, stepping the
  // environments, normalizing) and in the algorithm's updates (with their exchanges between
  // ranks); the rest is the callbacks' (logging, evaluations, checkpoints) and the loop's.
  double collect_seconds = 0.0;
  double update_seconds = 0.0;
  double mean_return = 0.0;  // over the recent finished episodes (NaN before the first); every rank's
  std::size_t episodes = 0;  // finished episodes so far, every rank's
  UpdateDiagnostics diagnostics;

  /// Environment steps per second of this train() call: a resumed run's earlier steps are not its own.
  [[nodiscard]] double steps_per_second() const {
    return seconds > 0 ? static_cast<double>(steps - start_steps) / seconds : 0.0;
  }
};

/// What an algorithm offers the loop: its policy, its update, and how much to
/// collect — `rollout_steps()` per env with the critic's values, or complete
/// episodes (`kCompleteEpisodes`, REINFORCE: the envs reset, no critic).
template <class A>
concept OnPolicyAlgorithm = requires(A& algorithm) {
  typename A::PolicyType;
  { algorithm.actor() } -> std::same_as<typename A::PolicyType&>;
};

template <class A>
inline constexpr bool kCollectsCompleteEpisodes = requires { requires A::kCompleteEpisodes; };

/// The loop's state around one algorithm. Serializes the generator, the
/// counters and a recurrent run's carried GRU states; the collector's
/// workspace is rebuilt on the next rollout.
template <OnPolicyAlgorithm Algorithm>
class TrainingLoop {
 public:
  using Policy = typename Algorithm::PolicyType;

  explicit TrainingLoop(std::uint64_t seed = 0, VecNormalize* normalizer = nullptr) : rng_(seed) {
    collector_.set_normalizer(normalizer);
  }

  /// The ranks the loop trains with (a single process by default). The
  /// algorithm and the normalizer take the same communicator (ac::Run does this).
  void set_communicator(CommunicatorRef comm) { comm_ = comm; }

  /// One rollout on `env`, one update. Schedules (learning rate, clip range)
  /// follow the fraction of `total_steps` used, counting the rollout just collected, as SB3 sets
  /// its progress after `collect_rollouts` and before `train`; without a budget (0) they stay where they are.
  template <class E>
  UpdateDiagnostics iterate(Algorithm& algorithm, VectorEnv<E>& env, long total_steps = 0) {
    check_non_negative("TrainingLoop::iterate: total_steps", total_steps);
    const long before = env.total_steps();
    const auto collect_start = Clock::now();
    const auto& buffer = collect_rollout(algorithm, env);
    const auto update_start = Clock::now();
    collect_seconds_ += seconds_between(collect_start, update_start);
    // Data-parallel: the steps of every rank's share of the rollout.
    const auto collected = static_cast<long>(mean_across_ranks(comm_, double(env.total_steps() - before), {}));
    if constexpr (requires { algorithm.set_progress(0.0); }) {
      if (total_steps > 0) algorithm.set_progress(double(steps_ + collected) / double(total_steps));
    }
    const UpdateDiagnostics diagnostics = update(algorithm, buffer);
    update_seconds_ += seconds_between(update_start, Clock::now());
    steps_ += collected;
    ++iterations_;
    return diagnostics;
  }

  /// Iterates until `total_steps` environment steps have been taken (the last
  /// iteration may overshoot by less than one rollout) or the callback returns false.
  template <class E, class Callback>
  void run(Algorithm& algorithm, VectorEnv<E>& env, long total_steps, Callback&& on_iteration) {
    check_positive("train: total_steps", total_steps);
    const auto start = Clock::now();
    const double collect_before = collect_seconds_, update_before = update_seconds_;
    IterationInfo info;
    info.start_steps = steps_;
    while (steps_ < total_steps) {
      info.diagnostics = iterate(algorithm, env, total_steps);
      info.iteration = iterations_;
      info.steps = steps_;
      info.seconds = seconds_between(start, Clock::now());
      info.collect_seconds = collect_seconds_ - collect_before;
      info.update_seconds = update_seconds_ - update_before;
      episode_statistics(env.episodes(), info);
      bool go_on = true;
      if constexpr (std::is_same_v<std::invoke_result_t<Callback&, const IterationInfo&>, bool>) {
        go_on = on_iteration(static_cast<const IterationInfo&>(info));
      } else {
        on_iteration(static_cast<const IterationInfo&>(info));
      }
      if (!continue_together(go_on)) break;
    }
  }

  [[nodiscard]] long steps() const { return steps_; }
  [[nodiscard]] long iterations() const { return iterations_; }
  /// Seconds this process has spent collecting and updating in iterate(), over the loop's lifetime
  /// (not checkpointed: a resumed run counts from its start).
  [[nodiscard]] double collect_seconds() const { return collect_seconds_; }
  [[nodiscard]] double update_seconds() const { return update_seconds_; }
  [[nodiscard]] const Generator& generator() const { return rng_; }
  void set_normalizer(VecNormalize* normalizer) { collector_.set_normalizer(normalizer); }

  template <class Archive>
  void serialize(Archive& a) {
    a.field("generator", rng_);
    a.field("steps", steps_, archive::at_least(0));
    a.field("iterations", iterations_, archive::at_least(0));
    // A recurrent run's GRU states, carried into the next rollout; written only when there are some,
    // so that feed-forward checkpoints keep their bytes.
    const auto& states = collector_.carried_states();
    archive::optional_field(a, "recurrent_states", states.actor.size() != 0 || states.critic.size() != 0, collector_);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  }

  /// One rollout into the collector's buffer: whole episodes from fresh resets for the learners on
  /// complete episodes (REINFORCE, RLOO), else the algorithm's rollout length from where the envs stand.
  template <class E>
  const auto& collect_rollout(Algorithm& algorithm, VectorEnv<E>& env) {
    if constexpr (kCollectsCompleteEpisodes<Algorithm>) {
      env.reset();
      // The group baselines (RLOO): each group of envs starts its episodes from one state.
      if constexpr (requires { algorithm.group_size(); }) env.share_start_states(algorithm.group_size());
      collector_.reset_states();
      const auto& buffer = collector_.collect(env, algorithm.actor(), nullptr, rng_, env.env(0).max_episode_steps());
      synchronize_normalizer();
      return buffer;
    } else {
      const auto& buffer =
          collector_.collect(env, algorithm.actor(), algorithm.critic(), rng_, algorithm.rollout_steps());
      synchronize_normalizer();
      return buffer;
    }
  }
  void synchronize_normalizer() {
    if (VecNormalize* normalizer = collector_.normalizer()) normalizer->synchronize();
  }
  /// The mean return of every rank's window of recent episodes together, and
  /// every rank's count of finished episodes.
  void episode_statistics(const envs::EpisodeWindow& window, IterationInfo& info) {
    info.mean_return = window.mean_return();
    info.episodes = window.total();
    if (comm_.size() == 1) return;
    std::array<double, 3> sums{window.empty() ? 0.0 : window.mean_return() * double(window.size()),
                               double(window.size()), double(window.total())};
    comm_.allreduce_sum(std::span<double>(sums));
    info.mean_return = sums[1] > 0 ? sums[0] / sums[1] : std::numeric_limits<double>::quiet_NaN();
    info.episodes = static_cast<std::size_t>(sums[2]);
  }
  /// Rank 0's decision, for every rank (so that no rank waits in a collective for one that stopped).
  bool continue_together(bool go_on) {
    if (comm_.size() == 1) return go_on;
    std::array<std::uint8_t, 1> decision{static_cast<std::uint8_t>(go_on ? 1 : 0)};
    comm_.broadcast(std::span<std::uint8_t>(decision), 0);
    return decision[0] != 0;
  }

  template <class Buffer>
  UpdateDiagnostics update(Algorithm& algorithm, const Buffer& buffer) {
    if constexpr (requires { algorithm.update(buffer, rng_); }) {
      return algorithm.update(buffer, rng_);  // PPO, TRPO: the generator shuffles the minibatches
    } else {
      return algorithm.update(buffer);
    }
  }

  Collector<Policy> collector_;
  Generator rng_;
  long steps_ = 0, iterations_ = 0;
  double collect_seconds_ = 0.0, update_seconds_ = 0.0;
  CommunicatorRef comm_;
};

/// Trains `algorithm` on `env` for `total_steps` environment steps with the
/// sampling generator seeded by `seed`, normalizing observations and rewards
/// on their way into the rollouts when `normalizer` is given. For a run that
/// owns its parts, checkpoints and resumes, see ac::Run.
template <OnPolicyAlgorithm Algorithm, class E, class Callback>
void train(Algorithm& algorithm, VectorEnv<E>& env, long total_steps, std::uint64_t seed, Callback&& on_iteration,
           VecNormalize* normalizer = nullptr) {
  TrainingLoop<Algorithm> loop(seed, normalizer);
  loop.run(algorithm, env, total_steps, std::forward<Callback>(on_iteration));
}

/// One CSV row per iteration (readable by pandas: a header, numbers, `nan`
/// where an algorithm does not measure a diagnostic), appended and flushed as
/// it comes, so that a killed run leaves its curve up to the last iteration.
class CsvLog {
 public:
  /// A new log at `path` (replacing a file there), with its header.
  explicit CsvLog(std::string path) : CsvLog(std::move(path), header() + '\n') {}

  /// The log of a run resumed after `iterations` iterations: the rows `path`
  /// holds up to that iteration are kept (later ones, written after the
  /// checkpoint, and a line cut off by a crash are dropped), and this run's rows
  /// follow, their wall_seconds continuing from the last kept row. A missing
  /// file, or one with another header, starts anew.
  static CsvLog resume(std::string path, long iterations) {
    std::string kept = header() + '\n';
    double wall_offset = 0.0;
    std::error_code missing;
    if (std::filesystem::exists(path, missing)) {
      const std::string text = read_file(path);
      const std::size_t columns = static_cast<std::size_t>(std::count(kept.begin(), kept.end(), ',')) + 1;
      if (text.starts_with(kept)) {
        std::size_t at = kept.size();
        while (at < text.size()) {
          const std::size_t end = text.find('\n', at);
          if (end == std::string::npos) break;  // a last line without its newline: cut off
          const std::string_view line(text.data() + at, end - at);
          at = end + 1;
          long iteration = 0;
          const auto [stop, error] = std::from_chars(line.data(), line.data() + line.size(), iteration);
          if (error != std::errc() || stop == line.data() + line.size() || *stop != ',' || iteration > iterations ||
              static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1 != columns) {
            break;
          }
          kept += line;
          kept += '\n';
          const std::size_t wall_start = line.find(',', line.find(',') + 1) + 1;
          wall_offset = std::strtod(std::string(line.substr(wall_start, line.find(',', wall_start) - wall_start)).c_str(),
                                    nullptr);
        }
      }
    }
    CsvLog log(std::move(path), kept);
    log.wall_offset_ = wall_offset;
    return log;
  }

  /// Appends the iteration's row; `evaluation` (optional) is an evaluation
  /// taken after it, whose mean and std fill the eval columns (else `nan`).
  void operator()(const IterationInfo& i, const EvaluationResult* evaluation = nullptr) {
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    row_.clear();  // reused: no allocation once it has grown to a row's length
    auto out = std::back_inserter(row_);
    fmt::format_to(out, "{},{},{:.6f},{},{},{},{}", i.iteration, i.steps, wall_offset_ + i.seconds, i.mean_return,
                   i.episodes, evaluation ? evaluation->mean_return : kNone,
                   evaluation ? evaluation->std_return : kNone);
    for (const auto& field : UpdateDiagnostics::fields) fmt::format_to(out, ",{}", i.diagnostics.*(field.second));
    row_ += '\n';
    file_.append(row_);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

  /// iteration, steps, wall_seconds, mean_return, episodes, eval_mean_return,
  /// eval_std_return, then every diagnostic.
  static std::string header() {
    std::string text = "iteration,steps,wall_seconds,mean_return,episodes,eval_mean_return,eval_std_return";
    for (const auto& field : UpdateDiagnostics::fields) {
      text += ',';
      text += field.first;
    }
    return text;
  }

 private:
  /// Writes `contents` atomically, then appends to it.
  CsvLog(std::string path, const std::string& contents) : path_(std::move(path)), file_(written(path_, contents)) {}
  static const std::string& written(const std::string& path, const std::string& contents) {
    write_file_atomically(path, contents);
    return path;
  }

  std::string path_;
  AppendFile file_;
  std::string row_;
  double wall_offset_ = 0.0;
};

}  // namespace ac
