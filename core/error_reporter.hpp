#pragma once
// Rate-limited reporting of backend and sink errors.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "sluice/runtime.hpp"

namespace sluice::detail {

/// Thread-safe: report() may be called from any thread (the backend, a
/// rotation worker); the handler is called under a lock, one call at a time.
class ErrorReporter {
 public:
  ErrorReporter();
  void set_handler(ErrorHandler handler);
  /// Reports `message` under `source` at most once per second per source, as
  /// "<source>: <message>"; the next report ends with how many were
  /// suppressed in between: " (1 similar error suppressed)",
  /// " (3 similar errors suppressed)".
  void report(const std::string& source, std::string_view message);

 private:
  struct SourceState {
    std::chrono::steady_clock::time_point last{};
    std::uint64_t suppressed = 0;
  };
  std::mutex mutex_;
  ErrorHandler handler_;
  std::map<std::string, SourceState, std::less<>> sources_;
};

/// The process's reporter. Never destroyed: a rotation worker may still
/// report while static destructors run at exit.
ErrorReporter& error_reporter();

}  // namespace sluice::detail
