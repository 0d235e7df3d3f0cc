#pragma once
// Matrix-free conjugate gradient (Hestenes & Stiefel 1952; Nocedal & Wright,
// Algorithm 5.2) for (A + damping·I) x = b with A symmetric positive
// definite, given only the product p ↦ A p. TRPO uses it to solve F x = g
// with Fisher-vector products (Schulman et al. 2015, Appendix C). Starts from
// x = 0; stops after max_iterations or when ‖r‖² < residual_tolerance (the
// squared-norm test of Spinning Up and sb3-contrib).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>

namespace ac::optim {

struct ConjugateGradientConfig {
  int max_iterations = 10;         // Spinning Up cg_iters
  double residual_tolerance = 1e-10;  // on ‖r‖², sb3-contrib
  double damping = 0.0;            // TRPO adds 0.1 (sb3-contrib cg_damping)

  void validate() const {
    check_positive("ConjugateGradientConfig.max_iterations", max_iterations);
    check_non_negative("ConjugateGradientConfig.residual_tolerance", residual_tolerance);
    check_non_negative("ConjugateGradientConfig.damping", damping);
  }
};

struct ConjugateGradientResult {
  int iterations = 0;
  double residual_norm = 0.0;  // ‖b − (A + damping·I) x‖ at exit
  bool converged = false;      // the tolerance was met
};

template <RealScalar Scalar>
class ConjugateGradient {
 public:
  ConjugateGradient(Index dimension, const ConjugateGradientConfig& config = {}) : config_(config) {
    config_.validate();
    check_positive("ConjugateGradient: dimension", dimension);
    r_ = Vector<Scalar>::Zero(dimension);
    p_ = Vector<Scalar>::Zero(dimension);
    ap_ = Vector<Scalar>::Zero(dimension);
  }

  /// `apply(p, out)` must write A p into `out` (a Vector<Scalar>& of the same size).
  template <class Apply>
  ConjugateGradientResult solve(Apply&& apply, ConstVectorRef<Scalar> b, VectorRef<Scalar> x) {
    if (b.size() != r_.size() || x.size() != r_.size()) {
      throw_invalid_argument("ConjugateGradient::solve: expected b and x of size {}, got {} and {}", r_.size(),
                             b.size(), x.size());
    }
    const auto damping = static_cast<Scalar>(config_.damping);
    x.setZero();
    r_ = b;
    p_ = b;
    double rr = static_cast<double>(r_.squaredNorm());
    ConjugateGradientResult result;
    while (result.iterations < config_.max_iterations && !(rr < config_.residual_tolerance)) {
      apply(static_cast<const Vector<Scalar>&>(p_), ap_);
      if (damping != Scalar(0)) ap_ += damping * p_;
      const double curvature = static_cast<double>(p_.dot(ap_));
      if (!(curvature > 0.0)) {
        throw NumericalError(fmt::format(
            "ConjugateGradient::solve: the operator is not positive definite along a search direction "
            "(pᵀAp = {}); add damping",
            curvature));
      }
      const auto alpha = static_cast<Scalar>(rr / curvature);
      x += alpha * p_;
      r_ -= alpha * ap_;
      const double rr_new = static_cast<double>(r_.squaredNorm());
      p_ = r_ + static_cast<Scalar>(rr_new / rr) * p_;
      rr = rr_new;
      ++result.iterations;
    }
    result.residual_norm = std::sqrt(rr);
    result.converged = rr < config_.residual_tolerance;
    return result;
  }

  [[nodiscard]] const ConjugateGradientConfig& config() const { return config_; }

 private:
  ConjugateGradientConfig config_;
  Vector<Scalar> r_, p_, ap_;
};

}  // namespace ac::optim
