// What invalid-action masking buys (Huang & Ontañón 2020, arXiv 2006.14171):
// PPO-clip on GridMaze-v0 with the maze's action masks, and the same PPO on
// the same maze with the masks hidden (ac::envs::WithoutActionMask) — same
// hyperparameters (ac::presets::ppo_grid_maze), same budget, same seeds. The
// maze and its start are fixed, so one deterministic evaluation episode is the
// policy's return. Prints, per seed and variant, the return at the end and the
// first evaluated step at which the policy solved the maze (a return of at
// least --solved, i.e. at most 22 moves for the default 0.8), then the means.
//
//   action_masking [--steps N (100000)] [--seeds K (5: seeds 0..K-1)] [--eval-every N (5000)] [--solved R (0.8)]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace {

struct Outcome {
  double final_return = 0.0;
  std::optional<long> solved_at;  // the first evaluated step with a return >= the threshold
};

template <class E>
Outcome train_once(std::uint64_t seed, long steps, long every, double solved) {
  const ac::RunConfig config{.envs = ac::presets::kPpoGridMazeEnvs, .seed = seed, .total_steps = steps};
  ac::Run<ac::PPO<ac::CategoricalActor<float>>, E> run(config, ac::presets::ppo_grid_maze());
  Outcome outcome;
  long next = every;
  run.train([&](const ac::IterationInfo& info) {
    if (info.steps >= next || info.steps >= steps) {
      next = (info.steps / every + 1) * every;
      const double r = run.evaluate(1, seed + 1000).mean_return;
      if (r >= solved && !outcome.solved_at) outcome.solved_at = info.steps;
    }
  });
  outcome.final_return = run.evaluate(1, seed + 1000).mean_return;
  return outcome;
}

std::string describe(const Outcome& o) {
  return fmt::format("{:>7.3f}   {:>9}", o.final_return, o.solved_at ? fmt::format("{}", *o.solved_at) : "never");
}

}  // namespace

int main(int argc, char** argv) {
  return cli::guarded_main("action_masking", [&] {
    ExampleCommandLine options("action_masking",
                               "PPO on GridMaze-v0 with and without invalid-action masking, over several seeds.");
    options.with_steps(100'000);
    long seeds = 5, every = 5'000;
    double solved = 0.8;
    options.flags.number("--seeds", "train seeds 0 .. K-1", seeds, cli::Range::positive);
    options.flags.number("--eval-every", "evaluate the deterministic policy every N steps", every,
                         cli::Range::positive);
    options.flags.number("--solved", "the return that counts as solving the maze", solved, cli::Range::any);
    options.parse(argc, argv);

    fmt::print("PPO-clip on GridMaze-v0, {} steps per run (ac::presets::ppo_grid_maze)\n\n", options.steps);
    fmt::print("seed | masked: return   solved at | without masks: return   solved at\n");
    double masked_sum = 0, unmasked_sum = 0;
    int masked_solved = 0, unmasked_solved = 0;
    for (long s = 0; s < seeds; ++s) {
      const auto seed = static_cast<std::uint64_t>(s);
      const Outcome masked = train_once<ac::envs::GridMaze>(seed, options.steps, every, solved);
      const Outcome unmasked =
          train_once<ac::envs::WithoutActionMask<ac::envs::GridMaze>>(seed, options.steps, every, solved);
      fmt::print("{:>4} |      {}           |             {}\n", seed, describe(masked), describe(unmasked));
      masked_sum += masked.final_return;
      unmasked_sum += unmasked.final_return;
      masked_solved += masked.final_return >= solved;
      unmasked_solved += unmasked.final_return >= solved;
    }
    fmt::print("\nmean final return: masked {:.3f} ({}/{} solved at the end), without masks {:.3f} ({}/{})\n",
               masked_sum / double(seeds), masked_solved, seeds, unmasked_sum / double(seeds), unmasked_solved, seeds);
    return 0;
  });
}
