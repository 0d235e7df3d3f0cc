#pragma once
// Element-wise square roots that are correctly rounded on every CPU.
//
// Eigen 3.4 evaluates ArrayBase::sqrt() (and rsqrt(), cwiseSqrt()) of float
// packets — and, with AVX-512, of double packets — from the rsqrtps/vrsqrt14
// estimate refined by one Newton step whenever EIGEN_FAST_MATH is on, which is
// its default. Those estimates are specified only to a relative-error bound,
// and Intel and AMD processors produce different bits, so an optimizer step
// that took Eigen's sqrt — and from there a whole training run — came out
// differently on different CPUs (issue 12).
//
// `exact_sqrt` is IEEE-754 square root in every lane: sqrtps/sqrtpd in Eigen's
// packet path, std::sqrt in its scalar path, the two equal bit for bit. It
// changes nothing for the user's own Eigen code: no EIGEN_FAST_MATH override.
// The library uses it wherever it takes a square root of an array
// (tests/core/test_reproducible_math.cpp checks it, and that no header calls Eigen's
// approximate sqrt/rsqrt/pow).

#include "actorcritic/core/types.hpp"

#include <cmath>

namespace ac {
namespace detail {

template <RealScalar Scalar>
struct ExactSqrtOp {
  Scalar operator()(const Scalar& x) const { return std::sqrt(x); }

#if defined(EIGEN_VECTORIZE_SSE2)
  // One overload per packet type Eigen may hand us (full, half and quarter
  // packets of the enabled instruction sets). All are the IEEE instruction.
  static Eigen::internal::Packet4f packet_sqrt(const Eigen::internal::Packet4f& x) { return _mm_sqrt_ps(x); }
  static Eigen::internal::Packet2d packet_sqrt(const Eigen::internal::Packet2d& x) { return _mm_sqrt_pd(x); }
#if defined(EIGEN_VECTORIZE_AVX)
  static Eigen::internal::Packet8f packet_sqrt(const Eigen::internal::Packet8f& x) { return _mm256_sqrt_ps(x); }
  static Eigen::internal::Packet4d packet_sqrt(const Eigen::internal::Packet4d& x) { return _mm256_sqrt_pd(x); }
#endif
#if defined(EIGEN_VECTORIZE_AVX512)
  static Eigen::internal::Packet16f packet_sqrt(const Eigen::internal::Packet16f& x) { return _mm512_sqrt_ps(x); }
  static Eigen::internal::Packet8d packet_sqrt(const Eigen::internal::Packet8d& x) { return _mm512_sqrt_pd(x); }
#endif
  template <class Packet>
  Packet packetOp(const Packet& x) const {
    return packet_sqrt(x);
  }
#endif
};

}  // namespace detail

/// √x element by element, correctly rounded (IEEE-754) on every CPU and in
/// every lane; an Eigen expression, so it fuses like `x.sqrt()` would.
template <class Derived>
[[nodiscard]] auto exact_sqrt(const Eigen::ArrayBase<Derived>& x) {
  return x.derived().unaryExpr(detail::ExactSqrtOp<typename Derived::Scalar>{});
}

}  // namespace ac

namespace Eigen::internal {

template <class Scalar>
struct functor_traits<ac::detail::ExactSqrtOp<Scalar>> {
  enum {
    Cost = 5 * NumTraits<Scalar>::MulCost,
#if defined(EIGEN_VECTORIZE_SSE2)
    PacketAccess = packet_traits<Scalar>::Vectorizable
#else
    PacketAccess = 0  // elsewhere (NEON, ...) Eigen's packet sqrt is an estimate too: scalar std::sqrt
#endif
  };
};

}  // namespace Eigen::internal
