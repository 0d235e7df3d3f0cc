#pragma once
// A batch of independent Bernoulli distributions for MultiBinary(n) actions,
// one logit per bit: p = σ(z) is the probability of a 1. Parameters and
// actions are both `n x batch` (an action column holds n values of 0 or 1).
// With softplus(x) = log(1 + eˣ), log σ(z) = −softplus(−z) and
// log(1 − σ(z)) = −softplus(z), so, per bit and summed over the bits:
//   log p(a) = a z − softplus(z)                      ∂/∂z = a − σ(z)
//   H = softplus(z) − z σ(z)                          ∂H/∂z = −z σ(1 − σ)
//   KL(p‖q) = p (log p − log q) + (1 − p)(log(1 − p) − log(1 − q))
//           = softplus(z_q) − softplus(z_p) − p (z_q − z_p)
//   ∂KL/∂z_q = q − p,   ∂KL/∂z_p = p (1 − p)(z_p − z_q)
//   Fisher in logits: diag(p (1 − p)), the Hessian of KL(p‖q) in z_q at q = p.
// softplus is evaluated as max(x, 0) + log1p(e^−|x|), finite for any finite z.
// Gradient methods take per-column weights w (1 x batch) and write Σ_j w_j ∂f_j.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/special_functions.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/multi_categorical.hpp"

#include <algorithm>
#include <cmath>

namespace ac {

template <RealScalar Scalar>
class Bernoulli {
 public:
  using Actions = ActionIndexMatrix;

  Bernoulli() = default;
  explicit Bernoulli(ConstMatrixRef<Scalar> logits) { set_logits(logits); }

  /// Takes a batch of logits (`bits x batch`); buffers grow to the largest batch and are reused.
  /// Masks do not apply to bits (a MultiBinary space has no invalid actions): they must be empty.
  void set_logits(ConstMatrixRef<Scalar> logits, ActionMaskMap masks = no_action_masks()) {
    if (masks.size() != 0) {
      throw_invalid_argument("Bernoulli: masks: action masks apply to (multi-)categorical actions, got {}x{}",
                             masks.rows(), masks.cols());
    }
    if (logits.rows() < 1 || logits.cols() < 1) {
      throw_invalid_argument("Bernoulli: logits: expected at least one bit and one column, got {}x{}", logits.rows(),
                             logits.cols());
    }
    if (!all_finite(logits)) throw_invalid_argument("Bernoulli: logits: expected finite values");
    if (logits.rows() != logits_.rows() || logits.cols() > logits_.cols()) {
      logits_.resize(logits.rows(), logits.cols());
      probs_.resize(logits.rows(), logits.cols());
    }
    batch_ = logits.cols();
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) {
        logits_(i, j) = logits(i, j);
        probs_(i, j) = detail::sigmoid(logits(i, j));
      }
    }
  }

  [[nodiscard]] Index bits() const { return logits_.rows(); }
  [[nodiscard]] Index parameter_rows() const { return bits(); }
  [[nodiscard]] Index action_rows() const { return bits(); }
  [[nodiscard]] Index batch() const { return batch_; }
  [[nodiscard]] static constexpr bool masked() { return false; }
  [[nodiscard]] auto logits() const { return logits_.leftCols(batch_); }
  /// σ(z): the probability of a 1, per bit.
  [[nodiscard]] auto probs() const { return probs_.leftCols(batch_); }

  /// The parameters are the logits; set_parameters() of them restores the distribution.
  void write_parameters(MatrixRef<Scalar> out) const {
    check_shape("Bernoulli::write_parameters: out", out.rows(), out.cols(), bits(), batch_);
    out = logits();
  }
  void set_parameters(ConstMatrixRef<Scalar> logits) { set_logits(logits); }

  /// Each bit is 1 when the generator's uniform draw is below σ(z); column by column, bit by bit.
  void sample(Generator& rng, Eigen::Ref<Actions> out) const {
    expect_actions("sample: out", out.rows(), out.cols());
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) out(i, j) = rng.uniform() < static_cast<double>(probs_(i, j)) ? 1 : 0;
    }
  }
  /// The most likely value of every bit: 1 where z > 0 (0 on the tie z = 0).
  void mode(Eigen::Ref<Actions> out) const {
    expect_actions("mode: out", out.rows(), out.cols());
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) out(i, j) = logits_(i, j) > Scalar(0) ? 1 : 0;
    }
  }

  /// log p(a) = Σ_bits (a z − softplus(z)).
  void log_prob(const Eigen::Ref<const Actions>& a, MatrixRef<Scalar> out) const {
    expect_actions("log_prob: actions", a.rows(), a.cols());
    expect_row("log_prob: out", out);
    for (Index j = 0; j < batch_; ++j) {
      Scalar sum = 0;
      for (Index i = 0; i < bits(); ++i) sum += Scalar(bit(a, i, j)) * logits_(i, j) - detail::softplus(logits_(i, j));
      out(0, j) = sum;
    }
  }
  /// H = Σ_bits (softplus(z) − z σ(z)).
  void entropy(MatrixRef<Scalar> out) const {
    expect_row("entropy: out", out);
    for (Index j = 0; j < batch_; ++j) {
      Scalar sum = 0;
      for (Index i = 0; i < bits(); ++i) sum += detail::softplus(logits_(i, j)) - logits_(i, j) * probs_(i, j);
      out(0, j) = sum;
    }
  }
  /// KL(this ‖ other) = Σ_bits softplus(z_q) − softplus(z_p) − p (z_q − z_p).
  void kl(const Bernoulli& other, MatrixRef<Scalar> out) const {
    check_same_shape(other, "kl");
    expect_row("kl: out", out);
    for (Index j = 0; j < batch_; ++j) {
      Scalar sum = 0;
      for (Index i = 0; i < bits(); ++i) {
        const Scalar zp = logits_(i, j), zq = other.logits_(i, j);
        sum += detail::softplus(zq) - detail::softplus(zp) - probs_(i, j) * (zq - zp);
      }
      out(0, j) = std::max(Scalar(0), sum);  // ≥ 0 exactly; rounding can make it −1e-9
    }
  }

  /// grad = w ⊙ (a − σ(z)).
  void log_prob_gradient(const Eigen::Ref<const Actions>& a, ConstMatrixRef<Scalar> weights,
                         MatrixRef<Scalar> grad) const {
    expect_actions("log_prob_gradient: actions", a.rows(), a.cols());
    expect_gradient_args("log_prob_gradient", weights, grad);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) grad(i, j) = weights(0, j) * (Scalar(bit(a, i, j)) - probs_(i, j));
    }
  }
  /// grad = −w ⊙ z σ (1 − σ).
  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_gradient_args("entropy_gradient", weights, grad);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) {
        const Scalar p = probs_(i, j);
        grad(i, j) = -weights(0, j) * logits_(i, j) * p * (Scalar(1) - p);
      }
    }
  }
  /// Gradient of KL(this ‖ other) with respect to other's logits: w ⊙ (q − p).
  void kl_gradient_wrt_other(const Bernoulli& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_other");
    expect_gradient_args("kl_gradient_wrt_other", weights, grad);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) grad(i, j) = weights(0, j) * (other.probs_(i, j) - probs_(i, j));
    }
  }
  /// Gradient of KL(this ‖ other) with respect to this one's logits: w ⊙ p (1 − p)(z_p − z_q).
  void kl_gradient_wrt_self(const Bernoulli& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_self");
    expect_gradient_args("kl_gradient_wrt_self", weights, grad);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) {
        const Scalar p = probs_(i, j);
        grad(i, j) = weights(0, j) * p * (Scalar(1) - p) * (logits_(i, j) - other.logits_(i, j));
      }
    }
  }
  /// Fisher-metric product in logit space: out = p (1 − p) ⊙ u.
  void fisher_product(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    check_shape("Bernoulli::fisher_product: u", u.rows(), u.cols(), bits(), batch_);
    check_shape("Bernoulli::fisher_product: out", out.rows(), out.cols(), bits(), batch_);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < bits(); ++i) out(i, j) = probs_(i, j) * (Scalar(1) - probs_(i, j)) * u(i, j);
    }
  }

 private:
  /// a(i, j) as 0 or 1; any other value is an error naming it.
  static int bit(const Eigen::Ref<const Actions>& a, Index i, Index j) {
    const auto v = a(i, j);
    if (v != 0 && v != 1) throw_invalid_argument("Bernoulli: actions({}, {}) = {}: expected 0 or 1", i, j, v);
    return static_cast<int>(v);
  }
  void expect_actions(std::string_view what, Index rows, Index cols) const {
    check_shape({"Bernoulli::", what}, rows, cols, bits(), batch_);
  }
  void expect_row(std::string_view what, MatrixRef<Scalar> out) const {
    check_shape({"Bernoulli::", what}, out.rows(), out.cols(), 1, batch_);
  }
  void expect_gradient_args(std::string_view what, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_shape({"Bernoulli::", what, ": weights"}, weights.rows(), weights.cols(), 1, batch_);
    check_shape({"Bernoulli::", what, ": grad"}, grad.rows(), grad.cols(), bits(), batch_);
  }
  void check_same_shape(const Bernoulli& other, std::string_view what) const {
    if (other.bits() != bits() || other.batch() != batch_) {
      throw_invalid_argument("Bernoulli::{}: other: expected {} bits x {} columns, got {} x {}", what, bits(), batch_,
                             other.bits(), other.batch());
    }
  }

  Matrix<Scalar> logits_, probs_;
  Index batch_ = 0;
};

}  // namespace ac
