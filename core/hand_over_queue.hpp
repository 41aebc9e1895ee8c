#pragma once
// A moodycamel::ConcurrentQueue for handing objects to the backend thread
// (new thread queues, flush requests), annotated for ThreadSanitizer.
//
// moodycamel orders a producer after the consumer that emptied the slot or
// block it reuses with standalone fences, which TSan does not model, and
// finds a thread's implicit producer by a thread-local's address, which a
// new thread can inherit from an exited one (glibc's stack cache orders
// the two; TSan does not see it). Programs whose logging threads were
// started by several threads got TSan reports inside the queue, and after
// them on the handed-over ThreadQueue. The annotations state the order the
// queue really provides: each enqueue and dequeue releases to the next one.
// They compile to nothing without TSan.

#include <concurrentqueue/concurrentqueue.h>

#include <utility>

#if defined(__SANITIZE_THREAD__)
#define SLUICE_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SLUICE_TSAN_ANNOTATE 1
#endif
#endif

#if defined(SLUICE_TSAN_ANNOTATE)
#include <sanitizer/tsan_interface.h>
#endif

namespace sluice::detail {

template <class T>
class HandOverQueue {
 public:
  /// From any thread. False only if memory for the queue's blocks ran out.
  bool enqueue(T value) {
    acquire();
    const bool queued = queue_.enqueue(std::move(value));
    release();
    return queued;
  }
  /// From the one consuming thread.
  bool try_dequeue(T& out) {
    acquire();
    const bool got = queue_.try_dequeue(out);
    release();
    return got;
  }
  std::size_t size_approx() const { return queue_.size_approx(); }

 private:
  void acquire() noexcept {
#if defined(SLUICE_TSAN_ANNOTATE)
    __tsan_acquire(&queue_);
#endif
  }
  void release() noexcept {
#if defined(SLUICE_TSAN_ANNOTATE)
    __tsan_release(&queue_);
#endif
  }

  moodycamel::ConcurrentQueue<T> queue_;
};

}  // namespace sluice::detail
