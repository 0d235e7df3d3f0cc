// The masked categorical distribution (invalid-action masking, Huang & Ontañón
// 2020) against independent computations: direct sums over the legal actions,
// sampling frequencies over many draws, central finite differences of every
// gradient (the masked logits perturbed too: nothing may depend on them), the
// finite-difference Hessian of KL for the Fisher product, and the unmasked
// distribution's bits for an all-legal mask.
#include <actorcritic/distributions/categorical.hpp>
#include <actorcritic/kernels/categorical.hpp>
#include <catch2/catch.hpp>

#include <support/gradient_check.hpp>

#include <cmath>
#include <limits>
#include <vector>

using ac::ActionMaskMap;
using ac::ActionMasks;
using ac::Categorical;
using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::test::flat;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;
using ac::test::shaped;
using ac::test::sum_weighted;

namespace {

ActionMaskMap view(const ActionMasks& m) { return {m.data(), m.rows(), m.cols()}; }

Categorical<double> masked(const Matrix<double>& logits, const ActionMasks& masks) {
  Categorical<double> d;
  d.set_logits(logits, view(masks));
  return d;
}

/// 5 actions x 4 states; column 3 has a single legal action.
ActionMasks example_masks() {
  ActionMasks m(5, 4);
  m << true, false, true, false,  //
      false, true, true, false,   //
      true, true, false, true,    //
      false, true, true, false,   //
      true, false, true, false;
  return m;
}

}  // namespace

TEST_CASE("masked Categorical: log-prob, entropy and KL are sums over the legal actions",
          "[distributions][categorical][masks]") {
  ac::Generator rng(11);
  const ActionMasks m = example_masks();
  const Matrix<double> zp = normal_matrix(5, 4, rng, 2.0), zq = normal_matrix(5, 4, rng, 2.0);
  const auto p = masked(zp, m), q = masked(zq, m);
  CHECK(p.masked());
  Matrix<double> h(1, 4), kl(1, 4), lp(1, 4);
  p.entropy(h);
  p.kl(q, kl);
  for (Index a = 0; a < 5; ++a) {
    ac::ActionIndices actions = ac::ActionIndices::Constant(4, a);
    p.log_prob(actions, lp);
    for (Index j = 0; j < 4; ++j) {
      double z_legal = 0;
      for (Index i = 0; i < 5; ++i) z_legal += m(i, j) ? std::exp(zp(i, j)) : 0.0;
      if (m(a, j)) {
        CHECK(lp(0, j) == Approx(zp(a, j) - std::log(z_legal)));
        CHECK(p.probs()(a, j) == Approx(std::exp(zp(a, j)) / z_legal));
      } else {
        CHECK(lp(0, j) == -std::numeric_limits<double>::infinity());
        CHECK(p.probs()(a, j) == 0.0);  // exactly
      }
    }
  }
  for (Index j = 0; j < 4; ++j) {
    double zs_p = 0, zs_q = 0;
    for (Index i = 0; i < 5; ++i) {
      if (!m(i, j)) continue;
      zs_p += std::exp(zp(i, j));
      zs_q += std::exp(zq(i, j));
    }
    double entropy = 0, divergence = 0, total = 0;
    for (Index i = 0; i < 5; ++i) {
      if (!m(i, j)) continue;
      const double pi = std::exp(zp(i, j)) / zs_p, qi = std::exp(zq(i, j)) / zs_q;
      entropy -= pi * std::log(pi);
      divergence += pi * std::log(pi / qi);
      total += p.probs()(i, j);
    }
    CHECK(total == Approx(1.0));
    CHECK(h(0, j) == Approx(entropy).margin(1e-15));  // column 3: one legal action, entropy 0
    CHECK(kl(0, j) == Approx(divergence).margin(1e-15));
  }
  CHECK(h(0, 3) == 0.0);
}

TEST_CASE("masked Categorical: a masked action is never drawn nor the mode, frequencies match",
          "[distributions][categorical][masks]") {
  ac::Generator rng(12);
  ActionMasks m(4, 1);
  m << false, true, false, true;
  Matrix<double> z(4, 1);
  z << 5.0, 0.3, 4.0, -0.2;  // the two largest logits are the masked ones
  const auto p = masked(z, m);
  constexpr int draws = 200'000;
  std::vector<int> counts(4, 0);
  ac::ActionIndices a(1);
  for (int k = 0; k < draws; ++k) {
    p.sample(rng, a);
    ++counts[static_cast<std::size_t>(a(0))];
  }
  CHECK(counts[0] == 0);
  CHECK(counts[2] == 0);
  for (Index i : {Index{1}, Index{3}}) {
    const double prob = p.probs()(i, 0);
    CHECK(std::abs(counts[static_cast<std::size_t>(i)] / double(draws) - prob) <
          5 * std::sqrt(prob * (1 - prob) / draws));
  }
  p.mode(a);
  CHECK(a(0) == 1);
}

TEST_CASE("masked Categorical: every gradient against finite differences", "[distributions][categorical][masks]") {
  ac::Generator rng(13);
  const Index k = 5, b = 4;
  const ActionMasks m = example_masks();
  const Matrix<double> zp = normal_matrix(k, b, rng), zq = normal_matrix(k, b, rng), w = normal_matrix(1, b, rng);
  ac::ActionIndices actions(b);
  actions << 0, 3, 1, 2;  // legal in every column
  const auto p = masked(zp, m), q = masked(zq, m);
  Matrix<double> grad(k, b), row(1, b);
  const auto illegal_rows_zero = [&](const Matrix<double>& g) { return ((g.array() == 0.0) || m).all(); };

  p.log_prob_gradient(actions, w, grad);
  CHECK(illegal_rows_zero(grad));
  const auto lp = [&](const Vector<double>& z) {
    masked(shaped(z, k, b), m).log_prob(actions, row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(lp, flat(zp))) < 1e-6);
  ac::ActionIndices illegal = actions;
  illegal(2) = 2;
  CHECK_THROWS_WITH(p.log_prob_gradient(illegal, w, grad), Catch::Contains("actions(0, 2) = 2 is a masked action"));

  p.entropy_gradient(w, grad);
  CHECK(grad.allFinite());
  CHECK(illegal_rows_zero(grad));
  const auto ent = [&](const Vector<double>& z) {
    masked(shaped(z, k, b), m).entropy(row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(ent, flat(zp))) < 1e-6);

  p.kl_gradient_wrt_other(q, w, grad);
  CHECK(illegal_rows_zero(grad));
  const auto kl_other = [&](const Vector<double>& z) {
    p.kl(masked(shaped(z, k, b), m), row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(kl_other, flat(zq))) < 1e-6);

  p.kl_gradient_wrt_self(q, w, grad);
  CHECK(grad.allFinite());
  CHECK(illegal_rows_zero(grad));
  const auto kl_self = [&](const Vector<double>& z) {
    masked(shaped(z, k, b), m).kl(q, row);
    return sum_weighted(row, w);
  };
  CHECK(relative_error(flat(grad), numeric_gradient(kl_self, flat(zp))) < 1e-6);
}

TEST_CASE("masked Categorical: the Fisher product is the Hessian of KL over the legal actions",
          "[distributions][categorical][masks]") {
  ac::Generator rng(14);
  const Index k = 5, b = 4;
  const ActionMasks m = example_masks();
  const Matrix<double> z = normal_matrix(k, b, rng), u = normal_matrix(k, b, rng);
  const auto old = masked(z, m);
  Matrix<double> mu(k, b);
  old.fisher_product(u, mu);
  CHECK(((mu.array() == 0.0) || m).all());
  Matrix<double> kl(1, b);
  const auto f = [&](const Matrix<double>& zz) {
    old.kl(masked(zz, m), kl);
    return kl.sum();
  };
  const double h = 1e-4;
  const double second = (f(z + h * u) - 2 * f(z) + f(z - h * u)) / (h * h);
  CHECK((u.array() * mu.array()).sum() == Approx(second).epsilon(1e-5));
  const Matrix<double> ones = Matrix<double>::Ones(1, b);
  Matrix<double> g_plus(k, b), g_minus(k, b);
  old.kl_gradient_wrt_other(masked(z + 1e-5 * u, m), ones, g_plus);
  old.kl_gradient_wrt_other(masked(z - 1e-5 * u, m), ones, g_minus);
  CHECK(relative_error(mu, (g_plus - g_minus) / 2e-5) < 1e-6);
}

TEST_CASE("masked Categorical: an all-legal mask gives the unmasked distribution bit for bit",
          "[distributions][categorical][masks]") {
  ac::Generator rng(15);
  const Matrix<float> z = normal_matrix(6, 9, rng, 3.0).cast<float>();
  const ActionMasks all = ActionMasks::Constant(6, 9, true);
  Categorical<float> plain(z), with_masks;
  with_masks.set_logits(z, view(all));
  CHECK_FALSE(with_masks.masked());
  CHECK(plain.log_probs() == with_masks.log_probs());
  CHECK(plain.probs() == with_masks.probs());
  Matrix<float> h1(1, 9), h2(1, 9);
  plain.entropy(h1);
  with_masks.entropy(h2);
  CHECK(h1 == h2);
  // The masked kernels reduce to the unmasked ones' values on finite logits.
  ac::kernels::masked_categorical_entropy(z, h2);
  ac::kernels::categorical_entropy(z, h1);
  CHECK(relative_error(h1.cast<double>(), h2.cast<double>()) < 1e-6);
}

TEST_CASE("masked Categorical: parameters keep the masks; bad masks and parameters are refused",
          "[distributions][categorical][masks]") {
  ac::Generator rng(16);
  const ActionMasks m = example_masks();
  const Matrix<double> z = normal_matrix(5, 4, rng);
  const auto p = masked(z, m);
  Matrix<double> parameters(5, 4);
  p.write_parameters(parameters);
  CHECK(((parameters.array() == -std::numeric_limits<double>::infinity()) == (!m)).all());
  Categorical<double> restored;
  restored.set_parameters(parameters);
  CHECK(restored.masked());
  CHECK(((restored.probs().array() == 0.0) == (!m)).all());
  CHECK(relative_error(restored.probs(), p.probs()) < 1e-15);
  Matrix<double> kl(1, 4);
  p.kl(restored, kl);
  CHECK((kl.array() == 0.0).all());

  // KL(p ‖ q) where q masks an action p allows is +∞.
  ActionMasks narrower = m;
  narrower(0, 0) = false;
  p.kl(masked(z, narrower), kl);
  CHECK(std::isinf(kl(0, 0)));
  CHECK(std::isfinite(kl(0, 1)));

  Categorical<double> d;
  ActionMasks none = m;
  none.col(2).setConstant(false);
  CHECK_THROWS_WITH(d.set_logits(z, view(none)), Catch::Contains("column 2 has no legal action"));
  const ActionMasks wrong(4, 4);
  CHECK_THROWS_WITH(d.set_logits(z, view(wrong)), Catch::Contains("masks") && Catch::Contains("5x4"));
  Matrix<double> bad = parameters;
  bad(1, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(d.set_parameters(bad), Catch::Contains("logits(1, 1)"));
  bad = parameters;
  bad(1, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(d.set_parameters(bad), Catch::Contains("expected a finite value or -inf"));
  bad = parameters;
  bad.col(3).setConstant(-std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH(d.set_parameters(bad), Catch::Contains("column 3 masks every action"));
}

TEST_CASE("masked Categorical: extreme logits stay finite", "[distributions][categorical][masks][extreme]") {
  const ActionMasks m = example_masks();
  Matrix<float> z(5, 4);
  z << 1e4f, -1e4f, 3e4f, 0.0f,  //
      -1e4f, 1e4f, -3e4f, 0.0f,  //
      0.0f, 1e4f, 1e4f, 1e4f,    //
      1e4f, -1e4f, 0.0f, 0.0f,   //
      -1e4f, 0.0f, 0.0f, -1e4f;
  Categorical<float> p;
  p.set_logits(z, view(m));
  Matrix<float> h(1, 4), kl(1, 4), grad(5, 4);
  const Matrix<float> w = Matrix<float>::Ones(1, 4);
  p.entropy(h);
  p.kl(p, kl);
  CHECK(h.allFinite());
  CHECK((kl.array() == 0.0f).all());
  p.entropy_gradient(w, grad);
  CHECK(grad.allFinite());
  p.kl_gradient_wrt_self(p, w, grad);
  CHECK(grad.allFinite());
  p.fisher_product(z, grad);
  CHECK(grad.allFinite());
}
