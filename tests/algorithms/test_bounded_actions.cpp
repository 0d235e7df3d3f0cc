// Bounded continuous actions through the library: a tanh-squashed Gaussian
// policy (SquashedGaussianActor) keeps the pre-squash u in its rollouts and
// the environment receives low + (tanh(u) + 1)(high − low)/2; a Beta policy
// (BetaActor) keeps x ∈ (0, 1) and the environment receives low + x (high − low);
// evaluation, Run::act and the inference policy act the same way; checkpoints
// record the policy, so a loader of another kind refuses the run; an unbounded
// Box is refused; and PPO with each swings Pendulum-v1 up on most seeds. (The
// PPO objective's and the Fisher product's finite-difference checks through
// these heads are in test_ppo.cpp and test_trpo.cpp.)
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <support/best_evaluation.hpp>
#include <support/learning.hpp>
#include <vector>

#include "support/gradient_check.hpp"

using ac::Index;
using ac::envs::Pendulum;
using Squashed = ac::SquashedGaussianActor<float>;
using BetaPolicy = ac::BetaActor<float>;

namespace {

/// Pendulum that records every torque it is stepped with (over every instance).
class RecordingPendulum : public ac::envs::Wrapper<Pendulum> {
 public:
  RecordingPendulum() : Wrapper<Pendulum>(Pendulum{}) {}
  ac::envs::StepResult<Observation> step(const Action& action) {
    torques.push_back(action(0));
    return inner_.step(action);
  }
  static inline std::vector<float> torques;
};

/// Pendulum's torque for a stored action, written out per policy (not through the library's mapping).
template <class Actor>
float expected_torque(float a) {
  if constexpr (std::is_same_v<Actor, Squashed>) return -2.0f + (std::tanh(a) + 1.0f) * 0.5f * 4.0f;
  return -2.0f + a * 4.0f;
}

/// The deterministic action in the distribution's own units: μ for the squashed Gaussian, the mode for the Beta.
template <class Actor>
float deterministic_action(Actor& actor, const ac::Matrix<float>& o) {
  const auto& d = actor.distribution(o);
  if constexpr (std::is_same_v<Actor, Squashed>) {
    return d.mean()(0, 0);
  } else {
    const double a = d.alpha()(0, 0), b = d.beta()(0, 0);
    return static_cast<float>((a - 1.0) / ((a - 1.0) + (b - 1.0)));
  }
}

/// The last layer's bias gradient after a unit gradient on the second block of the distribution's
/// parameters (log σ, or z_β) of the actor's last distribution() over `batch` columns.
template <class Actor>
ac::Vector<double> second_block_bias_gradient(Actor& actor, Index batch) {
  const Index rows = actor.parameter_rows();
  actor.network().zero_gradients();
  ac::Matrix<double> grad = ac::Matrix<double>::Zero(rows, batch);
  grad.bottomRows(rows / 2).setOnes();
  actor.backward(grad);
  const auto& net = actor.network();
  return net.linear_layers().back().bias(net.gradients().data());
}

}  // namespace

TEMPLATE_TEST_CASE("a bounded policy's rollout keeps its own sample, and the environment receives it mapped onto "
                   "its bounds", "[algorithms][bounded]", Squashed, BetaPolicy) {
  using Actor = TestType;
  ac::VectorEnv<RecordingPendulum> env(3, 4);
  ac::Generator init(1), rng(2);
  Actor actor(3, 1, {.hidden = {8}, .initial_log_std = 0.5}, init);
  ac::Critic<float> critic(3, {.hidden = {8}}, init);
  RecordingPendulum::torques.clear();
  const auto buffer = ac::Collector<Actor>().collect(env, actor, &critic, rng, 50);
  REQUIRE(RecordingPendulum::torques.size() == 150);
  bool beyond = false;
  for (Index k = 0; k < 150; ++k) {
    const float a = buffer.actions(0, k);
    beyond = beyond || std::abs(a) > 1.0f;
    if constexpr (std::is_same_v<Actor, BetaPolicy>) CHECK((a > 0.0f && a < 1.0f));
    CHECK(RecordingPendulum::torques[std::size_t(k)] == expected_torque<Actor>(a));
    CHECK(std::abs(RecordingPendulum::torques[std::size_t(k)]) <= 2.0f);
  }
  // Squashed: pre-squash values outside (−1, 1) were stored as drawn.
  CHECK(beyond == std::is_same_v<Actor, Squashed>);
  // The stored log-probabilities are the distribution's at the stored actions.
  Actor replay = actor;
  ac::Matrix<float> lp(1, 150);
  replay.distribution(buffer.observations).log_prob(buffer.actions, lp);
  const ac::Matrix<float> stored = Eigen::Map<const ac::Matrix<float>>(buffer.log_probs.data(), 1, 150);
  CHECK(ac::test::relative_error(lp.cast<double>(), stored.cast<double>()) < 1e-6);
}

TEMPLATE_TEST_CASE("bounded runs act, evaluate, save and load as policies of their kind",
                   "[algorithms][bounded][checkpoint]", Squashed, BetaPolicy) {
  using Actor = TestType;
  const bool squashed = std::is_same_v<Actor, Squashed>;
  const ac::RunConfig config{
      .envs = 4, .seed = 3, .total_steps = 2048, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}};
  auto ppo = ac::presets::ppo_pendulum();
  ppo.n_steps = 64;
  ppo.batch_size = 128;
  ac::Run<ac::PPO<Actor>, Pendulum> run(config, ppo);
  run.train();
  // Evaluation maps the deterministic action (tanh(μ), or the Beta's mode) onto the bounds: recompute it
  // from the actor at every recorded observation.
  run.evaluate(2, 5, [&](const ac::EvaluationStep<Pendulum>& s) {
    ac::Matrix<float> o = s.observation;
    CHECK(s.action(0) == expected_torque<Actor>(deterministic_action(run.actor(), o)));
  });
  const auto path = std::filesystem::temp_directory_path() / "ac_test_bounded.ckpt";
  run.save(path);
  auto loaded = ac::Run<ac::PPO<Actor>, Pendulum>::load(path);
  CHECK(loaded.to_checkpoint_bytes() == run.to_checkpoint_bytes());
  auto policy = ac::InferencePolicy<Actor>::load(path);
  Pendulum env;
  auto o = env.reset(9);
  for (int t = 0; t < 20; ++t) {
    const Eigen::VectorXf a = policy.act(o);
    CHECK(a == run.act(o));
    CHECK(std::abs(a(0)) <= 2.0f);
    o = env.step(a).observation;
  }
  // A loader of another kind refuses, naming both.
  const std::string kind = squashed ? "squashed_gaussian" : "beta";
  CHECK_THROWS_WITH(ac::InferencePolicy<ac::GaussianActor<float>>::load(path),
                    Catch::Contains(kind) && Catch::Contains("default"));
  CHECK_THROWS_WITH((ac::Run<ac::PPO<ac::GaussianActor<float>>, Pendulum>::load(path)), Catch::Contains(kind));
  if (squashed) {
    CHECK_THROWS_WITH(ac::InferencePolicy<BetaPolicy>::load(path), Catch::Contains(kind) && Catch::Contains("beta"));
  } else {
    CHECK_THROWS_WITH(ac::InferencePolicy<Squashed>::load(path), Catch::Contains(kind));
  }
  std::filesystem::remove(path);
  // A Gaussian run's checkpoint has no policy record: it is refused by the bounded loader.
  ac::Run<ac::PPO<ac::GaussianActor<float>>, Pendulum> gaussian(config, ppo);
  gaussian.save(path);
  CHECK_THROWS_WITH(ac::InferencePolicy<Actor>::load(path), Catch::Contains("the space's default"));
  std::filesystem::remove(path);
}

namespace {
/// A Box without bounds: a squashed policy cannot map onto it.
class Unbounded : public ac::envs::Wrapper<Pendulum> {
 public:
  Unbounded() : Wrapper<Pendulum>(Pendulum{}) {}
  [[nodiscard]] ac::envs::Box action_space() const {
    return ac::envs::Box(-ac::envs::kInfinity, ac::envs::kInfinity, 1);
  }
};
}  // namespace

TEMPLATE_TEST_CASE("a bounded policy on an unbounded Box is refused naming the environment",
                   "[algorithms][bounded][errors]", Squashed, BetaPolicy) {
  using Actor = TestType;
  ac::VectorEnv<Unbounded> env(2, 0);
  Actor actor(3, 1);
  ac::Generator rng(0);
  CHECK_THROWS_WITH(ac::Collector<Actor>().collect(env, actor, nullptr, rng, 4),
                    Catch::Contains("Pendulum-v1") && Catch::Contains("bounded action space") &&
                        Catch::Contains(std::is_same_v<Actor, Squashed> ? "squashed Gaussian" : "Beta"));
  CHECK_THROWS_WITH(ac::evaluate(actor, Unbounded{}, 1, 0), Catch::Contains("bounded action space"));
}

TEST_CASE("a state-dependent log sigma is a network output that starts at the initial value", "[algorithms][bounded]") {
  ac::Generator rng(7);
  const ac::ActorConfig config{.hidden = {8}, .initial_log_std = -0.7, .state_dependent_std = true};
  ac::GaussianActor<double> actor(3, 2, config, rng);
  CHECK(actor.state_dependent_std());
  CHECK(actor.parameter_rows() == 4);
  const ac::Matrix<double> x = ac::test::normal_matrix(3, 5, rng);
  const auto& d = actor.distribution(x);
  const ac::Matrix<double> log_std = d.log_std();
  CHECK((log_std.array() - -0.7).abs().maxCoeff() < 0.05);  // the head's weights start at gain 0.01
  CHECK((log_std.col(0) - log_std.col(1)).norm() > 0.0);    // and differ from state to state
  CHECK_THROWS_WITH(actor.log_std(), Catch::Contains("depends on the state"));
  // The log σ rows' gradient flows into the network: a unit gradient on them moves the last layer's log σ bias.
  const ac::Vector<double> bias_gradient = second_block_bias_gradient(actor, 5);
  CHECK(bias_gradient(2) == Approx(5.0));
  CHECK(bias_gradient(0) == 0.0);
}

TEST_CASE("a Beta policy takes z_alpha and z_beta from the network, starting near the uniform distribution",
          "[algorithms][bounded]") {
  ac::Generator rng(8);
  ac::BetaActor<double> actor(3, 2, {.hidden = {8}}, rng);
  static_assert(!ac::BetaActor<double>::kHasLogStd);
  CHECK(actor.state_dependent_std());  // its parameters are all network outputs
  CHECK(actor.parameter_rows() == 4);
  CHECK(actor.network().parameter_count() == actor.network().layer_parameter_count());  // no trailing log σ
  const ac::Matrix<double> x = ac::test::normal_matrix(3, 5, rng);
  const auto& d = actor.distribution(x);
  // Zero bias and a head of gain 0.01: α = β = 1 + softplus(0) = 1 + log 2 up to the small weights.
  CHECK((d.alpha().array() - (1 + std::log(2.0))).abs().maxCoeff() < 0.05);
  CHECK((d.beta().array() - (1 + std::log(2.0))).abs().maxCoeff() < 0.05);
  // A unit gradient on the z_β rows reaches the last layer's z_β bias, summed over the batch.
  const ac::Vector<double> bias_gradient = second_block_bias_gradient(actor, 5);
  CHECK(bias_gradient(3) == Approx(5.0));
  CHECK(bias_gradient(1) == 0.0);
}

namespace {

/// Trains PPO (ac::presets::ppo_pendulum, Pendulum's networks and normalization) with policy Actor for
/// `steps` on each learning seed, evaluates 10 episodes (seed + 1000) every 100k steps and at the end,
/// and checks that on a majority the best evaluation reaches `threshold` (the suite's reaching rule,
/// support/best_evaluation.hpp). Judged at the end alone, the Beta policy's seed 9 of seeds 0-9 stood at
/// -400.5 in the portable flavour (2026-12-05, after the row-by-row head products: its head has 2 rows).
template <class Actor>
void check_ppo_swings_pendulum_up(const char* label, long steps, double threshold, const ac::ActorConfig& actor) {
  ac::test::LearningTrials trials(label);
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const ac::RunConfig config{.envs = ac::presets::kPpoPendulumEnvs,
                               .seed = seed,
                               .total_steps = steps,
                               .actor = actor,
                               .critic = ac::presets::pendulum_critic(),
                               .normalization = ac::presets::pendulum_normalization()};
    ac::Run<ac::PPO<Actor>, Pendulum> run(config, ac::presets::ppo_pendulum());
    ac::test::ReachingEvaluations evaluation([&] { return run.evaluate(10, seed + 1000).mean_return; }, 100'000);
    run.train([&](const ac::IterationInfo& info) { evaluation(info); });
    const double best = evaluation.finish();
    ac::test::record_reaching(trials, seed, best, evaluation.final_return(), threshold);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

}  // namespace

TEST_CASE("PPO with a tanh-squashed Gaussian swings Pendulum-v1 up (-300) on most seeds",
          "[algorithms][bounded][learning]") {
  // Measured over seeds 0-9 (x86-64-v4): 10/10, worst -235. With a state-dependent log σ the same
  // budget gave 9/10 (seed 3: -568 at 300k, best periodic evaluation -485), so that option is not
  // asserted here; its gradients and Fisher product are (test_ppo.cpp, test_trpo.cpp).
  ac::ActorConfig actor = ac::presets::pendulum_actor();
  actor.initial_log_std = 0.0;  // σ = 1 before the squash: tanh(u) spans the torques without saturating
  check_ppo_swings_pendulum_up<Squashed>("PPO, squashed Gaussian, Pendulum-v1, 300k steps: best evaluation >= -300",
                                         300'000, -300.0, actor);
}

TEST_CASE("PPO with a Beta policy swings Pendulum-v1 up (-400) on most seeds", "[algorithms][bounded][learning]") {
  // Measured over seeds 0-9 with this budget and evaluation (10 episodes, seed + 1000), per build flavour:
  // x86-64-v4 worst -365, x86-64-v3 worst -315, portable worst -316 (medians -188 to -194), so 10/10 everywhere.
  // At -300 the same budget gave 9/10 in every flavour, and 300k steps 10/10 (v4) and 9/10 (v3, portable):
  // one seed in ten leaves a start state or two unswung, so the threshold is -400.
  check_ppo_swings_pendulum_up<BetaPolicy>("PPO, Beta, Pendulum-v1, 500k steps: best evaluation >= -400", 500'000, -400.0,
                                           ac::presets::pendulum_actor());
}
