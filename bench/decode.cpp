// sluice-bench-decode: how fast sluice-decode turns a binary log into JSON
// Lines, and how fast `stats` aggregates one, on one core. The log holds the
// throughput message "Iteration: {} int: {} double: {}" (i, i * 2, i * 0.5),
// written with the real BinaryEncoder in 64 KiB blocks as BinaryFileSink
// writes it; each case is a whole sluice-decode run (decode_lib's run())
// reading the file from /dev/shm and writing to /dev/null.

#include <sluice/detail/arg_encoding.hpp>
#include <sluice/detail/call_site.hpp>
#include <sluice/record.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "options.hpp"
#include "record_builder.hpp"
#include "run.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace sluice_bench;
namespace decode = sluice::detail::decode;

constexpr const char* kUsage = R"(usage: sluice-bench-decode [flags]

Records per second of sluice-decode on one core: JSON Lines output, and stats.

  --records N      records in the generated log           (default 2000000)
  --repetitions N  runs of each case; the median is shown  (default 5)
  --cases LIST     json, stats                             (default: both)
  --cpu N          CPU to run on                           (default 0)
  --dir PATH       directory for the log file              (default /dev/shm)
  --keep-file 0|1  keep <dir>/decode-bench.<pid>.log       (default 0)

"others" is the share of all CPUs that other processes used during the run.

Smoke run: --records 10000 --repetitions 1
)";

constexpr sluice::detail::SourceLocation kSite{
    "Iteration: {} int: {} double: {}", "bench/decode.cpp", "generate", 42, sluice::Level::info};

// The binary log of `records` records, 25 ns apart.
std::string generate(long long records) {
  namespace binlog = sluice::detail::binlog;
  binlog::BinaryEncoder encoder({4242, "bench-host", "bench", "1.0", 1'795'428'000'000'000'000});
  std::string out = binlog::BinaryEncoder::preamble();
  const sluice::detail::CallSite& site = sluice::detail::CallSiteOf<kSite, int, int, double>::value;
  std::vector<std::byte> args;
  sluice::RecordView view;
  for (long long n = 0; n < records; ++n) {
    const int i = static_cast<int>(n);
    const double d = static_cast<double>(i) * 0.5;
    args.assign(sluice::detail::encoded_args_size(i, i * 2, d), std::byte{0});
    sluice::detail::encode_args(args.data(), i, i * 2, d);
    sluice::detail::RecordBuilder::reset(
        view, {1'795'428'000'000'000'000 + n * 25, &site, "bench", 4242, 1001, "main", args});
    encoder.add(view);
    if (encoder.pending_payload() >= 64 * 1024) encoder.finish_block(out);
  }
  encoder.finish_block(out);
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags(argc, argv,
                    {{"records", "2000000"},
                     {"repetitions", "5"},
                     {"cases", "json,stats"},
                     {"cpu", "0"},
                     {"dir", "/dev/shm"},
                     {"keep-file", "0"}},
                    kUsage);
  const long long records = flags.integer("records");
  const long long repetitions = std::max(1LL, flags.integer("repetitions"));
  const std::vector<std::string> cases = flags.list("cases", {"json", "stats"});
  pin_this_thread(static_cast<int>(flags.integer("cpu")));

  const std::string log = generate(records);
  const std::string path = log_path(flags.str("dir"), "decode-bench");
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(log.data(), 1, log.size(), f);
    std::fclose(f);
  } else {
    std::fprintf(stderr, "sluice-bench-decode: cannot write %s\n", path.c_str());
    return 1;
  }
  std::printf(
      "sluice-bench-decode: %lld records of \"Iteration: {} int: {} double: {}\", "
      "%zu bytes (%.1f bytes/record), %s\n",
      records, log.size(), static_cast<double>(log.size()) / static_cast<double>(records),
      path.c_str());

  int status = 0;
  for (const std::string& name : cases) {
    std::vector<std::string_view> args;
    if (name == "stats") args.push_back("stats");
    args.push_back(path);
    const decode::Options options = decode::parse_options(args, 0);
    std::vector<double> rates;
    ForeignLoad load;
    for (long long r = 0; r < repetitions; ++r) {
      std::FILE* null = std::fopen("/dev/null", "w");
      decode::Environment env;
      env.out = null;
      const auto start = std::chrono::steady_clock::now();
      status |= decode::run(options, env);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fclose(null);
      rates.push_back(static_cast<double>(records) / seconds);
    }
    const double others = load.take();
    std::printf("%-6s median %7.2f M records/s  (runs:", name.c_str(), median(rates) / 1e6);
    for (const double rate : rates) std::printf(" %.2f", rate / 1e6);
    std::printf(")  others %.0f%%\n", others * 100);
  }
  if (flags.integer("keep-file") == 0) std::remove(path.c_str());
  return status;
}
