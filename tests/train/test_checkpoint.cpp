// Checkpoints: the format round-trips byte for byte; every way a file can be
// wrong (empty, truncated, corrupted, foreign, other version, other scalar,
// hostile sizes behind a valid checksum, other environment) is an IoError that
// says which; and the learner state it carries makes a resumed PPO/A2C update
// bit-identical to the uninterrupted one.
#include <actorcritic/algorithms/a2c.hpp>
#include <actorcritic/algorithms/ppo.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/policies/categorical_actor.hpp>
#include <actorcritic/policies/gaussian_actor.hpp>
#include <actorcritic/train/checkpoint.hpp>
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

using ac::Index;

namespace {

ac::Checkpoint<float> sample_checkpoint() {
  ac::GaussianActor<float> actor(3, 1, {.hidden = {8, 8}}, 1);
  ac::Critic<float> critic(3, {.hidden = {8}}, 2);
  ac::Checkpoint<float> c;
  c.algorithm = "ppo-clip";
  c.environment = {"Pendulum-v1", 3, false, 1, {-2.0f}, {2.0f}};
  c.seed = 42;
  c.steps = 123'456;
  c.actor = {actor.network().config(), actor.network().parameters()};
  c.critic = ac::NetworkRecord<float>{critic.network().config(), critic.network().parameters()};
  c.normalizer = std::string("\x01\x02normalizer", 12);
  c.learner = "learner state bytes";
  c.training = std::string("\x00training", 9);
  return c;
}

/// Re-seals `bytes` (everything but the old checksum) with a correct checksum,
/// so the parser's field checks are reached.
std::string reseal(std::string bytes) {
  bytes.resize(bytes.size() - sizeof(std::uint64_t));
  const std::uint64_t checksum = ac::fnv1a64(bytes);
  bytes.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  return bytes;
}

template <class T>
void overwrite(std::string& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

std::string parse_error(const std::string& bytes) {
  try {
    ac::checkpoint_from_bytes<float>(bytes, "ckpt");
  } catch (const ac::IoError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a checkpoint round-trips byte for byte", "[train][checkpoint]") {
  const auto c = sample_checkpoint();
  const std::string bytes = ac::checkpoint_to_bytes(c);
  const auto back = ac::checkpoint_from_bytes<float>(bytes, "ckpt");
  CHECK(back.algorithm == c.algorithm);
  CHECK(back.environment == c.environment);
  CHECK(back.seed == 42);
  CHECK(back.steps == 123'456);
  CHECK(back.actor.config.hidden == c.actor.config.hidden);
  CHECK(back.actor.config.trailing_parameters == 1);
  CHECK(back.actor.parameters == c.actor.parameters);
  REQUIRE(back.critic.has_value());
  CHECK(back.critic->parameters == c.critic->parameters);
  CHECK(back.normalizer == c.normalizer);
  CHECK(back.learner == c.learner);
  CHECK(back.training == c.training);
  CHECK(ac::checkpoint_to_bytes(back) == bytes);

  const auto path = std::filesystem::temp_directory_path() / "ac_test_checkpoint.ckpt";
  ac::save_checkpoint(path, c);
  CHECK(ac::read_file(path) == bytes);
  CHECK(ac::load_checkpoint<float>(path).actor.parameters == c.actor.parameters);
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  std::filesystem::remove(path);
}

TEST_CASE("broken checkpoints are rejected with an error that says why", "[train][checkpoint][errors]") {
  const std::string good = ac::checkpoint_to_bytes(sample_checkpoint());

  CHECK_THAT(parse_error(""), Catch::Contains("empty"));
  CHECK_THAT(parse_error("iteration,steps\n1,2\n"), Catch::Contains("not an actorcritic checkpoint"));
  CHECK_THAT(parse_error(std::string(ac::kCheckpointMagic)), Catch::Contains("truncated"));
  for (const std::size_t length : {std::size_t{9}, std::size_t{24}, good.size() / 2, good.size() - 1}) {
    INFO("truncated to " << length);
    CHECK_THAT(parse_error(good.substr(0, length)), Catch::Contains("truncated"));
  }
  CHECK_THAT(parse_error(good + "x"), Catch::Contains("checksum"));
  for (const std::size_t offset : {std::size_t{8}, std::size_t{40}, good.size() / 2, good.size() - 3}) {
    std::string corrupted = good;
    corrupted[offset] = static_cast<char>(corrupted[offset] ^ 0x10);
    INFO("flipped a bit at " << offset);
    CHECK_THAT(parse_error(corrupted), Catch::Contains("checksum"));
  }

  std::string other_version = good;
  overwrite<std::uint32_t>(other_version, 8, 99);
  CHECK_THAT(parse_error(reseal(other_version)), Catch::Contains("version 99"));

  CHECK_THROWS_WITH(ac::checkpoint_from_bytes<double>(good, "ckpt"), Catch::Contains("4-byte scalars"));

  // Valid checksums around impossible contents: caught by the field checks, before any allocation.
  const std::size_t obs_dim_offset = 8 + 4 + 4 + (8 + 8) + (8 + 11);  // after magic, version, scalar, algo, env id
  std::string huge = good;
  overwrite<std::uint64_t>(huge, obs_dim_offset, std::uint64_t{1} << 40);
  CHECK_THAT(parse_error(reseal(huge)), Catch::Contains("observation dim"));
  std::string flag = good;
  overwrite<std::uint8_t>(flag, obs_dim_offset + 8, 7);
  CHECK_THAT(parse_error(reseal(flag)), Catch::Contains("discrete-actions flag"));
}

TEST_CASE("random corruption behind a valid checksum only ever raises IoError", "[train][checkpoint][errors]") {
  const std::string good = ac::checkpoint_to_bytes(sample_checkpoint());
  ac::Generator rng(9);
  int rejected = 0, accepted = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bytes = good;
    const int edits = 1 + static_cast<int>(rng.integer(4));
    for (int e = 0; e < edits; ++e) {
      const auto at = static_cast<std::size_t>(rng.integer(bytes.size() - 8));
      bytes[at] = static_cast<char>(rng.integer(256));
    }
    if (rng.integer(4) == 0) bytes.resize(8 + rng.integer(bytes.size() - 8));  // and sometimes truncate
    try {
      ac::checkpoint_from_bytes<float>(reseal(bytes.size() >= 24 ? bytes : good), "ckpt");
      ++accepted;  // an edit inside parameter or opaque bytes is still a well-formed file
    } catch (const ac::IoError&) {
      ++rejected;
    }
  }
  INFO("rejected " << rejected << ", accepted " << accepted);
  CHECK(rejected > 1000);
  CHECK(rejected + accepted == 3000);
}

TEST_CASE("a checkpoint for another environment is refused", "[train][checkpoint][errors]") {
  const auto c = sample_checkpoint();
  CHECK_NOTHROW(ac::check_checkpoint_environment(c.environment, c.environment, "ckpt"));
  auto cartpole = ac::CheckpointEnvironment{"CartPole-v1", 4, true, 2, {}, {}};
  CHECK_THROWS_WITH(ac::check_checkpoint_environment(c.environment, cartpole, "ckpt"),
                    Catch::Contains("trained on Pendulum-v1, not CartPole-v1"));
  auto wider = c.environment;
  wider.action_high = {3.0f};
  CHECK_THROWS_WITH(ac::check_checkpoint_environment(c.environment, wider, "ckpt"), Catch::Contains("spaces"));
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
  ac::ByteWriter out;
  adam.save(out);
  rms.save(out);
  ac::optim::Adam<float> adam2(20, {.learning_rate = 0.5});
  ac::optim::Rmsprop<float> rms2(20, {.learning_rate = 0.5, .momentum = 0.5, .centered = true});
  ac::ByteReader in(out.bytes(), "state");
  adam2.load(in);
  rms2.load(in);
  CHECK(in.remaining() == 0);
  rng.fill_normal(grads);
  ac::Vector<float> a = params, b = params, c = p_rms, d = p_rms;
  adam.step(a, grads);
  adam2.step(b, grads);
  rms.step(c, grads);
  rms2.step(d, grads);
  CHECK(a == b);
  CHECK(c == d);

  ac::optim::Adam<float> wrong_size(21);
  ac::ByteReader again(out.bytes(), "state");
  CHECK_THROWS_WITH(wrong_size.load(again), Catch::Contains("holds 20 values, expected 21"));
}

namespace {

/// One training run's state: networks, environments, sampling generator.
struct Run {
  ac::CategoricalActor<float> actor;
  ac::Critic<float> critic;
  ac::VectorEnv<ac::envs::CartPole> env;
  ac::Generator rng;
};

/// Trains 3 PPO (or A2C) iterations, saves the learner state, and continues
/// from copies of that run twice: with the restored state and with a fresh one.
template <class Make>
void check_resume(Make make, bool restore_matters) {
  ac::Generator init(5);
  Run original{ac::CategoricalActor<float>(4, 2, {.hidden = {16}}, init), ac::Critic<float>(4, {.hidden = {16}}, init),
               ac::VectorEnv<ac::envs::CartPole>(4, 5), ac::Generator(6)};
  auto algo = make(original.actor, original.critic);
  for (int i = 0; i < 3; ++i) algo.iterate(original.env, original.rng);
  ac::ByteWriter state;
  algo.save_state(state);

  // The interrupted run's copies: same networks, envs and generator, new algorithm objects.
  Run resumed_run = original, fresh_run = original;
  auto resumed = make(resumed_run.actor, resumed_run.critic);
  ac::ByteReader in(state.bytes(), "state");
  resumed.load_state(in);
  auto fresh = make(fresh_run.actor, fresh_run.critic);

  for (int i = 0; i < 2; ++i) {
    algo.iterate(original.env, original.rng);
    resumed.iterate(resumed_run.env, resumed_run.rng);
    fresh.iterate(fresh_run.env, fresh_run.rng);
  }
  CHECK(resumed_run.actor.network().parameters() == original.actor.network().parameters());
  CHECK(resumed_run.critic.network().parameters() == original.critic.network().parameters());
  if (restore_matters) CHECK(fresh_run.actor.network().parameters() != original.actor.network().parameters());
}

}  // namespace

TEST_CASE("a restored learner state continues training bit for bit", "[train][checkpoint][determinism]") {
  SECTION("PPO with the adaptive KL coefficient") {
    auto config = ac::PPOConfig::clip_kl();
    config.n_steps = 32;
    config.epochs = 2;
    check_resume([&](auto& a, auto& c) { return ac::PPO(a, c, config); }, true);
  }
  SECTION("A2C with RMSprop") {
    check_resume([](auto& a, auto& c) { return ac::A2C(a, c); }, true);
  }
}

TEST_CASE("a restored generator and VectorEnv continue their sequences bit for bit", "[train][checkpoint][determinism]") {
  ac::Generator rng(11);
  ac::Vector<double> draws(5);
  rng.fill_normal(draws);  // an odd count leaves a spare normal cached
  ac::VectorEnv<ac::envs::Pendulum> env(3, 4);
  ac::Matrix<float> torque(1, 3);
  for (int t = 0; t < 250; ++t) {  // past the 200-step limit: autoresets and episode statistics
    torque.setConstant(static_cast<float>(rng.uniform(-2.0, 2.0)));
    env.step(torque);
  }
  ac::ByteWriter out;
  rng.save(out);
  env.save(out);

  ac::Generator rng2(0);
  ac::VectorEnv<ac::envs::Pendulum> env2(3, 99);
  ac::ByteReader in(out.bytes(), "state");
  rng2.load(in);
  env2.load(in);
  CHECK(in.remaining() == 0);
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

  ac::VectorEnv<ac::envs::Pendulum> wrong(4, 0);
  ac::ByteReader again(out.bytes(), "state");
  ac::Generator skip;
  skip.load(again);
  CHECK_THROWS_WITH(wrong.load(again), Catch::Contains("3 environments, this one 4"));
}
