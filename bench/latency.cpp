// sluice-bench-latency: what a log call costs the calling thread.
//
// The methodology of the public logger benchmarks: the producer is pinned to
// one CPU and the logger's backend thread to another; after a warm-up, each
// batch of `--batch-size` calls is timed with rdtsc, the batch's mean per call
// is one sample, and the thread sleeps ~2 ms before the next batch (so every
// batch starts with the queue drained and the caches as a real program's
// would be between bursts). Percentiles are over the samples.
//
// The machine these run on is shared, and its load drifts. So that drift
// hits every case alike, the batches are split into rounds, and every round
// runs every case (a fresh logger each time) for its share of the batches.
// With --max-others, a round during which other processes used more than
// that share of the CPUs is thrown away and run again.

#include <sluice/sluice.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/bench_sinks.hpp"
#include "support/bench_util.hpp"
#include "support/floor_ring.hpp"
#include "support/messages.hpp"
#include "support/touch_ring.hpp"
#if SLUICE_BENCH_HAVE_SPDLOG
#include "support/spdlog_setup.hpp"
#endif

namespace {

using namespace sluice_bench;

constexpr const char* kUsage = R"(usage: sluice-bench-latency [flags]

Per-call latency of a log statement (ns), batches of calls timed with rdtsc.

  --batches N        measured batches per case              (default 2500)
  --rounds N         the batches are spread over N rounds of all cases (default 10)
  --max-others PCT   discard and repeat a round in which other processes used
                     more than PCT% of the CPUs (default 100: keep every round)
  --max-attempts N   give up after N rounds in all     (default 4 x --rounds)
  --warmup N         unmeasured batches per case and round  (default 40)
  --batch-size N     calls per batch                        (default 20)
  --sleep-us N       pause after every batch, microseconds  (default 2000)
  --cases LIST       comma-separated, from: floor, floor-spsc, sluice-busy,
                     sluice-default, spdlog    (default: all but floor-spsc)
  --messages LIST    int_int_double, int_int_string, static_text, fields (default: all)
  --sink LIST        sluice's sinks: file (sluice::FileSink, when built),
                     bench-file (a minimal file sink), discard (formats the
                     message, no I/O), null (reads nothing of the record)
                                                (default: file if built, else discard)
                     With more than one, each sluice case runs once per sink
                     in every round ("sluice-busy/discard"): a comparison
                     inside one run, which a noisy host allows
  --formatter F      sluice's formatter: library | spdlog-like (default library)
  --dir PATH         directory for the log files                (default /dev/shm)
  --producer-cpu N   CPU of the logging thread                  (default 0)
  --backend-cpu N    CPU of sluice's backend and spdlog's worker (default 1)
  --queue-bytes N    sluice's Options::queue_capacity        (default 1048576)
  --touch-ring 0|1   1: before each batch, off the clock, store 8 bytes into
                     the free part of the floor's ring or sluice's queue
                     (a diagnostic: docs/performance.md, "The first call
                     after a pause")                         (default 0)

Cases: floor = rdtsc + a 32-byte store + a release store, no consumer;
floor-spsc = the same with a consumer polling it from the backend CPU;
sluice-busy = Options::idle_sleep = 0; sluice-default = default Options
(except backend_cpu); spdlog = spdlog::async_logger, basic_file_sink, a
65,536-slot queue, async_overflow_policy::block.
The run fails (exit 1) if a logger's file lacks a record, or sluice lost one
or reported a sink error.

Smoke run (a second or two): --batches 50 --rounds 1 --warmup 5 --sleep-us 100
On a shared machine: --rounds 25 --max-others 10 (keeps only quiet rounds)
)";

struct Config {
  long batches = 0;
  long rounds = 0;
  long max_others = 100;
  long max_attempts = 0;
  long warmup = 0;
  int batch_size = 0;
  long sleep_us = 0;
  std::vector<std::string> cases;
  std::vector<std::string> messages;
  std::vector<std::string> sinks;
  std::string formatter;
  std::string dir;
  int producer_cpu = 0;
  int backend_cpu = 1;
  std::size_t queue_bytes = 1u << 20;
  bool touch_ring = false;
  double ns_per_tick = 1.0;
};

/// "sluice-busy", or "sluice-busy/discard" when the run compares sinks.
std::string sluice_case_name(const Config& c, bool busy, const std::string& sink) {
  std::string name = busy ? "sluice-busy" : "sluice-default";
  if (c.sinks.size() > 1) name += "/" + sink;
  return name;
}

std::vector<std::string> sluice_case_names(const Config& c) {
  std::vector<std::string> names;
  for (const bool busy : {true, false}) {
    for (const std::string& sink : c.sinks) names.push_back(sluice_case_name(c, busy, sink));
  }
  return names;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

struct Row {
  std::string logger;
  std::string message;
  std::vector<double> samples;  // ns per call, one per batch; sorted before printing
  double p(double q) const { return percentile(samples, q); }
};

class Rows {
 public:
  void add(const Rows& other) {
    for (const Row& row : other.rows_) add(row.logger, row.message, row.samples);
  }
  void add(const std::string& logger, const std::string& message,
           const std::vector<double>& samples) {
    for (Row& row : rows_) {
      if (row.logger == logger && row.message == message) {
        row.samples.insert(row.samples.end(), samples.begin(), samples.end());
        return;
      }
    }
    rows_.push_back({logger, message, samples});
  }
  std::vector<Row>& all() { return rows_; }

 private:
  std::vector<Row> rows_;
};

// rdtsc is not a compiler barrier: keep the calls between the two reads.
inline std::uint64_t fenced_rdtsc() noexcept {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const std::uint64_t t = __rdtsc();
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return t;
}

// `batches` measured batches after c.warmup unmeasured ones; `touch` runs
// before each, off the clock.
template <class Touch, class Log>
std::vector<double> measure(const Config& c, long batches, Touch&& touch, Log&& log) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(batches));
  int i = 0;
  for (long batch = 0; batch < c.warmup + batches; ++batch) {
    touch();
    const std::uint64_t start = fenced_rdtsc();
    for (int k = 0; k < c.batch_size; ++k) log(i++);
    const std::uint64_t end = fenced_rdtsc();
    if (batch >= c.warmup) {
      samples.push_back(static_cast<double>(end - start) * c.ns_per_tick / c.batch_size);
    }
    if (c.sleep_us > 0) std::this_thread::sleep_for(std::chrono::microseconds{c.sleep_us});
  }
  return samples;
}

void run_floor(const Config& c, long batches, bool with_consumer, Rows& rows) {
  FloorRing ring;
  std::optional<FloorConsumer> consumer;
  if (with_consumer) consumer.emplace(ring, c.backend_cpu, c.ns_per_tick);
  const std::string name = with_consumer ? "floor-spsc" : "floor";
  for (const std::string& message : c.messages) {
    with_message(message, [&]<class M>() {
      rows.add(name, M::name,
               measure(
                   c, batches,
                   [&] {
                     if (c.touch_ring) ring.touch_ahead();
                   },
                   [&](int i) { log_floor<M>(ring, i); }));
    });
  }
}

// Records a case logged: a file short of them means the logger did other
// work than the other cases (an error path), and the run fails.
std::uint64_t records_logged(const Config& c, long batches) {
  return static_cast<std::uint64_t>(c.messages.size()) *
         static_cast<std::uint64_t>(c.warmup + batches) * static_cast<std::uint64_t>(c.batch_size);
}

bool check_lines(const char* name, const std::string& path, std::uint64_t expected) {
  const FileCount count = count_lines(path);
  if (count.lines == expected) return true;
  std::fprintf(stderr, "FAILED: %s wrote %llu lines to %s, expected %llu\n", name,
               static_cast<unsigned long long>(count.lines), path.c_str(),
               static_cast<unsigned long long>(expected));
  return false;
}

/// False if a record was lost or a sink failed.
bool run_sluice(const Config& c, const std::string& sink, long batches, bool busy, Rows& rows) {
  sluice::Options options;
  options.backend_cpu = c.backend_cpu;
  options.queue_capacity = c.queue_bytes;
  if (busy) options.idle_sleep = std::chrono::microseconds{0};
  sluice::start(options);
  const sluice::Stats before = sluice::stats();

  sluice::Logger& log = sluice::get_logger("bench");
  log.set_propagate(false);
  const std::string path = log_path(c.dir, "sluice-bench-latency");
  log.add_sink(make_sluice_sink(sink, path, c.formatter));
  const std::string name = sluice_case_name(c, busy, sink);
  for (const std::string& message : c.messages) {
    with_message(message, [&]<class M>() {
      rows.add(name, M::name,
               measure(
                   c, batches,
                   [&] {
                     if (c.touch_ring) touch_sluice_queue();
                   },
                   [&](int i) { M::log_sluice(log, i); }));
    });
  }
  sluice::flush();
  const sluice::Stats after = sluice::stats();
  const std::uint64_t expected = records_logged(c, batches);
  const std::uint64_t processed = after.records_processed - before.records_processed;
  const std::uint64_t dropped = after.records_dropped - before.records_dropped;
  bool complete = true;
  if (processed != expected || dropped != 0 || after.sink_errors != before.sink_errors) {
    std::fprintf(
        stderr, "FAILED: %s: %llu records processed of %llu, %llu dropped, %llu sink errors\n",
        name.c_str(), static_cast<unsigned long long>(processed),
        static_cast<unsigned long long>(expected), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(after.sink_errors - before.sink_errors));
    complete = false;
  }
  log.clear_sinks();  // the sink's destructor closes the file
  sluice::stop();
  if (sink != "discard" && sink != "null")
    complete = check_lines(name.c_str(), path, expected) && complete;
  std::remove(path.c_str());
  return complete;
}

#if SLUICE_BENCH_HAVE_SPDLOG
/// False if spdlog's file lacks a record.
bool run_spdlog(const Config& c, long batches, Rows& rows) {
  // Big enough that a batch never waits for the worker (it holds
  // warmup + batches fewer records than that at any time anyway).
  const std::string path = log_path(c.dir, "spdlog-bench-latency");
  SpdlogAsync s = make_spdlog_async(path, std::size_t{1} << 16,
                                    spdlog::async_overflow_policy::block, c.backend_cpu);
  for (const std::string& message : c.messages) {
    with_message(message, [&]<class M>() {
      rows.add("spdlog", M::name,
               measure(
                   c, batches, [] {}, [&](int i) { M::log_spdlog(*s.logger, i); }));
    });
  }
  s.flush_and_stop();
  const bool complete = check_lines("spdlog", path, records_logged(c, batches));
  std::remove(path.c_str());
  return complete;
}
#endif

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

const Row* find(const std::vector<Row>& rows, const std::string& logger,
                const std::string& message) {
  for (const Row& r : rows) {
    if (r.logger == logger && r.message == message) return &r;
  }
  return nullptr;
}

// The p99.9 target: a sample above it is, on this VM, a batch with one call
// stalled for tens of microseconds, and their count says more than p99.9.
constexpr double kStalledNs = 400;

void print(const Config& c, const std::vector<Row>& rows, const std::vector<double>& foreign) {
  std::printf("\n%-22s %-15s %8s %8s %8s %8s %8s %8s %7s\n", "case", "message", "p50", "p75", "p90",
              "p95", "p99", "p99.9", ">400ns");
  for (const Row& r : rows) {
    const auto stalled = std::count_if(r.samples.begin(), r.samples.end(),
                                       [](double ns) { return ns > kStalledNs; });
    std::printf("%-22s %-15s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %7ld\n", r.logger.c_str(),
                r.message.c_str(), r.p(0.50), r.p(0.75), r.p(0.90), r.p(0.95), r.p(0.99),
                r.p(0.999), static_cast<long>(stalled));
  }
  const std::size_t samples = rows.empty() ? 0 : rows.front().samples.size();
  std::printf(
      "(ns per call; one sample = the mean of a batch of %d calls; %zu samples per case,\n"
      " taken in %zu rounds; >400ns = samples above the p99.9 target, nearly all of them\n"
      " one stalled call of 10-50 us: see docs/design.md, \"Early wrap\")\n",
      c.batch_size, samples, foreign.size());
  std::printf("other processes' CPU use during the rounds (%% of all CPUs):");
  for (const double f : foreign) std::printf(" %.0f", f * 100);
  std::printf("\n");

  bool header = false;
  for (const std::string& message : c.messages) {
    const Row* spd = find(rows, "spdlog", message);
    if (spd == nullptr) continue;
    for (const std::string& mine : sluice_case_names(c)) {
      const Row* r = find(rows, mine, message);
      if (r == nullptr) continue;
      if (!header) {
        std::printf("\n%-15s %-22s %12s %12s %16s\n", "message", "sluice case", "spdlog p50",
                    "sluice p50", "spdlog/sluice");
        header = true;
      }
      std::printf("%-15s %-22s %12.1f %12.1f %15.1fx\n", message.c_str(), mine.c_str(), spd->p(0.5),
                  r->p(0.5), spd->p(0.5) / r->p(0.5));
    }
  }

  // The issue's targets, for the int/int/double message.
  header = false;
  for (const std::string& mine : sluice_case_names(c)) {
    const Row* r = find(rows, mine, IntIntDouble::name);
    if (r == nullptr) continue;
    if (!header) {
      std::printf("\ntargets (int_int_double):\n");
      header = true;
    }
    const auto check = [&](const char* what, double value, double limit) {
      std::printf("  %-22s %-22s %8.1f ns  <= %5.0f  %s\n", mine.c_str(), what, value, limit,
                  value <= limit ? "met" : "MISSED");
    };
    check("p50", r->p(0.50), 30);
    check("p99", r->p(0.99), 100);
    check("p99.9", r->p(0.999), kStalledNs);
    if (const Row* spd = find(rows, "spdlog", IntIntDouble::name)) {
      const double ratio = spd->p(0.5) / r->p(0.5);
      std::printf("  %-22s %-22s %8.1f x   >= %5.0f  %s\n", mine.c_str(), "spdlog p50 / sluice p50",
                  ratio, 30.0, ratio >= 30 ? "met" : "MISSED");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> all_cases = {"floor", "floor-spsc", "sluice-busy", "sluice-default"};
#if SLUICE_BENCH_HAVE_SPDLOG
  all_cases.push_back("spdlog");
  const char* default_cases = "floor,sluice-busy,sluice-default,spdlog";
#else
  const char* default_cases = "floor,sluice-busy,sluice-default";
#endif
  const Flags flags(
      argc, argv,
      {
        {"batches", "2500"}, {"rounds", "10"}, {"max-others", "100"}, {"max-attempts", "0"},
            {"warmup", "40"}, {"batch-size", "20"}, {"sleep-us", "2000"}, {"cases", default_cases},
            {"messages", "int_int_double,int_int_string,static_text,fields"},
#if SLUICE_BENCH_HAVE_FILE_SINK
            {"sink", "file"},
#else
            {"sink", "discard"},
#endif
            {"formatter", "library"}, {"dir", "/dev/shm"}, {"producer-cpu", "0"},
            {"backend-cpu", "1"}, {"queue-bytes", "1048576"}, {
          "touch-ring", "0"
        }
      },
      kUsage);
  Config c;
  c.batches = flags.integer("batches");
  c.rounds = flags.integer("rounds");
  c.max_others = flags.integer("max-others");
  c.max_attempts = flags.integer("max-attempts");
  if (c.max_attempts == 0) c.max_attempts = 4 * c.rounds;
  c.warmup = flags.integer("warmup");
  c.batch_size = static_cast<int>(flags.integer("batch-size"));
  c.sleep_us = flags.integer("sleep-us");
  c.cases = flags.list("cases", all_cases);
  c.messages = flags.list("messages", kMessageNames);
  c.sinks = flags.list("sink", sink_kinds());
  c.formatter = flags.list("formatter", {"library", "spdlog-like"}).at(0);
  c.dir = flags.str("dir");
  c.producer_cpu = static_cast<int>(flags.integer("producer-cpu"));
  c.backend_cpu = static_cast<int>(flags.integer("backend-cpu"));
  c.queue_bytes = static_cast<std::size_t>(flags.integer("queue-bytes"));
  c.touch_ring = flags.integer("touch-ring") != 0;
  if (c.batches == 0 || c.batch_size == 0 || c.rounds == 0 || c.rounds > c.batches) {
    flags.fail("--batches, --rounds and --batch-size must be > 0, and --rounds <= --batches");
  }

  pin_this_thread(c.producer_cpu);
  c.ns_per_tick = calibrate_ns_per_tick();
  std::printf(
      "sluice-bench-latency: %s, %u CPUs, TSC %.3f GHz; producer on CPU %d, backend on CPU %d\n",
      cpu_model().c_str(), std::thread::hardware_concurrency(), 1.0 / c.ns_per_tick, c.producer_cpu,
      c.backend_cpu);
  std::printf(
      "%ld batches of %d calls in %ld rounds (+%ld warm-up per round), %ld us apart;\n"
      "sluice sink: %s, formatter: %s\n",
      c.batches, c.batch_size, c.rounds, c.warmup, c.sleep_us, join(c.sinks).c_str(),
      c.formatter.c_str());
  std::fflush(stdout);

  Rows rows;
  std::vector<double> foreign;
  ForeignLoad load;
  const auto started = std::chrono::steady_clock::now();
  long round = 0;
  bool complete = true;  // every record of every case in its file
  for (long attempt = 0; round < c.rounds && attempt < c.max_attempts; ++attempt) {
    // The first rounds take the remainder, so that the total is c.batches.
    const long batches = c.batches / c.rounds + (round < c.batches % c.rounds ? 1 : 0);
    Rows this_round;
    for (const std::string& name : c.cases) {
      if (name == "floor") run_floor(c, batches, false, this_round);
      if (name == "floor-spsc") run_floor(c, batches, true, this_round);
      for (const std::string& sink : c.sinks) {
        if (name == "sluice-busy")
          complete = run_sluice(c, sink, batches, true, this_round) && complete;
        if (name == "sluice-default") {
          complete = run_sluice(c, sink, batches, false, this_round) && complete;
        }
      }
#if SLUICE_BENCH_HAVE_SPDLOG
      if (name == "spdlog") complete = run_spdlog(c, batches, this_round) && complete;
#endif
    }
    const double others = load.take();
    const bool kept = others * 100 <= static_cast<double>(c.max_others);
    std::fprintf(stderr, "  round %ld of %ld %s at %.1f s (other processes: %.0f%% of the CPUs)\n",
                 round + 1, c.rounds, kept ? "done" : "discarded",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                 others * 100);
    if (!kept) continue;
    rows.add(this_round);
    foreign.push_back(others);
    ++round;
  }
  if (round < c.rounds) {
    std::fprintf(stderr, "warning: only %ld of %ld rounds were quiet enough (--max-others %ld)\n",
                 round, c.rounds, c.max_others);
    if (round == 0) return 1;
  }
  for (Row& row : rows.all()) std::sort(row.samples.begin(), row.samples.end());
  print(c, rows.all(), foreign);
  if (!complete) {
    std::fprintf(stderr, "FAILED: a logger lost records or failed to write them (above)\n");
    return 1;
  }
  return 0;
}
