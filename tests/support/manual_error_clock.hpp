#pragma once
// A clock for the error reporter's rate-limit windows that moves only when
// the test moves it, and the process's reporter on it while a
// ManualErrorClock lives: a window ends where the test says, not wherever a
// loaded machine (CI's two shared cores, TSan) happens to take a second.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "error_reporter.hpp"

namespace sluice::testing {

class ManualErrorClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Puts the process's reporter on this clock, with no window open and
  /// nothing held back.
  ManualErrorClock() { detail::error_reporter().start_over(&now); }
  /// Back on the steady clock, its windows forgotten (they were measured on
  /// this one).
  ~ManualErrorClock() { detail::error_reporter().start_over(); }
  ManualErrorClock(const ManualErrorClock&) = delete;
  ManualErrorClock& operator=(const ManualErrorClock&) = delete;

  /// An hour past the steady clock's epoch (a report at the epoch itself
  /// would read as none), plus all that advance() added. Never goes back:
  /// a reporter of a test's own (ErrorReporter{&ManualErrorClock::now})
  /// may use it too.
  static time_point now() {
    return time_point{std::chrono::hours(1)} + std::chrono::nanoseconds(elapsed_ns().load());
  }
  static void advance(std::chrono::nanoseconds by) { elapsed_ns() += by.count(); }

 private:
  static std::atomic<std::int64_t>& elapsed_ns() {
    static std::atomic<std::int64_t> elapsed{0};
    return elapsed;
  }
};

}  // namespace sluice::testing
