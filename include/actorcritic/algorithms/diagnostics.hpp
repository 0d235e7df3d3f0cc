#pragma once
// What an update reports: one struct for every algorithm, so that the
// training loop, the CSV log and the progress display treat them alike. A
// field an algorithm does not measure stays NaN (pandas reads it as missing).

#include <array>
#include <limits>
#include <string_view>
#include <utility>

namespace ac {

struct UpdateDiagnostics {
  static constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

  double policy_loss = kUnset;
  double value_loss = kUnset;         // mean squared error of the critic (before c_V)
  double entropy = kUnset;            // mean entropy of the policy on the batch
  double grad_norm = kUnset;          // global norm before clipping (last minibatch for epoch methods)
  double explained_variance = kUnset; // of the critic's values for its targets
  double kl = kUnset;                 // mean KL(π_old ‖ π_new) on the batch, after the update
  double approx_kl = kUnset;          // PPO's estimator mean((r − 1) − log r), last epoch
  double clip_fraction = kUnset;      // PPO: share of samples whose clipped term was active
  double kl_coef = kUnset;            // ρ of the KL penalty (after the adaptive rule)
  double learning_rate = kUnset;
  double clip_range = kUnset;
  double epochs = kUnset;             // epochs run (target-KL early stopping can cut them)
  double step_size = kUnset;          // TRPO: accepted fraction of the full natural step (0: rejected)
  double surrogate_improvement = kUnset;  // TRPO: of the accepted step
  double baseline = kUnset;           // REINFORCE: the recentring constant
  double batch_return = kUnset;       // REINFORCE: mean discounted return G_0 of the batch's episodes
  double log_weight_mean = kUnset;    // off-policy: per-decision log products of π/π_β
  double log_weight_std = kUnset;
  double log_weight_max_abs = kUnset;
  double truncated_fraction = kUnset; // off-policy: share of weights cut at c̄
  double reference_kl = kUnset;       // GRPO: mean KL(π ‖ π_ref) to the reference policy (its estimator's), last epoch

  /// (name, member) of every field, in CSV column order.
  static constexpr std::array fields{
      std::pair<std::string_view, double UpdateDiagnostics::*>{"policy_loss", &UpdateDiagnostics::policy_loss},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"value_loss", &UpdateDiagnostics::value_loss},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"entropy", &UpdateDiagnostics::entropy},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"grad_norm", &UpdateDiagnostics::grad_norm},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"explained_variance",
                                                               &UpdateDiagnostics::explained_variance},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"kl", &UpdateDiagnostics::kl},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"approx_kl", &UpdateDiagnostics::approx_kl},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"clip_fraction", &UpdateDiagnostics::clip_fraction},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"kl_coef", &UpdateDiagnostics::kl_coef},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"learning_rate", &UpdateDiagnostics::learning_rate},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"clip_range", &UpdateDiagnostics::clip_range},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"epochs", &UpdateDiagnostics::epochs},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"step_size", &UpdateDiagnostics::step_size},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"surrogate_improvement",
                                                               &UpdateDiagnostics::surrogate_improvement},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"baseline", &UpdateDiagnostics::baseline},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"batch_return", &UpdateDiagnostics::batch_return},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"log_weight_mean", &UpdateDiagnostics::log_weight_mean},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"log_weight_std", &UpdateDiagnostics::log_weight_std},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"log_weight_max_abs",
                                                               &UpdateDiagnostics::log_weight_max_abs},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"truncated_fraction",
                                                               &UpdateDiagnostics::truncated_fraction},
      std::pair<std::string_view, double UpdateDiagnostics::*>{"reference_kl", &UpdateDiagnostics::reference_kl},
  };
};

}  // namespace ac
