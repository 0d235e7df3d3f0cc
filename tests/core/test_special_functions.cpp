// log Γ, ψ and ψ' (core/special_functions.hpp) against independent values:
// the C library's lgamma, closed forms at 1/2 and 1, central differences of
// one another, and the recurrences across x = 10, where the series take over.
#include <actorcritic/core/special_functions.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

using ac::detail::digamma;
using ac::detail::log_gamma;
using ac::detail::trigamma;

namespace {
constexpr double kEulerGamma = 0.57721566490153286061;
const double kPoints[] = {1e-6, 1e-3, 0.1, 0.5, 0.999, 1.0, 1.5, 2.0, 3.7, 9.5, 9.999, 10.0, 10.5, 37.2, 1e3, 1e6};
}  // namespace

TEST_CASE("log Γ agrees with the C library's lgamma", "[core][special]") {
  for (const double x : kPoints) {
    INFO("x = " << x);
    // Below 10 the shift subtracts log(x (x + 1) ...) from log Γ(x + n) ≈ 12.8: two of its ulp (1.8e-15)
    // bound the absolute error where log Γ itself is near 0 (it vanishes at 1 and 2).
    CHECK(log_gamma(x) == Approx(std::lgamma(x)).epsilon(1e-14).margin(4e-15));
  }
}

TEST_CASE("ψ and ψ' have their closed forms at 1/2 and 1", "[core][special]") {
  const double pi2 = std::numbers::pi * std::numbers::pi;
  CHECK(digamma(1.0) == Approx(-kEulerGamma).epsilon(1e-15));
  CHECK(digamma(0.5) == Approx(-kEulerGamma - 2 * std::numbers::ln2).epsilon(1e-15));
  CHECK(trigamma(1.0) == Approx(pi2 / 6).epsilon(1e-15));
  CHECK(trigamma(0.5) == Approx(pi2 / 2).epsilon(1e-15));
  // Far from 0: ψ(x) ≈ log x − 1/(2x) − 1/(12x²), ψ'(x) ≈ 1/x + 1/(2x²).
  CHECK(digamma(1e6) == Approx(std::log(1e6) - 0.5e-6 - 1.0 / 12e12).epsilon(1e-15));
  CHECK(trigamma(1e6) == Approx(1e-6 + 0.5e-12).epsilon(1e-12));
}

TEST_CASE("ψ is log Γ's derivative and ψ' is ψ's, by central differences", "[core][special]") {
  for (const double x : kPoints) {
    if (x < 0.1) continue;  // the difference quotient needs h ≪ x
    const double h = 1e-5 * x;
    INFO("x = " << x);
    CHECK(digamma(x) == Approx((log_gamma(x + h) - log_gamma(x - h)) / (2 * h)).epsilon(1e-7).margin(1e-9));
    CHECK(trigamma(x) == Approx((digamma(x + h) - digamma(x - h)) / (2 * h)).epsilon(1e-7));
  }
}

TEST_CASE("the recurrences hold across the switch to the asymptotic series", "[core][special]") {
  for (const double x : {8.5, 9.25, 9.999, 10.0, 10.75}) {
    INFO("x = " << x);
    CHECK(log_gamma(x + 1) - log_gamma(x) == Approx(std::log(x)).epsilon(1e-14));
    CHECK(digamma(x + 1) - digamma(x) == Approx(1 / x).epsilon(1e-13));
    CHECK(trigamma(x) - trigamma(x + 1) == Approx(1 / (x * x)).epsilon(1e-12));
  }
}

TEST_CASE("softplus and the logistic function are finite and exact at the extremes", "[core][special]") {
  using ac::detail::sigmoid;
  using ac::detail::softplus;
  CHECK(softplus(1000.0) == 1000.0);
  CHECK(softplus(-1000.0) == 0.0);
  CHECK(softplus(0.3) == Approx(std::log1p(std::exp(0.3))).epsilon(1e-15));
  CHECK(softplus(-40.0f) > 0.0f);  // e^−40 survives in float
  CHECK(sigmoid(1000.0) == 1.0);
  CHECK(sigmoid(-1000.0) == 0.0);
  CHECK(sigmoid(0.7) + sigmoid(-0.7) == Approx(1.0).epsilon(1e-15));
}
