#pragma once
// Running per-feature mean and variance over batches of columns, merged with
// Chan, Golub & LeVeque's parallel formula (1979):
//   δ = μ_b − μ_a,  n = n_a + n_b,  μ = μ_a + δ·n_b/n,
//   M2 = σ²_a·n_a + σ²_b·n_b + δ²·n_a·n_b/n,  σ² = M2/n.
// The count starts at a small ε (1e-4) as in SB3 and Gymnasium, so the first
// normalization never divides by zero. Kept in double whatever the data type.

#include "actorcritic/core/binary_io.hpp"
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

  /// Merges a batch given as `features x n` (each column one sample).
  template <class Derived>
  void update(const Eigen::MatrixBase<Derived>& batch) {
    if (batch.rows() != features()) {
      throw_invalid_argument("RunningMeanStd::update: batch: expected {} rows (features), got {}", features(),
                             batch.rows());
    }
    const Index n = batch.cols();
    if (n == 0) return;
    for (Index i = 0; i < features(); ++i) {
      double sum = 0.0;
      for (Index j = 0; j < n; ++j) sum += static_cast<double>(batch(i, j));
      const double mean = sum / static_cast<double>(n);
      double squares = 0.0;
      for (Index j = 0; j < n; ++j) {
        const double d = static_cast<double>(batch(i, j)) - mean;
        squares += d * d;
      }
      batch_mean_(i) = mean;
      batch_var_(i) = squares / static_cast<double>(n);
    }
    merge(batch_mean_, batch_var_, static_cast<double>(n));
  }

  /// Merges moments computed elsewhere (another worker's statistics).
  void merge(const Eigen::VectorXd& batch_mean, const Eigen::VectorXd& batch_var, double batch_count) {
    const double total = count_ + batch_count;
    for (Index i = 0; i < features(); ++i) {
      const double delta = batch_mean(i) - mean_(i);
      const double m2 = var_(i) * count_ + batch_var(i) * batch_count + delta * delta * count_ * batch_count / total;
      mean_(i) = mean_(i) + delta * batch_count / total;
      var_(i) = m2 / total;
    }
    count_ = total;
  }

  [[nodiscard]] Index features() const { return mean_.size(); }
  [[nodiscard]] const Eigen::VectorXd& mean() const { return mean_; }
  [[nodiscard]] const Eigen::VectorXd& var() const { return var_; }
  [[nodiscard]] double count() const { return count_; }

  void save(ByteWriter& out) const {
    out.put(static_cast<std::uint64_t>(features()));
    out.put(count_);
    out.put_bytes(mean_.data(), sizeof(double) * static_cast<std::size_t>(features()));
    out.put_bytes(var_.data(), sizeof(double) * static_cast<std::size_t>(features()));
  }
  void load(ByteReader& in) {
    const auto n = in.get<std::uint64_t>("running statistics: feature count");
    if (n != static_cast<std::uint64_t>(features())) {
      throw_io_error("{}: running statistics have {} features, expected {}", in.source(), n, features());
    }
    const auto count = in.get<double>("running statistics: count");
    Eigen::VectorXd mean(features()), var(features());
    in.get_bytes(mean.data(), sizeof(double) * n, "running statistics: mean");
    in.get_bytes(var.data(), sizeof(double) * n, "running statistics: variance");
    if (!(count > 0) || !mean.allFinite() || !var.allFinite() || (var.array() < 0).any()) {
      throw_io_error("{}: running statistics are invalid (count {}, non-finite or negative variance)", in.source(),
                     count);
    }
    count_ = count;
    mean_ = mean;
    var_ = var;
  }

 private:
  Eigen::VectorXd mean_, var_, batch_mean_, batch_var_;
  double count_;
};

}  // namespace ac
