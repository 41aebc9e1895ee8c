#pragma once
// Python's assertLogs for C++ tests: captures one logger's records while it
// lives.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/level.hpp"
#include "sluice/sinks/capture_sink.hpp"

namespace sluice {

class Logger;

/// While it lives, records of the named logger and its descendants at
/// `level` and above go to an in-memory CaptureSink instead of the logger's
/// sinks, and not to its ancestors'. As Python's assertLogs, it sets the
/// logger's level and the sink's, turns propagation off, and the destructor
/// puts back the logger's sinks, level and propagation (sinks added to the
/// logger during the capture are dropped then).
///
///   sluice::CaptureLogs logs("app.auth", sluice::Level::warning);
///   login("mallory", "wrong");
///   CHECK(logs.output() == std::vector<std::string>{"WARNING:app.auth:login failed for mallory"});
///
/// Unlike assertLogs it asserts nothing itself: check output() with your
/// test framework (empty when nothing was logged).
///
/// The constructor and destructor call sluice::flush(), so records logged
/// before the capture began are not captured and records logged during it
/// are. The backend must be running: logging starts it the first time, but
/// not after sluice::stop() (then output() and records() throw if records
/// wait for the next start(); what stop() drained reads as usual). Records
/// logged by other threads while the capture is being set up or taken down
/// may go to either side, but each to one side only: never to both, never
/// to neither.
/// Captures of one logger must nest (destroyed in reverse order of
/// construction), so not from threads running in parallel.
class CaptureLogs {
 public:
  explicit CaptureLogs(std::string_view logger_name = "root", Level level = Level::info);
  ~CaptureLogs();
  CaptureLogs(const CaptureLogs&) = delete;
  CaptureLogs& operator=(const CaptureLogs&) = delete;

  /// Flushes, then one "LEVEL:logger:message" line per record, in order
  /// (Python's `cm.output`). Throws sluice::Error when the backend was
  /// stopped (sluice::stop()), not started again, and records logged since
  /// wait in their queues (by any logger: their loggers are not looked at):
  /// a capture without them would read as "nothing was logged".
  std::vector<std::string> output() const;
  /// Flushes, then the records, in order (Python's `cm.records`). Throws
  /// as output() does.
  std::vector<CapturedRecord> records() const;
  /// The sink itself, e.g. to clear() it between steps.
  CaptureSink& sink() const noexcept { return *sink_; }

 private:
  void restore();
  void flush_running() const;

  Logger& logger_;
  std::shared_ptr<CaptureSink> sink_;
  std::vector<std::shared_ptr<Sink>> saved_sinks_;
  std::optional<Level> saved_level_;
  bool saved_propagate_;
};

}  // namespace sluice
