// The trust-region step: exact Fisher-vector products against the
// finite-difference Hessian of the mean KL, the KL constraint of accepted
// steps, the natural step's quadratic model, and TRPO learning CartPole-v1.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/best_evaluation.hpp>
#include <support/learning.hpp>

#include "support/gradient_check.hpp"
#include "support/policy_batch.hpp"

#include <cmath>

using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::envs::CartPole;

namespace {

/// Mean KL(π_old ‖ π_θ) at the observations, with π_old given by its parameters.
template <class Actor>
double mean_kl(Actor& actor, const Matrix<double>& x, const typename Actor::Distribution& old) {
  Matrix<double> kl(1, x.cols());
  old.kl(actor.distribution(x), kl);
  return kl.mean();
}

template <class Actor>
void check_fisher_vector_product(Actor actor) {
  ac::Generator rng(21);
  const Matrix<double> x = ac::test::normal_matrix(actor.observation_dim(), 7, rng);
  typename Actor::Distribution old = actor.distribution(x);  // θ_old = the current θ
  const Vector<double> theta = actor.network().parameters();
  Vector<double> v = ac::test::normal_matrix(theta.size(), 1, rng);
  v.normalize();  // a unit direction keeps the outer difference's step small in every coordinate

  Vector<double> product(theta.size());
  ac::FisherVectorProduct<Actor> fisher(actor, x);
  fisher(v, product);

  // H v by central differences of the (central-difference) gradient of mean KL.
  auto kl_gradient = [&](const Vector<double>& at) {
    return ac::test::numeric_gradient(
        [&](const Vector<double>& p) {
          actor.network().parameters() = p;
          return mean_kl(actor, x, old);
        },
        at, 1e-5);
  };
  const double h = 2e-5;
  const Vector<double> hessian_v = (kl_gradient(theta + h * v) - kl_gradient(theta - h * v)) / (2 * h);
  // H v by central differences of the analytic gradient of mean KL (the distribution's
  // kl_gradient_wrt_other, itself checked by finite differences, through backward): one level of
  // differencing, so its rounding error is far below the nested differences' above.
  auto analytic_kl_gradient = [&](const Vector<double>& at) {
    actor.network().parameters() = at;
    const auto& current = actor.distribution(x);
    Matrix<double> grad(actor.parameter_rows(), x.cols());
    old.kl_gradient_wrt_other(current, Matrix<double>::Constant(1, x.cols(), 1.0 / double(x.cols())), grad);
    actor.network().zero_gradients();
    actor.backward(grad);
    return Vector<double>(actor.network().gradients());
  };
  const double k = 1e-5;
  const Vector<double> hessian_v_analytic =
      (analytic_kl_gradient(theta + k * v) - analytic_kl_gradient(theta - k * v)) / (2 * k);
  actor.network().parameters() = theta;
  INFO("‖Fv‖ " << product.norm() << ", ‖Hv‖ " << hessian_v.norm() << ", by the analytic gradient "
               << hessian_v_analytic.norm());
  INFO("relative errors: " << ac::test::relative_error(product, hessian_v) << " (nested differences), "
                           << ac::test::relative_error(product, hessian_v_analytic) << " (analytic gradient)");
  CHECK(ac::test::relative_error(product, hessian_v_analytic) < 1e-7);
  // The nested differences need nothing from the distribution but its KL; their rounding error is the
  // KL's divided by h²: 1e-7 to 6e-6 for most heads, 2.7e-4 for the Beta, whose KL is a sum of log Γ and
  // ψ terms near 13 in size cancelling to 1e-3. So they are a coarse cross-check only.
  CHECK(ac::test::relative_error(product, hessian_v) < 1e-3);
}

}  // namespace

TEST_CASE("the Fisher-vector product equals the finite-difference Hessian of the mean KL at θ_old",
          "[algorithms][trpo][gradient]") {
  const ac::ActorConfig config{.hidden = {4, 3}, .output_gain = 1.0, .initial_log_std = 0.2};
  SECTION("categorical") { check_fisher_vector_product(ac::CategoricalActor<double>(3, 3, config, 4)); }
  SECTION("Gaussian") { check_fisher_vector_product(ac::GaussianActor<double>(3, 2, config, 5)); }
  SECTION("MultiDiscrete (factored categorical)") {
    check_fisher_vector_product(ac::MultiCategoricalActor<double>(3, {3, 2, 2}, config, 7));
  }
  SECTION("tanh-squashed Gaussian") { check_fisher_vector_product(ac::SquashedGaussianActor<double>(3, 2, config, 9)); }
  SECTION("Gaussian with a state-dependent log sigma") {
    ac::ActorConfig state_dependent = config;
    state_dependent.state_dependent_std = true;
    check_fisher_vector_product(ac::GaussianActor<double>(3, 2, state_dependent, 10));
  }
  SECTION("MultiBinary (Bernoulli bits)") { check_fisher_vector_product(ac::BernoulliActor<double>(3, 3, config, 8)); }
  SECTION("recurrent categorical and Gaussian (a GRU; one sequence of 7 steps, an episode starting at step 4)") {
    ac::ActorConfig recurrent = config;
    recurrent.recurrent = 4;
    ac::nn::EpisodeStarts starts = ac::nn::EpisodeStarts::Constant(7, false);
    starts(4) = true;
    const Matrix<double> h0 = Matrix<double>::Constant(4, 1, 0.3);
    ac::CategoricalActor<double> categorical(3, 3, recurrent, 12);
    categorical.use_sequences(starts, h0);
    check_fisher_vector_product(categorical);
    ac::GaussianActor<double> gaussian(3, 2, recurrent, 13);
    gaussian.use_sequences(starts, h0);
    check_fisher_vector_product(gaussian);
  }
  SECTION("Beta (z_α and z_β coupled in each component)") {
    check_fisher_vector_product(ac::BetaActor<double>(3, 2, config, 11));
  }
  SECTION("with layer norm") {
    ac::ActorConfig normed = config;
    normed.layer_norm = true;
    check_fisher_vector_product(ac::CategoricalActor<double>(3, 3, normed, 6));
  }
}

namespace {

/// One trust-region step on a synthetic batch; checks the constraint and the
/// improvement independently (or, if the line search rejected every trial,
/// that θ_old was restored) and returns the accepted step fraction (0: rejected).
template <class Actor>
double checked_trust_region_step(Actor actor, double delta, double damping) {
  ac::Generator rng(9);
  const auto b = ac::test::sample_policy_batch(actor, 64, rng);
  const typename Actor::Distribution old = actor.distribution(b.observations);
  ac::TrustRegionStep<Actor> step(actor, {.max_kl = delta, .cg_damping = damping});
  ac::UpdateDiagnostics d;
  const Vector<double> theta_old = actor.network().parameters();
  step.apply(b.observations, b.actions, b.old_log_probs, b.advantages, d);
  if (d.step_size == 0.0) {  // every trial rejected: θ_old restored exactly
    CHECK(actor.network().parameters() == theta_old);
    return 0.0;
  }
  const double kl = mean_kl(actor, b.observations, old);
  Matrix<double> log_probs(1, 64);
  actor.distribution(b.observations).log_prob(b.actions, log_probs);
  const double surrogate = ((log_probs - b.old_log_probs).array().exp() * b.advantages.array()).mean();
  const double surrogate_before = b.advantages.mean();  // r = 1 at θ_old
  INFO("δ " << delta << ", damping " << damping << ": step fraction " << d.step_size << ", KL " << kl);
  CHECK(kl <= delta);
  CHECK(kl == Approx(d.kl).epsilon(1e-9));
  CHECK(surrogate > surrogate_before);
  CHECK(d.surrogate_improvement == Approx(surrogate - surrogate_before).epsilon(1e-9));
  return d.step_size;
}

}  // namespace

TEST_CASE("an accepted trust-region step satisfies KL ≤ δ and improves the surrogate", "[algorithms][trpo]") {
  const ac::ActorConfig config{.hidden = {8}, .output_gain = 1.0};
  double smallest_fraction = 1.0;
  for (const double damping : {0.1, 0.0}) {
    for (const double delta : {0.01, 0.3, 2.0, 8.0}) {
      const double categorical = checked_trust_region_step(ac::CategoricalActor<double>(3, 4, config, 2), delta, damping);
      const double gaussian = checked_trust_region_step(ac::GaussianActor<double>(3, 2, config, 2), delta, damping);
      UNSCOPED_INFO("δ " << delta << ", damping " << damping << ": fractions " << categorical << ", " << gaussian);
      smallest_fraction = std::min({smallest_fraction, categorical, gaussian});
    }
  }
  // Undamped, a large radius is beyond the quadratic model's reach: the line search backtracked there.
  CHECK(smallest_fraction < 1.0);
}

TEST_CASE("a trust-region step with nothing to gain leaves the policy unchanged", "[algorithms][trpo]") {
  ac::CategoricalActor<double> actor(3, 2, {.hidden = {4}}, 1);
  ac::Generator rng(2);
  auto b = ac::test::sample_policy_batch(actor, 16, rng);
  b.advantages.setZero();
  const Vector<double> before = actor.network().parameters();
  ac::TrustRegionStep<ac::CategoricalActor<double>> step(actor, {});
  ac::UpdateDiagnostics d;
  step.apply(b.observations, b.actions, b.old_log_probs, b.advantages, d);
  CHECK(d.step_size == 0.0);
  CHECK(actor.network().parameters() == before);
}

TEST_CASE("the natural step without line search lands on the quadratic model's KL radius", "[algorithms][trpo]") {
  // For small δ, KL(θ_old ‖ θ_old + βs) ≈ ½ β² sᵀFs = δ (no damping, CG converged).
  ac::GaussianActor<double> actor(3, 2, {.hidden = {5}, .output_gain = 1.0}, 3);
  ac::Generator rng(10);
  const auto b = ac::test::sample_policy_batch(actor, 200, rng);
  typename ac::GaussianActor<double>::Distribution old = actor.distribution(b.observations);
  const double delta = 1e-7;  // the cubic term's relative size is O(√δ)
  ac::TrustRegionStep<ac::GaussianActor<double>> npg(
      actor, {.max_kl = delta, .cg_iterations = 200, .cg_damping = 0.0, .line_search = false});
  ac::UpdateDiagnostics d;
  npg.apply(b.observations, b.actions, b.old_log_probs, b.advantages, d);
  const double kl = mean_kl(actor, b.observations, old);
  INFO("KL " << kl << " for δ " << delta);
  CHECK(kl == Approx(delta).epsilon(0.02));
}

TEST_CASE("TRPO and the natural policy gradient reach 475 on CartPole-v1 within 150k steps on most seeds",
          "[algorithms][trpo][learning]") {
  // Reaching: the best of the evaluations every 25k steps and at the end
  // (support/best_evaluation.hpp). Without its line search NPG can solve and
  // then fall back, and TRPO is not always at 500 at 150k: judged at the last
  // step alone, two of seeds 0-9 fell short in the x86-64-v4 flavour.
  for (const bool line_search : {true, false}) {
    ac::test::LearningTrials trials(std::string(line_search ? "TRPO" : "NPG") +
                                    ", CartPole-v1, 150k steps: best evaluation >= 475");
    for (const std::uint64_t seed : ac::test::learning_seeds()) {
      ac::VectorEnv<CartPole> env(8, seed);
      ac::Generator init(seed);
      ac::CategoricalActor<float> actor(4, 2, {}, init);
      ac::Critic<float> critic(4, {}, init);
      ac::TRPOConfig config = ac::presets::trpo_cartpole();
      config.trust_region.line_search = line_search;
      ac::TRPO trpo(actor, critic, config);
      double max_kl = 0.0;
      ac::test::BestEvaluation<ac::CategoricalActor<float>, CartPole> evaluation(actor, 25'000, 1000 + seed);
      ac::train(trpo, env, 150'000, seed, [&](const ac::IterationInfo& i) {
        max_kl = std::max(max_kl, i.diagnostics.kl);
        evaluation(i);
      });
      const double best = evaluation.finish();
      ac::test::record_reaching(trials, seed, best, evaluation.final_return(), 475.0);
      INFO("TRPO seed " << seed << ": max KL " << max_kl);
      if (line_search) CHECK(max_kl <= 0.01);  // the trust region holds on every seed
    }
    AC_CHECK_LEARNING_MAJORITY(trials);
  }
}

TEST_CASE("TRPOConfig rejects bad values naming the field", "[algorithms][trpo][errors]") {
  ac::CategoricalActor<float> actor(4, 2);
  ac::Critic<float> critic(4);
  ac::TRPOConfig bad_delta;
  bad_delta.trust_region.max_kl = 0.0;
  CHECK_THROWS_WITH(ac::TRPO(actor, critic, bad_delta), Catch::Contains("TrustRegionConfig.max_kl"));
  ac::TRPOConfig bad_shrink;
  bad_shrink.trust_region.shrink = 1.0;
  CHECK_THROWS_WITH(ac::TRPO(actor, critic, bad_shrink), Catch::Contains("TrustRegionConfig.shrink"));
  CHECK_THROWS_WITH(ac::TRPO(actor, critic, {.gamma = 2.0}), Catch::Contains("TRPOConfig.gamma"));
}
