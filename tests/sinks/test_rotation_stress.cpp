// Rotation under load: 8 threads log through the backend into a text and a
// binary sink that rotate and compress all the while; across every file,
// each record appears exactly once.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "temp_dir.hpp"
#include "zstd_file.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kThreads = 8;
constexpr int kPerThread = 25'000;

// Counts "thread T seq S" once per record; fails on a line it cannot read.
class Tally {
 public:
  Tally() : seen_(kThreads, std::vector<int>(kPerThread, 0)) {}
  void add(std::string_view message) {
    int t = -1, s = -1;
    REQUIRE(std::sscanf(std::string(message).c_str(), "thread %d seq %d", &t, &s) == 2);
    REQUIRE(t >= 0);
    REQUIRE(t < kThreads);
    REQUIRE(s >= 0);
    REQUIRE(s < kPerThread);
    ++seen_[static_cast<std::size_t>(t)][static_cast<std::size_t>(s)];
  }
  void check_each_once() const {
    std::size_t missing = 0, doubled = 0;
    for (const auto& thread : seen_) {
      for (const int n : thread) {
        missing += n == 0;
        doubled += n > 1;
      }
    }
    CHECK(missing == 0);
    CHECK(doubled == 0);
  }

 private:
  std::vector<std::vector<int>> seen_;
};

std::vector<fs::path> files_of(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(prefix)) files.push_back(entry.path());
  }
  return files;
}

}  // namespace

TEST_CASE("8 threads, text and binary sinks rotating and compressing: each record once",
          "[rotation][stress]") {
  const sluice::testing::TempDir dir("sluice-rotation-stress");
  sluice::FileOptions text_options;
  text_options.rotation.max_bytes = 64 * 1024;
  text_options.rotation.compression_level = 1;
  auto text = std::make_shared<sluice::FileSink>(
      dir / "text/app.log", std::make_shared<sluice::PatternFormatter>("{message}"), text_options);
  sluice::BinaryFileOptions binary_options;
  binary_options.rotation.max_bytes = 32 * 1024;
  binary_options.rotation.naming = sluice::RotatedNames::timestamp;
  auto binary = std::make_shared<sluice::BinaryFileSink>(dir / "binary/app.slog", binary_options);
  sluice::Logger& log = sluice::get_logger("stress.rotation");
  log.add_sink(text);
  log.add_sink(binary);
  sluice::Options options;
  options.reorder_window = std::chrono::milliseconds(50);
  sluice::start(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kPerThread; ++i) SLUICE_INFO(log, "thread {} seq {}", t, i);
    });
  }
  for (auto& thread : threads) thread.join();
  sluice::flush();
  sluice::stop();
  log.clear_sinks();
  text->wait_for_rotations();
  binary->wait_for_rotations();
  CHECK(sluice::stats().sink_errors == 0);

  {
    INFO("text");
    Tally tally;
    const auto files = files_of(dir / "text", "app.log");
    CHECK(files.size() > 20);
    for (const fs::path& file : files) {
      INFO(file);
      CHECK((file.filename() == "app.log" || file.extension() == ".zst"));
      const std::string content = sluice::testing::read_log(file);
      std::size_t start = 0;
      while (start < content.size()) {
        const std::size_t end = content.find('\n', start);
        REQUIRE(end != std::string::npos);  // no line cut across files
        tally.add(std::string_view(content).substr(start, end - start));
        start = end + 1;
      }
    }
    tally.check_each_once();
  }
  {
    INFO("binary");
    Tally tally;
    const auto files = files_of(dir / "binary", "app.");
    CHECK(files.size() > 20);
    for (const fs::path& file : files) {
      INFO(file);
      std::vector<std::string> warnings;
      const auto warn = [&](const std::string& w) { warnings.push_back(w); };
      sluice::detail::binlog::BinaryReader reader(
          [&](const sluice::RecordView& r) { tally.add(r.message()); }, warn);
      sluice::detail::binlog::BinaryInput input(reader, warn);
      const std::string bytes = sluice::testing::read_bytes(file);
      input.feed({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
      input.finish();
      CHECK(warnings.empty());
    }
    tally.check_each_once();
  }
}
