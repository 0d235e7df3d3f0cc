// End-to-end A2C on CartPole-v1 with SB3's defaults (8 envs × 5 steps,
// separate 64×64 tanh actor and critic, RMSprop 7e-4, γ 0.99): environment
// steps per second on one core, and the steps and wall time at which the
// mean return of the last 100 training episodes first reaches 475.
// SB3 on this machine class (issue 5): 6.9–8.2k steps/s; 475 reached after
// 124k–168k steps; 61–73 s for 500k steps.
//
//   build/release/benchmarks/bench_a2c [seeds (5)] [steps per seed (500000)]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 5;
  const long steps = argc > 2 ? std::atol(argv[2]) : 500'000;
  fmt::print("{:>4} {:>12} {:>10} {:>14} {:>12} {:>10}\n", "seed", "steps/s", "seconds", "steps to 475", "s to 475",
             "final mean");
  double total_rate = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    ac::VectorEnv<ac::envs::CartPole> env(8, static_cast<std::uint64_t>(seed));
    ac::Generator init(static_cast<std::uint64_t>(seed));
    ac::CategoricalActor<float> actor(4, 2, {}, init);
    ac::Critic<float> critic(4, {}, init);
    ac::A2C a2c(actor, critic);
    long steps_to_475 = -1;
    double seconds_to_475 = NAN, seconds = 0, final_mean = 0;
    ac::train(a2c, env, steps, static_cast<std::uint64_t>(seed), [&](const ac::IterationInfo& i) {
      if (steps_to_475 < 0 && env.episodes().size() == 100 && i.mean_return >= 475.0) {
        steps_to_475 = i.steps;
        seconds_to_475 = i.seconds;
      }
      seconds = i.seconds;
      final_mean = i.mean_return;
    });
    total_rate += double(steps) / seconds;
    fmt::print("{:>4} {:>12.0f} {:>10.2f} {:>14} {:>12.3f} {:>10.1f}\n", seed, double(steps) / seconds, seconds,
               steps_to_475, seconds_to_475, final_mean);
  }
  fmt::print("mean {:.0f} steps/s = {:.0f}x SB3's best 8.2k steps/s\n", total_rate / seeds,
             total_rate / seeds / 8200.0);
  return 0;
}
