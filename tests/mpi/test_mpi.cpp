// The MPI communicator under mpirun with 2 and 3 ranks (ctest mpi_2, mpi_3):
// sums and broadcasts against values every rank can compute, the bit-identity
// check, and the global statistics (moments, advantage normalization,
// explained variance, running statistics) against those of the concatenated data.
// Every rank takes part in every collective whatever its checks say, so a
// failure never leaves a rank waiting.
#include <actorcritic/core/communicator.hpp>
#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/running_mean_std.hpp>
#include <actorcritic/kernels/normalization.hpp>
#include <actorcritic/nn/mlp.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
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

namespace {
/// Every rank's copy of one data set, and this rank's share of its columns (shard_of).
struct SharedData {
  ac::Matrix<float> all;
  ac::Shard mine;
};
SharedData shared_data(const ac::mpi::Communicator& comm, ac::Index total, std::uint64_t seed) {
  ac::Generator rng(seed);
  SharedData d{ac::Matrix<float>(1, total), ac::shard_of(total, comm.rank(), comm.size())};
  for (ac::Index j = 0; j < total; ++j) d.all(0, j) = static_cast<float>(2.0 + 3.0 * rng.normal());
  return d;
}
}  // namespace

TEST_CASE("global advantage normalization equals the one-process normalization of the concatenated batch", "[mpi]") {
  ac::mpi::Communicator comm;
  const auto d = shared_data(comm, 301, 21);
  ac::Matrix<float> expected = d.all;
  ac::kernels::normalize_advantages(expected);
  ac::Matrix<float> mine = d.all.middleCols(d.mine.first, d.mine.count);
  ac::kernels::normalize_advantages(comm, mine);
  float worst = 0.0f;
  for (ac::Index j = 0; j < mine.cols(); ++j) {
    worst = std::max(worst, std::fabs(mine(0, j) - expected(0, d.mine.first + j)));
  }
  CHECK(worst < 2e-6f);  // float rounding of the same statistics summed in another order
}

TEST_CASE("global explained variance and running statistics equal those of the concatenated batch", "[mpi]") {
  ac::mpi::Communicator comm;
  const auto target = shared_data(comm, 157, 4);
  const auto noise = shared_data(comm, 157, 5);
  const ac::Matrix<float> predicted_all = target.all + 0.3f * noise.all;
  const auto cols = [&](const ac::Matrix<float>& m) { return m.middleCols(target.mine.first, target.mine.count); };
  const double global = ac::kernels::explained_variance(comm, cols(predicted_all), cols(target.all));
  CHECK(global == Approx(ac::kernels::explained_variance(predicted_all, target.all)).epsilon(1e-10));

  ac::RunningMeanStd everyone(1), reference(1);
  everyone.update(comm, cols(target.all));
  reference.update(target.all);
  CHECK(everyone.mean()(0) == Approx(reference.mean()(0)).epsilon(1e-12));
  CHECK(everyone.var()(0) == Approx(reference.var()(0)).epsilon(1e-10));
  CHECK(everyone.count() == reference.count());
  // Every rank holds the same bits, so normalization agrees everywhere.
  CHECK(ac::identical_across_ranks(comm, std::span<const double>(everyone.mean().data(), 1)));
  CHECK(ac::identical_across_ranks(comm, std::span<const double>(everyone.var().data(), 1)));
}

TEST_CASE("averaged per-rank gradients are the gradient of the mean loss over every rank's samples", "[mpi]") {
  ac::mpi::Communicator comm;
  // One network, the same on every rank; a batch of 37 inputs split by shard_of.
  ac::nn::Mlp<double> net({.inputs = 3, .hidden = {8}, .outputs = 2}, 5);
  ac::Generator rng(17);
  const ac::Index total = 37;
  ac::Matrix<double> inputs(3, total), targets(2, total);
  for (ac::Index j = 0; j < total; ++j) {
    for (ac::Index i = 0; i < 3; ++i) inputs(i, j) = rng.normal();
    for (ac::Index i = 0; i < 2; ++i) targets(i, j) = rng.normal();
  }
  // L = mean over samples of ½‖y − t‖²: dL/dy = (y − t) / n.
  auto gradient_of = [&](ac::Index first, ac::Index count) {
    net.zero_gradients();
    const ac::Matrix<double> y = net.forward(inputs.middleCols(first, count));
    net.backward((y - targets.middleCols(first, count)) / double(count));
    return ac::Vector<double>(net.gradients());
  };
  const ac::Vector<double> whole = gradient_of(0, total);
  const ac::Shard mine = ac::shard_of(total, comm.rank(), comm.size());
  ac::Vector<double> local = gradient_of(mine.first, mine.count);
  std::vector<double> workspace;
  const double samples = ac::average_gradients(comm, std::span<double>(local.data(), std::size_t(local.size())),
                                               double(mine.count), workspace);
  CHECK(samples == double(total));
  CHECK((local - whole).cwiseAbs().maxCoeff() < 1e-14 * (1.0 + whole.cwiseAbs().maxCoeff()));
  CHECK(ac::identical_across_ranks(comm, std::span<const double>(local.data(), std::size_t(local.size()))));
  // Again with the workspace kept: the same result, nothing reallocated.
  const double* kept = workspace.data();
  ac::Vector<double> again = gradient_of(mine.first, mine.count);
  ac::average_gradients(comm, std::span<double>(again.data(), std::size_t(again.size())), double(mine.count),
                        workspace);
  CHECK(workspace.data() == kept);
  CHECK(again == local);
}
