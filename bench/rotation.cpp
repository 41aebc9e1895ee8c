// sluice-bench-rotation: what rotation and compression cost the backend.
// The throughput message (4M records of "Iteration: {} int: {} double: {}")
// goes to a FileSink without rotation ("plain") and to one that rotates at
// --max-mb and compresses every rotated file with zstd ("rotating"), cases
// alternating over --repetitions. The clock stops when the last record is
// in the active file (sluice::flush()); compressing the rotated files goes
// on behind it, on the sink's worker thread (SCHED_IDLE), and is timed apart.
// Every record is counted back (decompressing), and the rotated files'
// compression ratio is printed.

#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "support/bench_util.hpp"

namespace {

using namespace sluice_bench;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage = R"(usage: sluice-bench-rotation [flags]

Text throughput with rotation and zstd compression on, against off.

  --records N        records per case                         (default 4000000)
  --repetitions N    runs of each case, alternating           (default 3)
  --max-mb N         rotate at N MiB                           (default 100)
  --level N          zstd level of rotated files  (default 7, Rotation's default)
  --max-others PCT   repeat a pair of runs in which other processes used more
                     than PCT% of the CPUs (default 100: keep every pair;
                     at most 4 x --repetitions pairs in all)
  --dir PATH         directory for the log files               (default /dev/shm)
  --producer-cpu N   CPU of the logging thread                 (default 0)
  --backend-cpu N    CPU of sluice's backend                   (default 1)

Smoke run: --records 20000 --repetitions 1 --max-mb 1
)";

struct Config {
  long long records = 0;
  long repetitions = 0;
  long max_others = 100;
  std::uint64_t max_bytes = 0;
  int level = 7;
  std::string dir;
  int producer_cpu = 0;
  int backend_cpu = 1;
};

struct Run {
  double seconds = 0;           // first call to last record in the active file
  double compress_seconds = 0;  // then until every rotated file is compressed
  std::uint64_t lines = 0;
  std::uint64_t text_bytes = 0;     // all records as text
  std::uint64_t rotated_plain = 0;  // the rotated files' text
  std::uint64_t rotated_zst = 0;    // ... compressed
  std::size_t rotated_files = 0;
  double others = 0;
};

// Newlines and bytes of a zstd file's content.
FileCount count_zst(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::vector<char> input(ZSTD_DStreamInSize()), output(ZSTD_DStreamOutSize());
  FileCount count;
  while (in) {
    in.read(input.data(), static_cast<std::streamsize>(input.size()));
    ZSTD_inBuffer src{input.data(), static_cast<std::size_t>(in.gcount()), 0};
    while (src.pos < src.size) {
      ZSTD_outBuffer dst{output.data(), output.size(), 0};
      if (ZSTD_isError(ZSTD_decompressStream(dctx, &dst, &src))) {
        ZSTD_freeDCtx(dctx);
        throw std::runtime_error("damaged zstd file " + path.string());
      }
      count.bytes += dst.pos;
      count.lines +=
          static_cast<std::uint64_t>(std::count(output.data(), output.data() + dst.pos, '\n'));
    }
  }
  ZSTD_freeDCtx(dctx);
  return count;
}

Run run_case(const Config& c, bool rotating) {
  const fs::path dir = fs::path(c.dir) / ("sluice-bench-rotation." + std::to_string(::getpid()));
  fs::remove_all(dir);
  sluice::FileOptions file_options;
  if (rotating) {
    file_options.rotation.max_bytes = c.max_bytes;
    file_options.rotation.compression_level = c.level;
  }
  auto sink = std::make_shared<sluice::FileSink>(dir / "app.log", nullptr, file_options);
  sluice::Options options;
  options.backend_cpu = c.backend_cpu;
  sluice::start(options);
  sluice::Logger& log = sluice::get_logger("bench");
  log.set_propagate(false);
  log.add_sink(sink);

  ForeignLoad load;
  Run run;
  const auto start = Clock::now();
  for (long long i = 0; i < c.records; ++i) {
    SLUICE_INFO(log, "Iteration: {} int: {} double: {}", i, i * 2, static_cast<double>(i) * 0.5);
  }
  sluice::flush();
  const auto written = Clock::now();
  sink->wait_for_rotations();
  const auto compressed = Clock::now();
  run.others = load.take();
  log.clear_sinks();
  sluice::stop();
  sink.reset();
  run.seconds = std::chrono::duration<double>(written - start).count();
  run.compress_seconds = std::chrono::duration<double>(compressed - written).count();

  for (const auto& entry : fs::directory_iterator(dir)) {
    const bool zst = entry.path().extension() == ".zst";
    const FileCount count = zst ? count_zst(entry.path()) : count_lines(entry.path().string());
    run.lines += count.lines;
    run.text_bytes += count.bytes;
    if (zst) {
      ++run.rotated_files;
      run.rotated_plain += count.bytes;
      run.rotated_zst += fs::file_size(entry.path());
    }
  }
  fs::remove_all(dir);
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags(argc, argv,
                    {{"records", "4000000"},
                     {"repetitions", "3"},
                     {"max-mb", "100"},
                     {"level", "7"},
                     {"max-others", "100"},
                     {"dir", "/dev/shm"},
                     {"producer-cpu", "0"},
                     {"backend-cpu", "1"}},
                    kUsage);
  Config c;
  c.records = flags.integer("records");
  c.repetitions = flags.integer("repetitions");
  c.max_bytes = static_cast<std::uint64_t>(flags.integer("max-mb")) << 20;
  c.level = static_cast<int>(flags.integer("level"));
  c.max_others = flags.integer("max-others");
  c.dir = flags.str("dir");
  c.producer_cpu = static_cast<int>(flags.integer("producer-cpu"));
  c.backend_cpu = static_cast<int>(flags.integer("backend-cpu"));
  if (c.records <= 0 || c.repetitions <= 0 || c.max_bytes == 0) {
    flags.fail("--records, --repetitions and --max-mb must be > 0");
  }
  pin_this_thread(c.producer_cpu);
  std::printf(
      "sluice-bench-rotation: %lld records per run, rotation at %llu MiB, zstd level %d\n\n",
      c.records, static_cast<unsigned long long>(c.max_bytes >> 20), c.level);
  std::printf("%-9s %4s %9s %12s %11s %8s %12s %8s %7s\n", "case", "run", "seconds", "msgs/s",
              "compress s", "rotated", "ratio", "lines ok", "others");
  bool ok = true;
  std::vector<double> plain_seconds, rotating_seconds, ratios;
  long kept = 0;
  for (long attempt = 0; kept < c.repetitions && attempt < 4 * c.repetitions; ++attempt) {
    Run pair[2];
    bool quiet = true;
    for (const bool rotating : {false, true}) {
      const Run run = run_case(c, rotating);
      pair[rotating] = run;
      quiet = quiet && run.others * 100 <= static_cast<double>(c.max_others);
      const bool lines_ok = run.lines == static_cast<std::uint64_t>(c.records);
      ok = ok && lines_ok;
      const double ratio = run.rotated_zst ? static_cast<double>(run.rotated_plain) /
                                                 static_cast<double>(run.rotated_zst)
                                           : 0.0;
      std::printf("%-9s %4ld %9.3f %12.0f %11.3f %8zu %11.1fx %8s %6.0f%%\n",
                  rotating ? "rotating" : "plain", attempt + 1, run.seconds,
                  static_cast<double>(c.records) / run.seconds, run.compress_seconds,
                  run.rotated_files, ratio, lines_ok ? "yes" : "NO", run.others * 100);
      std::fflush(stdout);
    }
    if (!quiet) {
      std::printf("  (pair discarded: other processes above --max-others)\n");
      continue;
    }
    ++kept;
    plain_seconds.push_back(pair[0].seconds);
    rotating_seconds.push_back(pair[1].seconds);
    if (pair[1].rotated_zst != 0) {
      ratios.push_back(static_cast<double>(pair[1].rotated_plain) /
                       static_cast<double>(pair[1].rotated_zst));
    }
  }
  if (kept == 0) {
    std::fprintf(stderr, "no pair was quiet enough (--max-others %ld)\n", c.max_others);
    return 1;
  }
  std::printf("\n%ld of %ld pairs kept\n", kept, c.repetitions);
  const double slowdown = median(rotating_seconds) / median(plain_seconds);
  std::printf(
      "\nmedian seconds: plain %.3f, rotating %.3f: rotating takes %.1f%% %s (target: within "
      "10%%)\n",
      median(plain_seconds), median(rotating_seconds), std::abs(slowdown - 1) * 100,
      slowdown >= 1 ? "longer" : "less");
  if (!ratios.empty()) {
    std::printf("compression ratio of the rotated text logs: median %.1fx (target: >= 10x)\n",
                median(ratios));
  }
  if (!ok) std::fprintf(stderr, "FAILED: a run did not find every record\n");
  return ok ? 0 : 1;
}
