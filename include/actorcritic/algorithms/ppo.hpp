#pragma once
// Proximal Policy Optimization (Schulman et al. 2017), the lecture's
// "combining everything": GAE(λ) advantages on a fresh rollout, then several
// epochs of minibatch Adam steps on
//
//   L = −mean(min(r A, clip(r, 1 ± ε) A))        clipped surrogate (eq. 7), if clip_range is set
//       + ρ · mean(KL(π_old ‖ π_θ))              KL penalty (§4), if kl_coef > 0
//       − c_H · mean(H[π_θ])                     entropy bonus (eq. 9)
//       + c_V · mean((R − V)²)                   value loss, optionally clipped (PPO2)
//
// with r = π_θ(a|s)/π_old(a|s). The adaptive penalty (§4) updates ρ once per
// iteration from d = mean KL(π_old ‖ π_new): d < d_targ/1.5 → ρ/2,
// d > 1.5·d_targ → 2ρ. Named variants (PPOConfig factories):
//   kl_penalty()        the lecture's "simplest version": adaptive KL penalty, no clipping
//   clip()              PPO-clip, Stable-Baselines3's defaults
//   clip_kl()           clipping plus the adaptive KL penalty
//   clip_kl_entropy()   clipping, the adaptive KL penalty and an entropy bonus
// Where the lecture is silent the defaults are SB3's PPO.

#include "actorcritic/algorithms/actor_critic_parameters.hpp"
#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/minibatch.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/worker_thread.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/normalization.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/optim/schedule.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <numeric>
#include <optional>
#include <string_view>
#include <vector>

namespace ac {

/// The adaptive KL coefficient rule of the PPO paper (§4), on its own so that
/// it can be tested on scripted KL sequences.
struct AdaptiveKlCoefficient {
  double target = 0.01;  // d_targ (PPO paper experiments: 0.003, 0.01, 0.03)
  double factor = 2.0;   // ρ ← ρ/2 or 2ρ
  double tolerance = 1.5;

  /// The coefficient after an iteration whose mean KL was `kl`.
  [[nodiscard]] double next(double rho, double kl) const {
    if (kl < target / tolerance) return rho / factor;
    if (kl > target * tolerance) return rho * factor;
    return rho;
  }
  template <class Archive>
  void serialize(Archive& a) {
    a.field("target", target);
    a.field("factor", factor);
    a.field("tolerance", tolerance);
  }
  void validate() const {
    check_positive("AdaptiveKlCoefficient.target", target);
    if (!(factor > 1.0)) throw_invalid_argument("AdaptiveKlCoefficient.factor: expected a value > 1, got {}", factor);
    if (!(tolerance >= 1.0)) {
      throw_invalid_argument("AdaptiveKlCoefficient.tolerance: expected a value >= 1, got {}", tolerance);
    }
  }
};

struct PPOConfig {
  Index n_steps = 2048;        // per env and rollout (SB3)
  Index batch_size = 64;       // minibatch size (SB3)
  Index epochs = 10;           // SB3 n_epochs
  double gamma = 0.99;         // SB3
  double gae_lambda = 0.95;    // SB3
  /// ε of the clipped surrogate against training progress; nullopt: no clipping
  /// (the plain importance-weighted surrogate, as PPO-KL uses).
  std::optional<optim::Schedule> clip_range = optim::Schedule::constant(0.2);  // SB3
  /// Adam's learning rate against training progress; optimizer.learning_rate must equal its start.
  optim::Schedule learning_rate = optim::Schedule::constant(3e-4);  // SB3
  double kl_coef = 0.0;        // initial ρ; 0 disables the KL penalty
  bool adaptive_kl = false;    // update ρ by AdaptiveKlCoefficient after each iteration
  AdaptiveKlCoefficient kl_rule{};
  double ent_coef = 0.0;       // SB3
  double vf_coef = 0.5;        // SB3
  double clip_range_vf = kOff; // SB3: None
  double max_grad_norm = 0.5;  // SB3
  double target_kl = kOff;     // SB3: None; stop the epochs once approx KL > 1.5 · target_kl
  bool normalize_advantage = true;  // SB3, per minibatch
  /// The exact mean KL(π_old ‖ π_new) of each update (UpdateDiagnostics::kl). It costs two forward
  /// passes of the actor over the whole rollout (the behaviour distribution before the epochs, the
  /// new one after them); without a KL penalty nothing but that diagnostic reads them. false skips
  /// them and leaves `kl` unset (NaN): the training is the same bit for bit, and PPO-clip on RLtools'
  /// Pendulum configuration (1 epoch over 8192 samples) runs 20–30% faster. The adaptive KL rule
  /// needs it; a fixed penalty (kl_coef > 0) still computes the behaviour distribution.
  bool exact_kl = true;
  /// Recurrent networks only: the length L of the sequence chunks that minibatches shuffle (each env's
  /// rollout cut into n_steps / L chunks; a minibatch holds batch_size / L of them, at least one).
  /// 0: whole rollouts (L = n_steps), as CleanRL's recurrent PPO.
  Index sequence_length = 0;
  optim::AdamConfig optimizer{.learning_rate = 3e-4, .epsilon = 1e-5};  // SB3/PyTorch Adam, ε 1e-5 as SB3 PPO

  /// Sets the learning-rate schedule and the optimizer's rate (its start) together.
  PPOConfig& set_learning_rate(const optim::Schedule& schedule) {
    learning_rate = schedule;
    optimizer.learning_rate = schedule.start();
    return *this;
  }

  /// PPO-KL, the lecture's simplest version: importance-weighted surrogate plus
  /// the adaptive KL penalty (PPO paper §4: ρ₀ = 1, d_targ = 0.01), no clipping.
  static PPOConfig kl_penalty() {
    PPOConfig c;
    c.clip_range = std::nullopt;
    c.kl_coef = 1.0;
    c.adaptive_kl = true;
    return c;
  }
  /// PPO-clip with SB3's defaults.
  static PPOConfig clip() { return PPOConfig{}; }
  /// Clipping and the adaptive KL penalty together.
  static PPOConfig clip_kl() {
    PPOConfig c = kl_penalty();
    c.clip_range = optim::Schedule::constant(0.2);
    return c;
  }
  /// Clipping, the adaptive KL penalty and an entropy bonus (c_H = 0.01, the PPO paper's Atari value).
  static PPOConfig clip_kl_entropy() {
    PPOConfig c = clip_kl();
    c.ent_coef = 0.01;
    return c;
  }

  [[nodiscard]] bool clipped() const { return clip_range.has_value(); }

  template <class Archive>
  void serialize(Archive& a) {
    a.field("n_steps", n_steps);
    a.field("batch_size", batch_size);
    a.field("epochs", epochs);
    a.field("gamma", gamma);
    a.field("gae_lambda", gae_lambda);
    a.field("clip_range", clip_range);
    a.field("learning_rate", learning_rate);
    a.field("kl_coef", kl_coef);
    a.field("adaptive_kl", adaptive_kl);
    a.field("kl_rule", kl_rule);
    a.field("ent_coef", ent_coef);
    a.field("vf_coef", vf_coef);
    a.field("clip_range_vf", clip_range_vf);
    a.field("max_grad_norm", max_grad_norm);
    a.field("target_kl", target_kl);
    a.field("normalize_advantage", normalize_advantage);
    a.field("optimizer", optimizer);
    // Written only when set, so that the records of every other configuration keep their bytes.
    archive::optional_field(a, "sequence_length", sequence_length > 0, sequence_length, archive::at_least(1));
    if (!archive::optional_field(a, "exact_kl", !exact_kl, exact_kl)) exact_kl = true;
  }

  void validate() const {
    check_positive("PPOConfig.n_steps", n_steps);
    check_positive("PPOConfig.batch_size", batch_size);
    check_positive("PPOConfig.epochs", epochs);
    check_non_negative("PPOConfig.sequence_length", sequence_length);
    if (sequence_length > 0 && n_steps % sequence_length != 0) {
      throw_invalid_argument("PPOConfig.sequence_length: expected a divisor of n_steps ({}), got {}", n_steps,
                             sequence_length);
    }
    check_discount("PPOConfig.gamma", gamma);
    check_in_closed_range("PPOConfig.gae_lambda", gae_lambda, 0.0, 1.0);
    if (clipped() && !(clip_range->start() > 0.0 && clip_range->end() >= 0.0)) {
      throw_invalid_argument("PPOConfig.clip_range: expected a start > 0 and an end >= 0, got {} and {}",
                             clip_range->start(), clip_range->end());
    }
    if (!(learning_rate.start() > 0.0 && learning_rate.end() >= 0.0)) {
      throw_invalid_argument("PPOConfig.learning_rate: expected a start > 0 and an end >= 0, got {} and {}",
                             learning_rate.start(), learning_rate.end());
    }
    check_non_negative("PPOConfig.kl_coef", kl_coef);
    if (adaptive_kl && !(kl_coef > 0.0)) {
      throw_invalid_argument("PPOConfig.kl_coef: the adaptive KL rule needs an initial coefficient > 0, got {}", kl_coef);
    }
    if (adaptive_kl && !exact_kl) {
      throw_invalid_argument("PPOConfig.exact_kl: the adaptive KL rule adapts ρ to the exact KL, expected true with "
                             "adaptive_kl, got false");
    }
    kl_rule.validate();
    check_non_negative("PPOConfig.ent_coef", ent_coef);
    check_non_negative("PPOConfig.vf_coef", vf_coef);
    check_positive("PPOConfig.clip_range_vf", clip_range_vf);
    check_positive("PPOConfig.max_grad_norm", max_grad_norm);
    check_positive("PPOConfig.target_kl", target_kl);
    optimizer.validate();
    if (optimizer.learning_rate != learning_rate.start()) {
      throw_invalid_argument(
          "PPOConfig.optimizer.learning_rate: expected the learning-rate schedule's start {} (PPO's rate is "
          "PPOConfig.learning_rate; set both with set_learning_rate()), got {}",
          learning_rate.start(), optimizer.learning_rate);
    }
  }
};


template <Policy P>
class PPO {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Distribution = typename P::Distribution;
  using Settings = PPOConfig;
  static constexpr std::string_view kName = "ppo";

  PPO(P& actor, Critic<Scalar>& critic, const PPOConfig& config = {})
      : actor_(actor), critic_(critic), config_(config), kl_coef_(config.kl_coef),
        parameters_(actor.network(), critic.network(), config.optimizer),
        // Copies of the policy's head: a MultiCategorical knows its components from its construction.
        old_full_(actor.last_distribution()), old_mb_(actor.last_distribution()) {
    config_.validate();
  }

  [[nodiscard]] const PPOConfig& config() const { return config_; }
  [[nodiscard]] const PPOConfig& settings() const { return config_; }
  /// The learner's state beyond the networks' parameters (optimizer moments, the adaptive ρ, the schedules' progress), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("optimizer", parameters_);
    a.field("kl_coef", kl_coef_, archive::at_least(0.0));
    a.field("progress", progress_, archive::in_range(0.0, 1.0));
  }
  [[nodiscard]] Index rollout_steps() const { return config_.n_steps; }
  P& actor() { return actor_; }
  Critic<Scalar>* critic() { return &critic_; }
  /// ρ as it stands (after the adaptive rule's updates).
  [[nodiscard]] double kl_coef() const { return kl_coef_; }
  /// Training progress p ∈ [0, 1] for the learning-rate and clip-range schedules (the training loop sets it).
  void set_progress(double progress) { progress_ = std::clamp(progress, 0.0, 1.0); }

  /// Data-parallel over `comm`'s ranks (a single process by default): each
  /// rank takes its share of every global minibatch, the gradients are averaged
  /// with one allreduce per step, and every statistic PPO takes over the batch
  /// (advantage normalization, approximate KL for target_kl, the exact KL for
  /// the adaptive ρ, explained variance, the diagnostics) is the global batch's.
  void set_communicator(CommunicatorRef comm) {
    comm_ = comm;
    parameters_.set_communicator(comm);
  }

  /// The threads each minibatch step runs on: 1 (the default) or 2. With 2, the critic's part of a step
  /// (its forward pass, value loss and backward pass, then its Adam step) runs on a second thread while
  /// this one runs the actor's. Each network computes exactly what it computes on one thread, so a run
  /// has the same bits either way; the gradient norm, its clip and the data-parallel average stay here.
  /// Needs separate feed-forward networks: a shared trunk is one network, and recurrent ones share the
  /// minibatch's sequence states.
  void set_threads(int threads) {
    if (threads != 1 && threads != 2) throw_invalid_argument("PPO::set_threads: threads: expected 1 or 2, got {}", threads);
    if (threads == 1) {
      worker_.reset();
      return;
    }
    if (parameters_.shared()) {
      throw_invalid_argument("PPO::set_threads: threads: expected 1 with a shared trunk (the actor and the critic "
                             "are one network), got 2");
    }
    if (recurrent_networks(actor_, &critic_).any()) {
      throw_invalid_argument("PPO::set_threads: threads: expected 1 with a recurrent actor or critic, got 2");
    }
    if (!worker_) worker_ = std::make_unique<WorkerThread>();
  }
  [[nodiscard]] int threads() const { return worker_ ? 2 : 1; }

  /// The update on a rollout collected by the current policy; `rng` shuffles the minibatches.
  /// Recurrent networks (a GRU first) train on minibatches of whole sequence chunks (PPOConfig::sequence_length),
  /// run from the states the rollout stored at the chunks' starts (rollout/recurrent_states.hpp).
  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer, Generator& rng) {
    const Index batch = buffer.size();
    const RecurrentNetworks<Scalar> recurrent = recurrent_networks(actor_, &critic_);
    // The minibatches' unit: a sample, or a chunk of `length` steps of one env.
    const Index length = recurrent.any() ? sequence_length(buffer) : 1;
    const Index units = batch / length;
    const MinibatchPlan plan =
        plan_minibatches(comm_, units, std::max<Index>(1, config_.batch_size / length));
    const Index minibatch = plan.slice * length;
    reserve(buffer, units, minibatch);
    UpdateDiagnostics d;
    const double learning_rate = config_.learning_rate(progress_);
    const double clip_range = config_.clipped() ? (*config_.clip_range)(progress_) : kOff;
    parameters_.set_learning_rate(learning_rate);
    d.learning_rate = learning_rate;
    d.clip_range = clip_range;

    // 1. Advantages and returns (GAE, Schulman et al. 2016); the behavior distribution for the KL terms,
    // which only the KL penalty and the exact-KL diagnostic read (PPOConfig::exact_kl). The rollout's
    // sequences serve only these full-batch passes: the minibatches, the collector and the evaluation
    // set their own.
    kernels::gae(buffer.rewards, buffer.values, buffer.next_values, buffer.terminated, buffer.ended,
                 static_cast<Scalar>(config_.gamma), static_cast<Scalar>(config_.gae_lambda), advantages_);
    returns_ = advantages_ + buffer.values;
    d.explained_variance =
        kernels::explained_variance(comm_, detail::as_row(buffer.values), detail::as_row(returns_));
    if (config_.exact_kl || kl_coef_ > 0.0) {
      use_rollout_sequences(actor_, &critic_, buffer, rollout_starts_);
      actor_.distribution(buffer.observations, buffer.action_masks()).write_parameters(old_parameters_);
      old_full_.set_parameters(old_parameters_);
    }

    // 2. Epochs of shuffled minibatches.
    std::iota(order_.begin(), order_.end(), Index{0});
    double epochs_run = 0;
    // The last epoch's weighted sums of the losses, its weight, and the samples of every epoch so far.
    std::array<double, 7> last_epoch{};
    bool stop = false;
    for (Index epoch = 0; epoch < config_.epochs && !stop; ++epoch) {
      const bool measure_entropy =
          measures_entropy(config_.ent_coef, epoch, config_.epochs, std::isfinite(config_.target_kl));
      detail::shuffle(order_, rng);
      if (recurrent.any()) {  // each minibatch's chunks, time-major
        for (Index k = 0; k < plan.steps; ++k) {
          SequenceChunks<Scalar>::sample_order(order_, plan.first(k), plan.size(k), buffer.envs(), length,
                                               sample_order_);
        }
      }
      double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clip_fraction = 0, weight = 0;
      for (Index k = 0; k < plan.steps; ++k) {
        const Index size = plan.size(k) * length;
        if (recurrent.any() && size > 0) chunks_.use(recurrent, buffer, order_, plan.first(k), plan.size(k), length);
        const MinibatchLosses l =
            step(buffer, recurrent.any() ? sample_order_ : order_, plan.first(k) * length, size, clip_range,
                 measure_entropy);
        if (l.stopped) {
          stop = true;
          break;
        }
        const double w = double(size);
        policy_loss += w * l.policy;
        value_loss += w * l.value;
        entropy += w * l.entropy;
        approx_kl += w * l.approx_kl;
        clip_fraction += w * l.clip_fraction;
        weight += w;
        d.grad_norm = l.grad_norm;
      }
      if (weight > 0) {
        epochs_run += weight / double(batch);
        last_epoch = {policy_loss, value_loss, entropy, approx_kl, clip_fraction, weight, last_epoch[6] + weight};
      }
    }
    // The last epoch's means (data-parallel: of the global batch; the epochs from every rank's samples).
    if (comm_.size() > 1) comm_.allreduce_sum(std::span<double>(last_epoch));
    if (const double weight = last_epoch[5]; weight > 0) {
      d.policy_loss = last_epoch[0] / weight;
      d.value_loss = last_epoch[1] / weight;
      d.entropy = last_epoch[2] / weight;
      d.approx_kl = last_epoch[3] / weight;
      d.clip_fraction = last_epoch[4] / weight;
    }
    d.epochs = comm_.size() == 1 ? epochs_run : last_epoch[6] / (plan.global_batch * double(length));

    // 3. The exact mean KL of the update, and the adaptive penalty's rule (PPO paper §4).
    if (config_.exact_kl) {
      use_rollout_sequences(actor_, &critic_, buffer, rollout_starts_);
      actor_.distribution(buffer.observations, buffer.action_masks());
      old_full_.kl(actor_.last_distribution(), kl_row_);
      d.kl = static_cast<double>(kl_row_.mean());
      mean_across_ranks(comm_, double(batch), {&d.kl});
    }
    if (config_.adaptive_kl) kl_coef_ = config_.kl_rule.next(kl_coef_, d.kl);
    d.kl_coef = kl_coef_;
    return d;
  }

 private:
  struct MinibatchLosses {
    double policy = 0, value = 0, entropy = 0, approx_kl = 0, clip_fraction = 0, grad_norm = 0;
    bool stopped = false;
  };

  /// One minibatch: the samples order[first … first + size).
  MinibatchLosses step(const RolloutBufferFor<P>& buffer, const std::vector<Index>& order, Index first, Index size,
                       double clip_range, bool measure_entropy) {
    MinibatchLosses l;
    if (size == 0) return empty_step();  // data-parallel: this rank's slice of the global minibatch is empty
    const double scale = 1.0 / double(size);
    mb_.gather(buffer, order, first, size);
    auto obs = mb_.observations();
    auto advantages = mb_advantages_.leftCols(size);
    auto returns = mb_returns_.leftCols(size);
    auto old_values = mb_old_values_.leftCols(size);
    detail::gather_columns(detail::as_row(advantages_), order, first, advantages);
    detail::gather_columns(detail::as_row(returns_), order, first, returns);
    detail::gather_columns(detail::as_row(buffer.values), order, first, old_values);
    if (config_.normalize_advantage && (size > 1 || comm_.size() > 1)) {
      kernels::normalize_advantages(comm_, advantages);
    }

    // The critic's part: its value loss and gradient. It reads only the minibatch gathered above, so
    // with two threads (set_threads) it runs on the worker while this thread runs the actor's part: from
    // the start, or, when target_kl may end the epochs before this step, once the step is taken.
    double value = 0.0;
    auto critic_part = [&] {
      if (!parameters_.shared()) critic_.network().zero_gradients();  // one trunk: zeroed with the actor's below
      const auto values = critic_.values(obs);
      auto grad_values = mb_grad_values_.leftCols(size);
      value = value_loss<Scalar>(values, returns, old_values, config_.clip_range_vf, config_.vf_coef, scale,
                                 grad_values);
      critic_.backward(grad_values);
    };
    const WorkerThread::Guard guard(worker_.get());
    const bool may_stop = std::isfinite(config_.target_kl);
    if (worker_ && !may_stop) worker_->post(critic_part);

    // Policy terms.
    const auto& dist = actor_.distribution(obs, mb_.masks());
    objective_.begin(dist, mb_.actions());
    l.policy = objective_.ratio_surrogate(mb_.old_log_probs(), advantages, clip_range, scale);
    const auto& stats = objective_.ratio_statistics();
    l.approx_kl = stats.approx_kl;
    l.clip_fraction = stats.clip_fraction;
    // SB3: stop the epochs before a step that would take the policy too far
    // (data-parallel: the global minibatch's approximate KL decides for every rank).
    if (may_stop && stops_early(l.approx_kl, double(size))) {
      l.stopped = true;
      return l;
    }
    if (worker_ && may_stop) worker_->post(critic_part);
    if (kl_coef_ > 0.0) {  // the behaviour distribution on the minibatch
      auto old_parameters = mb_old_parameters_.leftCols(size);
      detail::gather_columns(old_parameters_, order, first, old_parameters);
      old_mb_.set_parameters(old_parameters);
      l.policy += objective_.kl_penalty(old_mb_, kl_coef_, scale);
    }
    if (measure_entropy) {  // with ent_coef = 0, the bonus adds no gradient: only the diagnostic
      objective_.entropy_bonus(config_.ent_coef, scale);
      l.entropy = objective_.entropy();
    }
    actor_.network().zero_gradients();
    actor_.backward(objective_.gradient());
    if (worker_) {
      worker_->wait();
    } else {
      critic_part();
    }
    l.value = value;

    l.grad_norm = optimizer_step(double(size));
    return l;
  }

  /// The global minibatch's gradient (averaged over the ranks), one global norm
  /// (SB3 clips all of the policy's parameters together), then Adam; returns the norm.
  double optimizer_step(double samples) {
    parameters_.average_gradients(samples);
    const double norm = parameters_.clip_gradients(config_.max_grad_norm);
    parameters_.step(worker_.get());
    return norm;
  }

  /// Whether the global minibatch's approximate KL exceeds 1.5 · target_kl.
  bool stops_early(double approx_kl, double samples) {
    mean_across_ranks(comm_, samples, {&approx_kl});
    return approx_kl > 1.5 * config_.target_kl;
  }

  /// A rank's part in a step whose slice is empty: the collectives the others
  /// make (normalization, target KL, gradient average) with nothing of its own,
  /// then the same clip and Adam step.
  MinibatchLosses empty_step() {
    MinibatchLosses l;
    if (config_.normalize_advantage) kernels::normalize_advantages(comm_, mb_advantages_.leftCols(0));
    if (std::isfinite(config_.target_kl) && stops_early(0.0, 0.0)) {
      l.stopped = true;
      return l;
    }
    parameters_.zero_gradients();
    l.grad_norm = optimizer_step(0.0);
    return l;
  }

  /// The rollout's sequence chunk length (recurrent networks): PPOConfig::sequence_length, or the whole rollout.
  Index sequence_length(const RolloutBufferFor<P>& buffer) const {
    const Index length = config_.sequence_length > 0 ? config_.sequence_length : buffer.steps();
    if (buffer.steps() % length != 0) {
      throw_invalid_argument("PPO::update: PPOConfig.sequence_length: expected a divisor of the rollout's {} steps, "
                             "got {}",
                             buffer.steps(), length);
    }
    return length;
  }

  /// Workspaces for `units` minibatch units (samples or chunks) and minibatches of up to `minibatch` samples.
  void reserve(const RolloutBufferFor<P>& buffer, Index units, Index minibatch) {
    const Index batch = buffer.size();
    if (static_cast<Index>(order_.size()) == units && mb_.capacity() == minibatch &&
        advantages_.size() == batch) {
      return;
    }
    order_.resize(static_cast<std::size_t>(units));
    sample_order_.resize(static_cast<std::size_t>(batch));
    advantages_.resize(buffer.envs(), buffer.steps());
    returns_.resize(buffer.envs(), buffer.steps());
    old_parameters_.resize(actor_.parameter_rows(), batch);
    kl_row_.resize(1, batch);
    mb_.reserve(buffer, minibatch);
    for (Matrix<Scalar>* m : {&mb_advantages_, &mb_returns_, &mb_old_values_, &mb_grad_values_}) {
      m->resize(1, minibatch);
    }
    mb_old_parameters_.resize(actor_.parameter_rows(), minibatch);
  }

  P& actor_;
  Critic<Scalar>& critic_;
  PPOConfig config_;
  double kl_coef_;
  double progress_ = 0.0;
  ActorCriticParameters<Scalar, optim::Adam<Scalar>> parameters_;
  CommunicatorRef comm_;
  PolicyObjective<P> objective_;
  Distribution old_full_, old_mb_;
  std::vector<Index> order_;         // an epoch's shuffled units: samples, or sequence chunks
  std::vector<Index> sample_order_;  // recurrent: the chunks' samples, each minibatch time-major
  SequenceChunks<Scalar> chunks_;
  nn::EpisodeStarts rollout_starts_;
  Matrix<Scalar> advantages_, returns_, old_parameters_, kl_row_;
  PolicyMinibatch<P> mb_;  // the policy's part of a minibatch
  Matrix<Scalar> mb_advantages_, mb_returns_, mb_old_values_, mb_grad_values_, mb_old_parameters_;
  std::unique_ptr<WorkerThread> worker_;  // set_threads(2): the critic's part of each step
};

template <Policy P>
PPO(P&, Critic<typename P::Scalar>&, const PPOConfig& = {}) -> PPO<P>;

}  // namespace ac
