// The communication one data-parallel optimizer step costs: one in-place
// MPI_Allreduce (sum) of the flat gradient, for the sizes of this library's
// networks, on however many ranks mpirun starts. Prints the median time per
// call and the bandwidth it implies (the ring algorithm moves 2(N−1)/N of the
// buffer per rank), as the input of docs/distributed.md's cost model.
//
//   mpirun --oversubscribe -np 2 build/release/benchmarks/bench_allreduce
// (as root, OpenMPI also wants OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
#include <actorcritic/core/communicator.hpp>

#include "mpi_communicator.hpp"

#include <fmt/core.h>

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <vector>

namespace {

struct Size {
  const char* network;
  std::size_t parameters;
};

// Actor + critic parameter counts (weights and biases) of the trainer's defaults.
constexpr Size kSizes[] = {
    {"CartPole 64-64 actor+critic", (4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2) + (4 * 64 + 64 + 64 * 64 + 64 + 64 + 1)},
    {"Pendulum 64-64 actor+critic", (3 * 64 + 64 + 64 * 64 + 64 + 64 + 1 + 1) + (3 * 64 + 64 + 64 * 64 + 64 + 64 + 1)},
    {"256-256 actor+critic (obs 17)", 2 * (17 * 256 + 256 + 256 * 256 + 256 + 256 * 6 + 6)},
    {"1M parameters", 1'000'000},
};

double median_seconds(ac::mpi::Communicator& comm, std::vector<float>& buffer, int repeats) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    comm.barrier();
    const auto start = std::chrono::steady_clock::now();
    comm.allreduce_sum(std::span<float>(buffer));
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  // The slowest rank decides a synchronous step: the maximum over ranks of each rank's median.
  std::nth_element(times.begin(), times.begin() + long(times.size() / 2), times.end());
  std::vector<double> median{times[times.size() / 2]};
  MPI_Allreduce(MPI_IN_PLACE, median.data(), 1, MPI_DOUBLE, MPI_MAX, comm.handle());
  return median[0];
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  {
    ac::mpi::Communicator comm;
    if (comm.rank() == 0) {
      fmt::print("allreduce_sum (float, in place) on {} ranks, median of 200 calls (max over ranks)\n", comm.size());
      fmt::print("| network | parameters | bytes | µs per call | GB/s (ring: 2(N−1)/N × bytes) |\n|---|---|---|---|---|\n");
    }
    for (const Size& size : kSizes) {
      std::vector<float> buffer(size.parameters, 1.0f);
      median_seconds(comm, buffer, 20);  // warm-up
      const double seconds = median_seconds(comm, buffer, 200);
      const double bytes = double(size.parameters) * sizeof(float);
      const double moved = comm.size() > 1 ? 2.0 * (comm.size() - 1) / comm.size() * bytes : 0.0;
      if (comm.rank() == 0) {
        fmt::print("| {} | {} | {} | {:.1f} | {:.2f} |\n", size.network, size.parameters, bytes, seconds * 1e6,
                   moved / seconds / 1e9);
      }
    }
  }
  MPI_Finalize();
  return 0;
}
