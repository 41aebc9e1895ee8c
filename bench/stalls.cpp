// sluice-bench-stalls: what the p99.9 column of sluice-bench-latency is made
// of. The same batches (20 int/int/double calls, then a 2 ms sleep), but every
// call is timed on its own, and a batch slower than --stall-ns per call is
// reported with its slowest call and the thread's page faults and context
// switches around the batch (getrusage). On this project's VM nearly every
// such batch is one call stalled for 10-50 us with no fault and no switch;
// their number grows with the pages the calls write (docs/design.md, "Early
// wrap").
//
// It also prints each call position's median: most of the p50 gap between
// sluice and the floor is the first call of each batch. --touch-ring stores
// 8 bytes into the free part of the ring just before each batch, off the
// clock; with it the first call costs what the others do (docs/performance.md,
// "The first call after a pause").
//
// The extra rdtsc per call makes the calls slower than in
// sluice-bench-latency; count stalls here, take percentiles there.

#include <sluice/sluice.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/bench_sinks.hpp"
#include "support/bench_util.hpp"
#include "support/floor_ring.hpp"
#include "support/messages.hpp"
#include "support/touch_ring.hpp"

namespace {

using namespace sluice_bench;

constexpr const char* kUsage = R"(usage: sluice-bench-stalls [flags]

Batches of int/int/double calls with each call timed; lists the batches whose
mean per call is above --stall-ns (the p99.9 target).

  --batches N        measured batches per case         (default 3000)
  --cases LIST       floor, floor-spsc, sluice-busy, sluice-default
                     (default: floor, sluice-busy, sluice-default)
  --floor-ring N     bytes of the floor's ring           (default 65536)
  --queue-bytes N    sluice's Options::queue_capacity   (default 1048576)
  --stall-ns N       report batches slower than this per call (default 400)
  --dir PATH         directory for sluice's log file     (default /dev/shm)
  --touch-ring 0|1   1: before each batch, off the clock, store 8 bytes into
                     the free part of the ring (the floor's or this thread's
                     queue)                             (default 0)

Smoke run: --batches 20
)";

constexpr int kBatchSize = 20;
constexpr int kWarmup = 40;

struct Stall {
  long batch;
  double batch_ns;  // per call
  int worst_call;
  double worst_ns;
  long minor_faults;
  long context_switches;
};

rusage thread_usage() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u;
}

/// The median time of the k-th call of a batch, for each k.
void print_position_medians(const std::string& name,
                            std::vector<std::vector<double>>& by_position) {
  std::printf("%-15s p50 by call:", name.c_str());
  for (std::vector<double>& ns : by_position) {
    std::nth_element(ns.begin(), ns.begin() + static_cast<long>(ns.size() / 2), ns.end());
    std::printf(" %.0f", ns[ns.size() / 2]);
  }
  std::printf("\n");
}

template <class Touch, class Log>
void run_case(const std::string& name, long batches, double ns_per_tick, double stall_ns,
              Touch&& touch, Log&& log) {
  std::vector<Stall> stalls;
  std::vector<std::vector<double>> by_position(kBatchSize);
  std::uint64_t ticks[kBatchSize];
  for (long batch = 0; batch < kWarmup + batches; ++batch) {
    const rusage before = thread_usage();
    touch();
    std::uint64_t last = __rdtsc();
    const std::uint64_t start = last;
    for (int k = 0; k < kBatchSize; ++k) {
      log(static_cast<int>(batch * kBatchSize + k));
      const std::uint64_t now = __rdtsc();
      ticks[k] = now - last;
      last = now;
    }
    const double batch_ns = static_cast<double>(last - start) * ns_per_tick / kBatchSize;
    const rusage after = thread_usage();
    if (batch >= kWarmup) {
      for (int k = 0; k < kBatchSize; ++k) {
        by_position[static_cast<std::size_t>(k)].push_back(static_cast<double>(ticks[k]) *
                                                           ns_per_tick);
      }
    }
    if (batch >= kWarmup && batch_ns > stall_ns) {
      const int worst = static_cast<int>(std::max_element(ticks, ticks + kBatchSize) - ticks);
      stalls.push_back({batch - kWarmup, batch_ns, worst,
                        static_cast<double>(ticks[worst]) * ns_per_tick,
                        after.ru_minflt - before.ru_minflt,
                        (after.ru_nvcsw - before.ru_nvcsw) + (after.ru_nivcsw - before.ru_nivcsw)});
    }
    std::this_thread::sleep_for(std::chrono::microseconds{2000});
  }
  print_position_medians(name, by_position);
  std::printf("%-15s %5zu of %ld batches above %.0f ns per call\n", name.c_str(), stalls.size(),
              batches, stall_ns);
  for (const Stall& s : stalls) {
    std::printf("    batch %5ld: %7.1f ns/call; call %2d took %8.0f ns; %ld faults, %ld switches\n",
                s.batch, s.batch_ns, s.worst_call, s.worst_ns, s.minor_faults, s.context_switches);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags(argc, argv,
                    {{"batches", "3000"},
                     {"cases", "floor,sluice-busy,sluice-default"},
                     {"floor-ring", "65536"},
                     {"queue-bytes", "1048576"},
                     {"stall-ns", "400"},
                     {"dir", "/dev/shm"},
                     {"touch-ring", "0"}},
                    kUsage);
  const long batches = flags.integer("batches");
  const std::vector<std::string> cases =
      flags.list("cases", {"floor", "floor-spsc", "sluice-busy", "sluice-default"});
  const auto floor_ring = static_cast<std::size_t>(flags.integer("floor-ring"));
  if (floor_ring < 64 || (floor_ring & (floor_ring - 1)) != 0) {
    flags.fail("--floor-ring must be a power of two, at least 64");
  }
  const double stall_ns = static_cast<double>(flags.integer("stall-ns"));
  pin_this_thread(0);
  const double ns_per_tick = calibrate_ns_per_tick();

  const bool touch_ring = flags.integer("touch-ring") != 0;

  for (const std::string& name : cases) {
    if (name == "floor" || name == "floor-spsc") {
      FloorRing ring(floor_ring);
      std::optional<FloorConsumer> consumer;
      if (name == "floor-spsc") consumer.emplace(ring, 1, ns_per_tick);
      run_case(
          name, batches, ns_per_tick, stall_ns,
          [&] {
            if (touch_ring) ring.touch_ahead();
          },
          [&](int i) { log_floor<IntIntDouble>(ring, i); });
      continue;
    }
    sluice::Options options;
    options.backend_cpu = 1;
    options.queue_capacity = static_cast<std::size_t>(flags.integer("queue-bytes"));
    if (name == "sluice-busy") options.idle_sleep = std::chrono::microseconds{0};
    sluice::start(options);
    sluice::Logger& log = sluice::get_logger("bench");
    log.set_propagate(false);
    const std::string path = log_path(flags.str("dir"), "sluice-bench-stalls");
    log.add_sink(make_sluice_sink(sink_kinds().at(0), path, "library"));
    run_case(
        name, batches, ns_per_tick, stall_ns,
        [&] {
          if (touch_ring) touch_sluice_queue();
        },
        [&](int i) { IntIntDouble::log_sluice(log, i); });
    log.clear_sinks();
    sluice::stop();
    std::remove(path.c_str());
  }
}
