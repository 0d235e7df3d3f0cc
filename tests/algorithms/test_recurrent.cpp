// Recurrent policies and critics over rollouts (rollout/recurrent_states.hpp):
// the collector carries each env's GRU state, zeroes it where an episode ends
// and keeps it across rollouts; the states it stores let an update rerun the
// behavior policy exactly, over the whole rollout (A2C, REINFORCE, TRPO) or
// over shuffled chunks (PPO) — checked in double against the rollout's own
// log-probabilities and values, with truncations mid-rollout, for a separate
// recurrent critic and for a shared trunk; what is refused, and why; and PPO
// with a GRU learning CartPole without velocities, where a feed-forward
// policy cannot.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <numeric>
#include <support/best_evaluation.hpp>
#include <support/learning.hpp>
#include <vector>

using ac::Index;
using ac::Matrix;
using ac::envs::CartPoleNoVel;
using RecurrentCategorical = ac::CategoricalActor<double>;

namespace {

constexpr Index kEnvs = 4, kSteps = 30;

/// CartPoleNoVel with episodes cut at 12 steps, so that rollouts hold terminations and truncations.
ac::VectorEnv<CartPoleNoVel> short_episodes(std::uint64_t seed) {
  CartPoleNoVel prototype;
  prototype.set_max_episode_steps(12);
  return ac::VectorEnv<CartPoleNoVel>(kEnvs, seed, prototype);
}

/// A double-precision recurrent actor and critic: separate networks (with the critic's own GRU), or a shared trunk.
ac::ActorCriticModel<RecurrentCategorical> recurrent_model(bool shared, ac::Generator& init) {
  const ac::ActorConfig actor{.hidden = {16}, .recurrent = 8};
  const ac::CriticConfig critic{.hidden = {16}, .recurrent = shared ? 0 : 6};
  return {4, 2, actor, critic, true, shared, init};
}

/// Column c of a rollout's per-sample N x T matrix (sample t·N + n).
double sample(const Matrix<double>& m, Index c) { return m.data()[c]; }

}  // namespace

TEST_CASE("recurrent rollouts: the stored states rerun the behavior policy and critic over the whole rollout",
          "[algorithms][recurrent]") {
  for (const bool shared : {false, true}) {
    INFO((shared ? "shared trunk" : "separate recurrent critic"));
    ac::Generator init(3), rng(4);
    auto model = recurrent_model(shared, init);
    auto& actor = model.actor();
    auto& critic = *model.critic();
    auto env = short_episodes(5);
    ac::Collector<RecurrentCategorical> collector;
    const auto first = collector.collect(env, actor, &critic, rng, kSteps);  // a copy: the next rollout reuses it
    REQUIRE(first.actor_states.rows() == 8);
    REQUIRE(first.actor_states.cols() == first.size());
    REQUIRE(first.critic_states.rows() == (shared ? 0 : 6));
    REQUIRE((first.truncated.array() * (1 - first.terminated.array())).sum() > 0);  // truncations in the rollout
    REQUIRE(first.terminated.sum() > 0);
    CHECK(first.actor_states.leftCols(kEnvs).isZero(0));  // every env starts from zero

    // Where an episode starts, the stored state is exactly zero.
    ac::nn::EpisodeStarts starts;
    ac::rollout_episode_starts(first.ended, starts);
    for (Index c = 0; c < first.size(); ++c) {
      if (starts(c)) CHECK(first.actor_states.col(c).isZero(0));
    }

    // The whole rollout as N sequences from the stored first states: the behavior's log-probs and values.
    ac::use_rollout_sequences(actor, &critic, first, starts);
    Matrix<double> log_probs(1, first.size());
    actor.distribution(first.observations).log_prob(first.actions, log_probs);
    const Matrix<double> actor_after = actor.network().gru_states();  // the state after each step
    for (Index c = 0; c < first.size(); ++c) CHECK(log_probs(0, c) == Approx(sample(first.log_probs, c)).margin(1e-12));
    const Matrix<double> values = critic.values(first.observations);
    for (Index c = 0; c < first.size(); ++c) CHECK(values(0, c) == Approx(sample(first.values, c)).margin(1e-12));
    // The state carried into step t + 1 is the one after step t, unless an episode starts there.
    for (Index c = kEnvs; c < first.size(); ++c) {
      if (!starts(c)) CHECK((first.actor_states.col(c) - actor_after.col(c - kEnvs)).cwiseAbs().maxCoeff() < 1e-12);
    }
    if (!shared) {
      const Matrix<double> critic_after = critic.network().gru_states();
      for (Index c = kEnvs; c < first.size(); ++c) {
        if (starts(c)) CHECK(first.critic_states.col(c).isZero(0));
        if (!starts(c)) CHECK((first.critic_states.col(c) - critic_after.col(c - kEnvs)).cwiseAbs().maxCoeff() < 1e-12);
      }
    }

    // A truncated episode is bootstrapped from V(final observation), run from the critic's state after that step.
    ac::nn::Mlp<double>& critic_net = critic.network();
    const Matrix<double> critic_after = critic_net.gru_states();
    Index bootstrapped = 0;
    for (Index t = 0; t < kSteps; ++t) {
      for (Index i = 0; i < kEnvs; ++i) {
        if (first.truncated(i, t) == 0 || first.terminated(i, t) != 0) continue;
        const Index c = t * kEnvs + i;
        critic_net.use_sequences(ac::nn::EpisodeStarts::Zero(1), critic_after.col(c));
        const Matrix<double> final_value = critic.values(first.next_observations.col(c));
        CHECK(first.next_values(i, t) == Approx(final_value(0, 0)).margin(1e-12));
        ++bootstrapped;
      }
    }
    CHECK(bootstrapped > 0);

    // The next rollout goes on from the states after the last step (zero where an episode ended there).
    const auto& second = collector.collect(env, actor, &critic, rng, kSteps);
    for (Index i = 0; i < kEnvs; ++i) {
      const Index last = (kSteps - 1) * kEnvs + i;
      if (first.ended(i, kSteps - 1) != 0) {
        CHECK(second.actor_states.col(i).isZero(0));
      } else {
        CHECK((second.actor_states.col(i) - actor_after.col(last)).cwiseAbs().maxCoeff() < 1e-12);
        CHECK_FALSE(second.actor_states.col(i).isZero(0));
      }
    }
  }
}

TEST_CASE("PPO's sequence minibatches: shuffled chunks, time-major, rerun from the states stored at their starts",
          "[algorithms][recurrent][ppo]") {
  ac::Generator init(8), rng(9);
  auto model = recurrent_model(false, init);
  auto env = short_episodes(10);
  ac::Collector<RecurrentCategorical> collector;
  const auto& buffer = collector.collect(env, model.actor(), model.critic(), rng, kSteps);
  const Index length = 10, chunks = kEnvs * kSteps / length;
  std::vector<Index> order(static_cast<std::size_t>(chunks));
  std::iota(order.begin(), order.end(), Index{0});
  ac::detail::shuffle(order, rng);
  std::vector<Index> samples(static_cast<std::size_t>(buffer.size()));
  ac::SequenceChunks<double> sequences;
  const auto recurrent = ac::recurrent_networks(model.actor(), model.critic());
  for (const Index first : {Index{0}, Index{5}, Index{10}}) {  // minibatches of 5, 5 and 2 chunks
    const Index count = std::min<Index>(5, chunks - first);
    ac::SequenceChunks<double>::sample_order(order, first, count, kEnvs, length, samples);
    // Column l·B + b is step l of chunk b: chunk c = j·N + n covers steps jL … jL + L − 1 of env n.
    for (Index l = 0; l < length; ++l) {
      for (Index b = 0; b < count; ++b) {
        const Index c = order[static_cast<std::size_t>(first + b)];
        CHECK(samples[static_cast<std::size_t>(first * length + l * count + b)] ==
              ((c / kEnvs) * length + l) * kEnvs + c % kEnvs);
      }
    }
    Matrix<double> observations(4, count * length), expected_log_probs(1, count * length),
        expected_values(1, count * length);
    ac::ActionIndices actions(1, count * length);
    ac::detail::gather_columns(buffer.observations, samples, first * length, observations);
    ac::detail::gather_columns(buffer.actions, samples, first * length, actions);
    ac::detail::gather_columns(ac::detail::as_row(buffer.log_probs), samples, first * length, expected_log_probs);
    ac::detail::gather_columns(ac::detail::as_row(buffer.values), samples, first * length, expected_values);
    sequences.use(recurrent, buffer, order, first, count, length);
    Matrix<double> log_probs(1, count * length);
    model.actor().distribution(observations).log_prob(actions, log_probs);
    CHECK((log_probs - expected_log_probs).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((model.critic()->values(observations) - expected_values).cwiseAbs().maxCoeff() < 1e-12);
  }
  // A mutation's witness: the same chunks run from zero states instead of the stored ones give other log-probs.
  const Index count = 5;
  ac::SequenceChunks<double>::sample_order(order, 0, count, kEnvs, length, samples);
  Matrix<double> observations(4, count * length), expected_log_probs(1, count * length), log_probs(1, count * length);
  ac::ActionIndices actions(1, count * length);
  ac::detail::gather_columns(buffer.observations, samples, 0, observations);
  ac::detail::gather_columns(buffer.actions, samples, 0, actions);
  ac::detail::gather_columns(ac::detail::as_row(buffer.log_probs), samples, 0, expected_log_probs);
  ac::nn::EpisodeStarts no_starts = ac::nn::EpisodeStarts::Zero(count * length);
  model.actor().use_sequences(no_starts, Matrix<double>::Zero(8, count));
  model.actor().distribution(observations).log_prob(actions, log_probs);
  CHECK((log_probs - expected_log_probs).cwiseAbs().maxCoeff() > 1e-6);
}

TEST_CASE("recurrent networks train with PPO, A2C, REINFORCE and TRPO; what is not supported is refused, saying why",
          "[algorithms][recurrent]") {
  using FloatActor = ac::CategoricalActor<float>;
  ac::Generator init(1), rng(2);
  ac::VectorEnv<CartPoleNoVel> env(4, 3);
  FloatActor actor(4, 2, {.hidden = {8}, .recurrent = 4}, init);
  ac::Critic<float> critic(4, {.hidden = {8}, .recurrent = 4}, init);
  ac::Critic<float> plain_critic(4, {.hidden = {8}}, init);
  const auto before = actor.network().parameters().eval();
  ac::PPOConfig ppo_config;
  ppo_config.n_steps = 32;
  ppo_config.batch_size = 32;
  ppo_config.sequence_length = 8;
  ac::PPO ppo(actor, critic, ppo_config);
  ac::train(ppo, env, 256, 0,
            [](const ac::IterationInfo& info) { CHECK(std::isfinite(info.diagnostics.policy_loss)); });
  CHECK(actor.network().parameters() != before);
  ac::A2C a2c(actor, critic);
  ac::train(a2c, env, 256, 0,
            [](const ac::IterationInfo& info) { CHECK(std::isfinite(info.diagnostics.policy_loss)); });
  ac::Reinforce reinforce(actor);
  ac::train(reinforce, env, 64, 0,
            [](const ac::IterationInfo& info) { CHECK(std::isfinite(info.diagnostics.policy_loss)); });
  ac::TRPOConfig trpo_config;
  trpo_config.n_steps = 32;
  ac::TRPO trpo(actor, plain_critic, trpo_config);
  ac::train(trpo, env, 256, 0,
            [](const ac::IterationInfo& info) { CHECK(std::isfinite(info.diagnostics.value_loss)); });

  CHECK_THROWS_WITH(ac::TRPO(actor, critic), Catch::Contains("TRPO: critic") && Catch::Contains("feed-forward"));
  CHECK_THROWS_WITH(ac::OffPolicyActorCritic(actor, plain_critic),
                    Catch::Contains("OffPolicyActorCritic") && Catch::Contains("feed-forward"));
  ppo_config.sequence_length = 5;
  CHECK_THROWS_WITH(ac::PPO(actor, critic, ppo_config),
                    Catch::Contains("PPOConfig.sequence_length: expected a divisor of n_steps (32), got 5"));
  ac::RunConfig run{.envs = 2, .total_steps = 100, .actor = {.recurrent = 4}, .critic = {.recurrent = 4}};
  run.shared_trunk = true;
  CHECK_THROWS_WITH(run.validate(), Catch::Contains("RunConfig.critic.recurrent") && Catch::Contains("shared trunk"));
}

TEST_CASE("a recurrent policy acts and evaluates from the state it carries; reset_state starts an episode anew",
          "[algorithms][recurrent]") {
  ac::RunConfig config{.envs = 2, .seed = 4, .total_steps = 256, .actor = {.hidden = {8}, .recurrent = 4}};
  auto ppo = ac::presets::ppo_cartpole();
  ppo.n_steps = 32;
  ac::Run<ac::PPO<ac::CategoricalActor<float>>, CartPoleNoVel> run(config, ppo);
  run.train();
  // Acting step by step is the evaluation's own path: the same actions over an episode, after a reset.
  std::vector<std::int64_t> evaluated;
  run.evaluate(1, 11, [&](const ac::EvaluationStep<CartPoleNoVel>& s) { evaluated.push_back(s.action); });
  for (int repeat = 0; repeat < 2; ++repeat) {
    CartPoleNoVel env;
    auto observation = env.reset(11);
    run.reset_state();
    std::vector<std::int64_t> acted;
    while (true) {
      acted.push_back(run.act(observation));
      const auto result = env.step(acted.back());
      observation = result.observation;
      if (result.terminated || result.truncated) break;
    }
    CHECK(acted == evaluated);
  }
}

TEST_CASE("PPO with a GRU balances CartPole without velocities (475), where a feed-forward policy cannot",
          "[algorithms][recurrent][learning][ppo]") {
  // rl-baselines3-zoo's ppo_lstm settings (ac::presets), evaluated every 10k steps (20 episodes of the
  // deterministic policy), as the zoo's EvalCallback does: the best evaluation is what the run reached.
  // The budget is 150k steps, as the other PPO CartPole tests', where the zoo's is 100k
  // (presets::kPpoCartPoleNoVelSteps): at 100k, after the bits change of 2026-12-05 (row-by-row head
  // products, SB3's schedule timing), seed 4 of seeds 0-9 reached 445 (x86-64-v4), and before it seed 5
  // 440 (portable, with the schedule timing alone). Measured at 150k over seeds 0-9 in all three
  // flavours: docs/algorithms/ppo.md. No feed-forward run passes 50.
  constexpr long kSteps = 150'000;
  ac::test::LearningTrials recurrent("recurrent PPO, CartPoleNoVel-v1, 150k steps: best evaluation >= 475"),
      feed_forward("feed-forward PPO, CartPoleNoVel-v1, 150k steps: best evaluation < 200");
  for (const auto seed : ac::test::learning_seeds()) {
    for (const bool with_gru : {true, false}) {
      ac::RunConfig config{.envs = ac::presets::kPpoCartPoleEnvs,
                           .seed = seed,
                           .total_steps = kSteps,
                           .actor = ac::presets::cartpole_novel_actor(),
                           .critic = ac::presets::cartpole_novel_critic(),
                           .normalization = ac::presets::cartpole_novel_normalization()};
      if (!with_gru) config.actor.recurrent = config.critic.recurrent = 0;
      ac::Run<ac::PPO<ac::CategoricalActor<float>>, CartPoleNoVel> run(config, ac::presets::ppo_cartpole());
      ac::test::ReachingEvaluations evaluation([&] { return run.evaluate(20, seed + 1000).mean_return; }, 10'000);
      run.train([&](const ac::IterationInfo& info) { evaluation(info); });
      const double best = evaluation.best();  // of the evaluations every 10k steps
      if (with_gru) {
        recurrent.record(seed, best, best >= 475);
      } else {
        feed_forward.record(seed, best, best < 200);
      }
    }
  }
  AC_CHECK_LEARNING_MAJORITY(recurrent);
  AC_CHECK_LEARNING_MAJORITY(feed_forward);
}
