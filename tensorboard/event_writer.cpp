#include "event_writer.hpp"

#include "crc32c.hpp"
#include "event.pb.h"

#include <actorcritic/core/error.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <system_error>

namespace ac::tensorboard {
namespace {

namespace proto = ::actorcritic::tensorboard;  // event.proto's messages

double seconds_since_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void append_little_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFFu);
}

}  // namespace

EventWriter::EventWriter(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw_io_error("tensorboard: cannot create the folder \"{}\": {}", folder.string(), error.message());
  char host[256] = "localhost";
  ::gethostname(host, sizeof(host) - 1);
  host[sizeof(host) - 1] = '\0';
  const double now = seconds_since_epoch();
  // TensorBoard reads the files whose names contain "tfevents"; the time and host keep runs apart.
  file_.emplace(folder / fmt::format("events.out.tfevents.{}.{}.{}", static_cast<long>(now), host, ::getpid()),
                /*truncate=*/true);
  proto::Event event;
  event.set_wall_time(now);
  event.set_file_version("brain.Event:2");
  event.SerializeToString(&event_);
  write_record(event_);
}

EventWriter::~EventWriter() = default;
EventWriter::EventWriter(EventWriter&&) noexcept = default;
EventWriter& EventWriter::operator=(EventWriter&&) noexcept = default;

void EventWriter::scalars(long step, const std::vector<std::pair<std::string, double>>& values, double wall_time) {
  proto::Event event;
  event.set_wall_time(wall_time >= 0 ? wall_time : seconds_since_epoch());
  event.set_step(step);
  proto::Summary* summary = event.mutable_summary();
  for (const auto& [tag, value] : values) {
    if (!std::isfinite(value)) continue;
    proto::Summary::Value* entry = summary->add_value();
    entry->set_tag(tag);
    entry->set_simple_value(static_cast<float>(value));
  }
  event.SerializeToString(&event_);
  write_record(event_);
}

void EventWriter::write_record(const std::string& bytes) {
  record_.clear();
  append_little_endian(record_, bytes.size(), 8);
  append_little_endian(record_, masked_crc32c(record_.data(), 8), 4);
  record_ += bytes;
  append_little_endian(record_, masked_crc32c(bytes.data(), bytes.size()), 4);
  file_->append(record_);
}

}  // namespace ac::tensorboard
