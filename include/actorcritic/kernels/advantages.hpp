#pragma once
// Return and advantage estimators over a rollout of T steps of N envs, stored
// `N x T` (one step's N envs contiguous, so each backward recursion runs one
// SIMD column at a time). Every estimator separates
//   terminated — the MDP ended: nothing is bootstrapped past it, and
//   ended = terminated or truncated — the episode stopped here: nothing is
//     carried back across it, but a truncated step bootstraps from
//     next_values, the value of its final observation.
// next_values(n, t) is V(s_{t+1}) for env n: the value of the next observation,
// of the final observation where the episode was truncated at t, and the
// bootstrap value at the end of the rollout (t = T-1). Masks are 0/1 matrices
// of the same scalar type. No allocation; outputs may not alias inputs unless
// noted.

#include "actorcritic/kernels/common.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace ac::kernels {

namespace detail {

// The backward recursions are latency-bound: A_t needs A_{t+1}. They run over
// chunks of W envs, holding the W running values in registers while walking
// back in time, so no step waits on a store and reload of the previous column
// (benchmarks/bench_kernels.cpp). W = 8 (one AVX register of floats), with
// single-env chunks for the remainder.
template <class F>
void for_env_chunks(Index n, F&& chunk) {
  constexpr Index kWidth = 8;
  Index first = 0;
  for (; first + kWidth <= n; first += kWidth) chunk(first, std::integral_constant<Index, kWidth>{});
  for (; first < n; ++first) chunk(first, std::integral_constant<Index, 1>{});
}

// Fixed-size Eigen arrays make each chunk step explicit packet operations
// (GCC's own vectorizer left this loop scalar on AVX-512 hosts).
template <class S, Index W>
using Lanes = Eigen::Array<S, W, 1>;
template <class S, Index W>
using LaneMap = Eigen::Map<const Lanes<S, W>>;

template <class S, Index W>
void gae_chunk(Index first, Index steps, const ConstMatrixRef<S>& r, const ConstMatrixRef<S>& v,
               const ConstMatrixRef<S>& nv, const ConstMatrixRef<S>& term, const ConstMatrixRef<S>& end, S gamma,
               S gamma_lambda, MatrixRef<S>& adv) {
  Lanes<S, W> acc = Lanes<S, W>::Zero();
  for (Index t = steps; t-- > 0;) {
    const LaneMap<S, W> rt(r.col(t).data() + first), vt(v.col(t).data() + first), nvt(nv.col(t).data() + first);
    const LaneMap<S, W> termt(term.col(t).data() + first), endt(end.col(t).data() + first);
    // At t = T−1 acc is 0, so A_{T−1} = δ_{T−1}: the rollout end needs no special case.
    acc = (rt + gamma * (S(1) - termt) * nvt - vt) + gamma_lambda * (S(1) - endt) * acc;
    Eigen::Map<Lanes<S, W>>(adv.col(t).data() + first) = acc;
  }
}

template <class S, Index W>
void returns_chunk(Index first, Index steps, const ConstMatrixRef<S>& r, const ConstMatrixRef<S>& nv,
                   const ConstMatrixRef<S>& term, const ConstMatrixRef<S>& end, S gamma, MatrixRef<S>& ret) {
  Lanes<S, W> acc = Lanes<S, W>::Zero();
  for (Index t = steps; t-- > 0;) {
    const LaneMap<S, W> rt(r.col(t).data() + first), nvt(nv.col(t).data() + first);
    const LaneMap<S, W> termt(term.col(t).data() + first), endt(end.col(t).data() + first);
    if (t + 1 == steps) {  // the rollout end bootstraps like an episode end
      acc = rt + gamma * (S(1) - termt) * nvt;
    } else {
      acc = rt + gamma * (S(1) - termt) * (endt * nvt + (S(1) - endt) * acc);
    }
    Eigen::Map<Lanes<S, W>>(ret.col(t).data() + first) = acc;
  }
}

}  // namespace detail

/// TD residuals δ_t = r_t + γ(1 − terminated_t)·V(s_{t+1}) − V(s_t) (Sutton & Barto eq. 6.5).
template <class R, class V, class NV, class Term, class Out>
void td_residuals(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<V>& values,
                  const Eigen::MatrixBase<NV>& next_values, const Eigen::MatrixBase<Term>& terminated,
                  typename R::Scalar gamma, const Eigen::MatrixBase<Out>& deltas_out) {
  constexpr std::string_view k = "td_residuals";
  const Index n = rewards.rows(), t = rewards.cols();
  expect_shapes(k, n, t, "values", values, "next_values", next_values, "terminated", terminated,
                "deltas", deltas_out);
  using S = typename R::Scalar;
  writable(deltas_out).array() =
      rewards.array() + gamma * (S(1) - terminated.array()) * next_values.array() - values.array();
}

/// GAE(λ) (Schulman et al. 2016, eq. 16) with the bootstrap rules above:
///   δ_t = r_t + γ(1 − terminated_t)·next_values_t − values_t
///   A_t = δ_t + γλ(1 − ended_t)·A_{t+1},  A_T = 0.
/// λ = 1 gives Monte-Carlo advantages, λ = 0 the one-step TD error.
template <class R, class V, class NV, class Term, class End, class Out>
void gae(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<V>& values,
         const Eigen::MatrixBase<NV>& next_values, const Eigen::MatrixBase<Term>& terminated,
         const Eigen::MatrixBase<End>& ended, typename R::Scalar gamma, typename R::Scalar lambda,
         const Eigen::MatrixBase<Out>& advantages_out) {
  constexpr std::string_view k = "gae";
  const Index n = rewards.rows(), steps = rewards.cols();
  expect_shapes(k, n, steps, "values", values, "next_values", next_values, "terminated", terminated,
                "ended", ended, "advantages", advantages_out);
  using S = typename R::Scalar;
  const ConstMatrixRef<S> r(rewards), v(values), nv(next_values), term(terminated), end(ended);
  MatrixRef<S> adv(writable(advantages_out));
  detail::for_env_chunks(n, [&]<Index W>(Index first, std::integral_constant<Index, W>) {
    detail::gae_chunk<S, W>(first, steps, r, v, nv, term, end, gamma, gamma * lambda, adv);
  });
}

/// Discounted returns with the same bootstrap rules (REINFORCE's reward-to-go
/// when next_values is zero; GAE with λ = 1 plus values otherwise):
///   G_t = r_t + γ(1 − terminated_t)·(ended_t or t = T−1 ? next_values_t : G_{t+1}).
template <class R, class NV, class Term, class End, class Out>
void discounted_returns(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<NV>& next_values,
                        const Eigen::MatrixBase<Term>& terminated, const Eigen::MatrixBase<End>& ended,
                        typename R::Scalar gamma, const Eigen::MatrixBase<Out>& returns_out) {
  constexpr std::string_view k = "discounted_returns";
  const Index n = rewards.rows(), steps = rewards.cols();
  expect_shapes(k, n, steps, "next_values", next_values, "terminated", terminated, "ended", ended,
                "returns", returns_out);
  using S = typename R::Scalar;
  const ConstMatrixRef<S> r(rewards), nv(next_values), term(terminated), end(ended);
  MatrixRef<S> ret(writable(returns_out));
  detail::for_env_chunks(n, [&]<Index W>(Index first, std::integral_constant<Index, W>) {
    detail::returns_chunk<S, W>(first, steps, r, nv, term, end, gamma, ret);
  });
}

/// n-step returns G_t^(n) = Σ_{k<m} γ^k r_{t+k} + γ^m (1 − terminated)·next_values_{t+m−1},
/// where m ≤ n stops early at the end of the episode or of the rollout
/// (Sutton & Barto eq. 7.1). n = 1 gives r + γV(s'); n ≥ T gives discounted_returns.
template <class R, class NV, class Term, class End, class Out>
void n_step_returns(const Eigen::MatrixBase<R>& rewards, const Eigen::MatrixBase<NV>& next_values,
                    const Eigen::MatrixBase<Term>& terminated, const Eigen::MatrixBase<End>& ended,
                    typename R::Scalar gamma, Index n_steps, const Eigen::MatrixBase<Out>& returns_out) {
  constexpr std::string_view k = "n_step_returns";
  const Index n = rewards.rows(), steps = rewards.cols();
  check_positive("n_step_returns: n_steps", n_steps);
  expect_shapes(k, n, steps, "next_values", next_values, "terminated", terminated, "ended", ended,
                "returns", returns_out);
  using S = typename R::Scalar;
  auto& returns = writable(returns_out);
  // Per env, forward from each t until n steps, the episode's end or the rollout's end.
  for (Index e = 0; e < n; ++e) {
    for (Index t = 0; t < steps; ++t) {
      S total = 0, discount = 1;
      Index u = t;
      for (;; ++u) {
        total += discount * rewards(e, u);
        discount *= gamma;
        if (ended(e, u) != S(0) || u + 1 == steps || u + 1 == t + n_steps) break;
      }
      returns(e, t) = total + discount * (S(1) - terminated(e, u)) * next_values(e, u);
    }
  }
}

}  // namespace ac::kernels
