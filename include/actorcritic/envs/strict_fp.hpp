#pragma once
// What bit-exact agreement with Gymnasium needs from the compiler, made part
// of the header so that a user's flags cannot take it away:
//
//  * No contraction of a*b + c into a fused multiply-add. GCC contracts by
//    default in GNU modes (and with -march=native has FMA to contract into).
//  * No SLP vectorization, which in GCC 12 dropped explicit float32 roundings
//    (refdata porting note 6), and no -ffast-math reassociation.
//  * Python's `x**2` is libm pow(x, 2.0), which differs from x*x in ~0.08% of
//    inputs on glibc; GCC folds std::pow(x, 2.0) to x*x, so we call pow
//    through a volatile function pointer, where an exact square cannot tell
//    the result (python_square).
//  * Python's float `%` is a floored modulo, not C's fmod.
//
// Environment physics is defined between AC_STRICT_FP_BEGIN and AC_STRICT_FP_END
// (GCC's optimize pragma, around the functions; they may be member functions),
// and every function there opens with AC_STRICT_FP_FUNCTION (Clang's fp
// pragma, which may not appear in a class, only at the start of a body).
// Clang's -ffp-contract=fast disregards the pragma by design: build with
// Clang's default (on) or fast-honor-pragmas (docs/reproducibility.md).

#include <bit>
#include <cmath>
#include <cstdint>
#include <math.h>
#include <optional>

#if defined(__clang__)
#define AC_STRICT_FP_BEGIN
#define AC_STRICT_FP_END
#define AC_STRICT_FP_FUNCTION _Pragma("clang fp contract(off)")
#elif defined(__GNUC__)
#define AC_STRICT_FP_BEGIN \
  _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\", \"no-tree-slp-vectorize\", \"no-fast-math\")")
#define AC_STRICT_FP_END _Pragma("GCC pop_options")
#define AC_STRICT_FP_FUNCTION
#else
#define AC_STRICT_FP_BEGIN
#define AC_STRICT_FP_END
#define AC_STRICT_FP_FUNCTION
#endif

namespace ac::envs::detail {

AC_STRICT_FP_BEGIN

/// libm pow, never folded by the compiler (Python's float `**`, `math.pow`).
inline double python_pow(double base, double exponent) {
  static double (*volatile const libm_pow)(double, double) = &::pow;
  return libm_pow(base, exponent);
}

/// x², rounded, when libm's pow(x, 2.0) is certain to return it; nullopt where it is not.
///
/// pow is not correctly rounded. glibc's (Arm's optimized routines, glibc
/// 2.28 and later) rounds an approximation of x^y once, at the end, and its
/// source bounds the error at 0.54 ULP: 0.5 from that rounding, about 0.04
/// from the approximation (0.009 from exp, 1024·ln 2·2^-68·2^53 from log;
/// with or without FMA). So pow(x, 2.0) and the correctly rounded x * x
/// differ only where x² lies near the midpoint between two doubles (about
/// 1 input in 1,200 here). Dekker's product gives x² exactly as hi + lo
/// (hi = x * x rounded; exact without FMA, the pragmas above keeping the
/// compiler from contracting it). When |lo| ≤ 7/16 ULP of hi, every double
/// other than hi is at least 9/16 ULP from x², so a pow within 0.54 ULP
/// returns hi: about 7 squares in 8 (measured, pow's error stays below
/// 0.51 ULP: a threshold of 0.49 ULP still matches it on the test's
/// inputs). Where hi is a power of two the spacing below it halves, so hi is
/// returned only for an exact square (lo = 0:
/// the approximation, within 0.04 ULP of it, rounds to it; clipped actions
/// such as Pendulum's ±2 torque are this case). Magnitudes outside 2^±450
/// (where the split could overflow or lose bits), 0, ∞ and NaN, and every
/// other input are left to libm. tests/envs/test_replay.cpp checks the
/// results against libm's pow in every build flavour.
inline std::optional<double> square_where_pow_is_certain(double x) {
  AC_STRICT_FP_FUNCTION
  const double magnitude = std::fabs(x);
  if (!(magnitude >= 0x1p-450 && magnitude <= 0x1p450)) return std::nullopt;
  const double hi = x * x;
  // Veltkamp's split: x = high + low, each with at most 26 significant bits, so
  // their products are exact (Dekker 1971, "A floating-point technique for
  // extending the available precision", mul12).
  const double scaled = 134217729.0 * x;  // 2^27 + 1
  const double high = scaled - (scaled - x);
  const double low = x - high;
  const double lo = ((high * high - hi) + high * low + low * high) + low * low;
  const auto bits = std::bit_cast<std::uint64_t>(hi);
  constexpr std::uint64_t kSignificand = (std::uint64_t{1} << 52) - 1;
  if ((bits & kSignificand) == 0) return lo == 0.0 ? std::optional<double>(hi) : std::nullopt;
  const double ulp = std::bit_cast<double>(bits & ~kSignificand) * 0x1p-52;  // hi ≥ 2^-900: exact
  if (std::fabs(lo) > 0.4375 * ulp) return std::nullopt;
  return hi;
}

/// Python's `x**2` on a float: libm pow(x, 2.0), bit for bit, but calling pow
/// only for the eighth of inputs where x * x might not be its result.
inline double python_square(double x) {
  AC_STRICT_FP_FUNCTION
  if (const std::optional<double> square = square_where_pow_is_certain(x)) return *square;
  return python_pow(x, 2.0);
}

/// Rounds to float32 and back, in a way no optimizer may drop (numpy's
/// `.astype(np.float32)` on a float64 value).
inline float to_float32(double value) {
  float rounded = static_cast<float>(value);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __asm__ volatile("" : "+x"(rounded));  // the value must exist as a float in a register
#elif defined(__GNUC__)
  __asm__ volatile("" : "+r"(rounded));
#else
  volatile float barrier = rounded;
  rounded = barrier;
#endif
  return rounded;
}

/// Python's floored modulo for floats: the result has the sign of `divisor`
/// (numpy.remainder on float64, CPython float_rem).
inline double floored_mod(double value, double divisor) {
  double mod = std::fmod(value, divisor);
  if (mod != 0.0) {
    if ((divisor < 0.0) != (mod < 0.0)) mod += divisor;
  } else {
    mod = std::copysign(0.0, divisor);
  }
  return mod;
}

/// Python's min(max(x, low), high) (numpy.clip on a scalar gives the same).
inline double clip(double value, double low, double high) { return std::min(std::max(value, low), high); }

AC_STRICT_FP_END

}  // namespace ac::envs::detail
