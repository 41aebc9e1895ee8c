// sluice-bench-loggers: the cost of get_logger() for a name not seen before,
// with at least N loggers already made. Creating one must not depend on how
// many exist (it once recomputed every logger's level: creating 100,000 took
// 7-20 s). Loggers are never destroyed, so every iteration adds one: the
// iteration count is fixed to keep the process small.
//
//   sluice-bench-loggers    BM_new_logger/<N>: ns per new logger

#include <benchmark/benchmark.h>
#include <sluice/sluice.hpp>

#include <string>

namespace {

void BM_new_logger(benchmark::State& state) {
  static long made = 0;
  for (; made < state.range(0); ++made)
    sluice::get_logger("bench.existing." + std::to_string(made));
  static long next = 0;
  for (auto _ : state) {
    sluice::Logger& logger = sluice::get_logger("bench.new." + std::to_string(next++));
    benchmark::DoNotOptimize(&logger);
  }
}
BENCHMARK(BM_new_logger)->Arg(0)->Arg(10000)->Arg(100000)->Iterations(20000);

}  // namespace

BENCHMARK_MAIN();
