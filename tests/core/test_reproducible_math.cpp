// What makes a run's bits independent of the CPU (docs/reproducibility.md):
// - the library's square roots are IEEE-754 square roots in every lane of every
//   instruction set, bit for bit equal to std::sqrt; this fails on every CPU if
//   an rsqrt/rcp estimate (Eigen's EIGEN_FAST_MATH sqrt) is used;
// - the library's matrix products round the same way whatever L1 cache size
//   Eigen reads from the CPU.
// The `native` test area compiles this file again with -march=native, so the
// AVX and AVX-512 packet and GEMM paths are checked where the CPU has them.
#include <actorcritic/core/exact_math.hpp>
#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/product.hpp>
#include <actorcritic/optim/adam.hpp>
#include <actorcritic/optim/rmsprop.hpp>
#include <actorcritic/rollout/vec_normalize.hpp>
#include <catch2/catch.hpp>
#include <support/cache_sizes.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace {

template <class Scalar>
using Bits = std::conditional_t<sizeof(Scalar) == 4, std::uint32_t, std::uint64_t>;

/// Non-negative values over the whole range: uniform bit patterns (so about
/// 1/255 of floats are denormal), and the edges.
template <class Scalar>
ac::Vector<Scalar> sqrt_inputs(ac::Index n, std::uint64_t seed) {
  using Limits = std::numeric_limits<Scalar>;
  ac::Generator rng(seed);
  ac::Vector<Scalar> x(n);
  const double top = static_cast<double>(std::bit_cast<Bits<Scalar>>(Limits::infinity()));
  for (ac::Index i = 0; i < n; ++i) {
    x(i) = std::bit_cast<Scalar>(static_cast<Bits<Scalar>>(rng.uniform() * top));
  }
  const Scalar edges[] = {Scalar(0),           -Scalar(0),         Limits::denorm_min(), Limits::min(),
                          Limits::max(),       Limits::infinity(), Scalar(1),            Scalar(2),
                          Limits::epsilon(),   Scalar(0.25),       Scalar(1e-30),        Limits::min() / Scalar(3)};
  for (ac::Index i = 0; i < ac::Index(std::size(edges)) && i < n; ++i) x(i) = edges[i];
  return x;
}

template <class Scalar>
ac::Index mismatches(const ac::Vector<Scalar>& got, const ac::Vector<Scalar>& x) {
  ac::Index count = 0;
  for (ac::Index i = 0; i < x.size(); ++i) {
    count += std::bit_cast<Bits<Scalar>>(got(i)) != std::bit_cast<Bits<Scalar>>(std::sqrt(x(i)));
  }
  return count;
}

}  // namespace

TEMPLATE_TEST_CASE("exact_sqrt equals std::sqrt bit for bit, denormals, zeros, infinity and the largest values included",
                   "[core][exact_math]", float, double) {
  // Lengths around the packet sizes (4, 8, 16 floats) hit the full, half and scalar paths.
  for (const ac::Index n : {ac::Index(1), ac::Index(3), ac::Index(7), ac::Index(17), ac::Index(33), ac::Index(100'003)}) {
    const ac::Vector<TestType> x = sqrt_inputs<TestType>(n, 1000 + std::uint64_t(n));
    ac::Vector<TestType> got = ac::exact_sqrt(x.array()).matrix();
    INFO("n = " << n);
    CHECK(mismatches(got, x) == 0);
    // Inside a larger expression, as the optimizers use it, and on an unaligned segment.
    got = (ac::exact_sqrt(x.array()) * TestType(1) - TestType(0)).matrix();  // keeps -0
    CHECK(mismatches(got, x) == 0);
    if (n > 1) {
      const ac::Vector<TestType> tail = x.tail(n - 1);
      const ac::Vector<TestType> got_tail = ac::exact_sqrt(x.tail(n - 1).array()).matrix();
      CHECK(mismatches(got_tail, tail) == 0);
    }
  }
  // sqrt of a negative number is a NaN in every lane.
  const ac::Vector<TestType> negative = -ac::Vector<TestType>::LinSpaced(37, 1, 100);
  CHECK(ac::exact_sqrt(negative.array()).isNaN().all());
}

TEST_CASE("the check above fails for Eigen's own fast float sqrt", "[core][exact_math]") {
#if EIGEN_FAST_MATH && defined(EIGEN_VECTORIZE_SSE2)
  // Eigen 3.4 with EIGEN_FAST_MATH (its default) takes an rsqrt estimate and one
  // Newton step: 1-2 bits off on a good share of inputs, and flushes denormals.
  const ac::Vector<float> x = sqrt_inputs<float>(100'003, 7);
  const ac::Vector<float> eigen = x.array().sqrt().matrix();
  CHECK(mismatches(eigen, x) > 1000);
#else
  SUCCEED("Eigen's packet sqrt is exact in this build (EIGEN_FAST_MATH=0 or no SSE)");
#endif
}

TEST_CASE("Adam and RMSprop steps equal scalar loops over std::sqrt bit for bit", "[core][exact_math][optim]") {
  const ac::Index n = 1031;
  ac::Generator rng(5);
  ac::Matrix<double> draws(n, 6);
  rng.fill_normal(draws);
  const ac::Vector<float> theta0 = draws.col(0).cast<float>();
  SECTION("Adam") {
    ac::optim::Adam<float> adam(n, {.learning_rate = 3e-4, .epsilon = 1e-5});
    ac::Vector<float> theta = theta0, expected = theta0, m = ac::Vector<float>::Zero(n), v = m;
    const float b1 = 0.9f, b2 = 0.999f;
    for (int t = 1; t <= 5; ++t) {
      const ac::Vector<float> g = (draws.col(t) * std::pow(10.0, -t)).cast<float>();  // down to ~1e-5: small v̂
      adam.step(theta, g);
      const auto step_size = static_cast<float>(3e-4 / (1.0 - std::pow(0.9, t)));
      const auto inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(0.999, t)));
      for (ac::Index i = 0; i < n; ++i) {
        m(i) = b1 * m(i) + (1.0f - b1) * g(i);
        v(i) = b2 * v(i) + (1.0f - b2) * (g(i) * g(i));
        expected(i) -= step_size * m(i) / (std::sqrt(v(i)) * inv_sqrt_bc2 + 1e-5f);
      }
      INFO("step " << t);
      REQUIRE(theta == expected);
    }
  }
  SECTION("RMSprop, plain and centered") {
    const bool centered = GENERATE(false, true);
    ac::optim::Rmsprop<float> rmsprop(n, {.learning_rate = 7e-4, .alpha = 0.99, .epsilon = 1e-5, .centered = centered});
    ac::Vector<float> theta = theta0, expected = theta0, sq = ac::Vector<float>::Zero(n), avg = sq;
    const float alpha = 0.99f;
    for (int t = 1; t <= 5; ++t) {
      const ac::Vector<float> g = draws.col(t).cast<float>();
      rmsprop.step(theta, g);
      for (ac::Index i = 0; i < n; ++i) {
        sq(i) = alpha * sq(i) + (1.0f - alpha) * (g(i) * g(i));
        avg(i) = alpha * avg(i) + (1.0f - alpha) * g(i);
        const float d = centered ? std::sqrt(sq(i) - avg(i) * avg(i)) + 1e-5f : std::sqrt(sq(i)) + 1e-5f;
        expected(i) -= 7e-4f * (g(i) / d);
      }
      INFO("step " << t << (centered ? ", centered" : ""));
      REQUIRE(theta == expected);
    }
  }
}

TEST_CASE("VecNormalize scales observations by 1 / std::sqrt(var + ε) exactly", "[core][exact_math][rollout]") {
  const ac::Index dim = 19, envs = 5;
  ac::VecNormalize normalize(dim, envs, {.observations = true, .rewards = false, .clip_observation = 1e9});
  ac::Generator rng(9);
  ac::Matrix<double> raw(dim, envs);
  for (int k = 0; k < 3; ++k) {
    rng.fill_normal(raw);
    ac::Matrix<float> batch = (raw * 100.0).cast<float>();
    normalize.observe(batch);
  }
  rng.fill_normal(raw);
  const ac::Matrix<float> probe = raw.cast<float>();
  normalize.set_training(false);
  ac::Matrix<float> got(dim, envs);
  normalize.normalize_observations(probe, got);
  const auto& stats = normalize.observation_statistics();
  for (ac::Index i = 0; i < dim; ++i) {
    const auto inverse_std = static_cast<float>(1.0 / std::sqrt(stats.var()(i) + 1e-8));
    const auto mean = static_cast<float>(stats.mean()(i));
    for (ac::Index j = 0; j < envs; ++j) CHECK(got(i, j) == (probe(i, j) - mean) * inverse_std);
  }
}


TEST_CASE("assign_product and add_product compute the product, at every depth", "[core][product]") {
  ac::Generator rng(17);
  // 3 rows go through the row-by-row route (core/product.hpp), 7 through Eigen's GEMM kernel.
  for (const ac::Index rows : {ac::Index{3}, ac::Index{7}}) {
    for (const ac::Index depth : {0, 1, 63, 64, 65, 200, 1000}) {
      ac::Matrix<double> a(rows, depth), b(9, depth), c0(rows, 9);
      rng.fill_normal(a);
      rng.fill_normal(b);
      rng.fill_normal(c0);
      ac::Matrix<double> expected(rows, 9);  // brute force: Σ_k a(i, k) b(j, k)
      for (ac::Index i = 0; i < rows; ++i) {
        for (ac::Index j = 0; j < 9; ++j) {
          double sum = 0.0;
          for (ac::Index k = 0; k < depth; ++k) sum += a(i, k) * b(j, k);
          expected(i, j) = sum;
        }
      }
      INFO(rows << " rows, depth " << depth);
      ac::Matrix<double> c(rows, 9);
      ac::assign_product(c, a, b.transpose());
      CHECK((c - expected).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + double(depth)));
      ac::Matrix<double> sum = c0;
      ac::add_product(ac::MatrixMap<double>(sum.data(), rows, 9), a, b.transpose());
      CHECK((sum - (c0 + expected)).cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + double(depth)));
    }
  }
}

TEST_CASE("up to depth 64, assign_product gives Eigen's own dst = lhs * rhs bit for bit, into any destination",
          "[core][product]") {
  // assign_product zeroes a contiguous destination in one pass and adds the
  // product into it; Eigen zeroes column by column, or, for tiny products,
  // assigns a coefficient-based product. Shapes on both sides of that threshold,
  // single rows and columns, contiguous and strided destinations. A product of
  // at most kRowwiseProductMaxRows rows (beyond the tiny ones) is Eigen's
  // one-row product for each row, bit for bit; more rows, Eigen's whole product.
  ac::Generator rng(23);
  const ac::Index shapes[][3] = {{1, 1, 1}, {2, 3, 4}, {5, 7, 7},  {3, 4, 12}, {4, 64, 1}, {1, 64, 9},
                                 {64, 4, 256}, {64, 64, 256}, {2, 64, 256}, {4, 64, 256}, {5, 64, 256},
                                 {33, 17, 5}, {64, 0, 8}};
  // Eigen's own product into `dst`: row by row where assign_product goes that route.
  const auto eigen_product = [](auto&& dst, const ac::Matrix<float>& a, const ac::Matrix<float>& b) {
    const bool tiny = a.cols() + a.rows() + b.cols() < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;
    if (a.rows() <= ac::kRowwiseProductMaxRows && !tiny) {
      for (ac::Index i = 0; i < a.rows(); ++i) dst.row(i).noalias() = a.row(i) * b;
    } else {
      dst.noalias() = a * b;
    }
  };
  for (const auto& shape : shapes) {
    const ac::Index rows = shape[0], depth = shape[1], cols = shape[2];
    ac::Matrix<float> a(rows, depth), b(depth, cols);
    rng.fill_normal(a);
    rng.fill_normal(b);
    ac::Matrix<float> expected(rows, cols);
    eigen_product(expected, a, b);
    INFO(rows << " x " << depth << " x " << cols);
    ac::Matrix<float> whole = ac::Matrix<float>::Constant(rows, cols, 7.0f);
    ac::assign_product(ac::MatrixRef<float>(whole), a, b);
    CHECK(whole == expected);
    ac::Matrix<float> wider = ac::Matrix<float>::Constant(rows, cols + 3, 7.0f);  // leftCols: contiguous
    ac::assign_product(wider.leftCols(cols), a, b);
    CHECK(wider.leftCols(cols) == expected);
    CHECK((wider.rightCols(3).array() == 7.0f).all());
    // Middle rows: strided. Eigen's coefficient-based product for tiny shapes
    // vectorizes by the destination's layout, so the reference is Eigen's own
    // product into a destination of the same layout.
    ac::Matrix<float> taller = ac::Matrix<float>::Constant(rows + 2, cols, 7.0f), taller_eigen = taller;
    ac::assign_product(ac::MatrixRef<float>(taller.middleRows(1, rows)), a, b);
    eigen_product(taller_eigen.middleRows(1, rows), a, b);
    CHECK(taller == taller_eigen);
  }
}

TEST_CASE("the library's products round the same for every L1 cache size; Eigen's own do not", "[core][product]") {
  ac::Generator rng(3);
  ac::Matrix<double> a(64, 2048), b(2048, 64);
  rng.fill_normal(a);
  rng.fill_normal(b);
  const ac::Matrix<float> af = a.cast<float>(), bf = b.cast<float>();
  ac::Matrix<float> eigen_reference(64, 64), library_reference(64, 64);
  ac::assign_product(library_reference, af, bf);
  eigen_reference.noalias() = af * bf;
  bool eigen_moved = false;
  for (const std::ptrdiff_t l1 : {16 * 1024, 32 * 1024, 48 * 1024, 64 * 1024}) {
    const ac::test::CacheSizes sizes(l1, 1 << 20, 32 << 20);
    ac::Matrix<float> eigen(64, 64), library(64, 64), accumulated = ac::Matrix<float>::Zero(64, 64);
    eigen.noalias() = af * bf;
    ac::assign_product(library, af, bf);
    ac::add_product(accumulated, af, bf);
    INFO("L1 " << l1 / 1024 << " KiB");
    CHECK(library == library_reference);
    CHECK(accumulated == library_reference);
    eigen_moved = eigen_moved || eigen != eigen_reference;
  }
  // The hazard itself: Eigen blocks the depth by the L1 size it is told, and rounds accordingly.
  CHECK(eigen_moved);
  CHECK((library_reference - eigen_reference).cwiseAbs().maxCoeff() < 1e-3f);  // the same product
}
