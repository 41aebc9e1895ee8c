// What a sink tells without throwing: notices and failures, through the
// same reporter (and, for failures, the same count) as the backend's.

#include "backend.hpp"
#include "error_reporter.hpp"
#include "sluice/sink.hpp"

namespace sluice {

void Sink::report_notice(std::string_view message) const noexcept {
  try {
    detail::error_reporter().report(description(), message);
  } catch (...) {
    // Out of memory, or a description() that threw: the caller, often in
    // the middle of a write, must not fail for a report.
  }
}

void Sink::report_error(std::string_view message) const noexcept {
  try {
    detail::Backend::instance().sink_failed(*this, message);
  } catch (...) {
    // As above; the count is taken before the report can fail.
  }
}

}  // namespace sluice
