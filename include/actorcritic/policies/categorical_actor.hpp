#pragma once
// A policy for Discrete action spaces: an Mlp from observations to logits,
// followed by a Categorical head. The head's gradients with respect to the
// logits flow back through the network with backward().

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"

namespace ac {

template <RealScalar Scalar_>
class CategoricalActor {
 public:
  using Scalar = Scalar_;
  using Distribution = Categorical<Scalar>;
  using Actions = ActionIndices;

  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config, Generator& rng)
      : net_(network_mlp_config(observation_dim, action_count, config), rng) {}
  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config = {},
                   std::uint64_t seed = 0)
      : net_(network_mlp_config(observation_dim, action_count, config), seed) {}

  /// The action distribution at a batch of observations (`obs_dim x batch`).
  /// Caches the network's forward pass for backward().
  const Categorical<Scalar>& distribution(ConstMatrixRef<Scalar> observations) {
    dist_.set_logits(net_.forward(observations));
    return dist_;
  }
  [[nodiscard]] const Categorical<Scalar>& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d(logits) for the last distribution() or jvp() batch.
  void backward(ConstMatrixRef<Scalar> grad_logits) { net_.backward(grad_logits); }

  /// The logits' tangent (∂z/∂θ) v at the observations, `actions x batch`; the
  /// distribution there is left in last_distribution() and backward() applies.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> observations, ConstVectorRef<Scalar> v) {
    auto tangent = net_.jvp(observations, v);
    dist_.set_logits(net_.last_output());
    return tangent;
  }

  [[nodiscard]] Index action_count() const { return net_.outputs(); }
  [[nodiscard]] Index observation_dim() const { return net_.inputs(); }
  [[nodiscard]] static constexpr Index action_rows() { return 1; }
  [[nodiscard]] Index parameter_rows() const { return net_.outputs(); }
  nn::Mlp<Scalar>& network() { return net_; }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_; }

 private:
  nn::Mlp<Scalar> net_;
  Categorical<Scalar> dist_;
};

}  // namespace ac
