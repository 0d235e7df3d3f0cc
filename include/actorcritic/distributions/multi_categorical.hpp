#pragma once
// A batch of factored categorical distributions for MultiDiscrete(nvec)
// actions: K independent Categorical heads, head k over nvec[k] actions. The
// parameters stack the heads' logits (`Σ nvec x batch`, head after head) and
// an action column holds K indices (`K x batch`). Independence makes every
// quantity a sum over the heads, and every gradient block-wise:
//   log p(a) = Σ_k log p_k(a_k),   H = Σ_k H_k,   KL(p‖q) = Σ_k KL(p_k‖q_k),
//   ∂/∂z_k of each = the head's own gradient,   Fisher = diag(M_1, ..., M_K).
// Masks (invalid-action masking) stack the same way, one flag per logit, and
// mask each head separately: every head needs a legal action.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"

namespace ac {

/// One integer action per row, one sample per column (MultiDiscrete, MultiBinary).
using ActionIndexMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

template <RealScalar Scalar>
class MultiCategorical {
 public:
  using Actions = ActionIndexMatrix;

  MultiCategorical() = default;
  /// Heads of nvec[0], nvec[1], ... actions (each >= 1).
  explicit MultiCategorical(std::vector<Index> nvec) : nvec_(std::move(nvec)) {
    if (nvec_.empty()) throw_invalid_argument("MultiCategorical: nvec: expected at least one component");
    Index offset = 0;
    for (std::size_t k = 0; k < nvec_.size(); ++k) {
      if (nvec_[k] < 1)
        throw_invalid_argument("MultiCategorical: nvec[{}]: expected >= 1 actions, got {}", k, nvec_[k]);
      offsets_.push_back(offset);
      offset += nvec_[k];
    }
    rows_ = offset;
    heads_.resize(nvec_.size());
    head_masks_.resize(nvec_.size());
  }

  /// Takes a batch of stacked logits (`Σ nvec x batch`) and, optionally, masks of the same shape.
  void set_logits(ConstMatrixRef<Scalar> logits, ActionMaskMap masks = no_action_masks()) {
    expect_rows("set_logits: logits", logits.rows());
    check_action_masks("MultiCategorical: masks", masks, rows_, logits.cols());  // shape; heads check their own
    for_each_head([&](std::size_t k, Categorical<Scalar>& head, Index offset, Index n) {
      if (masks.size() == 0) {
        head.set_logits(logits.middleRows(offset, n));
        return;
      }
      auto& m = head_masks_[k];  // the head's rows, contiguous; grows to the largest batch and is reused
      if (m.rows() != n || m.cols() < logits.cols()) m.resize(n, logits.cols());
      m.leftCols(logits.cols()) = masks.middleRows(offset, n);
      try {
        head.set_logits(logits.middleRows(offset, n), ActionMaskMap(m.data(), n, logits.cols()));
      } catch (const InvalidArgument& error) {
        throw_invalid_argument("MultiCategorical: masks of component {}: {}", k, error.what());
      }
    });
    batch_ = logits.cols();
  }

  [[nodiscard]] const std::vector<Index>& nvec() const { return nvec_; }
  [[nodiscard]] Index components() const { return static_cast<Index>(nvec_.size()); }
  /// Rows of the parameter matrix (the stacked logits): Σ nvec.
  [[nodiscard]] Index parameter_rows() const { return rows_; }
  /// Rows of an action column: K.
  [[nodiscard]] Index action_rows() const { return components(); }
  [[nodiscard]] Index batch() const { return batch_; }
  [[nodiscard]] bool masked() const {
    for (const auto& head : heads_) {
      if (head.masked()) return true;
    }
    return false;
  }
  /// Head k (a Categorical over nvec[k] actions).
  [[nodiscard]] const Categorical<Scalar>& head(Index k) const { return heads_.at(static_cast<std::size_t>(k)); }

  /// The stacked heads' normalized logits (−∞ for masked actions).
  void write_parameters(MatrixRef<Scalar> out) const {
    check_shape("MultiCategorical::write_parameters: out", out.rows(), out.cols(), rows_, batch_);
    for_each_head([&](std::size_t, const Categorical<Scalar>& head, Index offset, Index n) {
      head.write_parameters(out.middleRows(offset, n));
    });
  }
  void set_parameters(ConstMatrixRef<Scalar> logits) {
    expect_rows("set_parameters: logits", logits.rows());
    for_each_head([&](std::size_t, Categorical<Scalar>& head, Index offset, Index n) {
      head.set_parameters(logits.middleRows(offset, n));
    });
    batch_ = logits.cols();
  }

  /// One action per head and column; head by head, each drawing its columns in order.
  void sample(Generator& rng, Eigen::Ref<Actions> out) const {
    expect_actions("sample: out", out.rows(), out.cols());
    for_each_head([&](std::size_t k, const Categorical<Scalar>& head, Index, Index) {
      head.sample(rng, scratch(batch_));
      out.row(static_cast<Index>(k)) = scratch_.leftCols(batch_);
    });
  }
  /// The most likely action of every head.
  void mode(Eigen::Ref<Actions> out) const {
    expect_actions("mode: out", out.rows(), out.cols());
    for_each_head([&](std::size_t k, const Categorical<Scalar>& head, Index, Index) {
      head.mode(scratch(batch_));
      out.row(static_cast<Index>(k)) = scratch_.leftCols(batch_);
    });
  }

  /// log p(a) = Σ_k log p_k(a_k), into 1 x batch.
  void log_prob(const Eigen::Ref<const Actions>& a, MatrixRef<Scalar> out) const {
    expect_actions("log_prob: actions", a.rows(), a.cols());
    sum_over_heads(out, [&](std::size_t k, const Categorical<Scalar>& head, MatrixRef<Scalar> row) {
      head.log_prob(actions_of(a, k), row);
    });
  }
  void entropy(MatrixRef<Scalar> out) const {
    sum_over_heads(out,
                   [&](std::size_t, const Categorical<Scalar>& head, MatrixRef<Scalar> row) { head.entropy(row); });
  }
  /// KL(this ‖ other) = Σ_k KL(p_k ‖ q_k).
  void kl(const MultiCategorical& other, MatrixRef<Scalar> out) const {
    check_same_shape(other, "kl");
    sum_over_heads(out, [&](std::size_t k, const Categorical<Scalar>& head, MatrixRef<Scalar> row) {
      head.kl(other.heads_[k], row);
    });
  }

  void log_prob_gradient(const Eigen::Ref<const Actions>& a, ConstMatrixRef<Scalar> weights,
                         MatrixRef<Scalar> grad) const {
    expect_actions("log_prob_gradient: actions", a.rows(), a.cols());
    expect_grad("log_prob_gradient", grad);
    for_each_head([&](std::size_t k, const Categorical<Scalar>& head, Index offset, Index n) {
      head.log_prob_gradient(actions_of(a, k), weights, grad.middleRows(offset, n));
    });
  }
  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_grad("entropy_gradient", grad);
    for_each_head([&](std::size_t, const Categorical<Scalar>& head, Index offset, Index n) {
      head.entropy_gradient(weights, grad.middleRows(offset, n));
    });
  }
  void kl_gradient_wrt_other(const MultiCategorical& other, ConstMatrixRef<Scalar> weights,
                             MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_other");
    expect_grad("kl_gradient_wrt_other", grad);
    for_each_head([&](std::size_t k, const Categorical<Scalar>& head, Index offset, Index n) {
      head.kl_gradient_wrt_other(other.heads_[k], weights, grad.middleRows(offset, n));
    });
  }
  void kl_gradient_wrt_self(const MultiCategorical& other, ConstMatrixRef<Scalar> weights,
                            MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_self");
    expect_grad("kl_gradient_wrt_self", grad);
    for_each_head([&](std::size_t k, const Categorical<Scalar>& head, Index offset, Index n) {
      head.kl_gradient_wrt_self(other.heads_[k], weights, grad.middleRows(offset, n));
    });
  }
  /// The block-diagonal Fisher product: each head's M_k on its rows of u.
  void fisher_product(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    check_shape("MultiCategorical::fisher_product: u", u.rows(), u.cols(), rows_, batch_);
    check_shape("MultiCategorical::fisher_product: out", out.rows(), out.cols(), rows_, batch_);
    for_each_head([&](std::size_t, const Categorical<Scalar>& head, Index offset, Index n) {
      head.fisher_product(u.middleRows(offset, n), out.middleRows(offset, n));
    });
  }

 private:
  template <class F>
  void for_each_head(F&& f) {
    for (std::size_t k = 0; k < heads_.size(); ++k) f(k, heads_[k], offsets_[k], nvec_[k]);
  }
  template <class F>
  void for_each_head(F&& f) const {
    for (std::size_t k = 0; k < heads_.size(); ++k) f(k, heads_[k], offsets_[k], nvec_[k]);
  }
  /// out = Σ_k (head k's row), summed head by head in order.
  template <class F>
  void sum_over_heads(MatrixRef<Scalar> out, F&& head_row) const {
    check_shape("MultiCategorical: out", out.rows(), out.cols(), 1, batch_);
    if (row_.cols() < batch_) row_.resize(1, batch_);
    auto row = row_.leftCols(batch_);
    for (std::size_t k = 0; k < heads_.size(); ++k) {
      head_row(k, heads_[k], row);
      if (k == 0) {
        out = row;
      } else {
        out += row;
      }
    }
  }
  /// Head k's actions as the contiguous row a Categorical takes (copied into a reused workspace).
  Eigen::Ref<const ActionIndices> actions_of(const Eigen::Ref<const Actions>& a, std::size_t k) const {
    Eigen::Ref<ActionIndices> row = scratch(a.cols());
    row = a.row(static_cast<Index>(k));
    return row;
  }
  /// A workspace row of `cols` actions. It only grows, so that batches of alternating sizes (a rollout's
  /// steps, an update's minibatches) allocate nothing once the largest has run.
  Eigen::Ref<ActionIndices> scratch(Index cols) const {
    if (scratch_.cols() < cols) scratch_.resize(1, cols);
    return scratch_.leftCols(cols);
  }

  void expect_rows(std::string_view what, Index rows) const {
    if (rows != rows_)
      throw_invalid_argument("MultiCategorical::{}: expected {} rows (Σ nvec), got {}", what, rows_, rows);
  }
  void expect_actions(std::string_view what, Index rows, Index cols) const {
    check_shape({"MultiCategorical::", what}, rows, cols, components(), batch_);
  }
  void expect_grad(std::string_view what, MatrixRef<Scalar> grad) const {
    check_shape({"MultiCategorical::", what, ": grad"}, grad.rows(), grad.cols(), rows_, batch_);
  }
  void check_same_shape(const MultiCategorical& other, std::string_view what) const {
    if (other.nvec_ != nvec_ || other.batch_ != batch_) {
      throw_invalid_argument("MultiCategorical::{}: other: expected the same heads and {} columns", what, batch_);
    }
  }

  std::vector<Index> nvec_, offsets_;
  Index rows_ = 0, batch_ = 0;
  std::vector<Categorical<Scalar>> heads_;
  std::vector<ActionMasks> head_masks_;
  mutable ActionIndices scratch_;
  mutable Matrix<Scalar> row_;
};

}  // namespace ac
