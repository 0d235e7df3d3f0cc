#pragma once
// A policy for Discrete action spaces: an Mlp from observations to logits,
// followed by a Categorical head (LogitActor holds the common part). The
// head's gradients with respect to the logits flow back through the network
// with backward().

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"
#include "actorcritic/policies/logit_actor.hpp"
#include "actorcritic/policies/policy.hpp"

#include <cstdint>

namespace ac {

template <RealScalar Scalar_>
class CategoricalActor : public LogitActor<Categorical, Scalar_> {
  using Base = LogitActor<Categorical, Scalar_>;

 public:
  /// What describes the action space to the constructor: the number of actions.
  using Shape = Index;

  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config, Generator& rng)
      : Base("CategoricalActor", observation_dim, action_count, config, false, rng, {}) {}
  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config = {},
                   std::uint64_t seed = 0)
      : Base("CategoricalActor", observation_dim, action_count, config, seed, {}) {}
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  CategoricalActor(WithValueRow, Index observation_dim, Index action_count, const ActorConfig& config,
                   Generator& rng)
      : Base("CategoricalActor", observation_dim, action_count, config, true, rng, {}) {}

  [[nodiscard]] Index action_count() const { return this->net_.head_rows(); }
  [[nodiscard]] static constexpr Index action_rows() { return 1; }
};

}  // namespace ac
