#pragma once
// The lecture's first REINFORCE experiment, as a reusable function: a Gaussian
// policy N(μ, σ²I) with fixed σ on the single-state bandit (reward
// −‖a − goal‖², never positive), updated by plain SGD on the score-function
// gradient with one of five baselines:
//   none       — the raw returns: all negative, so every sampled action is
//                pushed down and μ jitters around the goal;
//   recentred  — returns minus their batch mean (the lecture's first fix);
//   advantage  — returns minus the exact V(s) = −(‖μ − goal‖² + d σ²);
//   leave_one_out — RLOO: each return minus the mean of the batch's others
//                (the batch is one group: k samples from the one state);
//   group_normalized — GRPO: returns minus the batch mean, over the batch's std.
// The last two are the group baselines of kernels/group_advantages.hpp.
// Used by tests/algorithms/test_bandit.cpp and examples/lecture/bandit_oscillation.cpp.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/diag_gaussian.hpp"
#include "actorcritic/envs/single_state_bandit.hpp"
#include "actorcritic/kernels/group_advantages.hpp"
#include "actorcritic/optim/sgd.hpp"

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ac::lecture {

enum class Baseline { none, recentred, advantage, leave_one_out, group_normalized };

inline std::string_view to_string(Baseline b) {
  switch (b) {
    case Baseline::none: return "none";
    case Baseline::recentred: return "recentred";
    case Baseline::advantage: return "advantage";
    case Baseline::leave_one_out: return "rloo";
    case Baseline::group_normalized: return "grpo";
  }
  return "?";
}

struct BanditExperiment {
  int dims = 8;
  int batch = 8;
  int updates = 400;
  double sigma = 0.5;
  double learning_rate = 0.01;
};

/// Per update: the step length ‖Δμ‖ and the distance ‖μ − goal‖ after it (goal = 1).
struct BanditTrace {
  std::vector<double> step_lengths, distances;
};

inline BanditTrace reinforce_on_bandit(Baseline baseline, const BanditExperiment& e, std::uint64_t seed) {
  envs::SingleStateBandit bandit(Eigen::VectorXf::Ones(e.dims));
  bandit.reset(seed);
  Generator rng(seed);
  Vector<double> mu = Vector<double>::Zero(e.dims);
  optim::Sgd<double> sgd(e.dims, {.learning_rate = e.learning_rate});
  const Matrix<double> log_std = Matrix<double>::Constant(e.dims, 1, std::log(e.sigma));
  Matrix<double> actions(e.dims, e.batch), rewards(1, e.batch), weights(1, e.batch), grad_mean(e.dims, e.batch),
      grad_log_std(e.dims, e.batch);
  BanditTrace trace;
  for (int k = 0; k < e.updates; ++k) {
    const DiagGaussian<double> pi(mu.replicate(1, e.batch), log_std);
    pi.sample(rng, actions);
    for (int j = 0; j < e.batch; ++j) {
      bandit.reset();
      rewards(0, j) = bandit.step(actions.col(j).cast<float>()).reward;
    }
    if (baseline == Baseline::leave_one_out) {
      kernels::leave_one_out_advantages(rewards.row(0), e.batch, weights.row(0));
    } else if (baseline == Baseline::group_normalized) {
      kernels::group_normalized_advantages(rewards.row(0), e.batch, 1e-6, weights.row(0));
    } else {
      double b = 0.0;
      if (baseline == Baseline::recentred) b = rewards.mean();
      if (baseline == Baseline::advantage) b = -((mu.array() - 1.0).square().sum() + e.dims * e.sigma * e.sigma);
      weights = rewards.array() - b;
    }
    weights /= double(e.batch);
    pi.log_prob_gradient(actions, weights, grad_mean, grad_log_std);
    const Vector<double> before = mu;
    sgd.step(mu, -grad_mean.rowwise().sum());  // ascend J
    trace.step_lengths.push_back((mu - before).norm());
    trace.distances.push_back((mu.array() - 1.0).matrix().norm());
  }
  return trace;
}

}  // namespace ac::lecture
