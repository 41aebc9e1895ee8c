#include "sluice/detail/thread_queue.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <thread>

#include "backend.hpp"
#include "error_reporter.hpp"
#include "os.hpp"
#include "sluice/runtime.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::detail {

namespace {

void cpu_relax() noexcept {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

class SpinGuard {
 public:
  explicit SpinGuard(std::atomic_flag& flag) noexcept : flag_(flag) {
    while (flag_.test_and_set(std::memory_order_acquire)) cpu_relax();
  }
  ~SpinGuard() { flag_.clear(std::memory_order_release); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  std::atomic_flag& flag_;
};

}  // namespace

ThreadQueue::ThreadQueue(std::size_t capacity, QueuePolicy policy)
    : buffer_(static_cast<std::byte*>(::operator new (capacity, std::align_val_t{kCacheLine}))),
      mask_(capacity - 1),
      capacity_(capacity),
      limit_(std::min<std::uint64_t>(capacity, kSoftSpan)),
      policy_(policy),
      clock_source_(g_clock_source.load(std::memory_order_relaxed)),
      ring_(buffer_),
      ring_mask_(mask_),
      ring_capacity_(capacity_),
      thread_id_(os::thread_id()),
      name_(os::thread_name()) {
  // Touch every page now, so that the first lap of the ring does not take
  // page faults on the hot path.
  std::memset(buffer_, 0, capacity);
}

ThreadQueue::~ThreadQueue() { ::operator delete (buffer_, std::align_val_t{kCacheLine}); }

std::byte* ThreadQueue::prepare_write_slow(std::size_t size) noexcept {
  const auto count_drop = [this] {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return nullptr;
  };
  if (size > capacity_) return count_drop();  // could never fit
  // Whether this call marked itself waiting (waiting_for_room_): every way
  // out clears the mark, the one with room after saying where the record
  // will end.
  bool waiting = false;
  const auto give_up = [&] {
    if (waiting) waiting_for_room_.store(false, std::memory_order_release);
    return count_drop();
  };
  for (unsigned spins = 0;; ++spins) {
    const std::uint64_t offset = write_pos_ & mask_;
    const std::uint64_t lap_start = write_pos_ - offset;
    if (write_pos_ + size > limit_ && limit_ < lap_start + capacity_) {
      // A soft boundary. When little is left unread and the record fits
      // before it, start again at offset 0; else carry on to the next
      // boundary. One load of the consumer's line per kSoftSpan bytes.
      read_pos_cache_ = published_read_.load(std::memory_order_acquire);
      const std::uint64_t unread = write_pos_ - read_pos_cache_;
      if (unread <= kEarlyWrapMaxUnread && unread + size <= offset) {
        pad_tail(offset);
        continue;
      }
      const std::uint64_t end = (offset + size + kSoftSpan - 1) & ~std::uint64_t{kSoftSpan - 1};
      limit_ = lap_start + std::min<std::uint64_t>(end, capacity_);
    }
    const std::uint64_t tail = capacity_ - offset;
    // A record that does not fit before the end needs the tail padded first.
    // The pad is published on its own: waiting for room for pad + record at
    // once could wait for ever (a record longer than both the tail and the
    // offset never fits beside the pad).
    const std::uint64_t needed = size <= tail ? size : tail;
    read_pos_cache_ = published_read_.load(std::memory_order_acquire);
    if (write_pos_ + needed - read_pos_cache_ <= capacity_) {
      if (size > tail) {
        pad_tail(offset);
        continue;
      }
      if (waiting) {
        waited_record_end_.store(write_pos_ + size, std::memory_order_relaxed);
        waiting_for_room_.store(false, std::memory_order_release);
      }
      return buffer_ + offset;
    }
    if (policy_.load(std::memory_order_relaxed) == QueuePolicy::drop ||
        Backend::on_backend_thread() || ErrorReporter::calling_handler()) {
      // The backend thread would wait for ever for itself (an error handler
      // that logs), and so would an error handler on any thread: it holds
      // the handler lock, which the backend may be waiting for to report an
      // error of its own.
      return give_up();
    }
    const Backend& backend = Backend::instance();
    if (!waiting) {
      if (!backend.accepting()) return give_up();  // no backend, or stopping
      // Marked, then the backend's state read again, which it changes
      // before looking for marks: either stop()'s final drain sees this
      // wait and writes its record, or this sees that the drain began and
      // drops. Looked at first, so that once it began no call marks itself
      // (a thread logging on into a full queue would keep the drain looking).
      waiting_for_room_.store(true);
      waiting = true;
      if (!backend.accepting()) return give_up();
    } else if (!backend.serving_waiters()) {
      return give_up();  // nothing will free room any more
    }
    if (spins < 64) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadQueue::pad_tail(std::uint64_t offset) noexcept {
  // A pad is its first word, 0, and reaches the end of the ring. The tail
  // holds that word because every size is a multiple of 8.
  const std::uint64_t tail = capacity_ - offset;
  const std::uint64_t pad = 0;
  std::memcpy(buffer_ + offset, &pad, sizeof pad);
  write_pos_ += tail;
  limit_ = write_pos_ + std::min<std::uint64_t>(capacity_, kSoftSpan);
  published_write_.store(write_pos_, std::memory_order_release);
}

const RecordHeader* ThreadQueue::peek_slow() noexcept {
  for (;;) {
    if (read_pos_ == write_pos_cache_) {
      write_pos_cache_ = published_write_.load(std::memory_order_acquire);
      if (read_pos_ == write_pos_cache_) return nullptr;
    }
    const std::uint64_t offset = read_pos_ & ring_mask_;
    if (!RecordHeader::is_wrap_pad(ring_ + offset)) {
      return reinterpret_cast<const RecordHeader*>(ring_ + offset);
    }
    // Publish the skip at once: a producer may be waiting for exactly this
    // room before it can write its next record.
    read_pos_ += ring_capacity_ - offset;
    release_consumed();
  }
}

std::uint64_t ThreadQueue::bytes_used() noexcept {
  // A pad always ends at the end of a lap. When the known records stop
  // short of the end of the reader's lap, there is none among them.
  const std::uint64_t lap_end = (read_pos_ | ring_mask_) + 1;
  if (write_pos_cache_ < lap_end) return write_pos_cache_ - read_pos_;
  // Else walk the records up to the end of the lap, from where the last
  // walk stopped: they are all published, and until the reader passes
  // them, the producer does not write there.
  std::uint64_t pos = std::max(pad_search_pos_, read_pos_);
  while (pos < lap_end) {
    const std::byte* at = ring_ + (pos & ring_mask_);
    if (RecordHeader::is_wrap_pad(at)) break;
    pos += reinterpret_cast<const RecordHeader*>(at)->size();
  }
  pad_search_pos_ = pos;
  return (pos - read_pos_) + (write_pos_cache_ - lap_end);
}

std::string ThreadQueue::thread_name() const {
  SpinGuard guard(name_lock_);
  return name_;
}

void ThreadQueue::set_thread_name(std::string name) {
  {
    SpinGuard guard(name_lock_);
    name_ = std::move(name);
  }
  name_version_.fetch_add(1, std::memory_order_release);
}

namespace {

// Marks the queue as orphaned when its thread ends; the backend drains and
// frees it. Records of an exited thread are never lost. A pthread key, not
// a thread_local guard: a thread_local made before the thread's first log
// call is destroyed after such a guard, and if its destructor logged, the
// queue it made then was never marked (the guard was gone) and never freed.
// Key destructors run after every thread_local's, and again for a key set
// while they run.
void mark_exited(void* queue) noexcept {
  tls_thread_queue = nullptr;
  static_cast<ThreadQueue*>(queue)->mark_producer_exited();
}

pthread_key_t create_key(void (*destructor)(void*)) {
  pthread_key_t created;
  if (pthread_key_create(&created, destructor) != 0) throw std::bad_alloc();
  return created;
}

pthread_key_t exit_key() {
  static const pthread_key_t key = create_key(mark_exited);
  return key;
}

// A name given to a thread before its first log call, for the queue that
// call makes: a heap string under a key, not a thread_local, for the same
// reason as exit_key (a thread_local's destructor may make the queue).
void delete_pending_name(void* name) noexcept { delete static_cast<std::string*>(name); }

pthread_key_t pending_name_key() {
  static const pthread_key_t key = create_key(delete_pending_name);
  return key;
}

void take_pending_name(ThreadQueue& queue) {
  const pthread_key_t key = pending_name_key();
  std::unique_ptr<std::string> name(static_cast<std::string*>(pthread_getspecific(key)));
  if (name == nullptr) return;
  pthread_setspecific(key, nullptr);
  queue.set_thread_name(std::move(*name));
}

}  // namespace

void set_thread_queue_name(std::string_view name) {
  if (ThreadQueue* queue = tls_thread_queue) {
    queue->set_thread_name(std::string(name));
    return;
  }
  const pthread_key_t key = pending_name_key();
  if (auto* pending = static_cast<std::string*>(pthread_getspecific(key))) {
    pending->assign(name);
    return;
  }
  auto pending = std::make_unique<std::string>(name);
  if (pthread_setspecific(key, pending.get()) == 0) pending.release();
}

ThreadQueue* create_thread_queue() noexcept {
  Backend* made_backend = nullptr;
  try {
    made_backend = &Backend::instance();
  } catch (const std::exception& e) {
    // No memory for the backend itself: the record is counted as dropped
    // (the count needs no backend), and the reason said, once. Before, only
    // counted: nothing was said until a backend existed, and then only in
    // the drop WARNING's list of causes.
    Backend::report_failed_creation(e.what());
    return nullptr;
  } catch (...) {
    Backend::report_failed_creation("unknown exception");
    return nullptr;
  }
  Backend& backend = *made_backend;
  std::string start_failure;
  ThreadQueue* made = nullptr;
  try {
    start_failure = backend.ensure_started();
    auto queue = std::make_unique<ThreadQueue>(backend.queue_capacity(), backend.queue_policy());
    ThreadQueue* raw = queue.get();
    // Else (no memory for either) the next call tries again.
    if (pthread_setspecific(exit_key(), raw) == 0) {
      if (backend.adopt(queue)) {
        tls_thread_queue = raw;
        take_pending_name(*raw);
        made = raw;
      } else {
        pthread_setspecific(exit_key(), nullptr);
      }
    }
  } catch (...) {
    // No queue (no memory for it): the record is counted as dropped, and the
    // next call tries again. A start that failed is not among these:
    // ensure_started() returns what to report instead of throwing.
  }
  // Reported once the queue is made: an error handler that logs here must
  // find it rather than make a second one.
  if (!start_failure.empty()) backend.report_failed_lazy_start(start_failure);
  return made;
}

void count_record_without_queue() noexcept { Backend::count_record_without_queue(); }

}  // namespace sluice::detail
