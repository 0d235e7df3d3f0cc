// Every recorded Gymnasium trajectory in tests/data, replayed bit for bit:
// reset(seed=0) must give the recorded initial state and observation, and each
// recorded action must give the recorded float64 state, float32 observation,
// reward, terminated and truncated exactly. This file is compiled three times
// (see tests/CMakeLists.txt): with the project's Release flags, at -O0, and
// with -O3 -march=native and FMA contraction enabled, as a user might.
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <catch2/catch.hpp>

#include <support/reference_data.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

struct Columns {
  std::vector<std::size_t> obs, state;
};

Columns columns_of(const ac::test::Csv& csv) {
  Columns c;
  for (std::size_t i = 0; i < csv.header.size(); ++i) {
    if (csv.header[i].rfind("obs_", 0) == 0) c.obs.push_back(i);
    if (csv.header[i].rfind("state_", 0) == 0 && csv.header[i] != "state_dtype") c.state.push_back(i);
  }
  return c;
}

double cell(const ac::test::Csv& csv, std::size_t row, std::size_t column) {
  return std::strtod(csv.rows[row][column].c_str(), nullptr);
}

template <class E>
typename E::Action parse_action(const std::string& text) {
  if constexpr (std::is_integral_v<typename E::Action>) {
    return std::stoll(text);
  } else {
    Eigen::VectorXf action(1);
    action(0) = static_cast<float>(std::strtod(text.c_str(), nullptr));  // float32 exactly as recorded
    return action;
  }
}

// Compares one row exactly; returns the number of mismatching values (and reports them).
template <class E, class Observation>
int compare_row(const ac::test::Csv& csv, const Columns& cols, std::size_t row, const E& env,
                const Observation& obs) {
  int mismatches = 0;
  for (std::size_t k = 0; k < cols.obs.size(); ++k) {
    const float expected = static_cast<float>(cell(csv, row, cols.obs[k]));
    if (obs(static_cast<ac::Index>(k)) != expected) {
      ++mismatches;
      UNSCOPED_INFO("row " << row << " " << csv.header[cols.obs[k]] << ": got " << obs(k) << " expected "
                           << expected);
    }
  }
  const Eigen::VectorXd state = env.state();
  for (std::size_t k = 0; k < cols.state.size(); ++k) {
    const double expected = cell(csv, row, cols.state[k]);
    if (state(static_cast<ac::Index>(k)) != expected) {
      ++mismatches;
      UNSCOPED_INFO("row " << row << " " << csv.header[cols.state[k]] << ": got " << state(k) << " expected "
                           << expected);
    }
  }
  return mismatches;
}

template <class E>
void replay(const std::string& file) {
  const auto csv = ac::test::read_csv(ac::test::data_path(file));
  const Columns cols = columns_of(csv);
  REQUIRE(csv.rows.size() >= 2);
  E env;
  REQUIRE(env.id() == file.substr(0, file.find("__")));
  const auto first = env.reset(0);
  int mismatches = compare_row(csv, cols, 0, env, first);
  std::size_t flag_mismatches = 0;
  for (std::size_t t = 1; t < csv.rows.size(); ++t) {
    const auto result = env.step(parse_action<E>(csv.rows[t][csv.column("action")]));
    mismatches += compare_row(csv, cols, t, env, result.observation);
    if (result.reward != csv.number(t, "reward")) {
      ++mismatches;
      UNSCOPED_INFO("row " << t << " reward: got " << result.reward << " expected " << csv.number(t, "reward"));
    }
    flag_mismatches += result.terminated != (csv.number(t, "terminated") == 1.0);
    flag_mismatches += result.truncated != (csv.number(t, "truncated") == 1.0);
  }
  INFO(file << ": " << csv.rows.size() - 1 << " steps");
  CHECK(mismatches == 0);
  CHECK(flag_mismatches == 0);
  // The recording stops at the episode's end: stepping on must be refused.
  const auto& last = csv.rows.back();
  if (last[csv.column("terminated")] == "1" || last[csv.column("truncated")] == "1") {
    CHECK_THROWS_AS(env.step(parse_action<E>(csv.rows[1][csv.column("action")])), ac::UsageError);
  }

  // set_state from every recorded state reproduces the next recorded step.
  int set_state_mismatches = 0;
  E probe;
  for (std::size_t t = 0; t + 1 < csv.rows.size(); ++t) {
    Eigen::VectorXd state(static_cast<ac::Index>(cols.state.size()));
    for (std::size_t k = 0; k < cols.state.size(); ++k) state(static_cast<ac::Index>(k)) = cell(csv, t, cols.state[k]);
    probe.set_state(state);
    const auto result = probe.step(parse_action<E>(csv.rows[t + 1][csv.column("action")]));
    set_state_mismatches += compare_row(csv, cols, t + 1, probe, result.observation);
    set_state_mismatches += result.reward != csv.number(t + 1, "reward");
    if (result.terminated || result.truncated) probe.reset();  // the limit counts from set_state's episode
  }
  CHECK(set_state_mismatches == 0);
}

}  // namespace

TEST_CASE("CartPole-v1 replays Gymnasium exactly", "[envs][replay]") {
  replay<ac::envs::CartPole>("CartPole-v1__formula__seed0.csv");
  replay<ac::envs::CartPole>("CartPole-v1__heuristic__seed0.csv");
}

TEST_CASE("Pendulum-v1 replays Gymnasium exactly", "[envs][replay]") {
  replay<ac::envs::Pendulum>("Pendulum-v1__formula__seed0.csv");
  replay<ac::envs::Pendulum>("Pendulum-v1__heuristic__seed0.csv");
}

TEST_CASE("MountainCar-v0 replays Gymnasium exactly", "[envs][replay]") {
  replay<ac::envs::MountainCar>("MountainCar-v0__formula__seed0.csv");
  replay<ac::envs::MountainCar>("MountainCar-v0__heuristic__seed0.csv");
}

TEST_CASE("MountainCarContinuous-v0 replays Gymnasium exactly", "[envs][replay]") {
  replay<ac::envs::MountainCarContinuous>("MountainCarContinuous-v0__formula__seed0.csv");
  replay<ac::envs::MountainCarContinuous>("MountainCarContinuous-v0__heuristic__seed0.csv");
}

TEST_CASE("Acrobot-v1 replays Gymnasium exactly", "[envs][replay]") {
  replay<ac::envs::Acrobot>("Acrobot-v1__formula__seed0.csv");
  replay<ac::envs::Acrobot>("Acrobot-v1__heuristic__seed0.csv");
}

// Python's `x**2` (envs/strict_fp.hpp): python_square must be libm's pow(x, 2.0)
// bit for bit, including where x * x is not, and must take its exact fast path
// for most inputs (else it would be pow with extra work).
TEST_CASE("python_square is libm pow(x, 2.0) bit for bit", "[envs][replay][strict_fp]") {
  using ac::envs::detail::python_pow;
  using ac::envs::detail::python_square;
  using ac::envs::detail::square_where_pow_is_certain;
  const auto same = [](double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) || (std::isnan(a) && std::isnan(b));
  };
  std::size_t mismatches = 0, inputs = 0, fast = 0, product_differs = 0;
  const auto check = [&](double x) {
    ++inputs;
    const double expected = python_pow(x, 2.0);
    if (!same(python_square(x), expected)) {
      if (++mismatches <= 5) UNSCOPED_INFO("python_square(" << x << ") != pow(x, 2.0)");
    }
    fast += square_where_pow_is_certain(x).has_value();
    product_differs += !same(x * x, expected);
  };
  // The environments' range: angles, velocities and actions within ±20.
  std::mt19937_64 bits(2026);
  std::uniform_real_distribution<double> physics(-20.0, 20.0);
  for (int i = 0; i < 1'000'000; ++i) check(physics(bits));
  const double fast_share = static_cast<double>(fast) / static_cast<double>(inputs);
  CHECK(product_differs > 100);  // pow(x, 2.0) is not x * x: the inputs reach the hard cases
  CHECK(fast_share > 0.7);
  // Every magnitude: random bit patterns (with subnormals, ∞ and NaN), every
  // power of two and its neighbours, small integers, and the edges of the fast path.
  for (int i = 0; i < 1'000'000; ++i) check(std::bit_cast<double>(bits()));
  const double inf = std::numeric_limits<double>::infinity();
  for (int e = -1074; e <= 1023; ++e) {
    const double p = std::ldexp(1.0, e);
    for (const double x : {p, -p, std::nextafter(p, 0.0), std::nextafter(p, inf)}) check(x);
  }
  for (int n = 0; n <= 100'000; ++n) check(n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double x : {0.0, -0.0, inf, -inf, nan, 0x1p-450, 0x1p450, 2.0, -2.0, 0.1, 1e-300, 1e300}) check(x);
  INFO(inputs << " inputs, " << fast << " by the exact square, " << product_differs << " where pow(x, 2.0) != x * x");
  CHECK(mismatches == 0);
}
