#pragma once
// Continuous actions given in [min_action, max_action] mapped affinely onto
// the inner Box [low, high] (Gymnasium RescaleAction):
//   a' = low + (high − low) · (a − min) / (max − min).

#include "actorcritic/envs/wrapper.hpp"

namespace ac::envs {

template <ContinuousEnv Inner>
class RescaleAction : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  RescaleAction(Inner inner, float min_action = -1.0f, float max_action = 1.0f)
      : Wrapper<Inner>(std::move(inner)),
        inner_space_(this->inner_.action_space()),
        space_(min_action, max_action, inner_space_.dim()),
        rescaled_(inner_space_.dim()) {
    if (!(min_action < max_action)) {
      throw_invalid_argument("RescaleAction: expected min_action < max_action, got {} and {}", min_action,
                             max_action);
    }
    if (!inner_space_.is_bounded()) {
      throw_invalid_argument("RescaleAction: the inner action space {} must be bounded", inner_space_.describe());
    }
  }

  [[nodiscard]] const Box& action_space() const { return space_; }

  StepResult<Observation> step(const Action& action) {
    check_action(this->id(), space_, action);
    rescaled_ = inner_space_.low.array() + (inner_space_.high - inner_space_.low).array() *
                                               ((action - space_.low).array() / (space_.high - space_.low).array());
    return this->inner_.step(rescaled_);
  }

 private:
  Box inner_space_;
  Box space_;
  Action rescaled_;
};

}  // namespace ac::envs
