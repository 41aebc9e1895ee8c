// A program for test_process_exit: logs through a FileSink and returns from
// main without stop() or flush(), leaving the backend to drain at exit.
//
//   exit_writer FILE main       10,000 records from the main thread
//   exit_writer FILE threads    4 threads x 5,000, joined, while a detached
//                               thread logs on through the exit

#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {
// Not on main's stack: the detached thread outlives main's frame.
std::atomic<bool> detached_started{false};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: exit_writer FILE main|threads\n");
    return 2;
  }
  auto sink = std::make_shared<sluice::FileSink>(
      argv[1], std::make_shared<sluice::PatternFormatter>("{logger} {message}"));
  sluice::root_logger().add_sink(sink);
  sluice::Options options;
  options.queue_policy = sluice::QueuePolicy::block;
  sluice::start(options);
  if (std::strcmp(argv[2], "main") == 0) {
    for (int i = 0; i < 10000; ++i) SLUICE_INFO(sluice::get_logger("main"), "{}", i);
    return 0;
  }
  // Its records after the backend stopped at exit stay in its queue; it
  // must not crash the exit, whatever it writes into.
  std::thread([] {
    sluice::Logger& log = sluice::get_logger("detached");
    for (unsigned long i = 0;; ++i) {
      SLUICE_INFO(log, "{}", i);
      detached_started.store(true);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }).detach();
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([t] {
      sluice::Logger& log = sluice::get_logger("worker" + std::to_string(t));
      for (int i = 0; i < 5000; ++i) SLUICE_INFO(log, "{}", i);
    });
  }
  for (std::thread& worker : workers) worker.join();
  while (!detached_started.load()) std::this_thread::yield();
  return 0;
}
