#pragma once
// Recurrent networks over rollouts (a GRU first: ActorConfig::recurrent,
// CriticConfig::recurrent). While collecting, each env's GRU state is carried
// from step to step and zeroed where an episode ends, terminated or truncated,
// so that the next one starts from zero (Hausknecht & Stone 2015's
// "bootstrapped sequential updates"; sb3-contrib's RecurrentPPO and CleanRL's
// LSTM PPO do the same). The rollout buffer keeps the state carried into every
// step (`actor_states`, `critic_states`), so that an update can run the
// networks again over the whole rollout, or over any chunk of one env's
// trajectory, from exactly the state the behavior policy had there.
//
// A rollout of T steps of N envs is already a batch of N sequences of T
// steps in the GRU's time-major layout (sample t·N + n is step t of
// sequence n), so the whole-rollout pass needs no gather: only the episode
// starts, which are the `ended` flags of the step before.

#include <cstddef>
#include <vector>

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/gru.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"

namespace ac {

/// The networks of a policy and its critic that carry GRU states: the policy's
/// when it is recurrent, and the critic's when it is recurrent and its own (a
/// critic on a shared trunk runs on the policy's network, and so on its states).
template <RealScalar Scalar>
struct RecurrentNetworks {
  nn::Mlp<Scalar>* actor = nullptr;
  nn::Mlp<Scalar>* critic = nullptr;

  [[nodiscard]] bool any() const { return actor != nullptr || critic != nullptr; }
};

template <Policy P>
RecurrentNetworks<typename P::Scalar> recurrent_networks(P& policy, Critic<typename P::Scalar>* critic) {
  RecurrentNetworks<typename P::Scalar> networks;
  if (policy.network().recurrent()) networks.actor = &policy.network();
  if (critic != nullptr && !critic->shares_network() && critic->network().recurrent()) {
    networks.critic = &critic->network();
  }
  return networks;
}

/// The GRU states each env carries into its next step: the policy network's and
/// the critic's own (`R x N`; 0 x 0 for a network without a GRU).
template <RealScalar Scalar>
struct CarriedStates {
  Matrix<Scalar> actor, critic;

  template <class Archive>
  void serialize(Archive& a) {
    a.field("actor", actor, archive::all_finite());
    a.field("critic", critic, archive::all_finite());
  }
};

/// The episode starts of a rollout's samples (sample t·N + n), for its N envs
/// as sequences: step t of env n starts an episode where step t − 1 ended one.
/// Step 0 is marked false: the state stored for it is already zero where an
/// episode starts there. `ended` is the buffer's N x T matrix.
template <class M>
void rollout_episode_starts(const M& ended, nn::EpisodeStarts& starts) {
  const Index n = ended.rows(), steps = ended.cols();
  starts.resize(n * steps);
  starts.head(n).setConstant(false);
  for (Index t = 1; t < steps; ++t) {
    for (Index i = 0; i < n; ++i) starts(t * n + i) = ended(i, t - 1) != 0;
  }
}

/// Sets the recurrent networks of `policy` and `critic` (if any) to run over
/// the whole of `buffer` as its N envs' sequences, from the states stored at its
/// first step; `starts` is the workspace for the episode starts. Nothing for
/// feed-forward networks.
template <Policy P, class Buffer>
void use_rollout_sequences(P& policy, Critic<typename P::Scalar>* critic, const Buffer& buffer,
                           nn::EpisodeStarts& starts) {
  const auto networks = recurrent_networks(policy, critic);
  if (!networks.any()) return;
  rollout_episode_starts(buffer.ended, starts);
  const Index n = buffer.envs();
  if (networks.actor != nullptr) networks.actor->use_sequences(starts, buffer.actor_states.leftCols(n));
  if (networks.critic != nullptr) networks.critic->use_sequences(starts, buffer.critic_states.leftCols(n));
}

/// A rollout's envs' trajectories cut into chunks of `length` steps, the units
/// of PPO's sequence minibatches: chunk c = j·N + n covers steps jL … jL + L − 1
/// of env n (L divides T, so that no chunk needs padding: the GRU resets inside
/// a chunk where an episode starts, so chunks need not align with episodes).
/// A minibatch of B chunks is gathered time-major — column l·B + b is step l of
/// its chunk b — and runs from the states the rollout stored at the chunks' first steps.
template <RealScalar Scalar>
class SequenceChunks {
 public:
  /// The samples of chunks[first … first + count) in the minibatch's time-major
  /// order, written to samples[first·L …] (so one vector holds an epoch's order).
  static void sample_order(const std::vector<Index>& chunks, Index first, Index count, Index envs, Index length,
                           std::vector<Index>& samples) {
    const Index base = first * length;
    for (Index l = 0; l < length; ++l) {
      for (Index b = 0; b < count; ++b) {
        const Index c = chunks[static_cast<std::size_t>(first + b)];
        const Index start = (c / envs) * length, env = c % envs;
        samples[static_cast<std::size_t>(base + l * count + b)] = (start + l) * envs + env;
      }
    }
  }

  /// Sets the recurrent networks to run over chunks[first … first + count): their
  /// episode starts (from the rollout's `ended` flags) and their stored first states.
  template <class Buffer>
  void use(const RecurrentNetworks<Scalar>& networks, const Buffer& buffer, const std::vector<Index>& chunks,
           Index first, Index count, Index length) {
    const Index envs = buffer.envs();
    if (starts_.size() < count * length) starts_.resize(count * length);
    for (Index l = 0; l < length; ++l) {
      for (Index b = 0; b < count; ++b) {
        const Index c = chunks[static_cast<std::size_t>(first + b)];
        const Index t = (c / envs) * length + l, env = c % envs;
        starts_(l * count + b) = l > 0 && buffer.ended(env, t - 1) != 0;
      }
    }
    const auto starts = starts_.head(count * length);
    const auto first_states = [&](const Matrix<Scalar>& stored, Matrix<Scalar>& h0) {
      if (h0.rows() != stored.rows() || h0.cols() < count) h0.resize(stored.rows(), count);
      for (Index b = 0; b < count; ++b) {
        const Index c = chunks[static_cast<std::size_t>(first + b)];
        h0.col(b) = stored.col((c / envs) * length * envs + c % envs);
      }
      return h0.leftCols(count);
    };
    if (networks.actor != nullptr) networks.actor->use_sequences(starts, first_states(buffer.actor_states, actor_h0_));
    if (networks.critic != nullptr) {
      networks.critic->use_sequences(starts, first_states(buffer.critic_states, critic_h0_));
    }
  }

 private:
  nn::EpisodeStarts starts_;
  Matrix<Scalar> actor_h0_, critic_h0_;
};

}  // namespace ac
