#pragma once
// The scalars of one training iteration as TensorBoard tags, named as SB3
// names its own where there is one: rollout/ (the recent episodes), eval/
// (an evaluation after the iteration), train/ (every update diagnostic the
// algorithm measures), time/.

#include <actorcritic/train/evaluate.hpp>
#include <actorcritic/train/train.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac::tensorboard {

/// Fills `out` with the iteration's (tag, value) pairs, reusing its strings:
/// called every iteration with the same vector, it allocates nothing once the
/// tags are in place.
inline void training_scalars(const IterationInfo& info, const EvaluationResult* evaluation,
                             std::vector<std::pair<std::string, double>>& out) {
  std::size_t k = 0;
  const auto put = [&](std::string_view group, std::string_view name, double value) {
    if (k == out.size()) out.emplace_back();
    auto& [tag, slot] = out[k++];
    tag.assign(group).append(name);
    slot = value;
  };
  put("rollout/", "ep_rew_mean", info.mean_return);
  put("rollout/", "episodes", static_cast<double>(info.episodes));
  put("time/", "iterations", static_cast<double>(info.iteration));
  put("time/", "fps", info.steps_per_second());  // as SB3's: this call's steps (a resumed run's own)
  put("time/", "collect_seconds", info.collect_seconds);  // not SB3's: where the time went
  put("time/", "update_seconds", info.update_seconds);
  for (const auto& [name, member] : UpdateDiagnostics::fields) put("train/", name, info.diagnostics.*member);
  if (evaluation != nullptr) {  // last, so that iterations without one keep the other tags in place
    put("eval/", "mean_reward", evaluation->mean_return);
    put("eval/", "std_reward", evaluation->std_return);
  }
  out.resize(k);
}

inline std::vector<std::pair<std::string, double>> training_scalars(const IterationInfo& info,
                                                                    const EvaluationResult* evaluation = nullptr) {
  std::vector<std::pair<std::string, double>> values;
  training_scalars(info, evaluation, values);
  return values;
}

}  // namespace ac::tensorboard
