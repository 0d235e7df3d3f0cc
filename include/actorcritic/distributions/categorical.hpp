#pragma once
// A batch of categorical distributions given by logits z (`actions x batch`),
// with what policy-gradient methods need: sampling with the library's
// generator, mode, log-probability, entropy and KL, their gradients with
// respect to the logits (for the network's backward pass to take over), and
// the Fisher-metric product for the trust-region step.
//   ∂ log p(a)/∂z = e_a − p
//   ∂H/∂z = −p ⊙ (log p + H)
//   ∂KL(p‖q)/∂z_q = q − p,   ∂KL(p‖q)/∂z_p = p ⊙ (log p − log q − KL)
//   Fisher in logits: M = diag(p) − p pᵀ, the Hessian of KL(p‖q) in z_q at q = p.
// Gradient methods take per-column weights w (1 x batch) and write Σ_j w_j ∂f_j.
//
// Invalid-action masking (Huang & Ontañón 2020, arXiv 2006.14171): with
// masks, an illegal action's logit is −∞, so p is exactly 0 there and every
// quantity above runs over the legal actions only (the gradients and the
// Fisher product are 0 in the illegal rows, because each carries a factor p
// or is e_a − p with a legal a). The parameters such a distribution writes
// hold the −∞, and set_parameters() of them restores it, masks included.
// Without an illegal action the masked paths are not taken: the bits are the
// unmasked distribution's.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/kernels/categorical.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace ac {

using ActionIndices = Eigen::Matrix<std::int64_t, 1, Eigen::Dynamic>;

template <RealScalar Scalar>
class Categorical {
 public:
  /// What sample() writes and log_prob() reads: one action index per column.
  using Actions = ActionIndices;

  Categorical() = default;
  explicit Categorical(ConstMatrixRef<Scalar> logits) { set_logits(logits); }

  /// Takes a batch of logits; buffers grow to the largest batch and are reused.
  void set_logits(ConstMatrixRef<Scalar> logits) {
    if (logits.rows() < 1 || logits.cols() < 1) {
      throw_invalid_argument("Categorical: logits: expected at least one action and one column, got {}x{}",
                             logits.rows(), logits.cols());
    }
    if (!all_finite(logits)) throw_invalid_argument("Categorical: logits: expected finite values");
    reserve(logits.rows(), logits.cols());
    kernels::log_softmax(logits, writable_log_probs());
    finish(false);
  }

  /// The same over the legal actions only: `masks` (`actions x batch`, true =
  /// legal, at least one per column) sets the other logits to −∞. Empty masks:
  /// set_logits(logits).
  void set_logits(ConstMatrixRef<Scalar> logits, ActionMaskMap masks) {
    if (masks.size() == 0) return set_logits(logits);
    if (logits.rows() < 1 || logits.cols() < 1) set_logits(logits);  // throws the shape error
    check_action_masks("Categorical: masks", masks, logits.rows(), logits.cols());
    if (!all_finite(logits)) throw_invalid_argument("Categorical: logits: expected finite values");
    reserve(logits.rows(), logits.cols());
    kernels::masked_log_softmax(logits, masks, writable_log_probs());
    finish(!masks.all());
  }

  [[nodiscard]] Index actions() const { return log_probs_.rows(); }
  /// Rows of the parameter matrix the gradients are taken with respect to (the logits).
  [[nodiscard]] Index parameter_rows() const { return actions(); }
  /// Rows of an action column (1: the index).
  [[nodiscard]] static constexpr Index action_rows() { return 1; }
  /// The distribution's parameters as logits (normalized: the log-probabilities,
  /// −∞ for masked actions), `actions x batch`; set_parameters() of them
  /// restores the same distribution.
  void write_parameters(MatrixRef<Scalar> out) const {
    check_shape("Categorical::write_parameters: out", out.rows(), out.cols(), actions(), batch_);
    out = log_probs();
  }
  /// Logits as write_parameters() writes them: finite, or −∞ for a masked
  /// action (at least one finite per column).
  void set_parameters(ConstMatrixRef<Scalar> logits) {
    if (all_finite(logits) || logits.rows() < 1 || logits.cols() < 1) return set_logits(logits);
    constexpr Scalar kMasked = -std::numeric_limits<Scalar>::infinity();
    for (Index j = 0; j < logits.cols(); ++j) {
      bool legal = false;
      for (Index i = 0; i < logits.rows(); ++i) {
        const Scalar z = logits(i, j);
        if (std::isnan(z) || z == -kMasked) {
          throw_invalid_argument("Categorical::set_parameters: logits({}, {}) = {}: expected a finite value or -inf",
                                 i, j, z);
        }
        legal = legal || z != kMasked;
      }
      if (!legal) throw_invalid_argument("Categorical::set_parameters: logits: column {} masks every action", j);
    }
    reserve(logits.rows(), logits.cols());
    kernels::log_softmax(logits, writable_log_probs());
    finish(true);
  }
  [[nodiscard]] Index batch() const { return batch_; }
  /// Whether some action of the batch is masked (its probability exactly 0).
  [[nodiscard]] bool masked() const { return masked_; }
  [[nodiscard]] auto log_probs() const { return log_probs_.leftCols(batch_); }
  [[nodiscard]] auto probs() const { return probs_.leftCols(batch_); }

  /// One action per column by inverse CDF on the generator's uniform draws.
  void sample(Generator& rng, Eigen::Ref<ActionIndices> out) const {
    expect_batch("sample", out.cols());
    for (Index j = 0; j < batch_; ++j) {
      const double u = rng.uniform();
      double cumulative = 0.0;
      Index a = last_possible(j);  // rounding can leave the total a hair under 1
      for (Index i = 0; i < actions(); ++i) {
        cumulative += static_cast<double>(probs_(i, j));
        if (u < cumulative) {
          a = i;
          break;
        }
      }
      out(0, j) = a;
    }
  }

  /// The most likely action per column (the first on ties).
  void mode(Eigen::Ref<ActionIndices> out) const {
    expect_batch("mode", out.cols());
    for (Index j = 0; j < batch_; ++j) {
      Index best = 0;
      log_probs_.col(j).maxCoeff(&best);
      out(0, j) = best;
    }
  }

  void log_prob(const Eigen::Ref<const ActionIndices>& a, MatrixRef<Scalar> out) const {
    kernels::categorical_log_prob(log_probs(), a, out);
  }
  void entropy(MatrixRef<Scalar> out) const {
    if (masked_) {
      kernels::masked_categorical_entropy(log_probs(), out);
    } else {
      kernels::categorical_entropy(log_probs(), out);
    }
  }
  /// KL(this ‖ other); +∞ where other masks an action this one allows.
  void kl(const Categorical& other, MatrixRef<Scalar> out) const {
    check_same_shape(other, "kl");
    if (masked_ || other.masked_) {
      kernels::masked_categorical_kl(log_probs(), other.log_probs(), out);
    } else {
      kernels::categorical_kl(log_probs(), other.log_probs(), out);
    }
  }

  /// grad = Σ_j w_j ∂ log p(a_j)/∂z = w ⊙ (e_a − p).
  void log_prob_gradient(const Eigen::Ref<const ActionIndices>& a, ConstMatrixRef<Scalar> weights,
                         MatrixRef<Scalar> grad) const {
    expect_gradient_args("log_prob_gradient", weights, grad);
    for (Index j = 0; j < batch_; ++j) {
      grad.col(j) = -weights(0, j) * probs_.col(j);
      const auto action = static_cast<Index>(a(0, j));
      if (action < 0 || action >= actions()) {
        throw_invalid_argument("Categorical::log_prob_gradient: actions(0, {}) = {} is outside [0, {})", j, action,
                               actions());
      }
      if (masked_ && log_probs_(action, j) == -std::numeric_limits<Scalar>::infinity()) {
        throw_invalid_argument("Categorical::log_prob_gradient: actions(0, {}) = {} is a masked action", j, action);
      }
      grad(action, j) += weights(0, j);
    }
  }

  /// grad = w ⊙ ∂H/∂z = −w p ⊙ (log p + H).
  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_gradient_args("entropy_gradient", weights, grad);
    if (masked_) {  // log p = −∞ where p = 0: the term's limit, 0
      for (Index j = 0; j < batch_; ++j) {
        const auto lp = (probs_.col(j).array() > Scalar(0)).select(log_probs_.col(j).array(), Scalar(0));
        const auto p = probs_.col(j).array();
        const Scalar h = -(p * lp).sum();
        grad.col(j).array() = -weights(0, j) * p * (lp + h);
      }
      return;
    }
    for (Index j = 0; j < batch_; ++j) {
      const auto lp = log_probs_.col(j).array();
      const auto p = probs_.col(j).array();
      const Scalar h = -(p * lp).sum();
      grad.col(j).array() = -weights(0, j) * p * (lp + h);
    }
  }

  /// Gradient of KL(this ‖ other) with respect to other's logits: w ⊙ (q − p).
  void kl_gradient_wrt_other(const Categorical& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_other");
    expect_gradient_args("kl_gradient_wrt_other", weights, grad);
    for (Index j = 0; j < batch_; ++j) grad.col(j) = weights(0, j) * (other.probs_.col(j) - probs_.col(j));
  }

  /// Gradient of KL(this ‖ other) with respect to this distribution's logits.
  void kl_gradient_wrt_self(const Categorical& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_self");
    expect_gradient_args("kl_gradient_wrt_self", weights, grad);
    if (masked_ || other.masked_) {  // the terms where p = 0 have the limit 0
      for (Index j = 0; j < batch_; ++j) {
        const auto p = probs_.col(j).array();
        const auto gap = (p > Scalar(0)).select(log_probs_.col(j).array() - other.log_probs_.col(j).array(), Scalar(0));
        const Scalar kl = (p * gap).sum();
        grad.col(j).array() = weights(0, j) * p * (gap - kl);
      }
      return;
    }
    for (Index j = 0; j < batch_; ++j) {
      const auto gap = log_probs_.col(j).array() - other.log_probs_.col(j).array();
      const auto p = probs_.col(j).array();
      const Scalar kl = (p * gap).sum();
      grad.col(j).array() = weights(0, j) * p * (gap - kl);
    }
  }

  /// Fisher-metric product in logit space, per column: M u = p ⊙ u − p (pᵀu).
  void fisher_product(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    check_shape("Categorical::fisher_product: u", u.rows(), u.cols(), actions(), batch_);
    check_shape("Categorical::fisher_product: out", out.rows(), out.cols(), actions(), batch_);
    for (Index j = 0; j < batch_; ++j) {
      const Scalar pu = probs_.col(j).dot(u.col(j));
      out.col(j).array() = probs_.col(j).array() * (u.col(j).array() - pu);
    }
  }

 private:
  auto writable_log_probs() { return log_probs_.leftCols(batch_); }
  auto writable_probs() { return probs_.leftCols(batch_); }

  void reserve(Index rows, Index cols) {
    if (rows != log_probs_.rows() || cols > log_probs_.cols()) {
      log_probs_.resize(rows, cols);
      probs_.resize(rows, cols);
    }
    batch_ = cols;
  }
  /// p from log p. Eigen's vectorized exp clamps its argument (exp(−∞) comes
  /// out as the smallest normal number), so a masked action's p is set to 0 itself.
  void finish(bool masked) {
    writable_probs().array() = writable_log_probs().array().exp();
    masked_ = masked;
    if (!masked) return;
    constexpr Scalar kMasked = -std::numeric_limits<Scalar>::infinity();
    writable_probs() = (writable_log_probs().array() == kMasked).select(Scalar(0), writable_probs().array()).matrix();
  }
  /// The last action sampling may fall back to: the last one, or with masks the last legal one.
  [[nodiscard]] Index last_possible(Index j) const {
    Index a = actions() - 1;
    if (masked_) {
      while (a > 0 && probs_(a, j) == Scalar(0)) --a;
    }
    return a;
  }

  void expect_batch(std::string_view what, Index cols) const {
    if (cols != batch_) throw_invalid_argument("Categorical::{}: out: expected {} columns, got {}", what, batch_, cols);
  }
  void expect_gradient_args(std::string_view what, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_shape({"Categorical::", what, ": weights"}, weights.rows(), weights.cols(), 1, batch_);
    check_shape({"Categorical::", what, ": grad"}, grad.rows(), grad.cols(), actions(), batch_);
  }
  void check_same_shape(const Categorical& other, std::string_view what) const {
    if (other.actions() != actions() || other.batch() != batch_) {
      throw_invalid_argument("Categorical::{}: other: expected {} actions x {} columns, got {} x {}", what, actions(),
                             batch_, other.actions(), other.batch());
    }
  }

  Matrix<Scalar> log_probs_, probs_;
  Index batch_ = 0;
  bool masked_ = false;
};

}  // namespace ac
