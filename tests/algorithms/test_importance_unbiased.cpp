// The per-decision importance-sampled policy gradient is unbiased: on a small
// MDP, its average over many behavior-policy samples matches the exact
// gradient of J(θ), computed by enumerating every trajectory and taking
// central differences. Without the importance weights it is biased.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <cmath>

namespace {

// Two steps. s0 = 0; action a0 moves to s1 = a0; then a1 ends the episode.
constexpr std::array<double, 2> kReward0{1.0, 0.0};                      // r(s0 = 0, a0)
constexpr std::array<std::array<double, 2>, 2> kReward1{{{0.0, 2.0}, {-1.0, 3.0}}};  // r(s1, a1)

ac::Matrix<double> one_hot(ac::Index state) {
  ac::Matrix<double> x = ac::Matrix<double>::Zero(2, 1);
  x(state, 0) = 1.0;
  return x;
}

double policy_prob(ac::CategoricalActor<double>& pi, ac::Index state, ac::Index action) {
  return pi.distribution(one_hot(state)).probs()(action, 0);
}

// J(θ) = Σ_τ P_π(τ) R(τ), by enumeration.
double exact_objective(ac::CategoricalActor<double>& pi) {
  double j = 0.0;
  for (ac::Index a0 = 0; a0 < 2; ++a0) {
    for (ac::Index a1 = 0; a1 < 2; ++a1) {
      j += policy_prob(pi, 0, a0) * policy_prob(pi, a0, a1) * (kReward0[a0] + kReward1[a0][a1]);
    }
  }
  return j;
}

// Mean of the estimator over `m` trajectories from β, as a parameter gradient.
ac::Vector<double> estimate(ac::CategoricalActor<double>& pi, ac::CategoricalActor<double>& beta, ac::Generator& rng,
                            ac::Index m, bool importance_weighted) {
  // Batch of 2m samples, sample t·m + k (step t of trajectory k); rollout layout m x 2.
  ac::Matrix<double> observations(2, 2 * m), rewards(m, 2), ended = ac::Matrix<double>::Zero(m, 2);
  ac::ActionIndices actions(2 * m), one(1);
  ended.col(1).setOnes();
  for (ac::Index k = 0; k < m; ++k) {
    beta.distribution(one_hot(0)).sample(rng, one);
    const ac::Index a0 = one(0);
    beta.distribution(one_hot(a0)).sample(rng, one);
    const ac::Index a1 = one(0);
    observations.col(k) = one_hot(0);
    observations.col(m + k) = one_hot(a0);
    actions(k) = a0;
    actions(m + k) = a1;
    rewards(k, 0) = kReward0[a0];
    rewards(k, 1) = kReward1[a0][a1];
  }
  ac::Matrix<double> log_pi(1, 2 * m), log_beta(1, 2 * m);
  beta.distribution(observations).log_prob(actions, log_beta);
  const auto& dist = pi.distribution(observations);
  dist.log_prob(actions, log_pi);
  const ac::Matrix<double> difference = log_pi - log_beta;  // 1 x 2m, the memory layout of m x 2
  const ac::Matrix<double> log_ratios = Eigen::Map<const ac::Matrix<double>>(difference.data(), m, 2);
  ac::Matrix<double> log_products(m, 2);
  ac::kernels::cumulative_log_ratios(log_ratios, ended, log_products);
  // Weight of ∇log π(a_t|s_t): Σ_{k≥t} (Π_{i≤k} ρ_i) r_k (Precup et al. 2000).
  ac::Matrix<double> weights(1, 2 * m);
  for (ac::Index k = 0; k < m; ++k) {
    const double w0 = importance_weighted ? std::exp(log_products(k, 0)) : 1.0;
    const double w1 = importance_weighted ? std::exp(log_products(k, 1)) : 1.0;
    weights(0, m + k) = w1 * rewards(k, 1) / double(m);
    weights(0, k) = (w0 * rewards(k, 0) + w1 * rewards(k, 1)) / double(m);
  }
  ac::Matrix<double> grad_logits(2, 2 * m);
  dist.log_prob_gradient(actions, weights, grad_logits);
  pi.network().zero_gradients();
  pi.backward(grad_logits);
  return pi.network().gradients();
}

}  // namespace

TEST_CASE("the importance-sampled policy gradient is unbiased on a small MDP", "[algorithms][off_policy][unbiased]") {
  ac::ActorConfig tabular{.hidden = {}, .output_gain = 1.0};  // logits = W·onehot(s) + b
  ac::CategoricalActor<double> pi(2, 2, tabular, 1), beta(2, 2, tabular, 2);
  pi.network().parameters() << 0.4, -0.3, 0.2, 0.7, 0.1, -0.2;
  beta.network().parameters() << -0.5, 0.2, 0.6, -0.1, 0.3, 0.0;

  // Exact ∇J by central differences of the enumerated objective.
  const ac::Vector<double> theta = pi.network().parameters();
  ac::Vector<double> exact(theta.size());
  for (ac::Index i = 0; i < theta.size(); ++i) {
    ac::CategoricalActor<double> probe = pi;
    probe.network().parameters()(i) = theta(i) + 1e-6;
    const double plus = exact_objective(probe);
    probe.network().parameters()(i) = theta(i) - 1e-6;
    exact(i) = (plus - exact_objective(probe)) / 2e-6;
  }

  ac::Generator rng(2024);
  constexpr int batches = 20;
  constexpr ac::Index per_batch = 20'000;
  for (const bool weighted : {true, false}) {
    ac::Vector<double> sum = ac::Vector<double>::Zero(theta.size()), sum_sq = sum;
    for (int b = 0; b < batches; ++b) {
      const ac::Vector<double> g = estimate(pi, beta, rng, per_batch, weighted);
      sum += g;
      sum_sq += g.cwiseAbs2();
    }
    const ac::Vector<double> mean = sum / batches;
    const ac::Vector<double> se = ((sum_sq / batches - mean.cwiseAbs2()) / (batches - 1)).cwiseSqrt();
    const ac::Vector<double> z = (mean - exact).cwiseQuotient(se);
    INFO((weighted ? "weighted" : "unweighted") << ": exact " << exact.transpose() << "\n  mean " << mean.transpose()
                                                << "\n  z " << z.transpose());
    if (weighted) {
      CHECK(z.cwiseAbs().maxCoeff() < 5.0);  // unbiased: within 5 standard errors everywhere
    } else {
      CHECK(z.cwiseAbs().maxCoeff() > 10.0);  // the control: clearly biased toward β's gradient
    }
  }
}
