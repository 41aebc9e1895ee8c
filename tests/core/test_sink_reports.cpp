// A sink of the user's own telling the error handler something without
// throwing: Sink::report_notice (no failure, not counted) and
// Sink::report_error (a failure, counted in stats().sink_errors), under the
// sink's description and its rate limit, as the built-in sinks' reports.

#include <catch2/catch.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sink.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "error_reports.hpp"
#include "manual_error_clock.hpp"

namespace {

using sluice::testing::ErrorReports;
using sluice::testing::ManualErrorClock;

// A sink that ships messages to a made-up collector. A message names what
// happens to it: "reconnect" tells a notice, "refused" an error it does not
// throw, "down" throws; every message but "down" is kept.
class CollectorSink final : public sluice::Sink {
 public:
  explicit CollectorSink(std::string name = "collector sink") : name_(std::move(name)) {}
  void write(const sluice::RecordView& record) override {
    const std::string message(record.message());
    if (message == "down") throw std::runtime_error("collector down");
    if (message == "reconnect") report_notice("reconnected to the collector after 3 attempts");
    if (message == "refused") report_error("the collector refused a record; the others go on");
    const std::lock_guard lock(mutex_);
    messages_.push_back(message);
  }
  void flush() override {
    const std::lock_guard lock(mutex_);
    ++flushes_;
  }
  std::string description() const override { return name_; }

  // What a worker thread of the sink's own would tell.
  void tell_from_elsewhere(const std::string& message, bool error) const {
    if (error) {
      report_error(message);
    } else {
      report_notice(message);
    }
  }
  std::vector<std::string> messages() const {
    const std::lock_guard lock(mutex_);
    return messages_;
  }
  int flushes() const {
    const std::lock_guard lock(mutex_);
    return flushes_;
  }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  int flushes_ = 0;
};

sluice::Logger& logger_alone_with(const std::shared_ptr<sluice::Sink>& sink) {
  sluice::Logger& log = sluice::get_logger("collected");
  log.set_propagate(false);
  log.add_sink(sink);
  return log;
}

}  // namespace

TEST_CASE("a sink's notice reaches the error handler under its name and is not a sink error") {
  ErrorReports reports;
  auto sink = std::make_shared<CollectorSink>();
  sluice::Logger& log = logger_alone_with(sink);
  sluice::start();
  // stats() counts from the process start: earlier cases of a whole run too.
  const std::uint64_t errors_before = sluice::stats().sink_errors;
  SLUICE_INFO(log, "first");
  SLUICE_INFO(log, "reconnect");
  SLUICE_INFO(log, "third");
  sluice::flush();
  const sluice::Stats stats = sluice::stats();
  sluice::stop();
  log.clear_sinks();
  CHECK(reports.messages() ==
        std::vector<std::string>{"collector sink: reconnected to the collector after 3 attempts"});
  CHECK(stats.sink_errors - errors_before == 0);
  CHECK(sink->messages() == std::vector<std::string>{"first", "reconnect", "third"});
}

TEST_CASE("a sink's error told without throwing is reported and counted, and its write stands") {
  ErrorReports reports;
  auto sink = std::make_shared<CollectorSink>();
  sluice::Logger& log = logger_alone_with(sink);
  sluice::start();
  const std::uint64_t errors_before = sluice::stats().sink_errors;
  SLUICE_INFO(log, "refused");
  sluice::flush();
  const sluice::Stats stats = sluice::stats();
  sluice::stop();
  log.clear_sinks();
  CHECK(
      reports.messages() ==
      std::vector<std::string>{"collector sink: the collector refused a record; the others go on"});
  CHECK(stats.sink_errors - errors_before == 1);
  CHECK(sink->messages() == std::vector<std::string>{"refused"});
  // The write returned, so the sink counts as written and was flushed (a
  // write that throws is not).
  CHECK(sink->flushes() == 1);
}

TEST_CASE("a sink's notices and told errors share the rate limit of its thrown failures") {
  const ManualErrorClock clock;  // all in one window, however long it takes
  ErrorReports reports;
  auto sink = std::make_shared<CollectorSink>();
  sluice::Logger& log = logger_alone_with(sink);
  sluice::start();
  const std::uint64_t errors_before = sluice::stats().sink_errors;
  SLUICE_INFO(log, "down");
  SLUICE_INFO(log, "refused");
  SLUICE_INFO(log, "reconnect");
  sluice::flush();
  const sluice::Stats stats = sluice::stats();
  sluice::stop();  // reports what the rate limit held back
  log.clear_sinks();
  CHECK(stats.sink_errors - errors_before == 2);  // the throw and the error told, not the notice
  // The first as it happened; the notice, the last held back, at stop()
  // with the count of the other.
  CHECK(reports.messages() ==
        std::vector<std::string>{"collector sink: write failed: collector down",
                                 "collector sink: reconnected to the collector after 3 attempts "
                                 "(1 similar error suppressed)"});
}

TEST_CASE("a sink tells from a thread of its own, while the backend runs and while stopped") {
  ErrorReports reports;
  auto collector = std::make_shared<CollectorSink>();
  auto worker = std::make_shared<CollectorSink>("worker sink");
  sluice::Logger& log = logger_alone_with(collector);
  sluice::start();
  const std::uint64_t errors_before = sluice::stats().sink_errors;
  // The backend reports a thrown failure while the worker's thread tells
  // its own: each reaches the handler once, in either order.
  std::thread other([&] { worker->tell_from_elsewhere("upload queue full", true); });
  SLUICE_INFO(log, "down");
  other.join();
  sluice::flush();
  std::vector<std::string> messages = reports.take();
  std::sort(messages.begin(), messages.end());
  CHECK(messages == std::vector<std::string>{"collector sink: write failed: collector down",
                                             "worker sink: upload queue full"});
  CHECK(sluice::stats().sink_errors - errors_before == 2);
  sluice::stop();
  log.clear_sinks();
  // Stopped: telling needs no backend thread, and the count goes on.
  auto idle = std::make_shared<CollectorSink>("idle sink");
  std::thread([&] {
    idle->tell_from_elsewhere("upload resumed", false);
    idle->tell_from_elsewhere("spool file lost", true);
  }).join();
  CHECK(sluice::stats().sink_errors - errors_before == 3);
  sluice::start();
  sluice::stop();  // reports what the rate limit held back, the window notwithstanding
  // The error, within the notice's window or not, is reported on its own:
  // held back, it was the only one.
  CHECK(reports.take() ==
        std::vector<std::string>{"idle sink: upload resumed", "idle sink: spool file lost"});
}
