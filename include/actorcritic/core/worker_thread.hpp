#pragma once
// ac::WorkerThread: one persistent thread that runs one task at a time for
// its owner, so that two independent halves of a computation run on two
// cores (PPO's actor and critic passes, `PPO::set_threads`). Each half
// computes exactly what it computes alone, so the results keep their bits.
//
// The tasks it serves last tens of microseconds and come thousands of times
// a second, so both sides spin on one atomic (with the CPU's pause hint)
// before they sleep (C++20 atomic wait): a hand-off costs about a cache-line
// transfer between the cores rather than a futex wake-up. A thread that finds
// nothing to do for 100 µs sleeps until the next post.
// Posting allocates nothing.
//
//   WorkerThread worker;
//   auto half = [&] { critic_pass(); };
//   worker.post(half);   // runs half() on the worker
//   actor_pass();        // meanwhile, on this thread
//   worker.wait();       // rethrows what half() threw
//
// Where the owner's part may throw, a WorkerThread::Guard waits for the
// worker before the data the task reads goes out of scope.

#include "actorcritic/core/error.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <utility>

namespace ac {

class WorkerThread {
 public:
  WorkerThread() : thread_([this] { serve(); }) {}
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;
  ~WorkerThread() {
    finish();  // a task never waited for still runs out (what it threw is dropped)
    state_.store(kStop, std::memory_order_release);
    state_.notify_one();
    thread_.join();
  }

  /// Runs task() on the worker and returns at once. `task` must live until wait() returns; one task at a time.
  template <class F>
  void post(F& task) {
    if (pending_) throw_invalid_argument("WorkerThread::post: expected the previous task to be waited for first");
    task_ = &task;
    run_ = [](void* f) { (*static_cast<F*>(f))(); };
    pending_ = true;
    state_.store(kPosted, std::memory_order_release);
    state_.notify_one();
  }

  /// Waits, when it goes out of scope, for a task still pending: an exception on the owner's side must not
  /// leave the worker running a task whose data goes out of scope. What the task threw is then dropped.
  class Guard {
   public:
    explicit Guard(WorkerThread* worker) : worker_(worker) {}
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() {
      if (worker_ != nullptr) worker_->finish();
    }

   private:
    WorkerThread* worker_;
  };

  /// Waits until the posted task has run (returns at once if none is posted); rethrows what it threw.
  void wait() {
    if (std::exception_ptr error = finish()) std::rethrow_exception(error);
  }

 private:
  /// Waits for the pending task, if any; returns what it threw (once).
  std::exception_ptr finish() {
    if (!pending_) return nullptr;
    await(kPosted);
    pending_ = false;
    state_.store(kIdle, std::memory_order_relaxed);
    return std::exchange(error_, nullptr);
  }

  enum State : int { kIdle, kPosted, kDone, kStop };
  // How long a side spins before it sleeps. Timed rather than counted: a pause hint takes from about 10
  // cycles (older Intel cores) to 140 (Skylake and later), 65 on AMD's Zen.
  static constexpr std::chrono::microseconds kSpinTime{100};

  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  /// Returns the first state other than `from`: spins for kSpinTime, then sleeps.
  int await(int from) {
    int s = state_.load(std::memory_order_acquire);
    if (s != from) return s;
    const auto until = std::chrono::steady_clock::now() + kSpinTime;
    for (unsigned i = 1; s == from; ++i) {
      pause();
      s = state_.load(std::memory_order_acquire);
      if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
    }
    while (s == from) {
      state_.wait(from, std::memory_order_acquire);
      s = state_.load(std::memory_order_acquire);
    }
    return s;
  }

  void serve() {
    for (;;) {
      int s = state_.load(std::memory_order_acquire);
      while (s == kIdle || s == kDone) s = await(s);
      if (s == kStop) return;
      try {
        run_(task_);
      } catch (...) {
        error_ = std::current_exception();
      }
      state_.store(kDone, std::memory_order_release);
      state_.notify_one();
    }
  }

  std::atomic<int> state_{kIdle};
  bool pending_ = false;  // the owner's side: a task posted and not yet waited for
  void* task_ = nullptr;
  void (*run_)(void*) = nullptr;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace ac
