#pragma once
// The networks of a run: a policy with its own critic, a policy and a critic
// sharing one trunk (SharedActorCritic), or a policy alone (REINFORCE). Held
// behind pointers so that the algorithm's references to them survive moves.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/shared_actor_critic.hpp"

#include <memory>

namespace ac {

template <Policy Actor>
class ActorCriticModel {
 public:
  using Scalar = typename Actor::Scalar;

  /// `action_size`: the actor's Shape (actions, action dimensions, bits, or nvec).
  /// The networks are initialized from `init` in a fixed order: actor, then critic.
  ActorCriticModel(Index observation_dim, const typename Actor::Shape& action_size, const ActorConfig& actor_config,
                   const CriticConfig& critic_config, bool with_critic, bool shared_trunk, Generator& init) {
    if (shared_trunk && !with_critic) {
      throw_invalid_argument("ActorCriticModel: shared_trunk: expected a model with a critic to share it with");
    }
    if (shared_trunk) {
      shared_ = std::make_unique<SharedActorCritic<Actor>>(observation_dim, action_size, actor_config, init,
                                                           critic_config.output_gain);
    } else {
      actor_ = std::make_unique<Actor>(observation_dim, action_size, actor_config, init);
      if (with_critic) critic_ = std::make_unique<Critic<Scalar>>(observation_dim, critic_config, init);
    }
  }

  Actor& actor() { return shared_ ? shared_->actor() : *actor_; }
  [[nodiscard]] const Actor& actor() const { return shared_ ? shared_->actor() : *actor_; }
  /// nullptr when the model has no critic.
  Critic<Scalar>* critic() { return shared_ ? &shared_->critic() : critic_.get(); }
  [[nodiscard]] const Critic<Scalar>* critic() const { return shared_ ? &shared_->critic() : critic_.get(); }
  /// The critic's own network, when it has one (not a view of a shared trunk).
  [[nodiscard]] const nn::Mlp<Scalar>* separate_critic_network() const { return critic_ ? &critic_->network() : nullptr; }
  nn::Mlp<Scalar>* separate_critic_network() { return critic_ ? &critic_->network() : nullptr; }
  [[nodiscard]] bool shared_trunk() const { return shared_ != nullptr; }

 private:
  std::unique_ptr<SharedActorCritic<Actor>> shared_;
  std::unique_ptr<Actor> actor_;
  std::unique_ptr<Critic<Scalar>> critic_;
};

}  // namespace ac
