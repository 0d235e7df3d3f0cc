// The README's "use it in your own project" program, built by the
// install_consumer test against an installed tree and as a subdirectory.
#include <actorcritic/actorcritic.hpp>

#include <cstdio>

int main() {
  ac::VectorEnv<ac::envs::CartPole> env(8, /*seed=*/1);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count());  // 64x64 tanh
  ac::Critic<float> critic(env.observation_dim());
  ac::A2C a2c(actor, critic);  // Stable-Baselines3's defaults
  ac::CsvLog log("a2c.csv");
  ac::train(a2c, env, /*steps=*/20'000, /*seed=*/1,
                      [&](const ac::IterationInfo& info) { log(info); });
  log.flush();
  const auto result = ac::evaluate(actor, ac::envs::CartPole{}, /*episodes=*/10, /*seed=*/7);
  std::printf("mean return %.1f over %ld episodes\n", result.mean_return, result.episodes);
  return result.episodes == 10 ? 0 : 1;
}
