#pragma once
// Continuous actions clipped to the inner action space's bounds before they
// reach the environment (Gymnasium ClipAction); the wrapper accepts any
// finite action, so its own action space is unbounded.

#include "actorcritic/envs/wrapper.hpp"

namespace ac::envs {

template <ContinuousEnv Inner>
class ClipAction : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  explicit ClipAction(Inner inner)
      : Wrapper<Inner>(std::move(inner)), bounds_(this->inner_.action_space()),
        space_(-kInfinity, kInfinity, bounds_.dim()), clipped_(bounds_.dim()) {}

  [[nodiscard]] const Box& action_space() const { return space_; }

  StepResult<Observation> step(const Action& action) {
    check_action(this->id(), space_, action);
    clipped_ = action.cwiseMax(bounds_.low).cwiseMin(bounds_.high);
    return this->inner_.step(clipped_);
  }

 private:
  Box bounds_;
  Box space_;  // stored, not built per step: a Box holds heap vectors
  Action clipped_;
};

}  // namespace ac::envs
