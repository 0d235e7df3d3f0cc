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

#include <string>

int main(int argc, char** argv) try {
  const auto options = parse_example_options(
      argc, argv, "usage: offpolicy_cartpole [--steps N (300000)] [--seed S (0)] [--per-decision] [--csv PATH]",
      300'000, "offpolicy_cartpole.csv", {"--per-decision"});
  ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
  ac::Generator init(options.seed);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
  ac::Critic<float> critic(env.observation_dim(), {}, init);
  ac::OffPolicyConfig config;
  if (options.has("--per-decision")) config.correction = ac::ImportanceCorrection::truncated_per_decision;
  ac::OffPolicyActorCritic algo(actor, critic, config);  // replay of 8 rollouts, learns from the oldest

  ac::CsvLog log(options.csv);  // includes log_weight_mean/std/max_abs and truncated_fraction
  ac::train(algo, env, options.steps, options.seed + 7, [&](const ac::IterationInfo& info) {
    log(info);
    if (info.iteration % 1500 == 0) {
      fmt::print("steps {:>8}  mean return {:6.1f}  log-weight std {:.3f} (max |.| {:.2f})  {:.0f} steps/s\n",
                 info.steps, info.mean_return, info.diagnostics.log_weight_std, info.diagnostics.log_weight_max_abs,
                 double(info.steps) / info.seconds);
    }
  });
  log.flush();
  const auto result = ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000);
  fmt::print("evaluation over {} episodes: {:.1f} ± {:.1f}; log in {}\n", result.episodes, result.mean_return,
             result.std_return, options.csv);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "offpolicy_cartpole: {}\n", error.what());
  return 2;
}
