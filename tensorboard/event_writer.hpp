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

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
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

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  void write_record(const std::string& bytes);

  std::filesystem::path path_;
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace ac::tensorboard
