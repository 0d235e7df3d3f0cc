// actorcritic-eval: evaluates a checkpoint written by actorcritic-train --save.
//
//   actorcritic-eval --load PATH [--env ID] [--episodes K (20)] [--seed S (0)] [--record PATH.csv]
//
// The deterministic policy (the distribution's mode) runs K episodes; the mean
// and std of the returns are printed. --record writes every step (episode,
// step, observation, action, reward, terminated, truncated) as CSV.
// Exit codes: 0 success, 2 bad command line, 1 a checkpoint that cannot be used.
#include "session.hpp"

#include <exception>

namespace {

struct EvalOptions {
  std::string load, env, record;
  long episodes = 20;
  std::uint64_t seed = 0;
};

constexpr std::string_view kUsage =
    "usage: actorcritic-eval --load PATH [--env ID] [--episodes K] [--seed S] [--record PATH.csv]\n\n"
    "Evaluates the deterministic policy of a checkpoint written by actorcritic-train --save.\n";

template <class E>
int evaluate_checkpoint(const ac::Checkpoint<float>& c, const EvalOptions& options) {
  constexpr bool discrete = ac::envs::DiscreteEnv<E>;
  using Actor = std::conditional_t<discrete, ac::CategoricalActor<float>, ac::GaussianActor<float>>;
  ac::check_checkpoint_environment(c.environment, cli::describe_environment<E>(), options.load);
  const auto& net = c.actor.config;
  const ac::Index head = c.environment.action_size;
  if (net.outputs != head && net.outputs != head + 1) {
    ac::throw_io_error("{}: the actor has {} outputs, expected {} (or {} with a shared value row)", options.load,
                       net.outputs, head, head + 1);
  }
  ac::ActorConfig config;
  config.hidden = net.hidden;
  config.activation = net.activation;
  config.layer_norm = net.layer_norm;
  ac::Generator init(0);
  std::unique_ptr<Actor> actor = net.outputs == head
                                     ? std::make_unique<Actor>(net.inputs, head, config, init)
                                     : std::make_unique<Actor>(ac::WithValueRow{}, net.inputs, head, config, init);
  cli::restore_network(actor->network(), c.actor, "actor", options.load);
  std::optional<ac::VecNormalize> normalizer;
  if (!c.normalizer.empty()) {
    normalizer.emplace(cli::read_normalizer(c.normalizer, net.inputs, 1, options.load));
    normalizer->set_training(false);
  }
  std::string trajectory;
  if (!options.record.empty()) {
    trajectory = "episode,step";
    for (ac::Index i = 0; i < net.inputs; ++i) trajectory += fmt::format(",observation_{}", i);
    for (ac::Index i = 0; i < (discrete ? 1 : head); ++i) trajectory += fmt::format(",action_{}", i);
    trajectory += ",reward,terminated,truncated\n";
  }
  const auto result = ac::evaluate(*actor, E{}, options.episodes, options.seed, normalizer ? &*normalizer : nullptr,
                                   [&](const ac::EvaluationStep<E>& s) {
                                     if (options.record.empty()) return;
                                     trajectory += fmt::format("{},{}", s.episode, s.step);
                                     for (ac::Index i = 0; i < s.observation.size(); ++i) {
                                       trajectory += fmt::format(",{}", s.observation(i));
                                     }
                                     if constexpr (discrete) {
                                       trajectory += fmt::format(",{}", s.action);
                                     } else {
                                       for (ac::Index i = 0; i < s.action.size(); ++i) {
                                         trajectory += fmt::format(",{}", s.action(i));
                                       }
                                     }
                                     trajectory += fmt::format(",{},{:d},{:d}\n", s.reward, s.terminated, s.truncated);
                                   });
  if (!options.record.empty()) ac::write_file_atomically(options.record, trajectory);
  fmt::print("{} ({} on {}, {} steps, seed {}): evaluation over {} episodes: {:.2f} ± {:.2f}\n", options.load,
             c.algorithm, c.environment.id, c.steps, c.seed, result.episodes, result.mean_return, result.std_return);
  if (!options.record.empty()) fmt::print("trajectory: {}\n", options.record);
  return 0;
}

EvalOptions parse(int argc, char** argv) {
  EvalOptions o;
  cli::FlagSet flags;
  flags.text("--load", "checkpoint to evaluate", o.load);
  flags.text("--env", "environment id; must match the checkpoint's", o.env, cli::kEnvironments);
  flags.number("--episodes", "evaluation episodes", o.episodes, cli::Range::positive);
  flags.number("--seed", "seed of the evaluation environment", o.seed, cli::Range::non_negative);
  flags.text("--record", "write the trajectory to this CSV", o.record);
  std::vector<std::pair<std::string, std::string>> given;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      fmt::print("{}{}", kUsage, flags.help());
      std::exit(0);
    }
    if (i + 1 >= argc) cli::usage_error("{}: expected a value after the flag", flag);
    given.emplace_back(flag, argv[++i]);
  }
  flags.apply(given, "actorcritic-eval");
  if (o.load.empty()) cli::usage_error("--load: expected a checkpoint path (see --help)");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const EvalOptions options = parse(argc, argv);
    const auto checkpoint = ac::load_checkpoint<float>(options.load);
    if (!options.env.empty() && options.env != checkpoint.environment.id) {
      ac::throw_io_error("{}: the checkpoint was trained on {}, not {}", options.load, checkpoint.environment.id,
                         options.env);
    }
    const auto& known = cli::kEnvironments;
    if (std::find(known.begin(), known.end(), checkpoint.environment.id) == known.end()) {
      ac::throw_io_error("{}: unknown environment \"{}\" in the checkpoint", options.load, checkpoint.environment.id);
    }
    return cli::with_environment(checkpoint.environment.id,
                                 [&]<class E>() { return evaluate_checkpoint<E>(checkpoint, options); });
  } catch (const cli::UsageError& error) {
    fmt::print(stderr, "actorcritic-eval: {}\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "actorcritic-eval: error: {}\n", error.what());
    return 1;
  }
}
