// The shared actor-critic trunk: both heads read the right rows of one
// network, their gradients add up to the finite-difference gradient of the
// joint loss, misuse of the cached forward pass is caught, an A2C update steps
// the one network exactly once, TRPO refuses it, and PPO learns with it.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/best_evaluation.hpp>
#include <support/learning.hpp>

#include "support/gradient_check.hpp"
#include "support/policy_batch.hpp"

#include <cmath>
#include <stdexcept>

using ac::Index;
using ac::Matrix;
using ac::Vector;

namespace {

ac::ActorConfig small_trunk() {
  ac::ActorConfig c;
  c.hidden = {7, 5};
  return c;
}

/// L(θ) = −mean(A · log π(a|s)) − 0.03·mean(H) + 0.5 · mean((R − V(s))²) through
/// the two heads of one network; with `gradient`, dL/dθ as the algorithms
/// compute it (zero once, policy head backward, value head backward).
template <class Actor>
double joint_loss(ac::SharedActorCritic<Actor>& model, const ac::test::PolicyBatch<Actor>& b,
                  const Matrix<double>& returns, Vector<double>* gradient) {
  const Index batch = b.observations.cols();
  const double scale = 1.0 / double(batch);
  ac::PolicyObjective<Actor> objective;
  objective.begin(model.actor().distribution(b.observations), b.actions);
  double loss = objective.score_function(b.advantages, scale);
  loss += objective.entropy_bonus(0.03, scale);
  if (gradient != nullptr) {
    model.network().zero_gradients();
    model.actor().backward(objective.gradient());
  }
  Matrix<double> grad_values(1, batch);
  const auto values = model.critic().values(b.observations);
  loss += 0.5 * ac::value_loss<double>(values, returns, values, std::numeric_limits<double>::infinity(), 0.5,
                                       scale, grad_values);
  if (gradient != nullptr) {
    model.critic().backward(grad_values);
    *gradient = model.network().gradients();
  }
  return loss;
}

template <class Actor>
void check_joint_gradient(ac::SharedActorCritic<Actor>& model) {
  ac::Generator rng(5);
  // Larger output weights than the 0.01 init, so the policy head's gradient is not negligible.
  model.network().parameters() += 0.3 * ac::test::normal_matrix(model.network().parameter_count(), 1, rng);
  const auto batch = ac::test::sample_policy_batch(model.actor(), 16, rng);
  const Matrix<double> returns = ac::test::normal_matrix(1, 16, rng, 2.0);
  Vector<double> analytic;
  joint_loss(model, batch, returns, &analytic);
  const Vector<double> numeric = ac::test::numeric_parameter_gradient(
      model.network().parameters(), [&] { return joint_loss(model, batch, returns, nullptr); });
  INFO("analytic ‖g‖ " << analytic.norm() << ", numeric ‖g‖ " << numeric.norm());
  CHECK(ac::test::relative_error(analytic, numeric) < 1e-6);
  // Both heads contribute to the shared hidden layers.
  const auto& first = model.network().linear_layers().front();
  CHECK(first.weight(analytic.data()).norm() > 0.0);
}

}  // namespace

TEST_CASE("the shared trunk's heads read the policy rows and the value row of one network",
          "[algorithms][policies][shared]") {
  ac::SharedActorCritic<ac::CategoricalActor<double>> model(4, 3, small_trunk(), 17);
  const auto& net = model.network();
  REQUIRE(net.outputs() == 4);  // 3 logits + V(s)
  // The trunk holds one output layer more row than a lone actor; nothing else.
  const ac::CategoricalActor<double> lone(4, 3, small_trunk(), 17);
  CHECK(net.parameter_count() == lone.network().parameter_count() + 5 + 1);

  // An independent network with the same parameters gives the reference outputs.
  ac::nn::Mlp<double> plain(net.config(), 0);
  plain.parameters() = net.parameters();
  ac::Generator rng(3);
  const Matrix<double> obs = ac::test::normal_matrix(4, 9, rng);
  const Matrix<double> y = plain.forward(obs);
  const auto& dist = model.actor().distribution(obs);
  Matrix<double> log_softmax = y.topRows(3);
  for (Index j = 0; j < log_softmax.cols(); ++j) {
    const double m = log_softmax.col(j).maxCoeff();
    log_softmax.col(j).array() -= m + std::log((log_softmax.col(j).array() - m).exp().sum());
  }
  CHECK((Matrix<double>(dist.log_probs()) - log_softmax).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((Matrix<double>(model.critic().values(obs)) - y.bottomRows(1)).norm() == 0.0);

  // Orthogonal output rows: the policy rows with gain 0.01, the value row with gain 1.
  const auto w = net.linear_layers().back().weight(net.parameters().data());
  for (Index r = 0; r < 3; ++r) CHECK(w.row(r).norm() == Approx(0.01).epsilon(1e-12));
  CHECK(w.row(3).norm() == Approx(1.0).epsilon(1e-12));
  CHECK(model.critic().shares_network());
}

TEST_CASE("the shared trunk's gradient is the finite-difference gradient of the joint loss",
          "[algorithms][policies][shared][gradient]") {
  SECTION("categorical head") {
    ac::SharedActorCritic<ac::CategoricalActor<double>> model(4, 3, small_trunk(), 21);
    check_joint_gradient(model);
  }
  SECTION("Gaussian head (log σ after the layers)") {
    auto config = small_trunk();
    config.initial_log_std = -0.4;
    ac::SharedActorCritic<ac::GaussianActor<double>> model(3, 2, config, 22);
    check_joint_gradient(model);
  }
  SECTION("with layer norm") {
    auto config = small_trunk();
    config.layer_norm = true;
    ac::SharedActorCritic<ac::CategoricalActor<double>> model(4, 2, config, 23);
    check_joint_gradient(model);
  }
}

TEST_CASE("a head's backward after the other head's forward is refused", "[algorithms][policies][shared][errors]") {
  ac::SharedActorCritic<ac::CategoricalActor<double>> model(4, 2, small_trunk(), 1);
  ac::Generator rng(2);
  const Matrix<double> obs = ac::test::normal_matrix(4, 5, rng);
  model.actor().distribution(obs);
  model.critic().values(obs);
  CHECK_THROWS_AS(model.actor().backward(Matrix<double>::Zero(2, 5)), std::logic_error);
  CHECK_THROWS_WITH(model.actor().backward(Matrix<double>::Zero(2, 5)),
                    Catch::Contains("CategoricalActor::backward") && Catch::Contains("shared network"));
  CHECK_NOTHROW(model.critic().backward(Matrix<double>::Zero(1, 5)));
  model.actor().distribution(obs);
  CHECK_THROWS_WITH(model.critic().backward(Matrix<double>::Zero(1, 5)), Catch::Contains("Critic::backward"));
}

TEST_CASE("an A2C update on a shared trunk zeroes, clips and steps the one network once",
          "[algorithms][a2c][shared]") {
  ac::SharedActorCritic<ac::CategoricalActor<double>> model(4, 2, small_trunk(), 8);
  ac::A2CConfig config;
  config.n_steps = 6;
  config.ent_coef = 0.01;
  config.max_grad_norm = 0.05;  // small enough to clip
  config.optimizer = ac::optim::AdamConfig{.learning_rate = 0.01};
  ac::ActorCriticStep<ac::CategoricalActor<double>> step(model.actor(), model.critic(), config);

  ac::Generator rng(4);
  auto batch = ac::test::sample_policy_batch(model.actor(), 12, rng);
  Matrix<double> weights = batch.advantages;
  const Matrix<double> targets = ac::test::normal_matrix(1, 12, rng);

  // The reference: the joint gradient as joint_loss computes it, with A2C's coefficients, clipped, one Adam step.
  const Vector<double> theta = model.network().parameters();
  const double scale = 1.0 / 12.0;
  ac::PolicyObjective<ac::CategoricalActor<double>> objective;
  objective.begin(model.actor().distribution(batch.observations), batch.actions);
  objective.score_function(weights, scale);
  objective.entropy_bonus(config.ent_coef, scale);
  model.network().zero_gradients();
  model.actor().backward(objective.gradient());
  Matrix<double> grad_values(1, 12);
  const auto values = model.critic().values(batch.observations);
  ac::value_loss<double>(values, targets, values, std::numeric_limits<double>::infinity(), config.vf_coef, scale,
                         grad_values);
  model.critic().backward(grad_values);
  Vector<double> g = model.network().gradients();
  const double norm = g.norm();
  REQUIRE(norm > config.max_grad_norm);
  g *= config.max_grad_norm / (norm + 1e-6);
  Vector<double> expected = theta;
  ac::optim::Adam<double> adam(expected.size(), std::get<ac::optim::AdamConfig>(config.optimizer));
  adam.step(expected, g);

  const auto diagnostics = step.apply(batch.observations, batch.actions, weights, targets);
  CHECK(diagnostics.grad_norm == Approx(norm).epsilon(1e-12));
  CHECK(ac::test::relative_error(model.network().parameters() - theta, expected - theta) < 1e-9);
}

TEST_CASE("TRPO refuses a critic that shares the actor's network", "[algorithms][trpo][shared][errors]") {
  ac::SharedActorCritic<ac::CategoricalActor<float>> model(4, 2);
  CHECK_THROWS_WITH((ac::TRPO(model.actor(), model.critic())),
                    Catch::Contains("TRPO: critic") && Catch::Contains("shared"));
}

TEST_CASE("PPO-clip with a shared trunk reaches 475 on CartPole-v1 within 150k steps on most seeds", "[algorithms][ppo][shared][learning]") {
  // Reaching, as the separate networks' test (test_ppo.cpp): the best of the evaluations every 25k
  // steps and at the end (support/best_evaluation.hpp). Judged at 150k alone, seed 3 of seeds 0-9
  // stood at 9.3 at the end in the x86-64-v4 flavour (2026-12-05: solved, then collapsed).
  ac::test::LearningTrials trials("PPO-clip, shared trunk, CartPole-v1, 150k steps: best evaluation >= 475");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<ac::envs::CartPole> env(ac::presets::kPpoCartPoleEnvs, seed);
    ac::Generator init(seed);
    ac::SharedActorCritic<ac::CategoricalActor<float>> model(4, 2, {}, init);
    ac::PPO ppo(model.actor(), model.critic(), ac::presets::ppo_cartpole());
    ac::test::BestEvaluation<ac::CategoricalActor<float>, ac::envs::CartPole> evaluation(model.actor(), 25'000,
                                                                                        1000 + seed);
    ac::train(ppo, env, 150'000, seed, [&](const ac::IterationInfo& info) { evaluation(info); });
    const double best = evaluation.finish();
    ac::test::record_reaching(trials, seed, best, evaluation.final_return(), 475.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}
