// PPO on CartPole-v1 with rl-baselines3-zoo's tuned hyperparameters
// (hyperparams/ppo.yml, CartPole-v1): 8 envs × 32 steps, minibatch 256,
// 20 epochs, γ 0.98, λ 0.8, learning rate and clip range linear from 1e-3
// and 0.2 to 0, no entropy bonus; separate 64×64 tanh actor and critic
// (SB3's MlpPolicy). Then an evaluation of the deterministic policy.
//
// The run is one library object (ac::Run): --save writes it whole, --resume
// continues it in a new process, bit for bit as if it had never stopped
// (tests/examples/resume_test.sh checks this), --stop-after interrupts it.
//
//   ppo_cartpole [--steps N (100000)] [--seed S (0)] [--variant clip|kl|clip-kl|clip-kl-ent (clip)]
//                [--csv PATH] [--plot PATH.png] [--save PATH] [--resume PATH] [--stop-after N]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <optional>
#include <string>

namespace {

using Run = ac::Run<ac::PPO<ac::CategoricalActor<float>>, ac::envs::CartPole>;

ac::PPOConfig variant_config(const std::string& variant) {
  if (variant == "kl") return ac::PPOConfig::kl_penalty();
  if (variant == "clip-kl") return ac::PPOConfig::clip_kl();
  if (variant == "clip-kl-ent") return ac::PPOConfig::clip_kl_entropy();
  return ac::PPOConfig::clip();
}

}  // namespace

int main(int argc, char** argv) {
  return cli::guarded_main("ppo_cartpole", [&] {
    ExampleCommandLine options("ppo_cartpole", "PPO on CartPole-v1 with rl-baselines3-zoo's tuned hyperparameters.");
    options.with_steps(100'000).with_seed().with_csv("ppo_cartpole.csv").with_plot();
    std::string variant = "clip", save, resume;
    long stop_after = 0;
    options.flags.text("--variant", "PPO's objective", variant, {"clip", "kl", "clip-kl", "clip-kl-ent"});
    options.flags.text("--save", "write the whole run here when training stops", save);
    options.flags.text("--resume", "continue the run saved here (its steps, seed and variant come from it)", resume);
    options.flags.number("--stop-after", "stop after this many steps, as if interrupted (0: never)", stop_after,
                         cli::Range::non_negative);
    const auto line = options.parse(argc, argv);

    std::optional<Run> run;
    if (!resume.empty()) {
      for (const char* flag : {"--steps", "--seed", "--variant"}) {
        if (line.has(flag)) cli::usage_error("{}: comes from the checkpoint with --resume", flag);
      }
      run.emplace(Run::load(resume));
      variant = run->config().label;
    } else {
      const ac::RunConfig config{.envs = 8, .seed = options.seed, .total_steps = options.steps, .label = variant};
      run.emplace(config, ac::presets::ppo_cartpole(variant_config(variant)));  // zoo: n_envs 8
    }
    const std::string name = "PPO-" + variant;

    ExampleProgress progress(options, run->config().total_steps, name + " on CartPole-v1", run->iterations());
    run->train([&](const ac::IterationInfo& info) {
      progress(info);
      return stop_after == 0 || info.steps < stop_after;
    });
    progress.finish();
    if (!save.empty()) {
      run->save(save);
      fmt::print("run saved to {} after {} of {} steps\n", save, run->steps(), run->config().total_steps);
    }
    if (run->finished()) print_evaluation(name, run->evaluate(20, run->config().seed + 1000), options);
    return 0;
  });
}
