// The benchmarks' arithmetic (bench/support/bench_util.hpp): the percentiles
// the latency tables print, and the TSC-to-nanoseconds rate their samples
// are converted with. A wrong rank or an inverted rate would move every
// published figure while every benchmark still runs.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

#include "support/bench_util.hpp"

namespace {

using sluice_bench::percentile;

std::vector<double> one_to(int n) {
  std::vector<double> v;
  for (int i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE(
    "percentile: nearest rank, the smallest value with at least q of the samples at or below it") {
  const std::vector<double> hundred = one_to(100);
  CHECK(percentile(hundred, 0.50) == 50);
  CHECK(percentile(hundred, 0.75) == 75);
  CHECK(percentile(hundred, 0.90) == 90);
  CHECK(percentile(hundred, 0.95) == 95);
  CHECK(percentile(hundred, 0.99) == 99);
  CHECK(percentile(hundred, 0.999) == 100);

  // 2500 samples, the latency benchmark's default: p99.9 is the third-worst.
  const std::vector<double> samples = one_to(2500);
  CHECK(percentile(samples, 0.50) == 1250);
  CHECK(percentile(samples, 0.99) == 2475);
  CHECK(percentile(samples, 0.999) == 2498);

  const std::vector<double> four = {10, 20, 30, 40};
  CHECK(percentile(four, 0.50) == 20);
  CHECK(percentile(four, 0.51) == 30);
  CHECK(percentile(four, 0.0) == 10);
  CHECK(percentile(four, 1.0) == 40);
}

TEST_CASE("percentile: the rank is exact for every sample count the benchmarks print") {
  // q * n in floating point must not round up past an integer rank.
  const std::pair<double, long> quantiles[] = {{0.50, 500}, {0.75, 750}, {0.90, 900},
                                               {0.95, 950}, {0.99, 990}, {0.999, 999}};
  std::vector<double> sorted;
  for (long n = 1; n <= 30000; ++n) {
    sorted.push_back(static_cast<double>(n));
    for (const auto& [q, per_mille] : quantiles) {
      const long rank = (per_mille * n + 999) / 1000;
      INFO("q = " << q << ", n = " << n);
      REQUIRE(percentile(sorted, q) == static_cast<double>(rank));
    }
  }
}

TEST_CASE("percentile: no samples gives 0, one sample is every percentile") {
  CHECK(percentile({}, 0.5) == 0.0);
  CHECK(percentile({7.0}, 0.0) == 7.0);
  CHECK(percentile({7.0}, 0.999) == 7.0);
}

TEST_CASE("calibrate_ns_per_tick: TSC ticks times the rate give steady_clock's nanoseconds") {
  const double ns_per_tick = sluice_bench::calibrate_ns_per_tick(std::chrono::milliseconds{100});
  // Any x86-64 TSC of the last 15 years runs between 0.5 and 6 GHz.
  CHECK(ns_per_tick > 1 / 6.0);
  CHECK(ns_per_tick < 1 / 0.5);

  const std::uint64_t t0 = __rdtsc();
  const auto c0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  const std::uint64_t t1 = __rdtsc();
  const auto c1 = std::chrono::steady_clock::now();
  const double tsc_ns = static_cast<double>(t1 - t0) * ns_per_tick;
  const double clock_ns = std::chrono::duration<double, std::nano>(c1 - c0).count();
  // 10%: what this guards against, a wrong unit or a rate inverted, is off
  // by 2.6x or more here; a preemption between a TSC read and a clock read
  // (in the calibration or above) costs a few ms, more while the whole
  // suite runs on two cores.
  CHECK(std::abs(tsc_ns - clock_ns) < 0.10 * clock_ns);
}
