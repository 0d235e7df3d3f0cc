// libFuzzer target for the checkpoint loaders (ac::Run and ac::InferencePolicy).
// Every input is parsed twice: as
// it is (the checksum rejects almost everything), and resealed with a correct
// checksum so that the field checks behind it are reached. The loader may
// only ever throw ac::IoError; anything else (another exception, a crash, an
// out-of-bounds read under ASan, UB under UBSan) is a finding.
//
//   tests/fuzz/run.sh [SECONDS]   builds with clang and runs it
#include <actorcritic/actorcritic.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void parse(const std::string& bytes) {
  try {
    using Run = ac::Run<ac::PPO<ac::GaussianActor<float>>, ac::envs::Pendulum>;
    const auto run = Run::from_checkpoint_bytes(bytes, "fuzz");
    // A file that loads must also save back to exactly its bytes.
    if (run.to_checkpoint_bytes() != bytes) __builtin_trap();
  } catch (const ac::IoError&) {
  }
  try {
    // The inference loader reads the same files by a shorter path (skipping records).
    auto policy = ac::InferencePolicy<ac::GaussianActor<float>>::from_checkpoint_bytes(bytes, "fuzz");
    (void)policy.act(Eigen::VectorXf::Zero(policy.observation_dim()));
  } catch (const ac::IoError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  parse(input);
  std::string resealed = input;
  const std::uint64_t checksum = ac::fnv1a64(resealed);
  resealed.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  parse(resealed);
  return 0;
}
