// Lecture demo (c): one unconstrained policy-gradient step that is too large
// collapses the return, while TRPO's step (KL ≤ δ) and PPO's clipped epochs
// on the same data do not. A policy is pretrained with PPO on CartPole-v1
// until it is decent but not done (10k steps); one rollout is collected; then, from the
// same parameters and on the same batch:
//   vanilla PG: θ = θ₀ + α · g/‖g‖ with g the policy gradient (GAE advantages),
//               for a sweep of step lengths α in parameter space;
//   TRPO:       one trust-region step (δ = 0.01, ac::presets::trpo_cartpole);
//   PPO:        one update of 20 clipped epochs (ac::presets::ppo_cartpole).
// Each result is evaluated (deterministic policy, 20 episodes) and its KL from
// the starting policy is measured on the batch states; all averaged over seeds.
//
//   large_step [--steps N (10000) pretraining] [--seeds K (5)] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>

#include "../example_options.hpp"

namespace {

using Actor = ac::CategoricalActor<float>;

/// Mean KL(π₀ ‖ π) over the batch states.
double mean_kl(Actor& start, Actor& moved, const ac::Matrix<float>& observations) {
  ac::Categorical<float> before = start.distribution(observations);
  ac::Matrix<float> kl(1, observations.cols());
  before.kl(moved.distribution(observations), kl);
  return double(kl.mean());
}

/// One seed's experiment: returns (KL, return) for each vanilla step length, then TRPO, then PPO, then the start.
std::vector<std::pair<double, double>> run(std::uint64_t seed, long pretrain_steps, const std::vector<double>& alphas) {
  ac::VectorEnv<ac::envs::CartPole> env(ac::presets::kPpoCartPoleEnvs, seed);
  ac::Generator init(seed), rng(seed + 1);
  Actor actor(4, 2, {}, init);
  ac::Critic<float> critic(4, {}, init);
  {
    ac::PPO pretrain(actor, critic, ac::presets::ppo_cartpole());
    ac::train(pretrain, env, pretrain_steps, seed, [](const ac::IterationInfo&) {});
  }
  const auto evaluate = [&](Actor& policy) {
    return ac::evaluate(policy, ac::envs::CartPole{}, 20, seed + 1000).mean_return;
  };

  // One batch from the pretrained policy, with GAE advantages (λ 0.8, γ 0.98 as the PPO preset).
  ac::Collector<Actor> collector;
  const auto& batch = collector.collect(env, actor, &critic, rng, 256);
  ac::Matrix<float> advantages(batch.envs(), batch.steps());
  ac::kernels::gae(batch.rewards, batch.values, batch.next_values, batch.terminated, batch.ended, 0.98f, 0.8f,
                   advantages);
  ac::kernels::normalize_advantages(advantages);
  const ac::Index samples = batch.size();

  // g = ∇ mean(A · log π(a|s)) at θ₀.
  ac::PolicyObjective<Actor> objective;
  objective.begin(actor.distribution(batch.observations), batch.actions);
  objective.score_function(ac::ConstMatrixMap<float>(advantages.data(), 1, samples), 1.0 / double(samples));
  actor.network().zero_gradients();
  actor.backward(objective.gradient());
  const ac::Vector<float> ascent = -actor.network().gradients();  // the objective's gradient is of −J
  const ac::Vector<float> theta0 = actor.network().parameters();

  std::vector<std::pair<double, double>> results;
  Actor moved = actor;
  for (const double alpha : alphas) {
    moved.network().parameters() = theta0 + float(alpha) * ascent.normalized();
    results.emplace_back(mean_kl(actor, moved, batch.observations), evaluate(moved));
  }
  // One update of TRPO or PPO from copies of the same networks, on the same batch.
  const auto one_update = [&]<template <class> class Algorithm>(const auto& config, std::uint64_t update_seed) {
    Actor updated = actor;
    ac::Critic<float> updated_critic = critic;
    Algorithm<Actor> algorithm(updated, updated_critic, config);
    ac::Generator update_rng(update_seed);
    algorithm.update(batch, update_rng);
    results.emplace_back(mean_kl(actor, updated, batch.observations), evaluate(updated));
  };
  one_update.template operator()<ac::TRPO>(ac::presets::trpo_cartpole(), seed + 2);
  one_update.template operator()<ac::PPO>(ac::presets::ppo_cartpole(), seed + 3);
  results.emplace_back(0.0, evaluate(actor));
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::guarded_main("large_step", [&] {
    ExampleCommandLine options("large_step",
                               "Lecture demo (c): one large policy-gradient step can ruin a good policy.");
    long seeds = 5;
    options.with_steps(10'000, "PPO pretraining steps");
    options.flags.number("--seeds", "seeds averaged per step size", seeds, cli::Range::positive);
    options.with_csv("large_step.csv").with_plot();
    options.parse(argc, argv);
    const std::vector<double> alphas{0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0};
    std::vector<std::pair<double, double>> mean(alphas.size() + 3, {0.0, 0.0});
    for (long seed = 0; seed < seeds; ++seed) {
      const auto results = run(static_cast<std::uint64_t>(seed), options.steps, alphas);
      for (std::size_t i = 0; i < results.size(); ++i) {
        mean[i].first += results[i].first / double(seeds);
        mean[i].second += results[i].second / double(seeds);
      }
    }
    const std::size_t trpo = alphas.size(), ppo = trpo + 1, start = trpo + 2;
    fmt::print("CartPole-v1, pretrained {} steps with PPO, batch of 8 x 256; mean over {} seeds\n", options.steps,
               seeds);
    fmt::print("{:<24} {:>10} {:>14}\n", "update", "KL(π₀‖π)", "eval return");
    fmt::print("{:<24} {:>10} {:>14.1f}\n", "none (the start)", "", mean[start].second);
    for (std::size_t i = 0; i < alphas.size(); ++i) {
      fmt::print("{:<24} {:>10.4f} {:>14.1f}\n", fmt::format("vanilla, α = {}", alphas[i]), mean[i].first,
                 mean[i].second);
    }
    fmt::print("{:<24} {:>10.4f} {:>14.1f}\n", "TRPO, δ = 0.01", mean[trpo].first, mean[trpo].second);
    fmt::print("{:<24} {:>10.4f} {:>14.1f}\n", "PPO-clip, 20 epochs", mean[ppo].first, mean[ppo].second);

    std::string csv = "step_length,kl,vanilla_return,trpo_return,ppo_return,start_return\n";
    for (std::size_t i = 0; i < alphas.size(); ++i) {
      csv += fmt::format("{},{},{},{},{},{}\n", alphas[i], mean[i].first, mean[i].second, mean[trpo].second,
                         mean[ppo].second, mean[start].second);
    }
    ac::write_file_atomically(options.csv, csv);
    fmt::print("data: {}\n", options.csv);
    if (!options.plot.empty()) {
      ac::plot_csv(options.csv, options.plot,
                   {.title = "one policy update on CartPole-v1 from the same policy and batch",
                    .x = "step_length",
                    .y = {"vanilla_return", "trpo_return", "ppo_return", "start_return"},
                    .x_label = "vanilla step length alpha (parameter space)",
                    .y_label = "evaluation return after the update",
                    .log_x = true,
                    .style = "linespoints linewidth 2"});
      fmt::print("plot: {}\n", options.plot);
    }
    return 0;
  });
}
