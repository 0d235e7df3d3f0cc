#pragma once
// Finite-difference references for gradient and jvp tests (double precision).

#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/types.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <type_traits>

namespace ac::test {

/// Central differences of a scalar function at x: (f(x + h eᵢ) − f(x − h eᵢ)) / 2h.
inline Vector<double> numeric_gradient(const std::function<double(const Vector<double>&)>& f,
                                       const Vector<double>& x, double h = 1e-6) {
  Vector<double> g(x.size());
  Vector<double> probe = x;
  for (Index i = 0; i < x.size(); ++i) {
    probe(i) = x(i) + h;
    const double plus = f(probe);
    probe(i) = x(i) - h;
    const double minus = f(probe);
    probe(i) = x(i);
    g(i) = (plus - minus) / (2 * h);
  }
  return g;
}

/// Central differences of `loss()` with respect to a network's own parameter
/// vector, perturbed in place and restored afterwards (for losses that read the network).
template <class Loss>
Vector<double> numeric_parameter_gradient(Vector<double>& parameters, Loss&& loss, double h = 1e-6) {
  const Vector<double> theta = parameters;
  const Vector<double> g = numeric_gradient(
      [&](const Vector<double>& p) {
        parameters = p;
        return loss();
      },
      theta, h);
  parameters = theta;
  return g;
}

/// A matrix's values as one vector (column-major), and back: what numeric_gradient perturbs.
inline Vector<double> flat(const Matrix<double>& m) { return Eigen::Map<const Vector<double>>(m.data(), m.size()); }
inline Matrix<double> shaped(const Vector<double>& v, Index rows, Index cols) {
  return Eigen::Map<const Matrix<double>>(v.data(), rows, cols);
}

/// Σ_j row_j w_j: a per-column quantity weighted as the distributions' gradient methods weigh it.
inline double sum_weighted(const Matrix<double>& row, const Matrix<double>& w) {
  return (row.array() * w.array()).sum();
}

/// A rows x cols matrix of N(0, stddev²) draws.
inline Matrix<double> normal_matrix(Index rows, Index cols, Generator& rng, double stddev = 1.0) {
  Matrix<double> m(rows, cols);
  rng.fill_normal(m, 0.0, stddev);
  return m;
}

/// ‖a − b‖ / max(‖a‖, ‖b‖): the relative error of two gradients.
template <class A, class B>
double relative_error(const A& a, const B& b) {
  const double scale = std::max({a.norm(), b.norm(), 1e-300});
  return (a - b).norm() / scale;
}

/// Whether two matrices have the same shape and the same bytes: "bit for bit",
/// stricter than == (which takes −0 for +0).
template <class A, class B>
bool same_bits(const A& a, const B& b) {
  static_assert(std::is_same_v<typename A::Scalar, typename B::Scalar>);
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(typename A::Scalar) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace ac::test
