// sluice-bench-queue: the per-thread queue decision.
//
// sluice gives every logging thread its own SPSC byte ring (ThreadQueue:
// prepare_write / commit_write on the producer, peek / pop on the backend).
// The obvious alternative is moodycamel::ConcurrentQueue with a producer
// token per thread. One producer (pinned to CPU 0) pushes records while one
// consumer (pinned to CPU 1) drains concurrently, in two regimes:
//
//   BM_bursts/<queue>     what a log call sees: 20 pushes timed with rdtsc,
//                         then ~20 us for the consumer to catch up (untimed).
//                         Time per iteration = one burst; `ns_per_push` is
//                         the producer's cost per record.
//   BM_saturated/<queue>  pushes back to back: the queue fills and the figure
//                         is the pair's sustained rate (the slower side's),
//                         including the cost of the two sides fighting over
//                         the same cache lines.
//
// Queues: sluice's ThreadQueue with 40-byte records; ConcurrentQueue of a
// fixed 48-byte struct (enqueue with a ProducerToken, try_dequeue_bulk with
// a ConsumerToken); ConcurrentQueue of bytes with one enqueue_bulk of 40
// bytes per record (variable-size records, as sluice needs them).
//
// Arg `idle_pause_ns`: what the consumer does when it finds the queue empty:
// 0 polls again at once (the most cache-line traffic for the producer);
// 1000 pauses ~1 us, as sluice's busy-polling backend does.

#include <benchmark/benchmark.h>
#include <concurrentqueue/concurrentqueue.h>
#include <sluice/detail/thread_queue.hpp>
#include <sluice/runtime.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>

#include "support/bench_util.hpp"

namespace {

using sluice_bench::pin_this_thread;

constexpr int kProducerCpu = 0;
constexpr int kConsumerCpu = 1;

// Measured once at start-up, before any consumer runs.
const double kNsPerTick = sluice_bench::calibrate_ns_per_tick();

void spin_for_ns(std::int64_t ns) {
  const std::uint64_t until = __rdtsc() + static_cast<std::uint64_t>(ns / kNsPerTick);
  while (__rdtsc() < until) _mm_pause();
}

// A 16-byte header and three 8-byte arguments (the figures in docs/design.md
// were taken with 40-byte records: a 24-byte header and two arguments).
constexpr std::size_t kSluiceRecord = 40;
static_assert(kSluiceRecord - sizeof(sluice::detail::RecordHeader) == 24);
constexpr sluice::detail::CallSite kThreeWords{
    "", "", "", 0, sluice::Level::info, nullptr, 0, 0, nullptr, nullptr, kSluiceRecord};

// A ring of 2^Log2Capacity bytes (sluice's default queue_capacity is 1 MiB).
template <int Log2Capacity>
class SluiceRing {
 public:
  static constexpr std::size_t record_bytes = kSluiceRecord;

  // The drop policy: a full ring returns null at once instead of consulting
  // the (not running) backend, and push() retries.
  SluiceRing() : queue_(std::size_t{1} << Log2Capacity, sluice::QueuePolicy::drop) {}

  void push(std::uint64_t i) noexcept {
    std::byte* out;
    while ((out = queue_.prepare_write(kSluiceRecord)) == nullptr) {
      ++full_waits_;
      _mm_pause();
    }
    const sluice::detail::RecordHeader header{sluice::detail::RecordHeader::pack(&kThreeWords, 0),
                                              i};
    std::memcpy(out, &header, sizeof header);
    std::memcpy(out + 16, &i, 8);
    std::memcpy(out + 24, &i, 8);
    std::memcpy(out + 32, &i, 8);
    queue_.commit_write(kSluiceRecord);
  }
  std::size_t drain() noexcept {
    std::size_t n = 0;
    while (const sluice::detail::RecordHeader* head = queue_.peek()) {
      benchmark::DoNotOptimize(head->timestamp);
      queue_.pop(head->size());
      ++n;
    }
    queue_.release_consumed();  // as the backend does after each pass
    return n;
  }
  std::uint64_t full_waits() const noexcept { return full_waits_; }

 private:
  sluice::detail::ThreadQueue queue_;
  std::uint64_t full_waits_ = 0;
};

// What a record costs as a fixed-size type: the header sluice had when these
// figures were taken (24 bytes), two 8-byte arguments, and room for a third
// (a fixed type must fit the largest record it carries; this one is small).
struct Record48 {
  std::uint32_t size;
  std::uint32_t logger_id;
  std::uint64_t timestamp;
  const void* site;
  std::uint64_t args[3];
};
static_assert(sizeof(Record48) == 48);

class MoodycamelRecord48 {
 public:
  static constexpr std::size_t record_bytes = sizeof(Record48);

  void push(std::uint64_t i) {
    queue_.enqueue(producer_, Record48{sizeof(Record48), 0, i, nullptr, {i, i, 0}});
  }
  std::size_t drain() {
    Record48 items[256];
    std::size_t total = 0;
    while (const std::size_t n = queue_.try_dequeue_bulk(consumer_, items, 256)) {
      benchmark::DoNotOptimize(items[n - 1].timestamp);
      total += n;
    }
    return total;
  }
  std::uint64_t full_waits() const noexcept { return 0; }  // unbounded: it allocates

 private:
  moodycamel::ConcurrentQueue<Record48> queue_{std::size_t{1} << 16};
  moodycamel::ProducerToken producer_{queue_};
  moodycamel::ConsumerToken consumer_{queue_};
};

class MoodycamelBytes40 {
 public:
  static constexpr std::size_t record_bytes = kSluiceRecord;

  void push(std::uint64_t i) {
    std::byte record[kSluiceRecord];
    const sluice::detail::RecordHeader header{sluice::detail::RecordHeader::pack(&kThreeWords, 0),
                                              i};
    std::memcpy(record, &header, sizeof header);
    std::memcpy(record + 16, &i, 8);
    std::memcpy(record + 24, &i, 8);
    std::memcpy(record + 32, &i, 8);
    queue_.enqueue_bulk(producer_, record, kSluiceRecord);
  }
  std::size_t drain() {
    std::byte bytes[4096];
    std::size_t records = 0;
    while (const std::size_t n = queue_.try_dequeue_bulk(consumer_, bytes, sizeof bytes)) {
      benchmark::DoNotOptimize(bytes[0]);
      partial_ += n;
      records += partial_ / kSluiceRecord;
      partial_ %= kSluiceRecord;
    }
    return records;
  }
  std::uint64_t full_waits() const noexcept { return 0; }

 private:
  moodycamel::ConcurrentQueue<std::byte> queue_{std::size_t{1} << 20};
  moodycamel::ProducerToken producer_{queue_};
  moodycamel::ConsumerToken consumer_{queue_};
  std::size_t partial_ = 0;  // bytes of a record split across two drains
};

// Drains `queue` on the consumer CPU until finish(), then once more until it
// is empty; finish() returns how many records it took in all.
template <class Queue>
class Consumer {
 public:
  Consumer(Queue& queue, std::int64_t idle_pause_ns)
      : thread_([this, &queue, idle_pause_ns] {
          pin_this_thread(kConsumerCpu);
          while (!stop_.load(std::memory_order_acquire)) {
            const std::size_t n = queue.drain();
            consumed_ += n;
            if (n > 0) continue;
            if (idle_pause_ns == 0) {
              _mm_pause();
            } else {
              spin_for_ns(idle_pause_ns);
            }
          }
          while (const std::size_t n = queue.drain()) consumed_ += n;
        }) {}
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

template <class Queue>
void check_and_count(benchmark::State& state, const Queue& queue, std::uint64_t pushed,
                     std::uint64_t consumed, sluice_bench::ForeignLoad& load) {
  // The share of the CPUs other processes used meanwhile: on a shared
  // machine, a figure with this above a few percent is not worth quoting.
  state.counters["others_pct"] = load.take() * 100;
  state.SetItemsProcessed(static_cast<std::int64_t>(pushed));
  state.SetBytesProcessed(static_cast<std::int64_t>(pushed * Queue::record_bytes));
  state.counters["full_waits"] = static_cast<double>(queue.full_waits());
  if (consumed != pushed) state.SkipWithError("the consumer did not see every record");
}

template <class Queue>
void BM_saturated(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  sluice_bench::ForeignLoad load;
  auto queue = std::make_unique<Queue>();
  Consumer<Queue> consumer(*queue, state.range(0));
  std::uint64_t i = 0;
  for (auto _ : state) queue->push(i++);
  check_and_count(state, *queue, i, consumer.finish(), load);
}

constexpr int kBurst = 20;
constexpr std::int64_t kGapNs = 20'000;

template <class Queue>
void BM_bursts(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  sluice_bench::ForeignLoad load;
  auto queue = std::make_unique<Queue>();
  Consumer<Queue> consumer(*queue, state.range(0));
  std::uint64_t i = 0;
  double total_ns = 0;
  for (auto _ : state) {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const std::uint64_t start = __rdtsc();
    std::atomic_signal_fence(std::memory_order_seq_cst);
    for (int k = 0; k < kBurst; ++k) queue->push(i++);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const std::uint64_t end = __rdtsc();
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const double ns = static_cast<double>(end - start) * kNsPerTick;
    total_ns += ns;
    state.SetIterationTime(ns * 1e-9);
    spin_for_ns(kGapNs);  // the consumer catches up; not timed
  }
  check_and_count(state, *queue, i, consumer.finish(), load);
  state.counters["ns_per_push"] = i > 0 ? total_ns / static_cast<double>(i) : 0.0;
}

void bursts_args(benchmark::internal::Benchmark* b) {
  // A fixed count: the untimed gaps would otherwise make the run last
  // minutes while Google Benchmark looks for 0.5 s of timed work.
  b->ArgName("idle_pause_ns")->Arg(0)->Arg(1000)->UseManualTime()->Iterations(20000);
}
void saturated_args(benchmark::internal::Benchmark* b) {
  b->ArgName("idle_pause_ns")->Arg(0)->Arg(1000)->UseRealTime();
}

}  // namespace

BENCHMARK_TEMPLATE(BM_bursts, SluiceRing<20>)->Apply(bursts_args);
BENCHMARK_TEMPLATE(BM_bursts, SluiceRing<16>)->Apply(bursts_args);
BENCHMARK_TEMPLATE(BM_bursts, MoodycamelRecord48)->Apply(bursts_args);
BENCHMARK_TEMPLATE(BM_bursts, MoodycamelBytes40)->Apply(bursts_args);
BENCHMARK_TEMPLATE(BM_saturated, SluiceRing<20>)->Apply(saturated_args);
BENCHMARK_TEMPLATE(BM_saturated, SluiceRing<16>)->Apply(saturated_args);
BENCHMARK_TEMPLATE(BM_saturated, MoodycamelRecord48)->Apply(saturated_args);
BENCHMARK_TEMPLATE(BM_saturated, MoodycamelBytes40)->Apply(saturated_args);

BENCHMARK_MAIN();
