// The generator against numpy's SeedSequence → PCG64 → random() test vectors,
// and the normal and integer samplers against their distributions.
#include <actorcritic/core/generator.hpp>
#include <catch2/catch.hpp>

#include <support/reference_data.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

ac::uint128_t parse_u128(const std::string& decimal) {
  ac::uint128_t value = 0;
  for (const char c : decimal) value = value * 10 + static_cast<unsigned>(c - '0');
  return value;
}

const std::string& rng_json() {
  static const std::string json = ac::test::slurp(ac::test::data_path("rng_pcg64_seed0.json"));
  return json;
}

}  // namespace

TEST_CASE("SeedSequence(0).generate_state(4, uint64) equals numpy", "[core][random]") {
  const auto expected = ac::test::json_string_array(rng_json(), "seedsequence_generate_state_4xuint64");
  REQUIRE(expected.size() == 4);
  const auto words = ac::SeedSequence(0).generate_state_u64(4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(words[i] == std::stoull(expected[i]));
}

TEST_CASE("PCG64 seeded from SeedSequence(0) has numpy's state and increment", "[core][random]") {
  const ac::Pcg64 bits(0);
  CHECK(bits.state() == parse_u128(ac::test::json_string(rng_json(), "pcg64_state")));
  CHECK(bits.increment() == parse_u128(ac::test::json_string(rng_json(), "pcg64_inc")));
}

TEST_CASE("PCG64 raw outputs and random() doubles equal numpy's for seed 0", "[core][random]") {
  const auto raw = ac::test::json_string_array(rng_json(), "first8_random_raw_uint64");
  const auto doubles = ac::test::json_string_array(rng_json(), "first8_random_double");
  REQUIRE(raw.size() == 8);
  REQUIRE(doubles.size() == 8);
  ac::Pcg64 bits(0);
  for (const auto& word : raw) CHECK(bits() == std::stoull(word));
  ac::Generator rng(0);
  for (const auto& text : doubles) CHECK(rng.uniform() == std::strtod(text.c_str(), nullptr));
}

TEST_CASE("uniform(low, high) reproduces Gymnasium's reset states exactly", "[core][random]") {
  SECTION("CartPole-v1: four draws from U(-0.05, 0.05)") {
    const auto csv = ac::test::read_csv(ac::test::data_path("CartPole-v1__formula__seed0.csv"));
    ac::Generator rng(0);
    for (const char* name : {"state_x", "state_x_dot", "state_theta", "state_theta_dot"}) {
      CHECK(rng.uniform(-0.05, 0.05) == csv.number(0, name));
    }
  }
  SECTION("MountainCar-v0: U(-0.6, -0.4), where high - low is 0.19999999999999996") {
    const auto csv = ac::test::read_csv(ac::test::data_path("MountainCar-v0__formula__seed0.csv"));
    ac::Generator rng(0);
    CHECK(rng.uniform(-0.6, -0.4) == csv.number(0, "state_position"));
  }
}

TEST_CASE("same seed gives identical bits; different seeds differ", "[core][random]") {
  ac::Generator a(42), b(42), c(43);
  ac::Generator a_copy = a;
  std::vector<double> from_a, from_b, from_c;
  for (int i = 0; i < 1000; ++i) {
    from_a.push_back(a.normal());
    from_b.push_back(b.normal());
    from_c.push_back(c.normal());
  }
  CHECK(from_a == from_b);
  CHECK(from_a != from_c);
  CHECK(a == b);
  // A copy continues the same stream, including a cached spare normal.
  for (double value : from_a) REQUIRE(a_copy.normal() == value);
  SECTION("a 64-bit seed uses both words of entropy") {
    CHECK(ac::Generator(std::uint64_t{1} << 32).next_u64() != ac::Generator(0).next_u64());
    CHECK(ac::Generator(std::uint64_t{1} << 32).next_u64() != ac::Generator(1).next_u64());
  }
}

TEST_CASE("normal() has mean 0, variance 1 and normal tail mass", "[core][random]") {
  ac::Generator rng(2024);
  constexpr int n = 400'000;
  double sum = 0, sum_sq = 0, sum_4 = 0;
  int within_one = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum_sq += z * z;
    sum_4 += z * z * z * z;
    within_one += std::abs(z) < 1.0;
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  // 5-sigma bounds: sd(mean) = 1/sqrt(n); sd(variance) = sqrt(2/n); sd(E z^4) = sqrt(96/n).
  CHECK(std::abs(mean) < 5.0 / std::sqrt(n));
  CHECK(std::abs(variance - 1.0) < 5.0 * std::sqrt(2.0 / n));
  CHECK(std::abs(sum_4 / n - 3.0) < 5.0 * std::sqrt(96.0 / n));
  const double p = 0.682689492137086;  // P(|Z| < 1)
  CHECK(std::abs(within_one / double(n) - p) < 5.0 * std::sqrt(p * (1 - p) / n));

  const double shifted = ac::Generator(1).normal(3.0, 0.5);
  CHECK(shifted == 3.0 + 0.5 * ac::Generator(1).normal());
}

TEST_CASE("integer(n) is uniform on [0, n) and rejects n = 0", "[core][random]") {
  ac::Generator rng(5);
  constexpr int n = 6, draws = 60'000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const auto k = rng.integer(n);
    REQUIRE(k < static_cast<std::uint64_t>(n));
    ++counts[k];
  }
  double chi2 = 0;
  for (const int c : counts) chi2 += (c - draws / double(n)) * (c - draws / double(n)) / (draws / double(n));
  CHECK(chi2 < 20.5);  // chi-square, 5 degrees of freedom: P(X > 20.5) ≈ 0.001
  CHECK_THROWS_WITH(rng.integer(0), Catch::Contains("n > 0"));
}

TEST_CASE("fill_uniform and fill_normal fill in storage order", "[core][random]") {
  ac::Matrix<double> m(3, 2);
  ac::Generator a(9), b(9);
  a.fill_uniform(m, -1.0, 1.0);
  for (ac::Index j = 0; j < 2; ++j) {
    for (ac::Index i = 0; i < 3; ++i) CHECK(m(i, j) == b.uniform(-1.0, 1.0));
  }
  ac::Matrix<float> f(2, 2);
  a.fill_normal(f, 1.0, 2.0);
  for (ac::Index j = 0; j < 2; ++j) {
    for (ac::Index i = 0; i < 2; ++i) CHECK(f(i, j) == static_cast<float>(b.normal(1.0, 2.0)));
  }
}
