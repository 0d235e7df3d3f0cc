#pragma once
// ac::mpi::Communicator: the Communicator concept (actorcritic/core/
// communicator.hpp) over an MPI communicator, for data-parallel training
// across processes and machines (Debian: libopenmpi-dev, openmpi-bin). The
// optional CMake target actorcritic::mpi provides it, found only when MPI is.
//
// MPI_Init and MPI_Finalize are the application's: construct a Communicator
// after MPI_Init. Errors keep MPI's default handler, MPI_ERRORS_ARE_FATAL: a
// failed collective, or a rank that dies, aborts every rank of the job (mpirun
// reports which one) instead of leaving the others waiting in a collective.
//
//   MPI_Init(&argc, &argv);
//   {
//     ac::mpi::Communicator comm;             // MPI_COMM_WORLD
//     comm.allreduce_sum(std::span(gradient));
//   }
//   MPI_Finalize();

#include <mpi.h>

#include <actorcritic/core/communicator.hpp>
#include <actorcritic/core/error.hpp>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <span>
#include <type_traits>

namespace ac::mpi {

/// Call before MPI_Init (optional): OpenMPI defaults for its shared-memory
/// transport (vader) that suit the gradient allreduce of small networks — one
/// fragment up to 64 KiB instead of 4 KiB eager sends and 32 KiB pieces. On
/// this project's 2-core benchmark machine it cut the in-situ time of PPO
/// CartPole's 36 KB gradient allreduce by about a third (docs/distributed.md).
/// A value the user set (environment or mpirun --mca) is kept; other MPI
/// implementations ignore these variables.
inline void prefer_small_message_defaults() {
  ::setenv("OMPI_MCA_btl_vader_eager_limit", "65536", 0);
  ::setenv("OMPI_MCA_btl_vader_max_send_size", "65536", 0);
}

class Communicator {
 public:
  /// Wraps `comm` (not owned). Throws ac::InvalidArgument when MPI is not initialized.
  explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD) : comm_(comm) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized == 0) {
      throw_invalid_argument("mpi::Communicator: MPI is not initialized; call MPI_Init first (the application's)");
    }
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] MPI_Comm handle() const { return comm_; }

  /// Every rank ends with the element-wise sum over all ranks (one MPI_Allreduce, in place).
  template <class T>
  requires std::is_same_v<T, float> || std::is_same_v<T, double>
  void allreduce_sum(std::span<T> values) {
    check_count("allreduce_sum", values.size());
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), datatype<T>(), MPI_SUM, comm_);
  }

  /// Every rank ends with `root`'s values (one MPI_Bcast, in place; the same size on every rank).
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void broadcast(std::span<T> values, int root) {
    if (root < 0 || root >= size_)
      throw_invalid_argument("mpi::Communicator::broadcast: root: expected a rank in [0, {}), got {}", size_, root);
    check_count("broadcast", values.size_bytes());
    MPI_Bcast(values.data(), static_cast<int>(values.size_bytes()), MPI_BYTE, root, comm_);
  }

  void barrier() { MPI_Barrier(comm_); }

 private:
  template <class T>
  static MPI_Datatype datatype() {
    return std::is_same_v<T, float> ? MPI_FLOAT : MPI_DOUBLE;
  }
  static void check_count(const char* what, std::size_t count) {
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      throw_invalid_argument("mpi::Communicator::{}: expected at most {} elements in one call, got {}", what,
                             std::numeric_limits<int>::max(), count);
    }
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

static_assert(ac::Communicator<Communicator>);

}  // namespace ac::mpi
