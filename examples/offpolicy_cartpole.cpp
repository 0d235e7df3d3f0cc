// Off-policy actor-critic on CartPole-v1 from replayed older rollouts: every
// fresh rollout goes into a replay buffer of 8, and each update learns from
// the *oldest* one, collected by a policy 7 updates behind, corrected by
// V-trace (ρ̄ = c̄ = 1) or, with --per-decision, by truncated per-decision
// importance weights. Prints the spread of the log importance weights.
//
//   offpolicy_cartpole [--steps N (300000)] [--seed S (0)] [--per-decision] [--csv PATH]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <chrono>
#include <string>

int main(int argc, char** argv) try {
  const auto options = parse_example_options(
      argc, argv, "usage: offpolicy_cartpole [--steps N (300000)] [--seed S (0)] [--per-decision] [--csv PATH]",
      300'000, "offpolicy_cartpole.csv", {"--per-decision"});
  ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
  ac::Generator init(options.seed), rng(options.seed + 7);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
  ac::Critic<float> critic(env.observation_dim(), {}, init);
  ac::OffPolicyConfig config;
  if (options.has("--per-decision")) config.correction = ac::ImportanceCorrection::truncated_per_decision;
  ac::OffPolicyActorCritic<float> algo(actor, critic, config);
  ac::RolloutBuffer<float> rollout(5, 8, env.observation_dim());
  ac::ReplayBuffer<float> replay(8, 5, 8, env.observation_dim());

  std::string log = "steps,wall_seconds,mean_return,policy_loss,value_loss,entropy,log_weight_std,log_weight_max_abs\n";
  const auto start = std::chrono::steady_clock::now();
  for (long steps = 0, iteration = 1; steps < options.steps; ++iteration) {
    ac::collect_rollout(env, actor, critic, rng, rollout);  // behavior = the current policy
    steps += rollout.size();
    replay.push(rollout);
    const auto d = algo.update(replay.recent(replay.size() - 1));  // learn from the oldest
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log += fmt::format("{},{:.6f},{},{},{},{},{},{}\n", steps, seconds, env.episodes().mean_return(), d.update.policy_loss,
                       d.update.value_loss, d.update.entropy, d.log_weight_std, d.log_weight_max_abs);
    if (iteration % 1500 == 0) {
      fmt::print("steps {:>8}  mean return {:6.1f}  log-weight std {:.3f} (max |.| {:.2f})  {:.0f} steps/s\n", steps,
                 env.episodes().mean_return(), d.log_weight_std, d.log_weight_max_abs, steps / seconds);
    }
  }
  ac::write_file_atomically(options.csv, log);
  const auto result = ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000);
  fmt::print("evaluation over {} episodes: {:.1f} ± {:.1f}; log in {}\n", result.episodes, result.mean_return,
             result.std_return, options.csv);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "offpolicy_cartpole: {}\n", error.what());
  return 2;
}
