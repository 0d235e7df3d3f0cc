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

#include "actorcritic/algorithms/estimators.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/normalization.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/optim/rmsprop.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <cmath>
#include <variant>

namespace ac {

/// RMSprop (SB3 A2C) or Adam/AdamW (the PPO family, and A2C variants that prefer it).
using ActorCriticOptimizerConfig = std::variant<optim::RmspropConfig, optim::AdamConfig>;

namespace detail {
/// The optimizer chosen by the config: Rmsprop, or AdamW (decoupled weight decay;
/// with weight_decay = 0 it is exactly Adam).
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

 private:
  using Variant = std::variant<optim::Rmsprop<Scalar>, optim::AdamW<Scalar>>;
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

  void validate() const {
    check_positive("A2CConfig.n_steps", n_steps);
    if (!(gamma > 0.0 && gamma <= 1.0)) throw_invalid_argument("A2CConfig.gamma: expected a value in (0, 1], got {}", gamma);
    check_non_negative("A2CConfig.ent_coef", ent_coef);
    check_non_negative("A2CConfig.vf_coef", vf_coef);
    check_positive("A2CConfig.max_grad_norm", max_grad_norm);
    std::visit([](const auto& c) { c.validate(); }, optimizer);
  }
};

/// What an update reports, for logs.
struct UpdateDiagnostics {
  double policy_loss = 0.0;
  double value_loss = 0.0;
  double entropy = 0.0;
  double grad_norm = 0.0;  // before clipping
  double explained_variance = 0.0;
};

/// The step every actor-critic variant shares once it has per-sample weights
/// w and critic targets R (both N x T, sample t·N + n):
///   L = −mean(w · log π(a|s)) − c_H · mean(H) + c_V · mean((R − V(s))²),
/// one global gradient norm over actor and critic, then the optimizer.
template <RealScalar Scalar>
class ActorCriticStep {
 public:
  ActorCriticStep(CategoricalActor<Scalar>& actor, Critic<Scalar>& critic, const A2CConfig& config)
      : actor_(actor), critic_(critic), config_(config),
        actor_optimizer_(actor.network().parameter_count(), config.optimizer),
        critic_optimizer_(critic.network().parameter_count(), config.optimizer) {
    config_.validate();
  }

  UpdateDiagnostics apply(ConstMatrixRef<Scalar> observations, const ActionIndices& actions,
                          Matrix<Scalar>& weights, const Matrix<Scalar>& targets) {
    const Index batch = observations.cols();
    reserve(batch);
    UpdateDiagnostics diagnostics;
    if (config_.normalize_advantage) kernels::normalize_advantages(weights);
    // weights (N x T) has the memory layout of a 1 x (T·N) row over samples t·N + n.
    const ConstMatrixMap<Scalar> weight_row(weights.data(), 1, batch);
    const ConstMatrixMap<Scalar> target_row(targets.data(), 1, batch);

    // Policy: −mean(w log π) − c_H mean(H), differentiated with respect to the logits.
    const auto& dist = actor_.distribution(observations);
    dist.log_prob(actions, log_probs_);
    dist.entropy(entropies_);
    diagnostics.policy_loss = -static_cast<double>((weight_row.array() * log_probs_.array()).mean());
    diagnostics.entropy = static_cast<double>(entropies_.mean());
    scaled_ = weight_row * static_cast<Scalar>(-1.0 / double(batch));
    dist.log_prob_gradient(actions, scaled_, grad_logits_);
    if (config_.ent_coef > 0.0) {
      scaled_.setConstant(static_cast<Scalar>(-config_.ent_coef / double(batch)));
      dist.entropy_gradient(scaled_, entropy_grad_);
      grad_logits_ += entropy_grad_;
    }
    actor_.network().zero_gradients();
    actor_.backward_logits(grad_logits_);

    // Value: c_V · mean((R − V)²).
    const auto values = critic_.values(observations);
    diagnostics.value_loss = static_cast<double>((target_row - values).squaredNorm()) / double(batch);
    diagnostics.explained_variance = kernels::explained_variance(values, target_row);
    grad_values_ = (values - target_row) * static_cast<Scalar>(2.0 * config_.vf_coef / double(batch));
    critic_.network().zero_gradients();
    critic_.backward(grad_values_);

    // One global gradient norm over both networks (as one optimizer over all parameters).
    auto& ga = actor_.network().gradients();
    auto& gc = critic_.network().gradients();
    const double norm = std::sqrt(static_cast<double>(ga.squaredNorm()) + static_cast<double>(gc.squaredNorm()));
    if (!std::isfinite(norm)) throw NumericalError(fmt::format("actor-critic update: the gradient norm is {}", norm));
    diagnostics.grad_norm = norm;
    const double scale = config_.max_grad_norm / (norm + 1e-6);
    if (scale < 1.0) {
      ga *= static_cast<Scalar>(scale);
      gc *= static_cast<Scalar>(scale);
    }
    actor_optimizer_.step(actor_.network().parameters(), ga);
    critic_optimizer_.step(critic_.network().parameters(), gc);
    return diagnostics;
  }

  [[nodiscard]] const A2CConfig& config() const { return config_; }
  CategoricalActor<Scalar>& actor() { return actor_; }
  Critic<Scalar>& critic() { return critic_; }

 private:
  void reserve(Index batch) {
    if (log_probs_.cols() == batch) return;
    log_probs_.resize(1, batch);
    entropies_.resize(1, batch);
    scaled_.resize(1, batch);
    grad_values_.resize(1, batch);
    grad_logits_.resize(actor_.action_count(), batch);
    entropy_grad_.resize(actor_.action_count(), batch);
  }

  CategoricalActor<Scalar>& actor_;
  Critic<Scalar>& critic_;
  A2CConfig config_;
  detail::ChosenOptimizer<Scalar> actor_optimizer_, critic_optimizer_;
  Matrix<Scalar> log_probs_, entropies_, scaled_, grad_values_, grad_logits_, entropy_grad_;
};

/// On-policy actor-critic: estimate on the fresh rollout, then the shared step.
template <RealScalar Scalar, class Estimator>
class ActorCritic {
 public:
  ActorCritic(CategoricalActor<Scalar>& actor, Critic<Scalar>& critic, const A2CConfig& config = {},
              const Estimator& estimator = {})
      : step_(actor, critic, config), estimator_(estimator) {}

  [[nodiscard]] const A2CConfig& config() const { return step_.config(); }
  [[nodiscard]] const Estimator& estimator() const { return estimator_; }

  UpdateDiagnostics update(const RolloutBuffer<Scalar>& buffer) {
    if (weights_.rows() != buffer.envs() || weights_.cols() != buffer.steps()) {
      weights_.resize(buffer.envs(), buffer.steps());
      targets_.resize(buffer.envs(), buffer.steps());
    }
    estimator_.estimate(buffer, config().gamma, weights_, targets_);
    return step_.apply(buffer.observations, buffer.actions, weights_, targets_);
  }

 private:
  ActorCriticStep<Scalar> step_;
  Estimator estimator_;
  Matrix<Scalar> weights_, targets_;
};

template <RealScalar Scalar>
using A2C = ActorCritic<Scalar, GaeEstimator>;
template <RealScalar Scalar>
using NStepA2C = ActorCritic<Scalar, NStepEstimator>;
template <RealScalar Scalar>
using ValuePolicyGradient = ActorCritic<Scalar, TdTargetEstimator>;

}  // namespace ac
