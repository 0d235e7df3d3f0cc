#pragma once
// What actorcritic-train does around any algorithm: the command line's common
// flags, the environment and the networks, progress, CSV, plot, evaluation,
// JSON summary and checkpoint. Each algorithm family (family_*.cpp) adds its
// own flags with defaults tuned per environment and hands its algorithm to
// Session::run.

#include <actorcritic/actorcritic.hpp>

#include "flags.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cli {

inline const std::vector<std::string> kAlgorithms{"reinforce", "vpg",     "a2c",         "offpolicy",      "trpo",
                                                  "ppo-kl",    "ppo-clip", "ppo-clip-kl", "ppo-clip-kl-ent"};
inline const std::vector<std::string> kEnvironments{"CartPole-v1",    "Pendulum-v1", "MountainCar-v0",
                                                    "MountainCarContinuous-v0", "Acrobot-v1",
                                                    "SingleStateBandit-v0"};

/// The command line before the algorithm's flags are known: --algo and --env
/// choose which flags exist and their defaults; the rest is applied later.
struct Invocation {
  std::string program = "actorcritic-train";
  std::string algo = "ppo-clip";
  std::string env = "CartPole-v1";
  bool help = false;
  bool quiet = false;
  std::vector<std::pair<std::string, std::string>> given;
};

/// Calls f.template operator()<E>() for the environment named `id`.
template <class F>
int with_environment(std::string_view id, F&& f) {
  namespace e = ac::envs;
  if (id == "CartPole-v1") return f.template operator()<e::CartPole>();
  if (id == "Acrobot-v1") return f.template operator()<e::Acrobot>();
  if (id == "MountainCar-v0") return f.template operator()<e::MountainCar>();
  if (id == "Pendulum-v1") return f.template operator()<e::Pendulum>();
  if (id == "MountainCarContinuous-v0") return f.template operator()<e::MountainCarContinuous>();
  if (id == "SingleStateBandit-v0") return f.template operator()<e::SingleStateBandit>();
  usage_error("--env: unknown environment \"{}\"; expected one of {}", id, fmt::join(kEnvironments, ", "));
}

/// The flags every algorithm has. Defaults depend on the environment (env_defaults).
struct CommonOptions {
  long steps = 100'000;
  std::uint64_t seed = 0;
  long envs = 8;
  long eval_episodes = 20;
  long stop_after = 0;        // 0: run the whole budget
  long checkpoint_every = 0;  // 0: only at the end
  std::string csv, save, plot, summary, resume;
  std::vector<long> hidden{64, 64};
  std::string activation = "tanh";
  bool layer_norm = false;
  bool shared_trunk = false;
  bool normalize_observations = false;
  bool normalize_rewards = false;
  double initial_log_std = 0.0;
};

/// Environment-level defaults: number of envs, step budget, normalization and
/// network widths. Sources: rl-baselines3-zoo's hyperparameter files for
/// CartPole, Acrobot and MountainCar; RLtools (and ac::presets) for Pendulum.
inline CommonOptions env_defaults(std::string_view env, std::string_view algo) {
  CommonOptions o;
  const bool continuous = env == "Pendulum-v1" || env == "MountainCarContinuous-v0" || env == "SingleStateBandit-v0";
  if (env == "CartPole-v1") {
    o.steps = algo == "reinforce" ? 1'000'000 : algo == "a2c" || algo == "vpg" || algo == "offpolicy" ? 500'000 : 100'000;
  } else if (env == "Acrobot-v1") {
    o.envs = 16;
    o.steps = 500'000;
    o.normalize_observations = true;
  } else if (env == "MountainCar-v0") {
    o.envs = 16;
    o.steps = 1'000'000;
    o.normalize_observations = true;
  } else if (env == "SingleStateBandit-v0") {
    o.envs = 8;
    o.steps = 4'000;
    o.hidden = {16};
    o.initial_log_std = 0.0;
  } else {  // Pendulum-v1, MountainCarContinuous-v0
    const auto actor = ac::presets::pendulum_actor();
    o.envs = ac::presets::kPpoPendulumEnvs;
    o.steps = env == "Pendulum-v1" ? 300'000 : 1'000'000;
    o.hidden.assign(actor.hidden.begin(), actor.hidden.end());
    o.initial_log_std = actor.initial_log_std;
    o.normalize_observations = true;
    o.normalize_rewards = true;
  }
  if (algo == "reinforce" && continuous && env != "SingleStateBandit-v0") o.normalize_rewards = false;
  return o;
}

inline void add_common_flags(FlagSet& flags, CommonOptions& o, bool continuous, bool has_critic) {
  flags.section("run");
  flags.number("--steps", "environment steps to train", o.steps, Range::positive);
  flags.number("--seed", "seed of the envs, the networks and the sampling", o.seed, Range::non_negative);
  flags.number("--envs", "parallel environments", o.envs, Range::positive);
  flags.number("--eval-episodes", "episodes of the final deterministic evaluation", o.eval_episodes, Range::positive);
  flags.text("--csv", "write one row per iteration here", o.csv);
  flags.text("--plot", "draw the learning curve into this PNG (gnuplot)", o.plot);
  flags.text("--summary", "write a JSON summary here", o.summary);
  flags.text("--save", "write a checkpoint here at the end", o.save);
  flags.text("--resume", "continue the run saved in this checkpoint, bit for bit (to its own --steps unless given)",
             o.resume);
  flags.number("--checkpoint-every", "also save the checkpoint every this many steps (0: only at the end)",
               o.checkpoint_every, Range::non_negative);
  flags.number("--stop-after", "stop after this many steps of the budget, as if interrupted (0: never)",
               o.stop_after, Range::non_negative);
  flags.section("networks");
  flags.custom(
      "--hidden", "hidden layer widths, comma-separated",
      [&o] { return fmt::format("{}", fmt::join(o.hidden, ",")); },
      [&o](std::string_view flag, std::string_view text) { o.hidden = parse_widths(flag, text); });
  flags.text("--activation", "hidden activation", o.activation, {"tanh", "relu"});
  flags.boolean("--layer-norm", "layer norm after every hidden layer", o.layer_norm);
  if (has_critic) flags.boolean("--shared-trunk", "one network for policy and value (two heads)", o.shared_trunk);
  if (continuous) flags.number("--initial-log-std", "initial log σ of the Gaussian policy", o.initial_log_std, Range::any);
  flags.boolean("--normalize-observations", "running mean/std observation normalization", o.normalize_observations);
  flags.boolean("--normalize-rewards", "scale rewards by the running std of the return", o.normalize_rewards);
}

/// The JSON string literal of `text`.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// A JSON number; NaN and infinities (which JSON lacks) become null.
inline std::string json_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string("null");
}

/// The policy (and critic) of a run: separate networks, a shared trunk, or a policy alone.
template <class Actor>
class Model {
 public:
  using Scalar = typename Actor::Scalar;

  Model(ac::Index observation_dim, ac::Index action_size, const ac::ActorConfig& actor_config,
        const ac::CriticConfig& critic_config, bool with_critic, bool shared, ac::Generator& init) {
    if (shared) {
      shared_ = std::make_unique<ac::SharedActorCritic<Actor>>(observation_dim, action_size, actor_config, init);
    } else {
      actor_ = std::make_unique<Actor>(observation_dim, action_size, actor_config, init);
      if (with_critic) critic_ = std::make_unique<ac::Critic<Scalar>>(observation_dim, critic_config, init);
    }
  }
  Actor& actor() { return shared_ ? shared_->actor() : *actor_; }
  /// nullptr when the run has no critic (REINFORCE).
  ac::Critic<Scalar>* critic() { return shared_ ? &shared_->critic() : critic_.get(); }

 private:
  std::unique_ptr<ac::SharedActorCritic<Actor>> shared_;
  std::unique_ptr<Actor> actor_;
  std::unique_ptr<ac::Critic<Scalar>> critic_;
};

template <class E>
ac::CheckpointEnvironment describe_environment() {
  const E env{};
  ac::CheckpointEnvironment d;
  d.id = std::string(E::kId);
  d.observation_dim = env.observation_space().dim();
  if constexpr (ac::envs::DiscreteEnv<E>) {
    d.discrete = true;
    d.action_size = env.action_space().n;
  } else {
    const auto space = env.action_space();
    d.discrete = false;
    d.action_size = space.dim();
    d.action_low.assign(space.low.data(), space.low.data() + space.low.size());
    d.action_high.assign(space.high.data(), space.high.data() + space.high.size());
  }
  return d;
}

/// The normalizer stored in a checkpoint's normalizer section, for `envs` environments.
inline ac::VecNormalize read_normalizer(const std::string& bytes, ac::Index observation_dim, ac::Index envs,
                                        const std::string& source) {
  ac::ByteReader in(bytes, source);
  auto normalizer = ac::VecNormalize::load_with_settings(in, observation_dim, envs);
  if (in.remaining() != 0) ac::throw_io_error("{}: {} extra bytes after the normalizer", source, in.remaining());
  return normalizer;
}

/// Copies a stored network into `net`, or throws IoError if the architectures differ.
template <ac::RealScalar Scalar>
void restore_network(ac::nn::Mlp<Scalar>& net, const ac::NetworkRecord<Scalar>& record, const std::string& name,
                     const std::string& source) {
  const auto& a = net.config();
  const auto& b = record.config;
  if (a.inputs != b.inputs || a.hidden != b.hidden || a.outputs != b.outputs || a.activation != b.activation ||
      a.layer_norm != b.layer_norm || a.trailing_parameters != b.trailing_parameters) {
    ac::throw_io_error("{}: the checkpoint's {} has layers {} → {} → {} ({}{}), this run's has {} → {} → {} ({}{})",
                       source, name, b.inputs, fmt::join(b.hidden, ","), b.outputs, ac::nn::to_string(b.activation),
                       b.layer_norm ? ", layer norm" : "", a.inputs, fmt::join(a.hidden, ","), a.outputs,
                       ac::nn::to_string(a.activation), a.layer_norm ? ", layer norm" : "");
  }
  net.parameters() = record.parameters;
}

/// One training run of any algorithm on E.
template <class E>
class Session {
 public:
  static constexpr bool kDiscrete = ac::envs::DiscreteEnv<E>;
  using Actor = std::conditional_t<kDiscrete, ac::CategoricalActor<float>, ac::GaussianActor<float>>;

  Session(const Invocation& invocation, const CommonOptions& options, bool with_critic, double gamma)
      : invocation_(invocation), options_(options), env_(options.envs, options.seed), init_(options.seed),
        model_(env_.observation_dim(), action_size(), actor_config(), critic_config(), with_critic,
               options.shared_trunk, init_),
        normalizer_(env_.observation_dim(), env_.size(), normalization(gamma)) {
    if (options.shared_trunk && !with_critic) usage_error("--shared-trunk: {} has no critic", invocation.algo);
  }

  Actor& actor() { return model_.actor(); }
  ac::Critic<float>& critic() { return *model_.critic(); }
  [[nodiscard]] bool normalizing() const { return options_.normalize_observations || options_.normalize_rewards; }

  /// Trains, then evaluates, reports and saves what the flags ask for. Returns the exit code.
  template <class Algorithm>
  int run(Algorithm& algorithm) {
    if (normalizing()) algorithm.set_normalizer(&normalizer_);
    ac::TrainStart start;
    if (!options_.resume.empty()) start = resume(algorithm);
    steps_done_ = start.steps;
    iteration_ = start.iteration;
    loop_rng_ = start.rng.value_or(ac::Generator(options_.seed));
    if (options_.checkpoint_every > 0 && options_.save.empty()) {
      usage_error("--checkpoint-every: expected --save PATH to write the checkpoints to");
    }
    std::string csv_path = options_.csv;
    if (csv_path.empty() && !options_.plot.empty()) csv_path = options_.plot + ".csv";
    std::optional<ac::CsvLog> log;
    if (!csv_path.empty()) log.emplace(csv_path);
    std::optional<ac::ProgressBar> progress;
    if (!invocation_.quiet) {
      progress.emplace(options_.steps);
      fmt::print("{} on {}: {} steps{}, {} envs, seed {}\n", invocation_.algo, invocation_.env, options_.steps,
                 start.steps > 0 ? fmt::format(" (resuming at {})", start.steps) : std::string(), options_.envs,
                 options_.seed);
    }
    double wall = 0.0;
    double last_mean = std::numeric_limits<double>::quiet_NaN();
    long next_checkpoint = options_.checkpoint_every > 0
                               ? (start.steps / options_.checkpoint_every + 1) * options_.checkpoint_every
                               : std::numeric_limits<long>::max();
    ac::train(
        algorithm, env_, options_.steps, options_.seed,
        [&](const ac::IterationInfo& info) {
          if (log) (*log)(info);
          if (progress) (*progress)(info);
          wall = info.seconds;
          last_mean = info.mean_return;
          steps_done_ = info.steps;
          iteration_ = info.iteration;
          loop_rng_ = *info.rng;
          if (info.steps >= next_checkpoint) {
            save(algorithm);
            next_checkpoint = (info.steps / options_.checkpoint_every + 1) * options_.checkpoint_every;
          }
          return options_.stop_after == 0 || info.steps < options_.stop_after;
        },
        start);
    if (log) log->flush();
    if (!options_.plot.empty()) {
      ac::plot_learning_curve(csv_path, options_.plot, fmt::format("{} on {}", invocation_.algo, invocation_.env));
    }
    if (!options_.save.empty()) save(algorithm);
    const bool was_training = normalizer_.training();
    normalizer_.set_training(false);
    const auto evaluation = ac::evaluate(actor(), E{}, options_.eval_episodes, options_.seed + 1'000'000,
                                         normalizing() ? &normalizer_ : nullptr);
    normalizer_.set_training(was_training);
    if (!options_.summary.empty()) write_summary(wall, last_mean, start.steps, evaluation);
    fmt::print("{} on {}: evaluation over {} episodes: {:.2f} ± {:.2f} ({} steps, {:.1f} s)\n", invocation_.algo,
               invocation_.env, evaluation.episodes, evaluation.mean_return, evaluation.std_return, steps_done_,
               wall);
    if (!invocation_.quiet) {
      if (!csv_path.empty()) fmt::print("log: {}\n", csv_path);
      if (!options_.plot.empty()) fmt::print("learning curve: {}\n", options_.plot);
      if (!options_.save.empty()) fmt::print("checkpoint: {}\n", options_.save);
      if (!options_.summary.empty()) fmt::print("summary: {}\n", options_.summary);
    }
    return 0;
  }

 private:
  [[nodiscard]] ac::Index action_size() const {
    if constexpr (kDiscrete) return env_.action_count(); else return env_.action_dim();
  }
  [[nodiscard]] ac::ActorConfig actor_config() const {
    ac::ActorConfig c;
    c.hidden.assign(options_.hidden.begin(), options_.hidden.end());
    c.activation = ac::nn::parse_activation(options_.activation);
    c.layer_norm = options_.layer_norm;
    c.initial_log_std = options_.initial_log_std;
    return c;
  }
  [[nodiscard]] ac::CriticConfig critic_config() const {
    ac::CriticConfig c;
    c.hidden.assign(options_.hidden.begin(), options_.hidden.end());
    c.activation = ac::nn::parse_activation(options_.activation);
    c.layer_norm = options_.layer_norm;
    return c;
  }
  [[nodiscard]] ac::VecNormalizeConfig normalization(double gamma) const {
    ac::VecNormalizeConfig c;
    c.observations = options_.normalize_observations;
    c.rewards = options_.normalize_rewards;
    c.gamma = gamma;
    return c;
  }
  [[nodiscard]] bool given(std::string_view flag) const {
    return std::any_of(invocation_.given.begin(), invocation_.given.end(), [&](const auto& g) { return g.first == flag; });
  }

  /// The checkpoint of the run as it stands: after the last iteration, with
  /// the training loop's state, so that --resume continues it bit for bit.
  template <class Algorithm>
  void save(const Algorithm& algorithm) {
    ac::Checkpoint<float> c;
    c.algorithm = invocation_.algo;
    c.environment = describe_environment<E>();
    c.seed = options_.seed;
    c.steps = steps_done_;
    c.actor = {actor().network().config(), actor().network().parameters()};
    if (auto* critic = model_.critic(); critic != nullptr && !critic->shares_network()) {
      c.critic = ac::NetworkRecord<float>{critic->network().config(), critic->network().parameters()};
    }
    if (normalizing()) {
      ac::ByteWriter normalizer;
      normalizer_.save_with_settings(normalizer);
      c.normalizer = normalizer.bytes();
    }
    ac::ByteWriter learner;
    algorithm.save_state(learner);
    c.learner = learner.bytes();
    ac::ByteWriter training;
    training.put(static_cast<std::int64_t>(options_.steps));
    training.put(static_cast<std::int64_t>(steps_done_));
    training.put(static_cast<std::int64_t>(iteration_));
    loop_rng_.save(training);
    env_.save(training);
    if (normalizing()) normalizer_.save_training_state(training);
    c.training = training.bytes();
    ac::save_checkpoint(options_.save, c);
  }

  /// Restores everything save() wrote; returns where the training loop picks up.
  template <class Algorithm>
  ac::TrainStart resume(Algorithm& algorithm) {
    const auto& path = options_.resume;
    const auto c = ac::load_checkpoint<float>(path);
    ac::check_checkpoint_environment(c.environment, describe_environment<E>(), path);
    if (c.algorithm != invocation_.algo) {
      ac::throw_io_error("{}: the checkpoint was trained by {}, not {}", path, c.algorithm, invocation_.algo);
    }
    restore_network(actor().network(), c.actor, "actor", path);
    auto* critic = model_.critic();
    const bool separate_critic = critic != nullptr && !critic->shares_network();
    if (separate_critic != c.critic.has_value()) {
      ac::throw_io_error("{}: the checkpoint {} a separate critic, this run {}", path, c.critic ? "has" : "has no",
                         separate_critic ? "has one" : "has none");
    }
    if (c.critic) restore_network(critic->network(), *c.critic, "critic", path);
    if (normalizing() != !c.normalizer.empty()) {
      ac::throw_io_error("{}: the checkpoint was trained {} normalization, this run {}", path,
                         c.normalizer.empty() ? "without" : "with", normalizing() ? "normalizes" : "does not");
    }
    if (normalizing()) {
      const auto stored = read_normalizer(c.normalizer, env_.observation_dim(), env_.size(), path);
      if (stored.config().observations != options_.normalize_observations ||
          stored.config().rewards != options_.normalize_rewards) {
        ac::throw_io_error("{}: the checkpoint normalized observations {} and rewards {}; this run asks for {} and {}",
                           path, stored.config().observations, stored.config().rewards,
                           options_.normalize_observations, options_.normalize_rewards);
      }
      normalizer_ = stored;
    }
    ac::ByteReader learner(c.learner, path);
    algorithm.load_state(learner);
    if (learner.remaining() != 0) ac::throw_io_error("{}: the learner state has {} extra bytes", path, learner.remaining());

    if (c.training.empty()) ac::throw_io_error("{}: the checkpoint has no training state to resume", path);
    ac::ByteReader training(c.training, path);
    const auto budget = training.get<std::int64_t>("step budget");
    const auto steps = training.get<std::int64_t>("steps done");
    const auto iteration = training.get<std::int64_t>("iterations done");
    if (budget <= 0 || steps < 0 || iteration < 0) ac::throw_io_error("{}: the training state is invalid", path);
    ac::TrainStart start{.steps = static_cast<long>(steps), .iteration = static_cast<long>(iteration), .rng = {}};
    start.rng.emplace();
    start.rng->load(training);
    env_.load(training);
    if (normalizing()) normalizer_.load_training_state(training);
    if (training.remaining() != 0) ac::throw_io_error("{}: the training state has {} extra bytes", path, training.remaining());
    // The run continues to its own budget and with its own seed unless the command line says otherwise.
    if (!given("--steps")) options_.steps = static_cast<long>(budget);
    if (!given("--seed")) options_.seed = c.seed;
    if (options_.steps <= start.steps) {
      usage_error("--steps: the checkpoint has trained {} steps already; expected a budget above that, got {}",
                  start.steps, options_.steps);
    }
    return start;
  }

  void write_summary(double wall, double last_mean, long first_step, const ac::EvaluationResult& evaluation) const {
    const std::string json = fmt::format(
        "{{\n  \"algo\": {},\n  \"env\": {},\n  \"seed\": {},\n  \"steps\": {},\n  \"envs\": {},\n"
        "  \"wall_seconds\": {},\n  \"steps_per_second\": {},\n  \"final_mean_return\": {},\n"
        "  \"eval_return_mean\": {},\n  \"eval_return_std\": {},\n  \"eval_episodes\": {},\n  \"checkpoint\": {}\n}}\n",
        json_string(invocation_.algo), json_string(invocation_.env), options_.seed, steps_done_, options_.envs,
        json_number(wall), json_number(wall > 0 ? double(steps_done_ - first_step) / wall : 0.0), json_number(last_mean),
        json_number(evaluation.mean_return), json_number(evaluation.std_return), evaluation.episodes,
        options_.save.empty() ? std::string("null") : json_string(options_.save));
    ac::write_file_atomically(options_.summary, json);
  }

  const Invocation& invocation_;
  CommonOptions options_;
  ac::VectorEnv<E> env_;
  ac::Generator init_;
  Model<Actor> model_;
  ac::VecNormalize normalizer_;
  long steps_done_ = 0, iteration_ = 0;
  ac::Generator loop_rng_;
};

}  // namespace cli
