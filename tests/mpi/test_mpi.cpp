// The MPI communicator under mpirun with 2 and 3 ranks (ctest mpi_2, mpi_3):
// sums and broadcasts against values every rank can compute, the bit-identity
// check, and the global moments against the moments of the concatenated data.
// Every rank takes part in every collective whatever its checks say, so a
// failure never leaves a rank waiting.
#include <actorcritic/core/communicator.hpp>
#include <actorcritic/core/generator.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <span>
#include <vector>

#include "mpi_communicator.hpp"

TEST_CASE("allreduce_sum adds every rank's values in place, float and double", "[mpi]") {
  ac::mpi::Communicator comm;
  const int n = comm.size();
  REQUIRE(n >= 2);  // run under mpirun -np 2 or more
  std::vector<float> f{float(comm.rank() + 1), 0.5f * float(comm.rank()), -2.0f};
  comm.allreduce_sum(std::span<float>(f));
  CHECK(f[0] == float(n * (n + 1) / 2));  // 1 + 2 + … + n, exact in float
  CHECK(f[1] == 0.25f * float(n * (n - 1)));
  CHECK(f[2] == -2.0f * float(n));
  std::vector<double> d(1000);
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = double(i) * (comm.rank() + 1);
  comm.allreduce_sum(std::span<double>(d));
  bool all = true;
  for (std::size_t i = 0; i < d.size(); ++i) all = all && d[i] == double(i) * n * (n + 1) / 2;
  CHECK(all);
}

TEST_CASE("broadcast gives every rank the root's values", "[mpi]") {
  ac::mpi::Communicator comm;
  const int root = comm.size() - 1;
  std::vector<double> v{double(comm.rank()), double(comm.rank()) * 3.5};
  comm.broadcast(std::span<double>(v), root);
  CHECK(v == std::vector<double>{double(root), double(root) * 3.5});
  std::vector<float> w{float(comm.rank())};
  comm.broadcast(std::span<float>(w), 0);
  CHECK(w[0] == 0.0f);
  CHECK_THROWS_WITH(comm.broadcast(std::span<float>(w), comm.size()), Catch::Contains("root: expected a rank in [0, "));
  comm.barrier();
}

TEST_CASE("identical_across_ranks sees one differing bit on one rank", "[mpi]") {
  ac::mpi::Communicator comm;
  std::vector<float> same{1.0f, 2.0f, 3.0f};
  CHECK(ac::identical_across_ranks(comm, std::span<const float>(same)));
  std::vector<float> differs = same;
  if (comm.rank() == 1) differs[2] = std::nextafter(3.0f, 4.0f);
  CHECK_FALSE(ac::identical_across_ranks(comm, std::span<const float>(differs)));
}

TEST_CASE("global_moments equal the moments of every rank's samples together", "[mpi]") {
  ac::mpi::Communicator comm;
  // Every rank draws the same data set; rank r holds the columns [start_r, end_r): uneven
  // shares, and with three or more ranks rank 1 holds none.
  ac::Generator rng(11);
  const ac::Index total = 257;
  ac::Matrix<double> all(3, total);
  for (ac::Index j = 0; j < total; ++j) {
    all(0, j) = rng.normal();
    all(1, j) = 1e6 + 0.01 * rng.normal();  // a large mean, a small spread: cancellation-prone
    all(2, j) = rng.uniform(-5.0, 5.0);
  }
  std::vector<ac::Index> bounds{0};
  for (int r = 0; r < comm.size(); ++r) {
    const ac::Index share = comm.size() >= 3 && r == 1 ? 0 : total / comm.size() + (r == 0 ? 7 : 0);
    bounds.push_back(r + 1 == comm.size() ? total : std::min(total, bounds.back() + share));
  }
  const ac::Index begin = bounds[std::size_t(comm.rank())], end = bounds[std::size_t(comm.rank()) + 1];
  const auto local = ac::moments_of(all.middleCols(begin, end - begin));
  const auto global = ac::global_moments(comm, local);
  const auto expected = ac::moments_of(all);
  CHECK(global.count == double(total));
  for (ac::Index i = 0; i < 3; ++i) {
    CHECK(global.mean(i) == Approx(expected.mean(i)).epsilon(1e-13));
    CHECK(global.variance(i) == Approx(expected.variance(i)).epsilon(1e-9));
  }
}
