#pragma once
// A ring of the most recent rollouts, each kept with the behavior policy's
// log-probabilities of the actions it took, for off-policy updates.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <vector>

namespace ac {

template <RealScalar Scalar, class Actions = ActionIndices>
class ReplayBuffer {
 public:
  using Rollout = RolloutBuffer<Scalar, Actions>;

  /// Room for `capacity` rollouts of `steps x envs` (allocated once, here);
  /// `mask_rows` as RolloutBuffer's (the actions of a masking environment, else 0).
  ReplayBuffer(std::size_t capacity, Index steps, Index envs, Index observation_dim, Index action_rows = 1,
               Index mask_rows = 0) {
    check_positive("ReplayBuffer: capacity", capacity);
    slots_.reserve(capacity);
    for (std::size_t i = 0; i < capacity; ++i) {
      slots_.emplace_back(steps, envs, observation_dim, action_rows, mask_rows);
    }
  }

  /// Copies a rollout in, replacing the oldest when full.
  void push(const Rollout& rollout) {
    Rollout& slot = slots_[next_];
    if (slot.steps() != rollout.steps() || slot.envs() != rollout.envs() ||
        slot.observations.rows() != rollout.observations.rows() || slot.actions.rows() != rollout.actions.rows() ||
        slot.masks.rows() != rollout.masks.rows()) {
      throw_invalid_argument("ReplayBuffer::push: rollout: expected {} steps x {} envs, got {} x {}", slot.steps(),
                             slot.envs(), rollout.steps(), rollout.envs());
    }
    slot = rollout;  // same shapes: copies without allocating
    next_ = (next_ + 1) % slots_.size();
    size_ = std::min(size_ + 1, slots_.size());
  }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }
  [[nodiscard]] bool empty() const { return size_ == 0; }

  /// The i-th most recent rollout (0 = the newest).
  [[nodiscard]] const Rollout& recent(std::size_t i) const {
    if (i >= size_) throw_invalid_argument("ReplayBuffer::recent: i: expected < {}, got {}", size_, i);
    return slots_[(next_ + slots_.size() - 1 - i) % slots_.size()];
  }
  /// The stored rollouts and their order, for checkpoints; loading needs a
  /// buffer of the same capacity and shapes.
  template <class Archive>
  void serialize(Archive& a) {
    std::uint64_t capacity = slots_.size();
    a.field("capacity", capacity, archive::equal_to<std::uint64_t>(slots_.size()));
    a.field("position", next_, archive::below(double(slots_.size())));
    a.field("size", size_, archive::between(0, slots_.size()));
    if constexpr (Archive::loading) a.require(size_ == slots_.size() || next_ == size_, "position", "the size while the buffer fills");
    for (std::size_t i = 0; i < size_; ++i) a.field("rollout", slots_[i]);
  }

  /// A stored rollout drawn uniformly.
  const Rollout& sample(Generator& rng) const {
    if (size_ == 0) throw UsageError("ReplayBuffer::sample: the buffer is empty");
    return recent(static_cast<std::size_t>(rng.integer(size_)));
  }

 private:
  std::vector<Rollout> slots_;
  std::size_t next_ = 0, size_ = 0;
};

}  // namespace ac
