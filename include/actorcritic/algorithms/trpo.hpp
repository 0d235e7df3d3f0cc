#pragma once
// Trust Region Policy Optimization (Schulman et al. 2015) as sb3-contrib
// composes it: GAE(λ) advantages on a fresh rollout, one trust-region step of
// the policy on the importance-weighted surrogate (TrustRegionStep: natural
// gradient by conjugate gradient, KL radius δ, backtracking line search), then
// the critic fitted by several epochs of minibatch Adam on (R − V)².
// With TrustRegionConfig::line_search = false it is the natural policy gradient (NPG).
// Data-parallel (set_communicator), the step's statistics and the critic's
// minibatches are the global batch's, as PPO's are.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/algorithms/minibatch.hpp"
#include "actorcritic/algorithms/trust_region.hpp"
#include "actorcritic/kernels/advantages.hpp"
#include "actorcritic/kernels/normalization.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <numeric>
#include <string_view>
#include <vector>

namespace ac {

struct TRPOConfig {
  Index n_steps = 2048;              // sb3-contrib
  double gamma = 0.99;               // sb3-contrib
  double gae_lambda = 0.95;          // sb3-contrib
  bool normalize_advantage = true;   // sb3-contrib
  TrustRegionConfig trust_region{};  // δ 0.01, 15 CG steps, damping 0.1, 0.8 × 10 backtracking
  Index critic_epochs = 10;          // sb3-contrib n_critic_updates
  Index critic_batch_size = 128;     // sb3-contrib batch_size
  optim::AdamConfig critic_optimizer{.learning_rate = 1e-3};  // sb3-contrib learning_rate (the critic's)

  template <class Archive>
  void serialize(Archive& a) {
    a.field("n_steps", n_steps);
    a.field("gamma", gamma);
    a.field("gae_lambda", gae_lambda);
    a.field("normalize_advantage", normalize_advantage);
    a.field("trust_region", trust_region);
    a.field("critic_epochs", critic_epochs);
    a.field("critic_batch_size", critic_batch_size);
    a.field("critic_optimizer", critic_optimizer);
  }

  void validate() const {
    check_positive("TRPOConfig.n_steps", n_steps);
    check_discount("TRPOConfig.gamma", gamma);
    check_in_closed_range("TRPOConfig.gae_lambda", gae_lambda, 0.0, 1.0);
    trust_region.validate();
    check_positive("TRPOConfig.critic_epochs", critic_epochs);
    check_positive("TRPOConfig.critic_batch_size", critic_batch_size);
    critic_optimizer.validate();
  }
};

template <Policy P>
class TRPO {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Settings = TRPOConfig;
  static constexpr std::string_view kName = "trpo";

  TRPO(P& actor, Critic<Scalar>& critic, const TRPOConfig& config = {})
      : actor_(actor), critic_(critic), config_((config.validate(), config)), step_(actor, config.trust_region),
        critic_optimizer_(critic.network().parameter_count(), config.critic_optimizer) {
    if (&actor.network() == &critic.network()) {
      throw_invalid_argument(
          "TRPO: critic: expected a network of its own, got one shared with the actor (the trust-region step "
          "moves the policy's parameters alone and the critic is fitted apart; use separate networks)");
    }
    if (critic.network().recurrent()) {
      throw_invalid_argument("TRPO: critic: expected a feed-forward network (CriticConfig::recurrent 0): its fit "
                             "shuffles single samples; a recurrent actor is supported");
    }
  }

  [[nodiscard]] const TRPOConfig& config() const { return config_; }
  [[nodiscard]] const TRPOConfig& settings() const { return config_; }
  /// The learner's state beyond the networks' parameters (optimizer moments of the critic), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("critic_optimizer", critic_optimizer_);
  }
  [[nodiscard]] Index rollout_steps() const { return config_.n_steps; }
  P& actor() { return actor_; }
  Critic<Scalar>* critic() { return &critic_; }
  /// Data-parallel over `comm`'s ranks (a single process by default).
  void set_communicator(CommunicatorRef comm) {
    comm_ = comm;
    step_.set_communicator(comm);
  }

  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer, Generator& rng) {
    const Index batch = buffer.size();
    UpdateDiagnostics d;
    if (advantages_.rows() != buffer.envs() || advantages_.cols() != buffer.steps()) {
      advantages_.resize(buffer.envs(), buffer.steps());
      returns_.resize(buffer.envs(), buffer.steps());
    }
    // 1. GAE advantages, returns for the critic.
    kernels::gae(buffer.rewards, buffer.values, buffer.next_values, buffer.terminated, buffer.ended,
                 static_cast<Scalar>(config_.gamma), static_cast<Scalar>(config_.gae_lambda), advantages_);
    returns_ = advantages_ + buffer.values;
    d.explained_variance =
        kernels::explained_variance(comm_, detail::as_row(buffer.values), detail::as_row(returns_));
    if (config_.normalize_advantage) kernels::normalize_advantages(comm_, advantages_);

    // 2. The policy's trust-region step (a recurrent policy over the rollout as collected: its N envs' sequences).
    use_rollout_sequences(actor_, nullptr, buffer, starts_);
    step_.apply(buffer.observations, buffer.actions, detail::as_row(buffer.log_probs), detail::as_row(advantages_), d,
                buffer.action_masks());

    // 3. The critic: epochs of shuffled minibatch Adam on mean (R − V)² (data-parallel: global minibatches).
    const MinibatchPlan plan = plan_minibatches(comm_, batch, config_.critic_batch_size);
    const Index minibatch = plan.slice;
    if (static_cast<Index>(order_.size()) != batch || mb_observations_.cols() != minibatch) {
      order_.resize(static_cast<std::size_t>(batch));
      mb_observations_.resize(buffer.observations.rows(), minibatch);
      mb_returns_.resize(1, minibatch);
      mb_grad_.resize(1, minibatch);
    }
    std::iota(order_.begin(), order_.end(), Index{0});
    double value_loss_sum = 0.0, weight = 0.0;
    for (Index epoch = 0; epoch < config_.critic_epochs; ++epoch) {
      detail::shuffle(order_, rng);
      for (Index k = 0; k < plan.steps; ++k) {
        const Index size = plan.size(k);
        critic_.network().zero_gradients();
        double loss = 0.0;
        if (size > 0) {
          auto obs = mb_observations_.leftCols(size);
          auto returns = mb_returns_.leftCols(size);
          auto grad = mb_grad_.leftCols(size);
          detail::gather_columns(buffer.observations, order_, plan.first(k), obs);
          detail::gather_columns(detail::as_row(returns_), order_, plan.first(k), returns);
          const auto values = critic_.values(obs);
          loss = value_loss<Scalar>(values, returns, values, kOff, 1.0, 1.0 / double(size), grad);
          critic_.backward(grad);
        }
        average_gradients(comm_, critic_.network().gradients(), double(size), workspace_);
        critic_optimizer_.step(critic_.network().parameters(), critic_.network().gradients());
        if (epoch + 1 == config_.critic_epochs) {
          value_loss_sum += loss * double(size);
          weight += double(size);
        }
      }
    }
    d.value_loss = value_loss_sum / weight;
    mean_across_ranks(comm_, weight, {&d.value_loss});
    return d;
  }

 private:
  P& actor_;
  Critic<Scalar>& critic_;
  TRPOConfig config_;
  TrustRegionStep<P> step_;
  optim::Adam<Scalar> critic_optimizer_;
  std::vector<Index> order_;
  nn::EpisodeStarts starts_;
  Matrix<Scalar> advantages_, returns_, mb_observations_, mb_returns_, mb_grad_;
  CommunicatorRef comm_;
  std::vector<Scalar> workspace_;
};

template <Policy P>
TRPO(P&, Critic<typename P::Scalar>&, const TRPOConfig& = {}) -> TRPO<P>;

}  // namespace ac
