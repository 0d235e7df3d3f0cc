#pragma once
// One of several environment types, chosen at run time, as one type.
//
// Everything a run instantiates for an environment type — its VectorEnv, the
// collector, the run, its checkpoints and evaluation — is instantiated once per
// type. A program that offers several environments of one action kind (the
// command-line trainer offers CartPole-v1, CartPoleNoVel-v1, MountainCar-v0 and
// Acrobot-v1, all Discrete) can train them all through one EnvVariant and pay
// for that code once instead of once per environment:
//
//   using Classic = ac::envs::EnvVariant<ac::envs::CartPole, ac::envs::Acrobot>;
//   ac::Run<ac::PPO<ac::CategoricalActor<float>>, Classic> run(config, ppo, Classic(ac::envs::Acrobot{}));
//
// Unlike DynamicEnv (an environment known only at run time), the alternatives
// are C++ types, so an EnvVariant allocates nothing per step — its observation
// is a vector with the largest alternative's length as its fixed capacity, on
// the stack — and its record is the active alternative's own, field for field:
// a run over EnvVariant<CartPole, Acrobot> holding Acrobot trains the bits and
// writes the checkpoint bytes of a run over Acrobot, and it resumes from either.
// Loading a record restores the alternative the EnvVariant holds (a checkpoint
// names its environment, and ac::Run checks that name before it loads).
//
// The alternatives share one action type and one action-space type (Discrete,
// MultiDiscrete, MultiBinary or Box); an EnvVariant masks actions when all of
// them do.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/envs/space.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace ac::envs {

namespace detail {

/// The capacity an observation of any alternative fits in: the largest
/// MaxRowsAtCompileTime, or Eigen::Dynamic when an alternative's is unbounded.
template <class... Observations>
inline constexpr int kObservationCapacity = [] {
  constexpr int capacities[] = {Observations::MaxRowsAtCompileTime...};
  if (std::find(std::begin(capacities), std::end(capacities), Eigen::Dynamic) != std::end(capacities)) {
    return int(Eigen::Dynamic);
  }
  return *std::max_element(std::begin(capacities), std::end(capacities));
}();

/// Whether no type appears twice in the list.
template <class... Ts>
struct DistinctTypes : std::true_type {};
template <class T, class... Ts>
struct DistinctTypes<T, Ts...> : std::bool_constant<(!std::is_same_v<T, Ts> && ...) && DistinctTypes<Ts...>::value> {};

}  // namespace detail

template <Env First, Env... Rest>
class EnvVariant {
  static_assert(detail::DistinctTypes<First, Rest...>::value, "EnvVariant: an environment type is listed twice");
  static_assert((std::is_same_v<typename First::Action, typename Rest::Action> && ...),
                "EnvVariant: every alternative must take the same Action type");
  using ActionSpaceResult = decltype(std::declval<const First&>().action_space());
  static_assert((std::is_same_v<ActionSpaceResult, decltype(std::declval<const Rest&>().action_space())> && ...),
                "EnvVariant: every alternative's action_space() must return the same type");
  static_assert((std::is_same_v<typename First::Observation::Scalar, float> && ... &&
                 std::is_same_v<typename Rest::Observation::Scalar, float>),
                "EnvVariant: every alternative's Observation must be a float vector");

 public:
  using Action = typename First::Action;
  /// Any alternative's observation, with the largest one's length as its capacity (no heap memory).
  using Observation = Eigen::Matrix<float, Eigen::Dynamic, 1, Eigen::ColMajor,
                                    detail::kObservationCapacity<typename First::Observation,
                                                                 typename Rest::Observation...>,
                                    1>;

  /// A default-constructed First.
  EnvVariant() = default;
  /// Holds `env`, one of the alternatives.
  template <class E>
    requires(std::is_same_v<E, First> || (std::is_same_v<E, Rest> || ...))
  EnvVariant(E env)  // NOLINT(google-explicit-constructor): an alternative is an EnvVariant
      : env_(std::in_place_type<E>, std::move(env)) {}

  /// Which alternative it holds: 0 for First, then Rest in order.
  [[nodiscard]] std::size_t index() const { return env_.index(); }
  template <class E>
  [[nodiscard]] bool holds() const {
    return std::holds_alternative<E>(env_);
  }
  /// The alternative it holds; std::bad_variant_access for another.
  template <class E>
  [[nodiscard]] E& get() {
    return std::get<E>(env_);
  }
  template <class E>
  [[nodiscard]] const E& get() const {
    return std::get<E>(env_);
  }

  [[nodiscard]] std::string_view id() const {
    return std::visit([](const auto& env) -> std::string_view { return env.id(); }, env_);
  }
  Observation reset(std::uint64_t seed) {
    return std::visit([&](auto& env) { return Observation(env.reset(seed)); }, env_);
  }
  Observation reset() {
    return std::visit([](auto& env) { return Observation(env.reset()); }, env_);
  }
  StepResult<Observation> step(const Action& action) {
    const auto forward = [&](auto& env) {
      auto result = env.step(action);
      return StepResult<Observation>{Observation(result.observation), result.reward, result.terminated,
                                     result.truncated};
    };
    return std::visit(forward, env_);
  }
  [[nodiscard]] Box observation_space() const {
    return std::visit([](const auto& env) { return Box(env.observation_space()); }, env_);
  }
  /// The alternative's space as it returns it (a reference where it stores one: no allocation per step).
  [[nodiscard]] ActionSpaceResult action_space() const {
    return std::visit([](const auto& env) -> ActionSpaceResult { return env.action_space(); }, env_);
  }
  [[nodiscard]] Eigen::VectorXd state() const {
    return std::visit([](const auto& env) { return Eigen::VectorXd(env.state()); }, env_);
  }
  void set_state(const Eigen::VectorXd& state) {
    std::visit([&](auto& env) { env.set_state(state); }, env_);
  }
  [[nodiscard]] long max_episode_steps() const {
    return std::visit([](const auto& env) { return static_cast<long>(env.max_episode_steps()); }, env_);
  }
  void set_max_episode_steps(long steps) {
    std::visit([&](auto& env) { env.set_max_episode_steps(steps); }, env_);
  }
  /// The legal actions, when every alternative masks (MaskedEnv).
  [[nodiscard]] decltype(auto) action_mask() const
    requires(MaskedEnv<First> && ... && MaskedEnv<Rest>)
  {
    using Mask = decltype(std::declval<const First&>().action_mask());
    static_assert((std::is_same_v<Mask, decltype(std::declval<const Rest&>().action_mask())> && ...),
                  "EnvVariant: every alternative's action_mask() must return the same type");
    return std::visit([](const auto& env) -> Mask { return env.action_mask(); }, env_);
  }

  /// The active alternative's record, with nothing of its own: the bytes of that environment's
  /// record. Loading restores the alternative held, so hold the one the record was written by.
  /// (When every alternative serializes; ac::Run needs it to checkpoint.)
  template <class Archive>
    requires(Serializable<First> && ... && Serializable<Rest>)
  void serialize(Archive& a) {
    std::visit([&](auto& env) { env.serialize(a); }, env_);
  }

 private:
  std::variant<First, Rest...> env_;
};

}  // namespace ac::envs
