#pragma once
// A time limit counted by the wrapper itself: `truncated` is set on the step
// that reaches max_steps. Use it on environments that have no limit of their
// own; the built-in ones carry Gymnasium's limit, which set_max_episode_steps
// changes directly.

#include "actorcritic/envs/wrapper.hpp"

namespace ac::envs {

template <Env Inner>
class TimeLimit : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  TimeLimit(Inner inner, long max_steps) : Wrapper<Inner>(std::move(inner)) { set_max_episode_steps(max_steps); }

  Observation reset(std::uint64_t seed) {
    elapsed_ = 0;
    return this->inner_.reset(seed);
  }
  Observation reset() {
    elapsed_ = 0;
    return this->inner_.reset();
  }
  StepResult<Observation> step(const Action& action) {
    auto result = this->inner_.step(action);
    ++elapsed_;
    if (elapsed_ >= max_steps_) result.truncated = true;
    return result;
  }

  [[nodiscard]] long max_episode_steps() const { return std::min(max_steps_, this->inner_.max_episode_steps()); }
  void set_max_episode_steps(long steps) {
    check_positive("TimeLimit: max_steps", steps);
    max_steps_ = steps;
  }

  template <class Archive>
    requires Serializable<Inner>
  void serialize(Archive& a) {
    Wrapper<Inner>::serialize(a);
    a.field("max_steps", max_steps_, archive::positive());
    a.field("elapsed_steps", elapsed_, archive::at_least(0));
  }

 private:
  long max_steps_ = 1;
  long elapsed_ = 0;
};

}  // namespace ac::envs
