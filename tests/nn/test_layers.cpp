// Each layer against an independent computation: naive loops for forward,
// central finite differences (double) for backward and jvp.
#include <actorcritic/nn/activation.hpp>
#include <actorcritic/nn/init.hpp>
#include <actorcritic/nn/layer_norm.hpp>
#include <actorcritic/nn/linear.hpp>
#include <Eigen/QR>
#include <catch2/catch.hpp>

#include <support/gradient_check.hpp>

#include <cmath>

using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;

namespace {

Vector<double> random_vector(Index n, ac::Generator& rng) {
  Vector<double> v(n);
  rng.fill_normal(v);
  return v;
}

}  // namespace

TEST_CASE("Linear: forward, gradients and jvp", "[nn][linear]") {
  ac::Generator rng(11);
  const Index in = GENERATE(1, 3, 7);
  const Index batch = GENERATE(1, 4);
  const Index out = 5;
  const Index offset = 3;  // the layer sits inside a larger flat buffer
  const ac::nn::Linear<double> layer(in, out, offset);
  REQUIRE(layer.parameter_count() == out * in + out);
  Vector<double> theta = random_vector(offset + layer.parameter_count() + 2, rng);
  const Matrix<double> x = normal_matrix(in, batch, rng);
  const Matrix<double> c = normal_matrix(out, batch, rng);  // loss L = Σ c ⊙ y

  Matrix<double> y(out, batch);
  layer.forward(theta.data(), x, y);
  for (Index j = 0; j < batch; ++j) {
    for (Index o = 0; o < out; ++o) {
      double expected = theta(offset + out * in + o);
      for (Index i = 0; i < in; ++i) expected += theta(offset + i * out + o) * x(i, j);  // column-major W
      CHECK(y(o, j) == Approx(expected).epsilon(1e-12));
    }
  }

  const auto loss_params = [&](const Vector<double>& t) {
    Matrix<double> yy(out, batch);
    layer.forward(t.data(), x, yy);
    return (c.array() * yy.array()).sum();
  };
  const auto loss_input = [&](const Vector<double>& xv) {
    Matrix<double> yy(out, batch);
    layer.forward(theta.data(), Eigen::Map<const Matrix<double>>(xv.data(), in, batch), yy);
    return (c.array() * yy.array()).sum();
  };
  Vector<double> grads = Vector<double>::Zero(theta.size());
  layer.accumulate_gradient(grads.data(), x, c);
  CHECK(relative_error(grads, numeric_gradient(loss_params, theta)) < 1e-6);
  CHECK(grads.head(offset).isZero());  // nothing outside the layer's slice is touched
  Matrix<double> dx(in, batch);
  layer.input_gradient(theta.data(), c, dx);
  const Vector<double> x_flat = Eigen::Map<const Vector<double>>(x.data(), x.size());
  CHECK(relative_error(Eigen::Map<const Vector<double>>(dx.data(), dx.size()),
                       numeric_gradient(loss_input, x_flat)) < 1e-6);

  // jvp along (v, ẋ) against a central difference of y.
  const Vector<double> v = random_vector(theta.size(), rng);
  const Matrix<double> x_dot = normal_matrix(in, batch, rng);
  Matrix<double> y_dot(out, batch);
  layer.jvp_parameters(v.data(), x, y_dot);
  layer.jvp_input_add(theta.data(), x_dot, y_dot);
  const double h = 1e-6;
  Matrix<double> y_plus(out, batch), y_minus(out, batch);
  const Vector<double> tp = theta + h * v, tm = theta - h * v;
  layer.forward(tp.data(), x + h * x_dot, y_plus);
  layer.forward(tm.data(), x - h * x_dot, y_minus);
  CHECK(relative_error(y_dot, (y_plus - y_minus) / (2 * h)) < 1e-6);
}

TEST_CASE("Tanh and ReLU: forward and derivative", "[nn][activation]") {
  ac::Generator rng(3);
  const Matrix<double> x = normal_matrix(6, 4, rng);
  const Matrix<double> c = normal_matrix(6, 4, rng);
  for (const auto activation : {ac::nn::Activation::tanh, ac::nn::Activation::relu}) {
    INFO(ac::nn::to_string(activation));
    Matrix<double> y(6, 4);
    ac::nn::activation_forward<double>(activation, x, y);
    for (Index k = 0; k < x.size(); ++k) {
      const double expected = activation == ac::nn::Activation::tanh ? std::tanh(x(k)) : std::max(0.0, x(k));
      CHECK(y(k) == Approx(expected).epsilon(1e-12));
    }
    Matrix<double> dx(6, 4);
    ac::nn::activation_multiply_derivative<double>(activation, y, c, dx);
    const auto loss = [&](const Vector<double>& xv) {
      Matrix<double> yy(6, 4);
      ac::nn::activation_forward<double>(activation, Eigen::Map<const Matrix<double>>(xv.data(), 6, 4), yy);
      return (c.array() * yy.array()).sum();
    };
    const Vector<double> x_flat = Eigen::Map<const Vector<double>>(x.data(), x.size());
    CHECK(relative_error(Eigen::Map<const Vector<double>>(dx.data(), dx.size()), numeric_gradient(loss, x_flat)) <
          1e-6);
  }
  // The fused bias + activation pass equals activation(x + b).
  const Vector<double> bias = Vector<double>::LinSpaced(6, -1.0, 1.0);
  for (const auto activation : {ac::nn::Activation::tanh, ac::nn::Activation::relu}) {
    Matrix<double> fused = x, unfused(6, 4);
    ac::nn::activation_forward_biased<double>(activation, bias, fused);
    ac::nn::activation_forward<double>(activation, x.colwise() + bias, unfused);
    CHECK(fused.isApprox(unfused, 1e-15));
  }
  CHECK(ac::nn::parse_activation("relu") == ac::nn::Activation::relu);
  CHECK_THROWS_WITH(ac::nn::parse_activation("gelu"), Catch::Contains("\"tanh\" or \"relu\""));
}

TEST_CASE("LayerNorm: forward, gradients and jvp", "[nn][layer_norm]") {
  ac::Generator rng(21);
  // Width 2 is degenerate for the input gradient (x̂ = ±1 whatever z is, so
  // dL/dz ≈ 0 and a relative error measures only rounding); it has its own test below.
  const Index features = GENERATE(3, 5, 16);
  const Index batch = GENERATE(1, 3);
  const Index offset = 2;
  const ac::nn::LayerNorm<double> norm(features, offset);
  Vector<double> theta = random_vector(offset + norm.parameter_count(), rng);
  const Matrix<double> z = 3.0 * normal_matrix(features, batch, rng);
  const Matrix<double> c = normal_matrix(features, batch, rng);

  auto run = [&](const Vector<double>& t, const Matrix<double>& zz, Matrix<double>& y, Matrix<double>& x_hat,
                 Matrix<double>& rstd) {
    y.resize(features, batch);
    x_hat.resize(features, batch);
    rstd.resize(1, batch);
    norm.forward(t.data(), zz, y, x_hat, rstd);
  };
  Matrix<double> y, x_hat, rstd;
  run(theta, z, y, x_hat, rstd);
  for (Index j = 0; j < batch; ++j) {
    double mean = 0, var = 0;
    for (Index i = 0; i < features; ++i) mean += z(i, j) / features;
    for (Index i = 0; i < features; ++i) var += (z(i, j) - mean) * (z(i, j) - mean) / features;
    for (Index i = 0; i < features; ++i) {
      const double expected =
          theta(offset + i) * (z(i, j) - mean) / std::sqrt(var + 1e-5) + theta(offset + features + i);
      CHECK(y(i, j) == Approx(expected).epsilon(1e-12));
    }
  }

  Vector<double> grads = Vector<double>::Zero(theta.size());
  Matrix<double> dz(features, batch);
  norm.backward(theta.data(), grads.data(), x_hat, rstd, c, dz);
  const auto loss_params = [&](const Vector<double>& t) {
    Matrix<double> yy, xh, rs;
    run(t, z, yy, xh, rs);
    return (c.array() * yy.array()).sum();
  };
  const auto loss_input = [&](const Vector<double>& zv) {
    Matrix<double> yy, xh, rs;
    run(theta, Eigen::Map<const Matrix<double>>(zv.data(), features, batch), yy, xh, rs);
    return (c.array() * yy.array()).sum();
  };
  CHECK(relative_error(grads, numeric_gradient(loss_params, theta)) < 1e-6);
  const Vector<double> z_flat = Eigen::Map<const Vector<double>>(z.data(), z.size());
  CHECK(relative_error(Eigen::Map<const Vector<double>>(dz.data(), dz.size()), numeric_gradient(loss_input, z_flat)) <
        1e-6);

  const Vector<double> v = random_vector(theta.size(), rng);
  const Matrix<double> z_dot = normal_matrix(features, batch, rng);
  Matrix<double> y_dot(features, batch);
  norm.jvp(theta.data(), v.data(), x_hat, rstd, z_dot, y_dot);
  const double h = 1e-6;
  Matrix<double> y_plus, y_minus, scratch_x, scratch_r;
  run(theta + h * v, z + h * z_dot, y_plus, scratch_x, scratch_r);
  run(theta - h * v, z - h * z_dot, y_minus, scratch_x, scratch_r);
  CHECK(relative_error(y_dot, (y_plus - y_minus) / (2 * h)) < 1e-6);
}

TEST_CASE("LayerNorm of width 2 is constant in its input", "[nn][layer_norm]") {
  // With two features x̂ = ±(1, −1)·(1 − O(ε/σ²)): the output cannot depend on z.
  const ac::nn::LayerNorm<double> norm(2);
  Vector<double> theta = Vector<double>::Ones(4);
  Matrix<double> z(2, 1), y(2, 1), x_hat(2, 1), rstd(1, 1), dz(2, 1), c(2, 1);
  z << 1.5, -2.0;
  c << 0.7, -0.3;
  norm.forward(theta.data(), z, y, x_hat, rstd);
  CHECK(std::abs(std::abs(x_hat(0, 0)) - 1.0) < 1e-5);
  CHECK(x_hat(0, 0) == Approx(-x_hat(1, 0)));
  Vector<double> grads = Vector<double>::Zero(4);
  norm.backward(theta.data(), grads.data(), x_hat, rstd, c, dz);
  CHECK(dz.norm() < 1e-5 * c.norm());
}

TEST_CASE("init_orthogonal gives scaled orthonormal rows or columns", "[nn][init]") {
  ac::Generator rng(8);
  const double gain = GENERATE(1.0, std::sqrt(2.0), 0.01);
  SECTION("tall: orthonormal columns") {
    Matrix<double> w(64, 4);
    ac::nn::init_orthogonal<double>(w, gain, rng);
    CHECK((w.transpose() * w - gain * gain * Matrix<double>::Identity(4, 4)).norm() < 1e-12);
  }
  SECTION("wide: orthonormal rows") {
    Matrix<float> w(2, 64);
    ac::nn::init_orthogonal<float>(w, gain, rng);
    CHECK((w * w.transpose() - float(gain * gain) * Matrix<float>::Identity(2, 2)).norm() < 1e-5f * float(gain * gain) + 1e-9f);
  }
  SECTION("square: orthogonal, and the same seed gives the same matrix") {
    Matrix<double> a(16, 16), b(16, 16);
    ac::Generator r1(1), r2(1);
    ac::nn::init_orthogonal<double>(a, gain, r1);
    ac::nn::init_orthogonal<double>(b, gain, r2);
    CHECK(a == b);
    CHECK((a * a.transpose() - gain * gain * Matrix<double>::Identity(16, 16)).norm() < 1e-12);
  }
}

TEST_CASE("the orthogonal initializer's own QR equals Eigen's Householder QR with R's diagonal made positive",
          "[nn][init]") {
  // The initializer factors without Eigen's blocked QR (whose GEMMs follow the
  // CPU's cache sizes); the factor must still be Q of A = QR with diag(R) > 0.
  for (const auto& [m, n] : {std::pair<ac::Index, ac::Index>{300, 40}, {200, 200}, {64, 64}, {5, 1}}) {
    ac::Generator rng(m * 1000 + n);
    Matrix<double> a(m, n);
    rng.fill_normal(a);
    const Matrix<double> q = ac::nn::detail::orthonormal_factor(a);
    const Eigen::HouseholderQR<Matrix<double>> qr(a);
    Matrix<double> reference = qr.householderQ() * Matrix<double>::Identity(m, n);
    for (ac::Index k = 0; k < n; ++k) {
      if (qr.matrixQR()(k, k) < 0.0) reference.col(k) = -reference.col(k);
    }
    INFO(m << " x " << n);
    CHECK((q - reference).cwiseAbs().maxCoeff() < 1e-12);
    const Matrix<double> r = q.transpose() * a;  // upper triangular, positive diagonal
    CHECK(r.triangularView<Eigen::StrictlyLower>().toDenseMatrix().cwiseAbs().maxCoeff() < 1e-12);
    CHECK(r.diagonal().minCoeff() > 0.0);
  }
}
