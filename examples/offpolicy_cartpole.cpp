// Off-policy actor-critic on CartPole-v1 from replayed older rollouts: every
// fresh rollout goes into a replay buffer of 8, and each update learns from
// the *oldest* one, collected by a policy 7 updates behind, corrected by
// V-trace (ρ̄ = c̄ = 1) or, with --correction per-decision, by truncated per-decision
// importance weights. Prints the spread of the log importance weights.
//
//   offpolicy_cartpole [--steps N (300000)] [--seed S (0)] [--correction vtrace|per-decision (vtrace)]
//                      [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>
#include <string>

#include "example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("offpolicy_cartpole", [&] {
    ExampleCommandLine options("offpolicy_cartpole",
                               "The off-policy actor-critic on CartPole-v1 from replayed rollouts.");
    options.with_steps(300'000).with_seed().with_csv("offpolicy_cartpole.csv").with_plot();
    std::string correction = "vtrace";
    options.flags.text("--correction", "importance correction of the replayed rollouts", correction,
                       {"vtrace", "per-decision"});
    options.parse(argc, argv);

    ac::VectorEnv<ac::envs::CartPole> env(8, options.seed);
    ac::Generator init(options.seed);
    ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
    ac::Critic<float> critic(env.observation_dim(), {}, init);
    ac::OffPolicyConfig config;
    if (correction == "per-decision") config.correction = ac::ImportanceCorrection::truncated_per_decision;
    ac::OffPolicyActorCritic algo(actor, critic, config);  // replay of 8 rollouts, learns from the oldest

    // The CSV includes log_weight_mean/std/max_abs and truncated_fraction.
    ExampleProgress progress(options, options.steps, "off-policy actor-critic (" + correction + ") on CartPole-v1");
    ac::train(algo, env, options.steps, options.seed + 7, [&](const ac::IterationInfo& info) {
      progress(info);
      if (info.iteration % 1500 == 0) {
        fmt::print("\nlog-weight std {:.3f} (max |.| {:.2f}) at {} steps\n", info.diagnostics.log_weight_std,
                   info.diagnostics.log_weight_max_abs, info.steps);
      }
    });
    progress.finish();
    print_evaluation("off-policy", ac::evaluate(actor, ac::envs::CartPole{}, 20, options.seed + 1000), options);
    return 0;
  });
}
