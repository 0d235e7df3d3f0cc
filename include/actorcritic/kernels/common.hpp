#pragma once
// Shared plumbing of the kernels: shape checks with clear messages, and the
// Eigen idiom for writing into a caller-owned output passed as an expression
// (a Matrix, a Map or a Block): take `const MatrixBase<D>&` and cast the
// constness away, as Eigen's documentation recommends.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <string_view>

namespace ac::kernels {

/// Layout of rollout quantities: `N envs x T steps`; column t holds step t of every env.
template <class D>
D& writable(const Eigen::MatrixBase<D>& out) {
  return const_cast<D&>(out.derived());
}

template <class D>
void expect_shape(std::string_view kernel, std::string_view argument, const Eigen::DenseBase<D>& m, Index rows,
                  Index cols) {
  if (m.rows() != rows || m.cols() != cols) {
    throw_invalid_argument("{}: {}: expected a {}x{} matrix, got {}x{}", kernel, argument, rows, cols, m.rows(),
                           m.cols());
  }
}

/// expect_shapes(kernel, rows, cols, "values", values, "ended", ended, ...):
/// every named argument must be rows x cols.
template <class D, class... Rest>
void expect_shapes(std::string_view kernel, Index rows, Index cols, std::string_view argument,
                   const Eigen::MatrixBase<D>& m, const Rest&... rest) {
  expect_shape(kernel, argument, m, rows, cols);
  if constexpr (sizeof...(Rest) > 0) expect_shapes(kernel, rows, cols, rest...);
}

}  // namespace ac::kernels
