// TensorBoard event files as ac::tensorboard::EventWriter writes them, read
// back by this file's own decoder: the TFRecord framing with a bitwise CRC-32C
// (not the writer's table), and the protobuf wire format parsed by hand (not
// the protobuf library), with the field numbers of TensorBoard's Event and
// Summary messages.
#include "event_writer.hpp"
#include "crc32c.hpp"
#include "training_scalars.hpp"

#include <actorcritic/core/atomic_file.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

/// CRC-32C one bit at a time (RFC 3720's definition), independent of the writer's table.
std::uint32_t bitwise_crc32c(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return ~crc;
}
std::uint32_t masked(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

std::uint64_t little_endian(const std::string& bytes, std::size_t at, int size) {
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + std::size_t(i)]);
  return value;
}

struct DecodedEvent {
  double wall_time = 0.0;
  std::int64_t step = 0;
  std::string file_version;
  std::map<std::string, float> values;
};

/// A protobuf message's fields: (field number, wire type, varint or fixed value, bytes).
struct Field {
  int number = 0, wire_type = 0;
  std::uint64_t integer = 0;
  std::string bytes;
};

std::vector<Field> fields(const std::string& message) {
  std::vector<Field> out;
  std::size_t at = 0;
  auto varint = [&] {
    std::uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      REQUIRE(at < message.size());
      const auto byte = static_cast<unsigned char>(message[at++]);
      value |= std::uint64_t(byte & 0x7Fu) << shift;
      if ((byte & 0x80u) == 0) return value;
    }
  };
  while (at < message.size()) {
    const std::uint64_t key = varint();
    Field f;
    f.number = static_cast<int>(key >> 3);
    f.wire_type = static_cast<int>(key & 7u);
    switch (f.wire_type) {
      case 0: f.integer = varint(); break;
      case 1: f.integer = little_endian(message, at, 8), at += 8; break;
      case 2: {
        const std::uint64_t size = varint();
        f.bytes = message.substr(at, size);
        at += size;
        break;
      }
      case 5: f.integer = little_endian(message, at, 4), at += 4; break;
      default: FAIL("unexpected wire type " << f.wire_type);
    }
    REQUIRE(at <= message.size());
    out.push_back(f);
  }
  return out;
}

DecodedEvent decode_event(const std::string& message) {
  DecodedEvent event;
  for (const Field& f : fields(message)) {
    if (f.number == 1 && f.wire_type == 1) std::memcpy(&event.wall_time, &f.integer, sizeof(double));
    if (f.number == 2 && f.wire_type == 0) event.step = static_cast<std::int64_t>(f.integer);
    if (f.number == 3 && f.wire_type == 2) event.file_version = f.bytes;
    if (f.number == 5 && f.wire_type == 2) {
      for (const Field& value : fields(f.bytes)) {  // Summary.value (1), repeated
        REQUIRE(value.number == 1);
        std::string tag;
        float simple = std::numeric_limits<float>::quiet_NaN();
        for (const Field& part : fields(value.bytes)) {
          if (part.number == 1) tag = part.bytes;
          if (part.number == 2 && part.wire_type == 5) {
            const auto bits = static_cast<std::uint32_t>(part.integer);
            std::memcpy(&simple, &bits, sizeof(float));
          }
        }
        event.values[tag] = simple;
      }
    }
  }
  return event;
}

/// Every record of a TFRecord file, each checked against its two masked CRCs.
std::vector<DecodedEvent> read_events(const std::filesystem::path& path) {
  const std::string file = ac::read_file(path);
  std::vector<DecodedEvent> events;
  std::size_t at = 0;
  while (at < file.size()) {
    REQUIRE(at + 12 <= file.size());
    const std::uint64_t length = little_endian(file, at, 8);
    CHECK(little_endian(file, at + 8, 4) == masked(bitwise_crc32c(file.substr(at, 8))));
    REQUIRE(at + 12 + length + 4 <= file.size());
    const std::string data = file.substr(at + 12, length);
    CHECK(little_endian(file, at + 12 + length, 4) == masked(bitwise_crc32c(data)));
    events.push_back(decode_event(data));
    at += 12 + length + 4;
  }
  return events;
}

}  // namespace

TEST_CASE("CRC-32C matches the standard's check values", "[tensorboard]") {
  CHECK(ac::tensorboard::crc32c("123456789", 9) == 0xE3069283u);  // the CRC catalogue's check value
  const std::string zeros(32, '\0');
  CHECK(ac::tensorboard::crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);  // RFC 3720 B.4
  const std::string text = "TensorBoard reads what it can check";
  CHECK(ac::tensorboard::crc32c(text.data(), text.size()) == bitwise_crc32c(text));
  CHECK(ac::tensorboard::masked_crc32c(text.data(), text.size()) == masked(bitwise_crc32c(text)));
}

TEST_CASE("an event file holds the version record, then one event per call with its finite scalars",
          "[tensorboard]") {
  const auto folder = std::filesystem::temp_directory_path() / "ac_test_tensorboard" / "run";
  std::filesystem::remove_all(folder.parent_path());
  std::filesystem::path path;
  {
    ac::tensorboard::EventWriter writer(folder);  // creates the folders
    path = writer.path();
    writer.scalars(256, {{"rollout/ep_rew_mean", 21.5}, {"train/kl", std::nan("")}}, 1000.25);
    writer.scalars(512, {{"rollout/ep_rew_mean", 40.0}, {"train/kl", 0.0125}}, 1001.5);
  }
  CHECK(path.parent_path() == folder);
  CHECK(path.filename().string().starts_with("events.out.tfevents."));
  const auto events = read_events(path);
  REQUIRE(events.size() == 3);
  CHECK(events[0].file_version == "brain.Event:2");
  // The file is named after the version record's time (whole seconds since the epoch), as TensorBoard's are.
  CHECK(path.filename().string().starts_with(
      "events.out.tfevents." + std::to_string(static_cast<long>(events[0].wall_time)) + "."));
  CHECK(events[1].step == 256);
  CHECK(events[1].wall_time == 1000.25);
  CHECK(events[1].values == std::map<std::string, float>{{"rollout/ep_rew_mean", 21.5f}});  // NaN left out
  CHECK(events[2].step == 512);
  CHECK(events[2].values == std::map<std::string, float>{{"rollout/ep_rew_mean", 40.0f}, {"train/kl", 0.0125f}});
}

TEST_CASE("a training iteration's scalars: the recent return, the evaluation and every diagnostic", "[tensorboard]") {
  ac::IterationInfo info;
  info.iteration = 3;
  info.steps = 768;
  info.seconds = 2.0;
  info.collect_seconds = 0.5;
  info.update_seconds = 1.25;
  info.mean_return = 17.0;
  info.episodes = 9;
  info.diagnostics.entropy = 0.5;
  const ac::EvaluationResult evaluation{.mean_return = 30.0, .std_return = 1.5, .episodes = 2, .returns = {28.5, 31.5}};
  std::map<std::string, double> scalars;
  for (const auto& [tag, value] : ac::tensorboard::training_scalars(info, &evaluation)) scalars[tag] = value;
  CHECK(scalars.at("rollout/ep_rew_mean") == 17.0);
  CHECK(scalars.at("rollout/episodes") == 9.0);
  CHECK(scalars.at("time/fps") == 384.0);
  // The two time tags carry the info's fields as set above (no clock is read here).
  CHECK(scalars.at("time/collect_seconds") == 0.5);
  CHECK(scalars.at("time/update_seconds") == 1.25);
  CHECK(scalars.at("eval/mean_reward") == 30.0);
  CHECK(scalars.at("eval/std_reward") == 1.5);
  CHECK(scalars.at("train/entropy") == 0.5);
  CHECK(std::isnan(scalars.at("train/policy_loss")));  // not measured here: the writer leaves it out
  CHECK(scalars.size() == 8 + ac::UpdateDiagnostics::fields.size());
  CHECK(ac::tensorboard::training_scalars(info).size() == 6 + ac::UpdateDiagnostics::fields.size());
}

TEST_CASE("an event file that cannot be created is an error naming the path", "[tensorboard]") {
  CHECK_THROWS_WITH(ac::tensorboard::EventWriter("/proc/ac_no_such_folder/run"),
                    Catch::Contains("/proc/ac_no_such_folder"));
}
