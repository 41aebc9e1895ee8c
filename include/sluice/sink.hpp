#pragma once
// The sink interface: where records go.

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/formatter.hpp"
#include "sluice/level.hpp"
#include "sluice/record.hpp"

namespace sluice {

/// A destination for records. The backend thread is the only caller of
/// write(), flush() and finish(), so a sink needs no locking of its own.
///
/// A sink that fails throws (any std::exception): the backend reports it
/// through the error handler, counts it in stats().sink_errors, and goes on
/// with the next sink and record. What a sink has to tell without failing
/// the call it is in goes through report_notice() and report_error().
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

 protected:
  /// Tells the error handler (set_error_handler) something that is no
  /// failure, as the built-in sinks tell that they write again after one:
  /// "<description()>: <message>". Rate-limited with the sink's errors (one
  /// report a second per description(); the ones held back are counted in
  /// the next, or reported by the running backend once the second has
  /// passed, or by stop()). Not counted in stats().sink_errors. From any
  /// thread (the backend's, a worker of the sink's own), also while the
  /// backend is stopped; never throws (a report that cannot be allocated
  /// is lost).
  void report_notice(std::string_view message) const noexcept;
  /// The same for a failure the sink does not throw (a record it gave up on
  /// and the others it still writes, a failure on a thread of its own):
  /// reported as "<description()>: <message>" and counted in
  /// stats().sink_errors, as a throw is. Unlike a flush() that throws, it
  /// does not make the backend try the flush again.
  void report_error(std::string_view message) const noexcept;

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
