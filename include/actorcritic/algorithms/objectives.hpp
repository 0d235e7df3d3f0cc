#pragma once
// The objective terms of the policy-gradient family, each a loss on one batch
// and its gradient with respect to the distribution parameters (logits, or
// [μ; log σ]), summed into one matrix that the policy's backward() takes over.
// Every term is a sum over the batch's samples times `scale` (1/B for a mean):
//
//   score function      L = −scale Σ w_j log π(a_j|s_j)                   (REINFORCE, A2C; Williams 1992)
//   ratio surrogate     L = −scale Σ min(r_j A_j, clip(r_j, 1−ε, 1+ε) A_j),  r = π/π_old
//                       (PPO-clip, Schulman et al. 2017, eq. 7; ε = ∞ is TRPO's importance-
//                       weighted surrogate, Schulman et al. 2015, eq. 14)
//   KL penalty          L = ρ scale Σ KL(π_old(·|s_j) ‖ π(·|s_j))        (PPO paper §4; the lecture's soft constraint)
//   entropy bonus       L = −c scale Σ m_j H[π(·|s_j)]                    (Mnih et al. 2016)
//   reference KL        L = Σ w_j KL(π(·|s_j) ‖ π_ref(·|s_j)), in closed form, or its k3 estimate
//                       Σ w_j (ρ_j − log ρ_j − 1), ρ_j = π_ref(a_j|s_j)/π(a_j|s_j)  (GRPO's penalty to a
//                       frozen reference, Shao et al. 2024, eqs. 3–4; k3: Schulman 2020, "Approximating KL
//                       divergence")
//
// and, for the critic, the squared TD/value error, optionally clipped around
// the old values (PPO2's value clipping).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/policies/policy.hpp"

#include <cmath>
#include <limits>
#include <optional>

namespace ac {

/// A clip range, a target or a limit that is switched off (SB3's None): +∞.
inline constexpr double kOff = std::numeric_limits<double>::infinity();

/// Statistics of the ratio r = π/π_old over the last ratio_surrogate() batch.
struct RatioStatistics {
  double clip_fraction = 0.0;  // samples whose clipped term was the active one (|r − 1| > ε on the losing side)
  double approx_kl = 0.0;      // mean of (r − 1) − log r, an unbiased, non-negative KL(π_old‖π) estimate
  double ratio_mean = 1.0;
};

/// Whether an epoch of a multi-epoch update needs PolicyObjective::entropy_bonus. The update's diagnostics
/// report its last epoch run; without an entropy bonus (ent_coef = 0) the entropy adds no gradient and serves
/// only them, so it is measured only in an epoch that may be the last one run: the last, or any when the
/// epochs may stop early (PPO's target_kl).
inline bool measures_entropy(double ent_coef, Index epoch, Index epochs, bool may_stop_early) {
  return ent_coef != 0.0 || may_stop_early || epoch + 1 == epochs;
}

/// Accumulates objective terms for one batch of a policy's distribution.
/// Workspaces grow to the largest batch and are reused (no allocation after that).
template <Policy P>
class PolicyObjective {
 public:
  using Scalar = typename P::Scalar;
  using Distribution = typename P::Distribution;
  using Actions = typename P::Actions;

  /// Starts a batch: the current distribution and the actions taken. Computes
  /// log π(a|s) and zeroes the accumulated gradient.
  using ActionsRef = Eigen::Ref<const Actions>;

  void begin(const Distribution& dist, const ActionsRef& actions) {
    const Index batch = dist.batch();
    if (actions.cols() != batch) {
      throw_invalid_argument("PolicyObjective::begin: actions: expected {} columns, got {}", batch, actions.cols());
    }
    dist_ = &dist;
    batch_ = batch;
    if (grad_.rows() != dist.parameter_rows() || grad_.cols() < batch) {
      grad_.resize(dist.parameter_rows(), batch);
      term_grad_.resize(dist.parameter_rows(), batch);
      log_probs_.resize(1, batch);
      row_.resize(1, batch);
      weights_.resize(1, batch);
    }
    dist.log_prob(actions, log_probs());
    gradient().setZero();
    actions_.emplace(actions);
  }

  /// −scale Σ w_j log π(a_j|s_j). `weights` is 1 x batch.
  double score_function(ConstMatrixRef<Scalar> weights, double scale) {
    expect_row("score_function: weights", weights);
    const double loss = -scale * static_cast<double>((weights.array() * log_probs().array()).sum());
    this->weights() = weights * static_cast<Scalar>(-scale);
    accumulate_log_prob_gradient();
    return loss;
  }

  /// −scale Σ min(r A, clip(r, 1 ± ε) A) with r = exp(log π − log π_old);
  /// `clip_range` = ∞ gives the unclipped importance-weighted surrogate; 0 (where a linear schedule
  /// ends) gives min(r A, A). The gradient flows through r only where the unclipped term is active.
  double ratio_surrogate(ConstMatrixRef<Scalar> old_log_probs, ConstMatrixRef<Scalar> advantages, double clip_range,
                         double scale) {
    expect_row("ratio_surrogate: old_log_probs", old_log_probs);
    expect_row("ratio_surrogate: advantages", advantages);
    if (!(clip_range >= 0.0)) {
      throw_invalid_argument("ratio_surrogate: clip_range: expected a value >= 0, got {}", clip_range);
    }
    const double lo = 1.0 - clip_range, hi = 1.0 + clip_range;
    double objective = 0.0, clipped = 0.0, approx_kl = 0.0, ratio_sum = 0.0;
    auto w = weights();
    for (Index j = 0; j < batch_; ++j) {
      const double log_ratio = static_cast<double>(log_probs()(0, j)) - static_cast<double>(old_log_probs(0, j));
      const double r = std::exp(log_ratio);
      const double a = static_cast<double>(advantages(0, j));
      const double unclipped = r * a;
      const double clipped_term = std::clamp(r, lo, hi) * a;
      // min(rA, clip(r)A): the unclipped term is active (and carries the gradient) unless it is the larger one.
      const bool unclipped_active = unclipped <= clipped_term;
      objective += unclipped_active ? unclipped : clipped_term;
      if (!unclipped_active) clipped += 1.0;
      // d(rA)/dθ = A r ∇log π: a score-function weight of A·r.
      w(0, j) = unclipped_active ? static_cast<Scalar>(-scale * a * r) : Scalar(0);
      approx_kl += (r - 1.0) - log_ratio;
      ratio_sum += r;
    }
    accumulate_log_prob_gradient();
    ratio_statistics_ = {clipped / double(batch_), approx_kl / double(batch_), ratio_sum / double(batch_)};
    return -scale * objective;
  }

  /// ρ · scale Σ KL(old_j ‖ π_j); returns the loss. `old` is the behavior
  /// (pre-update) distribution at the same observations.
  double kl_penalty(const Distribution& old, double rho, double scale) {
    if (old.batch() != batch_) {
      throw_invalid_argument("kl_penalty: old: expected a batch of {}, got {}", batch_, old.batch());
    }
    old.kl(*dist_, row());
    last_mean_kl_ = static_cast<double>(row().mean());
    if (rho == 0.0) return 0.0;
    weights().setConstant(static_cast<Scalar>(rho * scale));
    old.kl_gradient_wrt_other(*dist_, weights(), term_gradient());
    gradient() += term_gradient();
    return rho * scale * static_cast<double>(row().sum());
  }

  /// Σ w_j KL(π_j ‖ ref_j) in closed form (the reverse of kl_penalty's direction: the current policy first);
  /// `weights` is 1 x batch and holds any coefficient and scale. Returns the loss; mean_reference_kl() is
  /// the batch's unweighted mean KL.
  double reference_kl_penalty(const Distribution& reference, ConstMatrixRef<Scalar> weights) {
    if (reference.batch() != batch_) {
      throw_invalid_argument("reference_kl_penalty: reference: expected a batch of {}, got {}", batch_,
                             reference.batch());
    }
    expect_row("reference_kl_penalty: weights", weights);
    dist_->kl(reference, row());
    last_reference_kl_ = static_cast<double>(row().mean());
    dist_->kl_gradient_wrt_self(reference, weights, term_gradient());
    gradient() += term_gradient();
    return static_cast<double>((weights.array() * row().array()).sum());
  }

  /// Σ w_j k3_j, k3 = ρ − log ρ − 1 with ρ = π_ref(a|s)/π(a|s) at the batch's actions: a non-negative
  /// estimate of KL(π ‖ π_ref), unbiased when the actions are drawn from π (GRPO, eq. 4). Its gradient is
  /// the score-function term w (1 − ρ) ∇log π. Returns the loss; mean_reference_kl() is the batch's mean k3.
  double reference_k3_penalty(ConstMatrixRef<Scalar> reference_log_probs, ConstMatrixRef<Scalar> weights) {
    expect_row("reference_k3_penalty: reference_log_probs", reference_log_probs);
    expect_row("reference_k3_penalty: weights", weights);
    double loss = 0.0, sum = 0.0;
    auto w = this->weights();
    for (Index j = 0; j < batch_; ++j) {
      const double log_rho =
          static_cast<double>(reference_log_probs(0, j)) - static_cast<double>(log_probs()(0, j));
      const double rho = std::exp(log_rho);
      const double k3 = rho - log_rho - 1.0;
      sum += k3;
      loss += static_cast<double>(weights(0, j)) * k3;
      w(0, j) = static_cast<Scalar>(static_cast<double>(weights(0, j)) * (1.0 - rho));
    }
    accumulate_log_prob_gradient();
    last_reference_kl_ = sum / double(batch_);
    return loss;
  }

  /// −coef · scale Σ m_j H_j, with per-sample mask m (1 x batch) or none (all ones).
  double entropy_bonus(double coef, double scale, const ConstMatrixRef<Scalar>* mask = nullptr) {
    dist_->entropy(row());
    if (mask != nullptr) {
      expect_row("entropy_bonus: mask", *mask);
      last_entropy_ = static_cast<double>((row().array() * mask->array()).sum()) * scale;
    } else {
      last_entropy_ = static_cast<double>(row().sum()) * scale;
    }
    if (coef == 0.0) return 0.0;
    if (mask != nullptr) {
      weights() = *mask * static_cast<Scalar>(-coef * scale);
    } else {
      weights().setConstant(static_cast<Scalar>(-coef * scale));
    }
    dist_->entropy_gradient(weights(), term_gradient());
    gradient() += term_gradient();
    return -coef * last_entropy_;
  }

  /// log π(a|s) of the batch, 1 x batch.
  [[nodiscard]] auto log_probs() { return log_probs_.leftCols(batch_); }
  /// The accumulated dL/d(distribution parameters), parameter_rows x batch.
  [[nodiscard]] auto gradient() { return grad_.leftCols(batch_); }
  [[nodiscard]] const RatioStatistics& ratio_statistics() const { return ratio_statistics_; }
  /// Mean KL(old ‖ π) of the last kl_penalty() call (computed even when ρ = 0).
  [[nodiscard]] double mean_kl() const { return last_mean_kl_; }
  /// The batch's mean KL(π ‖ π_ref) (closed form or k3) of the last reference penalty.
  [[nodiscard]] double mean_reference_kl() const { return last_reference_kl_; }
  /// scale Σ m H of the last entropy_bonus() call (the mean entropy when scale = 1/B).
  [[nodiscard]] double entropy() const { return last_entropy_; }

 private:
  auto weights() { return weights_.leftCols(batch_); }
  auto row() { return row_.leftCols(batch_); }
  auto term_gradient() { return term_grad_.leftCols(batch_); }
  void accumulate_log_prob_gradient() {
    dist_->log_prob_gradient(*actions_, weights(), term_gradient());
    gradient() += term_gradient();
  }
  template <class M>
  void expect_row(std::string_view what, const M& m) const {
    check_shape({"PolicyObjective::", what}, m.rows(), m.cols(), 1, batch_);
  }

  const Distribution* dist_ = nullptr;
  std::optional<ActionsRef> actions_;
  Index batch_ = 0;
  Matrix<Scalar> grad_, term_grad_, log_probs_, row_, weights_;
  RatioStatistics ratio_statistics_;
  double last_mean_kl_ = 0.0, last_entropy_ = 0.0, last_reference_kl_ = 0.0;
};

/// The critic's loss coef · scale Σ (R_j − V_j)², or with value clipping
/// (clip_range < ∞, PPO2): coef · scale Σ max((R − V)², (R − V_clip)²),
/// V_clip = V_old + clip(V − V_old, ±clip_range). Writes dL/dV into `grad`
/// (1 x batch) and returns scale Σ (the chosen squared error), without coef.
template <RealScalar Scalar>
double value_loss(ConstMatrixRef<Scalar> values, ConstMatrixRef<Scalar> targets, ConstMatrixRef<Scalar> old_values,
                  double clip_range, double coef, double scale, MatrixRef<Scalar> grad) {
  const Index batch = values.cols();
  check_shape("value_loss: targets", targets.rows(), targets.cols(), 1, batch);
  check_shape("value_loss: grad", grad.rows(), grad.cols(), 1, batch);
  const bool clip = std::isfinite(clip_range);
  if (clip) check_shape("value_loss: old_values", old_values.rows(), old_values.cols(), 1, batch);
  double loss = 0.0;
  for (Index j = 0; j < batch; ++j) {
    const double v = static_cast<double>(values(0, j)), r = static_cast<double>(targets(0, j));
    double error = v - r;
    double slope = 1.0;  // dV_used/dV
    if (clip) {
      const double old = static_cast<double>(old_values(0, j));
      const double v_clipped = old + std::clamp(v - old, -clip_range, clip_range);
      const bool inside = std::abs(v - old) <= clip_range;
      if ((v_clipped - r) * (v_clipped - r) > error * error) {
        error = v_clipped - r;
        slope = inside ? 1.0 : 0.0;
      }
    }
    loss += error * error;
    grad(0, j) = static_cast<Scalar>(2.0 * coef * scale * error * slope);
  }
  return scale * loss;
}

}  // namespace ac
