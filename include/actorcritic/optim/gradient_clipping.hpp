#pragma once
// Global-norm gradient clipping (Pascanu et al. 2013), as
// torch.nn.utils.clip_grad_norm_: g ← g · min(1, c / (‖g‖ + 1e-6)).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>
#include <initializer_list>

namespace ac::optim {

namespace detail {
/// √squared, or NumericalError when it is not finite.
inline double finite_norm(double squared) {
  const double norm = std::sqrt(squared);
  if (!std::isfinite(norm)) {
    throw NumericalError(fmt::format("clip_gradient_norm: grads: expected finite values, the norm is {}", norm));
  }
  return norm;
}
}  // namespace detail

/// Scales `grads` so that its L2 norm is at most `max_norm`; returns the norm
/// before clipping (what training logs report as the gradient norm). A NaN or
/// infinite gradient throws NumericalError instead of poisoning the parameters.
template <RealScalar Scalar>
double clip_gradient_norm(VectorRef<Scalar> grads, double max_norm) {
  check_positive("clip_gradient_norm: max_norm", max_norm);
  const double norm = detail::finite_norm(static_cast<double>(grads.squaredNorm()));
  const double coefficient = max_norm / (norm + 1e-6);
  if (coefficient < 1.0) grads *= static_cast<Scalar>(coefficient);
  return norm;
}

/// One global norm over several gradient vectors (networks trained as one
/// model, e.g. an actor and its critic), each scaled by the same coefficient.
template <RealScalar Scalar>
double clip_gradient_norm(std::initializer_list<Vector<Scalar>*> grads, double max_norm) {
  check_positive("clip_gradient_norm: max_norm", max_norm);
  double squared = 0.0;
  for (const Vector<Scalar>* g : grads) squared += static_cast<double>(g->squaredNorm());
  const double norm = detail::finite_norm(squared);
  const double coefficient = max_norm / (norm + 1e-6);
  if (coefficient < 1.0) {
    for (Vector<Scalar>* g : grads) *g *= static_cast<Scalar>(coefficient);
  }
  return norm;
}

}  // namespace ac::optim
