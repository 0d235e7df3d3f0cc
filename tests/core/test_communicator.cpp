// The single-process communicator and the statistics built on the
// Communicator concept, in one process (tests/mpi runs them over 2 and 3 ranks).
#include <actorcritic/core/communicator.hpp>
#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/running_mean_std.hpp>
#include <catch2/catch.hpp>
#include <span>
#include <vector>

TEST_CASE("SingleProcess is rank 0 of 1 and leaves the data as it is", "[communicator]") {
  ac::SingleProcess comm;
  CHECK(comm.rank() == 0);
  CHECK(comm.size() == 1);
  std::vector<float> f{1.5f, -2.0f};
  comm.allreduce_sum(std::span<float>(f));
  comm.broadcast(std::span<float>(f), 0);
  comm.barrier();
  CHECK(f == std::vector<float>{1.5f, -2.0f});
  CHECK_THROWS_WITH(comm.broadcast(std::span<float>(f), 1), Catch::Contains("root: expected 0 (one process), got 1"));
  CHECK(ac::identical_across_ranks(comm, std::span<const float>(f)));
}

TEST_CASE("moments_of is the two-pass mean and population variance; global_moments of one rank is it",
          "[communicator]") {
  ac::Generator rng(3);
  ac::Matrix<float> batch(2, 50);
  for (ac::Index j = 0; j < batch.cols(); ++j) {
    batch(0, j) = static_cast<float>(rng.normal());
    batch(1, j) = static_cast<float>(100.0 + rng.uniform());
  }
  const auto m = ac::moments_of(batch);
  // Independently: RunningMeanStd's own batch moments, merged into nearly nothing (count 1e-4).
  ac::RunningMeanStd reference(2, 1e-12);
  reference.update(batch);
  CHECK(m.count == 50.0);
  for (ac::Index i = 0; i < 2; ++i) {
    CHECK(m.mean(i) == Approx(reference.mean()(i)).epsilon(1e-10));
    CHECK(m.variance(i) == Approx(reference.var()(i)).epsilon(1e-8));
  }
  ac::SingleProcess comm;
  const auto g = ac::global_moments(comm, m);
  CHECK(g.count == m.count);
  CHECK(g.mean == m.mean);
  CHECK(g.variance == m.variance);
  // No sample anywhere: count 0, zero moments.
  const auto none = ac::global_moments(comm, ac::moments_of(ac::Matrix<float>(2, 0)));
  CHECK(none.count == 0.0);
  CHECK(none.mean.isZero());
  const ac::Moments bad{Eigen::VectorXd::Zero(2), Eigen::VectorXd::Zero(3), 1.0};
  CHECK_THROWS_WITH(ac::global_moments(comm, bad), Catch::Contains("local.variance: expected 2 values"));
}
