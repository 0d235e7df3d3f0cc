#pragma once
// Running per-feature mean and variance over batches of columns, merged with
// Chan, Golub & LeVeque's parallel formula (1979):
//   δ = μ_b − μ_a,  n = n_a + n_b,  μ = μ_a + δ·n_b/n,
//   M2 = σ²_a·n_a + σ²_b·n_b + δ²·n_a·n_b/n,  σ² = M2/n.
// The count starts at a small ε (1e-4) as in SB3 and Gymnasium, so the first
// normalization never divides by zero. Kept in double whatever the data type.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <cstdint>

namespace ac {

class RunningMeanStd {
 public:
  explicit RunningMeanStd(Index features = 1, double initial_count = 1e-4)
      : mean_(Eigen::VectorXd::Zero(features)),
        var_(Eigen::VectorXd::Ones(features)),
        batch_mean_(features),
        batch_var_(features),
        count_(initial_count) {
    check_positive("RunningMeanStd: features", features);
    check_positive("RunningMeanStd: initial_count", initial_count);
  }

  /// Merges a batch given as `features x n` (each column one sample). With
  /// `also`, the batch's moments are merged into that accumulator too (a data-
  /// parallel rank's record of what it saw since the ranks last synchronized).
  template <class Derived>
  void update(const Eigen::MatrixBase<Derived>& batch, Moments* also = nullptr) {
    check_features(batch.rows());
    const Index n = batch.cols();
    if (n == 0) return;
    two_pass_moments(batch, batch_mean_, batch_var_);
    merge(batch_mean_, batch_var_, static_cast<double>(n));
    if (also != nullptr) chan_merge(also->mean, also->variance, also->count, batch_mean_, batch_var_, double(n));
  }

  /// Merges the batches of every rank (each `features x n_r`): the global
  /// batch's moments (ac::global_moments), so that every rank's statistics stay
  /// the same. One process computes exactly as update(). Every rank must call it.
  template <Communicator C, class Derived>
  void update(C& comm, const Eigen::MatrixBase<Derived>& batch) {
    if (comm.size() == 1) {
      update(batch);
      return;
    }
    check_features(batch.rows());
    const Moments global = global_moments(comm, moments_of(batch));
    if (global.count > 0.0) merge(global.mean, global.variance, global.count);
  }

  /// Merges moments computed elsewhere (another worker's statistics).
  void merge(const Eigen::VectorXd& batch_mean, const Eigen::VectorXd& batch_var, double batch_count) {
    chan_merge(mean_, var_, count_, batch_mean, batch_var, batch_count);
  }

  /// The formula on its own: (mean, var, count) ← their merge with a batch's
  /// moments. `count` may be 0 (an empty accumulator); `batch_count` must be > 0.
  static void chan_merge(Eigen::VectorXd& mean, Eigen::VectorXd& var, double& count, const Eigen::VectorXd& batch_mean,
                         const Eigen::VectorXd& batch_var, double batch_count) {
    const double total = count + batch_count;
    for (Index i = 0; i < mean.size(); ++i) {
      const double delta = batch_mean(i) - mean(i);
      const double m2 = var(i) * count + batch_var(i) * batch_count + delta * delta * count * batch_count / total;
      mean(i) = mean(i) + delta * batch_count / total;
      var(i) = m2 / total;
    }
    count = total;
  }

  [[nodiscard]] Index features() const { return mean_.size(); }
  [[nodiscard]] const Eigen::VectorXd& mean() const { return mean_; }
  [[nodiscard]] const Eigen::VectorXd& var() const { return var_; }
  [[nodiscard]] double count() const { return count_; }

  /// The statistics (count, mean, variance); the feature count is the constructor's.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("count", count_, archive::positive());
    a.field("mean", mean_, archive::all_finite());
    a.field("variance", var_,
            archive::Check{[](const Eigen::VectorXd& v) { return v.allFinite() && (v.array() >= 0).all(); },
                           "finite values >= 0"});
  }

 private:
  void check_features(Index rows) const {
    if (rows != features()) {
      throw_invalid_argument("RunningMeanStd::update: batch: expected {} rows (features), got {}", features(), rows);
    }
  }

  Eigen::VectorXd mean_, var_, batch_mean_, batch_var_;
  double count_;
};

}  // namespace ac
