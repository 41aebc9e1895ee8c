// stop() and block-policy producers waiting for room when it begins: what
// its final drain writes, what is counted, and that neither side waits for
// ever (docs/design.md, "Capacity and policy").
//
// ctest runs each case in a process of its own; run whole (in any order),
// the binary runs them in one, so each case counts stats() from its own
// start and gives the loggers it uses its own sinks only.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drop_warning.hpp"
#include "error_reports.hpp"
#include "sluice/detail/thread_queue.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::size_t kQueueBytes = 4096;

sluice::Options small_block_queue() {
  sluice::Options options;
  options.queue_capacity = kQueueBytes;
  options.queue_policy = sluice::QueuePolicy::block;
  return options;
}

sluice::Logger& logger_alone_with(const std::shared_ptr<sluice::Sink>& sink) {
  sluice::Logger& log = sluice::get_logger("alone");
  log.set_propagate(false);
  log.clear_sinks();  // an earlier case's, in a binary run whole
  log.add_sink(sink);
  return log;
}

std::shared_ptr<sluice::CaptureSink> capture_sluice_warnings() {
  auto warnings = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& sluice_logger = sluice::get_logger("sluice");
  sluice_logger.clear_sinks();  // an earlier case's, in a binary run whole
  sluice_logger.add_sink(warnings);
  return warnings;
}

// Keeps every message. Holds the backend in the write of "hold" until
// opened, and takes 300 ms over "slow": long enough for every waiting
// producer to look at the backend's state many times.
class StopRaceSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView& record) override {
    std::string message(record.message());
    std::unique_lock lock(mutex_);
    if (message == "hold") {
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    } else if (message == "slow") {
      lock.unlock();
      std::this_thread::sleep_for(300ms);
      lock.lock();
    }
    messages_.push_back(std::move(message));
  }
  void wait_until_held() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return held_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool open_ = false;
  std::vector<std::string> messages_;
};

// Counts what it is given; holds the backend in finish(), the last thing
// stop()'s drain does (after its drop WARNING), until opened.
class FinishGatedSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView&) override {
    std::lock_guard lock(mutex_);
    ++written_;
  }
  void finish() override {
    std::unique_lock lock(mutex_);
    finishing_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_until_finishing() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return finishing_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  int written() const {
    std::lock_guard lock(mutex_);
    return written_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool finishing_ = false;
  bool open_ = false;
  int written_ = 0;
};

}  // namespace

TEST_CASE("stop() writes the records of block-policy producers that wait for room when it begins") {
  // Such a producer gave its record up as soon as the backend stopped
  // accepting, although stop()'s drain was about to free its room: under
  // `block`, which promises to lose nothing, each lost its last record.
  auto sink = std::make_shared<StopRaceSink>();
  sluice::Logger& log = logger_alone_with(sink);
  auto warnings = capture_sluice_warnings();
  const std::uint64_t dropped_before = sluice::stats().records_dropped;
  sluice::start(small_block_queue());
  SLUICE_INFO(log, "hold");
  sink->wait_until_held();  // the backend's pass is in it, and reads nothing more
  // Stamped after that pass began, so left for stop()'s drain, which starts
  // with it (the oldest) and takes its time there.
  SLUICE_INFO(log, "slow");

  constexpr int kProducers = 4;
  std::atomic<int> waiting{0};
  std::vector<int> logged(kProducers, 0);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      // Fills its queue (the backend reads none of it yet), then logs one
      // record more, which waits for room.
      int i = 0;
      SLUICE_INFO(log, "p{} r{}", p, i++);
      const sluice::detail::ThreadQueue& queue = *sluice::detail::tls_thread_queue;
      const std::uint64_t size = queue.published_position();
      while (queue.published_position() + size <= kQueueBytes) SLUICE_INFO(log, "p{} r{}", p, i++);
      waiting.fetch_add(1);
      SLUICE_INFO(log, "p{} r{}", p, i++);
      logged[p] = i;
    });
  }
  while (waiting.load() < kProducers) std::this_thread::yield();
  std::this_thread::sleep_for(100ms);  // they are in their wait
  auto stopping = std::async(std::launch::async, [] { sluice::stop(); });
  std::this_thread::sleep_for(100ms);  // stop() asked the backend to stop
  sink->open();
  const bool stopped = stopping.wait_for(30s) == std::future_status::ready;
  for (std::thread& producer : producers) producer.join();
  REQUIRE(stopped);

  std::vector<std::string> expected{"hold", "slow"};
  const std::vector<std::string> written = sink->messages();
  REQUIRE(written.size() >= 2);
  CHECK(std::vector<std::string>(written.begin(), written.begin() + 2) == expected);
  // Per producer, in order: the interleaving is the timestamps'.
  for (int p = 0; p < kProducers; ++p) {
    std::vector<std::string> mine;
    const std::string prefix = "p" + std::to_string(p) + " ";
    for (const std::string& message : written) {
      if (message.starts_with(prefix)) mine.push_back(message);
    }
    std::vector<std::string> all;
    for (int i = 0; i < logged[p]; ++i) all.push_back(prefix + "r" + std::to_string(i));
    INFO("producer " << p);
    CHECK(mine.size() == all.size());
    if (mine.size() == all.size()) CHECK(mine == all);
  }
  CHECK(sluice::stats().records_dropped - dropped_before == 0);
  CHECK(warnings->size() == 0);
}

TEST_CASE(
    "stop() and producers that keep logging into full block-policy queues all end, and "
    "every record is written or counted") {
  // stop() must not wait for a producer that keeps logging, nor a producer
  // wait for ever for a backend that stopped, whenever stop() comes.
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = logger_alone_with(capture);
  constexpr int kProducers = 4;
  constexpr int kCycles = 20;
  std::atomic<bool> go{true};
  std::vector<long> logged(kProducers, 0);
  const std::uint64_t dropped_before = sluice::stats().records_dropped;
  sluice::start(small_block_queue());
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      long i = 0;
      while (go.load(std::memory_order_relaxed)) SLUICE_INFO(log, "p{} r{}", p, i++);
      logged[p] = i;
    });
  }
  int late_stops = 0;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    std::this_thread::sleep_for(5ms);
    auto stopping = std::async(std::launch::async, [] { sluice::stop(); });
    if (stopping.wait_for(10s) != std::future_status::ready) ++late_stops;
    stopping.wait();
    std::this_thread::sleep_for(1ms);  // they log while stopped: full queues drop
    sluice::start(small_block_queue());
  }
  go.store(false);
  for (std::thread& producer : producers) producer.join();
  sluice::flush();  // everything still queued
  sluice::stop();
  CHECK(late_stops == 0);

  long total = 0;
  for (const long n : logged) total += n;
  const auto records = capture->records();
  CHECK(static_cast<std::uint64_t>(records.size()) + sluice::stats().records_dropped -
            dropped_before ==
        static_cast<std::uint64_t>(total));
  // Per producer: in order, none twice.
  std::vector<long> last(kProducers, -1);
  for (const auto& record : records) {
    const std::size_t space = record.message.find(' ');
    const int p = std::stoi(record.message.substr(1, space - 1));
    const long i = std::stol(record.message.substr(space + 2));
    REQUIRE(i > last[p]);
    last[p] = i;
  }
}

TEST_CASE("drops made after stop() wrote its last drop WARNING are reported by stop()") {
  // They were in stats() only: with no start() after (an exit), no operator
  // heard of them.
  auto sink = std::make_shared<FinishGatedSink>();
  sluice::Logger& log = logger_alone_with(sink);
  auto warnings = capture_sluice_warnings();
  sluice::testing::ErrorReports reports;
  const std::uint64_t dropped_before = sluice::stats().records_dropped;
  sluice::start(small_block_queue());
  SLUICE_INFO(log, "written before stop()");
  sluice::flush();  // the sink was written: stop() finishes it
  auto stopping = std::async(std::launch::async, [] { sluice::stop(); });
  sink->wait_until_finishing();
  // Its drain and drop report are done: a queue that fills now drops.
  constexpr int kRecords = 1000;  // far more than 4 KiB
  std::thread([&] {
    for (int i = 0; i < kRecords; ++i) SLUICE_INFO(log, "record {}", i);
  }).join();
  sink->open();
  stopping.get();
  const std::uint64_t dropped = sluice::stats().records_dropped - dropped_before;
  REQUIRE(dropped > 0);
  REQUIRE(dropped < kRecords);
  CHECK(warnings->size() == 0);
  CHECK(reports.take() ==
        std::vector<std::string>{
            "backend: " + std::to_string(dropped) +
            " log records were dropped after stop() wrote its last drop WARNING: their queues "
            "were full once stop() had begun (counted in stats().records_dropped; the next "
            "start() writes their WARNING)"});

  // The next run writes the records that found room, and the WARNING.
  sluice::start(small_block_queue());
  sluice::flush();
  CHECK(static_cast<std::uint64_t>(sink->written()) == 1 + kRecords - dropped);
  REQUIRE(warnings->size() == 1);
  CHECK(warnings->records()[0].message == sluice::testing::drop_warning(dropped));
  sluice::stop();
  CHECK(reports.take().empty());
}
