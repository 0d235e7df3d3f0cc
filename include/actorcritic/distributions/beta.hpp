#pragma once
// A batch of products of Beta distributions, for bounded continuous actions
// (Chou, Maturana & Scherer 2017, "Improving Stochastic Policy Gradients in
// Continuous Control with Deep Reinforcement Learning using the Beta
// Distribution"): each action component x ∈ (0, 1) has density
//   p(x) = x^(α−1) (1 − x)^(β−1) / B(α, β),
// and an environment's [low, high] receives low + x (high − low). Unlike a
// clipped Gaussian, it puts no mass outside the bounds and has no bias there.
//
// The parameters are unconstrained network outputs z = [z_α; z_β]
// (`2·dims x batch`) with α = 1 + softplus(z_α) and β = 1 + softplus(z_β):
// α, β > 1 keeps every component unimodal and its density finite at 0 and 1,
// as the paper does. With ψ the digamma function, ψ' the trigamma, s = α + β,
// and every gradient taken in z through dα/dz_α = σ(z_α) (σ the logistic):
//   log p(x)       = (α−1) log x + (β−1) log(1−x) − log B(α, β)
//   ∂ log p/∂α     = log x − ψ(α) + ψ(s)
//   H              = log B(α, β) − (α−1) ψ(α) − (β−1) ψ(β) + (s−2) ψ(s)
//   ∂H/∂α          = −(α−1) ψ'(α) + (s−2) ψ'(s)
//   KL(p‖q)        = log B(α_q, β_q) − log B(α_p, β_p) + (α_p−α_q) ψ(α_p)
//                    + (β_p−β_q) ψ(β_p) + (s_q − s_p) ψ(s_p)
//   ∂KL/∂α_q       = ψ(α_q) − ψ(s_q) − ψ(α_p) + ψ(s_p)
//   ∂KL/∂α_p       = (α_p−α_q) ψ'(α_p) + (s_q − s_p) ψ'(s_p)
//   Fisher in (α, β): [[ψ'(α) − ψ'(s), −ψ'(s)], [−ψ'(s), ψ'(β) − ψ'(s)]],
//   and in z: J F J with J = diag(σ(z_α), σ(z_β)) (the Hessian of KL(p‖q) in
//   q's z at q = p, where the KL's gradient, and with it the reparameterization's
//   second-order term, vanishes). The β-derivatives are the mirror images.
// Everything is evaluated in double (core/special_functions.hpp) and rounded to
// Scalar at the end. Samples are Gamma ratios X/(X + Y), X ~ Γ(α), Y ~ Γ(β),
// each by Marsaglia & Tsang (2000) from the generator's own normal and uniform
// draws; a sample, and any x read back, is kept inside [tiny, 1 − ε/2] of
// Scalar, so its log-density is finite at the ends of the interval.
// The mode, (α − 1)/(s − 2), is the deterministic action.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/special_functions.hpp"
#include "actorcritic/core/types.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace ac {

namespace detail {

/// A Γ(shape, 1) draw by Marsaglia & Tsang (2000), "A Simple Method for Generating Gamma Variables",
/// for shape ≥ 1; below 1 by their boost Γ(a) = Γ(a + 1) U^(1/a).
inline double gamma_sample(Generator& rng, double shape) {
  if (shape < 1.0) return gamma_sample(rng, shape + 1.0) * std::pow(rng.uniform(), 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform(), x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // the squeeze: no logarithm in most draws
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace detail

template <RealScalar Scalar>
class Beta {
 public:
  /// What sample() writes and log_prob() reads: one vector of x ∈ (0, 1) per column.
  using Actions = Matrix<Scalar>;
  /// Its actions reach an environment as low + x (high − low) (bounded_actions.hpp).
  static constexpr bool kUnitInterval = true;

  Beta() = default;
  Beta(ConstMatrixRef<Scalar> alpha_logits, ConstMatrixRef<Scalar> beta_logits) { set(alpha_logits, beta_logits); }

  /// From z_α and z_β, each `dims x batch`.
  void set(ConstMatrixRef<Scalar> alpha_logits, ConstMatrixRef<Scalar> beta_logits) {
    if (alpha_logits.rows() < 1 || alpha_logits.cols() < 1) {
      throw_invalid_argument("Beta: alpha_logits: expected at least one dimension and one column, got {}x{}",
                             alpha_logits.rows(), alpha_logits.cols());
    }
    check_shape("Beta: beta_logits", beta_logits.rows(), beta_logits.cols(), alpha_logits.rows(),
                alpha_logits.cols());
    if (!all_finite(alpha_logits) || !all_finite(beta_logits)) {
      throw_invalid_argument("Beta: alpha_logits and beta_logits: expected finite values");
    }
    const Index d = alpha_logits.rows();
    batch_ = alpha_logits.cols();
    if (d != logits_.rows() / 2 || batch_ > logits_.cols()) {
      logits_.resize(2 * d, batch_);
      alpha_.resize(d, batch_);
      beta_.resize(d, batch_);
      alpha_slope_.resize(d, batch_);
      beta_slope_.resize(d, batch_);
    }
    logits_.topRows(d).leftCols(batch_) = alpha_logits;
    logits_.bottomRows(d).leftCols(batch_) = beta_logits;
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < d; ++i) {
        const double za = static_cast<double>(alpha_logits(i, j)), zb = static_cast<double>(beta_logits(i, j));
        alpha_(i, j) = 1.0 + detail::softplus(za);
        beta_(i, j) = 1.0 + detail::softplus(zb);
        alpha_slope_(i, j) = detail::sigmoid(za);
        beta_slope_(i, j) = detail::sigmoid(zb);
      }
    }
  }

  [[nodiscard]] Index dims() const { return alpha_.rows(); }
  [[nodiscard]] Index batch() const { return batch_; }
  /// Rows of the stacked parameter matrix [z_α; z_β].
  [[nodiscard]] Index parameter_rows() const { return 2 * dims(); }
  /// Rows of an action column.
  [[nodiscard]] Index action_rows() const { return dims(); }
  /// α and β, `dims x batch`, in double.
  [[nodiscard]] auto alpha() const { return alpha_.leftCols(batch_); }
  [[nodiscard]] auto beta() const { return beta_.leftCols(batch_); }

  /// The stacked parameters [z_α; z_β], `2·dims x batch`.
  void write_parameters(MatrixRef<Scalar> out) const {
    check_shape("Beta::write_parameters: out", out.rows(), out.cols(), parameter_rows(), batch_);
    out = logits_.leftCols(batch_);
  }
  /// From stacked parameters [z_α; z_β] (`2·dims x batch`, even rows).
  void set_parameters(ConstMatrixRef<Scalar> stacked) {
    if (stacked.rows() < 2 || stacked.rows() % 2 != 0) {
      throw_invalid_argument("Beta::set_parameters: expected an even number of rows [alpha_logits; beta_logits], "
                             "got {}",
                             stacked.rows());
    }
    const Index d = stacked.rows() / 2;
    set(stacked.topRows(d), stacked.bottomRows(d));
  }

  /// x = X / (X + Y) with X ~ Γ(α), Y ~ Γ(β), in storage order (X then Y per component).
  void sample(Generator& rng, MatrixRef<Scalar> out) const {
    expect_actions("sample", out);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < dims(); ++i) {
        const double x = detail::gamma_sample(rng, alpha_(i, j)), y = detail::gamma_sample(rng, beta_(i, j));
        out(i, j) = interior(static_cast<Scalar>(x / (x + y)));
      }
    }
  }
  /// The mode (α − 1)/(α + β − 2); 1/2 where α = β = 1 in double (z_α and z_β below about −37).
  void mode(MatrixRef<Scalar> out) const {
    expect_actions("mode", out);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < dims(); ++i) {
        const double a = alpha_(i, j) - 1.0, s = a + (beta_(i, j) - 1.0);
        out(i, j) = interior(static_cast<Scalar>(s > 0.0 ? a / s : 0.5));
      }
    }
  }

  /// Σ_i log p(x_i) per column; x in [0, 1], read as its nearest point of [tiny, 1 − ε/2].
  void log_prob(ConstMatrixRef<Scalar> x, MatrixRef<Scalar> out) const {
    expect_actions("log_prob: x", x);
    check_shape("Beta::log_prob: out", out.rows(), out.cols(), 1, batch_);
    for (Index j = 0; j < batch_; ++j) {
      double sum = 0.0;
      for (Index i = 0; i < dims(); ++i) {
        const double v = unit_value(x(i, j), "log_prob");
        sum += (alpha_(i, j) - 1.0) * std::log(v) + (beta_(i, j) - 1.0) * std::log1p(-v) -
               detail::log_beta_function(alpha_(i, j), beta_(i, j));
      }
      out(0, j) = static_cast<Scalar>(sum);
    }
  }

  void entropy(MatrixRef<Scalar> out) const {
    check_shape("Beta::entropy: out", out.rows(), out.cols(), 1, batch_);
    for (Index j = 0; j < batch_; ++j) {
      double sum = 0.0;
      for (Index i = 0; i < dims(); ++i) {
        const double a = alpha_(i, j), b = beta_(i, j), s = a + b;
        sum += detail::log_beta_function(a, b) - (a - 1.0) * detail::digamma(a) - (b - 1.0) * detail::digamma(b) +
               (s - 2.0) * detail::digamma(s);
      }
      out(0, j) = static_cast<Scalar>(sum);
    }
  }

  /// KL(this ‖ other).
  void kl(const Beta& other, MatrixRef<Scalar> out) const {
    check_same_shape(other, "kl");
    check_shape("Beta::kl: out", out.rows(), out.cols(), 1, batch_);
    for (Index j = 0; j < batch_; ++j) {
      double sum = 0.0;
      for (Index i = 0; i < dims(); ++i) {
        const double ap = alpha_(i, j), bp = beta_(i, j), aq = other.alpha_(i, j), bq = other.beta_(i, j);
        sum += detail::log_beta_function(aq, bq) - detail::log_beta_function(ap, bp) +
               (ap - aq) * detail::digamma(ap) + (bp - bq) * detail::digamma(bp) +
               ((aq + bq) - (ap + bp)) * detail::digamma(ap + bp);
      }
      out(0, j) = static_cast<Scalar>(sum);
    }
  }

  // Gradients: `grad` is `2·dims x batch`, [∂/∂z_α; ∂/∂z_β], each column scaled by weights(0, j).

  void log_prob_gradient(ConstMatrixRef<Scalar> x, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_gradient_args("log_prob_gradient", weights, grad);
    expect_actions("log_prob_gradient: x", x);
    for_each_component(weights, grad, [&](Index i, Index j, double a, double b, double& ga, double& gb) {
      const double v = unit_value(x(i, j), "log_prob_gradient"), psi_s = detail::digamma(a + b);
      ga = std::log(v) - detail::digamma(a) + psi_s;
      gb = std::log1p(-v) - detail::digamma(b) + psi_s;
    });
  }

  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_gradient_args("entropy_gradient", weights, grad);
    for_each_component(weights, grad, [&](Index, Index, double a, double b, double& ga, double& gb) {
      const double shared = (a + b - 2.0) * detail::trigamma(a + b);
      ga = shared - (a - 1.0) * detail::trigamma(a);
      gb = shared - (b - 1.0) * detail::trigamma(b);
    });
  }

  /// Gradient of KL(this ‖ other) with respect to other's z.
  void kl_gradient_wrt_other(const Beta& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_other");
    expect_gradient_args("kl_gradient_wrt_other", weights, grad);
    other.for_each_component(weights, grad, [&](Index i, Index j, double aq, double bq, double& ga, double& gb) {
      const double ap = alpha_(i, j), bp = beta_(i, j);
      const double shared = detail::digamma(ap + bp) - detail::digamma(aq + bq);
      ga = detail::digamma(aq) - detail::digamma(ap) + shared;
      gb = detail::digamma(bq) - detail::digamma(bp) + shared;
    });
  }

  /// Gradient of KL(this ‖ other) with respect to this distribution's z.
  void kl_gradient_wrt_self(const Beta& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_same_shape(other, "kl_gradient_wrt_self");
    expect_gradient_args("kl_gradient_wrt_self", weights, grad);
    for_each_component(weights, grad, [&](Index i, Index j, double ap, double bp, double& ga, double& gb) {
      const double aq = other.alpha_(i, j), bq = other.beta_(i, j);
      const double shared = ((aq + bq) - (ap + bp)) * detail::trigamma(ap + bp);
      ga = (ap - aq) * detail::trigamma(ap) + shared;
      gb = (bp - bq) * detail::trigamma(bp) + shared;
    });
  }

  /// The Fisher-metric product J F J u in z, per component a 2x2 block coupling z_α and z_β.
  void fisher_product(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    check_shape("Beta::fisher_product: u", u.rows(), u.cols(), parameter_rows(), batch_);
    check_shape("Beta::fisher_product: out", out.rows(), out.cols(), parameter_rows(), batch_);
    const Index d = dims();
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < d; ++i) {
        const double a = alpha_(i, j), b = beta_(i, j), t_s = detail::trigamma(a + b);
        const double ua = alpha_slope_(i, j) * static_cast<double>(u(i, j));
        const double ub = beta_slope_(i, j) * static_cast<double>(u(d + i, j));
        out(i, j) = static_cast<Scalar>(alpha_slope_(i, j) * ((detail::trigamma(a) - t_s) * ua - t_s * ub));
        out(d + i, j) = static_cast<Scalar>(beta_slope_(i, j) * ((detail::trigamma(b) - t_s) * ub - t_s * ua));
      }
    }
  }

 private:
  /// x moved into [tiny, 1 − ε/2] of Scalar: where log x and log(1 − x) are finite.
  static Scalar interior(Scalar x) {
    return std::clamp(x, std::numeric_limits<Scalar>::min(), Scalar(1) - std::numeric_limits<Scalar>::epsilon() / 2);
  }
  static double unit_value(Scalar x, std::string_view what) {
    if (!(x >= Scalar(0) && x <= Scalar(1))) {
      throw_invalid_argument("Beta::{}: x: expected values in [0, 1], got {}", what, x);
    }
    return static_cast<double>(interior(x));
  }
  /// f(i, j, α, β, g_α, g_β) sets the gradients in (α, β); they are written chained to z and weighted.
  template <class F>
  void for_each_component(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad, F&& f) const {
    const Index d = dims();
    for (Index j = 0; j < batch_; ++j) {
      const double w = static_cast<double>(weights(0, j));
      for (Index i = 0; i < d; ++i) {
        double ga = 0.0, gb = 0.0;
        f(i, j, alpha_(i, j), beta_(i, j), ga, gb);
        grad(i, j) = static_cast<Scalar>(w * alpha_slope_(i, j) * ga);
        grad(d + i, j) = static_cast<Scalar>(w * beta_slope_(i, j) * gb);
      }
    }
  }
  template <class M>
  void expect_actions(std::string_view what, const M& m) const {
    check_shape({"Beta::", what}, m.rows(), m.cols(), dims(), batch_);
  }
  void expect_gradient_args(std::string_view what, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    check_shape({"Beta::", what, ": weights"}, weights.rows(), weights.cols(), 1, batch_);
    check_shape({"Beta::", what, ": grad"}, grad.rows(), grad.cols(), parameter_rows(), batch_);
  }
  void check_same_shape(const Beta& other, std::string_view what) const {
    if (other.dims() != dims() || other.batch() != batch_) {
      throw_invalid_argument("Beta::{}: other: expected {} dims x {} columns, got {} x {}", what, dims(), batch_,
                             other.dims(), other.batch());
    }
  }

  Matrix<Scalar> logits_;                                  // [z_α; z_β], as given
  Eigen::MatrixXd alpha_, beta_, alpha_slope_, beta_slope_;  // α, β and σ(z): dα/dz_α, dβ/dz_β
  Index batch_ = 0;
};

}  // namespace ac
