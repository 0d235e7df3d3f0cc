#pragma once
// An environment known only at run time: its spaces are data and each copy is
// an object behind a virtual interface (EnvInstance), made by a factory. The
// Python module trains Gymnasium-style Python environments through it
// (docs/python.md); a C++ program can do the same with an environment chosen
// from a plug-in or a configuration file, without a type per environment.
//
//   using ac::envs::DiscreteDynamicEnv;   // MyTask : ac::envs::EnvInstance<std::int64_t>
//   auto spec = std::make_shared<const DiscreteDynamicEnv::Spec>(DiscreteDynamicEnv::Spec{
//       .id = "MyTask", .observation_space = ac::envs::Box(-1.0f, 1.0f, 4), .action_space = ac::envs::Discrete(3),
//       .max_episode_steps = 500, .make = [] { return std::make_unique<MyTask>(); }});
//   ac::Run<ac::PPO<ac::CategoricalActor<float>>, DiscreteDynamicEnv> run(config, ppo, DiscreteDynamicEnv(spec));
//
// Copying a DynamicEnv makes a new instance from the factory (VectorEnv copies
// its prototype N times). Every observation is checked against the
// observation space (its length, and finite values) and every step after the
// episode ended is refused, so a faulty environment is named at the step where
// it goes wrong. With Spec::max_episode_steps > 0 the env truncates its episodes
// at that many steps (Gymnasium's TimeLimit); with 0 the instance ends them itself.
//
// The instances' internal state is theirs, so a DynamicEnv cannot be restored
// mid-episode: its record holds only the TimeLimit count and a marker, so that a
// run over it can be saved (its policy loaded, exported) but resuming it is
// refused, saying why. Not thread-safe: an instance is stepped by one thread at a time.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/space.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ac::envs {

/// One instance of a run-time environment: Gymnasium's reset and step.
template <class Action>
class EnvInstance {
 public:
  virtual ~EnvInstance() = default;
  /// Starts an episode and returns its first observation; `seed`, when given, seeds the instance's
  /// randomness first (Gymnasium's reset(seed=...)); without it the randomness continues.
  virtual Eigen::VectorXf reset(std::optional<std::uint64_t> seed) = 0;
  virtual StepResult<Eigen::VectorXf> step(const Action& action) = 0;
};

template <class Action_, class ActionSpace>
class DynamicEnv {
 public:
  using Action = Action_;
  using Observation = Eigen::VectorXf;

  /// What every copy shares: the id, the spaces, the time limit and the factory of instances.
  struct Spec {
    std::string id;
    Box observation_space;
    ActionSpace action_space;
    /// Truncate each episode at this many steps (0: the instance ends its episodes itself).
    long max_episode_steps = 0;
    std::function<std::unique_ptr<EnvInstance<Action>>()> make;
  };

  /// No environment: id() says so, and every other call throws a UsageError.
  DynamicEnv() = default;
  /// A new instance of `spec`'s environment.
  explicit DynamicEnv(std::shared_ptr<const Spec> spec) : spec_(std::move(spec)) {
    if (!spec_) throw_invalid_argument("DynamicEnv: spec: expected an environment's spec, got none");
    if (spec_->id.empty()) throw_invalid_argument("DynamicEnv: spec.id: expected a name, got \"\"");
    if (spec_->observation_space.dim() < 1) {
      throw_invalid_argument("DynamicEnv: {}: observation_space: expected at least one dimension", spec_->id);
    }
    check_non_negative(fmt::format("DynamicEnv: {}: max_episode_steps", spec_->id), spec_->max_episode_steps);
    if (!spec_->make) throw_invalid_argument("DynamicEnv: {}: make: expected a factory of instances", spec_->id);
    limit_ = spec_->max_episode_steps;
    instance_ = spec_->make();
    if (!instance_) throw_invalid_argument("DynamicEnv: {}: make: the factory returned no instance", spec_->id);
  }
  /// A new instance from the same spec (with the same time limit), not a copy of the other's state.
  DynamicEnv(const DynamicEnv& other) : spec_(other.spec_), limit_(other.limit_) {
    if (spec_) instance_ = spec_->make();
  }
  DynamicEnv& operator=(const DynamicEnv& other) {
    if (this != &other) *this = DynamicEnv(other);
    return *this;
  }
  DynamicEnv(DynamicEnv&&) noexcept = default;
  DynamicEnv& operator=(DynamicEnv&&) noexcept = default;
  ~DynamicEnv() = default;

  [[nodiscard]] std::string_view id() const { return spec_ ? std::string_view(spec_->id) : "DynamicEnv (none)"; }
  [[nodiscard]] const Box& observation_space() const { return spec().observation_space; }
  [[nodiscard]] const ActionSpace& action_space() const { return spec().action_space; }

  Observation reset(std::uint64_t seed) { return start(seed); }
  Observation reset() { return start(std::nullopt); }

  StepResult<Observation> step(const Action& action) {
    if (!started_) throw UsageError(fmt::format("{}: step() called before reset()", id()));
    if (episode_over_) {
      throw UsageError(
          fmt::format("{}: step() called after the episode ended (terminated or truncated); call reset() first", id()));
    }
    check_action(id(), action_space(), action);
    StepResult<Observation> result = instance().step(action);
    check_observation(result.observation, "step");
    if (!std::isfinite(result.reward)) {
      throw_invalid_argument("{}: step: reward: expected a finite number, got {}", id(), result.reward);
    }
    ++elapsed_;
    if (limit_ > 0 && elapsed_ >= limit_) result.truncated = true;
    episode_over_ = result.terminated || result.truncated;
    return result;
  }

  /// The TimeLimit (0: none, the instance ends its episodes).
  [[nodiscard]] long max_episode_steps() const { return limit_; }
  void set_max_episode_steps(long steps) {
    check_non_negative(fmt::format("{}: max_episode_steps", id()), steps);
    limit_ = steps;
  }

  /// The instance's state is its own: saving it (Gymnasium's env.unwrapped.state) is not supported.
  [[nodiscard]] Eigen::VectorXd state() const {
    throw UsageError(fmt::format("{}: state: a run-time environment does not expose its state", id()));
  }
  void set_state(const Eigen::VectorXd&) {
    throw UsageError(fmt::format("{}: set_state: a run-time environment does not expose its state", id()));
  }

  /// A marker and the TimeLimit: a run over this env saves (its policy loads and exports), and
  /// loading the record to resume the episodes is refused.
  template <class Archive>
  void serialize(Archive& a) {
    bool restorable = false;
    a.field("restorable", restorable);
    a.field("max_episode_steps", limit_, archive::at_least(0));
    if constexpr (Archive::loading) {
      throw IoError(
          fmt::format("{}: a run over a run-time environment cannot be resumed: its instances' state "
                      "is not in the checkpoint (load its policy, or train anew)",
                      id()));
    }
  }

 private:
  const Spec& spec() const {
    if (!spec_) throw UsageError("DynamicEnv: no environment (default-constructed): construct it from a Spec");
    return *spec_;
  }
  EnvInstance<Action>& instance() {
    if (!instance_) throw UsageError("DynamicEnv: no environment (default-constructed): construct it from a Spec");
    return *instance_;
  }

  Observation start(std::optional<std::uint64_t> seed) {
    Observation observation = instance().reset(seed);
    check_observation(observation, "reset");
    elapsed_ = 0;
    started_ = true;
    episode_over_ = false;
    return observation;
  }

  void check_observation(const Observation& observation, std::string_view where) const {
    const Index dim = spec().observation_space.dim();
    if (observation.size() != dim) {
      throw_invalid_argument("{}: {}: observation: expected {} values (the observation space's), got {}", id(), where,
                             dim, observation.size());
    }
    if (!observation.allFinite()) {
      throw_invalid_argument("{}: {}: observation: expected finite values, got [{}]", id(), where,
                             fmt::join(observation.data(), observation.data() + observation.size(), ", "));
    }
  }

  std::shared_ptr<const Spec> spec_;
  std::unique_ptr<EnvInstance<Action>> instance_;
  long limit_ = 0;
  long elapsed_ = 0;
  bool started_ = false;
  bool episode_over_ = false;
};

/// A run-time environment with Discrete(n) actions.
using DiscreteDynamicEnv = DynamicEnv<std::int64_t, Discrete>;
/// A run-time environment with Box actions.
using ContinuousDynamicEnv = DynamicEnv<Eigen::VectorXf, Box>;

}  // namespace ac::envs
