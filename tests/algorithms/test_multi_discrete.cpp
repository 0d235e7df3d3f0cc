// MultiDiscrete and MultiBinary actions through the algorithms: PPO learns
// the copy tasks (several bandits at once) on most seeds; every on-policy
// algorithm and the off-policy one run on them; a run resumes bit for bit
// (shared trunk too); the inference policy loaded from the checkpoint acts as
// the run does. (The objective's and the Fisher product's finite-difference
// checks for these heads are in test_ppo.cpp and test_trpo.cpp.)
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/learning.hpp>

#include <filesystem>

using ac::Index;
using ac::envs::CopyBits;
using ac::envs::CopyDigits;
using MultiActor = ac::MultiCategoricalActor<float>;
using BitsActor = ac::BernoulliActor<float>;

namespace {

ac::PPOConfig copy_ppo() { return ac::presets::ppo_copy_task(); }

ac::RunConfig copy_run(std::uint64_t seed, long steps) {
  return {.envs = 8, .seed = seed, .total_steps = steps, .actor = {.hidden = {64}}, .critic = {.hidden = {64}}};
}

template <class Actor, class E>
double trained_return(std::uint64_t seed, long steps) {
  ac::Run<ac::PPO<Actor>, E> run(copy_run(seed, steps), copy_ppo());
  run.train();
  return run.evaluate(10, seed + 1000).mean_return;
}

}  // namespace

TEST_CASE("PPO learns several bandits at once: MultiDiscrete and MultiBinary copy tasks",
          "[algorithms][multi_discrete][learning]") {
  // Perfect is 16; uniformly random is 4 (digits) and 8 (bits).
  ac::test::LearningTrials digits("PPO, CopyDigits-v0 (MultiDiscrete), 30k steps: return >= 15");
  ac::test::LearningTrials bits("PPO, CopyBits-v0 (MultiBinary), 60k steps: return >= 15");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const double d = trained_return<MultiActor, CopyDigits>(seed, 30'000);
    digits.record(seed, d, d >= 15.0);
    const double b = trained_return<BitsActor, CopyBits>(seed, 60'000);
    bits.record(seed, b, b >= 15.0);
  }
  AC_CHECK_LEARNING_MAJORITY(digits);
  AC_CHECK_LEARNING_MAJORITY(bits);
}

TEST_CASE("every algorithm runs on MultiDiscrete and MultiBinary actions", "[algorithms][multi_discrete]") {
  const auto run_all = [&]<class Actor, class E>() {
    INFO(E::kId);
    const auto config = copy_run(3, 2048);
    ac::Run<ac::A2C<Actor>, E> a2c(config, {});
    a2c.train();
    ac::Run<ac::Reinforce<Actor>, E> reinforce(config, {});
    reinforce.train();
    auto trpo = ac::presets::trpo_cartpole();
    trpo.n_steps = 64;
    ac::Run<ac::TRPO<Actor>, E> trpo_run(config, trpo);
    trpo_run.train();
    ac::Run<ac::OffPolicyActorCritic<Actor>, E> off_policy(config, {});
    off_policy.train();
    ac::Run<ac::PPO<Actor>, E> ppo(config, ac::PPOConfig::clip_kl_entropy());
    ppo.train();
    for (const double r : {a2c.evaluate(2, 1).mean_return, reinforce.evaluate(2, 1).mean_return,
                           trpo_run.evaluate(2, 1).mean_return, off_policy.evaluate(2, 1).mean_return,
                           ppo.evaluate(2, 1).mean_return}) {
      CHECK(r >= 0.0);
      CHECK(r <= 16.0);
    }
  };
  run_all.template operator()<MultiActor, CopyDigits>();
  run_all.template operator()<BitsActor, CopyBits>();
}

TEST_CASE("MultiDiscrete and MultiBinary runs resume bit for bit and load as inference policies",
          "[algorithms][multi_discrete][checkpoint]") {
  const auto check = [&]<class Actor, class E>(bool shared_trunk) {
    INFO(E::kId << (shared_trunk ? ", shared trunk" : ""));
    auto config = copy_run(5, 3072);
    config.shared_trunk = shared_trunk;
    ac::Run<ac::PPO<Actor>, E> uninterrupted(config, copy_ppo());
    uninterrupted.train();
    ac::Run<ac::PPO<Actor>, E> stopped(config, copy_ppo());
    stopped.train([](const ac::IterationInfo& info) { return info.steps < 1500; });
    const auto path = std::filesystem::temp_directory_path() / "ac_test_multi_resume.ckpt";
    stopped.save(path);
    auto resumed = ac::Run<ac::PPO<Actor>, E>::load(path);
    resumed.train();
    CHECK(resumed.to_checkpoint_bytes() == uninterrupted.to_checkpoint_bytes());
    uninterrupted.save(path);
    auto policy = ac::InferencePolicy<Actor>::load(path);
    std::filesystem::remove(path);
    CHECK(policy.environment().action_kind() == (ac::envs::MultiDiscreteEnv<E> ? "multi_discrete" : "multi_binary"));
    E env;
    auto o = env.reset(11);
    for (int t = 0; t < 16; ++t) {
      const ac::envs::IndexVector a = policy.act(o);
      CHECK(a == uninterrupted.act(o));
      o = env.step(a).observation;
    }
    // Loading the other kind of policy is refused by name.
    uninterrupted.save(path);
    CHECK_THROWS_WITH(ac::InferencePolicy<ac::CategoricalActor<float>>::load(path),
                      Catch::Contains("this program loads a policy with discrete actions"));
    std::filesystem::remove(path);
  };
  check.template operator()<MultiActor, CopyDigits>(false);
  check.template operator()<MultiActor, CopyDigits>(true);
  check.template operator()<BitsActor, CopyBits>(false);
}
