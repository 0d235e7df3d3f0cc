// The masked-velocity variants replay their inner task step for step, with
// the velocity components of every observation (after reset, after each step,
// at truncation) set to 0 and nothing else changed.
#include <actorcritic/envs/mask_velocity.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <catch2/catch.hpp>

using ac::Index;

namespace {

template <class Masked, class Inner, class Act>
void check_replays_inner(const std::vector<Index>& hidden, Act&& action_at) {
  Masked masked;
  Inner inner;
  auto o = masked.reset(17);
  auto p = inner.reset(17);
  int episodes = 0;
  for (int t = 0; t < 1500 && episodes < 4; ++t) {
    for (Index i = 0; i < p.size(); ++i) {
      const bool is_hidden = std::find(hidden.begin(), hidden.end(), i) != hidden.end();
      CHECK(o(i) == (is_hidden ? 0.0f : p(i)));
    }
    const auto a = action_at(t);
    const auto m = masked.step(a);
    const auto s = inner.step(a);
    CHECK(m.reward == s.reward);
    CHECK(m.terminated == s.terminated);
    CHECK(m.truncated == s.truncated);
    o = m.observation;
    p = s.observation;
    if (s.terminated || s.truncated) {
      for (const Index i : hidden) CHECK(m.observation(i) == 0.0f);  // the final observation too
      o = masked.reset();
      p = inner.reset();
      ++episodes;
    }
  }
  CHECK(episodes > 0);
  CHECK(masked.state() == inner.state());
}

}  // namespace

TEST_CASE("CartPoleNoVel-v1 is CartPole-v1 without its two velocities", "[envs][pomdp]") {
  CHECK(ac::envs::CartPoleNoVel{}.id() == "CartPoleNoVel-v1");
  static_assert(ac::envs::DiscreteEnv<ac::envs::CartPoleNoVel>);
  check_replays_inner<ac::envs::CartPoleNoVel, ac::envs::CartPole>({1, 3}, [](int t) { return (t / 3) % 2; });
}

TEST_CASE("PendulumNoVel-v1 is Pendulum-v1 without its angular velocity", "[envs][pomdp]") {
  CHECK(ac::envs::PendulumNoVel{}.id() == "PendulumNoVel-v1");
  static_assert(ac::envs::ContinuousEnv<ac::envs::PendulumNoVel>);
  check_replays_inner<ac::envs::PendulumNoVel, ac::envs::Pendulum>(
      {2}, [](int t) { return Eigen::VectorXf::Constant(1, t % 7 < 3 ? 2.0f : -1.5f); });
}

TEST_CASE("a VectorEnv of masked-velocity tasks hides the velocities in every observation it returns",
          "[envs][pomdp]") {
  ac::VectorEnv<ac::envs::CartPoleNoVel> env(4, 3);
  for (int t = 0; t < 300; ++t) {
    std::vector<std::int64_t> actions(4, t % 2);
    env.step(std::span<const std::int64_t>(actions.data(), 4));
    CHECK(env.observations().row(1).isZero());
    CHECK(env.observations().row(3).isZero());
  }
}
