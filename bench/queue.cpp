// sluice-bench-queue: the per-thread queue decision.
//
// sluice gives every logging thread its own SPSC byte ring (ThreadQueue:
// prepare_write / commit_write on the producer, peek / pop on the backend).
// The obvious alternative is moodycamel::ConcurrentQueue with a producer
// token per thread. Here one producer (pinned to CPU 0) pushes as fast as it
// can while one consumer (pinned to CPU 1) drains concurrently; the time per
// iteration is the producer's cost per record.
//
// Arg `idle_pause_ns`: what the consumer does when it finds the queue empty.
// 0 polls again at once (the most cache-line traffic for the producer);
// 1000 pauses ~1 us, as sluice's busy-polling backend does.

#include <benchmark/benchmark.h>
#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>

#include <sluice/detail/thread_queue.hpp>
#include <sluice/runtime.hpp>

#include "support/bench_util.hpp"

namespace {

using sluice_bench::pin_this_thread;

constexpr int kProducerCpu = 0;
constexpr int kConsumerCpu = 1;

// What a record costs to describe with a fixed-size type: sluice's 24-byte
// header, two 8-byte arguments, and room for a third (a fixed type must fit
// the largest record it carries; this one is small).
struct Record48 {
  std::uint32_t size;
  std::uint32_t logger_id;
  std::uint64_t timestamp;
  const void* site;
  std::uint64_t args[3];
};
static_assert(sizeof(Record48) == 48);

constexpr std::size_t kSluiceRecord = 40;  // 24-byte header + two 8-byte arguments
static_assert(kSluiceRecord - sizeof(sluice::detail::RecordHeader) == 16);

// Measured once at start-up, before any consumer runs.
const double kTicksPerNs = 1.0 / sluice_bench::calibrate_ns_per_tick();

void idle_pause(std::int64_t ns) {
  if (ns == 0) {
    _mm_pause();
    return;
  }
  const std::uint64_t until = __rdtsc() + static_cast<std::uint64_t>(ns * kTicksPerNs);
  while (__rdtsc() < until) _mm_pause();
}

// Runs `drain` (returns how many records it took) on the consumer CPU until
// stopped, then once more until the queue is empty.
template <class Drain>
class Consumer {
 public:
  Consumer(Drain drain, std::int64_t idle_pause_ns)
      : thread_([this, drain, idle_pause_ns]() mutable {
          pin_this_thread(kConsumerCpu);
          while (!stop_.load(std::memory_order_acquire)) {
            const std::size_t n = drain();
            consumed_ += n;
            if (n == 0) idle_pause(idle_pause_ns);
          }
          while (std::size_t n = drain()) consumed_ += n;
        }) {}
  /// Stops the consumer after it has emptied the queue; returns its count.
  std::uint64_t finish() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
    return consumed_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::uint64_t consumed_ = 0;
  std::thread thread_;
};

void report(benchmark::State& state, std::uint64_t consumed, std::size_t bytes_per_record) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_per_record));
  if (consumed != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("the consumer did not see every record");
  }
}

void BM_sluice_ThreadQueue(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  // The drop policy: a full ring returns null at once instead of consulting
  // the (not running) backend, and the loop below retries.
  sluice::detail::ThreadQueue queue(std::size_t{1} << 20, sluice::QueuePolicy::drop);
  Consumer consumer(
      [&queue]() -> std::size_t {
        std::size_t n = 0;
        while (const sluice::detail::RecordHeader* head = queue.peek()) {
          benchmark::DoNotOptimize(head->timestamp);
          queue.pop(head->size);
          ++n;
        }
        return n;
      },
      state.range(0));

  std::uint64_t i = 0, full = 0;
  for (auto _ : state) {
    std::byte* out;
    while ((out = queue.prepare_write(kSluiceRecord)) == nullptr) {
      ++full;
      _mm_pause();
    }
    const sluice::detail::RecordHeader header{kSluiceRecord, 0, i, nullptr};
    std::memcpy(out, &header, sizeof header);
    std::memcpy(out + 24, &i, 8);
    std::memcpy(out + 32, &i, 8);
    queue.commit_write(kSluiceRecord);
    ++i;
  }
  report(state, consumer.finish(), kSluiceRecord);
  state.counters["full_waits"] = static_cast<double>(full);
}

void BM_moodycamel_token_Record48(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  moodycamel::ConcurrentQueue<Record48> queue(std::size_t{1} << 16);
  moodycamel::ProducerToken token(queue);
  Consumer consumer(
      [&queue, ctoken = std::make_shared<moodycamel::ConsumerToken>(queue)]() -> std::size_t {
        Record48 items[256];
        std::size_t total = 0;
        while (const std::size_t n = queue.try_dequeue_bulk(*ctoken, items, 256)) {
          benchmark::DoNotOptimize(items[n - 1].timestamp);
          total += n;
        }
        return total;
      },
      state.range(0));

  std::uint64_t i = 0;
  for (auto _ : state) {
    const Record48 record{sizeof(Record48), 0, i, nullptr, {i, i, 0}};
    queue.enqueue(token, record);
    ++i;
  }
  report(state, consumer.finish(), sizeof(Record48));
}

// Variable-size records as bytes: the layout sluice needs, through
// ConcurrentQueue's bulk interface (one enqueue_bulk per record).
void BM_moodycamel_token_bytes40(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  moodycamel::ConcurrentQueue<std::byte> queue(std::size_t{1} << 20);
  moodycamel::ProducerToken token(queue);
  Consumer consumer(
      [&queue, ctoken = std::make_shared<moodycamel::ConsumerToken>(queue),
       partial = std::size_t{0}]() mutable -> std::size_t {
        std::byte bytes[4096];
        std::size_t records = 0;
        while (const std::size_t n = queue.try_dequeue_bulk(*ctoken, bytes, sizeof bytes)) {
          benchmark::DoNotOptimize(bytes[0]);
          partial += n;
          records += partial / kSluiceRecord;
          partial %= kSluiceRecord;
        }
        return records;
      },
      state.range(0));

  std::uint64_t i = 0;
  std::byte record[kSluiceRecord] = {};
  for (auto _ : state) {
    const sluice::detail::RecordHeader header{kSluiceRecord, 0, i, nullptr};
    std::memcpy(record, &header, sizeof header);
    std::memcpy(record + 24, &i, 8);
    std::memcpy(record + 32, &i, 8);
    queue.enqueue_bulk(token, record, kSluiceRecord);
    ++i;
  }
  report(state, consumer.finish(), kSluiceRecord);
}

}  // namespace

BENCHMARK(BM_sluice_ThreadQueue)->ArgName("idle_pause_ns")->Arg(0)->Arg(1000)->UseRealTime();
BENCHMARK(BM_moodycamel_token_Record48)->ArgName("idle_pause_ns")->Arg(0)->Arg(1000)->UseRealTime();
BENCHMARK(BM_moodycamel_token_bytes40)->ArgName("idle_pause_ns")->Arg(0)->Arg(1000)->UseRealTime();

BENCHMARK_MAIN();
