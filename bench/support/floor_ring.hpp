#pragma once
// The "floor" of a log call: what any design that keeps a record per call on
// the calling thread must pay at least. One TSC read, one 32-byte store into
// a ring, and the write position published with a release store after every
// record (a record must not wait for a later call to become visible).
//
// There is no full check: the ring is a floor, not a queue. A consumer that
// falls a whole lap behind reads overwritten records; the benchmarks'
// consumer never does (they log 20 records, then sleep for milliseconds).

#include <x86intrin.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <thread>

#include "support/bench_util.hpp"

namespace sluice_bench {

class FloorRing {
 public:
  static constexpr std::size_t kRecordSize = 32;

  explicit FloorRing(std::size_t capacity = 1u << 16)
      : buffer_(static_cast<std::byte*>(::operator new (capacity, std::align_val_t{64}))),
        mask_(capacity - 1) {
    std::memset(buffer_, 0, capacity);  // no page faults while measuring
  }
  ~FloorRing() { ::operator delete (buffer_, std::align_val_t{64}); }
  FloorRing(const FloorRing&) = delete;
  FloorRing& operator=(const FloorRing&) = delete;

  // Producer.
  void push(const void* site, std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t record[4] = {__rdtsc(), reinterpret_cast<std::uint64_t>(site), a, b};
    std::memcpy(buffer_ + (write_ & mask_), record, kRecordSize);
    write_ += kRecordSize;
    published_.store(write_, std::memory_order_release);
  }

  /// Stores into the line after the write position, which no consumer reads
  /// before the producer has written it again (sluice-bench-stalls
  /// --touch-ring).
  void touch_ahead() noexcept {
    const std::uint64_t zero = 0;
    std::memcpy(buffer_ + ((write_ + 64) & mask_ & ~std::uint64_t{63}), &zero, sizeof zero);
  }

  // Consumer: reads every record published since the last call, returns how
  // many (and folds their timestamps into `sink` so the reads are not elided).
  std::size_t drain(std::uint64_t& sink) noexcept {
    const std::uint64_t end = published_.load(std::memory_order_acquire);
    std::size_t n = 0;
    for (; read_ != end; read_ += kRecordSize, ++n) {
      std::uint64_t ts;
      std::memcpy(&ts, buffer_ + (read_ & mask_), sizeof ts);
      sink += ts;
    }
    return n;
  }

 private:
  std::byte* buffer_;
  std::uint64_t mask_;
  std::uint64_t write_ = 0;
  alignas(64) std::atomic<std::uint64_t> published_{0};
  alignas(64) std::uint64_t read_ = 0;
};

/// floor-spsc's consumer: a thread on `cpu` that polls the ring like sluice's
/// busy-polling backend (drain, and when there was nothing, pause ~1 us)
/// until destroyed. It reads every record, so the producer's lines move to
/// the other core as they do with sluice.
class FloorConsumer {
 public:
  FloorConsumer(FloorRing& ring, int cpu, double ns_per_tick)
      : thread_([this, &ring, cpu, ns_per_tick] {
          pin_this_thread(cpu);
          const auto pause_ticks = static_cast<std::uint64_t>(1000 / ns_per_tick);
          std::uint64_t sink = 0;
          while (!stop_.load(std::memory_order_relaxed)) {
            if (ring.drain(sink) == 0) {
              const std::uint64_t until = __rdtsc() + pause_ticks;
              while (__rdtsc() < until) _mm_pause();
            }
          }
          if (sink == 42) std::puts("");  // keep the reads
        }) {}
  ~FloorConsumer() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }
  FloorConsumer(const FloorConsumer&) = delete;
  FloorConsumer& operator=(const FloorConsumer&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after stop_ exists
};

}  // namespace sluice_bench
