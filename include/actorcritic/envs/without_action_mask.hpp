#pragma once
// An environment with its action masks hidden: the same dynamics, but no
// longer a MaskedEnv, so every algorithm samples, updates and evaluates over
// all of its actions. What masking buys is measured against this
// (Huang & Ontañón 2020 compare the same way); an illegal action then does
// whatever the environment does with one (GridMaze: nothing, at a step's cost).

#include "actorcritic/envs/wrapper.hpp"

namespace ac::envs {

template <MaskedEnv Inner>
class WithoutActionMask : public Wrapper<Inner> {
 public:
  explicit WithoutActionMask(Inner inner = Inner{}) : Wrapper<Inner>(std::move(inner)) {}
  void action_mask() const = delete;  // hides Wrapper's: MaskedEnv<WithoutActionMask> is false
};

}  // namespace ac::envs
