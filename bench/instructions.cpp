// sluice-bench-instructions: instructions per log call on the calling
// thread, sluice against spdlog async, for the four latency messages. Timings
// on a shared VM swing by 2x from run to run; instruction counts do not.
//
// Run it under callgrind; each measure_* function makes --calls calls, so its
// inclusive count divided by --calls is the cost per call (loop included,
// ~3 instructions). Two commands, from build-bench/bench:
//
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out ./sluice-bench-instructions
//   callgrind_annotate --inclusive=yes --threshold=100 /tmp/cg.out | grep measure_
//
// Without valgrind it just runs (a second or so), which is its smoke test.
// sluice's ring is made large enough that no call takes the slow path; its
// backend runs with no sink, spdlog's worker writes to /dev/shm.

#include <sluice/sluice.hpp>

#include <cstdio>
#include <string>

#include "support/bench_util.hpp"
#include "support/messages.hpp"
#if SLUICE_BENCH_HAVE_SPDLOG
#include "support/spdlog_setup.hpp"
#endif

namespace {

using namespace sluice_bench;

// noipa, not just noinline: GCC's identical-code folding would otherwise
// merge measure_disabled with measure_sluice<IntIntDouble> (same body) and
// report their sum under one name.

constexpr const char* kUsage = R"(usage: sluice-bench-instructions [--calls N]

Makes N calls of each message (default 100000) in functions named
measure_sluice<Message>, measure_spdlog<Message> and measure_disabled, for
callgrind to count; see the comment at the top of bench/instructions.cpp.
)";

template <class Message>
[[gnu::noipa]] void measure_sluice(const sluice::Logger& log, int calls) {
  for (int i = 0; i < calls; ++i) Message::log_sluice(log, i);
}

[[gnu::noipa]] void measure_disabled(const sluice::Logger& log, int calls) {
  for (int i = 0; i < calls; ++i) IntIntDouble::log_sluice(log, i);
}

#if SLUICE_BENCH_HAVE_SPDLOG
template <class Message>
[[gnu::noipa]] void measure_spdlog(spdlog::logger& log, int calls) {
  for (int i = 0; i < calls; ++i) Message::log_spdlog(log, i);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const Flags flags(argc, argv, {{"calls", "100000"}}, kUsage);
  const int calls = static_cast<int>(flags.integer("calls"));

  sluice::Options options;
  options.queue_capacity = std::size_t{1} << 27;  // 4 x 100k records fit: no slow path
  sluice::start(options);
  sluice::Logger& log = sluice::get_logger("bench.instructions");
  log.set_propagate(false);
  sluice::Logger& off = sluice::get_logger("bench.instructions.off");
  off.set_level(sluice::Level::warning);
  IntIntDouble::log_sluice(log, 0);  // creates this thread's queue outside the measured calls

  measure_sluice<IntIntDouble>(log, calls);
  measure_sluice<IntIntString>(log, calls);
  measure_sluice<StaticText>(log, calls);
  measure_sluice<Fields>(log, calls);
  measure_disabled(off, calls);
  sluice::flush();
  const sluice::Stats stats = sluice::stats();
  sluice::stop();
  if (stats.records_dropped != 0) {
    std::fprintf(stderr, "warning: %llu records dropped: counts include the slow path\n",
                 static_cast<unsigned long long>(stats.records_dropped));
  }

#if SLUICE_BENCH_HAVE_SPDLOG
  const std::string path = log_path("/dev/shm", "spdlog-bench-instructions");
  SpdlogAsync s =
      make_spdlog_async(path, std::size_t{1} << 19, spdlog::async_overflow_policy::block, -1);
  measure_spdlog<IntIntDouble>(*s.logger, calls);
  measure_spdlog<IntIntString>(*s.logger, calls);
  measure_spdlog<StaticText>(*s.logger, calls);
  measure_spdlog<Fields>(*s.logger, calls);
  s.flush_and_stop();
  std::remove(path.c_str());
#endif
  std::printf("%d calls per message; count them with callgrind (see bench/instructions.cpp)\n",
              calls);
  return 0;
}
