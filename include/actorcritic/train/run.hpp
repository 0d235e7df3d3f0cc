#pragma once
// A training run as one object: it owns the vector environment, the networks,
// the normalizer, the algorithm with its hyperparameters and the training
// loop's state (collector, sampling generator, counters), and it saves and
// loads all of that as one checkpoint. Stopped and resumed is the same run,
// bit for bit, as the uninterrupted one.
//
//   ac::RunConfig config{.envs = 8, .seed = 1, .total_steps = 100'000};
//   ac::Run<ac::PPO<ac::CategoricalActor<float>>, ac::envs::CartPole> run(config, ac::presets::ppo_cartpole());
//   run.train([](const ac::IterationInfo& info) { ... });   // or run.iterate() step by step
//   run.save("cartpole.ckpt");
//   auto resumed = decltype(run)::load("cartpole.ckpt");   // everything comes from the file
//
// The algorithm keeps only its update (and an off-policy algorithm its
// replay); what is collected, from which environments, under which
// normalization, with which generator is the run's.
//
// Data-parallel (docs/distributed.md): given a communicator, the run is one
// rank of a synchronous job that is the same global experiment as one process
// with the same RunConfig. config.envs counts every rank's environments; this
// rank steps its block of them (ac::shard_of), seeded seed + global index;
// the networks start from rank 0's; this rank samples with rank_seed(seed,
// rank); the algorithm, the normalizer and the loop take every statistic over
// all ranks. save() is collective: rank 0 writes one checkpoint holding every
// rank's environments, generator, normalizer and learner, and load() under the
// same number of ranks continues it exactly (another number is refused).

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/envs/vector_env.hpp"
#include "actorcritic/policies/actor_critic_model.hpp"
#include "actorcritic/rollout/vec_normalize.hpp"
#include "actorcritic/train/acting.hpp"
#include "actorcritic/train/checkpoint.hpp"
#include "actorcritic/train/evaluate.hpp"
#include "actorcritic/train/train.hpp"

#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac {

/// The run's hyperparameters beyond the algorithm's own (Algorithm::Settings).
struct RunConfig {
  Index envs = 8;                 // parallel environments
  std::uint64_t seed = 0;         // environments (seed + index), networks, sampling
  long total_steps = 100'000;     // the step budget; schedules follow the fraction used
  ActorConfig actor{};
  CriticConfig critic{};
  bool shared_trunk = false;      // one network with a policy head and a value row
  std::optional<VecNormalizeConfig> normalization{};  // nullopt: none
  std::string label{};            // free text naming the run (the CLI stores its --algo)
  /// The application's own settings, opaque to the library (the CLI keeps its
  /// output flags here as "name=value", so that a resumed run writes where it did).
  std::vector<std::string> application{};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("envs", envs, archive::between(1, std::uint64_t{1} << 20));
    a.field("seed", seed);
    a.field("total_steps", total_steps, archive::positive());
    a.field("actor", actor);
    a.field("critic", critic);
    a.field("shared_trunk", shared_trunk);
    a.field("normalization", normalization);
    a.field("label", label);
    a.field("application", application);
  }
  void validate() const {
    check_positive("RunConfig.envs", envs);
    check_positive("RunConfig.total_steps", total_steps);
    actor.validate();
    critic.validate();
    if (normalization) normalization->validate();
    if (shared_trunk && critic.recurrent > 0) {
      throw_invalid_argument("RunConfig.critic.recurrent: expected 0 with a shared trunk (the critic runs on the "
                             "actor's network: set actor.recurrent), got {}",
                             critic.recurrent);
    }
  }
};

/// The first records of a run's checkpoint — which algorithm, on what, with
/// which run settings — without the rest (e.g. to choose the types to load it with).
struct RunHeader {
  CheckpointHeader header;
  RunConfig config;
};
/// Reads the header and the run's configuration, the first two records of every run's checkpoint.
inline RunHeader read_run_header(InputArchive& in) {
  RunHeader h;
  in.field("header", h.header);
  in.field("config", h.config);
  return h;
}
template <RealScalar Scalar = float>
RunHeader read_run_header(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  InputArchive in(open_checkpoint<Scalar>(bytes, path.string()), path.string());
  return read_run_header(in);
}

/// Refuses, before anything is built, a configuration whose networks (the
/// actor's, and the critic's when it has its own) or environments need more
/// bytes than the rest of the file holds: their parameters and states are
/// stored further on, so a hostile size cannot make the loader allocate.
template <RealScalar Scalar>
void check_run_fits(const RunHeader& run, const InputArchive& in, bool separate_critic) {
  const auto& e = run.header.environment;
  std::uint64_t parameters =
      nn::MlpConfig{.inputs = e.observation_dim, .hidden = run.config.actor.hidden, .outputs = e.head_rows()}
          .parameter_count();
  if (separate_critic) {
    parameters += nn::MlpConfig{.inputs = e.observation_dim, .hidden = run.config.critic.hidden, .outputs = 1}
                      .parameter_count();
  }
  if (parameters > in.remaining() / sizeof(Scalar) || static_cast<std::uint64_t>(run.config.envs) > in.remaining()) {
    throw_io_error("{}: config describes networks or environments larger than the {} bytes the file holds",
                   in.source(), in.remaining());
  }
}

/// Whether Algorithm learns a critic (its constructor takes one).
template <class Algorithm>
inline constexpr bool kHasCritic =
    requires(typename Algorithm::PolicyType& actor, Critic<typename Algorithm::PolicyType::Scalar>& critic,
             const typename Algorithm::Settings& settings) { Algorithm(actor, critic, settings); };

template <class Algorithm, envs::Env E>
class Run {
  static_assert(Serializable<E>,
                "ac::Run checkpoints every environment: give the environment type "
                "`template <class Archive> void serialize(Archive& a)` naming its state with a.field(\"name\", member) "
                "(docs/envs.md, docs/run.md), or derive it from ac::envs::EpisodicEnv");

 public:
  using Actor = typename Algorithm::PolicyType;
  using Scalar = typename Actor::Scalar;
  using Settings = typename Algorithm::Settings;
  using Environment = E;

  /// A new run: environments seeded from config.seed, networks initialized
  /// from it, nothing trained. `prototype` is the environment every copy is
  /// made from; `comm` the ranks this run is one of (a single process by default).
  Run(const RunConfig& config, const Settings& settings, const E& prototype = E{}, CommunicatorRef comm = {})
      : config_((config.validate(), config)), comm_(comm), prototype_(prototype),
        env_(make_envs(config_, comm, prototype)),
        model_(make_model(config_, *env_)),
        normalizer_(config.normalization
                        ? std::make_unique<VecNormalize>(env_->observation_dim(), env_->size(), *config.normalization)
                        : nullptr),
        algorithm_(make_algorithm(*model_, settings)), loop_(rank_seed(config.seed, comm.rank()), normalizer_.get()) {
    if constexpr (!kHasCritic<Algorithm>) {
      if (config.shared_trunk) throw_invalid_argument("RunConfig.shared_trunk: {} has no critic", Algorithm::kName);
    }
    if (comm_.size() > 1) {
      if constexpr (requires { algorithm_.set_communicator(comm_); }) {
        algorithm_.set_communicator(comm_);
      } else {
        throw_invalid_argument("Run: comm: {} has no set_communicator(CommunicatorRef); it cannot run on {} ranks",
                               Algorithm::kName, comm_.size());
      }
      for_each_network([this](nn::Mlp<Scalar>& net) {  // every rank starts from rank 0's networks
        comm_.broadcast(std::span<Scalar>(net.parameters().data(), static_cast<std::size_t>(net.parameter_count())),
                        0);
      });
      if (normalizer_) normalizer_->set_communicator(comm_);
      loop_.set_communicator(comm_);
    }
  }
  /// A new data-parallel run with default-constructed environments.
  Run(const RunConfig& config, const Settings& settings, CommunicatorRef comm) : Run(config, settings, E{}, comm) {}

  /// The run saved in `path`, ready to continue: hyperparameters, networks,
  /// normalizer, learner, generator, counters and environments all come from
  /// the file. Throws IoError if the file is not a checkpoint of this
  /// algorithm on this environment, or is damaged, or (data-parallel) was
  /// written by another number of ranks. With several ranks, every rank calls
  /// it; rank 0 reads the file and sends it to the others.
  static Run load(const std::filesystem::path& path, const E& prototype = E{}, CommunicatorRef comm = {}) {
    if (comm.size() == 1) return from_checkpoint_bytes(read_file(path), path.string(), prototype, comm);
    std::string bytes = on_root_for_all(comm, [&] { return read_file(path); });
    return from_checkpoint_bytes(bytes, path.string(), prototype, comm);
  }
  /// load() from a checkpoint's bytes; `source` names them in errors.
  static Run from_checkpoint_bytes(std::string_view bytes, const std::string& source, const E& prototype = E{},
                                   CommunicatorRef comm = {}) {
    InputArchive in(open_checkpoint<Scalar>(bytes, source), source);
    const auto [header, config] = read_run_header(in);
    if (header.algorithm != Algorithm::kName) {
      throw_io_error("{}: the checkpoint was trained by {}, not {}", source, header.algorithm, Algorithm::kName);
    }
    check_checkpoint_environment(header.environment, describe_environment(prototype), source);
    check_checkpoint_policy<Actor>(header, source);
    check_run_fits<Scalar>({header, config}, in, kHasCritic<Algorithm> && !config.shared_trunk);
    Settings settings{};
    in.field("settings", settings);
    Run run(config, settings, prototype, comm);
    run.state(in);
    in.finish();
    return run;
  }

  /// Writes the whole run to `path` atomically (a crash leaves the previous
  /// file). With several ranks every rank calls it and rank 0 writes.
  void save(const std::filesystem::path& path) const {
    const std::string bytes = to_checkpoint_bytes();
    if (comm_.size() == 1) {
      write_file_atomically(path, bytes);
      return;
    }
    on_root_for_all(comm_, [&] {
      write_file_atomically(path, bytes);
      return std::string();
    });
  }

  /// The checkpoint's bytes (with several ranks: collective, the same on every rank).
  [[nodiscard]] std::string to_checkpoint_bytes() const {
    OutputArchive out;
    write(out);
    return seal_checkpoint<Scalar>(out.bytes());
  }

  /// The dotted path of every field this run's checkpoint holds, in order
  /// ("header", "header.algorithm", …): its layout, as docs/run.md tabulates it.
  /// With several ranks it is collective, as to_checkpoint_bytes() is.
  [[nodiscard]] std::vector<std::string> checkpoint_fields() const {
    std::vector<std::string> names;
    OutputArchive out;
    out.record_field_names(&names);
    write(out);
    return names;
  }

  /// One rollout and one update.
  UpdateDiagnostics iterate() { return loop_.iterate(algorithm_, *env_, config_.total_steps); }

  /// Trains until the budget is spent or `on_iteration` returns false.
  template <class Callback>
  void train(Callback&& on_iteration) {
    loop_.run(algorithm_, *env_, config_.total_steps, std::forward<Callback>(on_iteration));
  }
  void train() {
    train([](const IterationInfo&) {});
  }

  [[nodiscard]] bool finished() const { return loop_.steps() >= config_.total_steps; }

  /// Environment steps one iteration takes: every env runs rollout_steps()
  /// (REINFORCE: one time limit, max_episode_steps).
  [[nodiscard]] long steps_per_iteration() const {
    long per_env = 0;
    if constexpr (kCollectsCompleteEpisodes<Algorithm>) {
      per_env = env_->env(0).max_episode_steps();  // what TrainingLoop collects
    } else {
      per_env = static_cast<long>(algorithm_.rollout_steps());
    }
    return per_env * static_cast<long>(config_.envs);
  }
  /// The steps the run will have taken when train() returns unstopped: the budget
  /// rounded up to whole iterations (the loop never cuts a rollout short).
  [[nodiscard]] long planned_steps() const {
    const long per_iteration = steps_per_iteration();
    const long remaining = std::max(0L, config_.total_steps - loop_.steps());
    return loop_.steps() + (remaining + per_iteration - 1) / per_iteration * per_iteration;
  }
  /// Moves the budget (e.g. to continue a finished run further). The schedules
  /// then follow the new budget from here on, so the run is no longer the same
  /// as one trained to the new budget from the start.
  void set_total_steps(long total_steps) {
    check_positive("Run::set_total_steps: total_steps", total_steps);
    config_.total_steps = total_steps;
  }

  /// The policy over `episodes` episodes of a fresh copy of the environment
  /// (reset with `seed`), under the frozen observation normalization: its mode,
  /// or with EvaluationMode::stochastic draws seeded with `seed`. The run's own
  /// generators and environments are untouched, so evaluating during training
  /// changes nothing in the run.
  template <class Observer>
  EvaluationResult evaluate(long episodes, std::uint64_t seed, Observer&& on_step,
                            EvaluationMode mode = EvaluationMode::deterministic) {
    return ac::evaluate(actor(), prototype_, episodes, seed, normalizer_.get(), std::forward<Observer>(on_step), mode);
  }
  EvaluationResult evaluate(long episodes, std::uint64_t seed, EvaluationMode mode = EvaluationMode::deterministic) {
    return evaluate(episodes, seed, [](const EvaluationStep<E>&) {}, mode);
  }

  /// The deterministic action for one raw observation, as evaluation takes it:
  /// normalized with the run's current statistics (not updated), the
  /// distribution's mode, clipped to the action space for continuous actions.
  /// `mask`: the state's legal actions (`actions x 1`) for an environment that
  /// masks them (as its action_mask() gives them); empty: all legal.
  /// Allocates nothing after the first call. A recurrent policy acts from the GRU
  /// state its previous act() calls left: call reset_state() when an episode starts.
  typename E::Action act(const typename E::Observation& observation, ActionMaskMap mask = no_action_masks()) {
    if (!chooser_) chooser_.emplace(actor(), "Run::act");
    const auto& action = (*chooser_)(actor(), observation, normalizer_.get(), nullptr, mask);
    if constexpr (envs::ContinuousEnv<E>) {
      const auto space = prototype_.action_space();
      return box_action<Actor>(action, space.low, space.high);
    } else if constexpr (envs::MultiActionEnv<E>) {
      return action.col(0);
    } else {
      return static_cast<typename E::Action>(action(0, 0));
    }
  }
  /// A recurrent policy's next act() starts from a zero state (a new episode); nothing for a feed-forward one.
  void reset_state() {
    if (chooser_) chooser_->reset_state();
  }

  [[nodiscard]] const RunConfig& config() const { return config_; }
  /// What the actor's constructor takes for env's action space (Actor::Shape): the
  /// actions (Discrete), nvec (MultiDiscrete), the bits (MultiBinary) or the dimensions (Box).
  static typename Actor::Shape action_shape(const VectorEnv<E>& env) {
    typename Actor::Shape shape{};
    if constexpr (envs::DiscreteEnv<E>) {
      shape = env.action_count();
    } else if constexpr (envs::MultiDiscreteEnv<E>) {
      const auto nvec = env.action_space().nvec;
      shape.assign(nvec.data(), nvec.data() + nvec.size());
    } else {
      shape = env.action_dim();  // Box dimensions, MultiBinary bits
    }
    return shape;
  }
  /// The ranks this run is one of.
  [[nodiscard]] CommunicatorRef communicator() const { return comm_; }
  /// The algorithm's hyperparameters (the algorithm holds them).
  [[nodiscard]] decltype(auto) settings() const { return algorithm_.settings(); }
  [[nodiscard]] long steps() const { return loop_.steps(); }
  [[nodiscard]] long iterations() const { return loop_.iterations(); }
  [[nodiscard]] const Generator& generator() const { return loop_.generator(); }
  VectorEnv<E>& env() { return *env_; }
  [[nodiscard]] const VectorEnv<E>& env() const { return *env_; }
  Actor& actor() { return model_->actor(); }
  [[nodiscard]] const Actor& actor() const { return model_->actor(); }
  /// nullptr for an algorithm without a critic.
  Critic<Scalar>* critic() { return model_->critic(); }
  /// nullptr without normalization.
  [[nodiscard]] const VecNormalize* normalizer() const { return normalizer_.get(); }
  Algorithm& algorithm() { return algorithm_; }

 private:
  static std::unique_ptr<VectorEnv<E>> make_envs(const RunConfig& config, CommunicatorRef comm, const E& prototype) {
    if (config.envs < comm.size()) {
      throw_invalid_argument("RunConfig.envs: expected at least one environment per rank ({} ranks), got {}",
                             comm.size(), config.envs);
    }
    const Shard shard = shard_of(config.envs, comm.rank(), comm.size());
    return std::make_unique<VectorEnv<E>>(shard.count, config.seed + static_cast<std::uint64_t>(shard.first),
                                          prototype);
  }
  /// Runs `f` (which returns bytes) on rank 0 and gives its result to every
  /// rank; if it throws, every rank throws an IoError with its message, so that
  /// no rank is left waiting for rank 0 in a later collective.
  template <class F>
  static std::string on_root_for_all(CommunicatorRef comm, F&& f) {
    std::string result;  // 'K' and f's bytes, or 'E' and the error
    if (comm.rank() == 0) {
      try {
        result = 'K' + f();
      } catch (const std::exception& error) {
        result = std::string("E") + error.what();
      }
    }
    broadcast_bytes(comm, result, 0);
    if (result.empty() || result.front() != 'K') {
      throw_io_error("{}", result.empty() ? std::string("rank 0 sent nothing") : result.substr(1));
    }
    return result.substr(1);
  }
  template <class F>
  void for_each_network(F&& f) {
    f(actor().network());
    if (auto* critic_net = model_->separate_critic_network()) f(*critic_net);
  }

  static std::unique_ptr<ActorCriticModel<Actor>> make_model(const RunConfig& config, const VectorEnv<E>& env) {
    Generator init(config.seed);
    return std::make_unique<ActorCriticModel<Actor>>(env.observation_dim(), action_shape(env), config.actor,
                                                     config.critic, kHasCritic<Algorithm>, config.shared_trunk, init);
  }
  static Algorithm make_algorithm(ActorCriticModel<Actor>& model, const Settings& settings) {
    if constexpr (kHasCritic<Algorithm>) {
      return Algorithm(model.actor(), *model.critic(), settings);
    } else {
      return Algorithm(model.actor(), settings);
    }
  }

  void write(OutputArchive& out) const {
    CheckpointHeader header{std::string(Algorithm::kName), describe_environment(prototype_),
                            checkpoint_policy_kind<Actor>()};
    out.field("header", header);
    out.field("config", config_);
    out.field("settings", algorithm_.settings());
    const_cast<Run&>(*this).state(out);  // the state() shared with reading does not modify when writing
  }

  // Everything after the hyperparameters, in one order for writing and reading.
  template <class Archive>
  void state(Archive& a) {
    NetworkRecord<Scalar> actor_record(actor().network());
    a.field("actor", actor_record);
    if constexpr (Archive::loading) actor_record.restore(actor().network(), "actor", a.source());
    if (auto* critic_net = model_->separate_critic_network()) {
      NetworkRecord<Scalar> critic_record(*critic_net);
      a.field("critic", critic_record);
      if constexpr (Archive::loading) critic_record.restore(*critic_net, "critic", a.source());
    }
    if (comm_.size() == 1) {
      if constexpr (Archive::loading) {
        a.require(a.peek_name() != "ranks", "ranks",
                  "a checkpoint of one process: this one was written by a data-parallel job; resume it under mpirun "
                  "with as many ranks as it had");
      }
      rank_state(a);
      return;
    }
    // Data-parallel: the networks above are every rank's; then each rank's own state, in rank order.
    std::uint64_t ranks = static_cast<std::uint64_t>(comm_.size());
    if constexpr (Archive::loading) {
      a.require(a.peek_name() == "ranks", "ranks",
                fmt::format("a checkpoint of {} ranks: this one was written by one process; resume it without mpirun",
                            comm_.size()));
    }
    a.field("ranks", ranks);
    if constexpr (Archive::loading) {
      a.require(ranks == static_cast<std::uint64_t>(comm_.size()), "ranks",
                fmt::format("{} ranks, as this job has; the checkpoint was written by {}: resume it under mpirun -np {}",
                            comm_.size(), ranks, ranks));
    }
    std::vector<std::string> states;
    if constexpr (!Archive::loading) {
      OutputArchive mine;
      rank_state(mine);
      states = gather_bytes(comm_, mine.bytes());
    }
    a.field("rank_states", states);
    if constexpr (Archive::loading) {
      a.require(states.size() == static_cast<std::size_t>(comm_.size()), "rank_states", "one state per rank");
      InputArchive mine(states[static_cast<std::size_t>(comm_.rank())], a.source(),
                        a.where(fmt::format("rank_states[{}]", comm_.rank())));
      rank_state(mine);
      mine.finish();
    }
  }

  // What each rank holds of its own: the normalizer (its per-env returns), the
  // learner (an off-policy learner's replay), the loop's generator and counters, the environments.
  template <class Archive>
  void rank_state(Archive& a) {
    if (normalizer_) {
      a.field("normalizer", *normalizer_);
      if constexpr (Archive::loading) {
        a.require(normalizer_->config().observations == config_.normalization->observations &&
                      normalizer_->config().rewards == config_.normalization->rewards,
                  "normalizer", "the settings of config.normalization");
      }
    }
    a.field("learner", algorithm_);
    a.field("loop", loop_);
    a.field("envs", *env_);
  }

  RunConfig config_;
  CommunicatorRef comm_;
  E prototype_;  // what evaluation copies
  std::unique_ptr<VectorEnv<E>> env_;
  std::unique_ptr<ActorCriticModel<Actor>> model_;
  std::unique_ptr<VecNormalize> normalizer_;
  Algorithm algorithm_;
  TrainingLoop<Algorithm> loop_;
  std::optional<ActionChooser<Actor>> chooser_;  // act()'s workspaces
};

}  // namespace ac
