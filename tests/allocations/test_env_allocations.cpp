// Stepping a VectorEnv of any built-in environment allocates nothing once it
// runs: a training loop steps millions of times. This program replaces malloc
// (support/counting_malloc.hpp), so it is an executable of its own.
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/clip_action.hpp>
#include <actorcritic/envs/copy_task.hpp>
#include <actorcritic/envs/env_variant.hpp>
#include <actorcritic/envs/grid_maze.hpp>
#include <actorcritic/envs/k_armed_bandit.hpp>
#include <actorcritic/envs/mask_velocity.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/envs/rescale_action.hpp>
#include <actorcritic/envs/single_state_bandit.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <catch2/catch.hpp>

#include "support/counting_malloc.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

/// Heap allocations of 1000 steps of 4 copies of `prototype` (episodes end
/// and reset along the way), after a first step.
template <class E>
long allocations_of_steps(const E& prototype = E{}) {
  using IntegerMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
  ac::VectorEnv<E> env(4, 3, prototype);
  std::int64_t discrete[4] = {0, 0, 0, 0};
  IntegerMatrix vectors;
  Eigen::MatrixXf continuous;
  if constexpr (ac::envs::MultiActionEnv<E>) vectors = IntegerMatrix::Zero(env.action_dim(), env.size());
  if constexpr (ac::envs::ContinuousEnv<E>) continuous = Eigen::MatrixXf::Constant(env.action_dim(), env.size(), 0.3f);
  const auto step = [&] {
    if constexpr (ac::envs::DiscreteEnv<E>) {
      if constexpr (ac::envs::MaskedEnv<E>) {  // the first legal action of each copy
        for (ac::Index i = 0; i < env.size(); ++i) {
          ac::Index k = 0;
          while (!env.action_masks()(k, i)) ++k;
          discrete[i] = k;
        }
      }
      env.step(std::span<const std::int64_t>(discrete, 4));
    } else if constexpr (ac::envs::MultiActionEnv<E>) {
      env.step(vectors);
    } else {
      env.step(continuous);
    }
  };
  step();
  const long before = ac::test::heap_allocations.load();
  for (int i = 0; i < 1000; ++i) step();
  return ac::test::heap_allocations.load() - before;
}

}  // namespace

TEST_CASE("stepping a VectorEnv of a built-in environment allocates nothing", "[envs][allocations]") {
  using namespace ac::envs;
  // The counter counts: a vector the size of a step's actions allocates.
  const long before = ac::test::heap_allocations.load();
  { const Eigen::VectorXf probe = Eigen::VectorXf::Zero(16); CHECK(probe.size() == 16); }
  REQUIRE(ac::test::heap_allocations.load() - before == 1);

  CHECK(allocations_of_steps<CartPole>() == 0);
  CHECK(allocations_of_steps<CartPoleNoVel>() == 0);
  CHECK(allocations_of_steps<Acrobot>() == 0);
  CHECK(allocations_of_steps<MountainCar>() == 0);
  CHECK(allocations_of_steps<GridMaze>() == 0);
  CHECK(allocations_of_steps<KArmedBandit>() == 0);
  CHECK(allocations_of_steps<CopyDigits>() == 0);
  CHECK(allocations_of_steps<CopyBits>() == 0);
  // Box action spaces: each step checks its action against the space, which
  // a Box action_space() built per call would allocate (two vectors) every step.
  CHECK(allocations_of_steps<Pendulum>() == 0);
  CHECK(allocations_of_steps<PendulumNoVel>() == 0);
  CHECK(allocations_of_steps<MountainCarContinuous>() == 0);
  CHECK(allocations_of_steps<SingleStateBandit>() == 0);
  CHECK(allocations_of_steps(ClipAction<Pendulum>(Pendulum{})) == 0);
  CHECK(allocations_of_steps(RescaleAction<Pendulum>(Pendulum{})) == 0);
  // Several types as one: the observation has a fixed capacity, the Box is the alternative's own.
  CHECK(allocations_of_steps(EnvVariant<CartPole, Acrobot>(Acrobot{})) == 0);
  CHECK(allocations_of_steps(EnvVariant<Pendulum, MountainCarContinuous>(MountainCarContinuous{})) == 0);
}
