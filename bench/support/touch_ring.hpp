#pragma once
// --touch-ring (sluice-bench-latency, sluice-bench-stalls): a store into the
// free part of this thread's sluice queue, made off the clock right before a
// batch. The first call after a pause costs 50-130 ns more than the others
// when a consumer on the other core has read the ring; with this store in
// front of it, it does not (docs/performance.md, "The first call after a
// pause"). A diagnostic, not something an application should do.

#include <sluice/sluice.hpp>

#include <cstddef>
#include <cstring>

namespace sluice_bench {

inline void touch_sluice_queue() noexcept {
  sluice::detail::ThreadQueue* queue = sluice::detail::thread_queue();
  if (queue == nullptr) return;
  // Past the write position: the backend reads nothing there until a record
  // is committed over it.
  if (std::byte* free = queue->prepare_write(64)) std::memset(free, 0, 8);
}

}  // namespace sluice_bench
