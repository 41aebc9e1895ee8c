// sluice-bench-loggers: the logger registry with many loggers made.
//
// BM_new_logger/<N>: the cost of get_logger() for a name not seen before,
// with at least N loggers already made. Creating one must not depend on how
// many exist (it once recomputed every logger's level: creating 100,000 took
// 7-20 s). Loggers are never destroyed, so every iteration adds one: the
// iteration count is fixed to keep the process small.
//
// BM_has_sink/<N>: whether any logger has a sink that none has, with at
// least N loggers made. The backend asks it every 10 ms for each sink whose
// flush failed and that the application took off its loggers but still
// holds, under the lock that get_logger() takes: its cost is how long it
// holds up get_logger(). It scanned every logger's sinks (about 17
// instructions a logger, callgrind); it must not depend on N.
//
//   sluice-bench-loggers    ns per new logger, ns per has_sink

#include <benchmark/benchmark.h>
#include <sluice/sluice.hpp>

#include <memory>
#include <string>

#include "logger_registry.hpp"
#include "support/bench_sinks.hpp"

namespace {

// At least `count` loggers, made once for all the cases.
void make_loggers(long count) {
  static long made = 0;
  for (; made < count; ++made) sluice::get_logger("bench.existing." + std::to_string(made));
}

void BM_new_logger(benchmark::State& state) {
  make_loggers(state.range(0));
  static long next = 0;
  for (auto _ : state) {
    sluice::Logger& logger = sluice::get_logger("bench.new." + std::to_string(next++));
    benchmark::DoNotOptimize(&logger);
  }
}
BENCHMARK(BM_new_logger)->Arg(0)->Arg(10000)->Arg(100000)->Iterations(20000);

void BM_has_sink(benchmark::State& state) {
  make_loggers(state.range(0));
  const auto& registry = sluice::detail::LoggerRegistry::instance();
  const std::shared_ptr<sluice::Sink> removed = std::make_shared<sluice_bench::NullSink>();
  for (auto _ : state) benchmark::DoNotOptimize(registry.has_sink(removed));
}
BENCHMARK(BM_has_sink)->Arg(0)->Arg(10000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
