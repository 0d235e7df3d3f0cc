// ac::envs::DynamicEnv (envs/dynamic_env.hpp): a run-time environment behind a virtual instance
// interface steps exactly as the environment it wraps, in a VectorEnv and in a whole training run;
// copies are new instances; its TimeLimit truncates; bad observations, rewards and misuse are named;
// a run over it saves, and resuming it is refused, saying why.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <span>
#include <vector>

using ac::envs::CartPole;
using ac::envs::DiscreteDynamicEnv;

namespace {

/// CartPole behind the instance interface, counting the instances made; `fault` makes it misbehave.
struct CartPoleInstance : ac::envs::EnvInstance<std::int64_t> {
  enum class Fault { none, short_observation, nan_observation, nan_reward };
  explicit CartPoleInstance(Fault f = Fault::none) : fault(f) {}

  Eigen::VectorXf reset(std::optional<std::uint64_t> seed) override {
    const CartPole::Observation o = seed ? inner.reset(*seed) : inner.reset();
    return fault == Fault::short_observation ? Eigen::VectorXf(o.head(3)) : Eigen::VectorXf(o);
  }
  ac::envs::StepResult<Eigen::VectorXf> step(const std::int64_t& action) override {
    const auto r = inner.step(action);
    ac::envs::StepResult<Eigen::VectorXf> out{r.observation, r.reward, r.terminated, r.truncated};
    if (fault == Fault::nan_observation) out.observation(1) = std::numeric_limits<float>::quiet_NaN();
    if (fault == Fault::nan_reward) out.reward = std::numeric_limits<double>::infinity();
    return out;
  }

  CartPole inner;
  Fault fault;
};

std::shared_ptr<const DiscreteDynamicEnv::Spec> cartpole_spec(int* made = nullptr, long max_episode_steps = 0,
                                                              CartPoleInstance::Fault fault = {}) {
  return std::make_shared<const DiscreteDynamicEnv::Spec>(
      DiscreteDynamicEnv::Spec{.id = "DynamicCartPole",
                               .observation_space = CartPole{}.observation_space(),
                               .action_space = ac::envs::Discrete(2),
                               .max_episode_steps = max_episode_steps,
                               .make = [made, fault] {
                                 if (made != nullptr) ++*made;
                                 return std::make_unique<CartPoleInstance>(fault);
                               }});
}

}  // namespace

TEST_CASE("a DynamicEnv steps as the environment it wraps, and its copies are new instances", "[envs][dynamic]") {
  int made = 0;
  const DiscreteDynamicEnv prototype(cartpole_spec(&made));
  CHECK(made == 1);
  ac::envs::VectorEnv<DiscreteDynamicEnv> dynamic(4, 11, prototype);
  CHECK(made == 5);  // the prototype, and one instance per copy
  ac::envs::VectorEnv<CartPole> direct(4, 11);
  CHECK(dynamic.id() == "DynamicCartPole");
  ac::Generator rng(3);
  std::vector<std::int64_t> actions(4);
  long episodes = 0;
  for (int t = 0; t < 600; ++t) {
    REQUIRE(dynamic.observations() == direct.observations());
    for (auto& action : actions) action = static_cast<std::int64_t>(rng.uniform(0.0, 1.0) < 0.5);
    dynamic.step(std::span<const std::int64_t>(actions));
    direct.step(std::span<const std::int64_t>(actions));
    for (int i = 0; i < 4; ++i) {
      REQUIRE(dynamic.rewards()(i) == direct.rewards()(i));
      REQUIRE(dynamic.terminated()(i) == direct.terminated()(i));
      REQUIRE(dynamic.truncated()(i) == direct.truncated()(i));
      episodes += dynamic.ended(i) ? 1 : 0;
    }
    REQUIRE(dynamic.final_observations() == direct.final_observations());
  }
  CHECK(episodes > 20);  // autoreset exercised
}

TEST_CASE("a DynamicEnv's TimeLimit truncates, and bad observations, rewards and misuse are named", "[envs][dynamic]") {
  SECTION("the TimeLimit") {
    DiscreteDynamicEnv env(cartpole_spec(nullptr, 3));
    CHECK(env.max_episode_steps() == 3);
    env.reset(0);
    CHECK_FALSE(env.step(0).truncated);
    CHECK_FALSE(env.step(1).truncated);
    CHECK(env.step(0).truncated);
    CHECK_THROWS_WITH(env.step(0), Catch::Contains("DynamicCartPole: step() called after the episode ended"));
    env.set_max_episode_steps(0);  // the instance ends its episodes itself
    env.reset();
    for (int t = 0; t < 5; ++t) CHECK_FALSE(env.step(t % 2).truncated);
  }
  SECTION("misuse and a faulty instance") {
    DiscreteDynamicEnv env(cartpole_spec());
    CHECK_THROWS_WITH(env.step(0), Catch::Contains("DynamicCartPole: step() called before reset()"));
    env.reset(1);
    CHECK_THROWS_WITH(env.step(2),
                      Catch::Contains("DynamicCartPole: action 2 is outside the action space Discrete(2)"));
    CHECK_THROWS_WITH(env.state(), Catch::Contains("does not expose its state"));
    CHECK_THROWS_WITH(
        DiscreteDynamicEnv(cartpole_spec(nullptr, 0, CartPoleInstance::Fault::short_observation)).reset(0),
        Catch::Contains("DynamicCartPole: reset: observation: expected 4 values (the observation space's), got 3"));
    DiscreteDynamicEnv nan_observation(cartpole_spec(nullptr, 0, CartPoleInstance::Fault::nan_observation));
    nan_observation.reset(0);
    CHECK_THROWS_WITH(
        nan_observation.step(0),
        Catch::Contains("DynamicCartPole: step: observation: expected finite values, got [") && Catch::Contains("nan"));
    DiscreteDynamicEnv nan_reward(cartpole_spec(nullptr, 0, CartPoleInstance::Fault::nan_reward));
    nan_reward.reset(0);
    CHECK_THROWS_WITH(nan_reward.step(0), Catch::Contains("DynamicCartPole: step: reward: expected a finite number"));
    const DiscreteDynamicEnv none;
    CHECK(none.id() == "DynamicEnv (none)");
    CHECK_THROWS_WITH(none.observation_space(), Catch::Contains("construct it from a Spec"));
    CHECK_THROWS_WITH(DiscreteDynamicEnv(nullptr), Catch::Contains("spec: expected an environment's spec"));
  }
}

TEST_CASE("PPO over a DynamicEnv trains exactly as over the environment it wraps; resuming it is refused",
          "[envs][dynamic]") {
  ac::RunConfig config{
      .envs = 4, .seed = 5, .total_steps = 2048, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}};
  auto ppo = ac::PPOConfig::clip();
  ppo.n_steps = 64;
  ppo.batch_size = 64;
  ppo.epochs = 2;
  using Actor = ac::CategoricalActor<float>;
  ac::Run<ac::PPO<Actor>, DiscreteDynamicEnv> dynamic(config, ppo, DiscreteDynamicEnv(cartpole_spec()));
  ac::Run<ac::PPO<Actor>, CartPole> direct(config, ppo);
  dynamic.train();
  direct.train();
  CHECK(dynamic.actor().network().parameters() == direct.actor().network().parameters());
  CHECK(dynamic.critic()->network().parameters() == direct.critic()->network().parameters());
  // It saves (the policy loads for acting), and resuming is refused, saying why.
  const std::string bytes = dynamic.to_checkpoint_bytes();
  const auto policy = ac::InferencePolicy<Actor>::from_checkpoint_bytes(bytes, "dynamic.ckpt");
  CHECK(policy.environment().id == "DynamicCartPole");
  CHECK_THROWS_WITH((ac::Run<ac::PPO<Actor>, DiscreteDynamicEnv>::from_checkpoint_bytes(
                        bytes, "dynamic.ckpt", DiscreteDynamicEnv(cartpole_spec()))),
                    Catch::Contains("cannot be resumed"));
}
