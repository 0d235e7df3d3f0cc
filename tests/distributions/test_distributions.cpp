// Distributions against independent computations: Monte-Carlo estimates of
// KL, numeric integration and direct summation of entropies, central finite
// differences of every gradient, and the finite-difference Hessian of
// KL(old ‖ new) at new = old for the Fisher product.
#include <actorcritic/distributions/categorical.hpp>
#include <actorcritic/distributions/diag_gaussian.hpp>
#include <actorcritic/kernels/categorical.hpp>
#include <actorcritic/kernels/gaussian.hpp>
#include <catch2/catch.hpp>

#include <support/gradient_check.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

using ac::Categorical;
using ac::DiagGaussian;
using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::test::flat;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;
using ac::test::same_bits;
using ac::test::shaped;
using ac::test::sum_weighted;

TEST_CASE("Categorical: log-prob, entropy and KL against direct sums", "[distributions][categorical]") {
  ac::Generator rng(1);
  const Matrix<double> zp = normal_matrix(5, 7, rng, 2.0), zq = normal_matrix(5, 7, rng, 2.0);
  Categorical<double> p(zp), q(zq);
  ac::ActionIndices actions(7);
  for (Index j = 0; j < 7; ++j) actions(j) = j % 5;
  Matrix<double> lp(1, 7), h(1, 7), kl(1, 7);
  p.log_prob(actions, lp);
  p.entropy(h);
  p.kl(q, kl);
  for (Index j = 0; j < 7; ++j) {
    double zsum_p = 0, zsum_q = 0;
    for (Index i = 0; i < 5; ++i) {
      zsum_p += std::exp(zp(i, j));
      zsum_q += std::exp(zq(i, j));
    }
    double entropy = 0, divergence = 0;
    for (Index i = 0; i < 5; ++i) {
      const double pi = std::exp(zp(i, j)) / zsum_p, qi = std::exp(zq(i, j)) / zsum_q;
      entropy -= pi * std::log(pi);
      divergence += pi * std::log(pi / qi);
    }
    CHECK(lp(0, j) == Approx(std::log(std::exp(zp(actions(j), j)) / zsum_p)));
    CHECK(h(0, j) == Approx(entropy));
    CHECK(kl(0, j) == Approx(divergence));
  }
}

TEST_CASE("Categorical: KL against a Monte-Carlo estimate, sampling frequencies", "[distributions][categorical]") {
  ac::Generator rng(2);
  Matrix<double> zp(4, 1), zq(4, 1);
  zp << 1.0, 0.2, -0.5, 0.0;
  zq << -0.3, 0.8, 0.1, 0.4;
  Categorical<double> p(zp), q(zq);
  Matrix<double> kl(1, 1);
  p.kl(q, kl);
  constexpr int draws = 200'000;
  ac::ActionIndices a(1);
  double sum = 0, sum_sq = 0;
  std::vector<int> counts(4, 0);
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, a);
    ++counts[static_cast<std::size_t>(a(0))];
    const double x = p.log_probs()(a(0), 0) - q.log_probs()(a(0), 0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / draws, se = std::sqrt((sum_sq / draws - mean * mean) / draws);
  CHECK(std::abs(mean - kl(0, 0)) < 5 * se);
  for (Index i = 0; i < 4; ++i) {
    const double prob = p.probs()(i, 0);
    CHECK(std::abs(counts[static_cast<std::size_t>(i)] / double(draws) - prob) < 5 * std::sqrt(prob * (1 - prob) / draws));
  }
  ac::ActionIndices m(1);
  p.mode(m);
  CHECK(m(0) == 0);
}

TEST_CASE("Categorical: every gradient against finite differences", "[distributions][categorical]") {
  ac::Generator rng(3);
  const Index k = 4, b = 3;
  const Matrix<double> zp = normal_matrix(k, b, rng), zq = normal_matrix(k, b, rng), w = normal_matrix(1, b, rng);
  ac::ActionIndices actions(b);
  actions << 0, 3, 1;
  Categorical<double> p(zp), q(zq);
  Matrix<double> grad(k, b), row(1, b);

  p.log_prob_gradient(actions, w, grad);
  const auto lp = [&](const Vector<double>& z) {
    Categorical<double>(shaped(z, k, b)).log_prob(actions, row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(lp, flat(zp))) < 1e-6);

  p.entropy_gradient(w, grad);
  const auto ent = [&](const Vector<double>& z) {
    Categorical<double>(shaped(z, k, b)).entropy(row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(ent, flat(zp))) < 1e-6);

  p.kl_gradient_wrt_other(q, w, grad);
  const auto kl_other = [&](const Vector<double>& z) {
    p.kl(Categorical<double>(shaped(z, k, b)), row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(kl_other, flat(zq))) < 1e-6);

  p.kl_gradient_wrt_self(q, w, grad);
  const auto kl_self = [&](const Vector<double>& z) {
    Categorical<double>(shaped(z, k, b)).kl(q, row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(kl_self, flat(zp))) < 1e-6);
}

TEST_CASE("Categorical: Fisher product is the Hessian of KL(old || new) at new = old", "[distributions][categorical]") {
  ac::Generator rng(4);
  const Index k = 5, b = 2;
  const Matrix<double> z = normal_matrix(k, b, rng), u = normal_matrix(k, b, rng);
  Categorical<double> old(z);
  Matrix<double> mu(k, b);
  old.fisher_product(u, mu);
  const Matrix<double> ones = Matrix<double>::Ones(1, b);
  // (1) Directional derivative of the (separately tested) gradient of KL(old ‖ q) along u.
  const double h = 1e-5;
  Matrix<double> g_plus(k, b), g_minus(k, b);
  old.kl_gradient_wrt_other(Categorical<double>(z + h * u), ones, g_plus);
  old.kl_gradient_wrt_other(Categorical<double>(z - h * u), ones, g_minus);
  CHECK(relative_error(mu, (g_plus - g_minus) / (2 * h)) < 1e-6);
  // (2) Second difference of the KL value itself: uᵀ M u.
  Matrix<double> kl(1, b);
  const auto f = [&](const Matrix<double>& zz) {
    old.kl(Categorical<double>(zz), kl);
    return kl.sum();
  };
  const double h2 = 1e-4;
  const double second = (f(z + h2 * u) - 2 * f(z) + f(z - h2 * u)) / (h2 * h2);
  CHECK((u.array() * mu.array()).sum() == Approx(second).epsilon(1e-5));
}

TEST_CASE("DiagGaussian: log-prob and KL against direct formulas, entropy by numeric integration",
          "[distributions][gaussian]") {
  ac::Generator rng(5);
  const Index d = 3, b = 4;
  const Matrix<double> mp = normal_matrix(d, b, rng), lp = normal_matrix(d, b, rng, 0.5);
  const Matrix<double> mq = normal_matrix(d, b, rng), lq = normal_matrix(d, 1, rng, 0.5);  // state-independent
  DiagGaussian<double> p(mp, lp), q(mq, lq);
  const Matrix<double> x = normal_matrix(d, b, rng);
  Matrix<double> logp(1, b), h(1, b), kl(1, b);
  p.log_prob(x, logp);
  p.entropy(h);
  p.kl(q, kl);
  for (Index j = 0; j < b; ++j) {
    double lpj = 0, kj = 0, hj = 0;
    for (Index i = 0; i < d; ++i) {
      const double s = std::exp(lp(i, j)), sq = std::exp(lq(i, 0));
      lpj += -0.5 * std::pow((x(i, j) - mp(i, j)) / s, 2) - std::log(s) - 0.5 * std::log(2 * std::numbers::pi);
      kj += std::log(sq / s) + (s * s + std::pow(mp(i, j) - mq(i, j), 2)) / (2 * sq * sq) - 0.5;
      // Entropy by the trapezoid rule on ±12σ.
      const int steps = 20'000;
      const double lo = mp(i, j) - 12 * s, step = 24 * s / steps;
      double integral = 0;
      for (int m = 0; m <= steps; ++m) {
        const double y = lo + m * step;
        const double density = std::exp(-0.5 * std::pow((y - mp(i, j)) / s, 2)) / (s * std::sqrt(2 * std::numbers::pi));
        const double term = density > 0 ? -density * std::log(density) : 0.0;
        integral += (m == 0 || m == steps ? 0.5 : 1.0) * term * step;
      }
      hj += integral;
    }
    CHECK(logp(0, j) == Approx(lpj).epsilon(1e-12));
    CHECK(kl(0, j) == Approx(kj).epsilon(1e-12));
    CHECK(h(0, j) == Approx(hj).epsilon(1e-7));
  }
}

namespace {
// The Gaussian kernels evaluate columns shorter than a SIMD packet in loops of
// their own; they must give exactly what Eigen's column expressions give.
// shared: 0 per-column log σ, 1 p's shared by the batch, 2 both shared.
template <class S>
void check_gaussian_kernels_bit_exact(Index dims, int shared) {
  const bool shared_log_std = shared > 0;
  ac::Generator rng(static_cast<std::uint64_t>(dims) * 3 + static_cast<std::uint64_t>(shared));
  const Index batch = 37;
  const Matrix<S> mp = normal_matrix(dims, batch, rng).cast<S>(), mq = normal_matrix(dims, batch, rng).cast<S>();
  const Matrix<S> x = normal_matrix(dims, batch, rng, 2.0).cast<S>();
  const Matrix<S> lp = normal_matrix(dims, shared_log_std ? 1 : batch, rng, 0.7).cast<S>();
  const Matrix<S> lq = normal_matrix(dims, shared == 2 ? 1 : batch, rng, 0.7).cast<S>();
  Matrix<S> log_prob(1, batch), kl(1, batch);
  ac::kernels::diag_gaussian_log_prob(mp, lp, x, log_prob);
  ac::kernels::diag_gaussian_kl(mp, lp, mq, lq, kl);
  const S log_2pi = static_cast<S>(std::log(2.0 * std::numbers::pi));
  for (Index j = 0; j < batch; ++j) {
    const auto ls = lp.col(shared_log_std ? 0 : j).array();
    const auto z = (x.col(j).array() - mp.col(j).array()) * (-ls).exp();
    const S expected_log_prob = S(-0.5) * (z.square() + S(2) * ls + log_2pi).sum();
    const auto lqj = lq.col(shared == 2 ? 0 : j).array();
    const auto gap = (mp.col(j).array() - mq.col(j).array()) * (-lqj).exp();
    const S expected_kl =
        std::max(S(0), ((lqj - ls) + S(0.5) * ((S(2) * (ls - lqj)).exp() + gap.square()) - S(0.5)).sum());
    INFO("dims " << dims << ", column " << j << ", shared log σ: " << shared);
    CHECK(log_prob(0, j) == expected_log_prob);  // bit for bit, not approximately
    CHECK(kl(0, j) == expected_kl);
  }
}
}  // namespace

TEST_CASE("DiagGaussian kernels: short columns give Eigen's column expressions bit for bit",
          "[distributions][gaussian][kernels]") {
  for (Index dims = 1; dims <= 20; ++dims) {
    for (const int shared : {0, 1, 2}) {
      check_gaussian_kernels_bit_exact<float>(dims, shared);
      check_gaussian_kernels_bit_exact<double>(dims, shared);
    }
  }
}

namespace {
// A DiagGaussian given a state-independent log σ (dims x 1) computes its
// exponentials once per dim; it must give what the same log σ repeated in
// every column gives, bit for bit.
template <class S>
void check_shared_log_std_bit_exact(Index dims) {
  ac::Generator rng(500 + static_cast<std::uint64_t>(dims));
  const Index batch = 29;
  const Matrix<S> mean = normal_matrix(dims, batch, rng).cast<S>();
  const Matrix<S> other_mean = normal_matrix(dims, batch, rng).cast<S>();
  const Matrix<S> log_std = normal_matrix(dims, 1, rng, 0.7).cast<S>();
  const Matrix<S> other = normal_matrix(dims, 1, rng, 0.7).cast<S>();
  const Matrix<S> weights = normal_matrix(1, batch, rng).cast<S>();
  const Matrix<S> repeated = log_std.replicate(1, batch), other_repeated = other.replicate(1, batch);
  const DiagGaussian<S> shared(mean, log_std), expanded(mean, repeated);
  const DiagGaussian<S> shared_q(other_mean, other), expanded_q(other_mean, other_repeated);
  Matrix<S> a(dims, batch), b(dims, batch);
  ac::Generator rng_a(9), rng_b(9);
  shared.sample(rng_a, a);
  expanded.sample(rng_b, b);
  INFO("dims " << dims);
  CHECK(same_bits(a, b));
  Matrix<S> lp_a(1, batch), lp_b(1, batch), kl_a(1, batch), kl_b(1, batch);
  shared.log_prob(a, lp_a);
  expanded.log_prob(a, lp_b);
  CHECK(same_bits(lp_a, lp_b));
  shared.kl(shared_q, kl_a);
  expanded.kl(expanded_q, kl_b);
  CHECK(same_bits(kl_a, kl_b));
  Matrix<S> g_a(2 * dims, batch), g_b(2 * dims, batch);
  shared.log_prob_gradient(a, weights, g_a);
  expanded.log_prob_gradient(a, weights, g_b);
  CHECK(same_bits(g_a, g_b));
}
}  // namespace

TEST_CASE("DiagGaussian: a shared log σ gives what it gives repeated per column, bit for bit",
          "[distributions][gaussian]") {
  for (Index dims = 1; dims <= 20; ++dims) {
    check_shared_log_std_bit_exact<float>(dims);
    check_shared_log_std_bit_exact<double>(dims);
  }
}

TEST_CASE("DiagGaussian: KL against a Monte-Carlo estimate, sample moments", "[distributions][gaussian]") {
  ac::Generator rng(6);
  Matrix<double> mp(2, 1), lp(2, 1), mq(2, 1), lq(2, 1);
  mp << 0.3, -1.0;
  lp << -0.2, 0.4;
  mq << 0.0, -0.5;
  lq << 0.1, 0.2;
  DiagGaussian<double> p(mp, lp), q(mq, lq);
  Matrix<double> kl(1, 1), x(2, 1), a(1, 1), c(1, 1);
  p.kl(q, kl);
  constexpr int draws = 200'000;
  double sum = 0, sum_sq = 0;
  Eigen::Vector2d first = Eigen::Vector2d::Zero(), second = Eigen::Vector2d::Zero();
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, x);
    p.log_prob(x, a);
    q.log_prob(x, c);
    const double v = a(0, 0) - c(0, 0);
    sum += v;
    sum_sq += v * v;
    first += x.col(0);
    second += x.col(0).cwiseAbs2();
  }
  const double mean = sum / draws, se = std::sqrt((sum_sq / draws - mean * mean) / draws);
  CHECK(std::abs(mean - kl(0, 0)) < 5 * se);
  for (Index i = 0; i < 2; ++i) {
    const double s = std::exp(lp(i, 0));
    CHECK(std::abs(first(i) / draws - mp(i, 0)) < 5 * s / std::sqrt(draws));
    CHECK(std::abs(second(i) / draws - first(i) * first(i) / draws / draws - s * s) < 5 * s * s * std::sqrt(2.0 / draws));
  }
}

TEST_CASE("DiagGaussian: every gradient against finite differences", "[distributions][gaussian]") {
  ac::Generator rng(7);
  const Index d = 3, b = 2;
  const Matrix<double> mp = normal_matrix(d, b, rng), lp = normal_matrix(d, b, rng, 0.3);
  const Matrix<double> mq = normal_matrix(d, b, rng), lq = normal_matrix(d, b, rng, 0.3);
  const Matrix<double> x = normal_matrix(d, b, rng), w = normal_matrix(1, b, rng);
  DiagGaussian<double> p(mp, lp), q(mq, lq);
  Matrix<double> gm(d, b), gs(d, b), row(1, b);
  // Parameters packed as [mean; log_std] for the finite differences.
  const auto pack = [&](const Matrix<double>& m, const Matrix<double>& s) {
    Vector<double> v(2 * d * b);
    v << flat(m), flat(s);
    return v;
  };
  const auto unpack = [&](const Vector<double>& v) {
    return DiagGaussian<double>(shaped(v.head(d * b), d, b), shaped(v.tail(d * b), d, b));
  };
  const auto grad_of = [&](const Matrix<double>& m, const Matrix<double>& s) { return pack(m, s); };

  p.log_prob_gradient(x, w, gm, gs);
  CHECK(relative_error(grad_of(gm, gs), numeric_gradient([&](const Vector<double>& v) {
                         unpack(v).log_prob(x, row);
                         return sum_weighted(row, w);
                       }, pack(mp, lp))) < 1e-6);
  p.entropy_gradient(w, gm, gs);
  CHECK(relative_error(grad_of(gm, gs), numeric_gradient([&](const Vector<double>& v) {
                         unpack(v).entropy(row);
                         return sum_weighted(row, w);
                       }, pack(mp, lp))) < 1e-6);
  p.kl_gradient_wrt_other(q, w, gm, gs);
  CHECK(relative_error(grad_of(gm, gs), numeric_gradient([&](const Vector<double>& v) {
                         p.kl(unpack(v), row);
                         return sum_weighted(row, w);
                       }, pack(mq, lq))) < 1e-6);
  p.kl_gradient_wrt_self(q, w, gm, gs);
  CHECK(relative_error(grad_of(gm, gs), numeric_gradient([&](const Vector<double>& v) {
                         unpack(v).kl(q, row);
                         return sum_weighted(row, w);
                       }, pack(mp, lp))) < 1e-6);

  // Fisher product = Hessian of KL(p ‖ q) in q's parameters at q = p.
  const Matrix<double> um = normal_matrix(d, b, rng), us = normal_matrix(d, b, rng);
  Matrix<double> fm(d, b), fs(d, b);
  p.fisher_product(um, us, fm, fs);
  const double h = 1e-5;
  Matrix<double> pm(d, b), ps(d, b), nm(d, b), ns(d, b);
  const Matrix<double> ones = Matrix<double>::Ones(1, b);
  p.kl_gradient_wrt_other(DiagGaussian<double>(mp + h * um, lp + h * us), ones, pm, ps);
  p.kl_gradient_wrt_other(DiagGaussian<double>(mp - h * um, lp - h * us), ones, nm, ns);
  CHECK(relative_error(pack(fm, fs), (pack(pm, ps) - pack(nm, ns)) / (2 * h)) < 1e-6);
}

TEST_CASE("extreme inputs stay finite", "[distributions][extreme]") {
  Matrix<float> logits(3, 2);
  logits << 1e4f, -1e4f, -1e4f, 1e4f, 0.0f, 0.0f;
  Categorical<float> p(logits);
  Matrix<float> flipped = -logits;
  Categorical<float> q(flipped);
  Matrix<float> lp(1, 2), h(1, 2), kl(1, 2);
  ac::ActionIndices a(2);
  a << 1, 0;
  p.log_prob(a, lp);
  p.entropy(h);
  p.kl(q, kl);
  CHECK(lp.allFinite());
  CHECK(lp(0, 0) == Approx(-2e4f));
  CHECK(h.allFinite());
  CHECK(kl.allFinite());
  CHECK(kl(0, 0) == Approx(2e4f));

  Matrix<float> mean = Matrix<float>::Zero(2, 1), tiny = Matrix<float>::Constant(2, 1, std::log(1e-6f));
  Matrix<float> wide = Matrix<float>::Constant(2, 1, 1.0f), x = Matrix<float>::Constant(2, 1, 1e-6f);
  DiagGaussian<float> narrow(mean, tiny), broad(mean, wide);
  Matrix<float> v(1, 1);
  narrow.log_prob(x, v);
  CHECK(std::isfinite(v(0, 0)));
  narrow.kl(broad, v);
  CHECK(std::isfinite(v(0, 0)));
  broad.kl(narrow, v);
  CHECK(std::isfinite(v(0, 0)));  // large (about 7e12) but finite
  narrow.entropy(v);
  CHECK(std::isfinite(v(0, 0)));
  CHECK_THROWS_WITH(Categorical<float>(Matrix<float>::Constant(2, 1, std::nanf(""))), Catch::Contains("finite"));
}
