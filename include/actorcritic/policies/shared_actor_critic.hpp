#pragma once
// A policy and a value function on one shared trunk: a single Mlp whose output
// layer holds the distribution's rows (logits or the Gaussian mean) and one
// more row, V(s) — the "shared layers" architecture of A3C (Mnih et al. 2016)
// and of SB3's share_features_extractor. actor() is an ordinary Policy and
// critic() an ordinary Critic viewing the same network, so A2C, PPO and the
// off-policy actor-critic take them unchanged; they notice that the two
// networks are one (ActorCriticParameters) and zero, clip and step it once.
//
// The trunk's layers get their hidden gain; the output layer's policy rows get
// the actor's output gain (0.01) and the value row the value gain (1.0), each
// orthogonal, as SB3 initializes its separate action and value heads.
//
// Cost: each head runs its own forward and backward pass through the trunk, so
// an update costs what separate networks of the same widths cost; what sharing
// changes is the parameter count and that both losses shape the features.
// TRPO needs separate networks (its critic is fitted apart from the
// trust-region step) and rejects a shared one.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/init.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/box_actor.hpp"
#include "actorcritic/policies/multi_discrete_actors.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

namespace ac {

/// `Actor` is CategoricalActor<S> or GaussianActor<S>.
template <Policy Actor>
class SharedActorCritic {
 public:
  using Scalar = typename Actor::Scalar;

  /// `action_size`: the actor's Shape — the number of actions (Categorical), action
  /// dimensions (Gaussian) or bits (Bernoulli), or nvec (MultiCategorical).
  SharedActorCritic(Index observation_dim, const typename Actor::Shape& action_size, const ActorConfig& config,
                    Generator& rng, double value_output_gain = 1.0)
      : actor_(WithValueRow{}, observation_dim, action_size, config, rng), critic_(actor_.network()) {
    initialize_value_row(value_output_gain, rng);
  }
  SharedActorCritic(Index observation_dim, const typename Actor::Shape& action_size, const ActorConfig& config = {},
                    std::uint64_t seed = 0, double value_output_gain = 1.0)
      : SharedActorCritic(observation_dim, action_size, config, Generator(seed), value_output_gain) {}
  SharedActorCritic(Index observation_dim, const typename Actor::Shape& action_size, const ActorConfig& config,
                    Generator&& rng, double value_output_gain = 1.0)
      : SharedActorCritic(observation_dim, action_size, config, rng, value_output_gain) {}

  // The critic views the actor's network: neither may be copied or moved apart.
  SharedActorCritic(const SharedActorCritic&) = delete;
  SharedActorCritic& operator=(const SharedActorCritic&) = delete;

  Actor& actor() { return actor_; }
  Critic<Scalar>& critic() { return critic_; }
  [[nodiscard]] const Actor& actor() const { return actor_; }
  [[nodiscard]] const Critic<Scalar>& critic() const { return critic_; }
  nn::Mlp<Scalar>& network() { return actor_.network(); }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return actor_.network(); }

 private:
  void initialize_value_row(double gain, Generator& rng) {
    check_positive("SharedActorCritic: value_output_gain", gain);
    auto& net = actor_.network();
    auto weight = net.linear_layers().back().weight(net.parameters().data());
    Matrix<Scalar> row(1, weight.cols());
    nn::init_orthogonal<Scalar>(row, gain, rng);
    weight.bottomRows(1) = row;
  }

  Actor actor_;
  Critic<Scalar> critic_;
};

}  // namespace ac
