#pragma once
// Observations standardized by running statistics: (o − μ) / √(σ² + ε),
// clipped to ±clip (SB3 VecNormalize: ε 1e-8, clip 10). The statistics are
// updated on every reset and step while training, frozen for evaluation
// (set_training(false)), and can be saved with the policy.

#include "actorcritic/core/running_mean_std.hpp"
#include "actorcritic/envs/wrapper.hpp"

#include <algorithm>
#include <cmath>

namespace ac::envs {

struct NormalizeObservationConfig {
  double epsilon = 1e-8;  // SB3 VecNormalize
  double clip = 10.0;     // SB3 clip_obs; infinity disables clipping
};

template <Env Inner>
class NormalizeObservation : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  explicit NormalizeObservation(Inner inner, const NormalizeObservationConfig& config = {})
      : Wrapper<Inner>(std::move(inner)), config_(config),
        statistics_(this->inner_.observation_space().dim()) {
    check_positive("NormalizeObservation: epsilon", config.epsilon);
    check_positive("NormalizeObservation: clip", config.clip);
  }

  Observation reset(std::uint64_t seed) { return normalize(this->inner_.reset(seed)); }
  Observation reset() { return normalize(this->inner_.reset()); }
  StepResult<Observation> step(const Action& action) {
    auto result = this->inner_.step(action);
    result.observation = normalize(result.observation);
    return result;
  }

  /// While training the statistics follow the data; frozen, they only apply.
  void set_training(bool training) { training_ = training; }
  [[nodiscard]] bool training() const { return training_; }
  [[nodiscard]] const RunningMeanStd& statistics() const { return statistics_; }
  RunningMeanStd& statistics() { return statistics_; }

  /// Applies the current statistics without updating them.
  [[nodiscard]] Observation apply(const Observation& raw) const {
    Observation out = raw;
    for (Index i = 0; i < out.size(); ++i) {
      const double z = (static_cast<double>(raw(i)) - statistics_.mean()(i)) /
                       std::sqrt(statistics_.var()(i) + config_.epsilon);
      out(i) = static_cast<float>(std::clamp(z, -config_.clip, config_.clip));
    }
    return out;
  }

  /// The inner environment's state and the statistics (the settings are the constructor's).
  template <class Archive>
    requires Serializable<Inner>
  void serialize(Archive& a) {
    Wrapper<Inner>::serialize(a);
    a.field("statistics", statistics_);
    a.field("training", training_);
  }

 private:
  Observation normalize(const Observation& raw) {
    if (training_) statistics_.update(raw);
    return apply(raw);
  }

  NormalizeObservationConfig config_;
  RunningMeanStd statistics_;
  bool training_ = true;
};

}  // namespace ac::envs
