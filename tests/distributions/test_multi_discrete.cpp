// The factored categorical (MultiDiscrete) and Bernoulli (MultiBinary)
// distributions against independent computations: sums over the joint
// actions by enumeration (log-prob normalization, entropy, KL), Monte-Carlo
// KL and sampling frequencies, central finite differences of every gradient,
// the finite-difference Hessian of KL for the Fisher product, per-component
// masks, and extreme logits.
#include <actorcritic/distributions/bernoulli.hpp>
#include <actorcritic/distributions/multi_categorical.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <support/gradient_check.hpp>
#include <vector>

using ac::ActionIndexMatrix;
using ac::ActionMasks;
using ac::Bernoulli;
using ac::Index;
using ac::Matrix;
using ac::MultiCategorical;
using ac::Vector;
using ac::test::flat;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;
using ac::test::shaped;
using ac::test::sum_weighted;

namespace {

const std::vector<Index> kNvec{3, 2, 4};  // 9 logits, 24 joint actions

MultiCategorical<double> multi(const Matrix<double>& logits, const ActionMasks* masks = nullptr) {
  MultiCategorical<double> d(kNvec);
  if (masks != nullptr) {
    d.set_logits(logits, ac::ActionMaskMap(masks->data(), masks->rows(), masks->cols()));
  } else {
    d.set_logits(logits);
  }
  return d;
}

/// Every joint action of kNvec, one per column.
ActionIndexMatrix joint_actions() {
  ActionIndexMatrix all(3, 24);
  Index c = 0;
  for (Index a = 0; a < 3; ++a) {
    for (Index b = 0; b < 2; ++b) {
      for (Index d = 0; d < 4; ++d) all.col(c++) << a, b, d;
    }
  }
  return all;
}

/// Every bit pattern of n bits, one per column.
ActionIndexMatrix bit_patterns(Index n) {
  ActionIndexMatrix all(n, Index{1} << n);
  for (Index c = 0; c < all.cols(); ++c) {
    for (Index i = 0; i < n; ++i) all(i, c) = (c >> i) & 1;
  }
  return all;
}

}  // namespace

TEST_CASE("MultiCategorical: probabilities, entropy and KL by enumerating the joint actions",
          "[distributions][multi_discrete]") {
  ac::Generator rng(41);
  const Matrix<double> zp = normal_matrix(9, 1, rng, 1.5), zq = normal_matrix(9, 1, rng, 1.5);
  const auto p = multi(zp), q = multi(zq);
  const ActionIndexMatrix all = joint_actions();
  double total = 0, entropy = 0, divergence = 0;
  Matrix<double> lp(1, 1), lq(1, 1);
  for (Index c = 0; c < all.cols(); ++c) {
    const ActionIndexMatrix a = all.col(c);
    p.log_prob(a, lp);
    q.log_prob(a, lq);
    const double prob = std::exp(lp(0, 0));
    total += prob;
    entropy -= prob * lp(0, 0);
    divergence += prob * (lp(0, 0) - lq(0, 0));
  }
  CHECK(total == Approx(1.0).epsilon(1e-12));
  Matrix<double> h(1, 1), kl(1, 1);
  p.entropy(h);
  p.kl(q, kl);
  CHECK(h(0, 0) == Approx(entropy).epsilon(1e-12));
  CHECK(kl(0, 0) == Approx(divergence).epsilon(1e-12));
  // The joint log-prob of one action by the softmax formula, head by head.
  const ActionIndexMatrix a = all.col(17);
  double expected = 0;
  Index offset = 0;
  for (Index k = 0; k < 3; ++k) {
    const auto z = zp.col(0).segment(offset, kNvec[std::size_t(k)]);
    expected += z(a(k, 0)) - std::log(z.array().exp().sum());
    offset += kNvec[std::size_t(k)];
  }
  p.log_prob(a, lp);
  CHECK(lp(0, 0) == Approx(expected).epsilon(1e-12));
}

TEST_CASE("MultiCategorical: sampling frequencies and a Monte-Carlo KL", "[distributions][multi_discrete]") {
  ac::Generator rng(42);
  const Matrix<double> zp = normal_matrix(9, 1, rng), zq = normal_matrix(9, 1, rng);
  const auto p = multi(zp), q = multi(zq);
  Matrix<double> kl(1, 1), lp(1, 1), lq(1, 1);
  p.kl(q, kl);
  constexpr int draws = 100'000;
  std::vector<int> counts(24, 0);
  ActionIndexMatrix a(3, 1);
  double sum = 0, sum_sq = 0;
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, a);
    ++counts[std::size_t(a(0, 0) * 8 + a(1, 0) * 4 + a(2, 0))];
    p.log_prob(a, lp);
    q.log_prob(a, lq);
    const double x = lp(0, 0) - lq(0, 0);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / draws, se = std::sqrt((sum_sq / draws - mean * mean) / draws);
  CHECK(std::abs(mean - kl(0, 0)) < 5 * se);
  const ActionIndexMatrix all = joint_actions();
  for (Index c = 0; c < 24; ++c) {
    p.log_prob(all.col(c), lp);
    const double prob = std::exp(lp(0, 0));
    CHECK(std::abs(counts[std::size_t(c)] / double(draws) - prob) < 5 * std::sqrt(prob * (1 - prob) / draws));
  }
  p.mode(a);
  for (Index k = 0, offset = 0; k < 3; offset += kNvec[std::size_t(k)], ++k) {
    Index best = 0;
    zp.col(0).segment(offset, kNvec[std::size_t(k)]).maxCoeff(&best);
    CHECK(a(k, 0) == best);
  }
}

TEST_CASE("MultiCategorical: every gradient and the Fisher product, with and without masks",
          "[distributions][multi_discrete]") {
  ac::Generator rng(43);
  const Index b = 4;
  ActionMasks masks = ActionMasks::Constant(9, b, true);
  masks(0, 0) = masks(4, 1) = masks(6, 2) = masks(7, 2) = false;
  for (const bool with_masks : {false, true}) {
    INFO("masks " << with_masks);
    const ActionMasks* m = with_masks ? &masks : nullptr;
    const Matrix<double> zp = normal_matrix(9, b, rng), zq = normal_matrix(9, b, rng), w = normal_matrix(1, b, rng);
    ActionIndexMatrix actions(3, b);
    actions << 1, 2, 0, 1,  //
        0, 0, 1, 0,         //
        3, 2, 3, 0;         // legal under the masks too
    const auto p = multi(zp, m), q = multi(zq, m);
    CHECK(p.masked() == with_masks);
    Matrix<double> grad(9, b), row(1, b);
    p.log_prob_gradient(actions, w, grad);
    CHECK(relative_error(flat(grad), numeric_gradient(
                                         [&](const Vector<double>& z) {
                                           multi(shaped(z, 9, b), m).log_prob(actions, row);
                                           return sum_weighted(row, w);
                                         },
                                         flat(zp))) < 1e-6);
    p.entropy_gradient(w, grad);
    CHECK(relative_error(flat(grad), numeric_gradient(
                                         [&](const Vector<double>& z) {
                                           multi(shaped(z, 9, b), m).entropy(row);
                                           return sum_weighted(row, w);
                                         },
                                         flat(zp))) < 1e-6);
    p.kl_gradient_wrt_other(q, w, grad);
    CHECK(relative_error(flat(grad), numeric_gradient(
                                         [&](const Vector<double>& z) {
                                           p.kl(multi(shaped(z, 9, b), m), row);
                                           return sum_weighted(row, w);
                                         },
                                         flat(zq))) < 1e-6);
    p.kl_gradient_wrt_self(q, w, grad);
    CHECK(relative_error(flat(grad), numeric_gradient(
                                         [&](const Vector<double>& z) {
                                           multi(shaped(z, 9, b), m).kl(q, row);
                                           return sum_weighted(row, w);
                                         },
                                         flat(zp))) < 1e-6);
    // Fisher: the Hessian of Σ KL(old ‖ ·) at old, by its second difference along u.
    const Matrix<double> u = normal_matrix(9, b, rng);
    Matrix<double> mu(9, b), kl(1, b);
    p.fisher_product(u, mu);
    const auto f = [&](const Matrix<double>& z) {
      p.kl(multi(z, m), kl);
      return kl.sum();
    };
    const double h = 1e-4;
    CHECK((u.array() * mu.array()).sum() ==
          Approx((f(zp + h * u) - 2 * f(zp) + f(zp - h * u)) / (h * h)).epsilon(1e-5));
    // Block-diagonal: head 0's rows of M u depend on head 0's rows of u alone.
    Matrix<double> u2 = u, mu2(9, b);
    u2.bottomRows(6).setZero();
    p.fisher_product(u2, mu2);
    CHECK(relative_error(mu2.topRows(3), mu.topRows(3)) < 1e-15);
    CHECK((mu2.bottomRows(6).array() == 0.0).all());
    // Parameters round-trip, masks included.
    Matrix<double> parameters(9, b);
    p.write_parameters(parameters);
    MultiCategorical<double> back(kNvec);
    back.set_parameters(parameters);
    CHECK(back.masked() == with_masks);
    back.kl(p, kl);
    CHECK(kl.maxCoeff() < 1e-15);
  }
  // A masked action is never drawn; a component with no legal action is an error naming it.
  const auto p = multi(normal_matrix(9, b, rng), &masks);
  ActionIndexMatrix a(3, b);
  for (int k = 0; k < 2000; ++k) {
    p.sample(rng, a);
    CHECK(a(0, 0) != 0);
    CHECK(a(1, 1) != 1);
    CHECK(a(2, 2) != 1);
    CHECK(a(2, 2) != 2);
  }
  ActionMasks dead = masks;
  dead.block(3, 3, 2, 1).setConstant(false);
  CHECK_THROWS_WITH(multi(normal_matrix(9, b, rng), &dead),
                    Catch::Contains("component 1") && Catch::Contains("column 3"));
}

TEST_CASE("MultiCategorical: bad shapes are refused naming the argument", "[distributions][multi_discrete][errors]") {
  CHECK_THROWS_WITH(MultiCategorical<double>(std::vector<Index>{}), Catch::Contains("nvec"));
  CHECK_THROWS_WITH(MultiCategorical<double>(std::vector<Index>{3, 0}), Catch::Contains("nvec[1]"));
  MultiCategorical<double> d(kNvec);
  CHECK_THROWS_WITH(d.set_logits(Matrix<double>::Zero(8, 2)), Catch::Contains("expected 9 rows"));
  d.set_logits(Matrix<double>::Zero(9, 2));
  Matrix<double> row(1, 2);
  CHECK_THROWS_WITH(d.log_prob(ActionIndexMatrix::Zero(2, 2), row), Catch::Contains("log_prob: actions"));
  ActionIndexMatrix out_of_range = ActionIndexMatrix::Zero(3, 2);
  out_of_range(1, 0) = 2;
  CHECK_THROWS_WITH(d.log_prob(out_of_range, row), Catch::Contains("outside [0, 2)"));
}

TEST_CASE("Bernoulli: probabilities, entropy and KL by enumerating the bit patterns", "[distributions][bernoulli]") {
  ac::Generator rng(44);
  const Matrix<double> zp = normal_matrix(4, 1, rng, 1.5), zq = normal_matrix(4, 1, rng, 1.5);
  const Bernoulli<double> p(zp), q(zq);
  const ActionIndexMatrix all = bit_patterns(4);
  double total = 0, entropy = 0, divergence = 0;
  Matrix<double> lp(1, 1), lq(1, 1);
  for (Index c = 0; c < all.cols(); ++c) {
    p.log_prob(all.col(c), lp);
    q.log_prob(all.col(c), lq);
    // Direct: Π σ(z)^a (1 − σ(z))^(1−a).
    double direct = 1;
    for (Index i = 0; i < 4; ++i) {
      const double s = 1 / (1 + std::exp(-zp(i, 0)));
      direct *= all(i, c) == 1 ? s : 1 - s;
    }
    CHECK(std::exp(lp(0, 0)) == Approx(direct).epsilon(1e-12));
    total += direct;
    entropy -= direct * std::log(direct);
    divergence += direct * (lp(0, 0) - lq(0, 0));
  }
  CHECK(total == Approx(1.0).epsilon(1e-12));
  Matrix<double> h(1, 1), kl(1, 1);
  p.entropy(h);
  p.kl(q, kl);
  CHECK(h(0, 0) == Approx(entropy).epsilon(1e-12));
  CHECK(kl(0, 0) == Approx(divergence).epsilon(1e-12));
}

TEST_CASE("Bernoulli: sampling frequencies, Monte-Carlo KL, every gradient, the Fisher product",
          "[distributions][bernoulli]") {
  ac::Generator rng(45);
  const Index n = 3, b = 4;
  const Matrix<double> zp = normal_matrix(n, b, rng), zq = normal_matrix(n, b, rng), w = normal_matrix(1, b, rng);
  const Bernoulli<double> p(zp), q(zq);
  {
    const Bernoulli<double> one(zp.col(0)), other(zq.col(0));
    Matrix<double> kl(1, 1), lp(1, 1), lq(1, 1);
    one.kl(other, kl);
    constexpr int draws = 100'000;
    std::vector<int> ones(n, 0);
    ActionIndexMatrix a(n, 1);
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < draws; ++k) {
      one.sample(rng, a);
      for (Index i = 0; i < n; ++i) ones[std::size_t(i)] += int(a(i, 0));
      one.log_prob(a, lp);
      other.log_prob(a, lq);
      sum += lp(0, 0) - lq(0, 0);
      sum_sq += (lp(0, 0) - lq(0, 0)) * (lp(0, 0) - lq(0, 0));
    }
    const double mean = sum / draws, se = std::sqrt((sum_sq / draws - mean * mean) / draws);
    CHECK(std::abs(mean - kl(0, 0)) < 5 * se);
    for (Index i = 0; i < n; ++i) {
      const double s = one.probs()(i, 0);
      CHECK(std::abs(ones[std::size_t(i)] / double(draws) - s) < 5 * std::sqrt(s * (1 - s) / draws));
    }
    one.mode(a);
    for (Index i = 0; i < n; ++i) CHECK(a(i, 0) == (zp(i, 0) > 0 ? 1 : 0));
  }
  ActionIndexMatrix actions(n, b);
  actions << 1, 0, 1, 1,  //
      0, 0, 1, 0,         //
      1, 1, 0, 0;
  Matrix<double> grad(n, b), row(1, b);
  p.log_prob_gradient(actions, w, grad);
  CHECK(relative_error(flat(grad), numeric_gradient(
                                       [&](const Vector<double>& z) {
                                         Bernoulli<double>(shaped(z, n, b)).log_prob(actions, row);
                                         return sum_weighted(row, w);
                                       },
                                       flat(zp))) < 1e-6);
  p.entropy_gradient(w, grad);
  CHECK(relative_error(flat(grad), numeric_gradient(
                                       [&](const Vector<double>& z) {
                                         Bernoulli<double>(shaped(z, n, b)).entropy(row);
                                         return sum_weighted(row, w);
                                       },
                                       flat(zp))) < 1e-6);
  p.kl_gradient_wrt_other(q, w, grad);
  CHECK(relative_error(flat(grad), numeric_gradient(
                                       [&](const Vector<double>& z) {
                                         p.kl(Bernoulli<double>(shaped(z, n, b)), row);
                                         return sum_weighted(row, w);
                                       },
                                       flat(zq))) < 1e-6);
  p.kl_gradient_wrt_self(q, w, grad);
  CHECK(relative_error(flat(grad), numeric_gradient(
                                       [&](const Vector<double>& z) {
                                         Bernoulli<double>(shaped(z, n, b)).kl(q, row);
                                         return sum_weighted(row, w);
                                       },
                                       flat(zp))) < 1e-6);
  const Matrix<double> u = normal_matrix(n, b, rng);
  Matrix<double> mu(n, b), kl(1, b);
  p.fisher_product(u, mu);
  const auto f = [&](const Matrix<double>& z) {
    p.kl(Bernoulli<double>(z), kl);
    return kl.sum();
  };
  const double h = 1e-4;
  CHECK((u.array() * mu.array()).sum() == Approx((f(zp + h * u) - 2 * f(zp) + f(zp - h * u)) / (h * h)).epsilon(1e-5));
  Matrix<double> g_plus(n, b), g_minus(n, b);
  const Matrix<double> ones = Matrix<double>::Ones(1, b);
  p.kl_gradient_wrt_other(Bernoulli<double>(zp + 1e-5 * u), ones, g_plus);
  p.kl_gradient_wrt_other(Bernoulli<double>(zp - 1e-5 * u), ones, g_minus);
  CHECK(relative_error(mu, (g_plus - g_minus) / 2e-5) < 1e-6);
  // Errors name the argument.
  ActionIndexMatrix bad = actions;
  bad(2, 1) = 2;
  CHECK_THROWS_WITH(p.log_prob(bad, row), Catch::Contains("actions(2, 1) = 2: expected 0 or 1"));
  ActionMasks masks = ActionMasks::Constant(n, b, true);
  Bernoulli<double> d;
  CHECK_THROWS_WITH(d.set_logits(zp, ac::ActionMaskMap(masks.data(), n, b)), Catch::Contains("masks"));
}

TEST_CASE("MultiCategorical and Bernoulli: extreme logits stay finite", "[distributions][extreme]") {
  Matrix<float> z(9, 3);
  z.setConstant(0.0f);
  z.col(0).setConstant(3e4f);
  z.col(1) << 3e4f, -3e4f, 0.0f, -3e4f, 3e4f, 1e4f, -1e4f, 0.0f, 3e4f;
  z.col(2).setConstant(-3e4f);
  MultiCategorical<float> m(kNvec);
  m.set_logits(z);
  Bernoulli<float> bits(z);
  Matrix<float> h(1, 3), kl(1, 3), g(9, 3);
  const Matrix<float> w = Matrix<float>::Ones(1, 3);
  m.entropy(h);
  CHECK(h.allFinite());
  m.kl(m, kl);
  CHECK((kl.array() == 0.0f).all());
  m.entropy_gradient(w, g);
  CHECK(g.allFinite());
  bits.entropy(h);
  CHECK(h.allFinite());
  CHECK((h.array() >= 0.0f).all());
  bits.kl(bits, kl);
  CHECK((kl.array() == 0.0f).all());
  bits.entropy_gradient(w, g);
  CHECK(g.allFinite());
  bits.kl_gradient_wrt_self(bits, w, g);
  CHECK(g.allFinite());
  ActionIndexMatrix a(9, 3);
  bits.sample(*std::make_unique<ac::Generator>(1), a);
  Matrix<float> lp(1, 3);
  bits.log_prob(a, lp);
  CHECK(lp.allFinite());
}
