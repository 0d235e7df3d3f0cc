// Return and advantage kernels against naive double-precision loops written
// from the definitions, on random rollouts with random terminated/truncated
// patterns, plus hand-computed GAE cases in the style of SB3's test_gae.py.
#include <actorcritic/core/generator.hpp>
#include <actorcritic/kernels/advantages.hpp>
#include <actorcritic/kernels/importance.hpp>
#include <actorcritic/kernels/normalization.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using ac::Index;
using ac::Matrix;

namespace {

struct Rollout {
  Matrix<double> rewards, values, next_values, terminated, ended, log_ratios;
};

// Random rollout: ~8% of steps terminate, ~5% truncate (never both flagged as
// truncation-only when terminated). next_values follow values within episodes.
Rollout random_rollout(Index n, Index t, std::uint64_t seed) {
  ac::Generator rng(seed);
  Rollout r;
  r.rewards.resize(n, t);
  r.values.resize(n, t);
  r.next_values.resize(n, t);
  r.terminated.resize(n, t);
  r.ended.resize(n, t);
  r.log_ratios.resize(n, t);
  rng.fill_normal(r.rewards);
  rng.fill_normal(r.values);
  rng.fill_normal(r.log_ratios, 0.0, 0.3);
  for (Index j = 0; j < t; ++j) {
    for (Index i = 0; i < n; ++i) {
      const double u = rng.uniform();
      r.terminated(i, j) = u < 0.08 ? 1.0 : 0.0;
      r.ended(i, j) = u < 0.13 ? 1.0 : 0.0;  // 0.08..0.13: truncated
      // Within an episode the next value is the next step's value; at an end it is
      // V(final observation), an unrelated number.
      r.next_values(i, j) = (j + 1 < t && r.ended(i, j) == 0.0) ? 0.0 : rng.normal();
    }
  }
  for (Index j = 0; j + 1 < t; ++j) {
    for (Index i = 0; i < n; ++i) {
      if (r.ended(i, j) == 0.0) r.next_values(i, j) = r.values(i, j + 1);
    }
  }
  return r;
}

// Naive references, one env (row) at a time, straight from the definitions.
double naive_gae(const Rollout& r, Index e, Index t, double gamma, double lambda) {
  double total = 0, weight = 1;
  for (Index u = t; u < r.rewards.cols(); ++u) {
    const double delta = r.rewards(e, u) + gamma * (1 - r.terminated(e, u)) * r.next_values(e, u) - r.values(e, u);
    total += weight * delta;
    if (r.ended(e, u) == 1.0) break;
    weight *= gamma * lambda;
  }
  return total;
}

double naive_return(const Rollout& r, Index e, Index t, double gamma, Index horizon) {
  double total = 0, discount = 1;
  for (Index u = t;; ++u) {
    total += discount * r.rewards(e, u);
    discount *= gamma;
    const bool stop = r.ended(e, u) == 1.0 || u + 1 == r.rewards.cols() || u + 1 - t == horizon;
    if (stop) return total + discount * (r.terminated(e, u) == 1.0 ? 0.0 : r.next_values(e, u));
  }
}

}  // namespace

TEST_CASE("GAE, returns, n-step and TD residuals match naive loops", "[kernels][advantages]") {
  const Index n = GENERATE(1, 3, 8);
  const Index t = GENERATE(1, 5, 64);
  const Rollout r = random_rollout(n, t, static_cast<std::uint64_t>(n * 100 + t));
  const double gamma = 0.97, lambda = 0.9;
  INFO("N " << n << " T " << t);

  Matrix<double> adv(n, t), ret(n, t), nstep(n, t), td(n, t);
  ac::kernels::gae(r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, lambda, adv);
  ac::kernels::discounted_returns(r.rewards, r.next_values, r.terminated, r.ended, gamma, ret);
  ac::kernels::td_residuals(r.rewards, r.values, r.next_values, r.terminated, gamma, td);
  for (Index e = 0; e < n; ++e) {
    for (Index s = 0; s < t; ++s) {
      REQUIRE(adv(e, s) == Approx(naive_gae(r, e, s, gamma, lambda)).margin(1e-12));
      REQUIRE(ret(e, s) == Approx(naive_return(r, e, s, gamma, t + 1)).margin(1e-12));
      REQUIRE(td(e, s) == Approx(naive_gae(r, e, s, gamma, 0.0)).margin(1e-12));
    }
  }
  for (const Index horizon : {Index(1), Index(3), t + 5}) {
    ac::kernels::n_step_returns(r.rewards, r.next_values, r.terminated, r.ended, gamma, horizon, nstep);
    for (Index e = 0; e < n; ++e) {
      for (Index s = 0; s < t; ++s) REQUIRE(nstep(e, s) == Approx(naive_return(r, e, s, gamma, horizon)).margin(1e-12));
    }
  }
  // GAE with λ = 1 is the Monte-Carlo return minus the value.
  ac::kernels::gae(r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, 1.0, adv);
  CHECK(((adv + r.values) - ret).cwiseAbs().maxCoeff() < 1e-12);

  // float inputs give the same numbers to float precision
  Matrix<float> advf(n, t);
  ac::kernels::gae(r.rewards.cast<float>(), r.values.cast<float>(), r.next_values.cast<float>(),
                   r.terminated.cast<float>(), r.ended.cast<float>(), 0.97f, 0.9f, advf);
  ac::kernels::gae(r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, lambda, adv);
  CHECK((advf.cast<double>() - adv).cwiseAbs().maxCoeff() < 1e-4 * (1 + adv.cwiseAbs().maxCoeff()));
}

TEST_CASE("GAE by hand: termination, truncation in the middle and at the rollout end", "[kernels][advantages]") {
  // One env, four steps, γ = 0.5, λ = 0.5, rewards 1, values 0 except as noted.
  const double g = 0.5, l = 0.5;
  Matrix<double> rewards = Matrix<double>::Ones(1, 4), values = Matrix<double>::Zero(1, 4);
  Matrix<double> next_values = Matrix<double>::Zero(1, 4), terminated = Matrix<double>::Zero(1, 4);
  Matrix<double> ended = Matrix<double>::Zero(1, 4), adv(1, 4);

  SECTION("no episode end, bootstrap V = 2 at the end of the rollout") {
    next_values(0, 3) = 2.0;
    ac::kernels::gae(rewards, values, next_values, terminated, ended, g, l, adv);
    // δ = 1, 1, 1, 1 + 0.5·2 = 2;  A3 = 2, A2 = 1 + 0.25·2 = 1.5, A1 = 1 + 0.25·1.5 = 1.375, A0 = 1.34375
    CHECK(adv(0, 3) == 2.0);
    CHECK(adv(0, 2) == 1.5);
    CHECK(adv(0, 1) == 1.375);
    CHECK(adv(0, 0) == 1.34375);
  }
  SECTION("terminated at step 1: nothing is bootstrapped or carried across it") {
    terminated(0, 1) = ended(0, 1) = 1.0;
    next_values(0, 1) = 100.0;  // V(final obs) must be ignored on termination
    next_values(0, 3) = 2.0;
    ac::kernels::gae(rewards, values, next_values, terminated, ended, g, l, adv);
    CHECK(adv(0, 1) == 1.0);
    CHECK(adv(0, 0) == 1.25);  // 1 + 0.25·1
    CHECK(adv(0, 2) == 1.5);
  }
  SECTION("truncated at step 1: bootstrap from the final observation's value, no carry") {
    ended(0, 1) = 1.0;
    next_values(0, 1) = 4.0;  // V(final obs of the truncated episode)
    values(0, 2) = 3.0;       // first value of the next episode: must not leak back
    next_values(0, 3) = 2.0;
    ac::kernels::gae(rewards, values, next_values, terminated, ended, g, l, adv);
    // δ1 = 1 + 0.5·4 − 0 = 3 → A1 = 3;  A0 = δ0 + 0.25·3 with δ0 = 1 + 0.5·V(s1) = 1 + 0.5·next_values(0,0) = 1
    CHECK(adv(0, 1) == 3.0);
    CHECK(adv(0, 0) == 1.75);
    // δ2 = 1 + 0 − 3 = −2; A2 = −2 + 0.25·A3, A3 = 1 + 0.5·2 = 2 → A2 = −1.5
    CHECK(adv(0, 2) == -1.5);
  }
  SECTION("truncated on the last step of the rollout") {
    ended(0, 3) = 1.0;
    next_values(0, 3) = 2.0;
    ac::kernels::gae(rewards, values, next_values, terminated, ended, g, l, adv);
    CHECK(adv(0, 3) == 2.0);  // same as an unended rollout end: bootstrap either way
  }
  CHECK_THROWS_WITH(ac::kernels::gae(rewards, values, Matrix<double>::Zero(2, 4), terminated, ended, g, l, adv),
                    "gae: next_values: expected a 1x4 matrix, got 2x4");
}

TEST_CASE("advantage normalization and explained variance", "[kernels][normalization]") {
  ac::Generator rng(3);
  Matrix<float> a(4, 16);
  rng.fill_normal(a, 5.0, 2.0);
  Matrix<double> reference = a.cast<double>();
  ac::kernels::normalize_advantages(a);
  const double mean = reference.mean();
  const double std = std::sqrt((reference.array() - mean).square().sum() / (reference.size() - 1));
  CHECK(((reference.array() - mean) / (std + 1e-8) - a.cast<double>().array()).abs().maxCoeff() < 1e-5);
  CHECK(std::abs(a.mean()) < 1e-5);

  Matrix<double> y(1, 5), yhat(1, 5);
  y << 1, 2, 3, 4, 5;
  yhat << 1, 2, 3, 4, 5;
  CHECK(ac::kernels::explained_variance(yhat, y) == 1.0);
  yhat.setConstant(3.0);
  CHECK(ac::kernels::explained_variance(yhat, y) == Approx(0.0).margin(1e-15));
  yhat << 2, 3, 4, 5, 6;  // off by a constant: the residual has no variance
  CHECK(ac::kernels::explained_variance(yhat, y) == 1.0);
  yhat << 5, 4, 3, 2, 1;  // var(y − ŷ) = 4 var(y)
  CHECK(ac::kernels::explained_variance(yhat, y) == Approx(-3.0));
  CHECK(std::isnan(ac::kernels::explained_variance(yhat, Matrix<double>::Ones(1, 5))));
}

TEST_CASE("importance ratios, per-decision log products and truncation", "[kernels][importance]") {
  const Index n = GENERATE(1, 4), t = GENERATE(3, 40);
  const Rollout r = random_rollout(n, t, 77 + static_cast<std::uint64_t>(n + t));
  Matrix<double> log_new = r.rewards, log_old = r.values;  // any two log-prob matrices
  Matrix<double> ratios(n, t), cumulative(n, t), truncated(n, t);
  ac::kernels::importance_ratios(log_new, log_old, ratios);
  ac::kernels::cumulative_log_ratios(r.log_ratios, r.ended, cumulative);
  ac::kernels::truncated_ratios(r.log_ratios, 1.0, truncated);
  for (Index e = 0; e < n; ++e) {
    double product = 1.0;
    for (Index s = 0; s < t; ++s) {
      if (s > 0 && r.ended(e, s - 1) == 1.0) product = 1.0;
      product *= std::exp(r.log_ratios(e, s));
      REQUIRE(ratios(e, s) == Approx(std::exp(log_new(e, s) - log_old(e, s))));
      REQUIRE(std::exp(cumulative(e, s)) == Approx(product).epsilon(1e-12));
      REQUIRE(truncated(e, s) == Approx(std::min(1.0, std::exp(r.log_ratios(e, s)))));
    }
  }
}

TEST_CASE("V-trace matches its definition as a sum", "[kernels][importance]") {
  const Index n = GENERATE(1, 5), t = GENERATE(1, 30);
  const Rollout r = random_rollout(n, t, 5 + static_cast<std::uint64_t>(n * t));
  const double gamma = 0.95, rho_bar = 1.0, c_bar = 0.9;
  Matrix<double> vs(n, t), pg(n, t);
  ac::kernels::vtrace(r.log_ratios, r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, rho_bar, c_bar,
                      vs, pg);
  for (Index e = 0; e < n; ++e) {
    for (Index s = 0; s < t; ++s) {
      // v_s = V(x_s) + Σ_{u ≥ s} γ^{u−s} (Π_{i=s}^{u−1} c_i) δ_u, within the episode (Espeholt et al. eq. 1).
      double total = r.values(e, s), weight = 1.0;
      for (Index u = s; u < t; ++u) {
        const double rho = std::min(rho_bar, std::exp(r.log_ratios(e, u)));
        const double delta =
            rho * (r.rewards(e, u) + gamma * (1 - r.terminated(e, u)) * r.next_values(e, u) - r.values(e, u));
        total += weight * delta;
        if (r.ended(e, u) == 1.0) break;
        weight *= gamma * std::min(c_bar, std::exp(r.log_ratios(e, u)));
      }
      REQUIRE(vs(e, s) == Approx(total).margin(1e-12));
      const bool boundary = r.ended(e, s) == 1.0 || s + 1 == t;
      const double next = boundary ? r.next_values(e, s) : vs(e, s + 1);
      const double rho = std::min(rho_bar, std::exp(r.log_ratios(e, s)));
      REQUIRE(pg(e, s) ==
              Approx(rho * (r.rewards(e, s) + gamma * (1 - r.terminated(e, s)) * next - r.values(e, s))).margin(1e-12));
    }
  }
  // With on-policy data (ρ = 1) and c̄ = ρ̄ = 1, V-trace targets are GAE(λ = 1) returns.
  Matrix<double> zeros = Matrix<double>::Zero(n, t), adv(n, t);
  ac::kernels::vtrace(zeros, r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, 1.0, 1.0, vs, pg);
  ac::kernels::gae(r.rewards, r.values, r.next_values, r.terminated, r.ended, gamma, 1.0, adv);
  CHECK(((vs - r.values) - adv).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("10,000-step ratio products stay finite in log space", "[kernels][importance][extreme]") {
  Matrix<double> log_ratios = Matrix<double>::Constant(2, 10'000, 0.5);
  log_ratios.row(1).setConstant(-0.5);
  Matrix<double> ended = Matrix<double>::Zero(2, 10'000), cumulative(2, 10'000), truncated(2, 10'000);
  ac::kernels::cumulative_log_ratios(log_ratios, ended, cumulative);
  CHECK(cumulative.allFinite());
  CHECK(cumulative(0, 9999) == Approx(5000.0));  // exp(5000) overflows; its log does not
  CHECK(cumulative(1, 9999) == Approx(-5000.0));
  ac::kernels::truncated_ratios(cumulative, 1.0, truncated);
  CHECK(truncated.allFinite());
  CHECK(truncated(0, 9999) == 1.0);
  // exp(−5000): Eigen's vectorized exp clamps its argument near −709, giving
  // ~1e-308 rather than 0. Either way: tiny, non-negative, never NaN.
  CHECK(truncated(1, 9999) >= 0.0);
  CHECK(truncated(1, 9999) < 1e-300);
}
