// PPO on Pendulum-v1 (continuous torque) with a Gaussian policy, after
// RLtools' configuration (ac::presets::ppo_pendulum: 64 envs × 128 steps,
// minibatch 1024, 10 epochs, γ 0.9, initial σ 2, 32×32 tanh, learning rate
// 1e-3) with observation and reward normalization shared by all envs (SB3
// VecNormalize). The buffer keeps the sampled, unclipped torques; the
// environments receive them clipped to [−2, 2]. Evaluation uses the mean action
// and the frozen normalization statistics.
//
// --distribution squashed-gaussian trains a tanh-squashed Gaussian instead
// (ac::SquashedGaussianActor, initial σ 1 before the squash): the environments
// receive 2 tanh(u), never clipped. --distribution beta trains a Beta policy
// (ac::BetaActor): the environments receive 4x − 2 for its x ∈ (0, 1).
// --save writes the run (ac::Run) for actorcritic-eval and actorcritic-export.
//
//   ppo_pendulum [--steps N (300000)] [--seed S (0)] [--distribution gaussian|squashed-gaussian|beta]
//                [--save PATH] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <string>

namespace {

template <class Actor>
int train(const ExampleCommandLine& options, const std::string& save, const std::string& name) {
  ac::RunConfig config{.envs = ac::presets::kPpoPendulumEnvs,
                       .seed = options.seed,
                       .total_steps = options.steps,
                       .actor = ac::presets::pendulum_actor(),
                       .critic = ac::presets::pendulum_critic(),
                       .normalization = ac::presets::pendulum_normalization()};
  if constexpr (ac::kSquashedActions<typename Actor::Distribution>) config.actor.initial_log_std = 0.0;
  ac::Run<ac::PPO<Actor>, ac::envs::Pendulum> run(config, ac::presets::ppo_pendulum());
  ExampleProgress progress(options, options.steps, name + " on Pendulum-v1");
  run.train([&](const ac::IterationInfo& info) { progress(info); });
  progress.finish();
  if (!save.empty()) {
    run.save(save);
    fmt::print("run saved to {}\n", save);
  }
  print_evaluation(name, run.evaluate(20, options.seed + 1000), options);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::guarded_main("ppo_pendulum", [&] {
    ExampleCommandLine options(
        "ppo_pendulum", "PPO on Pendulum-v1 (RLtools' configuration) with a Gaussian, squashed Gaussian or Beta policy.");
    options.with_steps(300'000).with_seed().with_csv("ppo_pendulum.csv").with_plot();
    std::string distribution = "gaussian", save;
    options.flags.text("--distribution",
                       "the policy: a Gaussian (torques clipped), a tanh-squashed Gaussian or a Beta (both bounded)",
                       distribution, {"gaussian", "squashed-gaussian", "beta"});
    options.flags.text("--save", "write the whole run here when training ends", save);
    options.parse(argc, argv);
    if (distribution == "squashed-gaussian") {
      return train<ac::SquashedGaussianActor<float>>(options, save, "PPO (squashed Gaussian)");
    }
    if (distribution == "beta") return train<ac::BetaActor<float>>(options, save, "PPO (Beta)");
    return train<ac::GaussianActor<float>>(options, save, "PPO");
  });
}
