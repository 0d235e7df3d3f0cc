// A2C: the collector's bootstrap values, determinism, and real learning on
// CartPole-v1 (short budgets, several seeds, no timing assertions).
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/learning.hpp>

#include "../../examples/walk_to_goal.hpp"  // the user's environment of docs/envs.md

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

using ac::envs::CartPole;

namespace {

struct Run {
  ac::CategoricalActor<float> actor;
  ac::Critic<float> critic;
  double final_mean_return = 0.0;
};

Run train_a2c(std::uint64_t seed, long steps, ac::A2CConfig config = {}) {
  ac::VectorEnv<CartPole> env(8, seed);
  ac::Generator init(seed);
  Run run{ac::CategoricalActor<float>(4, 2, {}, init), ac::Critic<float>(4, {}, init)};
  ac::A2C a2c(run.actor, run.critic, config);
  ac::train(a2c, env, steps, seed,
                      [&](const ac::IterationInfo& info) { run.final_mean_return = info.mean_return; });
  return run;
}

/// A2C at its defaults on 8 CartPoles, seed 0: for the tests of the loop around it.
struct CartPoleA2C {
  ac::VectorEnv<CartPole> env = ac::VectorEnv<CartPole>(8, 0);
  ac::Generator init = ac::Generator(0);
  ac::CategoricalActor<float> actor = ac::CategoricalActor<float>(4, 2, {}, init);
  ac::Critic<float> critic = ac::Critic<float>(4, {}, init);
  ac::A2C<ac::CategoricalActor<float>> a2c = ac::A2C<ac::CategoricalActor<float>>(actor, critic);
};

}  // namespace

TEST_CASE("collect_rollout fills next_values by the bootstrap rules", "[algorithms][rollout]") {
  CartPole short_episodes;
  short_episodes.set_max_episode_steps(3);  // truncations every third step
  ac::VectorEnv<CartPole> env(4, 11, short_episodes);
  ac::CategoricalActor<double> actor(4, 2, {}, 1);
  ac::Critic<double> critic(4, {}, 2);
  ac::Generator rng(3);
  ac::RolloutBuffer<double> buffer(7, 4, 4);
  // Remember each step's final observations to recompute V(final) independently.
  ac::collect_rollout(env, actor, critic, rng, buffer);
  int truncated = 0, inside = 0;
  for (ac::Index t = 0; t < 7; ++t) {
    for (ac::Index i = 0; i < 4; ++i) {
      const double next = buffer.next_values(i, t);
      if (buffer.terminated(i, t) == 1.0) {
        CHECK(next == 0.0);
      } else if (buffer.ended(i, t) == 1.0) {
        ++truncated;
        CHECK(buffer.truncated(i, t) == 1.0);
        CHECK(next != buffer.values(i, std::min<ac::Index>(t + 1, 6)));  // not the next episode's first value
      } else if (t + 1 < 7) {
        ++inside;
        CHECK(next == buffer.values(i, t + 1));
      }
    }
  }
  CHECK(truncated >= 4);
  CHECK(inside > 0);
  // At the end of the rollout: V of the current observations for envs still running.
  const ac::Matrix<double> last = critic.values(env.observations().cast<double>());
  for (ac::Index i = 0; i < 4; ++i) {
    if (buffer.ended(i, 6) == 0.0) CHECK(buffer.next_values(i, 6) == Approx(last(0, i)).epsilon(1e-12));
  }
  // Truncated steps bootstrap from V(final observation): recompute it from a replayed env.
  CartPole replay = short_episodes;
  replay.reset(11);  // env 0 was seeded 11
  for (ac::Index t = 0; t < 7; ++t) {
    const auto r = replay.step(buffer.actions(t * 4 + 0));
    if (r.truncated && !r.terminated) {
      ac::Matrix<double> o = r.observation.cast<double>();
      CHECK(buffer.next_values(0, t) == Approx(critic.values(o)(0, 0)).epsilon(1e-12));
    }
    if (r.terminated || r.truncated) replay.reset();
  }
}

TEST_CASE("periodic evaluation runs on its own environment at the requested interval", "[algorithms][train]") {
  CartPoleA2C run;
  ac::PeriodicEvaluation evaluation(run.actor, CartPole{}, 10'000, 3, 99);
  ac::train(run.a2c, run.env, 50'000, 0, [&](const ac::IterationInfo& info) { evaluation(info); });
  // One update = 40 steps: evaluations at 40, 10'000, 20'000, 30'000, 40'000 and 50'000 steps.
  REQUIRE(evaluation.history().size() == 6);
  CHECK(evaluation.history().back().steps == 50'000);
  CHECK(evaluation.history()[0].steps == 40);
  CHECK(evaluation.history()[1].steps == 10'000);
  for (const auto& point : evaluation.history()) CHECK(point.result.episodes == 3);
  CHECK(run.env.total_steps() == 50'000);  // evaluation did not step the training envs
}

TEST_CASE("the loop's time splits into collecting, updating and the callbacks", "[algorithms][train]") {
  CartPoleA2C run;
  ac::TrainingLoop<decltype(run.a2c)> loop(0);
  // The callback sleeps; its time must show in `seconds` and in neither phase.
  const auto nap = std::chrono::milliseconds(2);
  std::vector<ac::IterationInfo> infos;
  loop.run(run.a2c, run.env, 400, [&](const ac::IterationInfo& info) {
    infos.push_back(info);
    std::this_thread::sleep_for(nap);
  });
  REQUIRE(infos.size() == 10);  // 40 steps per iteration
  const double nap_seconds = std::chrono::duration<double>(nap).count();
  // Bookkeeping, not speed: each phase's timer ran (a positive span of the nanosecond steady clock),
  // the spans add up within the wall time with the callbacks' naps left out, and the rate is this
  // call's steps over its seconds. No assertion bounds how long anything takes.
  for (std::size_t k = 0; k < infos.size(); ++k) {
    INFO("iteration " << k + 1);
    const auto& info = infos[k];
    CHECK(info.start_steps == 0);
    CHECK(info.steps_per_second() == double(info.steps) / info.seconds);
    CHECK(info.collect_seconds > 0.0);
    CHECK(info.update_seconds > 0.0);
    CHECK(info.seconds >= info.collect_seconds + info.update_seconds + double(k) * nap_seconds);
    if (k > 0) {
      CHECK(info.collect_seconds > infos[k - 1].collect_seconds);
      CHECK(info.update_seconds > infos[k - 1].update_seconds);
    }
  }
  CHECK(loop.collect_seconds() == infos.back().collect_seconds);
  CHECK(loop.update_seconds() == infos.back().update_seconds);
  // A second run() reports its own time; the loop's totals go on.
  infos.clear();
  loop.run(run.a2c, run.env, 480, [&](const ac::IterationInfo& info) { infos.push_back(info); });
  REQUIRE(infos.size() == 2);
  CHECK(infos.back().collect_seconds < loop.collect_seconds());
  CHECK(infos.back().update_seconds < loop.update_seconds());
  // Its rate counts its own steps only (a resumed run's progress bar and TensorBoard fps).
  CHECK(infos.back().start_steps == 400);
  CHECK(infos.back().steps_per_second() == 80.0 / infos.back().seconds);
}

TEST_CASE("the progress bar's rate and ETA count this call's steps only", "[algorithms][train]") {
  std::FILE* stream = std::tmpfile();
  REQUIRE(stream != nullptr);
  ac::ProgressBar progress(2000, stream);  // a file: one plain line per tenth of the budget
  ac::IterationInfo info;
  info.start_steps = 1000;  // resumed at half the budget
  info.steps = 1768;
  info.seconds = 2.0;
  info.mean_return = 17.0;
  progress(info);
  std::rewind(stream);
  char line[256] = {};
  REQUIRE(std::fgets(line, sizeof line, stream) != nullptr);
  std::fclose(stream);
  CHECK_THAT(line, Catch::Contains("1768 steps") && Catch::Contains(" 384 steps/s") && Catch::Contains("17.0"));
}

TEST_CASE("A2C training is deterministic: same seed, identical parameters", "[algorithms][a2c]") {
  const Run a = train_a2c(5, 4000), b = train_a2c(5, 4000), c = train_a2c(6, 4000);
  CHECK(a.actor.network().parameters() == b.actor.network().parameters());
  CHECK(a.critic.network().parameters() == b.critic.network().parameters());
  CHECK(a.actor.network().parameters() != c.actor.network().parameters());
}

TEST_CASE("A2C with SB3's defaults solves CartPole-v1 on most seeds", "[algorithms][a2c][learning]") {
  // 200k steps per seed (SB3 first reached 475 at 124k-168k steps on this configuration).
  ac::test::LearningTrials trials("A2C, CartPole-v1, 200k steps: evaluation >= 475");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    Run run = train_a2c(seed, 200'000);
    const double evaluation = ac::evaluate(run.actor, CartPole{}, 20, 1000 + seed).mean_return;
    trials.record(seed, evaluation, evaluation >= 475.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

TEST_CASE("the learning test discriminates: untrained and starved learners fail it", "[algorithms][a2c][learning]") {
  ac::CategoricalActor<float> untrained(4, 2, {}, 0);
  CHECK(ac::evaluate(untrained, CartPole{}, 20, 7).mean_return < 100.0);
  const ac::A2CConfig starved{.optimizer = ac::optim::RmspropConfig{.learning_rate = 1e-7}};  // no learning
  Run run = train_a2c(0, 200'000, starved);
  CHECK(ac::evaluate(run.actor, CartPole{}, 20, 1000).mean_return < 475.0);
}

TEST_CASE("A2C rejects invalid configuration naming the field", "[algorithms][a2c]") {
  ac::CategoricalActor<float> actor(4, 2);
  ac::Critic<float> critic(4);
  CHECK_THROWS_WITH(ac::A2C(actor, critic, {.gamma = 1.5}), Catch::Contains("A2CConfig.gamma"));
  CHECK_THROWS_WITH(ac::A2C(actor, critic, {.n_steps = 0}), Catch::Contains("A2CConfig.n_steps"));
  CHECK_THROWS_WITH(ac::A2C(actor, critic, {.optimizer = ac::optim::RmspropConfig{.learning_rate = -1}}),
                    Catch::Contains("RmspropConfig.learning_rate"));
  CHECK_THROWS_WITH(ac::A2C(actor, critic, {.optimizer = ac::optim::AdamConfig{.beta1 = 1.0}}),
                    Catch::Contains("AdamConfig.beta1"));
}

TEST_CASE("V(s0)·∇log π(a0|s0) has zero expectation; Q̂(s0, a0)·∇log π does not", "[algorithms][vpg]") {
  // Exact enumeration over the actions of one state: E_a[c ∇_z log π(a)] = c Σ_a p_a (e_a − p) = 0
  // for any c that does not depend on a — which is why the value policy gradient
  // uses the critic's estimate of the return of the action taken.
  ac::Matrix<double> logits(4, 1);
  logits << 0.3, -1.2, 0.8, 0.1;
  ac::Categorical<double> pi(logits);
  const double v_s0 = 7.5;
  const double q[4] = {1.0, -2.0, 3.0, 0.5};
  Eigen::Vector4d with_value = Eigen::Vector4d::Zero(), with_q = Eigen::Vector4d::Zero();
  ac::Matrix<double> grad(4, 1), weight(1, 1);
  for (std::int64_t a = 0; a < 4; ++a) {
    ac::ActionIndices action(1);
    action << a;
    const double p = pi.probs()(a, 0);
    weight(0, 0) = p * v_s0;
    pi.log_prob_gradient(action, weight, grad);
    with_value += grad.col(0);
    weight(0, 0) = p * q[a];
    pi.log_prob_gradient(action, weight, grad);
    with_q += grad.col(0);
  }
  CHECK(with_value.norm() < 1e-14);
  CHECK(with_q.norm() > 0.1);
}

TEST_CASE("the estimators fill weights and targets as defined", "[algorithms][estimators]") {
  ac::RolloutBuffer<double> b(4, 2, 1);
  ac::Generator rng(9);
  for (ac::Matrix<double>* m : {&b.rewards, &b.values, &b.next_values}) rng.fill_normal(*m);
  b.terminated(1, 2) = b.ended(1, 2) = 1.0;
  b.ended(0, 1) = 1.0;
  ac::Matrix<double> w(2, 4), target(2, 4), expected(2, 4);
  ac::TdTargetEstimator{}.estimate(b, 0.9, w, target);
  for (ac::Index t = 0; t < 4; ++t) {
    for (ac::Index i = 0; i < 2; ++i) {
      const double q = b.rewards(i, t) + 0.9 * (1 - b.terminated(i, t)) * b.next_values(i, t);
      CHECK(target(i, t) == Approx(q));
      CHECK(w(i, t) == Approx(q));  // no baseline
    }
  }
  ac::NStepEstimator{.n = 2}.estimate(b, 0.9, w, target);
  ac::kernels::n_step_returns(b.rewards, b.next_values, b.terminated, b.ended, 0.9, 2, expected);
  CHECK(target == expected);
  CHECK(w == expected - b.values);
  ac::GaeEstimator{.lambda = 0.8}.estimate(b, 0.9, w, target);
  ac::kernels::gae(b.rewards, b.values, b.next_values, b.terminated, b.ended, 0.9, 0.8, expected);
  CHECK(w == expected);
  CHECK(target == expected + b.values);
}

TEST_CASE("n-step A2C solves CartPole-v1 on most seeds", "[algorithms][a2c][learning]") {
  ac::test::LearningTrials trials("n-step A2C, CartPole-v1, 200k steps: evaluation >= 475");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<CartPole> env(8, seed);
    ac::Generator init(seed);
    ac::CategoricalActor<float> actor(4, 2, {}, init);
    ac::Critic<float> critic(4, {}, init);
    ac::NStepA2C a2c(actor, critic, {}, {.n = 5});
    ac::train(a2c, env, 200'000, seed, [](const ac::IterationInfo&) {});
    const double evaluation = ac::evaluate(actor, CartPole{}, 20, 1000 + seed).mean_return;
    trials.record(seed, evaluation, evaluation >= 475.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

TEST_CASE("the value policy gradient improves clearly on CartPole-v1 on most seeds", "[algorithms][vpg][learning]") {
  // No baseline: its weights Q̂ ≈ 0..100 are ~100x A2C's advantages, so the
  // learning rate is 100x smaller, and it learns more slowly than A2C.
  ac::test::LearningTrials trials("VPG, CartPole-v1, 500k steps: training return < 40 at 20k and doubled at 500k");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<CartPole> env(8, seed);
    ac::Generator init(seed);
    ac::CategoricalActor<float> actor(4, 2, {}, init);
    ac::Critic<float> critic(4, {}, init);
    ac::ValuePolicyGradient vpg(actor, critic, {.optimizer = ac::optim::RmspropConfig{.learning_rate = 1e-4}});
    double early = 0, late = 0;
    ac::train(vpg, env, 500'000, seed, [&](const ac::IterationInfo& info) {
      if (info.steps == 20'000) early = info.mean_return;
      late = info.mean_return;
    });
    trials.record(seed, late, early < 40.0 && late > 2.0 * early, fmt::format("{:.1f} at 20k", early));
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}

TEST_CASE("A2C with Adam, layer norm and weight decay still solves CartPole-v1 on most seeds", "[algorithms][a2c][learning]") {
  // Regularisation is selectable for every actor-critic: layer norm in the networks,
  // decoupled weight decay through the optimizer (AdamW).
  ac::test::LearningTrials trials("A2C (AdamW), layer norm, CartPole-v1, 200k steps: evaluation >= 475");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    ac::VectorEnv<CartPole> env(8, seed);
    ac::Generator init(seed);
    ac::CategoricalActor<float> actor(4, 2, {.layer_norm = true}, init);
    ac::Critic<float> critic(4, {.layer_norm = true}, init);
    ac::A2C a2c(actor, critic,
                {.optimizer = ac::optim::AdamConfig{
                     .learning_rate = 7e-4, .weight_decay = 1e-4, .decoupled_weight_decay = true}});
    ac::train(a2c, env, 200'000, seed, [](const ac::IterationInfo&) {});
    const double evaluation = ac::evaluate(actor, CartPole{}, 20, 1000 + seed).mean_return;
    trials.record(seed, evaluation, evaluation >= 475.0);
  }
  AC_CHECK_LEARNING_MAJORITY(trials);
}


TEST_CASE("an environment whose Action is int trains, saves and evaluates through ac::Run", "[algorithms][a2c]") {
  static_assert(std::is_same_v<WalkToGoal::Action, int>);
  using Run = ac::Run<ac::A2C<ac::CategoricalActor<float>>, WalkToGoal>;
  Run run({.envs = 4, .seed = 2, .total_steps = 4000, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}}, {});
  run.train();
  CHECK(run.steps() == run.planned_steps());
  CHECK(Run::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt").to_checkpoint_bytes() ==
        run.to_checkpoint_bytes());
  const auto result = run.evaluate(10, 5);
  CHECK(result.episodes == 10);
  CHECK(result.mean_return <= -1.0);  // every episode costs at least one step from a start other than 0…
  CHECK(result.mean_return >= -50.0);  // …and at most the time limit
}
