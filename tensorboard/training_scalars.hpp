#pragma once
// The scalars of one training iteration as TensorBoard tags, named as SB3
// names its own where there is one: rollout/ (the recent episodes), eval/
// (an evaluation after the iteration), train/ (every update diagnostic the
// algorithm measures), time/.

#include <actorcritic/train/evaluate.hpp>
#include <actorcritic/train/train.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ac::tensorboard {

inline std::vector<std::pair<std::string, double>> training_scalars(const IterationInfo& info,
                                                                    const EvaluationResult* evaluation = nullptr) {
  std::vector<std::pair<std::string, double>> values{
      {"rollout/ep_rew_mean", info.mean_return},
      {"rollout/episodes", static_cast<double>(info.episodes)},
      {"time/iterations", static_cast<double>(info.iteration)},
      {"time/fps", info.seconds > 0 ? static_cast<double>(info.steps) / info.seconds : 0.0},
  };
  if (evaluation != nullptr) {
    values.emplace_back("eval/mean_reward", evaluation->mean_return);
    values.emplace_back("eval/std_reward", evaluation->std_return);
  }
  for (const auto& [name, member] : UpdateDiagnostics::fields) {
    values.emplace_back("train/" + std::string(name), info.diagnostics.*member);
  }
  return values;
}

}  // namespace ac::tensorboard
