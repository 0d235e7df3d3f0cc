// The README's "use it in your own project" program, built by the
// install_consumer test against an installed tree and as a subdirectory.
#include <actorcritic/actorcritic.hpp>

#include <cstdio>

int main() {
  // A2C with Stable-Baselines3's defaults on 8 CartPole envs. The run's seed
  // seeds everything: the environments, the networks and the sampling.
  using Run = ac::Run<ac::A2C<ac::CategoricalActor<float>>, ac::envs::CartPole>;
  Run run({.envs = 8, .seed = 1, .total_steps = 20'000}, {});
  ac::CsvLog log("a2c.csv");  // one row per iteration, on disk as it comes
  run.train([&](const ac::IterationInfo& info) { log(info); });
  run.save("a2c.ckpt");  // the whole run: Run::load("a2c.ckpt") continues it
  const auto result = run.evaluate(/*episodes=*/10, /*seed=*/7);
  std::printf("mean return %.1f over %ld episodes\n", result.mean_return, result.episodes);
  return result.episodes == 10 ? 0 : 1;
}
