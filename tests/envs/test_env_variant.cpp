// EnvVariant: holding any alternative, it is that environment — the same
// observations, rewards, flags, spaces and state, step for step (checked
// against the bare environment), and the same record, byte for byte, which
// loads back into either and continues the episode bit for bit.
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/dynamic_env.hpp>
#include <actorcritic/envs/env_variant.hpp>
#include <actorcritic/envs/grid_maze.hpp>
#include <actorcritic/envs/mask_velocity.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <catch2/catch.hpp>

#include <span>
#include <type_traits>

using namespace ac::envs;

namespace {

using Discrete4 = EnvVariant<CartPole, CartPoleNoVel, MountainCar, Acrobot>;
using Continuous3 = EnvVariant<Pendulum, PendulumNoVel, MountainCarContinuous>;

static_assert(DiscreteEnv<Discrete4> && !ContinuousEnv<Discrete4>);
static_assert(ContinuousEnv<Continuous3> && !DiscreteEnv<Continuous3>);
static_assert(!MaskedEnv<Discrete4>);
static_assert(ac::Serializable<Discrete4> && ac::Serializable<Continuous3>);  // its alternatives all serialize
static_assert(MaskedEnv<EnvVariant<GridMaze>>);
// The largest alternative's length (Acrobot's 6, Pendulum's 3) is the capacity: no heap memory.
static_assert(Discrete4::Observation::MaxRowsAtCompileTime == 6);
static_assert(Continuous3::Observation::MaxRowsAtCompileTime == 3);
static_assert(EnvVariant<CartPole, MaskVelocity<CartPole, detail::CartPoleNoVelTraits>>::Observation::
                  MaxRowsAtCompileTime == 4);
// An alternative whose observation has no fixed size makes it a heap vector.
static_assert(std::is_same_v<EnvVariant<DiscreteDynamicEnv>::Observation, Eigen::VectorXf>);

template <class Observation, class Expected>
void check_same_observation(const Observation& got, const Expected& expected) {
  REQUIRE(got.size() == expected.size());
  for (ac::Index i = 0; i < got.size(); ++i) CHECK(got(i) == expected(i));
}

/// `Variant` holding E and a bare E, driven by the same seed and actions through
/// several episodes, return the same values at every step, and end in the same state.
template <class Variant, class E, class ActionAt>
void check_replays(ActionAt&& action_at) {
  Variant variant{E{}};
  E bare;
  REQUIRE(variant.template holds<E>());
  CHECK(variant.id() == bare.id());
  CHECK(variant.max_episode_steps() == bare.max_episode_steps());
  CHECK(variant.observation_space().low == bare.observation_space().low);
  CHECK(variant.observation_space().high == bare.observation_space().high);
  if constexpr (ContinuousEnv<E>) {
    CHECK(variant.action_space().low == bare.action_space().low);
    CHECK(&variant.action_space() == &variant.template get<E>().action_space());  // the stored space, no copy
  } else {
    CHECK(variant.action_space().n == bare.action_space().n);
  }
  variant.set_max_episode_steps(200);  // several episodes end by truncation, some by termination
  bare.set_max_episode_steps(200);
  check_same_observation(variant.reset(23), bare.reset(23));
  int episodes = 0;
  for (int t = 0; t < 1200; ++t) {
    const auto action = action_at(t);
    const auto got = variant.step(action);
    const auto expected = bare.step(action);
    check_same_observation(got.observation, expected.observation);
    CHECK(got.reward == expected.reward);
    CHECK(got.terminated == expected.terminated);
    CHECK(got.truncated == expected.truncated);
    if (expected.terminated || expected.truncated) {
      check_same_observation(variant.reset(), bare.reset());
      ++episodes;
    }
  }
  CHECK(episodes >= 5);
  CHECK(variant.state() == bare.state());
}

/// The record of `Variant` holding E mid-episode is the bare E's, byte for byte; loaded into
/// a fresh Variant and into a fresh E, both continue as the original does.
template <class Variant, class E, class ActionAt>
void check_record(ActionAt&& action_at) {
  Variant variant{E{}};
  E bare;
  variant.reset(5);
  bare.reset(5);
  for (int t = 0; t < 37; ++t) {
    if (const auto r = variant.step(action_at(t)); r.terminated || r.truncated) variant.reset();
    if (const auto r = bare.step(action_at(t)); r.terminated || r.truncated) bare.reset();
  }
  const std::string bytes = ac::to_bytes(variant);
  CHECK(bytes == ac::to_bytes(bare));
  Variant loaded{E{}};
  ac::from_bytes(loaded, bytes, "record");
  E loaded_bare;
  ac::from_bytes(loaded_bare, bytes, "record");
  for (int t = 37; t < 300; ++t) {
    const auto expected = variant.step(action_at(t));
    const auto got = loaded.step(action_at(t));
    const auto got_bare = loaded_bare.step(action_at(t));
    check_same_observation(got.observation, expected.observation);
    check_same_observation(got_bare.observation, expected.observation);
    CHECK(got.reward == expected.reward);
    CHECK(got_bare.reward == expected.reward);
    CHECK(got.truncated == expected.truncated);
    CHECK(got_bare.terminated == expected.terminated);
    if (expected.terminated || expected.truncated) {
      const auto first = variant.reset();
      check_same_observation(loaded.reset(), first);
      check_same_observation(loaded_bare.reset(), first);
    }
  }
  CHECK(ac::to_bytes(loaded) == ac::to_bytes(variant));
}

const auto discrete_actions = [](int t) { return static_cast<std::int64_t>((t / 4 + t / 7) % 3 == 0 ? 0 : 1); };
const auto three_actions = [](int t) { return static_cast<std::int64_t>((t / 5) % 3); };
const auto torques = [](int t) { return Eigen::VectorXf::Constant(1, t % 11 < 5 ? 1.7f : -0.9f); };

}  // namespace

TEST_CASE("EnvVariant holding an alternative replays that environment step for step", "[envs][variant]") {
  check_replays<Discrete4, CartPole>(discrete_actions);
  check_replays<Discrete4, CartPoleNoVel>(discrete_actions);
  check_replays<Discrete4, MountainCar>(three_actions);
  check_replays<Discrete4, Acrobot>(three_actions);
  check_replays<Continuous3, Pendulum>(torques);
  check_replays<Continuous3, PendulumNoVel>(torques);
  check_replays<Continuous3, MountainCarContinuous>(torques);
}

TEST_CASE("EnvVariant's record is the active alternative's, and loads into either", "[envs][variant][checkpoint]") {
  check_record<Discrete4, CartPole>(discrete_actions);
  check_record<Discrete4, Acrobot>(three_actions);
  check_record<Continuous3, PendulumNoVel>(torques);
  check_record<Continuous3, MountainCarContinuous>(torques);
}

TEST_CASE("EnvVariant names and refuses misuse as its alternative does", "[envs][variant][errors]") {
  Discrete4 env{Acrobot{}};
  CHECK(env.index() == 3);
  CHECK_THROWS_AS(env.get<CartPole>(), std::bad_variant_access);
  CHECK_THROWS_WITH(env.step(0), Catch::Contains("Acrobot-v1: step() called before reset()"));
  env.reset(0);
  CHECK_THROWS_WITH(env.step(3), Catch::Contains("Acrobot-v1: action 3 is outside the action space"));
  CHECK_THROWS_WITH(env.set_state(Eigen::VectorXd::Zero(2)),
                    Catch::Contains("Acrobot-v1: set_state: expected a state of 4 values, got 2"));
  // A record loads into the alternative held; another environment's state has another shape.
  CartPole cart_pole;
  cart_pole.reset(1);
  Discrete4 mountain_car{MountainCar{}};
  CHECK_THROWS_WITH(ac::from_bytes(mountain_car, ac::to_bytes(cart_pole), "record"),
                    Catch::Contains("record: state is 4 x 1, expected 2 x 1"));
  // A default-constructed variant holds the first alternative.
  CHECK(Discrete4{}.id() == "CartPole-v1");
}

TEST_CASE("a VectorEnv of an EnvVariant is the VectorEnv of its alternative", "[envs][variant]") {
  ac::VectorEnv<Discrete4> mixed(3, 11, Discrete4(MountainCar{}));
  ac::VectorEnv<MountainCar> bare(3, 11);
  REQUIRE(mixed.observations().rows() == 2);
  std::int64_t actions[3] = {0, 2, 1};
  for (int t = 0; t < 600; ++t) {  // crosses the 200-step time limit
    actions[t % 3] = (actions[t % 3] + t) % 3;
    mixed.step(std::span<const std::int64_t>(actions, 3));
    bare.step(std::span<const std::int64_t>(actions, 3));
    REQUIRE(mixed.observations() == bare.observations());
    REQUIRE(mixed.rewards() == bare.rewards());
  }
  CHECK(ac::to_bytes(mixed) == ac::to_bytes(bare));
}
