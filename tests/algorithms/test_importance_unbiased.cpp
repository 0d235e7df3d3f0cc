// Importance-sampled policy gradients on a small MDP, against the exact
// gradient of J(θ) (every trajectory enumerated, central differences):
// - Precup et al.'s per-decision estimator, written out here from the
//   library's kernels, is unbiased; without the importance weights it is biased.
// - The library's own estimator (OffPolicyActorCritic::compute_gradients,
//   truncated per-decision weights with GAE advantages) is unbiased with no
//   truncation, λ = 0 and the exact V^π as critic: Π_{i≤t} ρ_i reweights
//   (s_t, a_t) to π's distribution, and r_t + V^π(s_{t+1}) − V^π(s_t) has mean
//   A^π(s_t, a_t) whichever policy acts next. Truncated at c̄ = 1, and V-trace
//   (which weights by ρ_t alone, so the states stay β's), it is biased.
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

/// The exact ∇J: central differences of an enumerated objective J(π).
ac::Vector<double> exact_gradient(const ac::CategoricalActor<double>& pi,
                                  double (*objective)(ac::CategoricalActor<double>&)) {
  const ac::Vector<double> theta = pi.network().parameters();
  ac::Vector<double> gradient(theta.size());
  for (ac::Index i = 0; i < theta.size(); ++i) {
    ac::CategoricalActor<double> probe = pi;
    probe.network().parameters()(i) = theta(i) + 1e-6;
    const double plus = objective(probe);
    probe.network().parameters()(i) = theta(i) - 1e-6;
    gradient(i) = (plus - objective(probe)) / 2e-6;
  }
  return gradient;
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

TEST_CASE("the per-decision importance-sampled policy gradient (Precup et al.) is unbiased on a small MDP",
          "[algorithms][off_policy][unbiased]") {
  ac::ActorConfig tabular{.hidden = {}, .output_gain = 1.0};  // logits = W·onehot(s) + b
  ac::CategoricalActor<double> pi(2, 2, tabular, 1), beta(2, 2, tabular, 2);
  pi.network().parameters() << 0.4, -0.3, 0.2, 0.7, 0.1, -0.2;
  beta.network().parameters() << -0.5, 0.2, 0.6, -0.1, 0.3, 0.0;

  const ac::Vector<double> theta = pi.network().parameters();
  const ac::Vector<double> exact = exact_gradient(pi, exact_objective);

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

namespace {

// The same MDP with the time in the observation, so that a critic can hold
// V^π exactly: s0 → e0, s1 = a0 → e_{1+a0}.
ac::Matrix<double> timed_state(ac::Index step, ac::Index a0) {
  ac::Matrix<double> x = ac::Matrix<double>::Zero(3, 1);
  x(step == 0 ? 0 : 1 + a0, 0) = 1.0;
  return x;
}

double timed_prob(ac::CategoricalActor<double>& pi, ac::Index step, ac::Index a0, ac::Index action) {
  return pi.distribution(timed_state(step, a0)).probs()(action, 0);
}

double timed_objective(ac::CategoricalActor<double>& pi) {
  double j = 0.0;
  for (ac::Index a0 = 0; a0 < 2; ++a0) {
    for (ac::Index a1 = 0; a1 < 2; ++a1) {
      j += timed_prob(pi, 0, 0, a0) * timed_prob(pi, 1, a0, a1) * (kReward0[a0] + kReward1[a0][a1]);
    }
  }
  return j;
}

/// V^π of e0, e1, e2 (γ = 1).
Eigen::Vector3d timed_values(ac::CategoricalActor<double>& pi) {
  Eigen::Vector3d v;
  for (ac::Index a0 = 0; a0 < 2; ++a0) {
    v(1 + a0) = timed_prob(pi, 1, a0, 0) * kReward1[a0][0] + timed_prob(pi, 1, a0, 1) * kReward1[a0][1];
  }
  v(0) = timed_prob(pi, 0, 0, 0) * (kReward0[0] + v(1)) + timed_prob(pi, 0, 0, 1) * (kReward0[1] + v(2));
  return v;
}

/// m two-step episodes of β as the rollout the library replays (m envs x 2 steps), β's log-probs included.
ac::RolloutBuffer<double> behavior_rollout(ac::CategoricalActor<double>& beta, ac::Generator& rng, ac::Index m) {
  ac::RolloutBuffer<double> rollout(2, m, 3);
  ac::ActionIndices one(1);
  ac::Matrix<double> log_prob(1, 1);
  for (ac::Index k = 0; k < m; ++k) {
    const auto& first = beta.distribution(timed_state(0, 0));
    first.sample(rng, one);
    const ac::Index a0 = one(0);
    first.log_prob(one, log_prob);
    rollout.log_probs(k, 0) = log_prob(0, 0);
    const auto& second = beta.distribution(timed_state(1, a0));
    second.sample(rng, one);
    const ac::Index a1 = one(0);
    second.log_prob(one, log_prob);
    rollout.log_probs(k, 1) = log_prob(0, 0);
    rollout.observations.col(k) = timed_state(0, 0);
    rollout.next_observations.col(k) = timed_state(1, a0);
    rollout.observations.col(m + k) = timed_state(1, a0);
    rollout.next_observations.col(m + k) = timed_state(0, 0);  // unused: the episode terminates
    rollout.actions(0, k) = a0;
    rollout.actions(0, m + k) = a1;
    rollout.rewards(k, 0) = kReward0[a0];
    rollout.rewards(k, 1) = kReward1[a0][a1];
    rollout.terminated(k, 1) = rollout.ended(k, 1) = 1.0;
  }
  return rollout;
}

}  // namespace

TEST_CASE("the library's off-policy estimator is unbiased untruncated with λ = 0 and the exact critic",
          "[algorithms][off_policy][unbiased]") {
  ac::ActorConfig tabular{.hidden = {}, .output_gain = 1.0};  // logits = W·onehot(s) + b
  ac::CategoricalActor<double> pi(3, 2, tabular, 1), beta(3, 2, tabular, 2);
  pi.network().parameters() << 0.4, -0.3, 0.2, 0.7, 0.1, -0.2, 0.3, -0.4;
  beta.network().parameters() << -0.5, 0.2, 0.6, -0.1, 0.3, 0.0, -0.2, 0.5;
  ac::Critic<double> critic(3, ac::CriticConfig{.hidden = {}}, 3);
  critic.network().parameters() << timed_values(pi), 0.0;  // V(e_i) = V^π(e_i) exactly

  const ac::Vector<double> theta = pi.network().parameters();
  const ac::Vector<double> exact = exact_gradient(pi, timed_objective);

  struct Variant {
    const char* name;
    ac::ImportanceCorrection correction;
    double truncation;  // ρ̄ = c̄
    bool unbiased;
  };
  for (const Variant variant : {Variant{"per-decision, untruncated", ac::ImportanceCorrection::truncated_per_decision,
                                        1e30, true},
                                Variant{"per-decision, c̄ = 1", ac::ImportanceCorrection::truncated_per_decision, 1.0,
                                        false},
                                Variant{"V-trace, untruncated", ac::ImportanceCorrection::vtrace, 1e30, false}}) {
    ac::OffPolicyConfig config;
    config.correction = variant.correction;
    config.rho_bar = config.c_bar = variant.truncation;
    config.gae_lambda = 0.0;
    config.base.gamma = 1.0;
    config.base.n_steps = 2;
    ac::OffPolicyActorCritic algo(pi, critic, config);

    ac::Generator rng(2024);
    constexpr int batches = 20;
    constexpr ac::Index per_batch = 20'000;
    ac::Vector<double> sum = ac::Vector<double>::Zero(theta.size()), sum_sq = sum;
    for (int b = 0; b < batches; ++b) {
      algo.compute_gradients(behavior_rollout(beta, rng, per_batch));
      // The loss is −(1/2m) Σ_k Σ_t w ∇log π: the mean per-episode gradient estimate is −2 × its gradient.
      const ac::Vector<double> g = -2.0 * pi.network().gradients();
      sum += g;
      sum_sq += g.cwiseAbs2();
    }
    REQUIRE(pi.network().parameters() == theta);  // the estimator alone: no step was taken
    const ac::Vector<double> mean = sum / batches;
    const ac::Vector<double> se = ((sum_sq / batches - mean.cwiseAbs2()) / (batches - 1)).cwiseSqrt();
    const ac::Vector<double> z = (mean - exact).cwiseQuotient(se);
    INFO(variant.name << ": exact " << exact.transpose() << "\n  mean " << mean.transpose() << "\n  z "
                      << z.transpose());
    if (variant.unbiased) {
      CHECK(z.cwiseAbs().maxCoeff() < 5.0);  // within 5 standard errors everywhere
    } else {
      CHECK(z.cwiseAbs().maxCoeff() > 10.0);  // the controls: clearly biased
    }
  }
}
