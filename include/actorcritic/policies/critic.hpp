#pragma once
// A state-value function V(s): an Mlp from observations to one output.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <vector>

namespace ac {

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

  Critic(Index observation_dim, const CriticConfig& config, Generator& rng) : net_(mlp_config(observation_dim, config), rng) {}
  explicit Critic(Index observation_dim, const CriticConfig& config = {}, std::uint64_t seed = 0)
      : net_(mlp_config(observation_dim, config), seed) {}

  /// V at a batch of observations, `1 x batch` (a view valid until the next call).
  ConstMatrixMap<Scalar> values(ConstMatrixRef<Scalar> observations) { return net_.forward(observations); }

  /// Accumulates dL/dθ given dL/dV (1 x batch) for the last values() batch.
  void backward(ConstMatrixRef<Scalar> grad_values) { net_.backward(grad_values); }

  nn::Mlp<Scalar>& network() { return net_; }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_; }

 private:
  static nn::MlpConfig mlp_config(Index observation_dim, const CriticConfig& c) {
    return {.inputs = observation_dim, .hidden = c.hidden, .outputs = 1, .activation = c.activation,
            .layer_norm = c.layer_norm, .output_gain = c.output_gain};
  }
  nn::Mlp<Scalar> net_;
};

}  // namespace ac
