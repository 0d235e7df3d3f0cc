// The add_subdirectory consumer: one CartPole-v1 episode, alternating pushes.
// What this mode checks is the target's wiring (include paths, Eigen, fmt and
// its link), so it builds a light program; the find_package mode builds the
// README's whole one (main.cpp).
#include <actorcritic/envs/cart_pole.hpp>

#include <fmt/core.h>

int main() {
  ac::envs::CartPole env;
  env.reset(/*seed=*/1);
  long steps = 0;
  for (bool over = false; !over; ++steps) {
    const auto result = env.step(steps % 2);
    over = result.terminated || result.truncated;
  }
  fmt::print("one CartPole-v1 episode: {} steps\n", steps);
  return steps > 0 ? 0 : 1;
}
