// sluice-bench-binary-sink: one thread logs the throughput message through
// BinaryFileSink, BinaryFileSink with zstd, and the text FileSink, in the same
// run; each case is timed from the first call until sluice::flush() returns
// (the last record is in the file). Prints records/s and bytes/record per
// case and the binary/text ratio. Every record must be in every file: the
// binary files are decoded and counted, the text file's lines counted.

#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace sluice_bench;

constexpr const char* kUsage = R"(usage: sluice-bench-binary-sink [flags]

Records per second from one thread to a binary log, a zstd-compressed binary
log and a text log (sluice::FileSink, default pattern), in one run, each until
the last record is in its file.

  --records N        records per case                        (default 4000000)
  --cases LIST       binary, zstd, text                      (default: all three)
  --zstd-level N     BinaryFileOptions::compression_level    (default 3)
  --block-size N     BinaryFileOptions::block_size           (default 65536)
  --queue-bytes N    Options::queue_capacity                 (default 1048576)
  --idle-sleep-us N  Options::idle_sleep                     (default 100)
  --interval-us N    one record every N us, not as fast as possible: a
                     light load, where the backend goes idle and flushes
                     between records; for bytes/record (default 0)
  --dir PATH         directory for the files                 (default /dev/shm)
  --keep-files 0|1   keep the files instead of deleting them (default 0)
  --producer-cpu N   CPU of the logging thread               (default 0)
  --backend-cpu N    CPU of the backend                      (default 1)

The queue blocks when full (QueuePolicy::block), so no record may be lost;
the run fails (exit 1) unless each file holds exactly --records records.

Smoke run: --records 10000
Light load (2 s at one record per ms): --records 2000 --interval-us 1000
)";

struct Config {
  long long records = 0;
  std::vector<std::string> cases;
  int zstd_level = 3;
  std::size_t block_size = 0;
  std::size_t queue_bytes = 0;
  long long idle_sleep_us = 0;
  long long interval_us = 0;
  std::string dir;
  bool keep_files = false;
  int backend_cpu = 1;
};

struct Result {
  std::string name;
  double seconds = 0;  // first call to last record flushed
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  double foreign_load = 0;
  // First call to the last call's return: close to `seconds` when the
  // producer is what bounds the rate, well under it when the backend is.
  double producer_seconds = 0;
};

using Clock = std::chrono::steady_clock;

// Records in a binary log (plain or compressed), without formatting them.
std::uint64_t count_records(const std::string& path) {
  std::uint64_t warnings = 0;
  sluice::detail::binlog::BinaryReader reader(nullptr, [&](const std::string&) { ++warnings; });
  sluice::detail::binlog::BinaryInput input(reader, [&](const std::string&) { ++warnings; });
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    input.feed(
        {reinterpret_cast<const std::byte*>(buffer.data()), static_cast<std::size_t>(in.gcount())});
  }
  input.finish();
  if (warnings != 0)
    std::fprintf(stderr, "%s: %llu warnings\n", path.c_str(),
                 static_cast<unsigned long long>(warnings));
  return reader.records();
}

Result run_case(const Config& c, const std::string& name) {
  sluice::Options options;
  options.queue_capacity = c.queue_bytes;
  options.queue_policy = sluice::QueuePolicy::block;
  options.idle_sleep = std::chrono::microseconds{c.idle_sleep_us};
  options.backend_cpu = c.backend_cpu;
  sluice::start(options);
  std::string path = log_path(c.dir, "sluice-bench-binary-sink-" + name);
  std::shared_ptr<sluice::Sink> sink;
  if (name == "text") {
    sink = std::make_shared<sluice::FileSink>(path);
  } else {
    sluice::BinaryFileOptions binary;
    binary.truncate = true;
    binary.block_size = c.block_size;
    binary.compression = name == "zstd" ? sluice::Compression::zstd : sluice::Compression::none;
    binary.compression_level = c.zstd_level;
    sink = std::make_shared<sluice::BinaryFileSink>(path, binary);
  }
  sluice::Logger& log = sluice::get_logger("bench");
  log.set_propagate(false);
  log.add_sink(sink);
  const sluice::Stats before = sluice::stats();

  ForeignLoad load;
  const auto start = Clock::now();
  for (long long i = 0; i < c.records; ++i) {
    if (c.interval_us != 0)
      std::this_thread::sleep_until(start + std::chrono::microseconds{c.interval_us * i});
    SLUICE_INFO(log, "Iteration: {} int: {} double: {}", i, i * 2, static_cast<double>(i) * 0.5);
  }
  const auto produced = Clock::now();
  sluice::flush();
  const auto done = Clock::now();

  Result r{name,        std::chrono::duration<double>(done - start).count(),    0, 0,
           load.take(), std::chrono::duration<double>(produced - start).count()};
  const sluice::Stats after = sluice::stats();
  log.clear_sinks();
  sink.reset();  // closes the file
  sluice::stop();
  if (after.records_dropped != before.records_dropped || after.sink_errors != before.sink_errors) {
    std::fprintf(stderr, "%s: %llu records dropped, %llu sink errors\n", name.c_str(),
                 static_cast<unsigned long long>(after.records_dropped - before.records_dropped),
                 static_cast<unsigned long long>(after.sink_errors - before.sink_errors));
  }
  const FileCount count = count_lines(path);
  r.bytes = count.bytes;
  r.records = name == "text" ? count.lines : count_records(path);
  if (c.keep_files) {
    std::printf("kept %s\n", path.c_str());
  } else {
    std::remove(path.c_str());
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags(argc, argv,
                    {{"records", "4000000"},
                     {"cases", "binary,zstd,text"},
                     {"zstd-level", "3"},
                     {"block-size", "65536"},
                     {"queue-bytes", "1048576"},
                     {"idle-sleep-us", "100"},
                     {"interval-us", "0"},
                     {"dir", "/dev/shm"},
                     {"keep-files", "0"},
                     {"producer-cpu", "0"},
                     {"backend-cpu", "1"}},
                    kUsage);
  Config c;
  c.records = flags.integer("records");
  c.cases = flags.list("cases", {"binary", "zstd", "text"});
  c.zstd_level = static_cast<int>(flags.integer("zstd-level"));
  c.block_size = static_cast<std::size_t>(flags.integer("block-size"));
  c.queue_bytes = static_cast<std::size_t>(flags.integer("queue-bytes"));
  c.idle_sleep_us = flags.integer("idle-sleep-us");
  c.interval_us = flags.integer("interval-us");
  c.dir = flags.str("dir");
  c.keep_files = flags.integer("keep-files") != 0;
  c.backend_cpu = static_cast<int>(flags.integer("backend-cpu"));
  if (c.records == 0) flags.fail("--records must be > 0");
  pin_this_thread(static_cast<int>(flags.integer("producer-cpu")));
  std::printf(
      "sluice-bench-binary-sink: %lld records of \"Iteration: {} int: {} double: {}\" "
      "per case, zstd level %d\n",
      c.records, c.zstd_level);
  std::fflush(stdout);

  std::vector<Result> results;
  for (const std::string& name : c.cases) results.push_back(run_case(c, name));

  bool ok = true;
  std::printf("\n%-8s %10s %11s %14s %12s %12s %10s %8s\n", "case", "seconds", "producer s",
              "records/s", "records", "bytes", "B/record", "others");
  const Result* text = nullptr;
  for (const Result& r : results) {
    if (r.name == "text") text = &r;
    std::printf(
        "%-8s %10.3f %11.3f %14.0f %12llu %12llu %10.2f %7.0f%%\n", r.name.c_str(), r.seconds,
        r.producer_seconds, static_cast<double>(c.records) / r.seconds,
        static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(r.bytes),
        static_cast<double>(r.bytes) / static_cast<double>(c.records), r.foreign_load * 100);
    if (r.records != static_cast<std::uint64_t>(c.records)) {
      std::fprintf(stderr, "FAILED: %s holds %llu records, expected %lld\n", r.name.c_str(),
                   static_cast<unsigned long long>(r.records), c.records);
      ok = false;
    }
  }
  if (text != nullptr) {
    std::printf("\n");
    for (const Result& r : results) {
      if (&r != text) {
        std::printf("%s/text throughput: %.2fx\n", r.name.c_str(), text->seconds / r.seconds);
      }
    }
  }
  return ok ? 0 : 1;
}
