#pragma once
// What data-parallel training needs of its processes (ranks): who am I, how
// many are we, sum these numbers over all of us in place, take rank r's
// numbers, wait for everyone. Two models: ac::SingleProcess (the default, no
// communication: the core stays MPI-free) and ac::mpi::Communicator
// (mpi/mpi_communicator.hpp, the optional actorcritic::mpi target).
//
// On top of the concept, the statistics the algorithms take over the global
// batch rather than each rank's share: moments merged with Chan, Golub &
// LeVeque's parallel formula (1979) generalized to N parts,
//   n = Σ n_r,  μ = Σ n_r μ_r / n,  σ² = Σ n_r (σ²_r + (μ_r − μ)²) / n,
// which needs two sums over the ranks (the second after μ is known) and is as
// accurate as a two-pass computation on the concatenated data; and a check
// that a vector is bit-identical on every rank.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/seed_sequence.hpp"
#include "actorcritic/core/types.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace ac {

template <class C>
concept Communicator =
    requires(C& c, const C& const_c, std::span<float> f, std::span<double> d, std::span<std::byte> b, int root) {
      { const_c.rank() } -> std::convertible_to<int>;
      { const_c.size() } -> std::convertible_to<int>;
      c.allreduce_sum(f);  // in place: every rank ends with the sum over all ranks
      c.allreduce_sum(d);
      c.broadcast(f, root);  // in place: every rank ends with root's values
      c.broadcast(d, root);
      c.broadcast(b, root);  // raw bytes (checkpoint states, decisions)
      c.barrier();
    };

/// One process: rank 0 of 1; every collective leaves the data as it is.
class SingleProcess {
 public:
  [[nodiscard]] int rank() const { return 0; }
  [[nodiscard]] int size() const { return 1; }
  template <class T>
  void allreduce_sum(std::span<T>) {}
  template <class T>
  void broadcast(std::span<T>, int root) {
    if (root != 0) throw_invalid_argument("SingleProcess::broadcast: root: expected 0 (one process), got {}", root);
  }
  void barrier() {}
};
static_assert(Communicator<SingleProcess>);

/// Any Communicator, by reference and without templates: what the algorithms,
/// the normalizer, the training loop and the run hold, so that one compiled
/// algorithm serves one process and an MPI job alike. Default-constructed it is
/// a single process. The referenced communicator must outlive every copy. The
/// indirect call costs nothing next to a collective.
class CommunicatorRef {
 public:
  CommunicatorRef() : CommunicatorRef(single_process()) {}
  template <Communicator C>
    requires(!std::is_same_v<std::remove_cv_t<C>, CommunicatorRef>)
  CommunicatorRef(C& comm)  // NOLINT(google-explicit-constructor): a reference converts implicitly
      : self_(&comm),
        rank_(static_cast<int>(comm.rank())),
        size_(static_cast<int>(comm.size())),
        sum_float_([](void* c, std::span<float> v) { static_cast<C*>(c)->allreduce_sum(v); }),
        sum_double_([](void* c, std::span<double> v) { static_cast<C*>(c)->allreduce_sum(v); }),
        broadcast_bytes_([](void* c, std::span<std::byte> v, int root) { static_cast<C*>(c)->broadcast(v, root); }),
        barrier_([](void* c) { static_cast<C*>(c)->barrier(); }) {}

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  void allreduce_sum(std::span<float> values) { sum_float_(self_, values); }
  void allreduce_sum(std::span<double> values) { sum_double_(self_, values); }
  /// Any trivially copyable values, as bytes.
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void broadcast(std::span<T> values, int root) {
    broadcast_bytes_(self_, std::as_writable_bytes(values), root);
  }
  void barrier() { barrier_(self_); }

 private:
  static SingleProcess& single_process() {
    static SingleProcess one;
    return one;
  }
  void* self_;
  int rank_, size_;
  void (*sum_float_)(void*, std::span<float>);
  void (*sum_double_)(void*, std::span<double>);
  void (*broadcast_bytes_)(void*, std::span<std::byte>, int);
  void (*barrier_)(void*);
};
static_assert(Communicator<CommunicatorRef>);

/// The seed of a rank's own sampling generator: `seed` itself on rank 0 (so a
/// one-process run is unchanged), otherwise SeedSequence-mixed words of (seed,
/// rank) — independent streams, the same on every machine.
inline std::uint64_t rank_seed(std::uint64_t seed, int rank) {
  if (rank == 0) return seed;
  const std::array<std::uint32_t, 3> words{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                                           static_cast<std::uint32_t>(rank)};
  return SeedSequence(std::span<const std::uint32_t>(words)).generate_state_u64(1)[0];
}

/// `root`'s `bytes` on every rank, whatever their length (its length first, then the bytes).
template <Communicator C>
void broadcast_bytes(C& comm, std::string& bytes, int root) {
  std::uint64_t length = bytes.size();
  comm.broadcast(std::span<std::uint64_t>(&length, 1), root);
  if (comm.rank() != root) bytes.assign(length, '\0');
  comm.broadcast(std::as_writable_bytes(std::span<char>(bytes.data(), bytes.size())), root);
}

/// Every rank's `mine`, in rank order, on every rank (one broadcast_bytes per
/// rank: for rare, small payloads such as checkpoint states).
template <Communicator C>
std::vector<std::string> gather_bytes(C& comm, const std::string& mine) {
  std::vector<std::string> all(static_cast<std::size_t>(comm.size()));
  for (int root = 0; root < comm.size(); ++root) {
    if (root == comm.rank()) all[static_cast<std::size_t>(root)] = mine;
    broadcast_bytes(comm, all[static_cast<std::size_t>(root)], root);
  }
  return all;
}

/// The largest of every rank's `value`, on every rank (a gather of one double per rank).
template <Communicator C>
double max_across_ranks(C& comm, double value) {
  if (comm.size() == 1) return value;
  std::vector<double> all(static_cast<std::size_t>(comm.size()), 0.0);
  all[static_cast<std::size_t>(comm.rank())] = value;
  comm.allreduce_sum(std::span<double>(all));  // each slot has one contributor: the sum is that value, exactly
  return *std::max_element(all.begin(), all.end());
}

/// A rank's share of `total` items (environments): a contiguous block, the
/// first `total % size` ranks holding one more. With environment i seeded
/// seed + i, the ranks' shards together are the one-process run's environments.
struct Shard {
  Index first = 0;
  Index count = 0;
};

inline Shard shard_of(Index total, int rank, int size) {
  if (size < 1 || rank < 0 || rank >= size) {
    throw_invalid_argument("shard_of: rank: expected a rank in [0, {}), got {}", size, rank);
  }
  if (total < size) {
    throw_invalid_argument("shard_of: total: expected at least one item per rank ({} ranks), got {}", size, total);
  }
  const Index base = total / size, extra = total % size;
  return {rank * base + std::min<Index>(rank, extra), base + (rank < extra ? 1 : 0)};
}

/// Per-feature mean and (population) variance of `count` samples.
struct Moments {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
  double count = 0.0;
};

/// The per-feature mean and population variance of a batch given as
/// `features x n` (each column one sample), two passes in double, into
/// `mean` and `variance` (sized by the caller; nothing is allocated).
template <class Derived>
void two_pass_moments(const Eigen::MatrixBase<Derived>& batch, Eigen::VectorXd& mean, Eigen::VectorXd& variance) {
  const Index n = batch.cols();
  for (Index i = 0; i < batch.rows(); ++i) {
    double sum = 0.0;
    for (Index j = 0; j < n; ++j) sum += static_cast<double>(batch(i, j));
    mean(i) = sum / static_cast<double>(n);
    double squares = 0.0;
    for (Index j = 0; j < n; ++j) {
      const double d = static_cast<double>(batch(i, j)) - mean(i);
      squares += d * d;
    }
    variance(i) = squares / static_cast<double>(n);
  }
}

/// The moments of a batch given as `features x n` (each column one sample), two passes.
template <class Derived>
Moments moments_of(const Eigen::MatrixBase<Derived>& batch) {
  Moments m{Eigen::VectorXd::Zero(batch.rows()), Eigen::VectorXd::Zero(batch.rows()), double(batch.cols())};
  if (batch.cols() > 0) two_pass_moments(batch, m.mean, m.variance);
  return m;
}

/// The moments of the union of every rank's samples, the same on every rank.
/// A rank may hold no sample (count 0); all ranks must hold the same features.
template <Communicator C>
Moments global_moments(C& comm, const Moments& local) {
  const Index features = local.mean.size();
  if (local.variance.size() != features) {
    throw_invalid_argument("global_moments: local.variance: expected {} values (as mean), got {}", features,
                           local.variance.size());
  }
  // Σ n_r and Σ n_r μ_r in one sum, then Σ n_r (σ²_r + (μ_r − μ)²).
  std::vector<double> sums(static_cast<std::size_t>(features) + 1);
  sums[0] = local.count;
  for (Index i = 0; i < features; ++i) sums[std::size_t(i) + 1] = local.count * local.mean(i);
  comm.allreduce_sum(std::span<double>(sums));
  Moments global{Eigen::VectorXd::Zero(features), Eigen::VectorXd::Zero(features), sums[0]};
  if (global.count == 0.0) return global;
  for (Index i = 0; i < features; ++i) global.mean(i) = sums[std::size_t(i) + 1] / global.count;
  std::vector<double> spread(static_cast<std::size_t>(features));
  for (Index i = 0; i < features; ++i) {
    const double d = local.count > 0 ? local.mean(i) - global.mean(i) : 0.0;
    spread[std::size_t(i)] = local.count * (local.variance(i) + d * d);
  }
  comm.allreduce_sum(std::span<double>(spread));
  for (Index i = 0; i < features; ++i) global.variance(i) = spread[std::size_t(i)] / global.count;
  return global;
}

/// average_gradients (below) over several vectors (e.g. the actor's and the
/// critic's gradients) averaged as their concatenation, still with one allreduce.
template <Communicator C, class T>
double average_gradients(C& comm, std::initializer_list<std::span<T>> gradients, double samples,
                         std::vector<T>& workspace) {
  if (!(samples >= 0)) throw_invalid_argument("average_gradients: samples: expected a count >= 0, got {}", samples);
  if (comm.size() == 1) return samples;
  std::size_t length = 1;
  for (const auto& g : gradients) length += g.size();
  workspace.resize(length);
  std::size_t at = 0;
  for (const auto& g : gradients) {
    for (std::size_t i = 0; i < g.size(); ++i) workspace[at++] = g[i] * static_cast<T>(samples);
  }
  workspace.back() = static_cast<T>(samples);
  comm.allreduce_sum(std::span<T>(workspace));
  const T total = workspace.back();
  if (total > 0) {
    at = 0;
    for (const auto& g : gradients) {
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = workspace[at++] / total;
    }
  }
  return static_cast<double>(total);
}

/// Turns each rank's gradient of the mean loss over its own `samples` into the
/// gradient of the mean loss over every rank's samples together:
///   g ← Σ_r n_r g_r / Σ_r n_r,
/// with one allreduce over the whole vector and the count (`workspace` holds
/// both; keep it between calls and nothing is allocated after the first). Every
/// rank ends with the same vector. Returns the global sample count. One process
/// leaves `gradient` as it is, bit for bit.
template <Communicator C, class T>
double average_gradients(C& comm, std::span<T> gradient, double samples, std::vector<T>& workspace) {
  return average_gradients(comm, std::initializer_list<std::span<T>>{gradient}, samples, workspace);
}

/// average_gradients for one flat Eigen gradient vector (a network's).
template <Communicator C, class T>
double average_gradients(C& comm, Eigen::Matrix<T, Eigen::Dynamic, 1>& gradient, double samples,
                         std::vector<T>& workspace) {
  return average_gradients(
      comm, std::initializer_list<std::span<T>>{std::span<T>(gradient.data(), static_cast<std::size_t>(gradient.size()))},
      samples, workspace);
}

/// Local means over `count` samples become the means over every rank's samples
/// (weighted by the counts; one allreduce of at most 15 values). Returns the
/// global count. With one process the means stay exactly as they are. For
/// diagnostics and for statistics the algorithms take over the batch (a KL, a
/// surrogate, a baseline).
template <Communicator C>
double mean_across_ranks(C& comm, double count, std::initializer_list<double*> means) {
  if (comm.size() == 1) return count;
  std::array<double, 16> sums{};
  if (means.size() + 1 > sums.size()) {
    throw_invalid_argument("mean_across_ranks: means: expected at most {} values, got {}", sums.size() - 1,
                           means.size());
  }
  std::size_t k = 0;
  for (double* m : means) sums[k++] = count > 0 ? *m * count : 0.0;
  sums[k] = count;
  comm.allreduce_sum(std::span<double>(sums.data(), k + 1));
  const double total = sums[k];
  k = 0;
  for (double* m : means) {
    *m = total > 0 ? sums[k] / total : *m;
    ++k;
  }
  return total;
}

/// True on every rank when `values` holds the same bits on every rank (rank 0's
/// copy is broadcast and compared; the number of differing ranks is summed).
template <Communicator C, class T>
bool identical_across_ranks(C& comm, std::span<const T> values) {
  std::vector<T> root(values.begin(), values.end());
  comm.broadcast(std::span<T>(root), 0);
  std::vector<double> differs{std::memcmp(root.data(), values.data(), values.size_bytes()) != 0 ? 1.0 : 0.0};
  comm.allreduce_sum(std::span<double>(differs));
  return differs[0] == 0.0;
}

}  // namespace ac
