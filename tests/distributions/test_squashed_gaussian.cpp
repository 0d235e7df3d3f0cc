// The tanh-squashed diagonal Gaussian against independent computations: the
// change-of-variables density computed directly (and by a finite-difference
// Jacobian), its normalization by numeric integration, the quadrature entropy
// against a Monte-Carlo estimate over many squashed samples, the KL against a
// Monte-Carlo estimate of E[log p(y) − log q(y)], central finite differences
// of every gradient, the Fisher product against the finite-difference Hessian
// of KL, and pre-squash samples far in the tails.
#include <actorcritic/distributions/squashed_gaussian.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <support/distribution_battery.hpp>
#include <support/gradient_check.hpp>

using ac::Index;
using ac::Matrix;
using ac::SquashedDiagGaussian;
using ac::test::normal_matrix;

namespace {

/// The squashed distribution from stacked parameters [μ; log σ].
SquashedDiagGaussian<double> from(const Matrix<double>& stacked) {
  SquashedDiagGaussian<double> d;
  d.set_parameters(stacked);
  return d;
}

}  // namespace

TEST_CASE("squashed Gaussian: the log-density is the change of variables, and it integrates to 1",
          "[distributions][squashed]") {
  ac::Generator rng(51);
  const Index d = 2, b = 5;
  const Matrix<double> mean = normal_matrix(d, b, rng), log_std = normal_matrix(d, b, rng, 0.5);
  const SquashedDiagGaussian<double> p(mean, log_std);
  const Matrix<double> u = normal_matrix(d, b, rng, 1.5);
  Matrix<double> lp(1, b);
  p.log_prob(u, lp);
  for (Index j = 0; j < b; ++j) {
    double direct = 0;
    for (Index i = 0; i < d; ++i) {
      const double s = std::exp(log_std(i, j)), z = (u(i, j) - mean(i, j)) / s;
      const double gaussian = -0.5 * z * z - std::log(s) - 0.5 * std::log(2 * std::numbers::pi);
      // dy/du by a central difference of tanh, independently of the closed form 1 − tanh².
      const double h = 1e-6, jacobian = (std::tanh(u(i, j) + h) - std::tanh(u(i, j) - h)) / (2 * h);
      direct += gaussian - std::log(jacobian);
    }
    // The difference quotient's rounding, ε / (h · dy/du) ≈ 1e-8 for the flattest slopes drawn here, bounds the margin.
    CHECK(lp(0, j) == Approx(direct).epsilon(1e-8).margin(1e-7));
  }
  // One dimension: ∫_{−1}^{1} p(y) dy = 1 by the midpoint rule in y (u = atanh y).
  const SquashedDiagGaussian<double> one(Matrix<double>::Constant(1, 1, 0.7), Matrix<double>::Constant(1, 1, -0.2));
  const int cells = 200'000;
  double integral = 0;
  Matrix<double> uu(1, 1), l(1, 1);
  for (int k = 0; k < cells; ++k) {
    const double y = -1.0 + (k + 0.5) * 2.0 / cells;
    uu(0, 0) = std::atanh(y);
    one.log_prob(uu, l);
    integral += std::exp(l(0, 0)) * 2.0 / cells;
  }
  CHECK(integral == Approx(1.0).epsilon(1e-4));
}

TEST_CASE("squashed Gaussian: the quadrature entropy and the KL against Monte-Carlo estimates",
          "[distributions][squashed]") {
  ac::Generator rng(52);
  // Narrow, wide, off-centre and saturated distributions, one per column.
  Matrix<double> mean(2, 4), log_std(2, 4), q_mean(2, 4), q_log_std(2, 4);
  mean << 0.0, 0.5, -1.5, 3.0,  //
      0.2, -0.3, 2.0, -0.1;
  log_std << -1.5, 0.0, 0.5, 1.0,  //
      -0.5, 0.3, -0.2, 1.5;
  q_mean = mean + normal_matrix(2, 4, rng, 0.5);
  q_log_std = log_std + normal_matrix(2, 4, rng, 0.3);
  const SquashedDiagGaussian<double> p(mean, log_std), q(q_mean, q_log_std);
  Matrix<double> h(1, 4), kl(1, 4);
  p.entropy(h);
  p.kl(q, kl);
  constexpr int draws = 200'000;
  Matrix<double> u(2, 4), lp(1, 4), lq(1, 4);
  Matrix<double> h_sum = Matrix<double>::Zero(1, 4), h_sq = h_sum, kl_sum = h_sum, kl_sq = h_sum;
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, u);
    p.log_prob(u, lp);
    q.log_prob(u, lq);
    h_sum -= lp;
    h_sq += lp.cwiseProduct(lp);
    kl_sum += lp - lq;
    kl_sq += (lp - lq).cwiseProduct(lp - lq);
  }
  for (Index j = 0; j < 4; ++j) {
    const double h_mean = h_sum(0, j) / draws, kl_mean = kl_sum(0, j) / draws;
    const double h_se = std::sqrt((h_sq(0, j) / draws - h_mean * h_mean) / draws);
    const double kl_se = std::sqrt((kl_sq(0, j) / draws - kl_mean * kl_mean) / draws);
    INFO("column " << j << ": quadrature H " << h(0, j) << ", Monte-Carlo " << h_mean << " ± " << h_se);
    CHECK(std::abs(h(0, j) - h_mean) < 5 * h_se);
    INFO("KL " << kl(0, j) << ", Monte-Carlo " << kl_mean << " ± " << kl_se);
    CHECK(std::abs(kl(0, j) - kl_mean) < 5 * kl_se);
  }
}

TEST_CASE("squashed Gaussian: every gradient against finite differences, the Fisher product against the Hessian",
          "[distributions][squashed]") {
  ac::Generator rng(53);
  const Index d = 3, b = 4;
  Matrix<double> p_params(2 * d, b), q_params(2 * d, b);
  p_params << normal_matrix(d, b, rng), normal_matrix(d, b, rng, 0.5);
  q_params << normal_matrix(d, b, rng), normal_matrix(d, b, rng, 0.5);
  const Matrix<double> u = normal_matrix(d, b, rng, 1.2), w = normal_matrix(1, b, rng);
  const Matrix<double> dir = normal_matrix(2 * d, b, rng);
  ac::test::check_distribution_gradients(from, p_params, q_params, u, w, dir, 1e-6);
}

TEST_CASE("squashed Gaussian: pre-squash samples far in the tails stay finite", "[distributions][squashed][extreme]") {
  Matrix<float> mean(1, 3), log_std(1, 3), u(1, 3);
  mean << 0.0f, 20.0f, -20.0f;
  log_std << 0.0f, 2.0f, -3.0f;
  u << 40.0f, 25.0f, -19.5f;  // tanh(u) rounds to ±1 in float: the naive log(1 − tanh²) would be −inf
  const SquashedDiagGaussian<float> p(mean, log_std);
  Matrix<float> lp(1, 3), h(1, 3), grad(2, 3);
  p.log_prob(u, lp);
  CHECK(lp.allFinite());
  // log(1 − tanh²(40)) = 2 (log 2 − 40 − softplus(−80)) ≈ −78.61: log p = log N(40; 0, 1) + 78.61.
  CHECK(lp(0, 0) ==
        Approx(-0.5 * 1600.0 - 0.5 * std::log(2 * std::numbers::pi) + 2 * (40.0 - std::log(2.0))).epsilon(1e-5));
  p.entropy(h);
  CHECK(h.allFinite());
  p.entropy_gradient(Matrix<float>::Ones(1, 3), grad);
  CHECK(grad.allFinite());
}
