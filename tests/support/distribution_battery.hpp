#pragma once
// The gradient battery a distribution head passes, by central differences in
// double: the log-probability's, the entropy's and both KL gradients in the
// stacked parameters, and the Fisher product's quadratic form uᵀF u against the
// second difference of KL(p ‖ q) in q's parameters at q = p along u.

#include <catch2/catch.hpp>
#include <support/gradient_check.hpp>

namespace ac::test {

/// `make(params)` builds the distribution from stacked parameters (`rows x batch`); p and q come from
/// p_params and q_params, `actions` are what log_prob reads, `weights` (`1 x batch`) scale the columns,
/// `direction` is u. Gradients must agree within `tolerance` (relative), the quadratic form within 1e-5.
template <class Make>
void check_distribution_gradients(const Make& make, const Matrix<double>& p_params, const Matrix<double>& q_params,
                                  const Matrix<double>& actions, const Matrix<double>& weights,
                                  const Matrix<double>& direction, double tolerance) {
  const auto p = make(p_params), q = make(q_params);
  const Index rows = p_params.rows(), batch = p_params.cols();
  Matrix<double> grad(rows, batch), row(1, batch);
  const auto at = [&](const Vector<double>& v) { return make(shaped(v, rows, batch)); };

  // The analytic gradient in `grad` against central differences of Σ w · row(params) around `at_params`.
  const auto check_gradient = [&](const auto& weighted_row, const Matrix<double>& at_params) {
    const auto objective = [&](const Vector<double>& v) {
      weighted_row(v);
      return sum_weighted(row, weights);
    };
    CHECK(relative_error(flat(grad), numeric_gradient(objective, flat(at_params))) < tolerance);
  };
  p.log_prob_gradient(actions, weights, grad);
  check_gradient([&](const Vector<double>& v) { at(v).log_prob(actions, row); }, p_params);
  p.entropy_gradient(weights, grad);
  check_gradient([&](const Vector<double>& v) { at(v).entropy(row); }, p_params);
  p.kl_gradient_wrt_other(q, weights, grad);
  check_gradient([&](const Vector<double>& v) { p.kl(at(v), row); }, q_params);
  p.kl_gradient_wrt_self(q, weights, grad);
  check_gradient([&](const Vector<double>& v) { at(v).kl(q, row); }, p_params);
  Matrix<double> metric(rows, batch);
  p.fisher_product(direction, metric);
  const auto kl_sum = [&](const Matrix<double>& params) {
    p.kl(make(params), row);
    return row.sum();
  };
  const double h = 1e-4;
  CHECK((direction.array() * metric.array()).sum() ==
        Approx((kl_sum(p_params + h * direction) - 2 * kl_sum(p_params) + kl_sum(p_params - h * direction)) /
               (h * h))
            .epsilon(1e-5));
}

}  // namespace ac::test
