#pragma once
// The sink interface: where records go.

#include <atomic>
#include <memory>
#include <string>

#include "sluice/formatter.hpp"
#include "sluice/level.hpp"
#include "sluice/record.hpp"

namespace sluice {

/// A destination for records. The backend thread is the only caller of
/// write(), flush() and finish(), so a sink needs no locking of its own.
///
/// A sink that fails throws (any std::exception): the backend reports it
/// through the error handler, counts it in stats().sink_errors, and goes on
/// with the next sink and record.
class Sink {
 public:
  virtual ~Sink() = default;

  /// Writes one record. `record` is valid only during the call.
  virtual void write(const RecordView& record) = 0;
  /// Makes everything written so far durable (as far as the sink can).
  virtual void flush() {}
  /// Called on the backend thread when the backend stops (sluice::stop(),
  /// a normal process exit), after its last flush(), for each sink it wrote
  /// to since it started that is still alive: completes what the sink keeps
  /// open across flushes, so that its output is whole without the sink
  /// being destroyed (BinaryFileSink ends its zstd frame). The sink may be
  /// written to again after a later start(). Fails as flush() does.
  virtual void finish() {}
  /// Names the sink in error reports, e.g. "file sink logs/app.log".
  virtual std::string description() const { return "sink"; }

  /// Records below this level are not given to the sink (default: all).
  void set_level(Level level) noexcept { level_.store(level, std::memory_order_relaxed); }
  Level level() const noexcept { return level_.load(std::memory_order_relaxed); }

 private:
  std::atomic<Level> level_{Level::trace};
};

/// Base for sinks that write formatted text: holds the formatter (shared, so
/// that sinks using the same object format each record once).
class FormattedSink : public Sink {
 public:
  explicit FormattedSink(std::shared_ptr<const Formatter> formatter)
      : formatter_(formatter ? std::move(formatter) : default_formatter()) {}
  const Formatter& formatter() const noexcept { return *formatter_; }

  /// One PatternFormatter with the default pattern, shared by every sink
  /// created without a formatter.
  static std::shared_ptr<const Formatter> default_formatter();

 private:
  std::shared_ptr<const Formatter> formatter_;
};

}  // namespace sluice
