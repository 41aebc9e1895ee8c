#pragma once
// A single-producer, single-consumer byte ring: one per logging thread.
//
// Positions are monotonically increasing byte counts; the offset in the ring
// is `pos & mask`. A record never wraps: when it does not fit before the end,
// a pad (a first word of 0, RecordHeader's no-site value) fills the tail and
// the record starts at offset 0.
//
//   buffer: [ consumed | readable records ... | free ............ ]
//                      ^ read (consumer)      ^ write (producer)
//
// Each side writes its own cache line only. The producer publishes its write
// position after every record (a record must not wait for a later call) and
// keeps a private copy of the read position, refreshed only when the ring
// looks full, so that in the common case a log call touches no line that the
// consumer writes.
//
// The producer also goes back to offset 0 early, at a kSoftSpan boundary where
// the consumer has read all but a little: a thread that logs no faster than
// the backend drains keeps writing the same few pages, and the rest of the
// ring is there for bursts. Fewer pages written means fewer page-level stalls
// (see docs/design.md, "Early wrap").

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "sluice/detail/call_site.hpp"
#include "sluice/detail/clock.hpp"

#if defined(__GNUC__)
#define SLUICE_LIKELY(x) __builtin_expect(!!(x), 1)
#define SLUICE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SLUICE_LIKELY(x) (x)
#define SLUICE_UNLIKELY(x) (x)
#endif

namespace sluice {
enum class QueuePolicy : std::uint8_t;
}

namespace sluice::detail {

inline constexpr std::size_t kCacheLine = 64;
/// Bytes between the points where the producer may go back to offset 0.
inline constexpr std::size_t kSoftSpan = 64 * 1024;
/// It does when at most this much is unread: until the backend passes the
/// pad, the producer has only the room before the unread records (at least
/// kSoftSpan - kEarlyWrapMaxUnread).
inline constexpr std::size_t kEarlyWrapMaxUnread = kSoftSpan / 8;

class ThreadQueue {
 public:
  /// `capacity` must be a power of two.
  ThreadQueue(std::size_t capacity, QueuePolicy policy);
  ~ThreadQueue();
  ThreadQueue(const ThreadQueue&) = delete;
  ThreadQueue& operator=(const ThreadQueue&) = delete;

  // ---- producer side (the owning thread only) ----

  /// Space for `size` bytes (a multiple of 8), or nullptr when the record was
  /// dropped (drop policy, larger than the ring, or block where waiting for
  /// room could not end). The caller commits it at once: stop()'s final
  /// drain may be waiting for it.
  std::byte* prepare_write(std::size_t size) noexcept {
    if (SLUICE_LIKELY(write_pos_ + size <= limit_ &&
                      write_pos_ + size - read_pos_cache_ <= capacity_)) {
      return buffer_ + (write_pos_ & mask_);
    }
    return prepare_write_slow(size);
  }

  /// A timestamp for the record being written: the run's clock, read from
  /// this queue's producer line rather than a global one (a cache line less
  /// per call when the caches are cold).
  std::uint64_t now() const noexcept {
    return now_ticks(clock_source_.load(std::memory_order_relaxed));
  }

  /// Publishes the record prepared last. Release: the backend that sees the
  /// new position also sees the record's bytes.
  void commit_write(std::size_t size) noexcept {
    write_pos_ += size;
    published_write_.store(write_pos_, std::memory_order_release);
  }

  // ---- consumer side (the backend only) ----

  /// The oldest unread record, or nullptr when the ring is empty. Inline:
  /// the backend peeks after every record, and the next record is usually
  /// already known to be there.
  const RecordHeader* peek() noexcept {
    if (SLUICE_LIKELY(read_pos_ != write_pos_cache_)) {
      const std::byte* at = ring_ + (read_pos_ & ring_mask_);
      if (SLUICE_LIKELY(!RecordHeader::is_wrap_pad(at))) {
        return reinterpret_cast<const RecordHeader*>(at);
      }
    }
    return peek_slow();
  }
  /// Releases the record returned by peek(). The room is handed back to the
  /// producer in batches of 1/16 of the ring (and by release_consumed()): a
  /// store per record would bounce that cache line between the cores on
  /// every call of a producer that is waiting for room.
  void pop(std::size_t size) noexcept {
    read_pos_ += size;
    if (read_pos_ - read_pos_published_ >= ring_capacity_ / 16) release_consumed();
  }
  /// Hands all consumed room back to the producer now.
  void release_consumed() noexcept {
    if (read_pos_ == read_pos_published_) return;
    read_pos_published_ = read_pos_;
    published_read_.store(read_pos_, std::memory_order_release);
  }
  /// Bytes of the records the consumer knows of and has not read. A wrap pad
  /// ahead of it is not counted: after an early wrap the pad fills most of
  /// the ring but holds nothing.
  std::uint64_t bytes_used() noexcept;
  std::uint64_t read_position() const noexcept { return read_pos_; }
  std::uint64_t published_position() const noexcept {
    return published_write_.load(std::memory_order_acquire);
  }
  std::size_t capacity() const noexcept { return ring_capacity_; }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  /// A block-policy producer is waiting for room, having begun while the
  /// backend took waiters. Sequentially consistent, as the producer's mark:
  /// stop()'s final drain reads it after closing to new waiters, and the
  /// producer reads the backend's state after marking itself.
  bool producer_waiting() const noexcept { return waiting_for_room_.load(); }
  /// Where the record that the producer's last wait was for ends: published
  /// right after the wait. Read once producer_waiting() was seen false.
  std::uint64_t waited_record_end() const noexcept {
    return waited_record_end_.load(std::memory_order_relaxed);
  }

  // ---- either side ----

  bool producer_exited() const noexcept { return exited_.load(std::memory_order_acquire); }
  void mark_producer_exited() noexcept { exited_.store(true, std::memory_order_release); }

  std::uint64_t thread_id() const noexcept { return thread_id_; }
  /// Set by the backend when a run starts (queues outlive stop()).
  void set_clock_source(ClockSource source) noexcept {
    clock_source_.store(source, std::memory_order_relaxed);
  }
  ClockSource clock_source() const noexcept {
    return clock_source_.load(std::memory_order_relaxed);
  }
  /// Likewise: the policy is the run's, the capacity stays the queue's.
  void set_policy(QueuePolicy policy) noexcept { policy_.store(policy, std::memory_order_relaxed); }
  std::uint64_t thread_name_version() const noexcept {
    return name_version_.load(std::memory_order_acquire);
  }
  /// Thread name as of the last call to set_thread_name (copies under a lock:
  /// called by the backend only when the version changed).
  std::string thread_name() const;
  void set_thread_name(std::string name);

 private:
  std::byte* prepare_write_slow(std::size_t size) noexcept;
  /// Pads from `offset` to the end of the ring and publishes the pad.
  void pad_tail(std::uint64_t offset) noexcept;
  /// peek() when the records known so far are used up or a wrap pad is next.
  const RecordHeader* peek_slow() noexcept;

  // Producer-private line.
  std::byte* buffer_;
  std::uint64_t mask_;
  std::uint64_t capacity_;
  std::uint64_t write_pos_ = 0;
  std::uint64_t read_pos_cache_ = 0;
  std::uint64_t limit_;              // a position: writes ending here or before need only room
  std::atomic<QueuePolicy> policy_;  // read only when the ring looks full
  std::atomic<ClockSource> clock_source_;

  alignas(kCacheLine) std::atomic<std::uint64_t> published_write_{0};

  // A line of its own: the producer polls it while the ring is full, and on
  // the consumer's line that would take the line from the consumer on
  // every record it pops.
  alignas(kCacheLine) std::atomic<std::uint64_t> published_read_{0};

  // Consumer-private. The ring's address and size again: read from the
  // producer's line, they would pull that line to the backend's core after
  // every record, and the producer's next write_pos_ store would have to
  // take it back.
  alignas(kCacheLine) std::uint64_t read_pos_ = 0;
  std::uint64_t read_pos_published_ = 0;
  std::uint64_t write_pos_cache_ = 0;
  std::uint64_t pad_search_pos_ = 0;  // where bytes_used() stopped looking for the pad
  const std::byte* ring_;
  std::uint64_t ring_mask_;
  std::uint64_t ring_capacity_;

  // Read by the backend on every pass, written rarely: off the lines above,
  // which the producer writes on every call.
  alignas(kCacheLine) std::atomic<bool> exited_{false};
  std::atomic<std::uint64_t> dropped_{0};  // producer writes only on the drop path
  // Written only by a producer that waits for room (see producer_waiting).
  std::atomic<bool> waiting_for_room_{false};
  std::atomic<std::uint64_t> waited_record_end_{0};
  std::uint64_t thread_id_;
  std::atomic<std::uint64_t> name_version_{0};
  mutable std::atomic_flag name_lock_ = ATOMIC_FLAG_INIT;
  std::string name_;
};

/// This thread's queue; null until its first log call. Default visibility
/// whatever the includer's -fvisibility: a program built with hidden
/// visibility against the shared libraries would otherwise read a copy of its
/// own, which core never sets, and make a new queue on every log call.
[[gnu::visibility("default")]] inline thread_local ThreadQueue* tls_thread_queue = nullptr;

/// Creates and registers this thread's queue on its first log call, starting
/// the backend if it never ran. Null if memory for the queue cannot be had.
ThreadQueue* create_thread_queue() noexcept;
/// Names this thread's queue or, before its first log call, the queue that
/// call will make (making it here would start the backend).
void set_thread_queue_name(std::string_view name);
/// Counts a record lost for want of a queue: the backend reports it with the
/// dropped ones.
void count_record_without_queue() noexcept;

inline ThreadQueue* thread_queue() noexcept {
  ThreadQueue* q = tls_thread_queue;
  if (SLUICE_LIKELY(q != nullptr)) return q;
  return create_thread_queue();
}

}  // namespace sluice::detail
