// Optimizers against hand-written scalar recurrences of their defining
// equations (PyTorch's semantics), gradient clipping and schedules.
#include <actorcritic/optim/adam.hpp>
#include <actorcritic/optim/gradient_clipping.hpp>
#include <actorcritic/optim/rmsprop.hpp>
#include <actorcritic/optim/schedule.hpp>
#include <actorcritic/optim/sgd.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using ac::Vector;

namespace {

Vector<double> theta0() { return (Vector<double>(4) << 1.0, -2.0, 0.5, 0.0).finished(); }
// Two different gradients for two steps.
Vector<double> grad(int step) {
  return step == 0 ? (Vector<double>(4) << 0.1, -0.3, 2.0, 0.0).finished()
                   : (Vector<double>(4) << -0.2, 0.4, 1.0, 1e-3).finished();
}

}  // namespace

TEST_CASE("SGD: first steps by hand", "[optim][sgd]") {
  SECTION("plain: θ ← θ − η g") {
    Vector<double> theta = theta0();
    ac::optim::Sgd<double> sgd(4, {.learning_rate = 0.1});
    sgd.step(theta, grad(0));
    CHECK(theta(0) == Approx(1.0 - 0.1 * 0.1).epsilon(1e-15));
    CHECK(theta(2) == Approx(0.5 - 0.1 * 2.0).epsilon(1e-15));
  }
  SECTION("momentum, dampening, weight decay and Nesterov") {
    const double lr = 0.05, mu = 0.9, wd = 0.01;
    const bool nesterov = GENERATE(false, true);
    Vector<double> theta = theta0();
    ac::optim::Sgd<double> sgd(4, {.learning_rate = lr, .momentum = mu, .weight_decay = wd, .nesterov = nesterov});
    Vector<double> expected = theta0(), buffer(4);
    for (int t = 0; t < 2; ++t) {
      sgd.step(theta, grad(t));
      for (int i = 0; i < 4; ++i) {
        const double g = grad(t)(i) + wd * expected(i);
        buffer(i) = t == 0 ? g : mu * buffer(i) + g;
        expected(i) -= lr * (nesterov ? g + mu * buffer(i) : buffer(i));
      }
      for (int i = 0; i < 4; ++i) CHECK(theta(i) == Approx(expected(i)).epsilon(1e-14));
    }
  }
  CHECK_THROWS_WITH(ac::optim::Sgd<double>(4, {.learning_rate = 0.0}), Catch::Contains("SgdConfig.learning_rate"));
  CHECK_THROWS_WITH(ac::optim::Sgd<double>(4, {.nesterov = true}), Catch::Contains("SgdConfig.nesterov"));
  ac::optim::Sgd<double> sgd(4);
  Vector<double> wrong(3);
  CHECK_THROWS_WITH(sgd.step(wrong, grad(0)), Catch::Contains("expected params and grads of size 4"));
}

TEST_CASE("Adam: the first step moves each weight by about η·sign(g)", "[optim][adam]") {
  // t = 1: m̂ = g, v̂ = g², so Δθ = −η g / (|g| + ε): hand-computed values.
  Vector<double> theta = theta0();
  ac::optim::Adam<double> adam(4, {.learning_rate = 0.01});
  adam.step(theta, grad(0));
  CHECK(theta(0) == Approx(1.0 - 0.01 * 0.1 / (0.1 + 1e-8)).epsilon(1e-14));
  CHECK(theta(1) == Approx(-2.0 + 0.01 * 0.3 / (0.3 + 1e-8)).epsilon(1e-14));
  CHECK(theta(2) == Approx(0.5 - 0.01 * 2.0 / (2.0 + 1e-8)).epsilon(1e-14));
  CHECK(theta(3) == 0.0);  // zero gradient, zero step
}

TEST_CASE("a learning rate of 0 (a linear schedule's end) moves nothing; a negative one is refused", "[optim]") {
  // Adam: the moments still take the gradient, as PyTorch's do at lr 0.
  Vector<double> theta = theta0();
  ac::optim::Adam<double> adam(4, {.learning_rate = 0.01});
  adam.set_learning_rate(0.0);
  adam.step(theta, grad(0));
  CHECK(theta == theta0());
  CHECK(adam.steps() == 1);
  CHECK(adam.first_moment()(0) == Approx(0.1 * 0.1).epsilon(1e-14));  // (1 − β₁) g
  ac::optim::Rmsprop<double> rmsprop(4, {});
  rmsprop.set_learning_rate(0.0);
  rmsprop.step(theta, grad(0));
  ac::optim::Sgd<double> sgd(4, {});
  sgd.set_learning_rate(0.0);
  sgd.step(theta, grad(0));
  CHECK(theta == theta0());
  CHECK_THROWS_WITH(adam.set_learning_rate(-1e-3), Catch::Contains("Adam::set_learning_rate: lr: expected a value >= 0"));
  CHECK_THROWS_WITH(rmsprop.set_learning_rate(std::nan("")), Catch::Contains("Rmsprop::set_learning_rate: lr"));
  CHECK_THROWS_WITH(sgd.set_learning_rate(-1.0), Catch::Contains("Sgd::set_learning_rate: lr"));
}

TEST_CASE("Adam and AdamW: two steps against the scalar recurrence", "[optim][adam]") {
  const bool decoupled = GENERATE(false, true);
  const double lr = 0.02, b1 = 0.8, b2 = 0.9, eps = 1e-6, wd = 0.1;
  const ac::optim::AdamConfig config{.learning_rate = lr, .beta1 = b1, .beta2 = b2, .epsilon = eps, .weight_decay = wd};
  Vector<double> theta = theta0();
  ac::optim::AdamConfig decoupled_config = config;
  decoupled_config.decoupled_weight_decay = true;
  ac::optim::Adam<double> adam(4, config);
  ac::optim::Adam<double> adamw(4, decoupled_config);
  Vector<double> expected = theta0(), m = Vector<double>::Zero(4), v = Vector<double>::Zero(4);
  for (int t = 1; t <= 2; ++t) {
    if (decoupled) {
      adamw.step(theta, grad(t - 1));
    } else {
      adam.step(theta, grad(t - 1));
    }
    for (int i = 0; i < 4; ++i) {
      double g = grad(t - 1)(i);
      if (decoupled) {
        expected(i) *= 1.0 - lr * wd;
      } else {
        g += wd * expected(i);
      }
      m(i) = b1 * m(i) + (1 - b1) * g;
      v(i) = b2 * v(i) + (1 - b2) * g * g;
      const double m_hat = m(i) / (1 - std::pow(b1, t));
      const double v_hat = v(i) / (1 - std::pow(b2, t));
      expected(i) -= lr * m_hat / (std::sqrt(v_hat) + eps);
    }
    INFO("decoupled " << decoupled << " step " << t);
    for (int i = 0; i < 4; ++i) CHECK(theta(i) == Approx(expected(i)).epsilon(1e-12));
  }
  CHECK(ac::optim::AdamConfig::adamw().weight_decay == 1e-2);  // torch.optim.AdamW default
  CHECK(ac::optim::AdamConfig::adamw().decoupled_weight_decay);
  CHECK(ac::optim::Adam<float>(3).config().weight_decay == 0.0);
  CHECK_THROWS_WITH(ac::optim::Adam<float>(3, {.beta2 = 1.0}), Catch::Contains("AdamConfig.beta2"));
}

TEST_CASE("RMSprop: SB3 A2C defaults and the scalar recurrence", "[optim][rmsprop]") {
  const ac::optim::RmspropConfig defaults;
  CHECK(defaults.learning_rate == 7e-4);
  CHECK(defaults.alpha == 0.99);
  CHECK(defaults.epsilon == 1e-5);
  const bool centered = GENERATE(false, true);
  const double momentum = GENERATE(0.0, 0.5);
  const double lr = 0.01, alpha = 0.9, eps = 1e-5, wd = 0.05;
  Vector<double> theta = theta0();
  ac::optim::Rmsprop<double> rms(
      4, {.learning_rate = lr, .alpha = alpha, .epsilon = eps, .weight_decay = wd, .momentum = momentum, .centered = centered});
  Vector<double> expected = theta0(), s = Vector<double>::Zero(4), c = Vector<double>::Zero(4), b = Vector<double>::Zero(4);
  for (int t = 0; t < 2; ++t) {
    rms.step(theta, grad(t));
    for (int i = 0; i < 4; ++i) {
      const double g = grad(t)(i) + wd * expected(i);
      s(i) = alpha * s(i) + (1 - alpha) * g * g;
      double denom = std::sqrt(s(i)) + eps;
      if (centered) {
        c(i) = alpha * c(i) + (1 - alpha) * g;
        denom = std::sqrt(s(i) - c(i) * c(i)) + eps;
      }
      if (momentum > 0) {
        b(i) = momentum * b(i) + g / denom;
        expected(i) -= lr * b(i);
      } else {
        expected(i) -= lr * g / denom;
      }
    }
    INFO("centered " << centered << " momentum " << momentum << " step " << t);
    for (int i = 0; i < 4; ++i) CHECK(theta(i) == Approx(expected(i)).epsilon(1e-12));
  }
}

TEST_CASE("clip_gradient_norm returns the norm before clipping", "[optim][clip]") {
  Vector<float> g = (Vector<float>(3) << 3.0f, 4.0f, 0.0f).finished();  // norm 5
  CHECK(ac::optim::clip_gradient_norm<float>(g, 10.0) == Approx(5.0));
  CHECK(g(0) == 3.0f);  // under the limit: untouched
  CHECK(ac::optim::clip_gradient_norm<float>(g, 0.5) == Approx(5.0));
  CHECK(g.norm() == Approx(0.5).epsilon(1e-5));
  CHECK(g(1) / g(0) == Approx(4.0f / 3.0f));  // direction kept
  Vector<float> bad = g;
  bad(2) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(ac::optim::clip_gradient_norm<float>(bad, 0.5), ac::NumericalError);
  CHECK_THROWS_WITH(ac::optim::clip_gradient_norm<float>(g, 0.0), Catch::Contains("max_norm"));
}

TEST_CASE("schedules: constant and linear in training progress", "[optim][schedule]") {
  const auto lr = ac::optim::Schedule::linear(1e-3);
  CHECK(lr(0.0) == 1e-3);
  CHECK(lr(0.25) == Approx(7.5e-4));
  CHECK(lr(1.0) == 0.0);
  const auto clip = ac::optim::Schedule::linear(0.2, 0.1);
  CHECK(clip(0.5) == Approx(0.15));
  CHECK(ac::optim::Schedule::constant(3e-4)(0.7) == 3e-4);
  CHECK(ac::optim::Schedule::constant(3e-4).is_constant());
  CHECK_THROWS_WITH(lr(1.5), Catch::Contains("Schedule: progress: expected a value in [0, 1]"));
  CHECK_THROWS_AS(ac::optim::Schedule::linear(std::nan("")), ac::InvalidArgument);
}
