#pragma once
// Base of environment wrappers: holds the inner environment by value and
// forwards every part of the Env interface, so a wrapper overrides only what
// it changes (C++ name hiding: a wrapper's own step() or reset() replaces the
// forwarded one).

#include "actorcritic/core/archive.hpp"
#include "actorcritic/envs/env.hpp"

#include <utility>

namespace ac::envs {

template <Env Inner>
class Wrapper {
 public:
  using Action = typename Inner::Action;
  using Observation = typename Inner::Observation;

  explicit Wrapper(Inner inner) : inner_(std::move(inner)) {}

  [[nodiscard]] std::string_view id() const { return inner_.id(); }
  Observation reset(std::uint64_t seed) { return inner_.reset(seed); }
  Observation reset() { return inner_.reset(); }
  StepResult<Observation> step(const Action& action) { return inner_.step(action); }
  [[nodiscard]] Box observation_space() const { return inner_.observation_space(); }
  /// The inner space as the inner environment returns it (a reference where it stores one).
  [[nodiscard]] decltype(auto) action_space() const { return inner_.action_space(); }
  [[nodiscard]] Eigen::VectorXd state() const { return inner_.state(); }
  void set_state(const Eigen::VectorXd& state) { inner_.set_state(state); }
  [[nodiscard]] long max_episode_steps() const { return inner_.max_episode_steps(); }
  void set_max_episode_steps(long steps) { inner_.set_max_episode_steps(steps); }
  /// The legal actions, for an inner environment that masks (MaskedEnv).
  [[nodiscard]] decltype(auto) action_mask() const
    requires MaskedEnv<Inner>
  {
    return inner_.action_mask();
  }

  /// Checkpoints: the inner environment's state as the record "inner"; a
  /// wrapper with state of its own adds its fields after calling this.
  template <class Archive>
    requires Serializable<Inner>
  void serialize(Archive& a) {
    a.field("inner", inner_);
  }

  Inner& inner() { return inner_; }
  [[nodiscard]] const Inner& inner() const { return inner_; }

 protected:
  Inner inner_;
};

}  // namespace ac::envs
