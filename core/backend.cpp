#include "backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <new>
#include <optional>
#include <system_error>

#include "fd_writer.hpp"
#include "logger_registry.hpp"
#include "os.hpp"
#include "pending_rotations.hpp"
#include "record_builder.hpp"
#include "sluice/error.hpp"
#include "tick_source.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::detail {

namespace {

constexpr std::size_t kMaxRecordsPerPass = 4096;
// How often a busy-polling backend looks at empty queues.
constexpr std::uint64_t kBusyPollIntervalNs = 4000;
// How often the backend, whatever the load, has the error reporter report
// errors it held back from a burst that has stopped
// (ErrorReporter::report_pending: a lock and a look at each source) and
// drops the queues of threads that have exited (a look at each queue).
constexpr std::uint64_t kUpkeepIntervalNs = 250'000'000;
// How often an idle backend tries again to flush a sink whose flush failed.
constexpr std::uint64_t kFlushRetryIntervalNs = 10'000'000;

// The backend's own report of dropped records, every cause named: a user
// running under block who reads "drop policy" looks for the wrong cause.
// "Stopping" too: stop()'s last WARNING counts the block-policy records
// given up once its final drain had begun, which read "backend stopped".
constexpr SourceLocation kDropLocation{
    "{} log records were dropped: a thread queue was full (drop policy, or block where "
    "waiting could not end: backend stopping or stopped, on the backend thread or in an error "
    "handler), a record was larger than a queue, or a thread's queue or the backend could not be "
    "allocated",
    __FILE__, "report_drops", __LINE__, Level::warning};
using DropSite = CallSiteOf<kDropLocation, std::uint64_t>;

thread_local bool t_backend_thread = false;

std::size_t round_up_to_power_of_two(std::size_t n) {
  std::size_t p = 4096;
  while (p < n) p <<= 1;
  return p;
}

// A thread made before start() changes anything, which runs `body` only once
// told to: when setting up the run throws, it ends without running it.
class HeldThread {
 public:
  template <class Body>
  explicit HeldThread(Body body) {
    thread_ = std::thread([body = std::move(body), told = go_.get_future()]() mutable {
      if (told.get()) body();
    });
  }
  ~HeldThread() {
    if (!thread_.joinable()) return;
    go_.set_value(false);
    thread_.join();
  }
  HeldThread(const HeldThread&) = delete;
  HeldThread& operator=(const HeldThread&) = delete;
  std::thread release() {
    go_.set_value(true);
    return std::move(thread_);
  }

 private:
  std::promise<bool> go_;
  std::thread thread_;
};

}  // namespace

Backend& Backend::instance() {
  // Never destroyed, only stopped at exit (which drains everything): a
  // thread that still logs while the process exits (a detached one, or a
  // static's destructor) writes into its queue, which must outlive the
  // exit. The logger registry is never destroyed either, so sinks outlive
  // the last drain.
  static Backend* const backend = [] {
    auto* created = new Backend;
    // Then the rotation work the exit's drain queued, with the rest: a
    // rotated set left half-done is not what an operator who decodes the
    // logs of an ended process expects. quick_exit() and _exit() do
    // neither (nor does a signal): the next start finishes the set.
    std::atexit([] {
      Backend& backend = instance();
      if (backend.forked_child()) {
        // No backend thread, nor any rotation worker, exists here to wait for.
        backend.report_records_of_forked_child();
        return;
      }
      backend.stop();
      finish_rotations_at_exit();
    });
    os::call_in_fork_child([] { instance().after_fork_in_child(); });
    made_.store(created, std::memory_order_release);
    return created;
  }();
  return *backend;
}

void Backend::report_failed_creation(const char* what) noexcept {
  // Said at once: there may never be a backend to write the drop WARNING.
  // Once: every log call fails alike until one makes it. Marked before the
  // report, so that an error handler that logs, and fails again, does not
  // say it a second time.
  if (creation_failure_reported_.exchange(true)) return;
  try {
    error_reporter().report("backend", std::string("a log call could not allocate the backend (") +
                                           what +
                                           "): its record was dropped (counted in "
                                           "stats().records_dropped); the next log call tries "
                                           "again");
  } catch (...) {
    // No memory for the report either: a later failure tries to say it.
    creation_failure_reported_.store(false);
  }
}

Backend::Backend() : registry_(LoggerRegistry::instance()) {}

bool Backend::on_backend_thread() noexcept { return t_backend_thread; }

void Backend::after_fork_in_child() noexcept {
  // Never started: the child may start a backend of its own (lazily too),
  // and is told if that fails, whatever its parent was told.
  if (!started_once_.load(std::memory_order_acquire)) {
    lazy_start_failure_reported_ = false;
    return;
  }
  // Started: the child has a copy of the backend's state as the parent's
  // backend thread, which the child lacks, left it mid-pass: the queues hold
  // the parent's records, which the parent writes, and the sinks its
  // buffered output; a backend run here would write both a second time.
  // So none runs, and a producer whose queue fills drops (counted) instead
  // of waiting for ever for one. Checked before any lock: a parent thread
  // may have held it at the fork, and no thread here will ever release it.
  intake_.store(Intake::closed, std::memory_order_release);
  running_.store(false, std::memory_order_release);
  // What this process logs from here is told from what its parent (or, in
  // a fork of a fork, its grandparent) had: a record published or dropped
  // on the forking thread's queue, or a queue made by a thread of its own.
  fork_queue_ = tls_thread_queue;
  fork_position_ = fork_queue_ != nullptr ? fork_queue_->published_position() : 0;
  fork_dropped_ = fork_queue_ != nullptr ? fork_queue_->dropped() : 0;
  fork_without_queue_ = records_without_queue_.load(std::memory_order_relaxed);
  adopted_in_forked_child_.store(false, std::memory_order_release);
  forked_child_.store(true, std::memory_order_release);
}

void Backend::report_records_of_forked_child() const {
  // A record that found no queue (its allocation failed) was logged too.
  const bool logged =
      adopted_in_forked_child_.load(std::memory_order_acquire) ||
      records_without_queue_.load(std::memory_order_relaxed) != fork_without_queue_ ||
      (fork_queue_ != nullptr && (fork_queue_->published_position() != fork_position_ ||
                                  fork_queue_->dropped() != fork_dropped_));
  if (!logged) return;
  try {
    // Not through the error reporter: its lock may have been held at the fork.
    FdWriter err(STDERR_FILENO, "stderr", /*buffer_size=*/0);
    err.write_line(
        "records logged in this process were not written: it is a fork() child of one "
        "whose backend had started (docs/design.md, \"fork()\")",
        "sluice: ", {});
  } catch (const Error&) {
    // stderr is gone: nobody is left to tell.
  }
}

void Backend::start(const Options& options) {
  if (forked_child()) {
    throw Error(
        "sluice::start: this process is a fork() child of one whose backend had started; the "
        "backend cannot run in it (docs/design.md, \"fork()\")");
  }
  std::lock_guard lock(lifecycle_mutex_);
  start_locked(options);
}

void Backend::start_locked(const Options& options) {
  if (running_.load()) throw Error("sluice::start: the backend is already running");
  if (options.queue_capacity < 4096 || options.queue_capacity > (std::size_t{1} << 31)) {
    throw Error("sluice::start: queue_capacity must be between 4096 bytes and 2 GiB, got " +
                std::to_string(options.queue_capacity));
  }
  if (options.clock_resync < std::chrono::milliseconds{1} ||
      options.clock_resync > std::chrono::hours{24}) {
    throw Error("sluice::start: clock_resync must be between 1 ms and 24 h, got " +
                std::to_string(options.clock_resync.count()) + " ms");
  }
  // Both become unsigned clock ticks, and idle_sleep a condition variable's
  // timeout: a negative value or one near the type's limit overflows.
  if (options.reorder_window.count() < 0 || options.reorder_window > std::chrono::hours{24}) {
    throw Error("sluice::start: reorder_window must be between 0 and 24 h, got " +
                std::to_string(options.reorder_window.count()) + " us");
  }
  if (options.idle_sleep.count() < 0 || options.idle_sleep > std::chrono::hours{24}) {
    throw Error("sluice::start: idle_sleep must be between 0 and 24 h, got " +
                std::to_string(options.idle_sleep.count()) + " us");
  }
  if (options.clock == ClockChoice::tsc && !SLUICE_HAS_TSC) {
    throw Error("sluice::start: the TSC clock was asked for, but this CPU has none");
  }
  // Built before anything starts: a bad pattern or a missing hmac key
  // throws here, with nothing to undo.
  std::unique_ptr<RecordRedactor> redactor;
  if (options.redaction.enabled) {
    redactor = std::make_unique<RecordRedactor>(options.redaction, redaction_counts_);
  }
  // So is the thread (a pids limit, no room for its stack): made last, its
  // failure left running_ set with no thread to drain, so flush() never
  // returned, a block-policy producer whose queue filled waited for ever,
  // the next start() said "already running" and the exit's stop() threw.
  std::optional<HeldThread> thread;
  try {
    thread.emplace([this] { run(); });
  } catch (const std::system_error& e) {
    throw Error("sluice::start: could not start the backend thread: " + e.code().message());
  }
  options_ = options;
  redactor_ = std::move(redactor);
  annotate_redactions_ = options.redaction.enabled && options.redaction.annotate;
  queue_capacity_.store(round_up_to_power_of_two(options.queue_capacity));
  queue_policy_.store(options.queue_policy);

  // The clock source is fixed before any thread queue exists, so that all
  // records of a run share it. Queues left from an earlier run were drained
  // by stop().
  ClockSource source = ClockSource::system;
  if (options.clock == ClockChoice::tsc ||
      (options.clock == ClockChoice::automatic && SLUICE_HAS_TSC && tsc_is_invariant())) {
    source = ClockSource::tsc;
  }
  // From here on, stats() and stopped_with_records_waiting() wait: they
  // look at the queues only while running_ is false.
  std::lock_guard stopped_side(stopped_side_mutex_);
  adopt_new_queues();  // the backend thread is not running: its state is ours
  // Records logged while stopped carry the last run's ticks: converted by
  // the new clock, they came out years off when the source changed. The
  // backend thread writes those published before the switch first, with
  // the last run's clock.
  old_clock_records_.clear();
  if (started_once_.load() && source != clock_source_) {
    old_clock_records_ = published_positions();
    old_clock_ = clock_;
    // A call that read the old source before the switch and publishes
    // after it leaves its record past these positions, as does a queue
    // made during the switch (it copied the old source) until the backend
    // adopts it: the backend tells those records by their ticks.
    for (QueueState& state : queues_) state.old_clock_may_follow = true;
    old_clock_may_follow_ = true;
  }
  g_clock_source.store(source, std::memory_order_relaxed);
  clock_source_ = source;
  // Queues left from an earlier run take this run's clock and policy.
  for (QueueState& state : queues_) {
    state.queue->set_clock_source(source);
    state.queue->set_policy(options.queue_policy);
  }
  clock_.start(source, options.clock_resync);
  // Ticks of another run (perhaps of the other clock) are no predecessors.
  last_timestamp_ = 0;
  last_wall_ns_ = 0;
  window_ticks_ = clock_.ticks_for_ns(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(options.reorder_window).count()));
  upkeep_ticks_ = clock_.ticks_for_ns(kUpkeepIntervalNs);
  flush_retry_ticks_ = clock_.ticks_for_ns(kFlushRetryIntervalNs);
  upkeep_checked_ = now_ticks();
  process_id_ = os::process_id();

  stop_requested_.store(false);
  lazy_start_failure_reported_ = false;  // a new episode may fail again
  intake_.store(Intake::open);
  running_.store(true, std::memory_order_release);
  started_once_.store(true, std::memory_order_release);
  thread_ = thread->release();
}

std::string Backend::ensure_started() {
  if (running() || started_once_.load(std::memory_order_acquire)) return {};
  std::lock_guard lock(lifecycle_mutex_);
  // Checked again under the lock: while this thread waited for it, another
  // may have started the backend and stopped it again, and a start here
  // would then restart it with the default options.
  if (started_once_.load()) return {};
  try {
    start_locked(Options{});
  } catch (const std::exception& e) {
    // Should the defaults be refused (no thread can be made) or the start
    // run out of memory, the queue is still made: its records wait for
    // start(). Said once: every thread's first call tries again, and the
    // user needs to hear it only once. Any exception, not only Error: a
    // std::bad_alloc went up to the caller, which swallowed it with the
    // record, and nobody heard why.
    if (lazy_start_failure_reported_) return {};
    std::string message = std::string("a log call could not start the backend (") + e.what() +
                          "); records wait in their thread queues (a full queue drops them) "
                          "until sluice::start() or another thread's first log call starts it";
    lazy_start_failure_reported_ = true;  // once the message is made
    return message;
  }
  return {};
}

void Backend::report_failed_lazy_start(const std::string& message) noexcept {
  try {
    errors_.report("backend", message);
  } catch (...) {
    // No memory even for the report: nothing is left to tell it with.
  }
}

void Backend::stop() {
  if (forked_child()) return;  // nothing runs here (after_fork_in_child)
  if (on_backend_thread()) {
    stop_on_backend_thread();
    return;
  }
  std::uint64_t dropped_after_final_warning = 0;
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (!running_.load()) return;
    stop_requested_.store(true, std::memory_order_release);
    {
      std::lock_guard wake_lock(wake_mutex_);
      wake_ = true;
    }
    wake_cv_.notify_one();
    thread_.join();
    // Let go of the sinks: a stopped backend must not keep a sink alive after
    // its loggers dropped it (a file sink's destructor finishes its rotations).
    routes_.clear();
    dirty_sinks_.clear();
    failed_flushes_.clear();
    set_aside_flushes_.clear();
    // A flush() that came in after the thread's last look for requests:
    // everything logged before stop() began is written, as for a flush()
    // after stop(), which returns at once.
    std::unique_lock gate(flush_gate_);
    {
      std::lock_guard stopped_side(stopped_side_mutex_);
      running_.store(false, std::memory_order_release);
      // Also a queue made during the drain, whose thread may have dropped.
      adopt_new_queues();
      dropped_after_final_warning = drops_so_far() - dropped_reported_;
    }
    FlushRequest* request = nullptr;
    while (flush_requests_.try_dequeue(request)) release(*request);
  }
  // Drops made after the thread's final WARNING (a full queue once stop()
  // had begun): its sinks are finished, so they hear of them from the next
  // start(), if any. Said here too, so that they are never lost unsaid.
  // Not marked reported: the next run's WARNINGs still add up to stats().
  if (dropped_after_final_warning != 0) report_drops_after_stop(dropped_after_final_warning);
  // The errors held back from the last drain, and from a rotation finished
  // as a sink was let go of above, are reported here. Outside the lock, so
  // that a handler called here, on the thread calling stop(), may call
  // start(). (A handler on the backend thread must not call start(), stop()
  // or flush(): runtime.hpp.)
  errors_.report_all_pending();
}

void Backend::report_drops_after_stop(std::uint64_t count) noexcept {
  try {
    errors_.report("backend", std::to_string(count) +
                                  " log records were dropped after stop() wrote its last drop "
                                  "WARNING: their queues were full once stop() had begun "
                                  "(counted in stats().records_dropped; the next start() writes "
                                  "their WARNING)");
  } catch (...) {
    // No memory even for the report: stats() still counts them.
  }
}

void Backend::stop_on_backend_thread() {
  // exit() called by an error handler (or a sink) on the backend thread
  // runs the exit's stop() here. The thread cannot join itself: join()
  // threw through exit() back into the reporter, which caught it, and the
  // process went on, half exited and without a backend. Nor can it drain
  // from inside the pass it is in (the record being delivered would be
  // written again). So: no producer waits any more, what the sinks hold is
  // flushed and finished (an exit goes no further: a .slog.zst's frame left
  // open is a file `zstd -t` rejects), and the loop, should the caller
  // return to it (a handler that called stop() itself), ends and drains as
  // usual, finishing again what it writes; stop() from another thread then
  // joins it.
  stop_requested_.store(true, std::memory_order_release);
  // Closed, not waiters_only: whether the loop ever drains again is up to
  // the caller (an exit never returns to it), and a producer waiting for
  // room must not wait for a drain that may never come.
  intake_.store(Intake::closed);
  flush_sinks(true);
  finish_sinks();
}

bool Backend::adopt(std::unique_ptr<ThreadQueue>& queue) {
  if (forked_child()) adopted_in_forked_child_.store(true, std::memory_order_release);
  return new_queues_.enqueue(std::move(queue));
}

void Backend::flush() {
  if (forked_child()) return;  // as when stopped: nothing will be written
  FlushRequest request;
  {
    std::shared_lock gate(flush_gate_);
    if (!running()) return;
    // Else the wait below would never end.
    if (!flush_requests_.enqueue(&request)) throw std::bad_alloc();
  }
  {
    std::lock_guard wake_lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_one();
  request.done.wait(false, std::memory_order_acquire);
}

Stats Backend::stats() {
  Stats s;
  s.records_processed = processed_.load(std::memory_order_relaxed);
  s.records_dropped = dropped_total_.load(std::memory_order_relaxed);
  s.sink_errors = sink_errors_.load(std::memory_order_relaxed);
  s.records_out_of_order = out_of_order_.load(std::memory_order_relaxed);
  s.queue_high_water_bytes = high_water_.load(std::memory_order_relaxed);
  s.thread_queues = queue_count_.load(std::memory_order_relaxed);
  s.records_redacted = records_redacted_.load(std::memory_order_relaxed);
  for (std::size_t k = 0; k < s.redactions.size(); ++k) {
    s.redactions[k] = redaction_counts_[k].load(std::memory_order_relaxed);
  }
  if (!running() && !forked_child()) {
    // Not lifecycle_mutex_: stop() holds it while it joins the backend
    // thread, which may wait to report an error while an error handler
    // (under the reporter's lock) is here, having seen the backend stopped
    // before another thread started and stopped it: a deadlock.
    std::lock_guard lock(stopped_side_mutex_);
    if (!running_.load()) count_while_stopped(s);
  }
  return s;
}

bool Backend::stopped_with_records_waiting() {
  if (running() || !started_once_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(stopped_side_mutex_);  // as in stats()
  if (running_.load()) return false;
  adopt_new_queues();
  peek_heads();
  return std::any_of(queues_.begin(), queues_.end(),
                     [](const QueueState& state) { return state.head != nullptr; });
}

void Backend::count_while_stopped(Stats& s) {
  // The backend's counters stand still at its last pass, the queues do
  // not: a producer gives up on a full queue during stop()'s final drain or
  // after it, and a thread that first logs while stopped makes a queue.
  // With no backend thread, the consumer side is ours, as in start().
  // Nothing is marked reported: the next run's report_drops() still
  // writes the WARNING for these drops.
  adopt_new_queues();
  peek_heads();
  s.queue_high_water_bytes = high_water_.load(std::memory_order_relaxed);
  s.records_dropped = drops_so_far();
  // Kept, as the high-water mark is: until the next run's first report,
  // stats() would otherwise give less than it just did.
  dropped_total_.store(s.records_dropped, std::memory_order_relaxed);
  s.thread_queues = queues_.size();
}

// ---- backend thread --------------------------------------------------------

void Backend::run() {
  t_backend_thread = true;
  if (options_.backend_cpu >= 0 && !os::pin_thread(options_.backend_cpu)) {
    errors_.report("backend", "could not pin the backend thread to CPU " +
                                  std::to_string(options_.backend_cpu));
  }
  os::set_thread_name("sluice-backend");
  // FdWriter guards a write against SIGPIPE only where its descriptor was a
  // pipe or socket when the sink was built: a stdout pointed at a pipe
  // later (dup2) got no guard, and the first write after its reader had
  // gone ended the process. The backend thread, which does the sinks'
  // writing, never takes SIGPIPE at all.
  os::block_sigpipe_on_this_thread();
  if (!old_clock_records_.empty()) write_old_clock_records();
  while (!stop_requested_.load(std::memory_order_acquire)) {
    FlushRequest* request = nullptr;
    while (flush_requests_.try_dequeue(request)) pending_flushes_.push_back(request);
    bool idle = false;
    if (!pending_flushes_.empty()) {
      serve_flush_requests(false);
    } else {
      idle = drain_once(false) == 0;
      report_drops();
    }
    // On both paths: a steady stream of flush() calls, or of records, must
    // not hold back a resync, the held-back error reports or the reaping of
    // exited threads' queues.
    periodic_upkeep(now_ticks());
    if (idle) {
      reap_exited_queues();
      flush_sinks(false);  // idle: hand buffered output to the OS
      idle_wait();
    }
  }
  // stop(): no producer begins to wait for room any more; drain what is
  // there, and the records of those waiting already.
  intake_.store(Intake::waiters_only);
  FlushRequest* request = nullptr;
  while (flush_requests_.try_dequeue(request)) pending_flushes_.push_back(request);
  serve_flush_requests(true);
  finish_sinks();
}

void Backend::periodic_upkeep(std::uint64_t now) {
  clock_.maybe_resync(now);
  // Unsigned: a wall clock (the system source) stepped back counts as due.
  if (now - upkeep_checked_ >= upkeep_ticks_) {
    upkeep_checked_ = now;
    errors_.report_pending();
    reap_exited_queues();
  }
}

void Backend::serve_flush_requests(bool final) {
  // Everything enqueued before the requests is at or below each queue's
  // published position now: drain up to there, ignoring the reorder window
  // (but not further, so that busy producers cannot starve the flush).
  adopt_new_queues();
  // Also for stop()'s final drain: draining until a pass finds nothing
  // never ended while a thread logged faster than the sinks wrote, and
  // stop() (the exit's too) hung. Records published after the snapshot wait
  // for the next start(), as records logged after stop() do.
  drain_to(published_positions());
  if (final) {
    drain_waiting_producers();
    // A producer that finds its queue full from here on drops (counted):
    // nothing frees room until the next start().
    intake_.store(Intake::closed);
  }
  report_drops();
  flush_sinks(true);
  if (final) reap_exited_queues();
  for (FlushRequest* request : pending_flushes_) release(*request);
  pending_flushes_.clear();
}

Backend::Positions Backend::published_positions() const {
  Positions targets;
  targets.reserve(queues_.size());
  for (const QueueState& state : queues_) {
    targets.emplace_back(state.queue.get(), state.queue->published_position());
  }
  return targets;
}

void Backend::drain_waiting_producers() {
  // Under `block` a record is never lost: a producer that was waiting for
  // room when the intake closed to new waiters goes on waiting, and the
  // drain before this freed its room (all it had published was in it).
  // Its record is written here. It used to give up as soon as stop()
  // began, dropping a record the drain was about to make room for. No
  // producer begins to wait now, and each of these waits only for room this
  // drain frees, so this ends: bounded by the positions each publishes with
  // its record, as the drain before by those published when it began.
  for (;;) {
    adopt_new_queues();  // a thread's first queue, filled before the last pass
    bool waiting = false;
    Positions targets;
    targets.reserve(queues_.size());
    for (const QueueState& state : queues_) {
      const ThreadQueue& queue = *state.queue;
      // The mark first: once it is clear, the end of the awaited record is
      // known, and the record follows at once (published by the caller).
      const bool still_waiting = queue.producer_waiting();
      std::uint64_t target = queue.published_position();
      if (!still_waiting) target = std::max(target, queue.waited_record_end());
      waiting = waiting || still_waiting;
      targets.emplace_back(&queue, target);
    }
    drain_to(targets);
    if (!waiting) return;
    std::this_thread::yield();
  }
}

void Backend::write_old_clock_records() {
  // Only the records below the positions taken before the switch: those
  // after them carry the new clock's ticks, which do not compare with the
  // old ones. Oldest first, one at a time (they are few). Of a queue made
  // during the switch before this one (it copied that run's source, which
  // is this run's again, and the backend adopted it only later), the first
  // records may carry this run's ticks: each is written, with this run's
  // clock, as soon as it is a head.
  const TickSources sources = TickSources::read_now();
  std::size_t processed = 0;
  for (;;) {
    QueueState* oldest = nullptr;
    QueueState* of_this_run = nullptr;
    for (std::size_t i = 0; i < old_clock_records_.size() && of_this_run == nullptr; ++i) {
      QueueState& state = queues_[i];  // adopted in this order; none reaped yet
      const std::uint64_t end = old_clock_records_[i].second;
      if (state.queue->read_position() >= end) continue;
      if (state.head == nullptr) state.head = state.queue->peek();
      // Again: a peek skips a wrap pad, and when the pad was the last thing
      // before the switch, the record it finds after it is the new run's
      // (peek leaves the read position at the head it returns).
      if (state.queue->read_position() >= end || state.head == nullptr) continue;
      if (sources.source_of(state.head->timestamp) == clock_source_) {
        of_this_run = &state;
      } else if (oldest == nullptr || state.head->timestamp < oldest->head->timestamp) {
        oldest = &state;
      }
    }
    if (of_this_run != nullptr) {
      processed += write_out_of_turn(*of_this_run, clock_);
    } else if (oldest != nullptr) {
      processed += process_run(*oldest, 0, 1, old_clock_);
    } else {
      break;
    }
  }
  for (QueueState& state : queues_) state.queue->release_consumed();
  processed_.fetch_add(processed, std::memory_order_relaxed);
  old_clock_records_.clear();
  // The new run's ticks are no successors of the old ones.
  last_timestamp_ = 0;
  last_wall_ns_ = 0;
}

std::size_t Backend::write_late_old_clock_records() {
  // A queue's records stamped with the old clock come before those stamped
  // with this run's: a thread that has read the new source never reads the
  // old one again. So the first head with this run's ticks settles the
  // queue. A queue without a head stays unsettled, and is not peeked again
  // in this pass (only the queue a run comes from is).
  std::optional<TickSources> sources;  // read when a head needs them
  std::size_t written = 0;
  bool unsettled = false;
  for (QueueState& state : queues_) {
    if (!state.old_clock_may_follow) continue;
    while (state.head != nullptr) {
      if (!sources) sources = TickSources::read_now();
      const std::optional<ClockSource> source = sources->source_of(state.head->timestamp);
      // Sources that cannot be told apart: this run's clock, as before.
      if (!source || *source == clock_source_) break;
      written += write_out_of_turn(state, old_clock_);
    }
    state.old_clock_may_follow = state.head == nullptr;
    unsettled = unsettled || state.old_clock_may_follow;
  }
  old_clock_may_follow_ = unsettled;
  return written;
}

std::size_t Backend::write_out_of_turn(QueueState& state, const TickConverter& clock) {
  const std::uint64_t last_timestamp = last_timestamp_;
  const std::int64_t last_wall_ns = last_wall_ns_;
  // Its ticks are no successors of the others'.
  last_timestamp_ = 0;
  last_wall_ns_ = 0;
  const std::size_t written = process_run(state, 0, 1, clock);
  // A record written before it is newer: this one reached the sinks late,
  // as a record does whose thread was descheduled between reading the
  // clock and publishing.
  if (last_wall_ns_ < last_wall_ns) out_of_order_.fetch_add(1, std::memory_order_relaxed);
  last_timestamp_ = last_timestamp;
  last_wall_ns_ = last_wall_ns;
  return written;
}

void Backend::drain_to(const Positions& targets) {
  const auto reached = [&] {
    return std::all_of(targets.begin(), targets.end(), [](const auto& target) {
      return target.first->read_position() >= target.second;
    });
  };
  while (!reached()) drain_once(true);
}

void Backend::release(FlushRequest& request) noexcept {
  request.done.store(true, std::memory_order_release);
  request.done.notify_all();
}

void Backend::idle_wait() {
  if (options_.idle_sleep.count() == 0) {
    // Busy-poll, but not back to back: every poll of a queue pulls the
    // producer's cache lines over, which the producer then pays for. Poll
    // empty queues every few microseconds, and when the oldest record is
    // still inside the reorder window, wait until it leaves it: nothing can
    // be written before then.
    const std::uint64_t now = now_ticks();
    std::uint64_t wait = clock_.ticks_for_ns(kBusyPollIntervalNs);
    if (next_due_ > now + wait) wait = std::min(next_due_ - now, window_ticks_);
    // As elapsed ticks: the system clock (CLOCK_REALTIME) can be stepped back
    // during the wait, which must not stretch it by the step. flush() and
    // stop() must not wait for a long reorder window.
    while (now_ticks() - now < wait && flush_requests_.size_approx() == 0 &&
           !stop_requested_.load(std::memory_order_relaxed)) {
#if defined(__x86_64__)
      _mm_pause();
#endif
    }
    return;
  }
  std::unique_lock lock(wake_mutex_);
  wake_cv_.wait_for(lock, options_.idle_sleep, [this] { return wake_; });
  wake_ = false;
}

void Backend::adopt_new_queues() {
  std::unique_ptr<ThreadQueue> queue;
  // Room first: a push_back that threw would free a queue its thread is
  // writing to. Without room the queues wait for the next pass.
  for (queues_.reserve(queues_.size() + 1); new_queues_.try_dequeue(queue);
       queues_.reserve(queues_.size() + 1)) {
    // A queue made while a previous run was stopping copied that run's
    // clock and policy: every queue takes this run's when it is adopted.
    // One made while start() changed the source (it reached the backend
    // after that start() had handed the queues the new one) copied the
    // other: its first records may carry that clock's ticks.
    QueueState state;
    state.old_clock_may_follow = queue->clock_source() != clock_source_;
    old_clock_may_follow_ = old_clock_may_follow_ || state.old_clock_may_follow;
    queue->set_clock_source(clock_source_);
    queue->set_policy(queue_policy_.load(std::memory_order_relaxed));
    state.queue = std::move(queue);
    queues_.push_back(std::move(state));
  }
  queue_count_.store(queues_.size(), std::memory_order_relaxed);
}

std::size_t Backend::drain_once(bool force) {
  adopt_new_queues();
  const std::uint64_t now = now_ticks();
  const std::uint64_t cutoff = force ? ~std::uint64_t{0} : now - window_ticks_;
  peek_heads();

  std::size_t processed = 0;
  // Before any head is compared: old ticks do not compare with this run's.
  if (old_clock_may_follow_) [[unlikely]]
    processed = write_late_old_clock_records();
  while (processed < kMaxRecordsPerPass) {
    // The oldest head among all queues; per-thread order is the ring order.
    QueueState* oldest = nullptr;
    for (QueueState& state : queues_) {
      if (state.head != nullptr &&
          (oldest == nullptr || state.head->timestamp < oldest->head->timestamp)) {
        oldest = &state;
      }
    }
    if (oldest == nullptr) {
      next_due_ = 0;
      break;
    }
    if (oldest->head->timestamp > cutoff &&
        !clock_.stamped_before_step_back(oldest->head->timestamp)) {
      // A head stamped before the system clock was stepped back looks newer
      // than every record logged after the step, so it is rarely the
      // oldest: while another queue keeps a record inside the window, it
      // would wait for as long as the step.
      QueueState* stepped = stamped_before_step_back_head();
      if (stepped == nullptr) {
        next_due_ = oldest->head->timestamp + window_ticks_;
        break;
      }
      oldest = stepped;
    }
    processed +=
        process_run(*oldest, run_limit(*oldest, cutoff), kMaxRecordsPerPass - processed, clock_);
  }
  for (QueueState& state : queues_) state.queue->release_consumed();
  processed_.fetch_add(processed, std::memory_order_relaxed);
  return processed;
}

Backend::QueueState* Backend::stamped_before_step_back_head() noexcept {
  // The oldest of them, not the first listed: records stamped before the
  // step on several threads keep their order among themselves.
  QueueState* oldest = nullptr;
  for (QueueState& state : queues_) {
    if (state.head == nullptr) continue;
    if (oldest != nullptr && state.head->timestamp >= oldest->head->timestamp) continue;
    if (clock_.stamped_before_step_back(state.head->timestamp)) oldest = &state;
  }
  return oldest;
}

void Backend::peek_heads() {
  std::uint64_t high_water = high_water_.load(std::memory_order_relaxed);
  for (QueueState& state : queues_) {
    // A head seen before stays valid until popped; not peeking again spares
    // the producer's lines, which a peek pulls over to this core.
    if (state.head == nullptr) state.head = state.queue->peek();
    // After the peek: bytes_used() counts what the last peek saw.
    high_water = std::max(high_water, state.queue->bytes_used());
  }
  high_water_.store(high_water, std::memory_order_relaxed);
}

std::uint64_t Backend::run_limit(const QueueState& oldest, std::uint64_t cutoff) const noexcept {
  // The selection in drain_once takes the first queue with the smallest
  // head: a queue listed before `oldest` wins a tie, one listed after loses
  // it. Other heads stay as they are during a pass (only the queue popped
  // from is peeked again), so the limit holds for the whole run.
  std::uint64_t limit = cutoff;
  bool before = true;
  for (const QueueState& state : queues_) {
    if (&state == &oldest) {
      before = false;
      continue;
    }
    if (state.head == nullptr) continue;
    // A head listed before is strictly newer than oldest's: no underflow.
    const std::uint64_t bound = before ? state.head->timestamp - 1 : state.head->timestamp;
    limit = std::min(limit, bound);
  }
  return limit;
}

void Backend::reload_thread_name(QueueState& state) {
  const std::uint64_t version = state.queue->thread_name_version();
  state.name = state.queue->thread_name();
  state.name_version = version;
  state.names_epoch = ++names_epochs_;
}

inline bool Backend::write_one(Sink& sink, const RecordView& record) {
  try {
    sink.write(record);
    return true;
  } catch (...) {
    write_failed(sink);
    return false;
  }
}

void Backend::deliver(const RecordView& record, Route& route) {
  for (std::size_t i = 0; i < route.sinks.size(); ++i) {
    Sink& sink = *route.sinks[i];
    if (record.level() >= sink.level() && write_one(sink, record)) mark_dirty(route, i);
  }
}

void Backend::write_failed(const Sink& sink) {
  // Called from deliver's handler: `throw;` rethrows the sink's exception.
  try {
    throw;
  } catch (const std::exception& e) {
    sink_failed(sink, std::string("write failed: ") + e.what());
  } catch (...) {
    sink_failed(sink, "write failed: unknown exception");
  }
}

void Backend::sink_failed(const Sink& sink, std::string_view message) {
  sink_errors_.fetch_add(1, std::memory_order_relaxed);
  errors_.report(sink.description(), message);
}

std::size_t Backend::process_run(QueueState& state, std::uint64_t limit, std::size_t max,
                                 const TickConverter& clock) {
  // The records of one queue that come next in the merge order, without
  // selecting the oldest head again before each: with one busy producer,
  // that is every record of the pass. What the records of a run share is
  // read once: the thread (its id and name; a name set during the run shows
  // from the next run on, as one set while a record waits in the queue
  // shows on that record), and the route while the logger and the
  // registry's version stay the same (checked per record, as route_for does).
  ThreadQueue& queue = *state.queue;
  refresh_thread_name(state);
  RecordBuilder::start_run(view_, process_id_, queue.thread_id(), state.name);
  RecordRedactor* const redactor = redactor_.get();
  // What of the redacted kinds the view carries: all of them when annotating.
  const KindMask annotated = annotate_redactions_ ? ~KindMask{0} : 0;
  std::uint64_t last_timestamp = last_timestamp_;
  std::int64_t last_wall_ns = last_wall_ns_;
  const RecordHeader* head = state.head;
  std::uint32_t logger_id = head->logger_id();
  Route* route = nullptr;
  // The route's sink when it has only one (the common case): written to
  // here, and put on dirty_sinks_ once per run (flush_epoch_ cannot change
  // during a run). Routes with more sinks take deliver().
  Sink* only = nullptr;
  bool only_marked = false;
  const auto take_route = [&] {
    route = &route_for(logger_id);
    RecordBuilder::set_logger(view_, route->logger_name, names_key(state, logger_id, *route));
    only = route->sinks.size() == 1 ? route->sinks.front().get() : nullptr;
    only_marked = false;
  };
  take_route();
  std::size_t left = max;  // at least one
  do {
    const RecordHeader& header = *head;
    std::int64_t wall_ns = clock.to_wall_ns(header.timestamp);
    // Records logged after the system clock was stepped back come after
    // those stamped before it, whose ticks are larger: not out of order.
    if (header.timestamp < last_timestamp && !clock.stamped_before_step_back(last_timestamp))
        [[unlikely]] {
      out_of_order_.fetch_add(1, std::memory_order_relaxed);
    } else {
      last_timestamp = header.timestamp;
      // Records in tick order keep their wall times in order, unless the
      // wall clock was stepped back.
      wall_ns = TickConverter::in_order(wall_ns, last_wall_ns);
      last_wall_ns = wall_ns;
    }
    if (header.logger_id() != logger_id || registry_.version() != registry_version_) [[unlikely]] {
      logger_id = header.logger_id();
      take_route();
    }
    const CallSite* site = header.site();
    const std::uint32_t size = header.size();
    std::span<const std::byte> args = header.args(size);
    KindMask redacted = 0;
    if (redactor != nullptr) {
      // Before any sink: the secrets must not reach even the binary log.
      const RecordRedactor::Result result = redactor->redact(*site, args);
      site = result.site;
      args = result.args;
      redacted = result.kinds;
      if (redacted != 0) [[unlikely]] {
        records_redacted_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    RecordBuilder::next_record(view_, wall_ns, site, args, redacted & annotated);
    if (only != nullptr) [[likely]] {
      if (view_.level() >= only->level() && write_one(*only, view_) && !only_marked) {
        mark_dirty(*route, 0);
        only_marked = true;
      }
    } else {
      deliver(view_, *route);
    }
    queue.pop(size);
    head = queue.peek();
  } while (--left != 0 && head != nullptr && head->timestamp <= limit);
  state.head = head;
  last_timestamp_ = last_timestamp;
  last_wall_ns_ = last_wall_ns;
  return max - left;
}

Backend::Route& Backend::resolve_route(std::uint32_t logger_id) {
  LoggerRegistry& registry = registry_;
  const std::uint64_t version = registry.version();
  if (version != registry_version_) {
    routes_.clear();
    registry_version_ = version;
  }
  if (logger_id >= routes_.size()) routes_.resize(logger_id + 1);
  Route& route = routes_[logger_id];
  if (!route.resolved) {
    const Logger* logger = registry.by_id(logger_id);
    route.logger_name = logger != nullptr ? std::string_view(logger->name()) : "?";
    route.known_logger = logger != nullptr;
    route.sinks = registry.resolve_sinks(logger_id);
    route.dirty_epoch.assign(route.sinks.size(), 0);
    route.resolved = true;
  }
  return route;
}

void Backend::add_dirty(Route& route, std::size_t index) {
  route.dirty_epoch[index] = flush_epoch_;
  const std::shared_ptr<Sink>& sink = route.sinks[index];
  if (std::find(dirty_sinks_.begin(), dirty_sinks_.end(), sink) == dirty_sinks_.end()) {
    dirty_sinks_.push_back(sink);  // flushed when the backend goes idle
  }
}

void Backend::flush_sinks(bool retry_failed_now) {
  std::vector<std::shared_ptr<Sink>> dirty;
  dirty.swap(dirty_sinks_);
  ++flush_epoch_;  // every route's marks are stale now
  // A sink whose flush failed (a full disk, a closed pipe) is tried again
  // every kFlushRetryIntervalNs, or when flush() or stop() asks; retried at
  // every idle pass, it made thousands of failing write(2) calls a second
  // while nothing was logged. Written to again, it is flushed as usual.
  const std::uint64_t now = now_ticks();
  // Elapsed ticks, not a due time: a system clock stepped back must not
  // put the retry off by the step.
  if ((!failed_flushes_.empty() || !set_aside_flushes_.empty()) &&
      (retry_failed_now || now - flush_failed_at_ >= flush_retry_ticks_)) {
    const auto retry = [&dirty](const std::shared_ptr<Sink>& sink) {
      if (std::find(dirty.begin(), dirty.end(), sink) == dirty.end()) dirty.push_back(sink);
    };
    // A set-aside sink that a logger has again (CaptureLogs restored it, or
    // add_sink after remove_sink) is retried: nothing else would write what
    // it keeps, not even stop().
    std::erase_if(set_aside_flushes_, [&](const std::weak_ptr<Sink>& weak) {
      const std::shared_ptr<Sink> sink = weak.lock();
      if (!sink) return true;
      if (!registry_.has_sink(sink)) return false;
      retry(sink);
      return true;
    });
    for (auto& sink : failed_flushes_) {
      // One that no logger has any more is set aside, weakly: the
      // application gave up on it, and retrying kept reporting its failures
      // and kept it alive.
      if (registry_.has_sink(sink)) {
        retry(sink);
      } else {
        set_aside_flushes_.push_back(sink);
      }
    }
    failed_flushes_.clear();
  }
  // Every written sink is dirty before its next flush, so this sees them all.
  std::erase_if(flushed_sinks_, [](const std::weak_ptr<Sink>& sink) { return sink.expired(); });
  for (const auto& sink : dirty) {
    const auto same = [&](const std::weak_ptr<Sink>& known) {
      return !known.owner_before(sink) && !sink.owner_before(known);
    };
    if (std::none_of(flushed_sinks_.begin(), flushed_sinks_.end(), same)) {
      flushed_sinks_.push_back(sink);
    }
  }
  bool failed = false;
  for (auto& sink : dirty) {
    try {
      sink->flush();
      std::erase(failed_flushes_, sink);  // flushed after being written again
    } catch (const std::exception& e) {
      flush_failed(std::move(sink), std::string("flush failed: ") + e.what());
      failed = true;
    } catch (...) {
      flush_failed(std::move(sink), "flush failed: unknown exception");
      failed = true;
    }
  }
  // From the last failure: passes that tried nothing must not push it on.
  if (failed) flush_failed_at_ = now;
}

void Backend::finish_sinks() {
  // Taken off the list one at a time, not as a whole: an error handler that
  // exits for a failed finish() runs the exit's stop() in the middle of
  // this loop (stop_on_backend_thread), and its finish_sinks(), the last
  // code to run here, must still find the sinks not finished yet.
  while (!flushed_sinks_.empty()) {
    std::shared_ptr<Sink> sink = flushed_sinks_.front().lock();
    flushed_sinks_.erase(flushed_sinks_.begin());
    if (!sink) continue;  // destroyed, and finished by its destructor
    try {
      sink->finish();
    } catch (const std::exception& e) {
      flush_failed(std::move(sink), std::string("finish failed: ") + e.what());
    } catch (...) {
      flush_failed(std::move(sink), "finish failed: unknown exception");
    }
  }
}

void Backend::flush_failed(std::shared_ptr<Sink> sink, const std::string& message) {
  sink_failed(*sink, message);
  if (std::find(failed_flushes_.begin(), failed_flushes_.end(), sink) == failed_flushes_.end()) {
    failed_flushes_.push_back(std::move(sink));
  }
}

std::uint64_t Backend::drops_so_far() const noexcept {
  std::uint64_t total = dropped_by_reaped_ + records_without_queue_.load(std::memory_order_relaxed);
  for (const QueueState& state : queues_) total += state.queue->dropped();
  return total;
}

void Backend::report_drops() {
  const std::uint64_t total = drops_so_far();
  if (total == dropped_reported_) return;
  const std::uint64_t delta = total - dropped_reported_;
  dropped_reported_ = total;
  dropped_total_.store(total, std::memory_order_relaxed);
  // Delivered like any record of the "sluice" logger (so to root's sinks).
  // It exists from the start (LoggerRegistry): this cannot throw.
  const Logger& logger = get_logger("sluice");
  if (!logger.should_log(Level::warning)) return;
  std::byte args[sizeof delta];
  std::memcpy(args, &delta, sizeof delta);
  Route& route = route_for(logger.id());
  RecordBuilder::reset(
      view_,
      RecordBuilder::Source{clock_.to_wall_ns(now_ticks()), &DropSite::value, route.logger_name,
                            process_id_, os::thread_id(), "sluice-backend", args});
  deliver(view_, route);
  processed_.fetch_add(1, std::memory_order_relaxed);
}

void Backend::reap_exited_queues() {
  std::erase_if(queues_, [this](QueueState& state) {
    // Exited first, then empty: the exit flag is released after the thread's
    // last commit, so an empty queue seen after it stays empty.
    if (!state.queue->producer_exited() || state.queue->peek() != nullptr) return false;
    dropped_by_reaped_ += state.queue->dropped();
    return true;
  });
  queue_count_.store(queues_.size(), std::memory_order_relaxed);
}

}  // namespace sluice::detail
