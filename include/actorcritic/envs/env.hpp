#pragma once
// The environment interface: a C++20 concept over Gymnasium's reset/step API
// (the >= 0.26 terminated/truncated split), the StepResult it returns, and
// EpisodicEnv, the base that every built-in environment derives from.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/envs/space.hpp"

#include <fmt/format.h>

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace ac::envs {

/// What step() returns. `terminated`: the MDP reached a terminal state (do not
/// bootstrap). `truncated`: the time limit cut the episode (bootstrap from V(s')).
template <class Observation>
struct StepResult {
  Observation observation;
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
};

template <class E>
concept Env = requires(E& env, const E& const_env, std::uint64_t seed, const typename E::Action& action,
                       const Eigen::VectorXd& state, long steps) {
  typename E::Action;
  typename E::Observation;
  { const_env.id() } -> std::convertible_to<std::string_view>;
  { env.reset(seed) } -> std::convertible_to<typename E::Observation>;
  { env.reset() } -> std::convertible_to<typename E::Observation>;
  { env.step(action) } -> std::convertible_to<StepResult<typename E::Observation>>;
  { const_env.observation_space() } -> std::convertible_to<Box>;
  const_env.action_space();
  { const_env.state() } -> std::convertible_to<Eigen::VectorXd>;
  env.set_state(state);
  { const_env.max_episode_steps() } -> std::convertible_to<long>;
  env.set_max_episode_steps(steps);
};

/// An Env whose actions are integers in a Discrete space.
template <class E>
concept DiscreteEnv = Env<E> && std::integral<typename E::Action> && requires(const E& env) {
  { env.action_space() } -> std::convertible_to<Discrete>;
};

/// The action of a MultiDiscrete or MultiBinary environment: one integer per component.
using IndexVector = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

/// An Env whose actions are vectors of integers in a MultiDiscrete space.
template <class E>
concept MultiDiscreteEnv = Env<E> && std::same_as<typename E::Action, IndexVector> && requires(const E& env) {
  { env.action_space() } -> std::convertible_to<MultiDiscrete>;
};

/// An Env whose actions are vectors of bits in a MultiBinary space.
template <class E>
concept MultiBinaryEnv = Env<E> && std::same_as<typename E::Action, IndexVector> && requires(const E& env) {
  { env.action_space() } -> std::convertible_to<MultiBinary>;
};

/// MultiDiscrete or MultiBinary: actions are integer vectors, `components x N` for a VectorEnv.
template <class E>
concept MultiActionEnv = MultiDiscreteEnv<E> || MultiBinaryEnv<E>;

/// An Env whose actions are float vectors in a Box.
template <class E>
concept ContinuousEnv = Env<E> && std::same_as<typename E::Action, Eigen::VectorXf> && requires(const E& env) {
  { env.action_space() } -> std::convertible_to<Box>;
};

/// A Discrete or MultiDiscrete Env that says which of its actions are legal
/// in the current state (invalid-action masking, Huang & Ontañón 2020):
/// `action_mask()` returns one flag per action, true = legal — n for
/// Discrete(n), Σ nvec for MultiDiscrete(nvec), component after component —
/// with at least one legal action (per component) while an episode runs.
/// VectorEnv collects the masks, and every algorithm then samples, evaluates
/// and updates over the legal actions only.
template <class E>
concept MaskedEnv = (DiscreteEnv<E> || MultiDiscreteEnv<E>) && requires(const E& env) {
  { env.action_mask() } -> std::convertible_to<Eigen::Array<bool, Eigen::Dynamic, 1>>;
};

template <class>
inline constexpr bool kAlwaysFalse = false;

/// static_assert(check_env<MyEnv>()) names the first requirement MyEnv misses,
/// in one error, instead of a page of template errors. Each branch is only
/// instantiated when every earlier requirement holds.
template <class E>
consteval bool check_env() {
  if constexpr (!requires { typename E::Action; }) {
    static_assert(kAlwaysFalse<E>, "Env: the type must declare `using Action = ...` "
                                   "(an integer type, ac::envs::IndexVector for MultiDiscrete or MultiBinary "
                                   "actions, or Eigen::VectorXf for continuous actions)");
  } else if constexpr (!requires { typename E::Observation; }) {
    static_assert(kAlwaysFalse<E>, "Env: the type must declare `using Observation = ...` (an Eigen float vector)");
  } else if constexpr (!requires(const E& e) { { e.id() } -> std::convertible_to<std::string_view>; }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `std::string_view id() const`");
  } else if constexpr (!requires(E& e, std::uint64_t s) {
                         { e.reset(s) } -> std::convertible_to<typename E::Observation>;
                       }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `Observation reset(std::uint64_t seed)`");
  } else if constexpr (!requires(E& e) { { e.reset() } -> std::convertible_to<typename E::Observation>; }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `Observation reset()` (continues the generator)");
  } else if constexpr (!requires(E& e, const typename E::Action& a) {
                         { e.step(a) } -> std::convertible_to<StepResult<typename E::Observation>>;
                       }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `StepResult<Observation> step(const Action&)`");
  } else if constexpr (!requires(const E& e) { { e.observation_space() } -> std::convertible_to<Box>; }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `Box observation_space() const`");
  } else if constexpr (!requires(const E& e) { e.action_space(); }) {
    static_assert(kAlwaysFalse<E>,
                  "Env: missing `action_space() const` (returning Discrete, MultiDiscrete, MultiBinary or Box)");
  } else if constexpr (!requires(const E& e) { { e.state() } -> std::convertible_to<Eigen::VectorXd>; }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `Eigen::VectorXd state() const`");
  } else if constexpr (!requires(E& e, const Eigen::VectorXd& s) { e.set_state(s); }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `void set_state(const Eigen::VectorXd&)`");
  } else if constexpr (!requires(E& e, long n) {
                         { e.max_episode_steps() } -> std::convertible_to<long>;
                         e.set_max_episode_steps(n);
                       }) {
    static_assert(kAlwaysFalse<E>, "Env: missing `long max_episode_steps() const` / `void set_max_episode_steps(long)`");
  }
  return Env<E>;
}

/// Validates an action against a space, throwing InvalidArgument that names the
/// environment, the action and the space.
inline void check_action(std::string_view env_id, const Discrete& space, std::int64_t action) {
  if (!space.contains(action)) {
    throw_invalid_argument("{}: action {} is outside the action space {}", env_id, action, space.describe());
  }
}

/// A MultiDiscrete action (one integer per component, each within its range)
/// or a MultiBinary one (n values, each 0 or 1).
template <class Space>
  requires std::same_as<Space, MultiDiscrete> || std::same_as<Space, MultiBinary>
void check_action(std::string_view env_id, const Space& space, const IndexVector& action) {
  if (!space.contains(action)) {
    throw_invalid_argument("{}: action [{}] is outside the action space {}", env_id,
                           fmt::join(action.data(), action.data() + action.size(), ", "), space.describe());
  }
}

/// The rows of a batch of masks for a space: one per action, Σ nvec for MultiDiscrete.
inline Index mask_rows(const Discrete& space) { return static_cast<Index>(space.n); }
inline Index mask_rows(const MultiDiscrete& space) { return space.total(); }

/// A continuous action needs the right dimension and finite values; values
/// outside the bounds are allowed (Gymnasium's envs clip them themselves).
inline void check_action(std::string_view env_id, const Box& space, const Eigen::VectorXf& action) {
  if (action.size() != space.dim()) {
    throw_invalid_argument("{}: action has dimension {}, the action space {} expects {}", env_id, action.size(),
                           space.describe(), space.dim());
  }
  if (!action.allFinite()) {
    throw_invalid_argument("{}: action [{}] is not finite (action space {})", env_id,
                           fmt::join(action.data(), action.data() + action.size(), ", "), space.describe());
  }
}

/// Base of the built-in environments (CRTP). It owns the generator, the
/// TimeLimit that gymnasium.make applies, and the misuse checks; the derived
/// class provides the physics:
///   static constexpr std::string_view kId; static constexpr long kMaxEpisodeSteps;
///   void reset_state(Generator&);  Observation observation() const;
///   Transition advance(const Action&);  Eigen::VectorXd state() const;
///   void load_state(const Eigen::VectorXd&);  observation_space(), action_space().
template <class Derived>
class EpisodicEnv {
 public:
  struct Transition {
    double reward = 0.0;
    bool terminated = false;
  };

  /// Re-seeds the generator (numpy SeedSequence → PCG64, as Gymnasium) and starts an episode.
  auto reset(std::uint64_t seed) {
    rng_ = Generator(seed);
    return reset();
  }

  /// Starts an episode, continuing the current generator.
  auto reset() {
    derived().reset_state(rng_);
    elapsed_ = 0;
    started_ = true;
    episode_over_ = false;
    return derived().observation();
  }

  template <class Action>
  auto step(const Action& action) {
    using Observation = decltype(derived().observation());
    if (!started_) throw UsageError(fmt::format("{}: step() called before reset()", id()));
    if (episode_over_) {
      throw UsageError(fmt::format("{}: step() called after the episode ended (terminated or truncated); "
                                   "call reset() first",
                                   id()));
    }
    check_action(id(), derived().action_space(), action);
    const Transition transition = derived().advance(action);
    ++elapsed_;
    const bool truncated = elapsed_ >= max_episode_steps_;
    episode_over_ = transition.terminated || truncated;
    return StepResult<Observation>{derived().observation(), transition.reward, transition.terminated, truncated};
  }

  /// Replaces the internal state (Gymnasium: env.unwrapped.state = ...), in
  /// Gymnasium's order; the episode continues from it.
  void set_state(const Eigen::VectorXd& state) {
    const Index expected = derived().state().size();
    if (state.size() != expected) {
      throw_invalid_argument("{}: set_state: expected a state of {} values, got {}", id(), expected, state.size());
    }
    derived().load_state(state);
    started_ = true;
    episode_over_ = false;
  }

  [[nodiscard]] std::string_view id() const { return Derived::kId; }
  [[nodiscard]] long max_episode_steps() const { return max_episode_steps_; }
  /// The TimeLimit: `truncated` is set on the step that reaches this count.
  void set_max_episode_steps(long steps) {
    check_positive(fmt::format("{}: max_episode_steps", id()), steps);
    max_episode_steps_ = steps;
  }
  [[nodiscard]] long elapsed_steps() const { return elapsed_; }
  [[nodiscard]] Generator& generator() { return rng_; }

  /// Everything an episode in progress depends on — the physics state, the
  /// generator, the TimeLimit count — so that a restored copy continues bit for bit.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("generator", rng_);
    a.field("max_episode_steps", max_episode_steps_, archive::positive());
    a.field("elapsed_steps", elapsed_, archive::between(0, static_cast<std::uint64_t>(max_episode_steps_)));
    a.field("started", started_);
    a.field("episode_over", episode_over_);
    Eigen::VectorXd state = derived().state();
    a.field("state", state, archive::all_finite());
    if constexpr (Archive::loading) derived().load_state(state);
  }

 protected:
  EpisodicEnv() = default;

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }
  const Derived& derived() const { return static_cast<const Derived&>(*this); }

  Generator rng_{0};
  long max_episode_steps_ = Derived::kMaxEpisodeSteps;
  long elapsed_ = 0;
  bool started_ = false;
  bool episode_over_ = false;
};

}  // namespace ac::envs
