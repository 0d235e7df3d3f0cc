// Bounded continuous actions through the library: a tanh-squashed Gaussian
// policy (SquashedGaussianActor) keeps the pre-squash u in its rollouts and
// the environment receives low + (tanh(u) + 1)(high − low)/2; evaluation,
// Run::act and the inference policy act the same way; checkpoints record the
// policy, so a Gaussian loader refuses a squashed run; an unbounded Box is
// refused; and PPO with it swings Pendulum-v1 up on most seeds. (The PPO
// objective's and the Fisher product's finite-difference checks through this
// head are in test_ppo.cpp and test_trpo.cpp.)
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <support/learning.hpp>
#include <vector>

#include "support/gradient_check.hpp"

using ac::Index;
using ac::envs::Pendulum;
using Squashed = ac::SquashedGaussianActor<float>;

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

}  // namespace

TEST_CASE("a squashed policy's rollout keeps u, and the environment receives tanh(u) rescaled to its bounds",
          "[algorithms][bounded]") {
  ac::VectorEnv<RecordingPendulum> env(3, 4);
  ac::Generator init(1), rng(2);
  Squashed actor(3, 1, {.hidden = {8}, .initial_log_std = 0.5}, init);
  ac::Critic<float> critic(3, {.hidden = {8}}, init);
  RecordingPendulum::torques.clear();
  const auto buffer = ac::Collector<Squashed>().collect(env, actor, &critic, rng, 50);
  REQUIRE(RecordingPendulum::torques.size() == 150);
  bool beyond = false;
  for (Index k = 0; k < 150; ++k) {
    const float u = buffer.actions(0, k);
    beyond = beyond || std::abs(u) > 1.0f;
    CHECK(RecordingPendulum::torques[std::size_t(k)] == -2.0f + (std::tanh(u) + 1.0f) * 0.5f * 4.0f);
    CHECK(std::abs(RecordingPendulum::torques[std::size_t(k)]) <= 2.0f);
  }
  CHECK(beyond);  // pre-squash values outside (−1, 1) were stored as drawn
  // The stored log-probabilities are the squashed density's at the stored u.
  Squashed replay = actor;
  ac::Matrix<float> lp(1, 150);
  replay.distribution(buffer.observations).log_prob(buffer.actions, lp);
  const ac::Matrix<float> stored = Eigen::Map<const ac::Matrix<float>>(buffer.log_probs.data(), 1, 150);
  CHECK(ac::test::relative_error(lp.cast<double>(), stored.cast<double>()) < 1e-6);
}

TEST_CASE("squashed runs act, evaluate, save and load as squashed policies", "[algorithms][bounded][checkpoint]") {
  const ac::RunConfig config{
      .envs = 4, .seed = 3, .total_steps = 2048, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}};
  auto ppo = ac::presets::ppo_pendulum();
  ppo.n_steps = 64;
  ppo.batch_size = 128;
  ac::Run<ac::PPO<Squashed>, Pendulum> run(config, ppo);
  run.train();
  // Evaluation takes tanh(μ) rescaled: recompute it from the actor at every recorded observation.
  run.evaluate(2, 5, [&](const ac::EvaluationStep<Pendulum>& s) {
    ac::Matrix<float> o = s.observation;
    const float mu = run.actor().distribution(o).mean()(0, 0);
    CHECK(s.action(0) == -2.0f + (std::tanh(mu) + 1.0f) * 0.5f * 4.0f);
  });
  const auto path = std::filesystem::temp_directory_path() / "ac_test_squashed.ckpt";
  run.save(path);
  auto loaded = ac::Run<ac::PPO<Squashed>, Pendulum>::load(path);
  CHECK(loaded.to_checkpoint_bytes() == run.to_checkpoint_bytes());
  auto policy = ac::InferencePolicy<Squashed>::load(path);
  Pendulum env;
  auto o = env.reset(9);
  for (int t = 0; t < 20; ++t) {
    const Eigen::VectorXf a = policy.act(o);
    CHECK(a == run.act(o));
    CHECK(std::abs(a(0)) <= 2.0f);
    o = env.step(a).observation;
  }
  // A loader of the other kind refuses, naming both.
  CHECK_THROWS_WITH(ac::InferencePolicy<ac::GaussianActor<float>>::load(path),
                    Catch::Contains("squashed_gaussian") && Catch::Contains("default"));
  CHECK_THROWS_WITH((ac::Run<ac::PPO<ac::GaussianActor<float>>, Pendulum>::load(path)),
                    Catch::Contains("squashed_gaussian"));
  std::filesystem::remove(path);
  // A Gaussian run's checkpoint has no policy record: it is refused by the squashed loader.
  ac::Run<ac::PPO<ac::GaussianActor<float>>, Pendulum> gaussian(config, ppo);
  gaussian.save(path);
  CHECK_THROWS_WITH(ac::InferencePolicy<Squashed>::load(path), Catch::Contains("the space's default"));
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

TEST_CASE("a squashed policy on an unbounded Box is refused naming the environment", "[algorithms][bounded][errors]") {
  ac::VectorEnv<Unbounded> env(2, 0);
  Squashed actor(3, 1);
  ac::Generator rng(0);
  CHECK_THROWS_WITH(ac::Collector<Squashed>().collect(env, actor, nullptr, rng, 4),
                    Catch::Contains("Pendulum-v1") && Catch::Contains("bounded action space"));
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
  actor.network().zero_gradients();
  ac::Matrix<double> grad = ac::Matrix<double>::Zero(4, 5);
  grad.bottomRows(2).setOnes();
  actor.backward(grad);
  const auto& net = actor.network();
  const auto bias_gradient = net.linear_layers().back().bias(net.gradients().data());
  CHECK(bias_gradient(2) == Approx(5.0));
  CHECK(bias_gradient(0) == 0.0);
}

TEST_CASE("PPO with a tanh-squashed Gaussian swings Pendulum-v1 up (-300) on most seeds",
          "[algorithms][bounded][learning]") {
  // Measured over seeds 0-9 (x86-64-v4): 10/10, worst -235. With a state-dependent log σ the same
  // budget gave 9/10 (seed 3: -568 at 300k, best periodic evaluation -485), so that option is not
  // asserted here; its gradients and Fisher product are (test_ppo.cpp, test_trpo.cpp).
  ac::test::LearningTrials trials("PPO, squashed Gaussian, Pendulum-v1, 300k steps: evaluation >= -300");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::RunConfig config{.envs = ac::presets::kPpoPendulumEnvs,
                         .seed = seed,
                         .total_steps = 300'000,
                         .actor = ac::presets::pendulum_actor(),
                         .critic = ac::presets::pendulum_critic(),
                         .normalization = ac::presets::pendulum_normalization()};
    config.actor.initial_log_std = 0.0;  // σ = 1 before the squash: tanh(u) spans the torques without saturating
    ac::Run<ac::PPO<Squashed>, Pendulum> run(config, ac::presets::ppo_pendulum());
    run.train();
    const double r = run.evaluate(10, seed + 1000).mean_return;
    trials.record(seed, r, r >= -300.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}
