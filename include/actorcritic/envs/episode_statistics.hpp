#pragma once
// Episode return and length bookkeeping (Gymnasium RecordEpisodeStatistics),
// exposed as accessors: the running episode, the last finished one, and a
// window of the most recent finished episodes.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/envs/wrapper.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace ac::envs {

struct EpisodeRecord {
  double episode_return = 0.0;
  long length = 0;

  template <class Archive>
  void serialize(Archive& a) {
    a.field("return", episode_return);
    a.field("length", length, archive::at_least(0));
  }
};

/// A fixed-capacity window of the most recent episodes (no allocation after construction).
class EpisodeWindow {
 public:
  explicit EpisodeWindow(std::size_t capacity = 100) : records_(capacity) {
    check_positive("EpisodeWindow: capacity", capacity);
  }
  void push(const EpisodeRecord& record) {
    records_[next_] = record;
    next_ = (next_ + 1) % records_.size();
    size_ = std::min(size_ + 1, records_.size());
    ++total_;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t total() const { return total_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Mean return of the episodes in the window (NaN when empty).
  [[nodiscard]] double mean_return() const { return mean([](const EpisodeRecord& r) { return r.episode_return; }); }
  [[nodiscard]] double mean_length() const { return mean([](const EpisodeRecord& r) { return double(r.length); }); }
  template <class Archive>
  void serialize(Archive& a) {
    std::uint64_t capacity = records_.size();
    a.field("capacity", capacity, archive::equal_to<std::uint64_t>(records_.size()));
    a.field("records", records_);
    a.field("position", next_, archive::below(double(records_.size())));
    a.field("size", size_, archive::between(0, records_.size()));
    a.field("total", total_, archive::at_least(double(size_)));
  }

  /// The i-th most recent episode (0 = the last one).
  [[nodiscard]] const EpisodeRecord& recent(std::size_t i) const {
    if (i >= size_) throw_invalid_argument("EpisodeWindow::recent: i: expected < {}, got {}", size_, i);
    return records_[(next_ + records_.size() - 1 - i) % records_.size()];
  }

 private:
  template <class F>
  double mean(F field) const {
    if (size_ == 0) return std::numeric_limits<double>::quiet_NaN();
    double sum = 0.0;
    for (std::size_t i = 0; i < size_; ++i) sum += field(records_[i]);
    return sum / static_cast<double>(size_);
  }
  std::vector<EpisodeRecord> records_;
  std::size_t next_ = 0, size_ = 0, total_ = 0;
};

template <Env Inner>
class EpisodeStatistics : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  explicit EpisodeStatistics(Inner inner, std::size_t window = 100)
      : Wrapper<Inner>(std::move(inner)), window_(window) {}

  Observation reset(std::uint64_t seed) {
    current_ = {};
    return this->inner_.reset(seed);
  }
  Observation reset() {
    current_ = {};
    return this->inner_.reset();
  }
  StepResult<Observation> step(const Action& action) {
    auto result = this->inner_.step(action);
    current_.episode_return += result.reward;
    ++current_.length;
    if (result.terminated || result.truncated) window_.push(current_);
    return result;
  }

  [[nodiscard]] const EpisodeRecord& current_episode() const { return current_; }
  [[nodiscard]] const EpisodeWindow& episodes() const { return window_; }

  /// The inner environment's state, the window and the running episode.
  template <class Archive>
    requires Serializable<Inner>
  void serialize(Archive& a) {
    Wrapper<Inner>::serialize(a);
    a.field("episodes", window_);
    a.field("current_episode", current_);
  }

 private:
  EpisodeWindow window_;
  EpisodeRecord current_;
};

}  // namespace ac::envs
