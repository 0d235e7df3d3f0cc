#pragma once
// A batch of diagonal Gaussians N(μ, diag σ²), μ `dims x batch` from the
// network and log σ either `dims x batch` (a network output) or `dims x 1` (a
// state-independent parameter). Gradients are with respect to μ and log σ,
// per sample (`dims x batch`; for a state-independent log σ the caller sums
// the columns):
//   ∂ log p/∂μ = (x − μ)/σ²,            ∂ log p/∂log σ = ((x − μ)/σ)² − 1
//   ∂H/∂log σ = 1
//   ∂KL(p‖q)/∂μ_q = (μ_q − μ_p)/σ_q²,   ∂KL(p‖q)/∂log σ_q = 1 − (σ_p² + (μ_p − μ_q)²)/σ_q²
//   ∂KL(p‖q)/∂μ_p = (μ_p − μ_q)/σ_q²,   ∂KL(p‖q)/∂log σ_p = σ_p²/σ_q² − 1
//   Fisher in (μ, log σ): diag(1/σ², 2), the Hessian of KL(p‖q) in q's parameters at q = p.
// Every gradient method also comes in a stacked form writing one `2·dims x
// batch` matrix [∂/∂μ; ∂/∂log σ]: the layout the policies and the algorithms
// share with Categorical's logit gradients ("the distribution's parameters").

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/kernels/gaussian.hpp"

namespace ac {

template <RealScalar Scalar>
class DiagGaussian {
 public:
  /// What sample() writes and log_prob() reads: one action vector per column.
  using Actions = Matrix<Scalar>;

  DiagGaussian() = default;
  DiagGaussian(ConstMatrixRef<Scalar> mean, ConstMatrixRef<Scalar> log_std) { set(mean, log_std); }

  void set(ConstMatrixRef<Scalar> mean, ConstMatrixRef<Scalar> log_std) {
    if (mean.rows() < 1 || mean.cols() < 1) {
      throw_invalid_argument("DiagGaussian: mean: expected at least one dimension and one column, got {}x{}",
                             mean.rows(), mean.cols());
    }
    if (log_std.rows() != mean.rows() || (log_std.cols() != mean.cols() && log_std.cols() != 1)) {
      throw_invalid_argument("DiagGaussian: log_std: expected {}x{} or {}x1, got {}x{}", mean.rows(), mean.cols(),
                             mean.rows(), log_std.rows(), log_std.cols());
    }
    if (!all_finite(mean) || !all_finite(log_std)) {
      throw_invalid_argument("DiagGaussian: mean and log_std: expected finite values");
    }
    if (mean.rows() != mean_.rows() || mean.cols() > mean_.cols()) {
      mean_.resize(mean.rows(), mean.cols());
      log_std_.resize(mean.rows(), mean.cols());
    }
    batch_ = mean.cols();
    mean_.leftCols(batch_) = mean;
    shared_log_std_ = log_std.cols() == 1;
    if (shared_log_std_) {
      log_std_.leftCols(batch_).colwise() = log_std.col(0);  // one pass, not one Eigen assignment per column
      // σ and 1/σ once per dim rather than once per sample: the std::exp every
      // sample would call, of the same value (the same bits).
      if (std_.size() != dims()) {
        std_.resize(dims());
        inv_std_.resize(dims());
      }
      for (Index i = 0; i < dims(); ++i) {
        std_(i) = std::exp(log_std(i, 0));
        inv_std_(i) = std::exp(-log_std(i, 0));
      }
    } else {
      log_std_.leftCols(batch_) = log_std;
    }
  }

  [[nodiscard]] Index dims() const { return mean_.rows(); }
  /// Rows of the stacked parameter matrix [μ; log σ].
  [[nodiscard]] Index parameter_rows() const { return 2 * dims(); }
  /// Rows of an action column.
  [[nodiscard]] Index action_rows() const { return dims(); }
  /// The stacked parameters [μ; log σ], `2·dims x batch`.
  void write_parameters(MatrixRef<Scalar> out) const {
    check_shape("DiagGaussian::write_parameters: out", out.rows(), out.cols(), parameter_rows(), batch_);
    out.topRows(dims()) = mean();
    out.bottomRows(dims()) = log_std();
  }
  /// From stacked parameters [μ; log σ] (`2·dims x batch`, even rows).
  void set_parameters(ConstMatrixRef<Scalar> stacked) {
    if (stacked.rows() < 2 || stacked.rows() % 2 != 0) {
      throw_invalid_argument("DiagGaussian::set_parameters: expected an even number of rows [mean; log_std], got {}",
                             stacked.rows());
    }
    const Index d = stacked.rows() / 2;
    set(stacked.topRows(d), stacked.bottomRows(d));
  }
  [[nodiscard]] Index batch() const { return batch_; }
  [[nodiscard]] auto mean() const { return mean_.leftCols(batch_); }
  [[nodiscard]] auto log_std() const { return log_std_.leftCols(batch_); }

  /// x = μ + σ ε with ε from the generator's normal sampler, in storage order.
  void sample(Generator& rng, MatrixRef<Scalar> out) const {
    expect_params("sample", out);
    for (Index j = 0; j < batch_; ++j) {
      for (Index i = 0; i < dims(); ++i) {
        const Scalar sigma = shared_log_std_ ? std_(i) : std::exp(log_std_(i, j));
        out(i, j) = mean_(i, j) + sigma * static_cast<Scalar>(rng.normal());
      }
    }
  }
  void mode(MatrixRef<Scalar> out) const {
    expect_params("mode", out);
    out = mean();
  }

  void log_prob(ConstMatrixRef<Scalar> x, MatrixRef<Scalar> out) const {
    kernels::diag_gaussian_log_prob(mean(), kernel_log_std(), x, out);
  }
  void entropy(MatrixRef<Scalar> out) const { kernels::diag_gaussian_entropy(log_std(), out); }
  /// KL(this ‖ other).
  void kl(const DiagGaussian& other, MatrixRef<Scalar> out) const {
    check_same_shape(other, "kl");
    kernels::diag_gaussian_kl(mean(), kernel_log_std(), other.mean(), other.kernel_log_std(), out);
  }

  void log_prob_gradient(ConstMatrixRef<Scalar> x, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad_mean,
                         MatrixRef<Scalar> grad_log_std) const {
    expect_gradient_args("log_prob_gradient", weights, grad_mean, grad_log_std);
    expect_params("log_prob_gradient: x", x);
    const auto column = [&](Index j, const auto& inv_std) {
      const auto z = (x.col(j).array() - mean_.col(j).array()) * inv_std;
      grad_mean.col(j).array() = weights(0, j) * z * inv_std;
      grad_log_std.col(j).array() = weights(0, j) * (z.square() - Scalar(1));
    };
    // A column shorter than a packet evaluates exp with std::exp, value by
    // value (kernels::detail::scalar_columns): a shared log σ's 1/σ is then those values.
    if (shared_log_std_ && kernels::detail::scalar_columns<Scalar>(dims())) {
      for (Index j = 0; j < batch_; ++j) column(j, inv_std_.array());
      return;
    }
    for (Index j = 0; j < batch_; ++j) column(j, (-log_std_.col(j).array()).exp());
  }

  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad_mean,
                        MatrixRef<Scalar> grad_log_std) const {
    expect_gradient_args("entropy_gradient", weights, grad_mean, grad_log_std);
    grad_mean.setZero();
    for (Index j = 0; j < batch_; ++j) grad_log_std.col(j).setConstant(weights(0, j));
  }

  /// Gradient of KL(this ‖ other) with respect to other's μ and log σ.
  void kl_gradient_wrt_other(const DiagGaussian& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad_mean,
                             MatrixRef<Scalar> grad_log_std) const {
    check_same_shape(other, "kl_gradient_wrt_other");
    expect_gradient_args("kl_gradient_wrt_other", weights, grad_mean, grad_log_std);
    for (Index j = 0; j < batch_; ++j) {
      const auto inv_var_q = (Scalar(-2) * other.log_std_.col(j).array()).exp();
      const auto gap = mean_.col(j).array() - other.mean_.col(j).array();  // μ_p − μ_q
      const auto var_ratio = (Scalar(2) * (log_std_.col(j).array() - other.log_std_.col(j).array())).exp();
      grad_mean.col(j).array() = -weights(0, j) * gap * inv_var_q;
      grad_log_std.col(j).array() = weights(0, j) * (Scalar(1) - var_ratio - gap.square() * inv_var_q);
    }
  }

  /// Gradient of KL(this ‖ other) with respect to this distribution's μ and log σ.
  void kl_gradient_wrt_self(const DiagGaussian& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad_mean,
                            MatrixRef<Scalar> grad_log_std) const {
    check_same_shape(other, "kl_gradient_wrt_self");
    expect_gradient_args("kl_gradient_wrt_self", weights, grad_mean, grad_log_std);
    for (Index j = 0; j < batch_; ++j) {
      const auto inv_var_q = (Scalar(-2) * other.log_std_.col(j).array()).exp();
      const auto gap = mean_.col(j).array() - other.mean_.col(j).array();
      const auto var_ratio = (Scalar(2) * (log_std_.col(j).array() - other.log_std_.col(j).array())).exp();
      grad_mean.col(j).array() = weights(0, j) * gap * inv_var_q;
      grad_log_std.col(j).array() = weights(0, j) * (var_ratio - Scalar(1));
    }
  }

  /// Fisher-metric product in (μ, log σ): (u_μ/σ², 2 u_logσ), per column.
  void fisher_product(ConstMatrixRef<Scalar> u_mean, ConstMatrixRef<Scalar> u_log_std, MatrixRef<Scalar> out_mean,
                      MatrixRef<Scalar> out_log_std) const {
    expect_params("fisher_product: u_mean", u_mean);
    expect_params("fisher_product: u_log_std", u_log_std);
    expect_params("fisher_product: out_mean", out_mean);
    expect_params("fisher_product: out_log_std", out_log_std);
    out_mean.array() = u_mean.array() * (Scalar(-2) * log_std().array()).exp();
    out_log_std = Scalar(2) * u_log_std;
  }

  // Stacked forms: `grad` is `2·dims x batch`, [∂/∂μ; ∂/∂log σ].
  void log_prob_gradient(ConstMatrixRef<Scalar> x, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_stacked("log_prob_gradient: grad", grad);
    log_prob_gradient(x, weights, grad.topRows(dims()), grad.bottomRows(dims()));
  }
  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_stacked("entropy_gradient: grad", grad);
    entropy_gradient(weights, grad.topRows(dims()), grad.bottomRows(dims()));
  }
  void kl_gradient_wrt_other(const DiagGaussian& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_stacked("kl_gradient_wrt_other: grad", grad);
    kl_gradient_wrt_other(other, weights, grad.topRows(dims()), grad.bottomRows(dims()));
  }
  void kl_gradient_wrt_self(const DiagGaussian& other, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    expect_stacked("kl_gradient_wrt_self: grad", grad);
    kl_gradient_wrt_self(other, weights, grad.topRows(dims()), grad.bottomRows(dims()));
  }
  void fisher_product(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    expect_stacked("fisher_product: u", u);
    expect_stacked("fisher_product: out", out);
    fisher_product(u.topRows(dims()), u.bottomRows(dims()), out.topRows(dims()), out.bottomRows(dims()));
  }

 private:
  template <class M>
  void expect_stacked(std::string_view what, const M& m) const {
    check_shape({"DiagGaussian::", what}, m.rows(), m.cols(), parameter_rows(), batch_);
  }
  template <class M>
  void expect_params(std::string_view what, const M& m) const {
    check_shape({"DiagGaussian::", what}, m.rows(), m.cols(), dims(), batch_);
  }
  void expect_gradient_args(std::string_view what, ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad_mean,
                            MatrixRef<Scalar> grad_log_std) const {
    check_shape({"DiagGaussian::", what, ": weights"}, weights.rows(), weights.cols(), 1, batch_);
    check_shape({"DiagGaussian::", what, ": grad_mean"}, grad_mean.rows(), grad_mean.cols(), dims(), batch_);
    check_shape({"DiagGaussian::", what, ": grad_log_std"}, grad_log_std.rows(), grad_log_std.cols(), dims(),
                batch_);
  }
  void check_same_shape(const DiagGaussian& other, std::string_view what) const {
    if (other.dims() != dims() || other.batch() != batch_) {
      throw_invalid_argument("DiagGaussian::{}: other: expected {} dims x {} columns, got {} x {}", what, dims(),
                             batch_, other.dims(), other.batch());
    }
  }

  // log σ as the kernels take it: `dims x 1` when shared by the batch, so that they
  // compute its exponentials once per dim.
  [[nodiscard]] auto kernel_log_std() const { return log_std_.leftCols(shared_log_std_ ? 1 : batch_); }

  Matrix<Scalar> mean_, log_std_;
  Vector<Scalar> std_, inv_std_;  // exp(±log σ) of a shared log σ
  Index batch_ = 0;
  bool shared_log_std_ = false;
};

}  // namespace ac
