// The GRU layer against independent computations: the equations written as
// plain loops per sequence and step (with σ(a) = 1/(1 + e^−a)), episode
// starts as fresh runs from a zero state, and central finite differences in
// double of a loss on every output and on the final state, for the
// parameters, the inputs and the initial states (backpropagation through
// time), and of the outputs along a parameter and input direction (jvp); over
// several sequence lengths and batch sizes, with episodes starting in the
// middle of sequences.
#include <actorcritic/nn/gru.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <support/gradient_check.hpp>

using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::nn::EpisodeStarts;
using ac::nn::Gru;
using ac::nn::GruCache;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;

namespace {

double logistic(double a) { return 1.0 / (1.0 + std::exp(-a)); }

/// The GRU equations as loops: sequence b, step t, unit i, with PyTorch's gate order (r, z, n).
Matrix<double> reference_forward(const Gru<double>& gru, const Vector<double>& theta, const Matrix<double>& x,
                                 const EpisodeStarts& starts, const Matrix<double>& h0) {
  const Index H = gru.hidden(), I = gru.inputs(), B = h0.cols(), T = x.cols() / B;
  const auto wi = gru.input_weight(theta.data());
  const auto wh = gru.hidden_weight(theta.data());
  const auto bi = gru.input_bias(theta.data());
  const auto bh = gru.hidden_bias(theta.data());
  Matrix<double> out(H, B * T);
  for (Index b = 0; b < B; ++b) {
    Vector<double> h = h0.col(b);
    for (Index t = 0; t < T; ++t) {
      const Index c = t * B + b;
      if (starts(c)) h.setZero();
      Vector<double> next(H);
      for (Index i = 0; i < H; ++i) {
        double a[3], g[3];
        for (Index gate = 0; gate < 3; ++gate) {
          a[gate] = bi(gate * H + i);
          g[gate] = bh(gate * H + i);
          for (Index k = 0; k < I; ++k) a[gate] += wi(gate * H + i, k) * x(k, c);
          for (Index k = 0; k < H; ++k) g[gate] += wh(gate * H + i, k) * h(k);
        }
        const double r = logistic(a[0] + g[0]), z = logistic(a[1] + g[1]);
        const double n = std::tanh(a[2] + r * g[2]);
        next(i) = (1 - z) * n + z * h(i);
      }
      h = next;
      out.col(c) = h;
    }
  }
  return out;
}

struct Sequences {
  Matrix<double> x, h0;
  EpisodeStarts starts;
};

/// B sequences of T steps with episodes starting at step 0 of sequence 0 and in the middle of others.
Sequences random_sequences(Index inputs, Index hidden, Index B, Index T, ac::Generator& rng) {
  Sequences s{normal_matrix(inputs, B * T, rng), normal_matrix(hidden, B, rng, 0.5), EpisodeStarts(B * T)};
  s.starts.setConstant(false);
  s.starts(0) = true;
  for (Index c = B; c < B * T; ++c) s.starts(c) = rng.uniform() < 0.25;
  return s;
}

/// Parameters from the layer's initialization, with biases and a perturbation so no gate sits at 1/2.
Vector<double> random_parameters(const Gru<double>& gru, ac::Generator& rng) {
  Vector<double> theta(gru.offset() + gru.parameter_count() + 3);
  rng.fill_normal(theta);
  gru.initialize(theta.data(), rng);
  Vector<double> noise(theta.size());
  rng.fill_normal(noise, 0.0, 0.3);
  return theta + noise;
}

}  // namespace

TEST_CASE("GRU: the forward pass is the equations, and an episode start is a fresh zero state", "[nn][gru]") {
  ac::Generator rng(71);
  const Index B = GENERATE(1, 3), T = GENERATE(1, 2, 6);
  const Gru<double> gru(3, 4, 2);
  REQUIRE(gru.parameter_count() == 3 * 4 * 3 + 3 * 4 * 4 + 2 * 3 * 4);
  const Vector<double> theta = random_parameters(gru, rng);
  const auto s = random_sequences(3, 4, B, T, rng);
  Matrix<double> out(4, B * T);
  GruCache<double> cache;
  gru.forward(theta.data(), s.x, s.starts, s.h0, out, cache);
  CHECK(relative_error(out, reference_forward(gru, theta, s.x, s.starts, s.h0)) < 1e-14);

  // Sequence 0 with a start at step 2: from there on it matches a run from zeros on its remaining inputs.
  if (T >= 4) {
    EpisodeStarts starts = EpisodeStarts::Constant(B * T, false);
    starts(2 * B) = true;
    gru.forward(theta.data(), s.x, starts, s.h0, out, cache);
    const Index rest = T - 2;
    Matrix<double> tail_x(3, rest);
    for (Index t = 0; t < rest; ++t) tail_x.col(t) = s.x.col((t + 2) * B);
    Matrix<double> fresh(4, rest);
    gru.forward(theta.data(), tail_x, EpisodeStarts::Constant(rest, false), Matrix<double>::Zero(4, 1), fresh, cache);
    for (Index t = 0; t < rest; ++t) CHECK(out.col((t + 2) * B) == fresh.col(t));
    // ...and before it, the carried state mattered: the same step without the start differs.
    Matrix<double> carried(4, B * T);
    gru.forward(theta.data(), s.x, EpisodeStarts::Constant(B * T, false), s.h0, carried, cache);
    CHECK((carried.col(2 * B) - out.col(2 * B)).norm() > 1e-3);
  }
}

TEST_CASE("GRU: backpropagation through time against finite differences", "[nn][gru][gradient]") {
  ac::Generator rng(72);
  const Index B = GENERATE(1, 2, 4), T = GENERATE(1, 3, 7);
  const Index I = 3, H = 5;
  const Gru<double> gru(I, H, 1);
  Vector<double> theta = random_parameters(gru, rng);
  const auto s = random_sequences(I, H, B, T, rng);
  const Matrix<double> w_out = normal_matrix(H, B * T, rng), w_final = normal_matrix(H, B, rng);
  GruCache<double> cache;
  // L = Σ w_out ⊙ outputs + Σ w_final ⊙ h_T.
  const auto loss = [&](const Vector<double>& params, const Matrix<double>& x, const Matrix<double>& h0) {
    Matrix<double> out(H, B * T);
    GruCache<double> c;
    gru.forward(params.data(), x, s.starts, h0, out, c);
    return (w_out.array() * out.array()).sum() + (w_final.array() * out.rightCols(B).array()).sum();
  };
  Matrix<double> out(H, B * T), dx(I, B * T), dh0(H, B);
  gru.forward(theta.data(), s.x, s.starts, s.h0, out, cache);
  Vector<double> grads = Vector<double>::Zero(theta.size());
  gru.backward(theta.data(), grads.data(), s.x, s.starts, w_out, w_final, dx, dh0, cache);

  const Vector<double> numeric_params =
      numeric_gradient([&](const Vector<double>& p) { return loss(p, s.x, s.h0); }, theta);
  INFO("B " << B << ", T " << T);
  CHECK(relative_error(grads, numeric_params) < 1e-8);
  CHECK(grads.head(gru.offset()).isZero());  // nothing outside the layer's own slice
  CHECK(grads.tail(3).isZero());
  const Vector<double> numeric_x = numeric_gradient(
      [&](const Vector<double>& v) { return loss(theta, ac::test::shaped(v, I, B * T), s.h0); }, ac::test::flat(s.x));
  CHECK(relative_error(ac::test::flat(dx), numeric_x) < 1e-8);
  const Vector<double> numeric_h0 = numeric_gradient(
      [&](const Vector<double>& v) { return loss(theta, s.x, ac::test::shaped(v, H, B)); }, ac::test::flat(s.h0));
  CHECK(relative_error(ac::test::flat(dh0), numeric_h0) < 1e-8);
  // Sequence 0 starts an episode at its first step: its initial state has no influence.
  CHECK(dh0.col(0).isZero());

  // Gradients accumulate; empty dx, dh0 and d_final are skipped.
  Vector<double> twice = grads;
  gru.forward(theta.data(), s.x, s.starts, s.h0, out, cache);
  Matrix<double> none(0, 0);
  gru.backward(theta.data(), twice.data(), s.x, s.starts, w_out, w_final, none, none, cache);
  CHECK(relative_error(twice, 2 * grads) < 1e-14);
}

TEST_CASE("GRU: jvp against finite differences along parameters and inputs", "[nn][gru][jvp]") {
  ac::Generator rng(73);
  const Index B = GENERATE(1, 3), T = GENERATE(1, 4);
  const Index I = 2, H = 4;
  const Gru<double> gru(I, H);
  const Vector<double> theta = random_parameters(gru, rng);
  const auto s = random_sequences(I, H, B, T, rng);
  Vector<double> v(theta.size());
  rng.fill_normal(v);
  const Matrix<double> x_dot = normal_matrix(I, B * T, rng);
  GruCache<double> cache;
  Matrix<double> out(H, B * T), out_dot(H, B * T);
  gru.forward(theta.data(), s.x, s.starts, s.h0, out, cache);
  gru.jvp(theta.data(), v.data(), s.x, x_dot, s.starts, out_dot, cache);
  const double h = 1e-6;
  Matrix<double> plus(H, B * T), minus(H, B * T);
  GruCache<double> c;
  const Vector<double> tp = theta + h * v, tm = theta - h * v;
  gru.forward(tp.data(), s.x + h * x_dot, s.starts, s.h0, plus, c);
  gru.forward(tm.data(), s.x - h * x_dot, s.starts, s.h0, minus, c);
  INFO("B " << B << ", T " << T);
  CHECK(relative_error(out_dot, (plus - minus) / (2 * h)) < 1e-8);
  // Without an input tangent: parameters only.
  gru.forward(theta.data(), s.x, s.starts, s.h0, out, cache);
  gru.jvp(theta.data(), v.data(), s.x, Matrix<double>(0, 0), s.starts, out_dot, cache);
  gru.forward(tp.data(), s.x, s.starts, s.h0, plus, c);
  gru.forward(tm.data(), s.x, s.starts, s.h0, minus, c);
  CHECK(relative_error(out_dot, (plus - minus) / (2 * h)) < 1e-8);
}

TEST_CASE("GRU: each gate's recurrent and input blocks start orthogonal, the biases at zero", "[nn][gru][init]") {
  ac::Generator rng(74);
  const Gru<float> gru(3, 6);
  Vector<float> theta = Vector<float>::Constant(gru.parameter_count(), 7.0f);
  gru.initialize(theta.data(), rng);
  for (Index gate = 0; gate < 3; ++gate) {
    const Matrix<double> wh = gru.hidden_weight(theta.data()).middleRows(gate * 6, 6).cast<double>();
    CHECK((wh.transpose() * wh - Matrix<double>::Identity(6, 6)).norm() < 1e-5);
    const Matrix<double> wi = gru.input_weight(theta.data()).middleRows(gate * 6, 6).cast<double>();
    CHECK((wi.transpose() * wi - Matrix<double>::Identity(3, 3)).norm() < 1e-5);  // orthonormal columns
  }
  CHECK(gru.input_bias(theta.data()).isZero());
  CHECK(gru.hidden_bias(theta.data()).isZero());
}

TEST_CASE("GRU: bad shapes are errors naming the argument", "[nn][gru][errors]") {
  const Gru<double> gru(2, 3);
  const Vector<double> theta = Vector<double>::Zero(gru.parameter_count());
  GruCache<double> cache;
  Matrix<double> out(3, 4);
  const EpisodeStarts starts = EpisodeStarts::Constant(4, false);
  CHECK_THROWS_WITH(
      gru.forward(theta.data(), Matrix<double>::Zero(3, 4), starts, Matrix<double>::Zero(3, 2), out, cache),
      Catch::Contains("x: expected 2 rows"));
  CHECK_THROWS_WITH(
      gru.forward(theta.data(), Matrix<double>::Zero(2, 4), starts, Matrix<double>::Zero(3, 3), out, cache),
      Catch::Contains("T·B columns"));
  CHECK_THROWS_WITH(gru.forward(theta.data(), Matrix<double>::Zero(2, 4), EpisodeStarts::Constant(3, false),
                                Matrix<double>::Zero(3, 2), out, cache),
                    Catch::Contains("starts: expected 4 flags"));
  Matrix<double> wrong(3, 2);
  CHECK_THROWS_WITH(
      gru.forward(theta.data(), Matrix<double>::Zero(2, 4), starts, Matrix<double>::Zero(3, 2), wrong, cache),
      Catch::Contains("out"));
  Vector<double> grads = theta;
  Matrix<double> none(0, 0);
  CHECK_THROWS_WITH(
      gru.backward(theta.data(), grads.data(), Matrix<double>::Zero(2, 4), starts, out, none, none, none, cache),
      Catch::Contains("last forward pass"));
}
