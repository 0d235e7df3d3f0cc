#pragma once
// Minibatches over a rollout's samples, as PPO's epochs and TRPO's critic
// fitting draw them: a Fisher–Yates shuffle of the sample order with the
// library's generator (the same permutation on every platform), and a gather
// of the chosen columns; and, data-parallel, how each rank slices its share
// of the batch so that the ranks' slices make up the global minibatches.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace ac {

/// One epoch's minibatches as a rank takes them. Strong scaling: a global
/// minibatch of `batch_size` samples is every rank's slice of
/// ⌈batch_size · n_r / N⌉ of its n_r samples (N over all ranks), and every rank
/// takes the same number of steps, ⌈N / batch_size⌉ per epoch, so that each
/// step's gradient average meets every rank; a rank's last slices may be short
/// or empty. One process: slices of batch_size, the last one short.
struct MinibatchPlan {
  Index steps = 0;           // minibatches per epoch, the same on every rank
  Index slice = 0;           // this rank's share of each
  Index batch = 0;           // this rank's samples
  double global_batch = 0;   // every rank's

  [[nodiscard]] Index first(Index k) const { return std::min(k * slice, batch); }
  [[nodiscard]] Index size(Index k) const { return std::min(slice, batch - first(k)); }
};

/// The plan for `batch` local samples and global minibatches of `batch_size`
/// (one allreduce of the count when there are several ranks).
template <Communicator C>
MinibatchPlan plan_minibatches(C& comm, Index batch, Index batch_size) {
  MinibatchPlan plan;
  plan.batch = batch;
  if (comm.size() == 1) {
    plan.global_batch = double(batch);
    plan.slice = std::min(batch_size, batch);
    plan.steps = plan.slice > 0 ? (batch + plan.slice - 1) / plan.slice : 0;
    return plan;
  }
  plan.global_batch = mean_across_ranks(comm, double(batch), {});
  const double global_minibatch = std::min(double(batch_size), plan.global_batch);
  plan.steps = static_cast<Index>(std::ceil(plan.global_batch / global_minibatch));
  plan.slice = static_cast<Index>(std::ceil(global_minibatch * double(batch) / plan.global_batch));
  return plan;
}

}  // namespace ac

namespace ac::detail {

/// dst.col(k) = src.col(indices[first + k]) for k < dst.cols(). Short columns
/// (a reward, a log-prob, a few observation values) are copied element by
/// element: an Eigen assignment per column costs more than the copy.
template <class Src, class Dst>
void gather_columns(const Src& src, const std::vector<Index>& indices, Index first, Dst& dst) {
  constexpr Index kShortColumn = 8;
  const Index rows = dst.rows();
  for (Index k = 0; k < dst.cols(); ++k) {
    const Index from = indices[static_cast<std::size_t>(first + k)];
    if (rows < kShortColumn) {
      for (Index i = 0; i < rows; ++i) dst.coeffRef(i, k) = src.coeff(i, from);
    } else {
      dst.col(k) = src.col(from);
    }
  }
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

namespace ac {

/// What a policy's objective reads of a minibatch, gathered from a rollout: the observations, the actions, the
/// behavior's log-probabilities and, for an environment that masks actions, the legal ones (PPO's and GRPO's
/// minibatches). The workspaces are sized once for the largest minibatch (reserve) and reused.
template <Policy P>
class PolicyMinibatch {
 public:
  using Scalar = typename P::Scalar;

  void reserve(const RolloutBufferFor<P>& buffer, Index minibatch) {
    observations_.resize(buffer.observations.rows(), minibatch);
    actions_.resize(buffer.actions.rows(), minibatch);
    old_log_probs_.resize(1, minibatch);
    masks_.resize(buffer.masks.rows(), buffer.masks.size() != 0 ? minibatch : 0);
  }
  [[nodiscard]] Index capacity() const { return observations_.cols(); }

  /// The samples order[first … first + size) of `buffer`.
  void gather(const RolloutBufferFor<P>& buffer, const std::vector<Index>& order, Index first, Index size) {
    size_ = size;
    auto obs = observations();
    auto actions = this->actions();
    auto old_log_probs = this->old_log_probs();
    detail::gather_columns(buffer.observations, order, first, obs);
    detail::gather_columns(buffer.actions, order, first, actions);
    detail::gather_columns(detail::as_row(buffer.log_probs), order, first, old_log_probs);
    if (buffer.masks.size() != 0) {
      auto masks = masks_.leftCols(size);
      detail::gather_columns(buffer.masks, order, first, masks);
    }
  }

  [[nodiscard]] auto observations() { return observations_.leftCols(size_); }
  [[nodiscard]] auto actions() { return actions_.leftCols(size_); }
  [[nodiscard]] auto old_log_probs() { return old_log_probs_.leftCols(size_); }
  /// The legal actions, empty when the environment does not mask.
  [[nodiscard]] ActionMaskMap masks() const { return mask_columns(masks_, 0, size_); }

 private:
  Index size_ = 0;
  Matrix<Scalar> observations_, old_log_probs_;
  typename P::Actions actions_;
  ActionMasks masks_;
};

}  // namespace ac
