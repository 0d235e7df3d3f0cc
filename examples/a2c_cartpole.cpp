// A2C on CartPole-v1 with Stable-Baselines3's defaults (8 envs × 5 steps,
// separate 64×64 tanh actor and critic, RMSprop lr 7e-4, γ 0.99, λ 1,
// vf_coef 0.5, max_grad_norm 0.5), then an evaluation of the deterministic
// policy over 20 episodes.
//
//   a2c_cartpole [--steps N (200000)] [--seed S (0)] [--csv PATH (a2c_cartpole.csv)]
//                [--plot PATH.png (none)]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <string>
#include <string_view>

int main(int argc, char** argv) try {
  long steps = 200'000;
  std::uint64_t seed = 0;
  std::string csv = "a2c_cartpole.csv";
  std::string plot;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help") {
      fmt::print("usage: a2c_cartpole [--steps N (200000)] [--seed S (0)] [--csv PATH] [--plot PATH.png]\n");
      return 0;
    }
    if (i + 1 >= argc) throw ac::InvalidArgument(fmt::format("{}: expected a value", flag));
    const std::string value = argv[++i];
    if (flag == "--steps") steps = std::stol(value);
    else if (flag == "--seed") seed = std::stoull(value);
    else if (flag == "--csv") csv = value;
    else if (flag == "--plot") plot = value;
    else throw ac::InvalidArgument(fmt::format("unknown flag {} (try --help)", flag));
  }

  ac::VectorEnv<ac::envs::CartPole> env(8, seed);                        // SB3 A2C: n_envs 8
  ac::Generator init(seed);
  ac::CategoricalActor<float> actor(env.observation_dim(), env.action_count(), {}, init);
  ac::Critic<float> critic(env.observation_dim(), {}, init);
  ac::A2C<float> a2c(actor, critic);                                      // SB3 defaults
  ac::check_positive("--steps", steps);
  ac::CsvLog log(csv);
  ac::ProgressBar progress(steps);
  ac::train_on_policy(a2c, env, actor, critic, steps, seed, [&](const ac::IterationInfo& info) {
    log(info);
    progress(info);
  });
  log.flush();
  if (!plot.empty()) {
    ac::plot_learning_curve(csv, plot, "A2C on CartPole-v1");
    fmt::print("learning curve: {}\n", plot);
  }
  const auto result = ac::evaluate(actor, ac::envs::CartPole{}, 20, seed + 1000);
  fmt::print("evaluation over {} episodes: {:.1f} ± {:.1f}; log in {}\n", result.episodes, result.mean_return,
             result.std_return, csv);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "a2c_cartpole: {}\n", error.what());
  return 2;
}
