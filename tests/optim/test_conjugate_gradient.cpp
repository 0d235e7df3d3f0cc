// Conjugate gradient against a direct (LDLᵀ) solve of random SPD systems.
#include <actorcritic/core/generator.hpp>
#include <actorcritic/optim/conjugate_gradient.hpp>
#include <catch2/catch.hpp>

#include <Eigen/Cholesky>

using ac::Index;
using ac::Matrix;
using ac::Vector;

namespace {

Matrix<double> random_spd(Index n, ac::Generator& rng, double shift) {
  Matrix<double> a(n, n);
  rng.fill_normal(a);
  return a * a.transpose() / double(n) + shift * Matrix<double>::Identity(n, n);
}

}  // namespace

TEST_CASE("conjugate gradient solves random SPD systems", "[optim][cg]") {
  const Index n = GENERATE(1, 5, 30);
  const double damping = GENERATE(0.0, 0.1);
  ac::Generator rng(static_cast<std::uint64_t>(n));
  const Matrix<double> a = random_spd(n, rng, 0.5);
  Vector<double> b(n);
  rng.fill_normal(b);
  ac::optim::ConjugateGradient<double> cg(
      n, {.max_iterations = static_cast<int>(4 * n), .residual_tolerance = 1e-24, .damping = damping});
  Vector<double> x(n);
  int products = 0;
  const auto result = cg.solve(
      [&](const Vector<double>& p, Vector<double>& out) {
        ++products;
        out.noalias() = a * p;
      },
      b, x);
  const Matrix<double> damped = a + damping * Matrix<double>::Identity(n, n);
  const Vector<double> direct = damped.ldlt().solve(b);
  CHECK((x - direct).norm() / direct.norm() < 1e-9);
  CHECK(result.converged);
  CHECK(result.iterations == products);
  CHECK(result.iterations <= n + 2);  // exact arithmetic needs at most n
  CHECK((damped * x - b).norm() < 1e-10 * b.norm() + result.residual_norm * 10);
}

TEST_CASE("conjugate gradient respects max_iterations and rejects indefinite operators", "[optim][cg]") {
  ac::Generator rng(3);
  const Matrix<double> a = random_spd(40, rng, 0.01);
  Vector<double> b = Vector<double>::Ones(40), x(40);
  ac::optim::ConjugateGradient<double> cg(40, {.max_iterations = 10});
  const auto result = cg.solve([&](const Vector<double>& p, Vector<double>& out) { out.noalias() = a * p; }, b, x);
  CHECK(result.iterations == 10);
  CHECK_FALSE(result.converged);
  // Ten iterations still reduce the residual (CG minimizes the A-norm error over the Krylov space).
  CHECK((a * x - b).norm() < b.norm());

  const Matrix<double> indefinite = -Matrix<double>::Identity(4, 4);
  ac::optim::ConjugateGradient<double> cg4(4);
  Vector<double> b4 = Vector<double>::Ones(4), x4(4);
  CHECK_THROWS_AS(cg4.solve([&](const Vector<double>& p, Vector<double>& out) { out.noalias() = indefinite * p; }, b4, x4),
                  ac::NumericalError);
  CHECK_THROWS_WITH(cg4.solve([](const Vector<double>&, Vector<double>&) {}, b, x4), Catch::Contains("expected b and x of size 4"));
  CHECK_THROWS_WITH(ac::optim::ConjugateGradient<double>(4, {.max_iterations = 0}),
                    Catch::Contains("ConjugateGradientConfig.max_iterations"));
}
