// sluice-bench-throughput: how fast one thread can push records through to a
// file. The clock runs from the first log call until the last record is in
// the file (sluice::flush(); for spdlog, its flush request has been served and
// its worker has stopped). Every line must be there: a logger that drops
// records to look fast fails the run.

#include <sluice/sluice.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "support/bench_sinks.hpp"
#include "support/bench_util.hpp"
#if SLUICE_BENCH_HAVE_SPDLOG
#include "support/spdlog_setup.hpp"
#endif

namespace {

using namespace sluice_bench;

constexpr const char* kUsage = R"(usage: sluice-bench-throughput [flags]

Records per second from one thread to a file, until the last one is written.

  --records N        records per case                        (default 4000000)
  --cases LIST       sluice, spdlog                           (default: both)
  --sink KIND        sluice's sink: file (sluice::FileSink, when built) or
                     bench-file (a minimal file sink)   (default: file if built)
  --formatter F      sluice's formatter: library | spdlog-like (default library)
  --queue-bytes N    sluice's Options::queue_capacity         (default 1048576)
  --idle-sleep-us N  sluice's Options::idle_sleep             (default 100)
  --spdlog-queue N   spdlog's thread-pool queue, in records   (default 8192)
  --dir PATH         directory for the log files              (default /dev/shm)
  --keep-files 0|1   keep the log files (<dir>/<logger>-bench-throughput.<pid>.log)
                     instead of deleting them after the line count (default 0)
  --producer-cpu N   CPU of the logging thread                (default 0)
  --message M        int_int_double, or string100: "request: {}" with a clean
                     100-byte string                          (default int_int_double)
  --redaction 0|1    sluice's Options::redaction.enabled      (default 1)
  --backend-cpu N    CPU of sluice's backend and spdlog's worker (default 1)

Both loggers block when their queue is full (sluice: QueuePolicy::block,
spdlog: async_overflow_policy::block), so no record may be lost; the run
fails (exit 1) if a file does not have exactly --records lines.

"others" is the share of all CPUs that other processes used during the case:
on a shared machine, compare runs where it is near 0.

Smoke run: --records 10000
)";

struct Config {
  long long records = 0;
  std::vector<std::string> cases;
  std::string sink;
  std::string formatter;
  std::size_t queue_bytes = 0;
  long long idle_sleep_us = 0;
  std::size_t spdlog_queue = 0;
  std::string dir;
  bool keep_files = false;
  int producer_cpu = 0;
  int backend_cpu = 1;
  std::string message;
  bool redaction = true;
};

struct Result {
  std::string name;
  double seconds = 0;          // first call to last record written
  double enqueue_seconds = 0;  // first call to last call returning
  FileCount file;
  double foreign_load = 0;  // other processes' share of the CPUs meanwhile
};

using Clock = std::chrono::steady_clock;

// --message string100: what redaction scans, one clean string of 100 bytes
// (logs' usual mix of words, a path, numbers and key=value pairs).
const std::string kString100 =
    "GET /api/v2/orders/search?page=3&limit=50 from 10.0.3.17 status=200 took 12.5 ms, cache "
    "warm. ok 123";

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The files are hundreds of MB (in RAM, under /dev/shm): gone after counting
// unless asked to keep them.
FileCount count_and_remove(const Config& c, const std::string& path) {
  const FileCount count = count_lines(path);
  if (c.keep_files) {
    std::printf("kept %s\n", path.c_str());
  } else {
    std::remove(path.c_str());
  }
  return count;
}

Result run_sluice(const Config& c) {
  sluice::Options options;
  options.queue_capacity = c.queue_bytes;
  options.queue_policy = sluice::QueuePolicy::block;
  options.idle_sleep = std::chrono::microseconds{c.idle_sleep_us};
  options.backend_cpu = c.backend_cpu;
  options.redaction.enabled = c.redaction;
  sluice::start(options);
  const std::string path = log_path(c.dir, "sluice-bench-throughput");
  sluice::Logger& log = sluice::get_logger("bench");
  log.set_propagate(false);
  log.add_sink(make_sluice_sink(c.sink, path, c.formatter));
  const sluice::Stats before = sluice::stats();

  const auto start = Clock::now();
  if (c.message == "string100") {
    for (long long i = 0; i < c.records; ++i) SLUICE_INFO(log, "request: {}", kString100);
  } else {
    for (long long i = 0; i < c.records; ++i) {
      SLUICE_INFO(log, "Iteration: {} int: {} double: {}", i, i * 2, static_cast<double>(i) * 0.5);
    }
  }
  const auto enqueued = Clock::now();
  sluice::flush();
  const auto done = Clock::now();

  const sluice::Stats after = sluice::stats();
  log.clear_sinks();  // the sink's destructor closes the file
  sluice::stop();
  if (after.records_dropped != before.records_dropped || after.sink_errors != before.sink_errors) {
    std::fprintf(stderr, "sluice: %llu records dropped, %llu sink errors\n",
                 static_cast<unsigned long long>(after.records_dropped - before.records_dropped),
                 static_cast<unsigned long long>(after.sink_errors - before.sink_errors));
  }
  return {"sluice", seconds_between(start, done), seconds_between(start, enqueued),
          count_and_remove(c, path)};
}

#if SLUICE_BENCH_HAVE_SPDLOG
Result run_spdlog(const Config& c) {
  const std::string path = log_path(c.dir, "spdlog-bench-throughput");
  SpdlogAsync s =
      make_spdlog_async(path, c.spdlog_queue, spdlog::async_overflow_policy::block, c.backend_cpu);
  spdlog::async_logger& log = *s.logger;
  // The same message as sluice's case: the ratio printed at the end compares
  // the two.
  const auto start = Clock::now();
  if (c.message == "string100") {
    for (long long i = 0; i < c.records; ++i) log.info("request: {}", kString100);
  } else {
    for (long long i = 0; i < c.records; ++i) {
      log.info("Iteration: {} int: {} double: {}", i, i * 2, static_cast<double>(i) * 0.5);
    }
  }
  const auto enqueued = Clock::now();
  s.flush_and_stop();
  const auto done = Clock::now();
  return {"spdlog", seconds_between(start, done), seconds_between(start, enqueued),
          count_and_remove(c, path)};
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> all_cases = {"sluice"};
#if SLUICE_BENCH_HAVE_SPDLOG
  all_cases.push_back("spdlog");
  const char* default_cases = "sluice,spdlog";
#else
  const char* default_cases = "sluice";
#endif
  const Flags flags(argc, argv,
                    {{"records", "4000000"},
                     {"cases", default_cases},
                     {"sink", default_sink_kind()},
                     {"formatter", "library"},
                     {"queue-bytes", "1048576"},
                     {"idle-sleep-us", "100"},
                     {"spdlog-queue", "8192"},
                     {"dir", "/dev/shm"},
                     {"keep-files", "0"},
                     {"producer-cpu", "0"},
                     {"backend-cpu", "1"},
                     {"message", "int_int_double"},
                     {"redaction", "1"}},
                    kUsage);
  Config c;
  c.records = flags.integer("records");
  c.cases = flags.list("cases", all_cases);
  std::vector<std::string> file_sinks = sink_kinds();
  std::erase(file_sinks, "discard");  // the line count needs a file
  std::erase(file_sinks, "null");
  c.sink = flags.list("sink", file_sinks).at(0);
  c.formatter = flags.list("formatter", {"library", "spdlog-like"}).at(0);
  c.queue_bytes = static_cast<std::size_t>(flags.integer("queue-bytes"));
  c.idle_sleep_us = flags.integer("idle-sleep-us");
  c.spdlog_queue = static_cast<std::size_t>(flags.integer("spdlog-queue"));
  c.dir = flags.str("dir");
  c.keep_files = flags.integer("keep-files") != 0;
  c.producer_cpu = static_cast<int>(flags.integer("producer-cpu"));
  c.backend_cpu = static_cast<int>(flags.integer("backend-cpu"));
  c.message = flags.list("message", {"int_int_double", "string100"}).at(0);
  c.redaction = flags.integer("redaction") != 0;
  if (c.records == 0) flags.fail("--records must be > 0");

  pin_this_thread(c.producer_cpu);
  std::printf(
      "sluice-bench-throughput: %lld records of %s per case (redaction %s),\n"
      "one producer on CPU %d, backend on CPU %d; sluice sink: %s, formatter: %s\n",
      c.records,
      c.message == "string100" ? "\"request: {}\" with a 100-byte string"
                               : "\"Iteration: {} int: {} double: {}\"",
      c.redaction ? "on" : "off", c.producer_cpu, c.backend_cpu, c.sink.c_str(),
      c.formatter.c_str());
  std::fflush(stdout);

  std::vector<Result> results;
  for (const std::string& name : c.cases) {
    ForeignLoad load;
    if (name == "sluice") results.push_back(run_sluice(c));
#if SLUICE_BENCH_HAVE_SPDLOG
    if (name == "spdlog") results.push_back(run_spdlog(c));
#endif
    results.back().foreign_load = load.take();
  }

  bool ok = true;
  std::printf("\n%-8s %10s %14s %12s %14s %12s %10s %8s\n", "case", "seconds", "msgs/s",
              "enqueue s", "lines", "bytes", "B/record", "others");
  for (const Result& r : results) {
    std::printf("%-8s %10.3f %14.0f %12.3f %14llu %12llu %10.1f %7.0f%%\n", r.name.c_str(),
                r.seconds, static_cast<double>(c.records) / r.seconds, r.enqueue_seconds,
                static_cast<unsigned long long>(r.file.lines),
                static_cast<unsigned long long>(r.file.bytes),
                static_cast<double>(r.file.bytes) / static_cast<double>(c.records),
                r.foreign_load * 100);
    if (r.file.lines != static_cast<std::uint64_t>(c.records)) {
      std::fprintf(stderr, "FAILED: %s wrote %llu lines, expected %lld\n", r.name.c_str(),
                   static_cast<unsigned long long>(r.file.lines), c.records);
      ok = false;
    }
  }
  const Result* sluice_result = nullptr;
  const Result* spdlog_result = nullptr;
  for (const Result& r : results) (r.name == "sluice" ? sluice_result : spdlog_result) = &r;
  if (sluice_result != nullptr && spdlog_result != nullptr) {
    std::printf("\nsluice/spdlog throughput: %.2fx\n",
                spdlog_result->seconds / sluice_result->seconds);
  }
  return ok ? 0 : 1;
}
