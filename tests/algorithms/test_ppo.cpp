// PPO: the objective terms against finite differences (both policy heads),
// the adaptive KL rule on scripted sequences, validation, determinism, and
// real learning on CartPole-v1.
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

constexpr double kClip = 0.2;

/// L(θ) = clipped surrogate + ρ·KL(old‖π) − c_H·H, through PolicyObjective;
/// with `gradient` the analytic dL/dθ is written there.
template <class Actor>
double ppo_policy_loss(Actor& actor, const ac::test::PolicyBatch<Actor>& b, double clip, Vector<double>* gradient,
                       ac::RatioStatistics* stats = nullptr) {
  const double scale = 1.0 / double(b.observations.cols());
  ac::PolicyObjective<Actor> objective;
  typename Actor::Distribution old = actor.last_distribution();  // the head's kind and shape
  old.set_parameters(b.old_parameters);
  objective.begin(actor.distribution(b.observations), b.actions);
  double loss = objective.ratio_surrogate(b.old_log_probs, b.advantages, clip, scale);
  loss += objective.kl_penalty(old, 0.7, scale);
  loss += objective.entropy_bonus(0.05, scale);
  if (stats != nullptr) *stats = objective.ratio_statistics();
  if (gradient != nullptr) {
    actor.network().zero_gradients();
    actor.backward(objective.gradient());
    *gradient = actor.network().gradients();
  }
  return loss;
}

template <class Actor>
void check_objective_gradient(Actor actor, double clip) {
  ac::Generator rng(11);
  Actor old_policy = actor;
  old_policy.network().parameters() += 0.3 * ac::test::normal_matrix(actor.network().parameter_count(), 1, rng);
  const auto batch = ac::test::sample_policy_batch(old_policy, 24, rng);

  Vector<double> analytic;
  ac::RatioStatistics stats;
  ppo_policy_loss(actor, batch, clip, &analytic, &stats);
  if (std::isfinite(clip)) {
    // Both branches of the min are exercised, and no sample sits on a kink.
    REQUIRE(stats.clip_fraction > 0.0);
    REQUIRE(stats.clip_fraction < 1.0);
    Matrix<double> log_probs(1, batch.observations.cols());
    actor.distribution(batch.observations).log_prob(batch.actions, log_probs);
    const Matrix<double> ratios = (log_probs - batch.old_log_probs).array().exp().matrix();
    const double distance =
        std::min((ratios.array() - (1 - clip)).abs().minCoeff(), (ratios.array() - (1 + clip)).abs().minCoeff());
    REQUIRE(distance > 1e-4);
  }
  const Vector<double> numeric = ac::test::numeric_parameter_gradient(
      actor.network().parameters(), [&] { return ppo_policy_loss(actor, batch, clip, nullptr); });
  INFO("analytic ‖g‖ " << analytic.norm() << ", numeric ‖g‖ " << numeric.norm());
  CHECK(ac::test::relative_error(analytic, numeric) < 1e-6);
}

}  // namespace

TEST_CASE("PPO's policy loss (clipped surrogate + KL penalty + entropy) has the finite-difference gradient",
          "[algorithms][ppo][gradient]") {
  const ac::ActorConfig config{.hidden = {5, 4}, .output_gain = 1.0, .initial_log_std = -0.3};
  SECTION("categorical policy, clipped") { check_objective_gradient(ac::CategoricalActor<double>(3, 4, config, 5), kClip); }
  SECTION("categorical policy, unclipped (PPO-KL / TRPO surrogate)") {
    check_objective_gradient(ac::CategoricalActor<double>(3, 4, config, 5), std::numeric_limits<double>::infinity());
  }
  SECTION("Gaussian policy, clipped") { check_objective_gradient(ac::GaussianActor<double>(3, 2, config, 6), kClip); }
  SECTION("Gaussian policy, unclipped") {
    check_objective_gradient(ac::GaussianActor<double>(3, 2, config, 6), std::numeric_limits<double>::infinity());
  }
  SECTION("MultiDiscrete policy (factored categorical), clipped") {
    check_objective_gradient(ac::MultiCategoricalActor<double>(3, {3, 2, 4}, config, 7), kClip);
  }
  SECTION("tanh-squashed Gaussian policy, clipped") {
    check_objective_gradient(ac::SquashedGaussianActor<double>(3, 2, config, 9), kClip);
  }
  SECTION("Gaussian and squashed policies with a state-dependent log sigma, clipped") {
    ac::ActorConfig state_dependent = config;
    state_dependent.state_dependent_std = true;
    check_objective_gradient(ac::GaussianActor<double>(3, 2, state_dependent, 10), kClip);
    check_objective_gradient(ac::SquashedGaussianActor<double>(3, 2, state_dependent, 11), kClip);
  }
  SECTION("MultiBinary policy (Bernoulli bits), clipped") {
    check_objective_gradient(ac::BernoulliActor<double>(3, 4, config, 8), kClip);
  }
  SECTION("recurrent categorical and Gaussian policies (a GRU; 24 columns = 4 sequences x 6 steps), clipped") {
    ac::ActorConfig recurrent = config;
    recurrent.recurrent = 5;
    ac::Generator rng(14);
    ac::nn::EpisodeStarts starts = ac::nn::EpisodeStarts::Constant(24, false);
    starts(0) = starts(9) = starts(14) = true;  // sequence 0 starts an episode; sequences 1 and 2 do mid-way
    const Matrix<double> h0 = ac::test::normal_matrix(5, 4, rng, 0.5);
    ac::CategoricalActor<double> categorical(3, 4, recurrent, 13);
    categorical.use_sequences(starts, h0);
    check_objective_gradient(categorical, kClip);
    ac::GaussianActor<double> gaussian(3, 2, recurrent, 15);
    gaussian.use_sequences(starts, h0);
    check_objective_gradient(gaussian, kClip);
  }
  SECTION("Beta policy, clipped and unclipped") {
    check_objective_gradient(ac::BetaActor<double>(3, 2, config, 12), kClip);
    check_objective_gradient(ac::BetaActor<double>(3, 2, config, 12), std::numeric_limits<double>::infinity());
  }
}

TEST_CASE("the clipped surrogate equals its definition sample by sample", "[algorithms][ppo]") {
  ac::CategoricalActor<double> actor(3, 2, {.hidden = {4}, .output_gain = 1.0}, 1);
  ac::CategoricalActor<double> old_policy = actor;
  ac::Generator rng(3);
  old_policy.network().parameters() += 0.5 * ac::test::normal_matrix(actor.network().parameter_count(), 1, rng);
  const auto b = ac::test::sample_policy_batch(old_policy, 16, rng);
  Matrix<double> log_probs(1, 16);
  actor.distribution(b.observations).log_prob(b.actions, log_probs);
  // kClip, and 0: where a linear clip-range schedule ends, min(r A, A).
  for (const double clip_range : {kClip, 0.0}) {
    INFO("clip range " << clip_range);
    ac::PolicyObjective<ac::CategoricalActor<double>> objective;
    objective.begin(actor.distribution(b.observations), b.actions);
    const double loss = objective.ratio_surrogate(b.old_log_probs, b.advantages, clip_range, 1.0 / 16);
    double expected = 0.0, clipped = 0.0;
    for (Index j = 0; j < 16; ++j) {
      const double r = std::exp(log_probs(0, j) - b.old_log_probs(0, j)), a = b.advantages(0, j);
      const double c = std::clamp(r, 1 - clip_range, 1 + clip_range);
      expected += std::min(r * a, c * a);
      clipped += c * a < r * a ? 1.0 : 0.0;
    }
    CHECK(loss == Approx(-expected / 16).epsilon(1e-12));
    CHECK(objective.ratio_statistics().clip_fraction == Approx(clipped / 16));
    CHECK(clipped > 0.0);
  }
  ac::PolicyObjective<ac::CategoricalActor<double>> objective;
  objective.begin(actor.distribution(b.observations), b.actions);
  CHECK_THROWS_WITH(objective.ratio_surrogate(b.old_log_probs, b.advantages, -0.1, 1.0),
                    Catch::Contains("ratio_surrogate: clip_range: expected a value >= 0, got -0.1"));
}

TEST_CASE("the Gaussian policy's backward and jvp match finite differences", "[algorithms][policies][gradient]") {
  ac::GaussianActor<double> actor(3, 2, {.hidden = {6}, .output_gain = 1.0, .initial_log_std = 0.4}, 9);
  ac::Generator rng(4);
  actor.network().parameters().tail(2) << 0.4, -0.7;  // distinct log σ per dimension
  const Matrix<double> x = ac::test::normal_matrix(3, 5, rng);
  const Matrix<double> weights = ac::test::normal_matrix(4, 5, rng);  // dL/d[μ; log σ]
  const Vector<double> theta = actor.network().parameters();
  auto parameters_at = [&](const Vector<double>& p) {
    actor.network().parameters() = p;
    Matrix<double> out(4, 5);
    actor.distribution(x).write_parameters(out);
    return out;
  };
  // backward: Jᵀ G against ∇ of Σ G ⊙ [μ; log σ].
  const Vector<double> numeric = ac::test::numeric_gradient(
      [&](const Vector<double>& p) { return parameters_at(p).cwiseProduct(weights).sum(); }, theta);
  actor.network().parameters() = theta;
  actor.distribution(x);
  actor.network().zero_gradients();
  actor.backward(weights);
  CHECK(ac::test::relative_error(actor.network().gradients(), numeric) < 1e-7);
  // jvp: the directional derivative along v.
  const Vector<double> v = ac::test::normal_matrix(theta.size(), 1, rng);
  const Matrix<double> numeric_tangent = (parameters_at(theta + 1e-6 * v) - parameters_at(theta - 1e-6 * v)) / 2e-6;
  actor.network().parameters() = theta;
  const Matrix<double> tangent = actor.jvp(x, v);
  CHECK(ac::test::relative_error(tangent, numeric_tangent) < 1e-7);
  CHECK(actor.log_std()(1) == -0.7);
}

TEST_CASE("the clipped value loss has the finite-difference gradient", "[algorithms][ppo][gradient]") {
  ac::Generator rng(8);
  const Matrix<double> targets = ac::test::normal_matrix(1, 10, rng);
  const Matrix<double> old_values = ac::test::normal_matrix(1, 10, rng);
  const Matrix<double> start = old_values + 0.6 * ac::test::normal_matrix(1, 10, rng);
  for (const double clip : {std::numeric_limits<double>::infinity(), 0.3}) {
    Matrix<double> grad(1, 10), unused(1, 10);
    ac::value_loss<double>(start, targets, old_values, clip, 0.5, 0.1, grad);
    const Vector<double> numeric = ac::test::numeric_gradient(
        [&](const Vector<double>& v) {
          return 0.5 * ac::value_loss<double>(v.transpose(), targets, old_values, clip, 0.5, 0.1, unused);
        },
        start.transpose());
    INFO("clip " << clip);
    CHECK(ac::test::relative_error(grad.transpose(), numeric) < 1e-7);
  }
}

TEST_CASE("the adaptive KL coefficient follows the PPO paper's rule on scripted KL sequences", "[algorithms][ppo]") {
  const ac::AdaptiveKlCoefficient rule{.target = 0.01};
  double rho = 1.0;
  std::vector<double> seen;
  // below d/1.5 halves, above 1.5 d doubles, in between (edges included) keeps.
  for (const double kl : {0.001, 0.001, 0.0067, 0.01, 0.015, 0.02, 0.05, 0.0149, 0.0066}) {
    rho = rule.next(rho, kl);
    seen.push_back(rho);
  }
  CHECK(seen == std::vector<double>{0.5, 0.25, 0.25, 0.25, 0.25, 0.5, 1.0, 1.0, 0.5});
}

TEST_CASE("PPOConfig rejects bad values naming the field", "[algorithms][ppo][errors]") {
  ac::CategoricalActor<float> actor(4, 2);
  ac::Critic<float> critic(4);
  auto bad = [](auto change) {
    ac::PPOConfig c;
    change(c);
    return c;
  };
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c.epochs = 0; })), Catch::Contains("PPOConfig.epochs"));
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c.gamma = 0.0; })), Catch::Contains("PPOConfig.gamma"));
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c.clip_range = ac::optim::Schedule::constant(-0.1); })),
                    Catch::Contains("PPOConfig.clip_range"));
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c.adaptive_kl = true; })),
                    Catch::Contains("PPOConfig.kl_coef"));
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c.target_kl = 0.0; })),
                    Catch::Contains("PPOConfig.target_kl"));
  CHECK_THROWS_WITH(ac::PPO(actor, critic, bad([](auto& c) { c = ac::PPOConfig::kl_penalty(), c.exact_kl = false; })),
                    Catch::Contains("PPOConfig.exact_kl: the adaptive KL rule"));
}

namespace {

struct PpoRun {
  ac::CategoricalActor<float> actor;
  ac::Critic<float> critic;
  double evaluation = 0.0;  // at the end of training
  std::vector<ac::UpdateDiagnostics> diagnostics;
  double best = 0.0;  // the best of the evaluations every 25k steps and at the end
};

PpoRun train_ppo(std::uint64_t seed, const ac::PPOConfig& config, long steps) {
  ac::VectorEnv<CartPole> env(8, seed);
  ac::Generator init(seed);
  PpoRun run{ac::CategoricalActor<float>(4, 2, {}, init), ac::Critic<float>(4, {}, init), 0.0, {}};
  ac::PPO ppo(run.actor, run.critic, config);
  ac::test::BestEvaluation<ac::CategoricalActor<float>, CartPole> evaluation(run.actor, 25'000, 1000 + seed);
  ac::train(ppo, env, steps, seed, [&](const ac::IterationInfo& info) {
    run.diagnostics.push_back(info.diagnostics);
    evaluation(info);
  });
  run.best = evaluation.finish();
  run.evaluation = evaluation.final_return();
  return run;
}

}  // namespace

TEST_CASE("PPO-clip and PPO-KL reach 475 on CartPole-v1 within 150k steps on most seeds", "[algorithms][ppo][learning]") {
  // Reaching: the best of the evaluations every 25k steps and at the end
  // (support/best_evaluation.hpp). PPO-KL can solve and then slip: judged at
  // 150k alone, two of seeds 0-9 fell short in the x86-64-v3 flavour.
  ac::test::LearningTrials clip_trials("PPO-clip, CartPole-v1, 150k steps: best evaluation >= 475");
  ac::test::LearningTrials kl_trials("PPO-KL, CartPole-v1, 150k steps: best evaluation >= 475");
  ac::test::LearningTrials all_trials("PPO-clip+KL+entropy, CartPole-v1, 150k steps: best evaluation >= 475");
  const auto record = [](ac::test::LearningTrials& trials, std::uint64_t seed, const PpoRun& run) {
    ac::test::record_reaching(trials, seed, run.best, run.evaluation, 475.0);
  };
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const auto clip = train_ppo(seed, ac::presets::ppo_cartpole(ac::PPOConfig::clip()), 150'000);
    record(clip_trials, seed, clip);
    const auto kl = train_ppo(seed, ac::presets::ppo_cartpole(ac::PPOConfig::kl_penalty()), 150'000);
    record(kl_trials, seed, kl);
    const auto all = train_ppo(seed, ac::presets::ppo_cartpole(ac::PPOConfig::clip_kl_entropy()), 150'000);
    record(all_trials, seed, all);
    // On every seed: the adaptive rule moved ρ, and clipping was active in PPO-clip and off in PPO-KL.
    INFO("seed " << seed);
    double rho_min = 1e9, rho_max = 0;
    for (const auto& d : kl.diagnostics) rho_min = std::min(rho_min, d.kl_coef), rho_max = std::max(rho_max, d.kl_coef);
    CHECK(rho_max > rho_min);
    CHECK(kl.diagnostics.back().clip_fraction == 0.0);
    CHECK(clip.diagnostics[5].clip_fraction > 0.0);
  }
  AC_CHECK_LEARNING_MAJORITY(clip_trials);
  AC_CHECK_LEARNING_MAJORITY(kl_trials);
  AC_CHECK_LEARNING_MAJORITY(all_trials);
}

TEST_CASE("PPO runs are bit-identical for the same seed", "[algorithms][ppo][determinism]") {
  const auto a = train_ppo(5, ac::presets::ppo_cartpole(ac::PPOConfig::clip()), 4'096);
  const auto b = train_ppo(5, ac::presets::ppo_cartpole(ac::PPOConfig::clip()), 4'096);
  CHECK(a.actor.network().parameters() == b.actor.network().parameters());
  CHECK(a.critic.network().parameters() == b.critic.network().parameters());
  const auto c = train_ppo(6, ac::presets::ppo_cartpole(ac::PPOConfig::clip()), 4'096);
  CHECK(a.actor.network().parameters() != c.actor.network().parameters());
}

TEST_CASE("without the exact KL, PPO trains the same bits and leaves kl unset", "[algorithms][ppo][determinism]") {
  // PPOConfig::exact_kl = false skips the two actor passes over the rollout that only the exact-KL
  // diagnostic (and a KL penalty's behaviour distribution) read.
  auto fixed_penalty = ac::presets::ppo_cartpole(ac::PPOConfig::clip());
  fixed_penalty.kl_coef = 0.5;  // a fixed ρ: the behaviour distribution is still needed, the final pass is not
  for (const auto& config : {ac::presets::ppo_cartpole(ac::PPOConfig::clip()), fixed_penalty}) {
    INFO("kl_coef " << config.kl_coef);
    auto without = config;
    without.exact_kl = false;
    const auto a = train_ppo(3, config, 4'096);
    const auto b = train_ppo(3, without, 4'096);
    CHECK(a.actor.network().parameters() == b.actor.network().parameters());
    CHECK(a.critic.network().parameters() == b.critic.network().parameters());
    REQUIRE(a.diagnostics.size() == b.diagnostics.size());
    for (std::size_t i = 0; i < a.diagnostics.size(); ++i) {
      CHECK(std::isfinite(a.diagnostics[i].kl));
      CHECK(std::isnan(b.diagnostics[i].kl));
      CHECK(a.diagnostics[i].approx_kl == b.diagnostics[i].approx_kl);
      CHECK(a.diagnostics[i].policy_loss == b.diagnostics[i].policy_loss);
    }
  }
  // The setting survives a record: written only when false, so default records keep their bytes.
  auto config = ac::PPOConfig::clip();
  const std::string default_bytes = ac::to_bytes(config);
  config.exact_kl = false;
  const std::string bytes = ac::to_bytes(config);
  CHECK(bytes != default_bytes);
  ac::PPOConfig back;
  ac::from_bytes(back, bytes, "record");
  CHECK_FALSE(back.exact_kl);
  ac::from_bytes(back, default_bytes, "record");
  CHECK(back.exact_kl);
}

TEST_CASE("the schedules count the rollout just collected, as SB3's, and end at zero", "[algorithms][ppo]") {
  // SB3's OnPolicyAlgorithm.learn updates the progress after collect_rollouts and before train, so the
  // k-th of K updates runs at 1 − k/K of the start; the last at 0, where it moves no parameter.
  const auto config = ac::presets::ppo_cartpole(ac::PPOConfig::clip());  // linear from 1e-3 and 0.2
  ac::VectorEnv<CartPole> env(ac::presets::kPpoCartPoleEnvs, 3);
  ac::Generator init(3);
  ac::CategoricalActor<float> actor(4, 2, {}, init);
  ac::Critic<float> critic(4, {}, init);
  ac::PPO ppo(actor, critic, config);
  ac::TrainingLoop<decltype(ppo)> loop(3);
  const long rollout = ac::presets::kPpoCartPoleEnvs * config.n_steps;
  const long updates = 4;
  for (long k = 1; k <= updates; ++k) {
    INFO("update " << k);
    const Vector<float> actor_before = actor.network().parameters();
    const Vector<float> critic_before = critic.network().parameters();
    const auto d = loop.iterate(ppo, env, updates * rollout);
    const double remaining = 1.0 - double(k) / double(updates);
    CHECK(d.learning_rate == Approx(1e-3 * remaining).epsilon(1e-12).margin(1e-18));
    CHECK(d.clip_range == Approx(0.2 * remaining).epsilon(1e-12).margin(1e-18));
    const bool moved = actor.network().parameters() != actor_before && critic.network().parameters() != critic_before;
    CHECK(moved == (k < updates));
  }
  CHECK(loop.steps() == updates * rollout);
}

TEST_CASE("target-KL early stopping cuts the epochs", "[algorithms][ppo]") {
  auto config = ac::presets::ppo_cartpole(ac::PPOConfig::clip());
  config.target_kl = 1e-4;  // tiny: once the policy moves at all, iterations stop early
  const auto run = train_ppo(0, config, 2'048);
  int stopped = 0;
  for (const auto& d : run.diagnostics) {
    UNSCOPED_INFO("epochs " << d.epochs << ", approx KL " << d.approx_kl);
    stopped += d.epochs < 20.0;
  }
  CHECK(stopped >= 4);  // of 8 iterations
  const auto free = train_ppo(0, ac::presets::ppo_cartpole(ac::PPOConfig::clip()), 2'048);
  for (const auto& d : free.diagnostics) CHECK(d.epochs == 20.0);
}

TEST_CASE("without an entropy bonus, the reported entropy is still the last epoch's", "[algorithms][ppo]") {
  // With ent_coef = 0 the entropy serves only the diagnostics, which report the last epoch run, so
  // PPO measures it only there (or in every epoch when target_kl may end the epochs early). Each
  // case is built so that the reported minibatches saw the initial policy on the whole rollout:
  // the independent figure is then that policy's mean entropy over the rollout.
  const auto reported_and_expected = [](ac::PPOConfig config) {
    ac::VectorEnv<CartPole> env(4, 7);
    ac::CategoricalActor<double> actor(4, 2, {.hidden = {16}}, 1);
    ac::Critic<double> critic(4, {.hidden = {16}}, 2);
    ac::Generator rng(3);
    auto buffer = ac::make_rollout_buffer(32, env, actor);
    ac::collect_rollout(env, actor, critic, rng, buffer);
    Matrix<double> entropy(1, buffer.size());
    actor.distribution(buffer.observations).entropy(entropy);
    const double expected = entropy.mean();
    config.ent_coef = 0.0;
    ac::PPO ppo(actor, critic, config);
    return std::pair{ppo.update(buffer, rng), expected};
  };
  SECTION("3 epochs of 4 minibatches, a learning rate too small to move any weight: each sees the initial policy") {
    auto config = ac::PPOConfig::clip();
    config.epochs = 3;
    config.batch_size = 32;
    config.set_learning_rate(ac::optim::Schedule::constant(1e-300));
    const auto [d, expected] = reported_and_expected(config);
    CHECK(d.epochs == 3.0);
    CHECK(d.entropy > 0.5);  // two actions, a near-uniform initial policy: close to log 2
    CHECK(d.entropy == Approx(expected).epsilon(1e-12));
  }
  SECTION("target_kl stops the epochs early: the reported epoch is the first, one whole-rollout minibatch") {
    auto config = ac::PPOConfig::clip();
    config.epochs = 5;
    config.batch_size = 128;
    config.target_kl = 1e-9;  // once the policy has moved at all
    const auto [d, expected] = reported_and_expected(config);
    CHECK(d.epochs == 1.0);
    CHECK(d.entropy == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("a Gaussian policy's rollout keeps the unclipped actions and their log-probabilities",
          "[algorithms][rollout][continuous]") {
  ac::VectorEnv<ac::envs::Pendulum> env(4, 3);
  ac::GaussianActor<double> actor(3, 1, {.hidden = {8}, .initial_log_std = std::log(3.0)}, 1);  // σ 3 > the bound 2
  ac::Critic<double> critic(3, {.hidden = {8}}, 2);
  ac::Generator rng(5);
  auto buffer = ac::make_rollout_buffer(50, env, actor);
  ac::collect_rollout(env, actor, critic, rng, buffer);
  CHECK(buffer.actions.cwiseAbs().maxCoeff() > 2.0);  // outside Box(-2, 2): stored as sampled
  Matrix<double> log_probs(1, buffer.size());
  actor.distribution(buffer.observations).log_prob(buffer.actions, log_probs);
  const Matrix<double> stored = Eigen::Map<const Matrix<double>>(buffer.log_probs.data(), 1, buffer.size());
  CHECK(ac::test::relative_error(log_probs, stored) < 1e-12);
  // The environment got the clipped torque: Pendulum's reward includes −0.001 u², so
  // an unclipped |u| = 6 would cost 0.036 more than the bound; check one step by replay.
  ac::envs::Pendulum replay;
  replay.reset(3);
  Eigen::VectorXf u(1);
  u(0) = static_cast<float>(std::clamp(buffer.actions(0, 0), -2.0, 2.0));
  CHECK(replay.step(u).reward == Approx(buffer.rewards(0, 0)).epsilon(1e-6));
}

TEST_CASE("VecNormalize keeps one set of statistics over all envs and scales rewards by the return's std",
          "[algorithms][rollout][normalize]") {
  ac::VecNormalize normalize(2, 3, {.gamma = 0.5, .clip_observation = 100.0, .clip_reward = 100.0});
  Matrix<float> a(2, 3), b(2, 3);
  a << 1, 2, 3, -1, 0, 4;
  b << 5, 6, 7, 2, 2, 2;
  normalize.observe(a);
  normalize.observe(b);
  Matrix<float> all(2, 6);
  all << a, b;
  const Eigen::VectorXd mean = all.cast<double>().rowwise().mean();
  const Eigen::VectorXd var = (all.cast<double>().colwise() - mean).array().square().rowwise().mean();
  // The ε-count prior (1e-4) shifts the statistics by ~1e-5 relative.
  CHECK((normalize.observation_statistics().mean() - mean).norm() < 1e-3);
  CHECK((normalize.observation_statistics().var() - var).norm() < 1e-3);
  Matrix<double> out(2, 3);
  normalize.normalize_observations(b, out);
  const auto& stats = normalize.observation_statistics();
  CHECK(out(0, 1) == Approx((6 - stats.mean()(0)) / std::sqrt(stats.var()(0) + 1e-8)).epsilon(1e-6));

  // Rewards: R ← γR + r per env; statistics over R; r / √(Var R + ε); R reset where an episode ended.
  Eigen::VectorXd rewards(3), ended = Eigen::VectorXd::Zero(3);
  rewards << 1.0, 2.0, 4.0;
  Eigen::VectorXd first = rewards;
  normalize.normalize_rewards(first, ended);
  const double var1 = normalize.return_statistics().var()(0);
  CHECK(first(2) == Approx(4.0 / std::sqrt(var1 + 1e-8)));
  ended << 0, 0, 1;
  Eigen::VectorXd second = rewards;
  normalize.normalize_rewards(second, ended);  // returns now 1.5, 3, 6
  ac::RunningMeanStd reference(1);
  reference.update(Matrix<double>(rewards.transpose()));
  reference.update(Matrix<double>((0.5 * rewards + rewards).transpose()));
  CHECK(normalize.return_statistics().var()(0) == Approx(reference.var()(0)));
  normalize.set_training(false);
  Eigen::VectorXd third = rewards;
  ended.setZero();
  normalize.normalize_rewards(third, ended);
  CHECK(normalize.return_statistics().var()(0) == Approx(reference.var()(0)));  // frozen
}

TEST_CASE("PPO with a Gaussian policy swings Pendulum-v1 up (−300) in 300k steps on most seeds",
          "[algorithms][ppo][learning][continuous]") {
  std::vector<double> returns;
  ac::test::LearningTrials trials("PPO-clip, Gaussian, Pendulum-v1, 300k steps: evaluation >= -300");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<ac::envs::Pendulum> env(ac::presets::kPpoPendulumEnvs, seed);
    ac::Generator init(seed);
    ac::GaussianActor<float> actor(3, 1, ac::presets::pendulum_actor(), init);
    ac::Critic<float> critic(3, ac::presets::pendulum_critic(), init);
    ac::VecNormalize normalize(3, env.size(), ac::presets::pendulum_normalization());
    ac::PPO ppo(actor, critic, ac::presets::ppo_pendulum());
    ac::train(ppo, env, 300'000, seed, [](const ac::IterationInfo&) {}, &normalize);
    normalize.set_training(false);
    returns.push_back(ac::evaluate(actor, ac::envs::Pendulum{}, 10, 1000 + seed, &normalize).mean_return);
    trials.record(seed, returns.back(), returns.back() >= -300.0);
    UNSCOPED_INFO("seed " << seed << ": σ " << std::exp(actor.log_std()(0)));
  }
  AC_CHECK_LEARNING_MAJORITY(trials);  // for 3 seeds: the median >= -200
  std::sort(returns.begin(), returns.end());
  CHECK(returns.back() > returns.front());  // a non-degenerate spread: the seeds trained independently
}

namespace {

/// Trains `iterations` PPO updates on `threads` threads from a fixed seed; returns the actor's and the critic's
/// parameters after them, and every update's diagnostics (a float is compared bit for bit).
template <class Env, class Actor>
std::pair<std::vector<Vector<float>>, std::vector<ac::UpdateDiagnostics>> ppo_on_threads(
    int threads, const ac::PPOConfig& config, Index obs_dim, Index actions, int iterations) {
  ac::VectorEnv<Env> env(4, 11);
  ac::Generator init(5);
  Actor actor(obs_dim, actions, {.hidden = {16, 16}}, init);
  ac::Critic<float> critic(obs_dim, {.hidden = {16, 16}}, init);
  ac::PPO ppo(actor, critic, config);
  ppo.set_threads(threads);
  CHECK(ppo.threads() == threads);
  ac::TrainingLoop<decltype(ppo)> loop(7);
  std::vector<ac::UpdateDiagnostics> diagnostics;
  for (int i = 0; i < iterations; ++i) {
    ppo.set_progress(double(i) / iterations);
    diagnostics.push_back(loop.iterate(ppo, env));
  }
  return {{actor.network().parameters(), critic.network().parameters()}, diagnostics};
}

template <class Env, class Actor>
void check_same_bits_on_two_threads(const ac::PPOConfig& config, Index obs_dim, Index actions) {
  const auto [one, one_diagnostics] = ppo_on_threads<Env, Actor>(1, config, obs_dim, actions, 4);
  const auto [two, two_diagnostics] = ppo_on_threads<Env, Actor>(2, config, obs_dim, actions, 4);
  CHECK(two[0] == one[0]);  // the actor's parameters, bit for bit
  CHECK(two[1] == one[1]);  // the critic's
  REQUIRE(two_diagnostics.size() == one_diagnostics.size());
  for (std::size_t i = 0; i < one_diagnostics.size(); ++i) {
    INFO("update " << i);
    CHECK(two_diagnostics[i].policy_loss == one_diagnostics[i].policy_loss);
    CHECK(two_diagnostics[i].value_loss == one_diagnostics[i].value_loss);
    CHECK(two_diagnostics[i].grad_norm == one_diagnostics[i].grad_norm);
    CHECK(two_diagnostics[i].epochs == one_diagnostics[i].epochs);
    CHECK(two_diagnostics[i].kl == one_diagnostics[i].kl);  // the exact KL of the update (PPOConfig::exact_kl)
  }
  // And the parameters moved: the comparison is not of two untouched networks.
  const auto [untrained, unused] = ppo_on_threads<Env, Actor>(1, config, obs_dim, actions, 0);
  CHECK(one[0] != untrained[0]);
  CHECK(one[1] != untrained[1]);
}

}  // namespace

TEST_CASE("PPO on two threads trains the same bits as on one", "[algorithms][ppo][threads]") {
  auto small = [](ac::PPOConfig c) {
    c.n_steps = 64;
    c.batch_size = 64;
    c.epochs = 3;
    return c;
  };
  SECTION("PPO-clip, CartPole-v1 (the zoo's schedules)") {
    check_same_bits_on_two_threads<CartPole, ac::CategoricalActor<float>>(small(ac::presets::ppo_cartpole()), 4, 2);
  }
  SECTION("target_kl: the critic's part starts after the step is taken; some epochs stop early") {
    auto config = small(ac::PPOConfig::clip());
    config.epochs = 8;
    config.target_kl = 0.002;
    check_same_bits_on_two_threads<CartPole, ac::CategoricalActor<float>>(config, 4, 2);
    const auto [parameters, diagnostics] =
        ppo_on_threads<CartPole, ac::CategoricalActor<float>>(2, config, 4, 2, 4);
    bool stopped = false;
    for (const auto& d : diagnostics) stopped = stopped || d.epochs < 8.0;
    CHECK(stopped);  // the early stop's path was taken
  }
  SECTION("the adaptive KL penalty and an entropy bonus, Pendulum-v1 with a Gaussian policy") {
    auto config = small(ac::PPOConfig::clip_kl_entropy());
    check_same_bits_on_two_threads<ac::envs::Pendulum, ac::GaussianActor<float>>(config, 3, 1);
  }
}

TEST_CASE("PPO refuses a second thread for one network or recurrent ones, and other counts",
          "[algorithms][ppo][threads][errors]") {
  ac::Generator init(1);
  ac::SharedActorCritic<ac::CategoricalActor<float>> shared(4, 2, {}, init);
  ac::PPO shared_ppo(shared.actor(), shared.critic());
  CHECK_THROWS_WITH(shared_ppo.set_threads(2), Catch::Contains("PPO::set_threads: threads: expected 1 with a shared trunk"));
  ac::CategoricalActor<float> recurrent(4, 2, {.hidden = {8}, .recurrent = 4}, init);
  ac::Critic<float> critic(4, {.hidden = {8}}, init);
  ac::PPO recurrent_ppo(recurrent, critic);
  CHECK_THROWS_WITH(recurrent_ppo.set_threads(2), Catch::Contains("expected 1 with a recurrent actor or critic"));
  ac::CategoricalActor<float> actor(4, 2, {.hidden = {8}}, init);
  ac::PPO ppo(actor, critic);
  CHECK_THROWS_WITH(ppo.set_threads(3), Catch::Contains("PPO::set_threads: threads: expected 1 or 2, got 3"));
  CHECK_THROWS_WITH(ppo.set_threads(0), Catch::Contains("expected 1 or 2, got 0"));
  ppo.set_threads(2);
  ppo.set_threads(1);
  CHECK(ppo.threads() == 1);
}
