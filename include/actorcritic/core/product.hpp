#pragma once
// Matrix products whose rounding does not depend on the CPU's cache sizes.
//
// Eigen's GEMM splits the inner (depth) dimension of a product into blocks of
// kc, which it derives at run time from the L1 data cache size it reads with
// CPUID (GeneralBlockPanelKernel.h, evaluateProductBlockingSizesHeuristic).
// Each block's partial sums are added into the result in turn, so where the
// blocks end decides how the sum is rounded: the same product of depth 2048
// rounds one way on a CPU with a 32 KiB L1 and another way with 48 KiB.
//
// Eigen never splits a depth up to kProductDepthBlock = 64 on an L1 of 16 KiB
// or more (its kc there is at least 120 for float and double with SSE2, AVX2
// and AVX-512; the smallest x86-64 L1s, AMD's Bulldozer family, have 16 KiB),
// so these functions cut deeper products at fixed multiples of 64 and add the
// pieces in order. Row and column blocking still follow the cache: harmless with SSE2 and AVX-512,
// and with AVX2 for an L1 of 32 KiB or more, as every AVX2 CPU has (measured by test_fingerprints).

#include "actorcritic/core/types.hpp"

#include <algorithm>

namespace ac {

/// The inner dimension of one Eigen product call inside the library.
inline constexpr Index kProductDepthBlock = 64;

/// dst += lhs · rhs, summed over the depth in fixed blocks of kProductDepthBlock.
template <class Dst, class Lhs, class Rhs>
void add_product(Dst&& dst, const Lhs& lhs, const Rhs& rhs) {
  const Index depth = lhs.cols();
  for (Index k = 0; k < depth; k += kProductDepthBlock) {
    const Index block = std::min(kProductDepthBlock, depth - k);
    dst.noalias() += lhs.middleCols(k, block) * rhs.middleRows(k, block);
  }
}

/// dst = lhs · rhs, summed over the depth in fixed blocks of kProductDepthBlock.
template <class Dst, class Lhs, class Rhs>
void assign_product(Dst&& dst, const Lhs& lhs, const Rhs& rhs) {
  const Index depth = lhs.cols();
  if (depth <= kProductDepthBlock) {
    dst.noalias() = lhs * rhs;
    return;
  }
  dst.noalias() = lhs.leftCols(kProductDepthBlock) * rhs.topRows(kProductDepthBlock);
  add_product(dst, lhs.rightCols(depth - kProductDepthBlock), rhs.bottomRows(depth - kProductDepthBlock));
}

}  // namespace ac
