#pragma once
// Scalar and matrix aliases shared by every layer of the library, and the
// finiteness check every layer validates its inputs with.
//
// Batches are column-major `features x batch`: one column is one sample, so a
// dense layer is a single GEMM `Y.noalias() = W * X`.

#include <Eigen/Core>

#include <cmath>
#include <concepts>

namespace ac {

using Index = Eigen::Index;

/// The floating-point types the library is instantiated for.
template <class T>
concept RealScalar = std::same_as<T, float> || std::same_as<T, double>;

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
template <class Scalar>
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

template <class Scalar>
using MatrixMap = Eigen::Map<Matrix<Scalar>>;
template <class Scalar>
using ConstMatrixMap = Eigen::Map<const Matrix<Scalar>>;
template <class Scalar>
using VectorMap = Eigen::Map<Vector<Scalar>>;
template <class Scalar>
using ConstVectorMap = Eigen::Map<const Vector<Scalar>>;

/// Read-only and writable references that bind to matrices, maps and
/// contiguous column blocks without copying.
template <class Scalar>
using MatrixRef = Eigen::Ref<Matrix<Scalar>>;
template <class Scalar>
using ConstMatrixRef = Eigen::Ref<const Matrix<Scalar>>;
template <class Scalar>
using VectorRef = Eigen::Ref<Vector<Scalar>>;
template <class Scalar>
using ConstVectorRef = Eigen::Ref<const Vector<Scalar>>;

namespace detail {
/// Whether m's coefficients lie back to back in memory (a whole matrix, a
/// leftCols block of one, a single column): then one pass over m.data() covers
/// it, where Eigen loops over its columns for a block with run-time strides.
template <class M>
[[nodiscard]] bool is_contiguous(const M& m) {
  return m.innerStride() == 1 && (m.outerStride() == m.innerSize() || m.outerSize() <= 1);
}
}  // namespace detail

/// Whether every coefficient is finite, as Eigen's allFinite(), in one
/// vectorized pass: x·0 is ±0 for a finite x and NaN for ±∞ or NaN, and a sum
/// is NaN exactly when one of its terms is. (allFinite() compares x − x with
/// itself through an early-exit reduction that Eigen 3.4 runs one scalar at a
/// time; the distributions check every batch they are given.)
template <class Derived>
[[nodiscard]] bool all_finite(const Eigen::DenseBase<Derived>& x) {
  using Scalar = typename Derived::Scalar;
  return !std::isnan((x.derived().array() * Scalar(0)).sum());
}

}  // namespace ac
