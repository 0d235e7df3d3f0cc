// MultiDiscrete and MultiBinary spaces and environments: the spaces' checks and
// descriptions (Gymnasium's), the copy tasks' reward rule against a
// hand count, their targets drawn by the environment's generator and
// restored by set_state, VectorEnv stepping `components x N` actions, and bad
// actions named with the environment and the space.
#include <actorcritic/envs/copy_task.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <catch2/catch.hpp>

using ac::Index;
using ac::envs::CopyBits;
using ac::envs::CopyDigits;
using ac::envs::IndexVector;
using ac::envs::MultiBinary;
using ac::envs::MultiDiscrete;
using Actions = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

static_assert(ac::envs::MultiDiscreteEnv<CopyDigits> && !ac::envs::MultiBinaryEnv<CopyDigits>);
static_assert(ac::envs::MultiBinaryEnv<CopyBits> && !ac::envs::MultiDiscreteEnv<CopyBits>);
static_assert(!ac::envs::DiscreteEnv<CopyDigits> && !ac::envs::ContinuousEnv<CopyBits>);

TEST_CASE("MultiDiscrete and MultiBinary check and describe themselves as Gymnasium does", "[envs][space]") {
  const MultiDiscrete space{3, 2, 4};
  CHECK(space.describe() == "MultiDiscrete([3 2 4])");
  CHECK(space.dim() == 3);
  CHECK(space.total() == 9);
  CHECK(space.contains(IndexVector{{2, 1, 3}}));
  CHECK_FALSE(space.contains(IndexVector{{3, 1, 3}}));
  CHECK_FALSE(space.contains(IndexVector{{0, -1, 0}}));
  CHECK_FALSE(space.contains(IndexVector{{0, 0}}));
  CHECK_THROWS_WITH(MultiDiscrete({3, 0}), Catch::Contains("nvec"));
  const MultiBinary bits(3);
  CHECK(bits.describe() == "MultiBinary(3)");
  CHECK(bits.contains(IndexVector{{1, 0, 1}}));
  CHECK_FALSE(bits.contains(IndexVector{{1, 2, 1}}));
  CHECK_THROWS_WITH(MultiBinary(0), Catch::Contains("MultiBinary: n"));
}

TEST_CASE("the copy tasks pay the fraction of components named right, then draw the next target",
          "[envs][multi_discrete]") {
  CopyDigits env;
  auto o = env.reset(5);
  ac::Generator replay(5);  // the environment's draws, replayed: 4 integers below 4 per target
  IndexVector expected(4);
  for (Index k = 0; k < 4; ++k) expected(k) = static_cast<std::int64_t>(replay.integer(4));
  CHECK(env.target() == expected);
  for (Index k = 0; k < 4; ++k) {
    CHECK(o.segment(k * 4, 4).sum() == 1.0f);
    CHECK(o(k * 4 + expected(k)) == 1.0f);
  }
  for (int t = 0; t < 16; ++t) {
    IndexVector action = env.target();
    const Index wrong = t % 5;  // 0..4 components wrong, by hand
    for (Index k = 0; k < std::min<Index>(wrong, 4); ++k) action(k) = (action(k) + 1) % 4;
    const auto r = env.step(action);
    CHECK(r.reward == double(4 - std::min<Index>(wrong, 4)) / 4.0);
    CHECK_FALSE(r.terminated);
    CHECK(r.truncated == (t == 15));
    for (Index k = 0; k < 4; ++k) expected(k) = static_cast<std::int64_t>(replay.integer(4));
    CHECK(env.target() == expected);
  }
  // set_state restores a target; a bad one is refused naming the component.
  env.reset();
  env.set_state(Eigen::Vector4d(3, 0, 2, 1));
  CHECK(env.target() == IndexVector{{3, 0, 2, 1}});
  CHECK_THROWS_WITH(env.set_state(Eigen::Vector4d(3, 4, 2, 1)), Catch::Contains("component 1"));
  CHECK_THROWS_WITH(env.step(IndexVector{{0, 4, 0, 0}}),
                    Catch::Contains("CopyDigits-v0") && Catch::Contains("MultiDiscrete([4 4 4 4])"));

  CopyBits bits;
  const auto b = bits.reset(9);
  CHECK(b == bits.target().cast<float>());
  const IndexVector right = bits.target();
  IndexVector half = right;
  for (Index k = 0; k < 4; ++k) half(k) = 1 - half(k);
  CHECK(bits.step(half).reward == 0.5);
  CHECK_THROWS_WITH(bits.step(IndexVector{{0, 1, 2, 0, 0, 0, 0, 0}}),
                    Catch::Contains("CopyBits-v0") && Catch::Contains("MultiBinary(8)"));
}

TEST_CASE("VectorEnv steps MultiDiscrete actions given as a components x N matrix", "[envs][vector][multi_discrete]") {
  ac::VectorEnv<CopyDigits> envs(3, 1);
  CopyDigits lone[3];
  for (Index i = 0; i < 3; ++i) lone[i].reset(1 + static_cast<std::uint64_t>(i));
  CHECK(envs.action_dim() == 4);
  Actions actions(4, 3);
  for (int t = 0; t < 40; ++t) {
    for (Index i = 0; i < 3; ++i) {
      for (Index k = 0; k < 4; ++k) actions(k, i) = (envs.env(i).target()(k) + (t + i + k) % 2) % 4;
    }
    envs.step(actions);
    for (Index i = 0; i < 3; ++i) {
      const auto r = lone[i].step(IndexVector(actions.col(i)));
      CHECK(envs.rewards()(i) == r.reward);
      if (r.truncated) lone[i].reset();
      CHECK(envs.env(i).target() == lone[i].target());
    }
  }
  CHECK_THROWS_WITH(envs.step(Actions::Zero(3, 3)), Catch::Contains("actions"));
}
