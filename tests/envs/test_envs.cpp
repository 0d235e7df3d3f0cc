// The Env concept, bad input, the bandits, VectorEnv and the wrappers.
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/clip_action.hpp>
#include <actorcritic/envs/episode_statistics.hpp>
#include <actorcritic/envs/k_armed_bandit.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/normalize_observation.hpp>
#include <actorcritic/envs/normalize_reward.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/envs/rescale_action.hpp>
#include <actorcritic/envs/single_state_bandit.hpp>
#include <actorcritic/envs/time_limit.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace ac::envs;

static_assert(DiscreteEnv<CartPole> && DiscreteEnv<MountainCar> && DiscreteEnv<Acrobot> && DiscreteEnv<KArmedBandit>);
static_assert(ContinuousEnv<Pendulum> && ContinuousEnv<MountainCarContinuous> && ContinuousEnv<SingleStateBandit>);
static_assert(Env<NormalizeObservation<NormalizeReward<EpisodeStatistics<TimeLimit<CartPole>>>>>);
static_assert(ContinuousEnv<ClipAction<RescaleAction<Pendulum>>>);
static_assert(!Env<int> && !Env<ac::Generator>);

namespace {
Eigen::VectorXf vec(std::initializer_list<float> values) {
  Eigen::VectorXf v(static_cast<ac::Index>(values.size()));
  ac::Index i = 0;
  for (float x : values) v(i++) = x;
  return v;
}
}  // namespace

TEST_CASE("spaces describe themselves as Gymnasium does", "[envs][space]") {
  CHECK(Discrete(3).describe() == "Discrete(3)");
  CHECK(Pendulum().action_space().describe() == "Box(-2, 2, (1,))");
  CHECK(Box(vec({-1, 0}), vec({1, 2})).describe() == "Box([-1, 0], [1, 2], (2,))");
  CHECK(Box(-1, 1, 2).contains(vec({0.5f, -1.0f})));
  CHECK_FALSE(Box(-1, 1, 2).contains(vec({0.5f, -1.5f})));
  CHECK_FALSE(Box(-1, 1, 2).contains(vec({0.5f})));
  CHECK_THROWS_WITH(Box(vec({1}), vec({0})), Catch::Contains("low <= high"));
  CHECK_THROWS_WITH(Discrete(0), Catch::Contains("Discrete: n: expected a value > 0"));
  CHECK(CartPole().observation_space().high(0) == 4.8f);
}

TEST_CASE("bad input names the environment, the action and the space", "[envs][errors]") {
  CartPole cart;
  CHECK_THROWS_WITH(cart.step(1), "CartPole-v1: step() called before reset()");
  cart.reset(0);
  CHECK_THROWS_WITH(cart.step(2), "CartPole-v1: action 2 is outside the action space Discrete(2)");
  CHECK_THROWS_WITH(cart.step(-1), Catch::Contains("action -1 is outside"));
  Pendulum pendulum;
  pendulum.reset(0);
  CHECK_THROWS_WITH(pendulum.step(vec({1, 2})),
                    "Pendulum-v1: action has dimension 2, the action space Box(-2, 2, (1,)) expects 1");
  CHECK_THROWS_WITH(pendulum.step(vec({std::numeric_limits<float>::quiet_NaN()})),
                    Catch::Contains("Pendulum-v1: action [nan] is not finite"));
  CHECK_NOTHROW(pendulum.step(vec({5.0f})));  // out of bounds is allowed: the env clips, as in Gymnasium
  MountainCar car;
  car.reset(0);
  car.set_max_episode_steps(2);
  car.step(1);
  const auto last = car.step(1);
  CHECK(last.truncated);
  CHECK_THROWS_WITH(car.step(1), Catch::Contains("MountainCar-v0: step() called after the episode ended"));
  CHECK_THROWS_AS(car.step(1), ac::UsageError);
  car.reset();
  CHECK_NOTHROW(car.step(1));
  CHECK_THROWS_WITH(car.set_state(Eigen::VectorXd::Zero(3)), Catch::Contains("expected a state of 2 values, got 3"));
  CHECK_THROWS_WITH(car.set_max_episode_steps(0), Catch::Contains("max_episode_steps: expected a value > 0"));
}

TEST_CASE("reset() continues the generator; reset(seed) restarts it", "[envs]") {
  CartPole a, b;
  const auto first = a.reset(3);
  const auto second = a.reset();
  CHECK(first != second);
  CHECK(b.reset(3) == first);
  CHECK(b.reset() == second);
  CHECK(a.reset(3) == first);
}

TEST_CASE("the single-state bandit pays -||a - goal||^2 in one-step episodes", "[envs][bandit]") {
  SingleStateBandit bandit(vec({1.0f, -2.0f}));
  CHECK(bandit.reset(0)(0) == 1.0f);
  const auto result = bandit.step(vec({0.5f, 0.0f}));
  CHECK(result.reward == Approx(-(0.25 + 4.0)));
  CHECK(result.terminated);
  CHECK_THROWS_AS(bandit.step(vec({1, -2})), ac::UsageError);  // the episode is over
  bandit.reset();
  CHECK(bandit.step(vec({1.0f, -2.0f})).reward == 0.0);  // the best action: reward 0, never positive
}

TEST_CASE("the k-armed bandit pays each arm's mean, with optional seeded noise", "[envs][bandit]") {
  KArmedBandit bandit;
  CHECK(bandit.action_space().n == 5);
  for (std::int64_t arm = 0; arm < 5; ++arm) {
    bandit.reset(0);
    const auto result = bandit.step(arm);
    CHECK(result.reward == -1.0 - double(arm));
    CHECK(result.terminated);
  }
  KArmedBandit noisy(KArmedBandit::default_means(3), 0.5), twin(KArmedBandit::default_means(3), 0.5);
  noisy.reset(7);
  twin.reset(7);
  double sum = 0;
  for (int i = 0; i < 2000; ++i) {
    const double r = noisy.step(2).reward;
    CHECK(r == twin.step(2).reward);
    sum += r;
    noisy.reset();
    twin.reset();
  }
  CHECK(std::abs(sum / 2000 - (-3.0)) < 5 * 0.5 / std::sqrt(2000.0));
  CHECK_THROWS_WITH(KArmedBandit(Eigen::VectorXd::Zero(1)), Catch::Contains("at least two"));
}

TEST_CASE("VectorEnv equals N independently stepped copies, with same-step autoreset", "[envs][vector]") {
  constexpr ac::Index n = 4;
  ac::VectorEnv<CartPole> vec_env(n, 10);
  std::vector<CartPole> solo(n);
  std::vector<CartPole::Observation> solo_obs(n);
  for (ac::Index i = 0; i < n; ++i) solo_obs[i] = solo[i].reset(10 + std::uint64_t(i));
  for (ac::Index i = 0; i < n; ++i) REQUIRE(vec_env.observations().col(i) == solo_obs[i]);
  CHECK(vec_env.observation_dim() == 4);
  CHECK(vec_env.action_count() == 2);

  ac::Generator policy(1);
  std::vector<std::int64_t> actions(n);
  int episodes_ended = 0, truncations = 0;
  std::vector<double> returns(n, 0.0);
  std::vector<double> finished;
  for (int t = 0; t < 1500; ++t) {
    for (auto& a : actions) a = static_cast<std::int64_t>(policy.integer(2));
    vec_env.step(actions);
    for (ac::Index i = 0; i < n; ++i) {
      const auto r = solo[i].step(actions[i]);
      returns[i] += r.reward;
      REQUIRE(vec_env.rewards()(i) == r.reward);
      REQUIRE(vec_env.terminated()(i) == r.terminated);
      REQUIRE(vec_env.truncated()(i) == r.truncated);
      if (r.terminated || r.truncated) {
        ++episodes_ended;
        truncations += r.truncated;
        REQUIRE(vec_env.final_observations().col(i) == r.observation);
        REQUIRE(vec_env.observations().col(i) == solo[i].reset());  // next episode, generator continued
        finished.push_back(returns[i]);
        returns[i] = 0.0;
      } else {
        REQUIRE(vec_env.observations().col(i) == r.observation);
      }
    }
  }
  CHECK(episodes_ended > 50);
  CHECK(vec_env.episodes().total() == static_cast<std::size_t>(episodes_ended));
  CHECK(vec_env.episodes().recent(0).episode_return == finished.back());
  CHECK(vec_env.total_steps() == 1500 * n);
  // Random play never reaches CartPole's 500-step limit: all endings are terminations.
  CHECK(truncations == 0);
}

TEST_CASE("VectorEnv keeps the final observation of truncated episodes", "[envs][vector]") {
  ac::VectorEnv<Pendulum> vec_env(2, 0);
  CHECK(vec_env.action_dim() == 1);
  ac::Matrix<float> actions = ac::Matrix<float>::Constant(1, 2, 0.5f);
  Pendulum solo;
  solo.reset(0);
  for (int t = 0; t < 200; ++t) {
    vec_env.step(actions);
    const auto r = solo.step(vec({0.5f}));
    if (t < 199) REQUIRE_FALSE(vec_env.truncated()(0));
    if (t == 199) {
      CHECK(r.truncated);
      CHECK(vec_env.truncated()(0));
      CHECK_FALSE(vec_env.terminated()(0));
      CHECK(vec_env.final_observations().col(0) == r.observation);
      CHECK(vec_env.observations().col(0) == solo.reset());
    }
  }
  CHECK_THROWS_WITH(vec_env.step(ac::Matrix<float>::Zero(2, 2)), Catch::Contains("expected a 1x2 matrix, got 2x2"));
  ac::VectorEnv<CartPole> carts(3, 0);
  std::vector<std::int64_t> two{0, 1};
  CHECK_THROWS_WITH(carts.step(two), Catch::Contains("expected 3 actions, got 2"));
  CHECK_THROWS_WITH(ac::VectorEnv<CartPole>(0, 0), Catch::Contains("VectorEnv: count"));
}

TEST_CASE("RunningMeanStd merges batches exactly as one pass over all the data", "[envs][statistics]") {
  ac::Generator rng(4);
  ac::RunningMeanStd stats(3, 1e-4);
  std::vector<Eigen::Vector3d> all;
  for (int batch = 0; batch < 5; ++batch) {
    ac::Matrix<float> x(3, 7 + batch);
    rng.fill_normal(x, 2.0, 3.0);
    stats.update(x);
    for (ac::Index j = 0; j < x.cols(); ++j) all.push_back(x.col(j).cast<double>());
  }
  // Reference: the prior (mean 0, var 1, count 1e-4) merged once with the pooled data.
  const double n = double(all.size());
  Eigen::Vector3d mean = Eigen::Vector3d::Zero(), m2 = Eigen::Vector3d::Zero();
  for (const auto& v : all) mean += v / n;
  for (const auto& v : all) m2 += (v - mean).cwiseAbs2();
  const double c = 1e-4, total = c + n;
  const Eigen::Vector3d ref_mean = mean * n / total;
  const Eigen::Vector3d ref_var = (Eigen::Vector3d::Ones() * c + m2 + mean.cwiseAbs2() * c * n / total) / total;
  CHECK(stats.count() == Approx(total));
  CHECK((stats.mean() - ref_mean).norm() < 1e-12);
  CHECK((stats.var() - ref_var).norm() < 1e-12);

  const std::string bytes = ac::to_bytes(stats);
  ac::RunningMeanStd restored(3);
  ac::from_bytes(restored, bytes, "stats");
  CHECK(restored.mean() == stats.mean());
  CHECK(restored.var() == stats.var());
  ac::RunningMeanStd wrong(2);
  CHECK_THROWS_WITH(ac::from_bytes(wrong, bytes, "stats"), Catch::Contains("mean is 3 x 1, expected 2 x 1"));
}

TEST_CASE("NormalizeObservation standardizes with running statistics, frozen for evaluation", "[envs][wrappers]") {
  NormalizeObservation<CartPole> env(CartPole{});
  CartPole raw;
  ac::RunningMeanStd reference(4);
  auto check = [&](const CartPole::Observation& normalized, const CartPole::Observation& o) {
    reference.update(o);
    for (int i = 0; i < 4; ++i) {
      const double z = (double(o(i)) - reference.mean()(i)) / std::sqrt(reference.var()(i) + 1e-8);
      REQUIRE(normalized(i) == static_cast<float>(std::clamp(z, -10.0, 10.0)));
    }
  };
  check(env.reset(5), raw.reset(5));
  for (int t = 0; t < 30; ++t) {
    const auto r = env.step(t % 2);
    const auto s = raw.step(t % 2);
    check(r.observation, s.observation);
    if (s.terminated) break;
  }
  env.set_training(false);
  const double count = env.statistics().count();
  const auto o = env.reset(6);
  CHECK(env.statistics().count() == count);
  CHECK(o == env.apply(raw.reset(6)));
}

TEST_CASE("NormalizeReward scales by the std of the discounted return (SB3)", "[envs][wrappers]") {
  NormalizeReward<MountainCar> env(MountainCar{}, {.gamma = 0.9});
  ac::RunningMeanStd reference(1);
  double ret = 0.0;
  env.reset(0);
  for (int t = 0; t < 200; ++t) {
    const auto r = env.step(2);
    ret = ret * 0.9 + (-1.0);
    reference.update(Eigen::Matrix<double, 1, 1>(ret));
    REQUIRE(r.reward == Approx(std::clamp(-1.0 / std::sqrt(reference.var()(0) + 1e-8), -10.0, 10.0)).epsilon(1e-14));
    if (r.terminated || r.truncated) break;
  }
  CHECK_THROWS_WITH(NormalizeReward<MountainCar>(MountainCar{}, {.gamma = 0.0}), Catch::Contains("gamma"));
}

TEST_CASE("ClipAction and RescaleAction transform actions before the environment", "[envs][wrappers]") {
  // MountainCarContinuous charges 0.1·a² on the action it receives: clipping is visible in the reward.
  ClipAction<MountainCarContinuous> clipped(MountainCarContinuous{});
  clipped.reset(0);
  CHECK(clipped.step(vec({2.5f})).reward == Approx(-0.1));
  CHECK(std::isinf(clipped.action_space().high(0)));

  RescaleAction<Pendulum> rescaled(Pendulum{}, -1.0f, 1.0f);
  Pendulum direct;
  rescaled.reset(1);
  direct.reset(1);
  const auto a = rescaled.step(vec({0.5f}));
  const auto b = direct.step(vec({1.0f}));  // 0.5 in [-1, 1] is 1.0 in [-2, 2]
  CHECK(a.observation == b.observation);
  CHECK(a.reward == b.reward);
  CHECK(rescaled.action_space().describe() == "Box(-1, 1, (1,))");
  CHECK_THROWS_WITH((RescaleAction<SingleStateBandit>(SingleStateBandit{})), Catch::Contains("must be bounded"));
}

TEST_CASE("TimeLimit and EpisodeStatistics", "[envs][wrappers]") {
  EpisodeStatistics<TimeLimit<Pendulum>> env(TimeLimit<Pendulum>(Pendulum{}, 7), 3);
  CHECK(env.max_episode_steps() == 7);
  for (int episode = 0; episode < 5; ++episode) {
    env.reset(std::uint64_t(episode));
    double sum = 0;
    for (int t = 1; t <= 7; ++t) {
      const auto r = env.step(vec({0.0f}));
      sum += r.reward;
      CHECK(r.truncated == (t == 7));
    }
    CHECK(env.episodes().recent(0).episode_return == sum);
    CHECK(env.episodes().recent(0).length == 7);
  }
  CHECK(env.episodes().total() == 5);
  CHECK(env.episodes().size() == 3);  // the window
}
