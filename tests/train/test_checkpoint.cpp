// Checkpoints of a run (ac::Run): the whole run — hyperparameters, networks,
// normalizer, learner, generator, counters, environments — round-trips byte
// for byte; stopped and resumed is the uninterrupted run, bit for bit, for
// every algorithm; every way a file can be wrong (empty, truncated, corrupted,
// foreign, another version, another scalar, hostile contents behind a valid
// checksum, another algorithm or environment) is an IoError that says which.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <string>

using ac::envs::CartPole;
using ac::envs::Pendulum;
using Categorical = ac::CategoricalActor<float>;
using Gaussian = ac::GaussianActor<float>;

namespace {

using PendulumRun = ac::Run<ac::PPO<Gaussian>, Pendulum>;

ac::RunConfig small_run(long total_steps) {
  return {.envs = 4, .seed = 7, .total_steps = total_steps, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}};
}

/// PPO on Pendulum with normalization and a shared trunk, a few iterations in.
PendulumRun pendulum_run() {
  auto config = small_run(4096);
  config.shared_trunk = true;
  config.normalization = ac::VecNormalizeConfig{.gamma = 0.9};
  config.label = "ppo-clip";
  auto ppo = ac::presets::ppo_pendulum();
  ppo.n_steps = 64;
  ppo.batch_size = 64;
  ppo.epochs = 2;
  PendulumRun run(config, ppo);
  for (int i = 0; i < 3; ++i) run.iterate();
  return run;
}

/// Re-seals `bytes` (everything but the old checksum) with a correct checksum,
/// so the parser's field checks are reached.
std::string reseal(std::string bytes) {
  bytes.resize(bytes.size() - sizeof(std::uint64_t));
  const std::uint64_t checksum = ac::fnv1a64(bytes);
  bytes.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  return bytes;
}

template <class Run = PendulumRun>
std::string load_error(const std::string& bytes) {
  try {
    (void)Run::from_checkpoint_bytes(bytes, "ckpt");
  } catch (const ac::IoError& error) {
    return error.what();
  }
  return "no error";
}

/// Trains `Algorithm` on E to the budget in one go, and again stopped halfway,
/// saved, loaded from the file and continued; the two runs must end equal.
template <class Algorithm, class E>
void check_resume(const typename Algorithm::Settings& settings, ac::RunConfig config) {
  ac::Run<Algorithm, E> uninterrupted(config, settings);
  uninterrupted.train();
  ac::Run<Algorithm, E> stopped(config, settings);
  stopped.train([&](const ac::IterationInfo& info) { return info.steps < config.total_steps / 2; });
  REQUIRE_FALSE(stopped.finished());
  const auto path = std::filesystem::temp_directory_path() / "ac_test_resume.ckpt";
  stopped.save(path);
  auto resumed = ac::Run<Algorithm, E>::load(path);
  std::filesystem::remove(path);
  CHECK(resumed.steps() == stopped.steps());
  resumed.train();
  INFO(Algorithm::kName << " on " << E::kId);
  CHECK(resumed.steps() == uninterrupted.steps());
  CHECK(resumed.actor().network().parameters() == uninterrupted.actor().network().parameters());
  CHECK(resumed.to_checkpoint_bytes() == uninterrupted.to_checkpoint_bytes());
}

}  // namespace

TEST_CASE("a run's checkpoint round-trips byte for byte, hyperparameters included", "[train][checkpoint]") {
  auto run = pendulum_run();
  const std::string bytes = run.to_checkpoint_bytes();
  auto back = PendulumRun::from_checkpoint_bytes(bytes, "ckpt");
  CHECK(back.to_checkpoint_bytes() == bytes);
  CHECK(back.config().label == "ppo-clip");
  CHECK(back.config().shared_trunk);
  CHECK(back.config().normalization->gamma == 0.9);
  CHECK(back.settings().n_steps == 64);
  CHECK(back.settings().learning_rate.start() == run.settings().learning_rate.start());
  CHECK(back.steps() == run.steps());
  CHECK(back.iterations() == 3);
  CHECK(back.generator() == run.generator());
  CHECK(back.actor().network().parameters() == run.actor().network().parameters());
  REQUIRE(back.normalizer() != nullptr);
  CHECK(back.normalizer()->observation_statistics().mean() == run.normalizer()->observation_statistics().mean());

  const auto path = std::filesystem::temp_directory_path() / "ac_test_checkpoint.ckpt";
  run.save(path);
  CHECK(ac::read_file(path) == bytes);
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  std::filesystem::remove(path);
}

TEST_CASE("stopped, saved, loaded and resumed is the uninterrupted run, bit for bit", "[train][checkpoint][determinism]") {
  const auto cartpole = small_run(3000);
  SECTION("PPO-clip") { check_resume<ac::PPO<Categorical>, CartPole>(ac::presets::ppo_cartpole(), cartpole); }
  SECTION("PPO-KL with its adaptive coefficient") {
    auto c = ac::presets::ppo_cartpole(ac::PPOConfig::kl_penalty());
    check_resume<ac::PPO<Categorical>, CartPole>(c, cartpole);
  }
  SECTION("A2C (RMSprop)") { check_resume<ac::A2C<Categorical>, CartPole>({}, cartpole); }
  SECTION("A2C (Adam, decoupled weight decay), n-step") {
    ac::ActorCriticSettings<ac::NStepEstimator> s;
    s.config.optimizer = ac::optim::AdamConfig::adamw();
    s.estimator.n = 3;
    check_resume<ac::NStepA2C<Categorical>, CartPole>(s, cartpole);
  }
  SECTION("PPO without the exact-KL diagnostic (PPOConfig::exact_kl, kept by the checkpoint)") {
    auto ppo = ac::presets::ppo_cartpole();
    ppo.exact_kl = false;
    check_resume<ac::PPO<Categorical>, CartPole>(ppo, cartpole);
    ac::Run<ac::PPO<Categorical>, CartPole> run(cartpole, ppo);
    CHECK_FALSE(decltype(run)::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt").settings().exact_kl);
  }
  SECTION("the value policy gradient") { check_resume<ac::ValuePolicyGradient<Categorical>, CartPole>({}, cartpole); }
  SECTION("REINFORCE") { check_resume<ac::Reinforce<Categorical>, CartPole>({}, small_run(4000)); }
  SECTION("RLOO") { check_resume<ac::RLOO<Categorical>, CartPole>({.group_size = 2}, small_run(8000)); }
  SECTION("GRPO, with a KL penalty to a reference renewed every second update, and without one") {
    for (const ac::ReferenceKl estimator : {ac::ReferenceKl::k3, ac::ReferenceKl::exact}) {
      const ac::GrpoConfig penalized{
          .group_size = 2, .epochs = 2, .kl_coef = 0.04, .kl_estimator = estimator, .reference_update_interval = 2};
      check_resume<ac::GRPO<Categorical>, CartPole>(penalized, small_run(8000));
    }
    check_resume<ac::GRPO<Categorical>, CartPole>({.group_size = 2, .epochs = 2}, small_run(8000));
  }
  SECTION("TRPO") {
    auto c = ac::presets::trpo_cartpole();
    c.n_steps = 64;
    check_resume<ac::TRPO<Categorical>, CartPole>(c, cartpole);
  }
  SECTION("the off-policy actor-critic with its replay") {
    check_resume<ac::OffPolicyActorCritic<Categorical>, CartPole>({}, cartpole);
  }
  SECTION("a state-dependent log sigma, with a shared trunk too, a squashed Gaussian and a Beta policy") {
    auto config = small_run(3000);
    config.actor.state_dependent_std = true;
    auto ppo = ac::presets::ppo_pendulum();
    ppo.n_steps = 64;
    ppo.batch_size = 128;
    check_resume<ac::PPO<Gaussian>, Pendulum>(ppo, config);
    check_resume<ac::PPO<ac::SquashedGaussianActor<float>>, Pendulum>(ppo, config);
    config.shared_trunk = true;
    check_resume<ac::PPO<Gaussian>, Pendulum>(ppo, config);
    check_resume<ac::PPO<ac::BetaActor<float>>, Pendulum>(ppo, config);
    config.shared_trunk = false;
    check_resume<ac::PPO<ac::BetaActor<float>>, Pendulum>(ppo, config);
    check_resume<ac::A2C<ac::BetaActor<float>>, Pendulum>({}, config);
  }
  SECTION("masked actions (GridMaze-v0): PPO, TRPO, and the off-policy replay with its masks") {
    auto ppo = ac::presets::ppo_grid_maze();
    ppo.n_steps = 64;
    check_resume<ac::PPO<Categorical>, ac::envs::GridMaze>(ppo, cartpole);
    auto trpo = ac::presets::trpo_cartpole();
    trpo.n_steps = 64;
    check_resume<ac::TRPO<Categorical>, ac::envs::GridMaze>(trpo, cartpole);
    check_resume<ac::OffPolicyActorCritic<Categorical>, ac::envs::GridMaze>({}, cartpole);
  }
  SECTION("recurrent policies and critics (the GRU states carried between rollouts are in the checkpoint)") {
    auto config = small_run(2400);
    config.actor.recurrent = 8;
    config.critic.recurrent = 6;
    auto ppo = ac::presets::ppo_cartpole();
    ppo.n_steps = 60;
    ppo.batch_size = 40;
    ppo.sequence_length = 20;
    check_resume<ac::PPO<Categorical>, ac::envs::CartPoleNoVel>(ppo, config);
    {  // Without the exact KL the rollout's sequences are never set; the training is still the exact-KL run's.
      auto without_kl = ppo;
      without_kl.exact_kl = false;
      ac::Run<ac::PPO<Categorical>, ac::envs::CartPoleNoVel> a(config, ppo), b(config, without_kl);
      a.train();
      b.train();
      CHECK(a.actor().network().parameters() == b.actor().network().parameters());
      check_resume<ac::PPO<Categorical>, ac::envs::CartPoleNoVel>(without_kl, config);
    }
    check_resume<ac::A2C<Categorical>, ac::envs::CartPoleNoVel>({}, config);
    config.critic.recurrent = 0;
    auto trpo = ac::presets::trpo_cartpole();
    trpo.n_steps = 64;
    check_resume<ac::TRPO<Categorical>, ac::envs::CartPoleNoVel>(trpo, config);
    check_resume<ac::Reinforce<Categorical>, ac::envs::CartPoleNoVel>({}, config);
    config.shared_trunk = true;
    check_resume<ac::PPO<Categorical>, ac::envs::CartPoleNoVel>(ppo, config);
    auto pendulum = ac::presets::ppo_pendulum();
    pendulum.n_steps = 64;
    pendulum.batch_size = 128;
    pendulum.sequence_length = 16;
    check_resume<ac::PPO<Gaussian>, ac::envs::PendulumNoVel>(pendulum, config);
  }
  SECTION("PPO, Gaussian, shared trunk, observation and reward normalization") {
    auto config = small_run(3000);
    config.shared_trunk = true;
    config.normalization = ac::VecNormalizeConfig{};
    auto ppo = ac::presets::ppo_pendulum();
    ppo.n_steps = 64;
    ppo.batch_size = 128;
    check_resume<ac::PPO<Gaussian>, Pendulum>(ppo, config);
  }
}

TEST_CASE("broken checkpoints are rejected with an error that says why", "[train][checkpoint][errors]") {
  const std::string good = pendulum_run().to_checkpoint_bytes();

  CHECK_THAT(load_error(""), Catch::Contains("empty"));
  CHECK_THAT(load_error("iteration,steps\n1,2\n"), Catch::Contains("not an actorcritic checkpoint"));
  CHECK_THAT(load_error(std::string(ac::kCheckpointMagic)), Catch::Contains("truncated"));
  for (const std::size_t length : {std::size_t{9}, std::size_t{24}, good.size() / 2, good.size() - 1}) {
    INFO("truncated to " << length);
    CHECK_THAT(load_error(good.substr(0, length)), Catch::Contains("truncated") || Catch::Contains("checksum"));
  }
  CHECK_THAT(load_error(good + "x"), Catch::Contains("checksum"));
  for (const std::size_t offset : {std::size_t{8}, std::size_t{40}, good.size() / 2, good.size() - 3}) {
    std::string corrupted = good;
    corrupted[offset] = static_cast<char>(corrupted[offset] ^ 0x10);
    INFO("flipped a bit at " << offset);
    CHECK_THAT(load_error(corrupted), Catch::Contains("checksum"));
  }

  // The version field: an old file is refused naming both versions.
  std::string old_version = good;
  const std::uint32_t one = 1;
  std::memcpy(old_version.data() + 8, &one, sizeof one);
  CHECK_THAT(load_error(reseal(old_version)), Catch::Contains("version 1 is not supported: this build reads version 2"));

  using DoubleRun = ac::Run<ac::PPO<ac::GaussianActor<double>>, Pendulum>;
  CHECK_THAT(load_error<DoubleRun>(good), Catch::Contains("4-byte scalars"));

  // Another algorithm or environment.
  using A2CRun = ac::Run<ac::A2C<Gaussian>, Pendulum>;
  CHECK_THAT(load_error<A2CRun>(good), Catch::Contains("trained by ppo, not a2c"));
  using CartPoleRun = ac::Run<ac::PPO<Categorical>, CartPole>;
  CHECK_THAT(load_error<CartPoleRun>(good), Catch::Contains("trained on Pendulum-v1, not CartPole-v1"));

  // Valid checksums around impossible contents: caught by the field checks, before any allocation.
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string bytes = good;
    const auto at = bytes.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(from.size() == to.size());
    bytes.replace(at, from.size(), to);
    return reseal(bytes);
  };
  CHECK_THAT(load_error(replaced("total_steps", "total_stops")), Catch::Contains("expected field config.total_steps"));
  std::string huge = good;
  const auto envs_at = huge.find("envs") + 4;  // config.envs's value follows its name
  const std::uint64_t many = std::uint64_t{1} << 40;
  std::memcpy(huge.data() + envs_at, &many, sizeof many);
  CHECK_THAT(load_error(reseal(huge)), Catch::Contains("config.envs is 1099511627776, expected 1..1048576"));
  std::string flag = good;
  const auto trunk_at = flag.find("shared_trunk") + 12;
  flag[trunk_at] = 7;
  CHECK_THAT(load_error(reseal(flag)), Catch::Contains("config.shared_trunk is 7, expected 0 or 1"));
  std::string rate = good;
  const auto gamma_at = rate.find("gamma") + 5;  // the first gamma: the normalizer's, in config.normalization
  const double two = 2.0;
  std::memcpy(rate.data() + gamma_at, &two, sizeof two);
  CHECK_THAT(load_error(reseal(rate)), Catch::Contains("config.normalization is invalid") && Catch::Contains("gamma"));
  CHECK_THAT(load_error(reseal(good.substr(0, good.size() - 20) + std::string(8, '\0'))), Catch::Contains("truncated"));
  // A critic's initialization gain the fuzzer found getting past the loader (then InvalidArgument, not IoError).
  std::string gain = good;
  const auto critic_at = gain.find("critic");
  const auto gain_at = gain.find("output_gain", critic_at) + 11;
  const double negative = -3.1e231;
  std::memcpy(gain.data() + gain_at, &negative, sizeof negative);
  CHECK_THAT(load_error(reseal(gain)), Catch::Contains("config.critic.output_gain") && Catch::Contains("finite value > 0"));
  // A critic wider than the file could hold (found by the fuzzer: the loader allocated 68 GB for it).
  auto ppo = ac::presets::ppo_pendulum();
  ppo.n_steps = 16;
  PendulumRun separate(small_run(4096), ppo);  // its own critic network, unlike pendulum_run()'s shared trunk
  std::string wide = separate.to_checkpoint_bytes();
  const auto widths_at = wide.find("hidden", wide.find("critic")) + 6 + sizeof(std::uint64_t);  // past name and count
  const std::int64_t width = std::int64_t{1} << 20;
  std::memcpy(wide.data() + widths_at, &width, sizeof width);
  CHECK_THAT(load_error(reseal(wide)), Catch::Contains("larger than the") && Catch::Contains("bytes the file holds"));
  CHECK_THAT(load_error<ac::InferencePolicy<Gaussian>>(reseal(wide)), Catch::Contains("no error"));  // it skips the critic
  std::string wide_actor = good;
  const auto actor_widths_at = wide_actor.find("hidden") + 6 + sizeof(std::uint64_t);  // config.actor.hidden
  std::memcpy(wide_actor.data() + actor_widths_at, &width, sizeof width);
  CHECK_THAT(load_error(reseal(wide_actor)), Catch::Contains("bytes the file holds"));
  CHECK_THAT(load_error<ac::InferencePolicy<Gaussian>>(reseal(wide_actor)), Catch::Contains("bytes the file holds"));
  std::string activation = good;
  const auto activation_at = activation.find("activation", critic_at) + 10;
  activation[activation_at] = 9;
  CHECK_THAT(load_error(reseal(activation)), Catch::Contains("config.critic.activation") && Catch::Contains("0 (tanh)"));
}

TEST_CASE("random corruption behind a valid checksum only ever raises IoError", "[train][checkpoint][errors]") {
  const std::string good = pendulum_run().to_checkpoint_bytes();
  ac::Generator rng(9);
  int rejected = 0, accepted = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = good;
    const int edits = 1 + static_cast<int>(rng.integer(4));
    for (int e = 0; e < edits; ++e) {
      const auto at = 16 + static_cast<std::size_t>(rng.integer(bytes.size() - 24));
      bytes[at] = static_cast<char>(rng.integer(256));
    }
    if (rng.integer(4) == 0) bytes.resize(24 + rng.integer(bytes.size() - 24));  // and sometimes truncate
    try {
      (void)PendulumRun::from_checkpoint_bytes(reseal(bytes), "ckpt");
      ++accepted;  // an edit inside parameter bytes is still a well-formed file
    } catch (const ac::IoError&) {
      ++rejected;
    }
  }
  INFO("rejected " << rejected << ", accepted " << accepted);
  CHECK(rejected > 500);
  CHECK(rejected + accepted == 2000);
}

TEST_CASE("a checkpoint for another environment's spaces is refused", "[train][checkpoint][errors]") {
  const auto pendulum = ac::describe_environment(Pendulum{});
  CHECK_NOTHROW(ac::check_checkpoint_environment(pendulum, pendulum, "ckpt"));
  CHECK_THROWS_WITH(ac::check_checkpoint_environment(pendulum, ac::describe_environment(CartPole{}), "ckpt"),
                    Catch::Contains("trained on Pendulum-v1, not CartPole-v1"));
  auto wider = pendulum;
  wider.action_high = {3.0f};
  CHECK_THROWS_WITH(ac::check_checkpoint_environment(pendulum, wider, "ckpt"), Catch::Contains("spaces"));
}

TEST_CASE("a run over an EnvVariant is the run over its alternative, checkpoint bytes included",
          "[train][checkpoint][variant]") {
  using Variant = ac::envs::EnvVariant<ac::envs::MountainCar, CartPole>;
  auto config = small_run(3000);
  config.normalization = ac::VecNormalizeConfig{};
  ac::Run<ac::PPO<Categorical>, CartPole> bare(config, ac::presets::ppo_cartpole());
  ac::Run<ac::PPO<Categorical>, Variant> variant(config, ac::presets::ppo_cartpole(), Variant(CartPole{}));
  bare.train([&](const ac::IterationInfo& info) { return info.steps < 1500; });
  variant.train([&](const ac::IterationInfo& info) { return info.steps < 1500; });
  REQUIRE(variant.steps() == bare.steps());
  CHECK(variant.actor().network().parameters() == bare.actor().network().parameters());
  const std::string bytes = variant.to_checkpoint_bytes();
  CHECK(bytes == bare.to_checkpoint_bytes());
  // Each resumes the other's checkpoint and ends where the other ends.
  auto bare_from_variant = decltype(bare)::from_checkpoint_bytes(bytes, "ckpt");
  auto variant_from_bare = decltype(variant)::from_checkpoint_bytes(bare.to_checkpoint_bytes(), "ckpt",
                                                                    Variant(CartPole{}));
  for (auto* run : {&bare, &bare_from_variant}) run->train();
  for (auto* run : {&variant, &variant_from_bare}) run->train();
  CHECK(bare_from_variant.to_checkpoint_bytes() == bare.to_checkpoint_bytes());
  CHECK(variant_from_bare.to_checkpoint_bytes() == bare.to_checkpoint_bytes());
  CHECK(variant.to_checkpoint_bytes() == bare.to_checkpoint_bytes());
  CHECK(variant.evaluate(3, 1).mean_return == bare.evaluate(3, 1).mean_return);
  // Another alternative's checkpoint is refused by its name.
  CHECK_THROWS_WITH(decltype(variant)::from_checkpoint_bytes(bytes, "ckpt", Variant(ac::envs::MountainCar{})),
                    Catch::Contains("trained on CartPole-v1, not MountainCar-v0"));
}

TEST_CASE("optimizer state round-trips so the next step is bit-identical", "[train][checkpoint][optim]") {
  ac::Generator rng(3);
  ac::Vector<float> params = ac::Vector<float>::Random(20), grads(20);
  ac::optim::Adam<float> adam(20, {.learning_rate = 0.01});
  ac::optim::Rmsprop<float> rms(20, {.learning_rate = 0.01, .momentum = 0.5, .centered = true});
  ac::Vector<float> p_rms = params;
  for (int i = 0; i < 5; ++i) {
    rng.fill_normal(grads);
    adam.step(params, grads);
    rms.step(p_rms, grads);
  }
  ac::optim::Adam<float> adam2(20, {.learning_rate = 0.01});
  ac::optim::Rmsprop<float> rms2(20, {.learning_rate = 0.01, .momentum = 0.5, .centered = true});
  ac::from_bytes(adam2, ac::to_bytes(adam), "state");
  ac::from_bytes(rms2, ac::to_bytes(rms), "state");
  CHECK(adam2.steps() == 5);
  rng.fill_normal(grads);
  ac::Vector<float> a = params, b = params, c = p_rms, d = p_rms;
  adam.step(a, grads);
  adam2.step(b, grads);
  rms.step(c, grads);
  rms2.step(d, grads);
  CHECK(a == b);
  CHECK(c == d);

  ac::optim::Adam<float> wrong_size(21);
  CHECK_THROWS_WITH(ac::from_bytes(wrong_size, ac::to_bytes(adam), "state"),
                    Catch::Contains("state: first_moment is 20 x 1, expected 21 x 1"));
  CHECK(wrong_size.steps() == 0);  // all or nothing
  // A record read as another: the first field's name differs.
  CHECK_THROWS_WITH(ac::from_bytes(adam2, ac::to_bytes(rms), "state"),
                    Catch::Contains("expected field first_moment, found \"square_average\""));
}

TEST_CASE("a restored generator and VectorEnv continue their sequences bit for bit", "[train][checkpoint][determinism]") {
  ac::Generator rng(11);
  ac::Vector<double> draws(5);
  rng.fill_normal(draws);  // an odd count leaves a spare normal cached
  ac::VectorEnv<Pendulum> env(3, 4);
  ac::Matrix<float> torque(1, 3);
  for (int t = 0; t < 250; ++t) {  // past the 200-step limit: autoresets and episode statistics
    torque.setConstant(static_cast<float>(rng.uniform(-2.0, 2.0)));
    env.step(torque);
  }
  ac::Generator rng2(0);
  ac::VectorEnv<Pendulum> env2(3, 99);
  ac::from_bytes(rng2, ac::to_bytes(rng), "state");
  ac::from_bytes(env2, ac::to_bytes(env), "state");
  CHECK(rng2 == rng);
  for (int t = 0; t < 300; ++t) {
    torque.setConstant(static_cast<float>(rng.uniform(-2.0, 2.0)));
    env.step(torque);
    torque.setConstant(static_cast<float>(rng2.uniform(-2.0, 2.0)));
    env2.step(torque);
    REQUIRE(env2.observations() == env.observations());
    REQUIRE(env2.rewards() == env.rewards());
  }
  CHECK(env2.total_steps() == env.total_steps());
  CHECK(env2.episodes().total() == env.episodes().total());
  CHECK(env2.episodes().mean_return() == env.episodes().mean_return());

  ac::VectorEnv<Pendulum> wrong(4, 0);
  CHECK_THROWS_WITH(ac::from_bytes(wrong, ac::to_bytes(env), "state"), Catch::Contains("count is 3, expected 4"));

  // Wrapped environments checkpoint too: the wrapper forwards to the inner env and adds its own state.
  using Wrapped = ac::envs::TimeLimit<ac::envs::EpisodeStatistics<CartPole>>;
  ac::VectorEnv<Wrapped> wrapped(2, 5, Wrapped(ac::envs::EpisodeStatistics<CartPole>(CartPole{}), 50));
  std::vector<std::int64_t> push(2, 1);
  for (int t = 0; t < 70; ++t) wrapped.step(push);
  ac::VectorEnv<Wrapped> wrapped2(2, 9, Wrapped(ac::envs::EpisodeStatistics<CartPole>(CartPole{}), 50));
  ac::from_bytes(wrapped2, ac::to_bytes(wrapped), "state");
  for (int t = 0; t < 70; ++t) {
    wrapped.step(push);
    wrapped2.step(push);
    REQUIRE(wrapped2.observations() == wrapped.observations());
  }
  CHECK(wrapped2.env(1).inner().episodes().total() == wrapped.env(1).inner().episodes().total());
}

TEST_CASE("planned_steps is the budget rounded up to whole iterations, as train() takes them", "[train][run]") {
  auto ppo = ac::presets::ppo_pendulum();
  ppo.n_steps = 64;
  ppo.batch_size = 64;
  ppo.epochs = 1;
  PendulumRun ppo_run(small_run(1000), ppo);  // 4 envs x 64 steps per iteration
  CHECK(ppo_run.steps_per_iteration() == 256);
  CHECK(ppo_run.planned_steps() == 1024);
  ppo_run.train();
  CHECK(ppo_run.steps() == 1024);
  CHECK(ppo_run.planned_steps() == 1024);

  auto config = small_run(600);
  config.envs = 2;
  ac::Run<ac::Reinforce<Categorical>, CartPole> reinforce(config, ac::ReinforceConfig{});  // 2 envs x 500 steps
  CHECK(reinforce.steps_per_iteration() == 1000);
  CHECK(reinforce.planned_steps() == 1000);
  reinforce.train();
  CHECK(reinforce.steps() == 1000);
}
