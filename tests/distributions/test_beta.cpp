// The Beta distribution against independent computations: the density from
// the C library's lgamma, its normalization by numeric integration, the
// sampler's mean and variance against the closed forms, the closed-form
// entropy and KL against Monte-Carlo estimates over its own samples, central
// finite differences of every gradient, the Fisher product against the
// finite-difference Hessian of KL, and saturated parameters and actions at the
// ends of (0, 1).
#include <actorcritic/distributions/beta.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <support/distribution_battery.hpp>
#include <support/gradient_check.hpp>

using ac::Beta;
using ac::Index;
using ac::Matrix;
using ac::test::normal_matrix;

namespace {

Beta<double> beta_from(const Matrix<double>& stacked) {
  Beta<double> d;
  d.set_parameters(stacked);
  return d;
}

double softplus_reference(double z) { return std::log1p(std::exp(z)); }  // for the moderate z drawn here

}  // namespace

TEST_CASE("Beta: α, β = 1 + softplus(z), the density from lgamma, and it integrates to 1", "[distributions][beta]") {
  ac::Generator rng(61);
  const Index d = 2, b = 4;
  const Matrix<double> za = normal_matrix(d, b, rng), zb = normal_matrix(d, b, rng);
  const Beta<double> p(za, zb);
  Matrix<double> x(d, b);
  ac::Generator draws(62);
  draws.fill_uniform(x, 0.01, 0.99);
  Matrix<double> lp(1, b);
  p.log_prob(x, lp);
  for (Index j = 0; j < b; ++j) {
    double direct = 0;
    for (Index i = 0; i < d; ++i) {
      const double a = 1 + softplus_reference(za(i, j)), bb = 1 + softplus_reference(zb(i, j));
      CHECK(p.alpha()(i, j) == Approx(a).epsilon(1e-14));
      CHECK(p.beta()(i, j) == Approx(bb).epsilon(1e-14));
      direct += (a - 1) * std::log(x(i, j)) + (bb - 1) * std::log(1 - x(i, j)) - std::lgamma(a) - std::lgamma(bb) +
                std::lgamma(a + bb);
    }
    CHECK(lp(0, j) == Approx(direct).epsilon(1e-12));
  }
  // One dimension, strongly skewed: ∫_0^1 p(x) dx = 1 by the midpoint rule.
  const Beta<double> one(Matrix<double>::Constant(1, 1, 2.5), Matrix<double>::Constant(1, 1, -1.0));
  const int cells = 200'000;
  double integral = 0;
  Matrix<double> xx(1, 1), l(1, 1);
  for (int k = 0; k < cells; ++k) {
    xx(0, 0) = (k + 0.5) / cells;
    one.log_prob(xx, l);
    integral += std::exp(l(0, 0)) / cells;
  }
  CHECK(integral == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("Beta: samples have the closed-form mean and variance; entropy and KL match Monte-Carlo estimates",
          "[distributions][beta]") {
  ac::Generator rng(63);
  // Near-uniform, symmetric and peaked, skewed each way, and both concentrations large.
  Matrix<double> za(1, 5), zb(1, 5);
  za << -3.0, 2.0, 4.0, -1.0, 6.0;
  zb << -3.0, 2.0, -1.0, 3.0, 5.0;
  const Beta<double> p(za, zb), q(za + normal_matrix(1, 5, rng, 0.5), zb + normal_matrix(1, 5, rng, 0.5));
  Matrix<double> h(1, 5), kl(1, 5);
  p.entropy(h);
  p.kl(q, kl);
  constexpr int draws = 200'000;
  Matrix<double> x(1, 5), lp(1, 5), lq(1, 5);
  Matrix<double> x_sum = Matrix<double>::Zero(1, 5), x_sq = x_sum, h_sum = x_sum, h_sq = x_sum, kl_sum = x_sum,
                 kl_sq = x_sum;
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, x);
    REQUIRE((x.array() > 0 && x.array() < 1).all());
    p.log_prob(x, lp);
    q.log_prob(x, lq);
    x_sum += x;
    x_sq += x.cwiseProduct(x);
    h_sum -= lp;
    h_sq += lp.cwiseProduct(lp);
    kl_sum += lp - lq;
    kl_sq += (lp - lq).cwiseProduct(lp - lq);
  }
  for (Index j = 0; j < 5; ++j) {
    const double a = p.alpha()(0, j), b = p.beta()(0, j), s = a + b;
    const double mean = a / s, variance = a * b / (s * s * (s + 1));
    const double m = x_sum(0, j) / draws, v = x_sq(0, j) / draws - m * m;
    INFO("column " << j << ": α " << a << ", β " << b << "; sample mean " << m << ", variance " << v);
    CHECK(std::abs(m - mean) < 5 * std::sqrt(variance / draws));
    CHECK(v == Approx(variance).epsilon(0.02));
    const double h_mean = h_sum(0, j) / draws, kl_mean = kl_sum(0, j) / draws;
    const double h_se = std::sqrt((h_sq(0, j) / draws - h_mean * h_mean) / draws);
    const double kl_se = std::sqrt((kl_sq(0, j) / draws - kl_mean * kl_mean) / draws);
    INFO("closed-form H " << h(0, j) << ", Monte-Carlo " << h_mean << " ± " << h_se);
    CHECK(std::abs(h(0, j) - h_mean) < 5 * h_se);
    INFO("KL " << kl(0, j) << ", Monte-Carlo " << kl_mean << " ± " << kl_se);
    CHECK(std::abs(kl(0, j) - kl_mean) < 5 * kl_se);
  }
  Matrix<double> self(1, 5);
  p.kl(p, self);
  CHECK(self.cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("Beta: every gradient against finite differences, the Fisher product against the Hessian of KL",
          "[distributions][beta]") {
  ac::Generator rng(64);
  const Index d = 3, b = 4;
  const Matrix<double> p_params = normal_matrix(2 * d, b, rng, 1.5), q_params = normal_matrix(2 * d, b, rng, 1.5);
  Matrix<double> x(d, b);
  rng.fill_uniform(x, 0.02, 0.98);
  const Matrix<double> w = normal_matrix(1, b, rng);
  const Matrix<double> dir = normal_matrix(2 * d, b, rng);
  ac::test::check_distribution_gradients(from, p_params, q_params, x, w, dir, 1e-7);
  // The Fisher product couples z_α and z_β: one off-diagonal entry against a mixed second difference.
  const auto p = beta_from(p_params);
  Matrix<double> metric(2 * d, b), kl(1, b);
  const auto f = [&](const Matrix<double>& params) {
    p.kl(beta_from(params), kl);
    return kl.sum();
  };
  const double h = 1e-4;
  Matrix<double> e_alpha = Matrix<double>::Zero(2 * d, b), e_beta = e_alpha;
  e_alpha(1, 2) = 1;
  e_beta(d + 1, 2) = 1;
  p.fisher_product(e_alpha, metric);
  const double mixed = (f(p_params + h * (e_alpha + e_beta)) - f(p_params + h * (e_alpha - e_beta)) -
                        f(p_params - h * (e_alpha - e_beta)) + f(p_params - h * (e_alpha + e_beta))) /
                       (4 * h * h);
  CHECK(metric(d + 1, 2) == Approx(mixed).epsilon(1e-5));
  CHECK(metric(d + 1, 2) < 0);  // −σ(z_α) σ(z_β) ψ'(α + β)
}

TEST_CASE("Beta: saturated parameters and actions at the ends of the interval stay finite",
          "[distributions][beta][extreme]") {
  Matrix<float> za(1, 4), zb(1, 4), x(1, 4);
  za << 80.0f, -80.0f, 0.0f, 30.0f;
  zb << -80.0f, 80.0f, 0.0f, 30.0f;
  x << 1.0f, 0.0f, 0.0f, 1.0f;  // the ends themselves: read as the nearest interior points
  const Beta<float> p(za, zb);
  Matrix<float> lp(1, 4), h(1, 4), grad(2, 4), mode(1, 4), sample(1, 4), kl(1, 4);
  p.log_prob(x, lp);
  CHECK(lp.allFinite());
  p.entropy(h);
  CHECK(h.allFinite());
  p.entropy_gradient(Matrix<float>::Ones(1, 4), grad);
  CHECK(grad.allFinite());
  p.log_prob_gradient(x, Matrix<float>::Ones(1, 4), grad);
  CHECK(grad.allFinite());
  p.kl(Beta<float>(zb, za), kl);
  CHECK(kl.allFinite());
  p.mode(mode);
  CHECK((mode.array() > 0.0f && mode.array() < 1.0f).all());
  CHECK(mode(0, 0) > 0.999f);  // α ≫ β: the mass sits at 1
  CHECK(mode(0, 1) < 0.001f);
  CHECK(mode(0, 2) == 0.5f);
  ac::Generator rng(65);
  for (int k = 0; k < 1000; ++k) {
    p.sample(rng, sample);
    REQUIRE((sample.array() > 0.0f && sample.array() < 1.0f).all());
  }
}

TEST_CASE("Beta: bad input is an error naming the argument", "[distributions][beta][errors]") {
  const Matrix<float> z = Matrix<float>::Zero(2, 3);
  CHECK_THROWS_WITH(Beta<float>(z, Matrix<float>::Zero(2, 2)), Catch::Contains("beta_logits"));
  Matrix<float> bad = z;
  bad(1, 1) = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(Beta<float>(bad, z), Catch::Contains("finite"));
  const Beta<float> p(z, z);
  Matrix<float> x = Matrix<float>::Constant(2, 3, 0.5f), lp(1, 3);
  x(0, 2) = 1.5f;
  CHECK_THROWS_WITH(p.log_prob(x, lp), Catch::Contains("expected values in [0, 1]"));
  x(0, 2) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(p.log_prob(x, lp), Catch::Contains("x:"));
  Beta<float> s;
  CHECK_THROWS_WITH(s.set_parameters(Matrix<float>::Zero(3, 2)), Catch::Contains("even number of rows"));
}
