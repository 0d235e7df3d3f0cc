// Off-policy actor-critic from replayed older rollouts, and the lecture's
// warning: importance-weight products spread out as θ drifts from β.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/learning.hpp>

#include <cmath>

using ac::envs::CartPole;

namespace {

// Collect with the current policy, keep the last 8 rollouts, and learn only
// from the oldest one (behavior policy 7 updates behind).
double train_from_replay(std::uint64_t seed, ac::ImportanceCorrection correction, long steps) {
  ac::VectorEnv<CartPole> env(8, seed);
  ac::Generator init(seed);
  ac::CategoricalActor<float> actor(4, 2, {}, init);
  ac::Critic<float> critic(4, {}, init);
  ac::OffPolicyConfig config;
  config.correction = correction;
  ac::OffPolicyActorCritic algo(actor, critic, config);
  // The library's own loop: each update stores the fresh rollout and learns from the oldest of 8.
  ac::train(algo, env, steps, seed + 7, [](const ac::IterationInfo&) {});
  REQUIRE(algo.replay().has_value());
  CHECK(algo.replay()->size() == config.replay_capacity);
  return ac::evaluate(actor, CartPole{}, 20, 1000 + seed).mean_return;
}

}  // namespace

TEST_CASE("replay buffer keeps the most recent rollouts", "[algorithms][replay]") {
  ac::ReplayBuffer<double> replay(3, 2, 1, 1);
  ac::RolloutBuffer<double> r(2, 1, 1);
  for (int k = 0; k < 5; ++k) {
    r.rewards.setConstant(k);
    replay.push(r);
  }
  CHECK(replay.size() == 3);
  CHECK(replay.recent(0).rewards(0, 0) == 4.0);
  CHECK(replay.recent(2).rewards(0, 0) == 2.0);
  ac::RolloutBuffer<double> wrong(3, 1, 1);
  CHECK_THROWS_WITH(replay.push(wrong), Catch::Contains("expected 2 steps x 1 envs"));
  ac::ReplayBuffer<double> empty(1, 2, 1, 1);
  ac::Generator rng(0);
  CHECK_THROWS_AS(empty.sample(rng), ac::UsageError);
}

TEST_CASE("V-trace off-policy actor-critic learns CartPole-v1 from replayed older rollouts on most seeds",
          "[algorithms][off_policy][learning]") {
  // RMSprop on 7-update-old data is not stable on every seed: over seeds 0-9,
  // nine reach 500 and one climbs and then partly collapses (V-trace seed 3:
  // 220). The per-seed criterion is "learned" — at least 150, seven times an
  // untrained policy's ~22 — not "solved"; the report counts the solved seeds.
  ac::test::LearningTrials trials("off-policy V-trace, CartPole-v1, 400k steps: evaluation >= 150");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const double evaluation = train_from_replay(seed, ac::ImportanceCorrection::vtrace, 400'000);
    trials.record(seed, evaluation, evaluation >= 150.0, evaluation >= 475.0 ? "solved" : "");
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

TEST_CASE("truncated per-decision importance weights learn CartPole-v1 from replay on most seeds",
          "[algorithms][off_policy][learning]") {
  // As above: over seeds 0-9, nine reach 500 and seed 2 ends at 179.
  ac::test::LearningTrials trials("off-policy truncated per-decision, CartPole-v1, 300k steps: evaluation >= 150");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const double evaluation = train_from_replay(seed, ac::ImportanceCorrection::truncated_per_decision, 300'000);
    trials.record(seed, evaluation, evaluation >= 150.0, evaluation >= 475.0 ? "solved" : "");
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

TEST_CASE("the spread of log importance weights grows as the policy drifts from the behavior policy",
          "[algorithms][off_policy]") {
  ac::VectorEnv<CartPole> env(8, 3);
  ac::Generator init(3), rng(4);
  ac::CategoricalActor<float> actor(4, 2, {}, init);
  ac::Critic<float> critic(4, {}, init);
  ac::A2C a2c(actor, critic);
  ac::RolloutBuffer<float> behavior(64, 8, 4), fresh(5, 8, 4);
  ac::collect_rollout(env, actor, critic, rng, behavior);  // β = the initial policy
  ac::Matrix<float> log_ratios(8, 64), log_products(8, 64);
  auto spread = [&] {
    ac::MatrixMap<float> row(log_ratios.data(), 1, behavior.size());
    actor.distribution(behavior.observations).log_prob(behavior.actions, row);
    log_ratios -= behavior.log_probs;
    ac::kernels::cumulative_log_ratios(log_ratios, behavior.ended, log_products);
    return std::sqrt((log_products.array() - log_products.mean()).square().mean());
  };
  std::vector<double> spreads{spread()};
  for (int checkpoint = 0; checkpoint < 4; ++checkpoint) {
    for (int k = 0; k < 200; ++k) {  // θ moves on with on-policy A2C updates
      ac::collect_rollout(env, actor, critic, rng, fresh);
      a2c.update(fresh);
    }
    spreads.push_back(spread());
  }
  INFO("log-weight std at 0, 200, 400, 600, 800 updates: " << spreads[0] << " " << spreads[1] << " " << spreads[2]
                                                            << " " << spreads[3] << " " << spreads[4]);
  CHECK(spreads[0] == 0.0);  // θ = β: every ratio is exactly 1
  CHECK(spreads[4] > spreads[1]);
  CHECK(spreads[4] > 1.0);   // products of e^{±1} and beyond: weights vanish or explode
}
