#pragma once
// A state-value function V(s): an Mlp from observations to one output.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <vector>

namespace ac {

/// The MlpConfig of a policy or value network from its config (ActorConfig,
/// CriticConfig: hidden widths, activation, layer norm, head gain).
template <class NetworkConfig>
nn::MlpConfig network_mlp_config(Index inputs, Index outputs, const NetworkConfig& c) {
  return {.inputs = inputs, .hidden = c.hidden, .outputs = outputs, .activation = c.activation,
          .layer_norm = c.layer_norm, .output_gain = c.output_gain};
}

struct CriticConfig {
  std::vector<Index> hidden{64, 64};  // SB3 MlpPolicy default
  nn::Activation activation = nn::Activation::tanh;
  bool layer_norm = false;
  double output_gain = 1.0;  // orthogonal init of the value head (SB3, CleanRL)
};

template <RealScalar Scalar_>
class Critic {
 public:
  using Scalar = Scalar_;

  Critic(Index observation_dim, const CriticConfig& config, Generator& rng)
      : net_(network_mlp_config(observation_dim, 1, config), rng) {}
  explicit Critic(Index observation_dim, const CriticConfig& config = {}, std::uint64_t seed = 0)
      : net_(network_mlp_config(observation_dim, 1, config), seed) {}

  /// V at a batch of observations, `1 x batch` (a view valid until the next call).
  ConstMatrixMap<Scalar> values(ConstMatrixRef<Scalar> observations) { return net_.forward(observations); }

  /// Accumulates dL/dθ given dL/dV (1 x batch) for the last values() batch.
  void backward(ConstMatrixRef<Scalar> grad_values) { net_.backward(grad_values); }

  nn::Mlp<Scalar>& network() { return net_; }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_; }

 private:
  nn::Mlp<Scalar> net_;
};

}  // namespace ac
