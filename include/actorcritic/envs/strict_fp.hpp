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
//    through a volatile function pointer.
//  * Python's float `%` is a floored modulo, not C's fmod.
//
// Environment physics is defined between AC_STRICT_FP_BEGIN and AC_STRICT_FP_END
// (GCC's optimize pragma, around the functions; they may be member functions),
// and every function there opens with AC_STRICT_FP_FUNCTION (Clang's fp
// pragma, which may not appear in a class, only at the start of a body).
// Clang's -ffp-contract=fast disregards the pragma by design: build with
// Clang's default (on) or fast-honor-pragmas (docs/reproducibility.md).

#include <cmath>
#include <math.h>

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
