#pragma once
// Starting, stopping and observing the backend.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sluice/redaction.hpp"

namespace sluice {

/// What a full thread queue does with a new record.
enum class QueuePolicy : std::uint8_t {
  block,  ///< wait for the backend: never lose a record
  drop,   ///< never wait: drop and count it; the backend reports the count
};

enum class ClockChoice : std::uint8_t {
  automatic,  ///< the TSC where it is invariant, else the system clock
  tsc,
  system,
};

struct Options {
  /// Bytes per thread queue, rounded up to a power of two. A record larger
  /// than the queue is dropped and counted. A thread that logs no faster
  /// than the backend drains writes only its first 64 KiB; right after it
  /// goes back to the start, a burst has at least 56 KiB until the backend's
  /// next pass (docs/design.md, "Early wrap"). A queue made in an earlier
  /// run keeps its capacity; it takes this run's queue_policy.
  std::size_t queue_capacity = 1u << 20;
  QueuePolicy queue_policy = QueuePolicy::block;
  /// How long the backend sleeps when every queue is empty (0 to 24 h). Zero:
  /// busy-poll (one core at 100%, lowest delivery latency).
  std::chrono::microseconds idle_sleep{100};
  /// Records are written in timestamp order across threads; a record is held
  /// this long so that an earlier one still being written by another thread
  /// can overtake it (0 to 24 h). flush() and stop() do not wait for it.
  std::chrono::microseconds reorder_window{20};
  /// How often the TSC is re-calibrated against the wall clock (1 ms to 24 h;
  /// docs/design.md, "Clock").
  std::chrono::milliseconds clock_resync{1000};
  ClockChoice clock = ClockChoice::automatic;
  /// Pin the backend thread to this CPU (-1: no pinning).
  int backend_cpu = -1;
  /// Secrets removed from records before any sink sees them (on by default;
  /// see <sluice/redaction.hpp> and docs/redaction.md). start() throws
  /// sluice::Error for an invalid pattern or an hmac style without a key.
  RedactionPolicy redaction;
};

/// Starts the backend thread. Logging before the first start() starts it
/// with default options. Throws sluice::Error if it is already running, if
/// the thread cannot be created (the backend then stays stopped; records
/// wait for a start() that succeeds), and in a fork() child of a process
/// whose backend had started, where none can run (docs/design.md, "fork()").
/// A start by a log call that fails (so, or for want of memory) is reported
/// through the error handler, once until a start succeeds. Out of memory,
/// start() throws std::bad_alloc, also for the backend itself, which the
/// process's first start(), stats() or log call allocates; a log call that
/// cannot allocate it drops its record (counted) and says so through the
/// error handler, once.
void start(const Options& options = {});
/// Writes every record logged before the call, also that of a block-policy
/// log call waiting for room when it began, flushes the sinks and stops
/// the backend. Also done at normal process exit, which then waits (up to
/// 5 s) for the file sinks' rotation work (docs/rotation.md). Records logged after
/// stop() began, also by threads that had not logged before, wait in their
/// queues until the next start() (a full queue then drops them, counted;
/// those its last drop WARNING missed, stop() reports through the error
/// handler); logging does not restart the backend. Like running() and
/// flush(), allocates nothing when no backend exists (none ran).
void stop();
bool running() noexcept;

/// Returns when every record enqueued (by any thread) before the call has
/// been written by every sink and the sinks have flushed. Returns at once if
/// the backend is not running; a flush() that overlaps stop() returns when
/// stop() has drained (records logged after that wait for the next start()).
void flush();

struct Stats {
  std::uint64_t records_processed = 0;
  /// A full queue under drop, or under block where waiting could not end
  /// (stopped or stopping backend, backend thread, error handler); a record
  /// larger than a queue; a thread whose queue (or, on its first log call,
  /// the backend) could not be allocated.
  std::uint64_t records_dropped = 0;
  /// Sink calls that failed (a write, flush or finish that threw), and the
  /// failures a sink told without throwing (Sink::report_error). A file or
  /// console sink under a lasting write failure tries on fewer and fewer
  /// records (docs/design.md, "Failures"): this counts its tries, not records.
  /// A report that is no failure (a sink writing again after one,
  /// Sink::report_notice) is not counted.
  std::uint64_t sink_errors = 0;
  /// Records that reached the sinks after a newer one: their thread was
  /// descheduled between reading the clock and publishing for longer than
  /// the reorder window.
  std::uint64_t records_out_of_order = 0;
  std::uint64_t queue_high_water_bytes = 0;  ///< most bytes ever waiting in one queue
  std::uint64_t thread_queues = 0;           ///< queues alive now
  /// Records that had something redacted, and redactions by kind (indexed
  /// by RedactionKind; one record can count several).
  std::uint64_t records_redacted = 0;
  RedactionCounts redactions{};
};
/// While the backend runs, the counts as of its latest pass (about
/// idle_sleep old when idle); while it is stopped, exact: drops, queues and
/// the high-water mark include what producers did since the last pass.
Stats stats();

/// Receives backend and sink errors, and sinks' notices that are no failures
/// ("console sink (stdout): writing to stdout again after a failure: 7 lines
/// (14 bytes) discarded so far"; a sink of your own tells its own with
/// Sink::report_notice and Sink::report_error), rate-limited with their errors (at most one report
/// per second per source, with a count of the ones suppressed; those held
/// back when a source's errors stop are reported after its second, or by
/// stop()). The default writes one line to stderr (control bytes, invalid
/// UTF-8 and backslashes escaped, so a report is always one line and reads
/// back to its bytes); a handler gets the text unchanged. Called on the backend
/// thread, on a rotating file sink's worker thread (docs/rotation.md), on
/// the thread calling stop(), on a thread whose first log call could not
/// start (or allocate) the backend, or on any thread a sink of your own reports from,
/// one call at a time. The handler may call
/// set_error_handler itself, but not start(), stop() or flush() (on the
/// backend thread they would wait for that thread itself); from another thread, set_error_handler
/// waits for a call in progress to return, after which the old handler is never called again.
/// The handler may log; a record it logs that finds its thread's queue full
/// is dropped and counted, whatever the policy: on the backend thread
/// waiting would be for itself, and on another the backend may be waiting
/// for the handler to return.
/// It may end the process with exit(): on the backend thread, the exit then
/// flushes and finishes the sinks (Sink::finish) but cannot drain the queues
/// (the thread is in the middle of a pass), so records still queued are not
/// written.
using ErrorHandler = std::function<void(std::string_view message)>;
void set_error_handler(ErrorHandler handler);

/// Names the calling thread in records (thread_name) and, where possible, for
/// the OS (at most 15 bytes, never part of a UTF-8 character; visible in
/// top and gdb). Does not start the backend: a thread may be named before
/// start().
void set_thread_name(std::string_view name);

}  // namespace sluice
