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
#include <type_traits>

namespace ac {

/// The inner dimension of one Eigen product call inside the library.
inline constexpr Index kProductDepthBlock = 64;
/// Products with at most this many rows go through Eigen's matrix-vector kernel row by row
/// (detail::add_block_product).
inline constexpr Index kRowwiseProductMaxRows = 4;

namespace detail {

/// A dynamic-sized operand whose coefficients Eigen reads from memory with unit inner stride
/// (a Map, a Ref, a block or a transpose of one): strided_view can stand in for it.
template <class E>
concept StridedOperand = E::RowsAtCompileTime == Eigen::Dynamic && E::ColsAtCompileTime == Eigen::Dynamic &&
                         E::InnerStrideAtCompileTime == 1 && requires(const E& e) {
                           e.data();
                           e.outerStride();
                         };

/// The operand as a map of its memory in its own storage order, with a run-time outer stride.
///
/// Every product of the library then instantiates Eigen's product code for one
/// type per storage order, instead of once for every combination of Map, Ref,
/// block and transpose types the callers pass: each such combination costs
/// about a second of compile time at -O0 and more at -O3, and the products'
/// instantiations were a fifth of a run's compile time (docs/building.md).
/// Eigen reads the same memory in the same order through the map (its GEMM
/// packs by storage order and stride; its coefficient-based product vectorizes
/// by the same flags), so the bits are the same (test_fingerprints and
/// test_reproducible_math's product cases check it in every flavour).
template <StridedOperand E>
auto strided_view(const E& e) {
  using Matrix = Eigen::Matrix<typename E::Scalar, Eigen::Dynamic, Eigen::Dynamic,
                               E::IsRowMajor ? Eigen::RowMajor : Eigen::ColMajor>;
  return Eigen::Map<const Matrix, Eigen::Unaligned, Eigen::OuterStride<>>(e.data(), e.rows(), e.cols(),
                                                                          Eigen::OuterStride<>(e.outerStride()));
}
template <class E>
const E& strided_view(const E& e) {  // a compile-time shape or an expression: as it is
  return e;
}

/// dst += lhs · rhs for one depth block, one matrix-vector product per row when lhs has at most
/// kRowwiseProductMaxRows rows.
///
/// A product of so few rows (a policy head's 2-4 logits, their weight gradient) falls into the
/// leftover-rows path of Eigen's GEMM kernel, which at 64 x 256 and 256 x 64 is 1.3-3.5x slower than
/// one matrix-vector product per row in every flavour (x86-64-v4: 2.80 against 1.69 us forward and
/// 3.63 against 1.27 us for the weight gradient at 2 rows; 4.57/3.44 and 5.36/2.64 us at 4; with
/// 8 rows and more the kernel wins; benchmarks/bench_mlp's BM_HeadProduct). One row is what Eigen
/// itself does (GeneralMatrixMatrix.h sends a one-row product to its matrix-vector kernel), so a
/// one-row product rounds as before; with 2-4 rows each row now rounds as one row would.
template <class Dst, class Lhs, class Rhs>
void add_block_product(Dst&& dst, const Lhs& lhs, const Rhs& rhs) {
  if (lhs.rows() <= kRowwiseProductMaxRows) {
    for (Index i = 0; i < lhs.rows(); ++i) dst.row(i).noalias() += lhs.row(i) * rhs;
  } else {
    dst.noalias() += lhs * rhs;
  }
}

/// dst += lhs · rhs over the depth in blocks of kProductDepthBlock (add_product without the views).
template <class Dst, class Lhs, class Rhs>
void add_product_blocks(Dst&& dst, const Lhs& lhs, const Rhs& rhs) {
  const Index depth = lhs.cols();
  for (Index k = 0; k < depth; k += kProductDepthBlock) {
    const Index block = std::min(kProductDepthBlock, depth - k);
    add_block_product(dst, lhs.middleCols(k, block), rhs.middleRows(k, block));
  }
}

/// dst = 0 in one pass over memory when dst's columns are contiguous (a whole
/// matrix or a leftCols block of one), else column by column.
template <class Dst>
void set_zero(Dst& dst) {
  if (is_contiguous(dst)) {
    using Scalar = typename std::remove_cvref_t<Dst>::Scalar;
    Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, 1>>(dst.data(), dst.size()).setZero();
  } else {
    dst.setZero();
  }
}
}  // namespace detail

/// dst += lhs · rhs, summed over the depth in fixed blocks of kProductDepthBlock.
template <class Dst, class Lhs, class Rhs>
void add_product(Dst&& dst, const Lhs& lhs, const Rhs& rhs) {
  detail::add_product_blocks(dst, detail::strided_view(lhs), detail::strided_view(rhs));
}

/// dst = lhs · rhs, summed over the depth in fixed blocks of kProductDepthBlock.
///
/// Eigen's own `dst = lhs * rhs` zeroes dst column by column and then adds the
/// product into it (GeneralMatrixMatrix.h, evalTo), except for products so
/// small that it computes them coefficient by coefficient. The first block
/// here does the same, zeroing in one pass when it can: the same bits, and for
/// a 32 x 1024 minibatch activation, a memset instead of a loop over columns
/// (which took 6-9% of PPO's training time).
template <class Dst, class Lhs, class Rhs>
void assign_product(Dst&& dst, const Lhs& lhs_operand, const Rhs& rhs_operand) {
  const auto& lhs = detail::strided_view(lhs_operand);
  const auto& rhs = detail::strided_view(rhs_operand);
  const Index depth = lhs.cols();
  const Index first = std::min(depth, kProductDepthBlock);
  if (first == 0 || first + dst.rows() + dst.cols() < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD) {
    dst.noalias() = lhs.leftCols(first) * rhs.topRows(first);  // Eigen's coefficient-based (or empty) product
  } else {
    detail::set_zero(dst);
    detail::add_block_product(dst, lhs.leftCols(first), rhs.topRows(first));
  }
  if (depth > first) detail::add_product_blocks(dst, lhs.rightCols(depth - first), rhs.bottomRows(depth - first));
}

}  // namespace ac
