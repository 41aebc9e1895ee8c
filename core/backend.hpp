#pragma once
// The backend thread: drains every thread queue in timestamp order and hands
// each record to its logger's sinks.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "error_reporter.hpp"
#include "hand_over_queue.hpp"
#include "logger_registry.hpp"
#include "redaction/record_redactor.hpp"
#include "sluice/detail/thread_queue.hpp"
#include "sluice/record.hpp"
#include "sluice/runtime.hpp"
#include "sluice/sink.hpp"
#include "tsc_clock.hpp"

namespace sluice::detail {

class Backend {
 public:
  /// Made by the first call that needs it. @throws std::bad_alloc (tried
  /// again by the next call).
  static Backend& instance();
  /// The backend if instance() has made it, else nullptr, allocating
  /// nothing: for the calls that have nothing to do without one (running(),
  /// flush(), stop()), so that they cannot fail for want of memory for it.
  static Backend* if_made() noexcept { return made_.load(std::memory_order_acquire); }
  /// A log call could not make the backend (instance() threw `what`): says
  /// so through the error reporter, which is not the backend's, once. Its
  /// record is counted with count_record_without_queue(). Any thread.
  static void report_failed_creation(const char* what) noexcept;

  void start(const Options& options);
  void stop();
  /// Starts with default options if the backend never ran (lazy start).
  /// After a stop() it does nothing: records wait for the next start(),
  /// which brings the user's options back. Returns what to report when the
  /// start failed (whatever it threw), once per episode of failures (until
  /// a start succeeds), else "": the caller reports it
  /// (report_failed_lazy_start) once its queue is made, so that an error
  /// handler that logs finds it there.
  [[nodiscard]] std::string ensure_started();
  void report_failed_lazy_start(const std::string& message) noexcept;
  bool running() const noexcept { return running_.load(std::memory_order_acquire); }
  /// Stopped after having run (logging will not start it again), with
  /// records of some thread waiting in their queues for the next start().
  bool stopped_with_records_waiting();
  /// Whether a block-policy producer whose queue is full may begin to wait
  /// for room: only while the backend runs and stop() has not begun its
  /// final drain. Sequentially consistent: see ThreadQueue::producer_waiting.
  bool accepting() const noexcept { return intake_.load() == Intake::open; }
  /// Whether one that began while accepting() may go on waiting: until
  /// stop()'s final drain has written the records of such waits.
  bool serving_waiters() const noexcept {
    return intake_.load(std::memory_order_acquire) != Intake::closed;
  }
  /// True on the backend thread (an error handler logging there): its own
  /// queue is drained only by itself, so a full one must drop, not wait.
  static bool on_backend_thread() noexcept;
  void flush();
  /// While running, the counters of the backend's last pass; while stopped,
  /// exact (see count_while_stopped).
  Stats stats();
  ErrorReporter& errors() noexcept { return errors_; }
  /// A sink's failure, thrown or told (Sink::report_error): counted in
  /// stats().sink_errors and reported under the sink's description. Any
  /// thread.
  void sink_failed(const Sink& sink, std::string_view message);

  std::size_t queue_capacity() const noexcept {
    return queue_capacity_.load(std::memory_order_relaxed);
  }
  QueuePolicy queue_policy() const noexcept {
    return queue_policy_.load(std::memory_order_relaxed);
  }
  /// Hands a new thread's queue to the backend (any thread). False if there
  /// was no memory to: `queue` is then still the caller's.
  [[nodiscard]] bool adopt(std::unique_ptr<ThreadQueue>& queue);

  /// True in a fork() child of a process whose backend had started: the
  /// backend does not run there (docs/design.md, "fork()").
  bool forked_child() const noexcept { return forked_child_.load(std::memory_order_acquire); }
  /// Counts a record lost because its thread's queue could not be created
  /// (any thread; needs no instance, which may be what failed).
  static void count_record_without_queue() noexcept {
    records_without_queue_.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  Backend();

  struct FlushRequest {
    std::atomic<bool> done{false};
  };
  /// A logger's name and resolved sinks, cached until the registry changes
  /// (the registry takes a lock; the backend must not per record).
  struct Route {
    bool resolved = false;
    std::string_view logger_name;  // Loggers never die: safe to keep
    bool known_logger = false;     // logger_name is the logger's, not "?"
    std::vector<std::shared_ptr<Sink>> sinks;
    // Per sink: the flush_epoch_ in which it was last put on dirty_sinks_,
    // so that a run of records does not search dirty_sinks_ per record.
    std::vector<std::uint64_t> dirty_epoch;
  };
  struct QueueState {
    std::unique_ptr<ThreadQueue> queue;
    const RecordHeader* head = nullptr;
    std::uint64_t name_version = ~std::uint64_t{0};
    std::string name;
    // Changes with the name: part of the records' RecordView::names_key.
    std::uint64_t names_epoch = 0;
    // Records stamped with the last run's clock may still come past the
    // position taken at the switch (see write_late_old_clock_records).
    bool old_clock_may_follow = false;
  };

  /// start() with lifecycle_mutex_ held.
  void start_locked(const Options& options);
  void run();
  /// Processes every visible record older than the reorder window (all of
  /// them if `force`), oldest first. Returns how many it processed.
  std::size_t drain_once(bool force);
  /// The newest timestamp a record of `oldest` (the queue holding the
  /// oldest head) may have and still come next in the merge order.
  std::uint64_t run_limit(const QueueState& oldest, std::uint64_t cutoff) const noexcept;
  /// The queue with the oldest of the heads stamped before the system clock
  /// was stepped back (TickConverter::stamped_before_step_back), or nullptr.
  QueueState* stamped_before_step_back_head() noexcept;
  /// Processes `state`'s head and the records after it while they are no
  /// newer than `limit`, at most `max` of them (at least one): redaction,
  /// the view, the sinks. Returns how many it processed.
  /// Converts their ticks with `clock` (clock_, but for records stamped
  /// with the last run's clock).
  std::size_t process_run(QueueState& state, std::uint64_t limit, std::size_t max,
                          const TickConverter& clock);
  /// Hands `record` to the route's sinks that take its level (process_run
  /// does it inline for a route with one sink).
  void deliver(const RecordView& record, Route& route);
  /// `sink.write(record)`; false if it threw (reported by write_failed).
  bool write_one(Sink& sink, const RecordView& record);
  /// A sink's write threw: counts and reports the exception being handled.
  /// Out of line, so that the per-record loop stays small.
  [[gnu::noinline, gnu::cold]] void write_failed(const Sink& sink);
  /// Puts the route's sink on dirty_sinks_ unless it is there already.
  void mark_dirty(Route& route, std::size_t index) {
    if (route.dirty_epoch[index] != flush_epoch_) [[unlikely]] {
      add_dirty(route, index);
    }
  }
  void add_dirty(Route& route, std::size_t index);
  void adopt_new_queues();
  /// Peeks each queue that has no head yet, and raises the high-water mark
  /// to what each holds. The backend thread's, or ours while stopped.
  void peek_heads();
  /// Tells the error handler of drops that stop()'s final WARNING missed.
  void report_drops_after_stop(std::uint64_t count) noexcept;
  /// stop() called on the backend thread (exit() in an error handler).
  void stop_on_backend_thread();
  /// stop()'s final drain, after the records published when it began: the
  /// records of the producers that were waiting for room then.
  void drain_waiting_producers();
  /// Drops counted by the queues, the reaped ones and the threads without a
  /// queue, reported or not.
  std::uint64_t drops_so_far() const noexcept;
  /// Brings s's queue-side counts up to date; the caller holds
  /// stopped_side_mutex_ with the backend stopped.
  void count_while_stopped(Stats& s);
  void refresh_thread_name(QueueState& state) {
    if (state.queue->thread_name_version() != state.name_version) [[unlikely]] {
      reload_thread_name(state);
    }
  }
  void reload_thread_name(QueueState& state);
  /// RecordView::names_key of a record from `state` by logger `logger_id`:
  /// a queue's thread id never changes, its name only with names_epoch, and
  /// a known logger's name never (loggers never die). 0 for an unknown
  /// logger, whose "?" may become a name. Unique until 2^32 renames.
  static std::uint64_t names_key(const QueueState& state, std::uint32_t logger_id,
                                 const Route& route) noexcept {
    return route.known_logger ? (state.names_epoch << 32) | logger_id : 0;
  }
  /// Each adopted queue's published write position, as drain_to's targets.
  using Positions = std::vector<std::pair<const ThreadQueue*, std::uint64_t>>;
  Positions published_positions() const;
  /// Drains until every queue of `targets` is read up to its position,
  /// ignoring the reorder window (but not further: busy producers cannot
  /// keep it going).
  void drain_to(const Positions& targets);
  /// Writes, with old_clock_, the records below old_clock_records_.
  void write_old_clock_records();
  /// Writes, with old_clock_, the heads of queues that may still hold
  /// records stamped with it (QueueState::old_clock_may_follow) while their
  /// ticks say they are, until a head stamped with this run's clock shows
  /// that the rest are too. Returns how many it wrote.
  std::size_t write_late_old_clock_records();
  /// Writes `state`'s head alone, converted with `clock`, outside the merge
  /// order (its ticks do not compare with the other heads'). Counted out of
  /// order when a newer record was written before it.
  std::size_t write_out_of_turn(QueueState& state, const TickConverter& clock);
  void report_drops();
  void reap_exited_queues();
  /// Flushes the sinks written since the last call, and those whose flush
  /// failed if `retry_failed_now` or their retry is due.
  void flush_sinks(bool retry_failed_now);
  void flush_failed(std::shared_ptr<Sink> sink, const std::string& message);
  /// pthread_atfork's child handler (the child's only thread, the one that
  /// called fork(), before fork() returns there).
  void after_fork_in_child() noexcept;
  /// At a fork() child's exit, instead of stop(): says on stderr that what
  /// the child logged was not written, if it logged anything.
  void report_records_of_forked_child() const;
  /// Sink::finish() on every sink written to since start() that is still
  /// alive: the end of the backend thread's last pass.
  void finish_sinks();
  void serve_flush_requests(bool final);
  /// Lets the flush() that made `request` return; it is gone after this.
  static void release(FlushRequest& request) noexcept;
  /// The clock's resync, held-back error reports and reaping, each when due.
  void periodic_upkeep(std::uint64_t now);
  void idle_wait();
  /// The logger's route; inline for a known logger (every record asks).
  Route& route_for(std::uint32_t logger_id) {
    if (registry_.version() == registry_version_ && logger_id < routes_.size() &&
        routes_[logger_id].resolved) [[likely]] {
      return routes_[logger_id];
    }
    return resolve_route(logger_id);
  }
  Route& resolve_route(std::uint32_t logger_id);

  // Set by start/stop under lifecycle_mutex_.
  std::mutex lifecycle_mutex_;
  std::thread thread_;
  Options options_;
  std::atomic<bool> running_{false};
  // While running_ is false, the backend thread's side of the queues
  // (queues_, their heads) is taken under this by stats() and
  // stopped_with_records_waiting(); start() and stop() change running_
  // under it. Held only briefly, never while waiting for a thread or an
  // error handler: an error handler may call stats().
  std::mutex stopped_side_mutex_;
  // flush() checks running_ and enqueues its request under a shared lock;
  // stop() clears running_ and releases what the backend left queued under
  // the exclusive one, so that no request is stranded between the two.
  std::shared_mutex flush_gate_;
  std::atomic<bool> started_once_{false};
  // A failed lazy start was reported: the next ones (other threads' first
  // calls) are not, until a start succeeds.
  bool lazy_start_failure_reported_ = false;  // under lifecycle_mutex_
  // Set by after_fork_in_child(), with the forking thread's queue and its
  // position and drop count then, and the count of records that found no
  // queue, to tell at exit whether the child logged.
  std::atomic<bool> forked_child_{false};
  const ThreadQueue* fork_queue_ = nullptr;
  std::uint64_t fork_position_ = 0;
  std::uint64_t fork_dropped_ = 0;
  std::uint64_t fork_without_queue_ = 0;
  std::atomic<bool> adopted_in_forked_child_{false};
  // Whether a block-policy producer whose queue is full may wait for room.
  enum class Intake : std::uint8_t {
    closed,        // no: nothing would free it (stopped, or a fork() child)
    waiters_only,  // stop()'s final drain: those waiting already, no others
    open,          // yes: the backend runs
  };
  std::atomic<Intake> intake_{Intake::closed};
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::size_t> queue_capacity_{1u << 20};
  std::atomic<QueuePolicy> queue_policy_{QueuePolicy::block};

  // Wakes an idle backend early (flush, stop).
  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool wake_ = false;

  HandOverQueue<std::unique_ptr<ThreadQueue>> new_queues_;
  HandOverQueue<FlushRequest*> flush_requests_;

  // Backend thread only.
  std::vector<QueueState> queues_;
  TickConverter clock_;
  // Set by start() when the clock source changed: the last run's clock and,
  // per queue (in queues_' order), where the records it stamped end. The
  // clock is kept for those of its records that come after that position
  // (write_late_old_clock_records).
  TickConverter old_clock_;
  Positions old_clock_records_;
  // Whether some queue's old_clock_may_follow is set.
  bool old_clock_may_follow_ = false;
  std::uint64_t window_ticks_ = 0;
  std::uint64_t upkeep_ticks_ = 0;    // see kUpkeepIntervalNs
  std::uint64_t upkeep_checked_ = 0;  // ticks
  RecordView view_;
  std::uint32_t process_id_ = 0;
  std::uint64_t names_epochs_ = 0;  // the last QueueState::names_epoch given
  LoggerRegistry& registry_;        // never destroyed (see LoggerRegistry::instance)
  std::uint64_t registry_version_ = 0;
  // When the oldest unwritten record leaves the reorder window (ticks; 0:
  // every queue was empty at the last pass).
  std::uint64_t next_due_ = 0;
  ClockSource clock_source_ = ClockSource::system;  // this run's, set by start()
  std::vector<Route> routes_;
  std::vector<std::shared_ptr<Sink>> dirty_sinks_;
  // Sinks whose last flush failed, tried again flush_retry_ticks_ after
  // flush_failed_at_.
  std::vector<std::shared_ptr<Sink>> failed_flushes_;
  // Failed sinks that no logger had at their retry: not kept alive, and
  // retried again once a logger has them.
  std::vector<std::weak_ptr<Sink>> set_aside_flushes_;
  // Every sink flushed since start(), for finish_sinks(). Weak: a sink its
  // loggers dropped is destroyed then, as before (its destructor finishes
  // it), not kept alive until stop().
  std::vector<std::weak_ptr<Sink>> flushed_sinks_;
  std::uint64_t flush_failed_at_ = 0;
  std::uint64_t flush_retry_ticks_ = 0;  // see kFlushRetryIntervalNs
  std::uint64_t flush_epoch_ = 1;        // bumped whenever dirty_sinks_ is taken
  std::vector<FlushRequest*> pending_flushes_;
  std::uint64_t dropped_reported_ = 0;
  std::uint64_t dropped_by_reaped_ = 0;

  // Read by stats() from any thread.
  std::atomic<std::uint64_t> processed_{0};
  std::atomic<std::uint64_t> dropped_total_{0};
  static inline std::atomic<std::uint64_t> records_without_queue_{0};
  static inline std::atomic<Backend*> made_{nullptr};  // see if_made()
  static inline std::atomic<bool> creation_failure_reported_{false};
  std::atomic<std::uint64_t> sink_errors_{0};
  std::atomic<std::uint64_t> out_of_order_{0};
  std::uint64_t last_timestamp_ = 0;  // backend thread only
  std::int64_t last_wall_ns_ = 0;     // its wall time, as written
  std::atomic<std::uint64_t> high_water_{0};
  std::atomic<std::uint64_t> queue_count_{0};

  // Redaction: made by start() (null when off), used by the backend thread;
  // the counts outlive runs like the other statistics.
  std::unique_ptr<RecordRedactor> redactor_;
  bool annotate_redactions_ = false;
  AtomicRedactionCounts redaction_counts_{};
  std::atomic<std::uint64_t> records_redacted_{0};

  ErrorReporter& errors_ = error_reporter();
};

}  // namespace sluice::detail
