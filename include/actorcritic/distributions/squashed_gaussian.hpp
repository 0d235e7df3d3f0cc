#pragma once
// A batch of tanh-squashed diagonal Gaussians, for bounded continuous actions:
// u ~ N(μ, diag σ²) and the action y = tanh(u) ∈ (−1, 1)ᵈ (an environment's
// [low, high] is the affine image of it). The parameters are the Gaussian's,
// [μ; log σ], and the actions it samples and reads are the pre-squash u: what
// a rollout stores, so that log-probabilities are recomputed exactly (Haarnoja
// et al. 2018, "Soft Actor-Critic", appendix C). By the change of variables,
//   log p(y) = log N(u; μ, σ) − Σ_i log(1 − tanh²(u_i)),
//   log(1 − tanh²(u)) = 2 (log 2 − u − softplus(−2u))   (finite for any finite u).
// With u held fixed, the correction does not depend on the parameters, so the
// log-probability's gradient is the Gaussian's. A bijection leaves KL
// unchanged: KL(p_y ‖ q_y) = KL(p_u ‖ q_u), with the Gaussian's closed form,
// gradients and Fisher metric. The entropy has no closed form:
//   H(y) = H(u) + Σ_i E_{u_i ~ N(μ_i, σ_i)}[log(1 − tanh²(u_i))],
// and each expectation is a one-dimensional Gaussian integral, computed here by
// Gauss–Hermite quadrature (32 nodes, deterministic, and differentiated node
// by node for the entropy's gradient) rather than by sampling.
// The mode is reported as u = μ, whose image tanh(μ) is the deterministic action.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/special_functions.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/diag_gaussian.hpp"

#include <Eigen/Eigenvalues>

#include <array>
#include <cmath>
#include <numbers>

namespace ac {

namespace detail {

/// Gauss–Hermite nodes x_k and weights w_k for ∫ e^{−x²} f(x) dx ≈ Σ w_k f(x_k),
/// by Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the
/// Hermite polynomials (off-diagonal √(k/2)), the weights √π times the squared
/// first components of its unit eigenvectors. Computed once.
template <int N>
struct GaussHermite {
  std::array<double, N> nodes{}, weights{};
  GaussHermite() {
    Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(N, N);
    for (int k = 1; k < N; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = std::sqrt(k / 2.0);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(jacobi);
    for (int k = 0; k < N; ++k) {
      nodes[static_cast<std::size_t>(k)] = solver.eigenvalues()(k);
      const double v = solver.eigenvectors()(0, k);
      weights[static_cast<std::size_t>(k)] = std::sqrt(std::numbers::pi) * v * v;
    }
  }
  static const GaussHermite& get() {
    static const GaussHermite rule;
    return rule;
  }
};

/// log(1 − tanh²(u)) = 2 (log 2 − u − softplus(−2u)), stable for every finite u.
template <class S>
S log_one_minus_tanh_squared(S u) {
  return S(2) * (static_cast<S>(std::numbers::ln2) - u - softplus(S(-2) * u));
}

}  // namespace detail

template <RealScalar Scalar>
class SquashedDiagGaussian : private DiagGaussian<Scalar> {
  using Gaussian = DiagGaussian<Scalar>;

 public:
  /// The pre-squash samples u, one per column (the action is tanh(u)).
  using Actions = Matrix<Scalar>;
  static constexpr int kQuadratureNodes = 32;
  /// Its actions reach an environment as tanh(u), rescaled to the bounds (bounded_actions.hpp).
  static constexpr bool kSquashed = true;

  SquashedDiagGaussian() = default;
  SquashedDiagGaussian(ConstMatrixRef<Scalar> mean, ConstMatrixRef<Scalar> log_std) { set(mean, log_std); }

  using Gaussian::action_rows;
  using Gaussian::batch;
  using Gaussian::dims;
  using Gaussian::fisher_product;
  using Gaussian::log_prob_gradient;
  using Gaussian::log_std;
  using Gaussian::mean;
  using Gaussian::mode;
  using Gaussian::parameter_rows;
  using Gaussian::sample;
  using Gaussian::set;
  using Gaussian::set_parameters;
  using Gaussian::write_parameters;

  /// The underlying Gaussian of u.
  [[nodiscard]] const Gaussian& unsquashed() const { return *this; }

  /// log p(tanh(u)) = log N(u; μ, σ) − Σ_i log(1 − tanh²(u_i)), for pre-squash u.
  void log_prob(ConstMatrixRef<Scalar> u, MatrixRef<Scalar> out) const {
    Gaussian::log_prob(u, out);
    for (Index j = 0; j < batch(); ++j) {
      Scalar correction = 0;
      for (Index i = 0; i < dims(); ++i) correction += detail::log_one_minus_tanh_squared(u(i, j));
      out(0, j) -= correction;
    }
  }

  /// H(tanh(u)) = H(u) + Σ_i E[log(1 − tanh²(u_i))], the expectations by Gauss–Hermite quadrature.
  void entropy(MatrixRef<Scalar> out) const {
    Gaussian::entropy(out);
    for (Index j = 0; j < batch(); ++j) {
      double sum = 0;
      for (Index i = 0; i < dims(); ++i) sum += expected_log_jacobian(i, j, nullptr, nullptr);
      out(0, j) += static_cast<Scalar>(sum);
    }
  }

  /// grad = w ⊙ ∂H/∂[μ; log σ]: the Gaussian's (0; 1) plus the quadrature sum differentiated node by node,
  /// with u_k = μ + √2 σ x_k and d/du log(1 − tanh²u) = −2 tanh u.
  void entropy_gradient(ConstMatrixRef<Scalar> weights, MatrixRef<Scalar> grad) const {
    Gaussian::entropy_gradient(weights, grad);
    for (Index j = 0; j < batch(); ++j) {
      for (Index i = 0; i < dims(); ++i) {
        double d_mean = 0, d_log_std = 0;
        expected_log_jacobian(i, j, &d_mean, &d_log_std);
        grad(i, j) += weights(0, j) * static_cast<Scalar>(d_mean);
        grad(dims() + i, j) += weights(0, j) * static_cast<Scalar>(d_log_std);
      }
    }
  }

  /// KL(this ‖ other): the Gaussians' (tanh is a bijection), and so are its gradients.
  void kl(const SquashedDiagGaussian& other, MatrixRef<Scalar> out) const { Gaussian::kl(other.unsquashed(), out); }
  void kl_gradient_wrt_other(const SquashedDiagGaussian& other, ConstMatrixRef<Scalar> weights,
                             MatrixRef<Scalar> grad) const {
    Gaussian::kl_gradient_wrt_other(other.unsquashed(), weights, grad);
  }
  void kl_gradient_wrt_self(const SquashedDiagGaussian& other, ConstMatrixRef<Scalar> weights,
                            MatrixRef<Scalar> grad) const {
    Gaussian::kl_gradient_wrt_self(other.unsquashed(), weights, grad);
  }

 private:
  /// E_{u ~ N(μ_ij, σ_ij)}[log(1 − tanh² u)] = (1/√π) Σ_k w_k g(μ + √2 σ x_k), in double;
  /// with the pointers, also its derivatives in μ and log σ.
  double expected_log_jacobian(Index i, Index j, double* d_mean, double* d_log_std) const {
    const auto& rule = detail::GaussHermite<kQuadratureNodes>::get();
    const double mu = static_cast<double>(mean()(i, j)), sigma = std::exp(static_cast<double>(log_std()(i, j)));
    const double scale = std::numbers::sqrt2 * sigma, norm = 1.0 / std::sqrt(std::numbers::pi);
    double value = 0, dm = 0, ds = 0;
    for (std::size_t k = 0; k < rule.nodes.size(); ++k) {
      const double u = mu + scale * rule.nodes[k];
      value += rule.weights[k] * detail::log_one_minus_tanh_squared(u);
      if (d_mean != nullptr) {
        const double slope = -2.0 * std::tanh(u);
        dm += rule.weights[k] * slope;
        ds += rule.weights[k] * slope * scale * rule.nodes[k];
      }
    }
    if (d_mean != nullptr) {
      *d_mean = norm * dm;
      *d_log_std = norm * ds;
    }
    return norm * value;
  }
};

}  // namespace ac
