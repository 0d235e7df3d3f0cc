#pragma once
// The environments the command-line tools offer, in one table: each row gives
// the id, the C++ type (via its key), the action kind and the defaults every
// algorithm shares on it (parallel envs, budget, normalization, networks).
// The ids in --help, the checks of --env, the dispatch to a type and the
// shared defaults all read this table. An algorithm family tunes further by
// switching on Environment::key, so a new environment is one row here, one
// case in with_environment, and the cases -Wswitch then asks each family for.
//
// The built-in tasks with Discrete or Box actions train through two types, one
// per action kind (DiscreteTasks, BoxTasks: ac::envs::EnvVariant), so that the
// tools instantiate their runs once per kind rather than once per task: each run
// type costs the trainer's unit seconds of compile time (docs/building.md). A
// run over a variant holding a task is the run over the task, bit for bit and
// checkpoint byte for byte. Which policies a Box task may train is therefore a
// run-time question (bounded_box), not a type's.

#include "flags.hpp"

#include <actorcritic/algorithms/presets.hpp>
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/copy_task.hpp>
#include <actorcritic/envs/dynamic_env.hpp>
#include <actorcritic/envs/env_variant.hpp>
#include <actorcritic/envs/grid_maze.hpp>
#include <actorcritic/envs/mask_velocity.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/envs/single_state_bandit.hpp>
#include <actorcritic/rollout/policy_for.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cli {

enum class EnvironmentKey {
  cartpole,
  cartpole_novel,
  pendulum,
  pendulum_novel,
  mountain_car,
  mountain_car_continuous,
  acrobot,
  single_state_bandit,
  grid_maze,
  copy_digits,
  copy_bits,
  // A program's own environment (ac::envs::DynamicEnv, e.g. the Python module's), given with its
  // prototype by the program (Invocation::custom), never by --env.
  custom_discrete,
  custom_continuous
};

struct Environment {
  EnvironmentKey key;
  std::string_view id;
  bool continuous;
  long envs;   // parallel environments
  long steps;  // training budget (CartPole-v1's depends on the algorithm: env_defaults)
  bool normalize_observations;
  bool normalize_rewards;
  std::vector<long> hidden;  // actor and critic widths
  double initial_log_std;    // of a Gaussian policy
  std::string_view source;   // where these values come from
  // A custom environment's prototype, every copy's template; nullptr for the built-in rows.
  const ac::envs::DiscreteDynamicEnv* discrete_prototype = nullptr;
  const ac::envs::ContinuousDynamicEnv* continuous_prototype = nullptr;
};


/// Sources: rl-baselines3-zoo's hyperparameter files for CartPole, Acrobot and
/// MountainCar; RLtools (ac::presets) for Pendulum, and its sizes for the
/// other continuous task; small and short for the lecture's bandit; the
/// masking demonstration's own (ac::presets::ppo_grid_maze, docs/policies.md).
inline const std::vector<Environment>& environment_table() {
  static const std::vector<Environment> table{
      {EnvironmentKey::cartpole, "CartPole-v1", false, 8, 100'000, false, false, {64, 64}, 0.0, "rl-baselines3-zoo"},
      {EnvironmentKey::cartpole_novel, "CartPoleNoVel-v1", false, ac::presets::kPpoCartPoleEnvs,
       ac::presets::kPpoCartPoleNoVelSteps, true, false, {64}, 0.0,
       "rl-baselines3-zoo's ppo_lstm (a GRU policy)"},
      {EnvironmentKey::pendulum, "Pendulum-v1", true, ac::presets::kPpoPendulumEnvs, 300'000, true, true, {32, 32},
       ac::presets::pendulum_actor().initial_log_std, "RLtools (ac::presets)"},
      {EnvironmentKey::pendulum_novel, "PendulumNoVel-v1", true, ac::presets::kPpoPendulumEnvs, 300'000, true, true,
       {32, 32}, ac::presets::pendulum_actor().initial_log_std, "Pendulum-v1's, a GRU policy"},
      {EnvironmentKey::mountain_car, "MountainCar-v0", false, 16, 1'000'000, true, false, {64, 64}, 0.0,
       "rl-baselines3-zoo"},
      {EnvironmentKey::mountain_car_continuous, "MountainCarContinuous-v0", true, ac::presets::kPpoPendulumEnvs,
       1'000'000, true, true, {32, 32}, ac::presets::pendulum_actor().initial_log_std, "Pendulum-v1's sizes"},
      {EnvironmentKey::acrobot, "Acrobot-v1", false, 16, 500'000, true, false, {64, 64}, 0.0, "rl-baselines3-zoo"},
      {EnvironmentKey::single_state_bandit, "SingleStateBandit-v0", true, 8, 4'000, false, false, {16}, 0.0,
       "the lecture's bandit"},
      {EnvironmentKey::grid_maze, "GridMaze-v0", false, ac::presets::kPpoGridMazeEnvs, 50'000, false, false, {64, 64},
       0.0, "the action-masking demo (ac::presets)"},
      {EnvironmentKey::copy_digits, "CopyDigits-v0", false, 8, 60'000, false, false, {64}, 0.0,
       "the MultiDiscrete demo (ac::presets)"},
      {EnvironmentKey::copy_bits, "CopyBits-v0", false, 8, 60'000, false, false, {64}, 0.0,
       "the MultiBinary demo (ac::presets)"},
  };
  return table;
}

/// The row a program's own environment (a DiscreteDynamicEnv or a ContinuousDynamicEnv) trains with:
/// the defaults of CartPole-v1 or of Pendulum-v1, its id, and its prototype, which must outlive the run.
template <class DynamicEnv>
Environment custom_environment_row(const DynamicEnv& prototype) {
  constexpr bool continuous = ac::envs::ContinuousEnv<DynamicEnv>;
  const EnvironmentKey like = continuous ? EnvironmentKey::pendulum : EnvironmentKey::cartpole;
  Environment row = *std::find_if(environment_table().begin(), environment_table().end(),
                                  [&](const Environment& e) { return e.key == like; });
  row.key = continuous ? EnvironmentKey::custom_continuous : EnvironmentKey::custom_discrete;
  row.id = prototype.id();
  row.source = continuous ? "Pendulum-v1's (a custom continuous environment)"
                          : "CartPole-v1's (a custom discrete environment)";
  if constexpr (continuous) {
    row.continuous_prototype = &prototype;
  } else {
    row.discrete_prototype = &prototype;
  }
  return row;
}

/// A continuous task whose discount is 0.99 where Pendulum's tuned swing-up has 0.9: MountainCarContinuous-v0
/// and a program's own environment.
inline bool long_horizon(const Environment& env) {
  return env.key == EnvironmentKey::mountain_car_continuous || env.key == EnvironmentKey::custom_continuous;
}

/// The ids, in the table's order.
inline std::vector<std::string> environment_ids() {
  std::vector<std::string> ids;
  for (const auto& e : environment_table()) ids.emplace_back(e.id);
  return ids;
}

/// The row of `id`, or nullptr.
inline const Environment* environment_named(std::string_view id) {
  const auto& table = environment_table();
  const auto it = std::find_if(table.begin(), table.end(), [&](const Environment& e) { return e.id == id; });
  return it == table.end() ? nullptr : &*it;
}

/// The row of `id`; a UsageError naming `flag` and the ids otherwise.
inline const Environment& find_environment(std::string_view id, std::string_view flag = "--env") {
  const Environment* row = environment_named(id);
  if (row == nullptr) {
    usage_error("{}: unknown environment \"{}\"; expected one of {}", flag, id, fmt::join(environment_ids(), ", "));
  }
  return *row;
}

/// How --help names an environment's actions.
inline std::string_view action_kind_name(const Environment& e) {
  switch (e.key) {
    case EnvironmentKey::grid_maze: return "masked discrete";
    case EnvironmentKey::copy_digits: return "multi-discrete";
    case EnvironmentKey::copy_bits: return "multi-binary";
    default: return e.continuous ? "continuous" : "discrete";
  }
}

/// The table for --help: one line per environment with its action kind.
inline std::string environment_help() {
  std::string out;
  for (const auto& e : environment_table()) {
    out += fmt::format("  {:<24}   {:<24} {} actions; defaults: {}\n", "", e.id,
                       action_kind_name(e),
                       e.source);
  }
  return out;
}

/// Whether a type may hold an environment whose actions are a Box with finite bounds, which a
/// squashed Gaussian or a Beta policy maps onto: those policies are instantiated for it. A custom
/// environment trains a Gaussian policy, whatever its bounds.
template <class E>
inline constexpr bool kMayBeBoundedBox =
    ac::envs::ContinuousEnv<E> && !std::is_same_v<E, ac::envs::ContinuousDynamicEnv>;

/// Whether `env`'s actions are a Box with finite bounds (the bandit's are unbounded).
template <class E>
bool bounded_box(const E& env) {
  if constexpr (kMayBeBoundedBox<E>) {
    const auto& space = env.action_space();
    return space.low.allFinite() && space.high.allFinite();
  } else {
    return false;
  }
}

/// The policies a Box environment may train (--distribution), as the CLI names
/// them and as a checkpoint records them (CheckpointHeader::policy; "" is the default).
struct PolicyKind {
  std::string_view name, checkpoint;
};
inline constexpr PolicyKind kPolicyKinds[] = {
    {"gaussian", ""}, {"squashed-gaussian", "squashed_gaussian"}, {"beta", "beta"}};

/// The --distribution name of a checkpoint's policy record; throws IoError for an unknown one.
inline std::string_view policy_name_of_checkpoint(std::string_view checkpoint, std::string_view source) {
  for (const auto& kind : kPolicyKinds) {
    if (kind.checkpoint == checkpoint) return kind.name;
  }
  ac::throw_io_error("{}: unknown policy \"{}\" in the checkpoint", source, checkpoint);
}

/// Calls f.template operator()<Actor>() with the policy type `name` (a
/// --distribution value) stands for on `prototype`: the space's default
/// (ac::PolicyFor) or, for a bounded Box, a squashed Gaussian or a Beta policy.
template <class E, class F>
int with_policy(std::string_view name, const E& prototype, F&& f) {
  if constexpr (kMayBeBoundedBox<E>) {
    if (bounded_box(prototype)) {
      if (name == "squashed-gaussian") return f.template operator()<ac::SquashedGaussianActor<float>>();
      if (name == "beta") return f.template operator()<ac::BetaActor<float>>();
    }
  }
  if (name != "gaussian") {
    throw std::logic_error(fmt::format("with_policy: this environment cannot train a {} policy", name));
  }
  return f.template operator()<ac::PolicyFor<E>>();
}

/// The built-in tasks of the two plain action kinds, as one type each (the header's comment says why).
using DiscreteTasks =
    ac::envs::EnvVariant<ac::envs::CartPole, ac::envs::CartPoleNoVel, ac::envs::MountainCar, ac::envs::Acrobot>;
using BoxTasks = ac::envs::EnvVariant<ac::envs::Pendulum, ac::envs::PendulumNoVel, ac::envs::MountainCarContinuous,
                                      ac::envs::SingleStateBandit>;

/// Calls f.template operator()<Type>(prototype) with the type the tools train `environment` as and
/// the environment every copy is made from: a Discrete or Box task in its kind's EnvVariant, another
/// built-in one as itself, a custom one as the row's own prototype.
template <class F>
int with_environment(const Environment& environment, F&& f) {
  namespace e = ac::envs;
  const auto call = [&]<class E, class Type = E>() {
    if (E{}.id() != environment.id) {
      throw std::logic_error(fmt::format("environment table: {} is not the type's id {}", environment.id, E{}.id()));
    }
    return f.template operator()<Type>(Type(E{}));
  };
  const auto custom = [&]<class E>(const E* prototype) {
    if (prototype == nullptr) {
      throw std::logic_error("with_environment: a custom environment's row without its prototype");
    }
    return f.template operator()<E>(*prototype);
  };
  switch (environment.key) {
    case EnvironmentKey::cartpole: return call.template operator()<e::CartPole, DiscreteTasks>();
    case EnvironmentKey::cartpole_novel: return call.template operator()<e::CartPoleNoVel, DiscreteTasks>();
    case EnvironmentKey::pendulum: return call.template operator()<e::Pendulum, BoxTasks>();
    case EnvironmentKey::pendulum_novel: return call.template operator()<e::PendulumNoVel, BoxTasks>();
    case EnvironmentKey::mountain_car: return call.template operator()<e::MountainCar, DiscreteTasks>();
    case EnvironmentKey::mountain_car_continuous:
      return call.template operator()<e::MountainCarContinuous, BoxTasks>();
    case EnvironmentKey::acrobot: return call.template operator()<e::Acrobot, DiscreteTasks>();
    case EnvironmentKey::single_state_bandit: return call.template operator()<e::SingleStateBandit, BoxTasks>();
    case EnvironmentKey::grid_maze: return call.template operator()<e::GridMaze>();
    case EnvironmentKey::copy_digits: return call.template operator()<e::CopyDigits>();
    case EnvironmentKey::copy_bits: return call.template operator()<e::CopyBits>();
    case EnvironmentKey::custom_discrete: return custom(environment.discrete_prototype);
    case EnvironmentKey::custom_continuous: return custom(environment.continuous_prototype);
  }
  throw std::logic_error("with_environment: a key without a type");
}

}  // namespace cli
