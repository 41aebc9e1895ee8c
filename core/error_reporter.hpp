#pragma once
// Rate-limited reporting of backend and sink errors, and of sinks' notices
// that are no failures (FdWriter's recovery after discarding lines).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/runtime.hpp"

namespace sluice::detail {

/// Thread-safe: report() may be called from any thread (the backend, a
/// rotation worker). The handler is called one call at a time, but outside
/// the lock on the sources' state, so that it may call set_handler() or
/// report() itself (a report made in the handler is handled before the call
/// that made it returns). Calls from different threads may reach the handler
/// in another order than their report() calls.
class ErrorReporter {
 public:
  /// A source's window: at most one report in it.
  static constexpr std::chrono::seconds kWindow{1};
  /// What the windows are measured with.
  using Clock = std::chrono::steady_clock::time_point (*)();
  static std::chrono::steady_clock::time_point steady_now() {
    return std::chrono::steady_clock::now();
  }

  /// `clock`: tests pass one they move, so that a window ends where they
  /// say, not where a loaded machine happens to take a second.
  explicit ErrorReporter(Clock clock = &steady_now);
  /// nullptr: the default handler, a line on stderr. Waits for a call of the
  /// handler in progress on another thread: once it returns, the old handler
  /// is not running and will not be called again.
  void set_handler(ErrorHandler handler);
  /// Reports `message` under `source` at most once per second per source, as
  /// "<source>: <message>"; the next report ends with how many were
  /// suppressed in between: " (1 similar error suppressed)",
  /// " (3 similar errors suppressed)".
  void report(const std::string& source, std::string_view message);
  /// True while this thread is inside a call of the handler. The handler
  /// lock is held then, and the backend may be waiting for it: a record the
  /// handler logs must not wait for room in its queue.
  static bool calling_handler() noexcept;
  /// Reports what is held back from each source whose last report is a
  /// second old, so that a burst of errors that then stops is not left
  /// uncounted: the last message held back, with the count of the others,
  /// "<source>: <last message> (2 similar errors suppressed)" (no count when
  /// it was the only one). Every error is thus either in a report or counted
  /// in one, once. The report opens the source's window again, like any.
  /// The backend calls it about four times a second.
  void report_pending();
  /// The same for every source with errors held back, whatever its window,
  /// in the order of the sources' names (the backend's stop()).
  void report_all_pending();
  /// Forgets every source's window and the errors it held back, and
  /// measures windows with `clock` from now on: a reporter as new but for
  /// its handler. For tests, whose cases share the process's reporter: a
  /// case's reports must not be held back by the windows of the case
  /// before, nor its held-back errors reported in the next.
  void start_over(Clock clock = &steady_now);

 private:
  struct SourceState {
    std::chrono::steady_clock::time_point last{};
    std::uint64_t suppressed = 0;
    std::string last_suppressed;  // the message of the last one held back

    /// A report went out at `now`: a new window, nothing held back.
    void reported(std::chrono::steady_clock::time_point now) {
      last = now;
      suppressed = 0;
      last_suppressed.clear();
    }
  };
  void report_held_back(bool whatever_the_window);
  void call_handler(std::string_view text);

  std::mutex sources_mutex_;  // guards sources_ and clock_
  Clock clock_;
  std::map<std::string, SourceState, std::less<>> sources_;
  // Held while the handler runs, and guards handler_. Recursive: the handler
  // may report or replace itself on its own thread. The running handler is a
  // copy of the pointer, so replacing it does not destroy it mid-call.
  // Never taken while sources_mutex_ is held.
  std::recursive_mutex handler_mutex_;
  std::shared_ptr<const ErrorHandler> handler_;
};

/// The process's reporter. Never destroyed: a rotation worker may still
/// report while static destructors run at exit.
ErrorReporter& error_reporter();

}  // namespace sluice::detail
