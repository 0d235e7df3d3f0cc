#pragma once
// Policies for MultiDiscrete and MultiBinary action spaces: an Mlp from
// observations to stacked logits, with a factored categorical head
// (MultiCategorical: one softmax per component) or independent bits
// (Bernoulli: one sigmoid per bit). LogitActor holds the common part.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/bernoulli.hpp"
#include "actorcritic/distributions/multi_categorical.hpp"
#include "actorcritic/policies/logit_actor.hpp"
#include "actorcritic/policies/policy.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

namespace ac {

template <RealScalar Scalar_>
class MultiCategoricalActor : public LogitActor<MultiCategorical, Scalar_> {
  using Base = LogitActor<MultiCategorical, Scalar_>;

 public:
  /// What describes the action space to the constructor: nvec, the actions of each component.
  using Shape = std::vector<Index>;

  MultiCategoricalActor(Index observation_dim, const Shape& nvec, const ActorConfig& config, Generator& rng)
      : Base("MultiCategoricalActor", observation_dim, logits(nvec), config, false, rng,
             MultiCategorical<Scalar_>(nvec)) {}
  MultiCategoricalActor(Index observation_dim, const Shape& nvec, const ActorConfig& config = {},
                        std::uint64_t seed = 0)
      : Base("MultiCategoricalActor", observation_dim, logits(nvec), config, seed, MultiCategorical<Scalar_>(nvec)) {}
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  MultiCategoricalActor(WithValueRow, Index observation_dim, const Shape& nvec, const ActorConfig& config,
                        Generator& rng)
      : Base("MultiCategoricalActor", observation_dim, logits(nvec), config, true, rng,
             MultiCategorical<Scalar_>(nvec)) {}

  [[nodiscard]] const Shape& nvec() const { return this->dist_.nvec(); }
  /// Rows of an action column: one per component.
  [[nodiscard]] Index action_rows() const { return this->dist_.components(); }

 private:
  static Index logits(const Shape& nvec) {
    Index total = 0;
    for (const Index n : nvec) {
      if (n < 1) throw_invalid_argument("MultiCategoricalActor: nvec: expected >= 1 actions per component, got {}", n);
      total += n;
    }
    if (total == 0) throw_invalid_argument("MultiCategoricalActor: nvec: expected at least one component");
    return total;
  }
};

template <RealScalar Scalar_>
class BernoulliActor : public LogitActor<Bernoulli, Scalar_> {
  using Base = LogitActor<Bernoulli, Scalar_>;

 public:
  /// What describes the action space to the constructor: the number of bits.
  using Shape = Index;

  BernoulliActor(Index observation_dim, Index bits, const ActorConfig& config, Generator& rng)
      : Base("BernoulliActor", observation_dim, bits, config, false, rng, {}) {}
  BernoulliActor(Index observation_dim, Index bits, const ActorConfig& config = {}, std::uint64_t seed = 0)
      : Base("BernoulliActor", observation_dim, bits, config, seed, {}) {}
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  BernoulliActor(WithValueRow, Index observation_dim, Index bits, const ActorConfig& config, Generator& rng)
      : Base("BernoulliActor", observation_dim, bits, config, true, rng, {}) {}

  [[nodiscard]] Index bits() const { return this->net_.head_rows(); }
  /// Rows of an action column: one per bit.
  [[nodiscard]] Index action_rows() const { return bits(); }
};

}  // namespace ac
