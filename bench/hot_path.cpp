// sluice-bench-hot-path: the cost of a log statement to the calling thread,
// disabled and enabled.
//
//   BM_disabled             a call below the logger's level: one relaxed load
//                           and a branch; should be ~1 ns.
//   BM_enabled_drain/<msg>  an enabled call into this thread's queue (1 MiB,
//                           the default), emptied by a thread on the other CPU
//                           that releases what is published without reading it
//                           (not the backend): the hot path itself, with the
//                           least consumer traffic.
//   BM_enabled_backend/<msg> the same through sluice's real backend
//                           (busy-polling, pinned, no sink): once the ring is
//                           full the producer waits for the backend, so this
//                           is the sustained rate, bounded by the backend's
//                           per-record cost rather than the hot path.
//   BM_enabled_local/<msg>  the hot path on one core only: 4096 calls timed
//                           with rdtsc, then the same thread empties the ring
//                           (untimed). No line ever moves between cores, so
//                           this is the figure that does not depend on where
//                           the host put the two vCPUs: use it to compare
//                           changes to log_record.
//   BM_floor/<msg>          rdtsc + a 32-byte store + a release store.
//
// Calls run back to back here (unlike sluice-bench-latency's bursts): this is
// the best case for the caches, and the place to see instruction-level cost.
// `others_pct`: the share of the CPUs other processes used meanwhile; on a
// shared machine, quote only runs where it is near 0.

#include <benchmark/benchmark.h>
#include <sluice/sluice.hpp>

#include <atomic>
#include <thread>

#include "support/bench_util.hpp"
#include "support/floor_ring.hpp"
#include "support/messages.hpp"

namespace {

using namespace sluice_bench;

constexpr int kProducerCpu = 0;
constexpr int kConsumerCpu = 1;

void BM_disabled(benchmark::State& state) {
  sluice::Logger& log = sluice::get_logger("bench.disabled");
  log.set_level(sluice::Level::warning);
  int i = 0;
  for (auto _ : state) {
    IntIntDouble::log_sluice(log, i);
    benchmark::DoNotOptimize(++i);
  }
}
BENCHMARK(BM_disabled);

template <class Message>
void BM_floor(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  FloorRing ring;
  int i = 0;
  for (auto _ : state) log_floor<Message>(ring, i++);
}

// Starts the backend, or restarts it, with idle_sleep = 0 (busy) or the
// default, pinned to the consumer CPU.
void ensure_backend(bool busy) {
  static int mode = -1;  // -1: not started here, 0: default, 1: busy
  if (sluice::running() && mode == static_cast<int>(busy)) return;
  if (sluice::running()) sluice::stop();
  sluice::Options options;
  options.backend_cpu = kConsumerCpu;
  if (busy) options.idle_sleep = std::chrono::microseconds{0};
  sluice::start(options);
  mode = static_cast<int>(busy);
}

template <class Message>
void BM_enabled_drain(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  ForeignLoad load;
  sluice::Logger& log = sluice::get_logger("bench.drain");
  // This thread's queue is swapped for one that a bare drain thread empties.
  // The drain releases everything published at once (the published position
  // includes wrap padding, so it is always a record boundary) and never reads
  // a record, so the only line it takes from the producer is the one holding
  // the write position. If the drain is descheduled and the ring fills, the
  // block policy makes the call wait, as it would in a program; a running
  // (mostly sleeping) backend is what lets it block instead of drop. (A
  // 64 MiB ring with the drop policy was tried: the ring then streams through
  // memory beyond the L3 and int_int_string measured 64-180 ns.)
  ensure_backend(false);
  sluice::detail::ThreadQueue queue(std::size_t{1} << 20, sluice::QueuePolicy::block);
  sluice::detail::ThreadQueue* const previous = sluice::detail::tls_thread_queue;
  sluice::detail::tls_thread_queue = &queue;
  std::atomic<bool> stop{false};
  std::thread drain([&] {
    pin_this_thread(kConsumerCpu);
    const auto drain_all = [&] {
      queue.pop(queue.published_position() - queue.read_position());
      queue.release_consumed();
    };
    while (!stop.load(std::memory_order_acquire)) {
      drain_all();
      _mm_pause();
    }
    drain_all();
  });

  int i = 0;
  for (auto _ : state) Message::log_sluice(log, i++);

  stop.store(true, std::memory_order_release);
  drain.join();
  sluice::detail::tls_thread_queue = previous;
  state.SetItemsProcessed(state.iterations());
  state.counters["dropped"] = static_cast<double>(queue.dropped());
  state.counters["others_pct"] = load.take() * 100;
}

template <class Message>
void BM_enabled_local(benchmark::State& state) {
  static const double ns_per_tick = calibrate_ns_per_tick();
  constexpr int kCalls = 4096;  // 4096 x at most 96 bytes: well inside the ring
  pin_this_thread(kProducerCpu);
  sluice::Logger& log = sluice::get_logger("bench.local");
  sluice::detail::ThreadQueue queue(std::size_t{1} << 20, sluice::QueuePolicy::drop);
  sluice::detail::ThreadQueue* const previous = sluice::detail::tls_thread_queue;
  sluice::detail::tls_thread_queue = &queue;
  int i = 0;
  double total_ns = 0;
  for (auto _ : state) {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const std::uint64_t start = __rdtsc();
    std::atomic_signal_fence(std::memory_order_seq_cst);
    for (int k = 0; k < kCalls; ++k) Message::log_sluice(log, i++);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const std::uint64_t end = __rdtsc();
    std::atomic_signal_fence(std::memory_order_seq_cst);
    const double ns = static_cast<double>(end - start) * ns_per_tick;
    total_ns += ns;
    state.SetIterationTime(ns * 1e-9);
    queue.pop(queue.published_position() - queue.read_position());
    queue.release_consumed();
  }
  sluice::detail::tls_thread_queue = previous;
  state.SetItemsProcessed(state.iterations() * kCalls);
  state.counters["ns_per_call"] = total_ns / static_cast<double>(state.iterations() * kCalls);
  state.counters["dropped"] = static_cast<double>(queue.dropped());
}

template <class Message>
void BM_enabled_backend(benchmark::State& state) {
  pin_this_thread(kProducerCpu);
  ForeignLoad load;
  ensure_backend(true);
  sluice::Logger& log = sluice::get_logger("bench.backend");
  log.set_propagate(false);  // no sink: the backend's own per-record cost
  const sluice::Stats before = sluice::stats();
  int i = 0;
  for (auto _ : state) Message::log_sluice(log, i++);
  sluice::flush();
  const sluice::Stats after = sluice::stats();
  state.SetItemsProcessed(state.iterations());
  state.counters["dropped"] = static_cast<double>(after.records_dropped - before.records_dropped);
  state.counters["others_pct"] = load.take() * 100;
}

}  // namespace

BENCHMARK_TEMPLATE(BM_floor, IntIntDouble);
BENCHMARK_TEMPLATE(BM_enabled_local, IntIntDouble)->UseManualTime();
BENCHMARK_TEMPLATE(BM_enabled_local, IntIntString)->UseManualTime();
BENCHMARK_TEMPLATE(BM_enabled_local, StaticText)->UseManualTime();
BENCHMARK_TEMPLATE(BM_enabled_local, Fields)->UseManualTime();
BENCHMARK_TEMPLATE(BM_enabled_drain, IntIntDouble)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_drain, IntIntString)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_drain, StaticText)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_drain, Fields)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_backend, IntIntDouble)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_backend, IntIntString)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_backend, StaticText)->UseRealTime();
BENCHMARK_TEMPLATE(BM_enabled_backend, Fields)->UseRealTime();

BENCHMARK_MAIN();
