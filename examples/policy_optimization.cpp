// The trust-region family on the classic-control tasks: TRPO, the natural
// policy gradient and the four PPO variants, with a categorical policy on
// CartPole-v1 and Acrobot-v1 and a Gaussian policy (observation and reward
// normalization) on Pendulum-v1 and MountainCarContinuous-v0. The settings are
// ac::presets where they exist, adapted as noted below otherwise.
//
//   policy_optimization --algo ppo-clip|ppo-kl|ppo-clip-kl|ppo-clip-kl-ent|trpo|npg
//                       --env CartPole-v1|Acrobot-v1|Pendulum-v1|MountainCarContinuous-v0
//                       [--steps N] [--seed S] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "example_options.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace {

constexpr std::string_view kUsage =
    "usage: policy_optimization --algo ppo-clip|ppo-kl|ppo-clip-kl|ppo-clip-kl-ent|trpo|npg\n"
    "                           --env CartPole-v1|Acrobot-v1|Pendulum-v1|MountainCarContinuous-v0\n"
    "                           [--steps N (env default)] [--seed S (0)] [--csv PATH] [--plot PATH.png]";

/// PPO for the task: the CartPole and Pendulum presets; for Acrobot-v1
/// rl-baselines3-zoo's values (16 envs × 256 steps, 4 epochs, λ 0.94,
/// observation normalization); for MountainCarContinuous-v0 the Pendulum
/// preset with γ 0.99 (zoo's tuned values rely on gSDE, which we do not have).
ac::PPOConfig ppo_for(std::string_view env, ac::PPOConfig variant) {
  if (env == "CartPole-v1") return ac::presets::ppo_cartpole(variant);
  ac::PPOConfig c = variant;
  if (env == "Acrobot-v1") {
    c.n_steps = 256;
    c.epochs = 4;
    c.gae_lambda = 0.94;
    return c;
  }
  const auto pendulum = ac::presets::ppo_pendulum();
  c.n_steps = pendulum.n_steps;
  c.batch_size = pendulum.batch_size;
  c.epochs = pendulum.epochs;
  c.gamma = env == "Pendulum-v1" ? pendulum.gamma : 0.99;
  c.gae_lambda = pendulum.gae_lambda;
  c.learning_rate = pendulum.learning_rate;
  if (variant.kl_coef > 0) c.kl_rule.target = 0.01;
  return c;
}

/// TRPO for the task: the CartPole preset; 16 envs × 256 steps on Acrobot; on
/// the continuous tasks the Pendulum rollout size (64 × 128) and its γ.
ac::TRPOConfig trpo_for(std::string_view env, bool line_search) {
  ac::TRPOConfig c = ac::presets::trpo_cartpole();
  if (env == "Acrobot-v1") c.n_steps = 256;
  if (env == "Pendulum-v1" || env == "MountainCarContinuous-v0") {
    c.n_steps = 128;
    c.gamma = env == "Pendulum-v1" ? 0.9 : 0.99;
    c.gae_lambda = 0.95;
    c.critic_batch_size = 1024;
  }
  c.trust_region.line_search = line_search;
  return c;
}

struct Task {
  ac::Index envs;
  long steps;
  bool normalize;
};

Task task_for(std::string_view env) {
  if (env == "CartPole-v1") return {8, 100'000, false};
  if (env == "Acrobot-v1") return {16, 500'000, true};
  return {64, env == "Pendulum-v1" ? 300'000 : 1'000'000, true};
}

template <class E>
int run(const ExampleOptions& options, bool steps_given, const std::string& algo, const std::string& env_id) {
  const Task task = task_for(env_id);
  const long steps = steps_given ? options.steps : task.steps;
  ac::VectorEnv<E> env(task.envs, options.seed);
  ac::Generator init(options.seed);
  constexpr bool discrete = ac::envs::DiscreteEnv<E>;
  using Actor = std::conditional_t<discrete, ac::CategoricalActor<float>, ac::GaussianActor<float>>;
  const ac::Index actions = [&] {
    if constexpr (discrete) return env.action_count(); else return env.action_dim();
  }();
  const ac::ActorConfig actor_config = discrete ? ac::ActorConfig{} : ac::presets::pendulum_actor();
  const ac::CriticConfig critic_config = discrete ? ac::CriticConfig{} : ac::presets::pendulum_critic();
  Actor actor(env.observation_dim(), actions, actor_config, init);
  ac::Critic<float> critic(env.observation_dim(), critic_config, init);
  auto normalization = ac::presets::pendulum_normalization();
  normalization.rewards = !discrete;
  normalization.gamma = algo.starts_with("ppo") ? ppo_for(env_id, {}).gamma : trpo_for(env_id, true).gamma;
  ac::VecNormalize normalize(env.observation_dim(), env.size(), normalization);

  const std::string title = fmt::format("{} on {}", algo, env_id);
  if (algo == "trpo" || algo == "npg") {
    ac::TRPO trpo(actor, critic, trpo_for(env_id, algo == "trpo"));
    if (task.normalize) trpo.set_normalizer(&normalize);
    train_with_progress(trpo, env, options, steps, title);
  } else {
    const std::map<std::string, ac::PPOConfig> variants{{"ppo-clip", ac::PPOConfig::clip()},
                                                        {"ppo-kl", ac::PPOConfig::kl_penalty()},
                                                        {"ppo-clip-kl", ac::PPOConfig::clip_kl()},
                                                        {"ppo-clip-kl-ent", ac::PPOConfig::clip_kl_entropy()}};
    ac::PPO ppo(actor, critic, ppo_for(env_id, variants.at(algo)));
    if (task.normalize) ppo.set_normalizer(&normalize);
    train_with_progress(ppo, env, options, steps, title);
  }
  normalize.set_training(false);
  print_evaluation(title, ac::evaluate(actor, E{}, 20, options.seed + 1000, task.normalize ? &normalize : nullptr),
                   options);
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto options = parse_example_options(argc, argv, kUsage, 1, "policy_optimization.csv", {},
                                             {"--algo", "--env"});
  const bool steps_given = std::find(argv + 1, argv + argc, std::string_view("--steps")) != argv + argc;
  const std::string algo = options.value("--algo", "ppo-clip"), env = options.value("--env", "CartPole-v1");
  const std::set<std::string> algos{"ppo-clip", "ppo-kl", "ppo-clip-kl", "ppo-clip-kl-ent", "trpo", "npg"};
  if (algos.count(algo) == 0) {
    throw ac::InvalidArgument(fmt::format("--algo: unknown algorithm \"{}\"; expected one of {}", algo,
                                          fmt::join(algos, ", ")));
  }
  if (env == "CartPole-v1") return run<ac::envs::CartPole>(options, steps_given, algo, env);
  if (env == "Acrobot-v1") return run<ac::envs::Acrobot>(options, steps_given, algo, env);
  if (env == "Pendulum-v1") return run<ac::envs::Pendulum>(options, steps_given, algo, env);
  if (env == "MountainCarContinuous-v0") return run<ac::envs::MountainCarContinuous>(options, steps_given, algo, env);
  throw ac::InvalidArgument(fmt::format(
      "--env: unknown environment \"{}\"; expected one of CartPole-v1, Acrobot-v1, Pendulum-v1, "
      "MountainCarContinuous-v0",
      env));
} catch (const std::exception& error) {
  fmt::print(stderr, "policy_optimization: {}\n", error.what());
  return 2;
}
