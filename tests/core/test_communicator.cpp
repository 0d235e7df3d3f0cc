// The single-process communicator and the statistics built on the
// Communicator concept, in one process (tests/mpi runs them over 2 and 3 ranks).
#include <actorcritic/core/communicator.hpp>
#include <actorcritic/core/generator.hpp>
#include <actorcritic/core/running_mean_std.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <actorcritic/kernels/normalization.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
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

TEST_CASE("shard_of splits the environments into contiguous blocks that cover them once", "[communicator]") {
  for (ac::Index total = 1; total <= 40; ++total) {
    for (int size = 1; size <= std::min<ac::Index>(total, 7); ++size) {
      ac::Index next = 0, smallest = total, largest = 0;
      for (int rank = 0; rank < size; ++rank) {
        const ac::Shard s = ac::shard_of(total, rank, size);
        CHECK(s.first == next);
        next += s.count;
        smallest = std::min(smallest, s.count);
        largest = std::max(largest, s.count);
      }
      CHECK(next == total);
      CHECK(largest - smallest <= 1);  // balanced
      CHECK(smallest >= 1);
    }
  }
  CHECK_THROWS_WITH(ac::shard_of(2, 0, 3),
                    Catch::Contains("total: expected at least one item per rank (3 ranks), got 2"));
  CHECK_THROWS_WITH(ac::shard_of(8, 3, 3), Catch::Contains("rank: expected a rank in [0, 3), got 3"));
}

TEST_CASE("the ranks' shards of a VectorEnv seeded seed + first are the one-process VectorEnv", "[communicator]") {
  const ac::Index total = 7;
  const std::uint64_t seed = 13;
  ac::VectorEnv<ac::envs::CartPole> whole(total, seed);
  std::vector<ac::VectorEnv<ac::envs::CartPole>> parts;
  for (int rank = 0; rank < 3; ++rank) {
    const ac::Shard s = ac::shard_of(total, rank, 3);
    parts.emplace_back(s.count, seed + static_cast<std::uint64_t>(s.first));
  }
  ac::Generator rng(5);
  std::vector<std::int64_t> actions(static_cast<std::size_t>(total));
  for (int t = 0; t < 60; ++t) {
    for (auto& a : actions) a = static_cast<std::int64_t>(rng.integer(2));
    whole.step(std::span<const std::int64_t>(actions));
    for (int rank = 0; rank < 3; ++rank) {
      const ac::Shard s = ac::shard_of(total, rank, 3);
      parts[std::size_t(rank)].step(
          std::span<const std::int64_t>(actions).subspan(std::size_t(s.first), std::size_t(s.count)));
      REQUIRE(parts[std::size_t(rank)].observations() == whole.observations().middleCols(s.first, s.count));
    }
  }
}

TEST_CASE("with one process the global kernels compute exactly as the local ones", "[communicator]") {
  ac::SingleProcess comm;
  ac::Generator rng(8);
  ac::Matrix<float> a(1, 33), b(1, 33), predicted(1, 33);
  for (ac::Index j = 0; j < 33; ++j) {
    a(0, j) = b(0, j) = static_cast<float>(3.0 + 2.0 * rng.normal());
    predicted(0, j) = a(0, j) + static_cast<float>(0.5 * rng.normal());
  }
  ac::kernels::normalize_advantages(a);
  ac::kernels::normalize_advantages(comm, b);
  CHECK(a == b);  // bit for bit: the single-process path is the old one
  CHECK(ac::kernels::explained_variance(comm, predicted, b) == ac::kernels::explained_variance(predicted, b));
  ac::RunningMeanStd local(1), global(1);
  local.update(predicted);
  global.update(comm, predicted);
  CHECK(local.mean() == global.mean());
  CHECK(local.var() == global.var());
  CHECK(local.count() == global.count());
}

TEST_CASE("average_gradients with one process leaves the gradient as it is", "[communicator]") {
  ac::SingleProcess comm;
  std::vector<float> g{0.1f, -3.0f, 7.5f};
  std::vector<float> workspace;
  CHECK(ac::average_gradients(comm, std::span<float>(g), 12.0, workspace) == 12.0);
  CHECK(g == std::vector<float>{0.1f, -3.0f, 7.5f});
  CHECK_THROWS_WITH(ac::average_gradients(comm, std::span<float>(g), -1.0, workspace),
                    Catch::Contains("samples: expected a count >= 0, got -1"));
}
