#pragma once
// A policy for Discrete action spaces: an Mlp from observations to logits,
// followed by a Categorical head. The head's gradients with respect to the
// logits flow back through the network with backward_logits().

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"

#include <vector>

namespace ac {

struct ActorConfig {
  std::vector<Index> hidden{64, 64};  // SB3 MlpPolicy default
  nn::Activation activation = nn::Activation::tanh;
  bool layer_norm = false;
  double output_gain = 0.01;  // orthogonal init of the policy head (SB3, CleanRL)
};

template <RealScalar Scalar_>
class CategoricalActor {
 public:
  using Scalar = Scalar_;

  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config, Generator& rng)
      : net_(network_mlp_config(observation_dim, action_count, config), rng) {}
  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config = {},
                   std::uint64_t seed = 0)
      : net_(network_mlp_config(observation_dim, action_count, config), seed) {}

  /// The action distribution at a batch of observations (`obs_dim x batch`).
  /// Caches the network's forward pass for backward_logits().
  const Categorical<Scalar>& distribution(ConstMatrixRef<Scalar> observations) {
    dist_.set_logits(net_.forward(observations));
    return dist_;
  }
  [[nodiscard]] const Categorical<Scalar>& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d(logits) for the last distribution() batch.
  void backward_logits(ConstMatrixRef<Scalar> grad_logits) { net_.backward(grad_logits); }

  [[nodiscard]] Index action_count() const { return net_.outputs(); }
  [[nodiscard]] Index observation_dim() const { return net_.inputs(); }
  nn::Mlp<Scalar>& network() { return net_; }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_; }

 private:
  nn::Mlp<Scalar> net_;
  Categorical<Scalar> dist_;
};

}  // namespace ac
