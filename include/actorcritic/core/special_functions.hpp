#pragma once
// Scalar special functions the distributions share, written out here so that
// their bits depend on std::log/std::exp/std::log1p alone (no lgamma, whose
// glibc version also writes the global `signgam`, a data race between threads):
//   softplus(x) = log(1 + eˣ) and the logistic σ(x), stable for every finite x;
//   log Γ(x), the digamma ψ(x) = (log Γ)'(x) and the trigamma ψ'(x), for x > 0.
// The last three shift x up by the recurrences Γ(x + 1) = x Γ(x),
// ψ(x + 1) = ψ(x) + 1/x and ψ'(x + 1) = ψ'(x) − 1/x² until x ≥ 10, then sum
// their asymptotic (Stirling) series, whose terms are the Bernoulli numbers
// B_2k (Abramowitz & Stegun 6.1.40, 6.3.18, 6.4.12): at x ≥ 10 the first
// omitted term is below 1e-16 relative. Below 10, log Γ subtracts the log of
// the shift's product from log Γ(x + n) ≥ 12.8, which leaves an absolute error
// of a few 1e-15 (tests/core/test_special_functions.cpp measures all three).

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ac::detail {

/// log(1 + eˣ) as max(x, 0) + log1p(e^−|x|): finite for every finite x.
template <class S>
S softplus(S x) {
  return std::max(x, S(0)) + std::log1p(std::exp(-std::abs(x)));
}

/// The logistic function 1 / (1 + e^−x), stable on both sides.
template <class S>
S sigmoid(S x) {
  if (x >= S(0)) return S(1) / (S(1) + std::exp(-x));
  const S e = std::exp(x);
  return e / (S(1) + e);
}

/// Where the asymptotic series take over.
inline constexpr double kSpecialFunctionShift = 10.0;

/// log Γ(x) for x > 0.
inline double log_gamma(double x) {
  double product = 1.0;  // x (x + 1) ... up to the shift: log Γ(x) = log Γ(x + n) − log Π
  while (x < kSpecialFunctionShift) {
    product *= x;
    x += 1.0;
  }
  const double r = 1.0 / x, r2 = r * r;
  // Σ B_2k / (2k (2k − 1) x^(2k−1)), k = 1..7
  const double series =
      r * (1.0 / 12 +
           r2 * (-1.0 / 360 +
                 r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 / 156))))));
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi) + series - std::log(product);
}

/// ψ(x) = d/dx log Γ(x) for x > 0.
inline double digamma(double x) {
  double result = 0.0;
  while (x < kSpecialFunctionShift) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double r2 = 1.0 / (x * x);
  // log x − 1/(2x) − Σ B_2k / (2k x^(2k)), k = 1..7
  const double series =
      r2 * (1.0 / 12 -
            r2 * (1.0 / 120 -
                  r2 * (1.0 / 252 - r2 * (1.0 / 240 - r2 * (1.0 / 132 - r2 * (691.0 / 32760 - r2 / 12))))));
  return result + std::log(x) - 0.5 / x - series;
}

/// ψ'(x) = d²/dx² log Γ(x) for x > 0.
inline double trigamma(double x) {
  double result = 0.0;
  while (x < kSpecialFunctionShift) {
    result += 1.0 / (x * x);
    x += 1.0;
  }
  const double r = 1.0 / x, r2 = r * r;
  // 1/x + 1/(2x²) + Σ B_2k / x^(2k+1), k = 1..7
  const double tail = 5.0 / 66 - r2 * (691.0 / 2730 - r2 * 7.0 / 6);
  const double series = r * r2 * (1.0 / 6 - r2 * (1.0 / 30 - r2 * (1.0 / 42 - r2 * (1.0 / 30 - r2 * tail))));
  return result + r + 0.5 * r2 + series;
}

/// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), for a, b > 0.
inline double log_beta_function(double a, double b) { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }

}  // namespace ac::detail
