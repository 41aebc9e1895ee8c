#pragma once
// A moodycamel::ConcurrentQueue for handing objects to the backend thread
// (new thread queues, flush requests), made ThreadSanitizer-clean.
//
// Each enqueue goes through a producer token: moodycamel finds a thread's
// implicit producer by a thread-local's address, which a new thread can
// inherit from an exited one, and takes it over with no synchronisation
// TSan can see (glibc's stack cache orders the two threads). A token's
// producer is handed on with atomics TSan models. What is left is block
// reuse: moodycamel orders a producer's reuse of a slot after the consumer
// emptied it with standalone fences, which TSan does not model; a dequeue
// that got something releases to the enqueues after it, and nothing else
// is annotated, so that TSan still sees every other race. Programs whose
// logging threads were started by several threads got TSan reports inside
// the queue, and after them on the handed-over ThreadQueue. The
// annotations compile to nothing without TSan; the token costs an enqueue
// a scan for an idle producer, once per thread or per flush().

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

/// `Traits`: moodycamel's (its allocator among them); a test swaps in one
/// whose allocations fail.
template <class T, class Traits = moodycamel::ConcurrentQueueDefaultTraits>
class HandOverQueue {
 public:
  /// From any thread. False only if memory for the queue's blocks ran out,
  /// and then `value` is as it was: taken by value, it would be destroyed
  /// here, and a ThreadQueue the calling thread already uses with it.
  bool enqueue(T&& value) {
    const moodycamel::ProducerToken token(queue_);
    tsan_acquire(&emptied_);
    // No memory for a producer: the thread's implicit one still works.
    if (!token.valid()) return queue_.enqueue(std::move(value));
    return queue_.enqueue(token, std::move(value));
  }
  /// From the one consuming thread.
  bool try_dequeue(T& out) {
    const bool got = queue_.try_dequeue(out);
    if (got) tsan_release(&emptied_);
    return got;
  }
  std::size_t size_approx() const { return queue_.size_approx(); }

 private:
  static void tsan_acquire([[maybe_unused]] void* address) noexcept {
#if defined(SLUICE_TSAN_ANNOTATE)
    __tsan_acquire(address);
#endif
  }
  static void tsan_release([[maybe_unused]] void* address) noexcept {
#if defined(SLUICE_TSAN_ANNOTATE)
    __tsan_release(address);
#endif
  }

  // Its address stands for "a slot was emptied": annotated, not read.
  char emptied_ = 0;
  moodycamel::ConcurrentQueue<T, Traits> queue_;
};

}  // namespace sluice::detail
