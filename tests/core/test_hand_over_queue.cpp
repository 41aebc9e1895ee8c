// HandOverQueue: what a failed hand-over leaves with the caller.

#include <catch2/catch.hpp>

#include <cstddef>
#include <memory>

#include "hand_over_queue.hpp"

using sluice::detail::HandOverQueue;

namespace {

// moodycamel's traits with an allocator that always fails, as when memory
// runs out: the queue then has no block and no producer to enqueue with.
struct OutOfMemoryTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static void* malloc(std::size_t /*size*/) { return nullptr; }
  static void free(void* /*pointer*/) {}
};

}  // namespace

TEST_CASE("a hand-over that fails for want of memory leaves the object with the caller") {
  HandOverQueue<std::unique_ptr<int>, OutOfMemoryTraits> queue;
  auto object = std::make_unique<int>(42);
  int* const address = object.get();

  CHECK_FALSE(queue.enqueue(std::move(object)));
  // Still owned here, not destroyed: the backend hands a thread's ring over
  // this way, and that thread keeps a pointer to it.
  REQUIRE(object.get() == address);
  CHECK(*object == 42);
  std::unique_ptr<int> out;
  CHECK_FALSE(queue.try_dequeue(out));
}

TEST_CASE("a hand-over with memory moves the object to the consumer") {
  HandOverQueue<std::unique_ptr<int>> queue;
  auto object = std::make_unique<int>(7);
  int* const address = object.get();

  REQUIRE(queue.enqueue(std::move(object)));
  CHECK(object == nullptr);
  std::unique_ptr<int> out;
  REQUIRE(queue.try_dequeue(out));
  CHECK(out.get() == address);
  CHECK(*out == 7);
}
