// REINFORCE: the episode mask, and real learning on CartPole-v1 with recentred returns.
#include <actorcritic/actorcritic.hpp>
#include <actorcritic/algorithms/reinforce.hpp>
#include <catch2/catch.hpp>
#include <support/best_evaluation.hpp>
#include <support/learning.hpp>

using ac::envs::CartPole;

namespace {

}  // namespace

TEST_CASE("REINFORCE uses exactly the first complete episode of every env", "[algorithms][reinforce]") {
  // Hand-made rollout: env 0 ends at t = 1 (terminated), env 1 runs through.
  ac::RolloutBuffer<double> buffer(3, 2, 4);
  buffer.observations.setZero();
  buffer.actions.setZero();
  buffer.rewards.setOnes();
  buffer.terminated(0, 1) = buffer.ended(0, 1) = 1.0;
  ac::CategoricalActor<double> actor(4, 2, {}, 1);
  ac::Reinforce reinforce(actor, {.gamma = 0.5, .recenter = true});
  const auto d = reinforce.update(buffer);
  // Returns of the used steps: env 0: t0 1.5, t1 1; env 1: 1.75, 1.5, 1 → baseline = 6.75 / 5.
  CHECK(d.baseline == Approx(6.75 / 5));
  CHECK(d.batch_return == Approx((1.5 + 1.75) / 2));
}

TEST_CASE("REINFORCE with recentred returns solves CartPole-v1 on most seeds", "[algorithms][reinforce][learning]") {
  // Batches of 8 complete episodes, Adam lr 5e-3 (1e-2 proved unstable: one seed collapsed mid-run).
  // Reaching, as the suite's other reaching tests (support/best_evaluation.hpp): the best of the
  // evaluations every 100k steps and at the end. Judged at 1M alone, seed 3 of seeds 0-9 ended at 126
  // in the portable flavour (2026-12-05, after the row-by-row head products).
  ac::ReinforceConfig config;
  config.optimizer.learning_rate = 5e-3;
  ac::test::LearningTrials trials("REINFORCE (recentred), CartPole-v1, 1M steps: best evaluation >= 475");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<CartPole> env(8, seed);
    ac::Generator init(seed);
    ac::CategoricalActor<float> actor(4, 2, {}, init);
    ac::Reinforce reinforce(actor, config);
    ac::TrainingLoop<decltype(reinforce)> loop(seed + 1);
    ac::test::BestEvaluation<ac::CategoricalActor<float>, CartPole> evaluation(actor, 100'000, 1000 + seed);
    while (env.total_steps() < 1'000'000) {
      loop.iterate(reinforce, env);
      evaluation.at(env.total_steps());
    }
    const double best = evaluation.finish();
    ac::test::record_reaching(trials, seed, best, evaluation.final_return(), 475.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}
