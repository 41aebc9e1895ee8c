#include "sluice/sinks/capture_logs.hpp"

#include "backend.hpp"
#include "logger_registry.hpp"
#include "sluice/error.hpp"
#include "sluice/formatter.hpp"
#include "sluice/logger.hpp"
#include "sluice/runtime.hpp"

namespace sluice {

CaptureLogs::CaptureLogs(std::string_view logger_name, Level level)
    : logger_(get_logger(logger_name)),
      // Python's cm.output layout, "%(levelname)s:%(name)s:%(message)s".
      sink_(std::make_shared<CaptureSink>(
          std::make_shared<PatternFormatter>("{level}:{logger}:{message}"))),
      saved_sinks_(logger_.sinks()),
      saved_level_(logger_.level()),
      saved_propagate_(logger_.propagate()) {
  // Python sets the handler's level too: a descendant with a lower level of
  // its own is captured from `level` only.
  sink_->set_level(level);
  // Records already queued would be routed by the sinks in place when the
  // backend drains them: let them go where they were sent.
  flush();
  try {
    logger_.set_level(level);
    // Sinks and propagation at once: another thread's record that the
    // backend takes meanwhile goes to the capture or to the old sinks, not
    // to both (after the sink is added, before propagation is off).
    detail::LoggerRegistry::instance().set_routing(logger_, {sink_}, false);
  } catch (...) {
    restore();  // the destructor will not run
    throw;
  }
}

CaptureLogs::~CaptureLogs() {
  try {
    flush();
  } catch (...) {
    // The logger is put back even so.
  }
  restore();
}

void CaptureLogs::restore() {
  // At once, as in the constructor: between clearing the sinks and turning
  // propagation back on, a record would go nowhere.
  detail::LoggerRegistry::instance().set_routing(logger_, saved_sinks_, saved_propagate_);
  if (saved_level_) {
    logger_.set_level(*saved_level_);
  } else {
    logger_.clear_level();
  }
  logger_.set_propagate(saved_propagate_);
}

void CaptureLogs::flush_running() const {
  // A capture missing those records would read as "nothing was logged".
  // One that stop() drained is complete, and readable after it.
  if (detail::Backend::instance().stopped_with_records_waiting()) {
    throw Error("CaptureLogs(\"" + logger_.name() +
                "\"): the backend is stopped (sluice::stop()): records logged since wait in "
                "their queues for sluice::start() and cannot be captured");
  }
  flush();
}

std::vector<std::string> CaptureLogs::output() const {
  flush_running();
  return sink_->lines();
}

std::vector<CapturedRecord> CaptureLogs::records() const {
  flush_running();
  return sink_->records();
}

}  // namespace sluice
