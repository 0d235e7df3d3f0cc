#pragma once
// Actor-critic updates, read top to bottom like a reference implementation;
// defaults are Stable-Baselines3's A2C (Mnih et al. 2016, synchronous variant).
//
//   (w, R) = Estimator(rollout)   e.g. GAE: w = A, R = A + V
//   L = −mean(w · log π(a|s)) − c_H · mean(H[π(·|s)]) + c_V · mean((R − V(s))²)
//   θ ← RMSprop(θ, clip_by_global_norm(∇L, max_grad_norm))
//
// One update per rollout of n_steps × N envs. The named algorithms differ only
// in the estimator:
//   A2C                  = ActorCritic<S, GaeEstimator>      (λ = 1 by default)
//   NStepA2C             = ActorCritic<S, NStepEstimator>
//   ValuePolicyGradient  = ActorCritic<S, TdTargetEstimator> (critic by TD)

#include "actorcritic/algorithms/actor_critic_parameters.hpp"
#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/estimators.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/normalization.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/rmsprop.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <cmath>
#include <string_view>
#include <limits>
#include <variant>

namespace ac {

/// RMSprop (SB3 A2C) or Adam/AdamW (the PPO family, and A2C variants that prefer it).
using ActorCriticOptimizerConfig = std::variant<optim::RmspropConfig, optim::AdamConfig>;

namespace detail {
/// The optimizer chosen by the config: RMSprop or Adam.
template <RealScalar Scalar>
class ChosenOptimizer {
 public:
  ChosenOptimizer(Index parameter_count, const ActorCriticOptimizerConfig& config)
      : optimizer_(make(parameter_count, config)) {}
  void step(VectorRef<Scalar> params, ConstVectorRef<Scalar> grads) {
    std::visit([&](auto& o) { o.step(params, grads); }, optimizer_);
  }
  void set_learning_rate(double lr) {
    std::visit([&](auto& o) { o.set_learning_rate(lr); }, optimizer_);
  }
  template <class Archive>
  void serialize(Archive& a) {
    std::uint8_t kind = static_cast<std::uint8_t>(optimizer_.index());
    a.field("kind", kind, archive::Check{[this](std::uint8_t k) { return k == optimizer_.index(); },
                                         optimizer_.index() == 0 ? "0 (RMSprop, as this run uses)"
                                                                 : "1 (Adam, as this run uses)"});
    std::visit([&](auto& o) { a.field("state", o); }, optimizer_);
  }

 private:
  using Variant = std::variant<optim::Rmsprop<Scalar>, optim::Adam<Scalar>>;
  static Variant make(Index n, const ActorCriticOptimizerConfig& config) {
    if (const auto* rms = std::get_if<optim::RmspropConfig>(&config)) return Variant(std::in_place_index<0>, n, *rms);
    return Variant(std::in_place_index<1>, n, std::get<optim::AdamConfig>(config));
  }
  Variant optimizer_;
};
}  // namespace detail

struct A2CConfig {
  Index n_steps = 5;                  // SB3 A2C
  double gamma = 0.99;                // SB3
  double ent_coef = 0.0;              // SB3 A2C
  double vf_coef = 0.5;               // SB3 A2C
  double max_grad_norm = 0.5;         // SB3 A2C
  bool normalize_advantage = false;   // SB3 A2C
  ActorCriticOptimizerConfig optimizer = optim::RmspropConfig{};  // SB3 A2C: lr 7e-4, α 0.99, ε 1e-5

  template <class Archive>
  void serialize(Archive& a) {
    a.field("n_steps", n_steps);
    a.field("gamma", gamma);
    a.field("ent_coef", ent_coef);
    a.field("vf_coef", vf_coef);
    a.field("max_grad_norm", max_grad_norm);
    a.field("normalize_advantage", normalize_advantage);
    a.field("optimizer", optimizer);
  }

  void validate() const {
    check_positive("A2CConfig.n_steps", n_steps);
    check_discount("A2CConfig.gamma", gamma);
    check_non_negative("A2CConfig.ent_coef", ent_coef);
    check_non_negative("A2CConfig.vf_coef", vf_coef);
    check_positive("A2CConfig.max_grad_norm", max_grad_norm);
    std::visit([](const auto& c) { c.validate(); }, optimizer);
  }
};

/// The step every actor-critic variant shares once it has per-sample weights
/// w and critic targets R (both N x T, sample t·N + n):
///   L = −mean(w · log π(a|s)) − c_H · mean(H) + c_V · mean((R − V(s))²),
/// one global gradient norm over actor and critic, then the optimizer.
template <Policy P>
class ActorCriticStep {
 public:
  using Scalar = typename P::Scalar;

  ActorCriticStep(P& actor, Critic<Scalar>& critic, const A2CConfig& config)
      : actor_(actor), critic_(critic), config_(config),
        parameters_(actor.network(), critic.network(), config.optimizer) {
    config_.validate();
  }

  /// The loss's gradient, then one global gradient-norm clip and the optimizer step.
  /// `masks`: the samples' legal actions, for a masking environment (empty: all legal).
  UpdateDiagnostics apply(ConstMatrixRef<Scalar> observations, const Eigen::Ref<const typename P::Actions>& actions,
                          Matrix<Scalar>& weights, const Matrix<Scalar>& targets,
                          ActionMaskMap masks = no_action_masks()) {
    UpdateDiagnostics diagnostics = compute_gradients(observations, actions, weights, targets, masks);
    diagnostics.grad_norm = clip_and_step();
    return diagnostics;
  }

  /// The ranks this step trains with (a single process by default): the
  /// gradients, the advantage normalization, the explained variance and the
  /// losses are then those of the global batch.
  void set_communicator(CommunicatorRef comm) {
    comm_ = comm;
    parameters_.set_communicator(comm);
  }

  /// One global gradient-norm clip over both networks (as one optimizer over
  /// all parameters), then the optimizer step; returns the norm before clipping.
  /// Data-parallel, the gradients of the last compute_gradients() are first
  /// averaged over the ranks (one allreduce).
  double clip_and_step() {
    parameters_.average_gradients(samples_);
    const double norm = parameters_.clip_gradients(config_.max_grad_norm);
    parameters_.step();
    return norm;
  }

  /// dL/dθ of the actor and the critic, in their networks' gradients (zeroed
  /// first), without clipping or a step: what apply() steps along.
  UpdateDiagnostics compute_gradients(ConstMatrixRef<Scalar> observations,
                                      const Eigen::Ref<const typename P::Actions>& actions, Matrix<Scalar>& weights,
                                      const Matrix<Scalar>& targets, ActionMaskMap masks = no_action_masks()) {
    const Index batch = observations.cols();
    const double scale = 1.0 / double(batch);
    samples_ = double(batch);
    UpdateDiagnostics diagnostics;
    if (config_.normalize_advantage) kernels::normalize_advantages(comm_, weights);
    // weights (N x T) has the memory layout of a 1 x (T·N) row over samples t·N + n.
    const ConstMatrixMap<Scalar> weight_row(weights.data(), 1, batch);
    const ConstMatrixMap<Scalar> target_row(targets.data(), 1, batch);

    // Policy: −mean(w log π) − c_H mean(H), differentiated with respect to the distribution parameters.
    objective_.begin(actor_.distribution(observations, masks), actions);
    diagnostics.policy_loss = objective_.score_function(weight_row, scale);
    objective_.entropy_bonus(config_.ent_coef, scale);
    diagnostics.entropy = objective_.entropy();
    parameters_.zero_gradients();
    actor_.backward(objective_.gradient());

    // Value: c_V · mean((R − V)²).
    if (grad_values_.cols() != batch) grad_values_.resize(1, batch);
    const auto values = critic_.values(observations);
    diagnostics.value_loss = value_loss<Scalar>(values, target_row, values, kOff, config_.vf_coef, scale, grad_values_);
    diagnostics.explained_variance = kernels::explained_variance(comm_, values, target_row);
    critic_.backward(grad_values_);
    mean_across_ranks(comm_, samples_, {&diagnostics.policy_loss, &diagnostics.entropy, &diagnostics.value_loss});
    return diagnostics;
  }

  [[nodiscard]] const A2CConfig& config() const { return config_; }
  /// The learner's state beyond the networks' parameters (optimizer moments), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("optimizer", parameters_);
  }
  P& actor() { return actor_; }
  Critic<Scalar>& critic() { return critic_; }

 private:
  P& actor_;
  Critic<Scalar>& critic_;
  A2CConfig config_;
  ActorCriticParameters<Scalar, detail::ChosenOptimizer<Scalar>> parameters_;
  PolicyObjective<P> objective_;
  Matrix<Scalar> grad_values_;
  CommunicatorRef comm_;
  double samples_ = 0.0;  // the batch of the last compute_gradients()
};

/// The hyperparameters of an on-policy actor-critic: the step's and the estimator's.
template <class Estimator>
struct ActorCriticSettings {
  A2CConfig config{};
  Estimator estimator{};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("config", config);
    a.field("estimator", estimator);
  }
  void validate() const {
    config.validate();
    estimator.validate();
  }
};

/// On-policy actor-critic: estimate on the fresh rollout, then the shared step.
template <Policy P, class Estimator>
class ActorCritic {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Settings = ActorCriticSettings<Estimator>;

  ActorCritic(P& actor, Critic<Scalar>& critic, const A2CConfig& config = {}, const Estimator& estimator = {})
      : step_(actor, critic, config), estimator_(estimator) {
    estimator_.validate();
  }
  ActorCritic(P& actor, Critic<Scalar>& critic, const Settings& settings)
      : ActorCritic(actor, critic, settings.config, settings.estimator) {}

  [[nodiscard]] const A2CConfig& config() const { return step_.config(); }
  [[nodiscard]] Settings settings() const { return {config(), estimator_}; }
  [[nodiscard]] const Estimator& estimator() const { return estimator_; }
  [[nodiscard]] Index rollout_steps() const { return config().n_steps; }
  P& actor() { return step_.actor(); }
  Critic<Scalar>* critic() { return &step_.critic(); }
  /// Data-parallel over `comm`'s ranks (ActorCriticStep::set_communicator).
  void set_communicator(CommunicatorRef comm) { step_.set_communicator(comm); }

  /// The learner's state beyond the networks' parameters (optimizer moments), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    step_.serialize(a);
  }

  /// One update on a rollout collected by the current policy.
  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer) {
    if (weights_.rows() != buffer.envs() || weights_.cols() != buffer.steps()) {
      weights_.resize(buffer.envs(), buffer.steps());
      targets_.resize(buffer.envs(), buffer.steps());
    }
    estimator_.estimate(buffer, config().gamma, weights_, targets_);
    // Recurrent networks run over the rollout as it was collected: its N envs' sequences.
    use_rollout_sequences(actor(), critic(), buffer, starts_);
    return step_.apply(buffer.observations, buffer.actions, weights_, targets_, buffer.action_masks());
  }

 private:
  ActorCriticStep<P> step_;
  Estimator estimator_;
  Matrix<Scalar> weights_, targets_;
  nn::EpisodeStarts starts_;
};

/// A2C: GAE(λ) advantages (λ = 1 by default: the advantage of the rollout's discounted return).
template <Policy P>
class A2C : public ActorCritic<P, GaeEstimator> {
 public:
  using ActorCritic<P, GaeEstimator>::ActorCritic;
  static constexpr std::string_view kName = "a2c";
};
template <Policy P>
A2C(P&, Critic<typename P::Scalar>&, const A2CConfig& = {}, const GaeEstimator& = {}) -> A2C<P>;

/// A2C with n-step returns (Mnih et al. 2016).
template <Policy P>
class NStepA2C : public ActorCritic<P, NStepEstimator> {
 public:
  using ActorCritic<P, NStepEstimator>::ActorCritic;
  static constexpr std::string_view kName = "nstep-a2c";
};
template <Policy P>
NStepA2C(P&, Critic<typename P::Scalar>&, const A2CConfig& = {}, const NStepEstimator& = {}) -> NStepA2C<P>;

/// The value policy gradient: the critic's TD target as the return estimate, no baseline.
template <Policy P>
class ValuePolicyGradient : public ActorCritic<P, TdTargetEstimator> {
 public:
  using ActorCritic<P, TdTargetEstimator>::ActorCritic;
  static constexpr std::string_view kName = "vpg";
};
template <Policy P>
ValuePolicyGradient(P&, Critic<typename P::Scalar>&, const A2CConfig& = {}, const TdTargetEstimator& = {})
    -> ValuePolicyGradient<P>;

}  // namespace ac
