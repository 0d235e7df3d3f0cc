#pragma once
// TensorBoard scalars from a training run: an event file in TensorBoard's
// record format (each record: u64 length, u32 masked CRC-32C of the length,
// the serialized Event, u32 masked CRC-32C of the Event; little-endian), with
// our own minimal Event and Summary messages (event.proto). An optional
// target, actorcritic::tensorboard, built when Debian's protobuf is present;
// the library's headers never include this.
//
//   ac::tensorboard::EventWriter events("runs/ppo");   // runs/ppo/events.out.tfevents.<time>.<host>
//   events.scalars(info.steps, {{"rollout/mean_return", info.mean_return}});
//   // tensorboard --logdir runs

#include <actorcritic/core/atomic_file.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ac::tensorboard {

class EventWriter {
 public:
  /// Creates `folder` (and its parents) and a new event file in it, whose first
  /// record says the file's version. Throws ac::IoError naming the path if it cannot.
  explicit EventWriter(const std::filesystem::path& folder);
  ~EventWriter();
  EventWriter(EventWriter&&) noexcept;
  EventWriter& operator=(EventWriter&&) noexcept;

  /// One Event at `step` holding every finite (tag, value) pair as a simple
  /// value (NaN and infinities, e.g. a diagnostic an algorithm does not
  /// measure, are left out), written and flushed so that TensorBoard shows it
  /// while the run goes on. `wall_time` defaults to now.
  void scalars(long step, const std::vector<std::pair<std::string, double>>& values, double wall_time = -1.0);

  [[nodiscard]] const std::filesystem::path& path() const { return file_->path(); }

 private:
  void write_record(const std::string& bytes);

  std::optional<AppendFile> file_;  // created once the name is known
  std::string record_;              // reused: framing of one record
  std::string event_;               // reused: one serialized Event
};

}  // namespace ac::tensorboard
