// Lecture demo (b): importance-weight products vanish or explode as the target
// policy θπ drifts from the behavior policy θβ. A behavior policy collects
// H consecutive decisions in each of N CartPole envs; target policies
// θπ = θβ + s·d move along a fixed random direction d. For each s we report the
// mean per-state KL(β‖π) and the distribution over envs of the log of the
// product of H ratios π(a|s)/β(a|s): its mean drifts to −∞ (most products
// vanish) while its spread grows (a few explode and carry all the weight, the
// effective sample size collapses).
//
//   importance_weights [--envs N (256)] [--horizon H (32)] [--seed S (0)] [--csv PATH] [--plot PATH.png]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>
#include <cmath>

#include "../example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("importance_weights", [&] {
    ExampleCommandLine options("importance_weights",
                               "Lecture demo (b): how importance-weight products spread with the horizon.");
    long envs = 256, horizon = 32;
    options.flags.number("--envs", "parallel environments (trajectories)", envs, cli::Range::positive);
    options.flags.number("--horizon", "decisions per trajectory", horizon, cli::Range::positive);
    options.with_seed().with_csv("importance_weights.csv").with_plot();
    options.parse(argc, argv);

    ac::VectorEnv<ac::envs::CartPole> env(envs, options.seed);
    ac::Generator rng(options.seed);
    // Output gain 1 (not 0.01): a behavior policy with clearly non-uniform action probabilities.
    ac::ActorConfig config;
    config.output_gain = 1.0;
    ac::CategoricalActor<double> behavior(4, 2, config, rng);
    ac::Collector<ac::CategoricalActor<double>> collector;
    const auto& rollout = collector.collect(env, behavior, nullptr, rng, horizon);
    const ac::Index batch = rollout.size();
    ac::Categorical<double> beta = behavior.distribution(rollout.observations);

    const ac::Vector<double> theta_beta = behavior.network().parameters();
    ac::Vector<double> direction(theta_beta.size());
    rng.fill_normal(direction);
    direction *= theta_beta.norm() / direction.norm();  // a step of s·‖θβ‖

    ac::CategoricalActor<double> target = behavior;
    ac::Matrix<double> log_pi(1, batch), kl(1, batch);
    std::string csv =
        "scale,kl,log_weight_mean,log_weight_std,log_weight_min,log_weight_max,ess_fraction,max_weight_share\n";
    fmt::print("{} envs x {} decisions from the behavior policy (seed {})\n", envs, horizon, options.seed);
    fmt::print("{:>6} {:>9} {:>12} {:>12} {:>10} {:>10}\n", "s", "KL(β‖π)", "mean log w", "std log w", "ESS / N",
               "max share");
    for (const double scale : {0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0}) {
      target.network().parameters() = theta_beta + scale * direction;
      const auto& pi = target.distribution(rollout.observations);
      pi.log_prob(rollout.actions, log_pi);
      beta.kl(pi, kl);
      // Sample t·N + n: the log ratio of env n's t-th decision; sum over t per env.
      const ac::Matrix<double> log_ratio =
          (log_pi - ac::ConstMatrixMap<double>(rollout.log_probs.data(), 1, batch)).reshaped(envs, horizon);
      const ac::Vector<double> log_w = log_ratio.rowwise().sum();
      const double mean = log_w.mean();
      const double sd = std::sqrt((log_w.array() - mean).square().mean());
      const ac::Vector<double> w = (log_w.array() - log_w.maxCoeff()).exp();  // scaled: ratios below are scale-free
      const double ess = w.sum() * w.sum() / (double(envs) * w.squaredNorm());
      const double max_share = w.maxCoeff() / w.sum();
      const double mean_kl = kl.mean();
      csv += fmt::format("{},{},{},{},{},{},{},{}\n", scale, mean_kl, mean, sd, log_w.minCoeff(), log_w.maxCoeff(), ess,
                         max_share);
      fmt::print("{:>6.2f} {:>9.4f} {:>12.2f} {:>12.2f} {:>10.3f} {:>10.3f}\n", scale, mean_kl, mean, sd, ess,
                 max_share);
    }
    ac::write_file_atomically(options.csv, csv);
    fmt::print("data: {}\n", options.csv);
    if (!options.plot.empty()) {
      ac::plot_csv(options.csv, options.plot,
                   {.title = fmt::format("log of the product of {} importance ratios over {} envs", horizon, envs),
                    .x = "kl",
                    .y = {"log_weight_mean", "log_weight_std", "log_weight_min", "log_weight_max"},
                    .x_label = "mean per-state KL(behavior || target)",
                    .y_label = "log w = sum of log pi/beta",
                    .style = "linespoints linewidth 2"});
      fmt::print("plot: {}\n", options.plot);
    }
    return 0;
  });
}
