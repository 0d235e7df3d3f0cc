#pragma once
// Minibatches over a rollout's samples, as PPO's epochs and TRPO's critic
// fitting draw them: a Fisher–Yates shuffle of the sample order with the
// library's generator (the same permutation on every platform), and a gather
// of the chosen columns.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace ac::detail {

/// dst.col(k) = src.col(indices[first + k]) for k < dst.cols().
template <class Src, class Dst>
void gather_columns(const Src& src, const std::vector<Index>& indices, Index first, Dst& dst) {
  for (Index k = 0; k < dst.cols(); ++k) dst.col(k) = src.col(indices[static_cast<std::size_t>(first + k)]);
}

/// Fisher–Yates with the library's generator (deterministic across platforms).
inline void shuffle(std::vector<Index>& order, Generator& rng) {
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.integer(i));
    std::swap(order[i - 1], order[j]);
  }
}

/// An N x T per-sample matrix viewed as its 1 x (T·N) row (sample t·N + n).
template <class M>
auto as_row(const M& m) {
  return ConstMatrixMap<typename M::Scalar>(m.data(), 1, m.size());
}

}  // namespace ac::detail
