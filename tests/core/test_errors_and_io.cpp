#include <actorcritic/core/atomic_file.hpp>
#include <actorcritic/core/binary_io.hpp>
#include <actorcritic/core/error.hpp>
#include <actorcritic/core/types.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <limits>
#include <random>

namespace fs = std::filesystem;

TEST_CASE("argument checks name the argument and what was expected", "[core][errors]") {
  CHECK_THROWS_AS(ac::check_shape("x", 3, 2, 4, 2), ac::InvalidArgument);
  CHECK_THROWS_WITH(ac::check_shape("policy.x", 3, 2, 4, 2),
                    "policy.x: expected a 4x2 matrix, got 3x2");
  CHECK_NOTHROW(ac::check_shape("x", 4, 2, 4, 2));
  CHECK_THROWS_WITH(ac::check_positive("clip", 0.0), "clip: expected a value > 0, got 0");
  CHECK_THROWS_WITH(ac::check_positive("clip", std::nan("")), Catch::Contains("clip: expected a value > 0"));
  CHECK_THROWS_WITH(ac::check_in_closed_range("gamma", 1.5, 0.0, 1.0),
                    "gamma: expected a value in [0, 1], got 1.5");
  CHECK_NOTHROW(ac::check_in_closed_range("gamma", 1.0, 0.0, 1.0));
  // Every library exception is an ac::Error.
  CHECK_THROWS_AS(ac::check_non_negative("n", -1), ac::Error);
}

TEMPLATE_TEST_CASE("all_finite agrees with Eigen's allFinite", "[core][errors]", float, double) {
  using Limits = std::numeric_limits<TestType>;
  const TestType specials[] = {Limits::infinity(), -Limits::infinity(), Limits::quiet_NaN(), -Limits::quiet_NaN()};
  const TestType extremes[] = {Limits::max(), Limits::lowest(), Limits::denorm_min(), -Limits::min(), TestType(-0.0)};
  std::mt19937 rng(7);
  std::normal_distribution<TestType> normal(TestType(0), TestType(1e3));
  long non_finite = 0;
  for (const Eigen::Index rows : {0, 1, 3, 16, 33}) {
    for (const Eigen::Index cols : {0, 1, 5, 64}) {
      ac::Matrix<TestType> m(rows, cols);
      for (int trial = 0; trial < 20; ++trial) {
        for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
        if (m.size() > 0) {
          // Extremes are finite; a special, at a random place (or none), is not.
          m.data()[rng() % m.size()] = extremes[rng() % 5];
          if (trial % 4 != 0) m.data()[rng() % m.size()] = specials[rng() % 4];
        }
        non_finite += !m.allFinite();
        CHECK(ac::all_finite(m) == m.allFinite());
        // Blocks and references with an outer stride.
        if (rows > 1 && cols > 1) {
          const ac::ConstMatrixRef<TestType> block = m.bottomRightCorner(rows - 1, cols - 1);
          CHECK(ac::all_finite(block) == block.allFinite());
          CHECK(ac::all_finite(m.row(rows / 2)) == m.row(rows / 2).allFinite());
        }
      }
    }
  }
  CHECK(non_finite > 100);  // the comparison saw both answers
}

TEST_CASE("FNV-1a 64 matches its published test vectors", "[core][io]") {
  CHECK(ac::fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(ac::fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(ac::fnv1a64("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("ByteWriter and ByteReader round-trip and report truncation", "[core][io]") {
  ac::ByteWriter out;
  out.put(std::uint32_t{7});
  out.put(2.5);
  out.put_string("CartPole-v1");
  ac::ByteReader in(out.bytes(), "memory");
  CHECK(in.get<std::uint32_t>("version") == 7);
  CHECK(in.get<double>("scale") == 2.5);
  CHECK(in.get_string("env id") == "CartPole-v1");
  CHECK(in.remaining() == 0);
  CHECK_THROWS_WITH(in.get<double>("gamma"), Catch::Contains("memory: file is truncated: gamma needs 8 bytes"));
}

TEST_CASE("write_file_atomically replaces the file and leaves no temporary", "[core][io]") {
  const fs::path dir = fs::temp_directory_path() / "ac_test_atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "out.bin";
  ac::write_file_atomically(file, "first");
  ac::write_file_atomically(file, std::string("second\0with nul", 15));
  CHECK(ac::read_file(file) == std::string("second\0with nul", 15));
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  CHECK_THROWS_AS(ac::read_file(dir / "missing.bin"), ac::IoError);
  CHECK_THROWS_WITH(ac::write_file_atomically(dir / "no_such_dir" / "x.bin", "x"), Catch::Contains("cannot open"));
  CHECK(fs::exists(file));  // a failed write elsewhere never touches an existing file
  fs::remove_all(dir);
}
