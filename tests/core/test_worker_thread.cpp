// ac::WorkerThread: a task runs on another thread, hand-offs in a long sequence each see the
// previous one's writes, an exception reaches wait() and the worker goes on serving, misuse is refused.
#include <actorcritic/core/worker_thread.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

TEST_CASE("WorkerThread runs a posted task on its own thread, and wait() sees what it wrote",
          "[worker_thread]") {
  ac::WorkerThread worker;
  std::thread::id ran_on{};
  int value = 0;
  auto task = [&] {
    ran_on = std::this_thread::get_id();
    value = 42;
  };
  worker.post(task);
  worker.wait();
  CHECK(value == 42);
  CHECK(ran_on != std::thread::id{});
  CHECK(ran_on != std::this_thread::get_id());
  worker.wait();  // nothing posted: returns at once
}

TEST_CASE("WorkerThread: thousands of hand-offs, each task reading the owner's writes and the owner its",
          "[worker_thread]") {
  // The owner and the worker take turns on one vector: the owner appends i, the worker doubles the
  // last element. Any lost or reordered hand-off shows in the final contents.
  ac::WorkerThread worker;
  std::vector<long> values;
  values.reserve(20000);
  auto twice = [&] { values.back() *= 2; };
  for (long i = 0; i < 20000; ++i) {
    values.push_back(i);
    worker.post(twice);
    worker.wait();
  }
  long wrong = 0;
  for (long i = 0; i < 20000; ++i) wrong += values[static_cast<std::size_t>(i)] != 2 * i;
  CHECK(wrong == 0);
  // After a pause long enough for the worker to fall asleep, it still wakes for the next task.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  values.push_back(7);
  worker.post(twice);
  worker.wait();
  CHECK(values.back() == 14);
}

TEST_CASE("WorkerThread rethrows a task's exception from wait() and keeps serving", "[worker_thread]") {
  ac::WorkerThread worker;
  auto failing = [] { throw std::runtime_error("the critic's pass failed"); };
  worker.post(failing);
  CHECK_THROWS_WITH(worker.wait(), "the critic's pass failed");
  worker.wait();  // the error was delivered once
  int runs = 0;
  auto counting = [&] { ++runs; };
  worker.post(counting);
  worker.wait();
  CHECK(runs == 1);
}

TEST_CASE("WorkerThread refuses a second post before wait(), and a destructor waits for a pending task",
          "[worker_thread]") {
  int runs = 0;
  auto slow = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ++runs;
  };
  {
    ac::WorkerThread worker;
    worker.post(slow);
    CHECK_THROWS_WITH(worker.post(slow), Catch::Contains("WorkerThread::post: expected the previous task to be "
                                                         "waited for first"));
    worker.wait();
    CHECK(runs == 1);
    worker.post(slow);
  }  // destroyed with the task pending: it still ran, and nothing is left touching `runs`
  CHECK(runs == 2);
}
