// A program for test_process_exit: logs and returns from main without
// stop() or flush(), leaving the backend to drain at exit.
//
//   exit_writer FILE main       10,000 records from the main thread
//                               through a FileSink on FILE
//   exit_writer FILE threads    4 threads x 5,000, joined, while a detached
//                               thread logs on through the exit
//   exit_writer DIR binary-rotation   30,000 records "seq N" through a
//                               BinaryFileSink DIR/app.slog that rotates
//                               every 16 KiB and compresses
//   exit_writer DIR text-rotation     the same through a FileSink DIR/app.log
//   exit_writer DIR binary-zstd       the same through a BinaryFileSink
//                               DIR/app.slog.zst, compressed live, without
//                               rotation (its zstd frame open until the exit)
//   exit_writer DIR binary-zstd-handler-exit  "seq 0..29,999" through a
//                               BinaryFileSink DIR/app.slog.zst (compressed
//                               live), flushed; then a sink's failure whose
//                               error handler, on the backend thread, calls
//                               exit(3)
//   exit_writer DIR binary-zstd-finish-exit  "seq 0..29,999" through a sink
//                               whose finish() fails and a BinaryFileSink
//                               DIR/app.slog.zst (compressed live), then
//                               stop(); the finish failure's error handler,
//                               on the backend thread, calls exit(3)
//   exit_writer DIR blocked-rotation  a FileSink DIR/app.log whose rotation
//                               worker hangs in its first compression (a
//                               hung file system), after two rotations
//   exit_writer FILE fork-running     "parent 0..99" queued, then fork(); the
//                               child logs 1,000,000 records through a full
//                               queue, tries start(), flush() and stop(),
//                               and returns; then "parent 100"
//   exit_writer FILE fork-unstarted   fork() before the backend started; the
//                               child logs "child 0..99" (its own backend),
//                               then the parent "parent 0"
//   exit_writer FILE fork-registry-locked  fork() while another thread
//                               holds the logger registry's lock (a sink's
//                               destructor, run by clear_sinks(), waits); the
//                               child then calls get_logger()
//   exit_writer FILE fork-twice       the backend started, then fork(); the
//                               child's first record makes its thread's
//                               queue, then the child forks a grandchild
//                               that logs nothing; then the parent "parent 0"
//   exit_writer FILE fork-full-queue  the backend held in a sink's write()
//                               while this thread's queue fills (drop
//                               policy), then fork(); the child logs one
//                               record, which its full queue drops
//   exit_writer DIR handler-exit      a FileSink DIR/app.log whose retention
//                               fails at start (directories in the way);
//                               the error handler, on the worker's thread,
//                               prints the error and calls exit(3)

#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rotation_path.hpp"

namespace {
// Not on main's stack: the detached thread outlives main's frame.
std::atomic<bool> detached_started{false};

constexpr int kRotationRecords = 30'000;

sluice::Rotation small_rotation() {
  sluice::Rotation rotation;
  rotation.max_bytes = 16 * 1024;  // a rotation every ~1,500 records
  return rotation;
}

std::shared_ptr<sluice::Sink> rotating_sink(const std::filesystem::path& dir, bool binary) {
  if (binary) {
    sluice::BinaryFileOptions options;
    options.rotation = small_rotation();
    return std::make_shared<sluice::BinaryFileSink>(dir / "app.slog", options);
  }
  sluice::FileOptions options;
  options.rotation = small_rotation();
  return std::make_shared<sluice::FileSink>(
      dir / "app.log", std::make_shared<sluice::PatternFormatter>("{message}"), options);
}

class ThrowingSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView&) override { throw std::runtime_error("disk on fire"); }
  std::string description() const override { return "throwing sink"; }
};

// Takes every record; its finish() fails.
class FinishFailingSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView&) override {}
  void finish() override { throw std::runtime_error("cannot finish"); }
  std::string description() const override { return "finish failing sink"; }
};

// The fork modes (see the top). Exit status 0, or what went wrong.
int fork_and_log(const char* file, bool started, const sluice::Options& options) {
  sluice::root_logger().add_sink(std::make_shared<sluice::FileSink>(
      file, std::make_shared<sluice::PatternFormatter>("{logger} {message}")));
  sluice::Logger& parent = sluice::get_logger("parent");
  if (started) {
    sluice::start(options);
    for (int i = 0; i < 100; ++i) SLUICE_INFO(parent, "{}", i);  // queued, not flushed
  }
  const pid_t child = fork();
  if (child < 0) return 20;
  if (child == 0) {
    alarm(30);  // a child that blocks for ever dies of SIGALRM instead
    sluice::Logger& log = sluice::get_logger("child");
    const int count = started ? 1'000'000 : 100;  // far more than a queue holds
    for (int i = 0; i < count; ++i) SLUICE_INFO(log, "{}", i);
    if (started) {
      try {
        sluice::start(options);
        return 21;
      } catch (const sluice::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
      }
      sluice::flush();
      sluice::stop();
    }
    return 0;
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 22;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 23;
  SLUICE_INFO(parent, "{}", started ? 100 : 0);
  return 0;
}

// Holds the backend thread in write() until released.
class GateSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView&) override {
    entered.store(true);
    while (!released.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::atomic<bool> entered{false};
  std::atomic<bool> released{false};
};

// fork-full-queue (see the top). Exit status 0, or what went wrong.
int fork_with_full_queue(const char* file, sluice::Options options) {
  sluice::root_logger().add_sink(std::make_shared<sluice::FileSink>(
      file, std::make_shared<sluice::PatternFormatter>("{logger} {message}")));
  auto gate = std::make_shared<GateSink>();
  sluice::Logger& gated = sluice::get_logger("gate");
  gated.set_propagate(false);
  gated.add_sink(gate);
  sluice::Logger& parent = sluice::get_logger("parent");
  sluice::Logger& child_log = sluice::get_logger("child");  // made before the fork
  options.queue_policy = sluice::QueuePolicy::drop;
  options.queue_capacity = 4096;
  sluice::start(options);
  SLUICE_INFO(gated, "{}", 0);
  while (!gate->entered.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Far more than 4 KiB: the queue is full, and stays so while the gate holds.
  for (int i = 0; i < 1000; ++i) SLUICE_INFO(parent, "{}", i);
  const pid_t child = fork();
  if (child < 0) return 20;
  if (child == 0) {
    alarm(30);
    SLUICE_INFO(child_log, "{}", 0);
    return 0;
  }
  gate->released.store(true);
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 22;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 23;
  return 0;
}

// fork-twice (see the top). Exit status 0, or what went wrong.
int fork_twice(const char* file, const sluice::Options& options) {
  sluice::root_logger().add_sink(std::make_shared<sluice::FileSink>(
      file, std::make_shared<sluice::PatternFormatter>("{logger} {message}")));
  sluice::start(options);  // this thread has no queue yet
  const pid_t child = fork();
  if (child < 0) return 20;
  if (child == 0) {
    alarm(30);
    SLUICE_INFO(sluice::get_logger("child"), "{}", 0);
    const pid_t grandchild = fork();
    if (grandchild < 0) return 24;
    if (grandchild == 0) return 0;  // logs nothing
    int status = 0;
    if (waitpid(grandchild, &status, 0) != grandchild) return 25;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 26;
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 22;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 23;
  SLUICE_INFO(sluice::get_logger("parent"), "{}", 0);
  return 0;
}

void log_sequence(int count) {
  sluice::Logger& log = sluice::get_logger("exit");
  for (int seq = 0; seq < count; ++seq) SLUICE_INFO(log, "seq {}", seq);
}

// A sink whose destructor waits to be released: run by clear_sinks(), it
// holds the logger registry's lock meanwhile.
class SlowToDestroySink final : public sluice::Sink {
 public:
  SlowToDestroySink(std::atomic<bool>& entered, std::atomic<bool>& released)
      : entered_(entered), released_(released) {}
  ~SlowToDestroySink() override {
    entered_.store(true);
    while (!released_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void write(const sluice::RecordView&) override {}

 private:
  std::atomic<bool>& entered_;
  std::atomic<bool>& released_;
};

// fork-registry-locked (see the top). Exit status 0, or what went wrong.
// The two helper threads are detached: joinable ones still running at the
// fork are, to ThreadSanitizer, threads the child leaked.
int fork_with_registry_locked() {
  static std::atomic<bool> entered{false};
  static std::atomic<bool> released{false};
  static std::atomic<bool> cleared{false};
  sluice::Logger& held = sluice::get_logger("held");
  held.add_sink(std::make_shared<SlowToDestroySink>(entered, released));
  std::thread([&held] {
    held.clear_sinks();
    cleared.store(true);
  }).detach();
  while (!entered.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Released while fork() runs: a fork() that waits for the lock goes on.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    released.store(true);
  }).detach();
  const pid_t child = fork();
  if (child < 0) return 20;
  if (child == 0) {
    alarm(10);  // a child that blocks for ever dies of SIGALRM instead
    sluice::get_logger("child.of.a.fork");
    _exit(0);  // this process has none of the parent's threads to wait for
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 22;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 23;
  while (!cleared.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return 0;
}

// Set in every fork() child of this process (pthread_atfork).
std::atomic<bool> in_forked_child{false};

}  // namespace

// LeakSanitizer's hook (used in the ASan build only): its check at a forked
// child's exit cannot suspend the threads it lists and prints "Running thread
// N was not suspended. False leaks are possible." on stderr, which the fork
// tests compare byte for byte. Leaks are checked in the parent's exit.
extern "C" int __lsan_is_turned_off() { return in_forked_child.load() ? 1 : 0; }

int main(int argc, char** argv) {
  pthread_atfork(nullptr, nullptr, [] { in_forked_child.store(true); });
  if (argc != 3) {
    std::fprintf(
        stderr,
        "usage: exit_writer FILE main|threads\n"
        "       exit_writer DIR "
        "binary-rotation|text-rotation|blocked-rotation|binary-zstd|binary-zstd-handler-exit|"
        "binary-zstd-finish-exit|handler-exit\n"
        "       exit_writer FILE backend-handler-exit|fork-running|fork-unstarted|fork-twice|"
        "fork-full-queue|fork-registry-locked\n");
    return 2;
  }
  const std::string mode = argv[2];
  sluice::Options options;
  options.queue_policy = sluice::QueuePolicy::block;
  if (mode == "handler-exit") {
    // Before the sink: the handler must be there for the worker's first
    // report (its retention at start), and the exit handler registered.
    sluice::set_error_handler([](std::string_view message) {
      std::fprintf(stderr, "handler: %.*s\n", static_cast<int>(message.size()), message.data());
      std::exit(3);
    });
    sluice::start(options);
    const std::filesystem::path dir = argv[1];
    for (const char* name : {"app.log.8.zst", "app.log.9.zst"}) {
      std::filesystem::create_directories(dir / name / "in-the-way");
    }
    sluice::Rotation rotation = small_rotation();
    rotation.backup_count = 1;
    sluice::FileOptions file_options;
    file_options.rotation = rotation;
    sluice::root_logger().add_sink(std::make_shared<sluice::FileSink>(
        dir / "app.log", std::make_shared<sluice::PatternFormatter>("{message}"), file_options));
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // the handler ends it
  }
  if (mode == "binary-zstd-handler-exit") {
    // The exit's stop() runs on the backend thread (as in
    // backend-handler-exit), with the .slog.zst's frame open since the flush.
    sluice::set_error_handler([](std::string_view) { std::exit(3); });
    sluice::root_logger().add_sink(
        std::make_shared<sluice::BinaryFileSink>(std::filesystem::path(argv[1]) / "app.slog.zst"));
    sluice::Logger& bad = sluice::get_logger("bad");
    bad.set_propagate(false);
    bad.add_sink(std::make_shared<ThrowingSink>());
    sluice::start(options);
    log_sequence(kRotationRecords);
    sluice::flush();
    SLUICE_INFO(bad, "the sink throws");
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // the handler ends it
  }
  if (mode == "binary-zstd-finish-exit") {
    // The exit's stop() runs on the backend thread in the middle of the
    // finishing of the sinks, the failing one finished first.
    sluice::set_error_handler([](std::string_view) { std::exit(3); });
    sluice::root_logger().add_sink(std::make_shared<FinishFailingSink>());
    sluice::root_logger().add_sink(
        std::make_shared<sluice::BinaryFileSink>(std::filesystem::path(argv[1]) / "app.slog.zst"));
    sluice::start(options);
    log_sequence(kRotationRecords);
    sluice::stop();
    return 0;  // the handler has ended the process
  }
  if (mode == "backend-handler-exit") {
    // The handler runs on the backend thread, for a sink's failure, and
    // exits there: the exit's stop() cannot join the thread it runs on.
    sluice::set_error_handler([](std::string_view message) {
      std::fprintf(stderr, "handler: %.*s\n", static_cast<int>(message.size()), message.data());
      std::exit(3);
    });
    sluice::root_logger().add_sink(std::make_shared<sluice::FileSink>(
        argv[1], std::make_shared<sluice::PatternFormatter>("{logger} {message}")));
    sluice::Logger& bad = sluice::get_logger("bad");
    bad.set_propagate(false);
    bad.add_sink(std::make_shared<ThrowingSink>());
    sluice::start(options);
    for (int i = 0; i < 100; ++i) SLUICE_INFO(sluice::get_logger("main"), "{}", i);
    SLUICE_INFO(bad, "the sink throws");
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // the handler ends it
  }
  if (mode == "binary-zstd") {
    sluice::root_logger().add_sink(
        std::make_shared<sluice::BinaryFileSink>(std::filesystem::path(argv[1]) / "app.slog.zst"));
    sluice::start(options);
    log_sequence(kRotationRecords);
    sluice::flush();  // idle since: the frame stays open until the exit
    return 0;
  }
  if (mode == "fork-full-queue") return fork_with_full_queue(argv[1], options);
  if (mode == "fork-registry-locked") return fork_with_registry_locked();
  if (mode == "fork-twice") return fork_twice(argv[1], options);
  if (mode.starts_with("fork-")) return fork_and_log(argv[1], mode == "fork-running", options);
  if (mode.ends_with("-rotation")) {
    if (mode == "blocked-rotation") {
      sluice::detail::set_compressed_hook([](const std::filesystem::path&) {
        for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
      });
    }
    sluice::root_logger().add_sink(rotating_sink(argv[1], mode == "binary-rotation"));
    sluice::start(options);
    log_sequence(mode == "blocked-rotation" ? 4'000 : kRotationRecords);
    return 0;
  }
  auto sink = std::make_shared<sluice::FileSink>(
      argv[1], std::make_shared<sluice::PatternFormatter>("{logger} {message}"));
  sluice::root_logger().add_sink(sink);
  sluice::start(options);
  if (mode == "main") {
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
