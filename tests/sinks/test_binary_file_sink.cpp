// BinaryFileSink through the backend: every argument kind and field, logged
// to a binary file and decoded, renders byte for byte as the JsonFormatter
// renders the same records live (timestamps included).

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "binlog_decode.hpp"
#include "full_disk.hpp"
#include "record_fixture.hpp"
#include "temp_dir.hpp"
#include "user_types.hpp"

namespace fs = std::filesystem;

using sluice::testing::Code;
using sluice::testing::Point;
using sluice::testing::Shade;

namespace {

using sluice::kv;
using sluice::testing::TempDir;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void log_every_kind() {
  sluice::Logger& app = sluice::get_logger("app");
  sluice::Logger& db = sluice::get_logger("app.db");
  const char* null_text = nullptr;
  const char array[] = "array";
  int target = 0;
  SLUICE_INFO(app, "bool {} {} char {} {}", true, false, 'x', '"');
  SLUICE_INFO(app, "signed {} {} {} {}", std::int8_t{-128}, std::int16_t{-32768},
              std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int64_t>::min());
  SLUICE_WARNING(db, "unsigned {} {} {} {}", std::uint8_t{255}, std::uint16_t{65535},
                 std::numeric_limits<std::uint32_t>::max(),
                 std::numeric_limits<std::uint64_t>::max());
  SLUICE_ERROR(db, "floats {} {} {:.3f} {} {} {}", 0.1f, 0.1, 2.0 / 3, 1e300L,
               std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<float>::infinity());
  SLUICE_INFO(app, "strings {} {} {} {} [{:>8}] {}", std::string("std"), std::string_view("view"),
              "literal", null_text, array, std::string("tab\t\"quote\" \xff bad utf8 \xc3\xa9"));
  SLUICE_INFO(app, "pointers {} {}", static_cast<const void*>(&target), nullptr);
  SLUICE_INFO(app, "custom {} {:>12} enum {}", Point{1, 2}, Shade::light, Code::e);
  SLUICE_CRITICAL(db, "fields", kv<"b">(true), kv<"c">('q'), kv<"i8">(std::int8_t{-5}),
                  kv<"i64">(std::int64_t{-1} << 40), kv<"u16">(std::uint16_t{7}),
                  kv<"u64">(std::numeric_limits<std::uint64_t>::max()), kv<"f">(0.1f),
                  kv<"d">(-2.5), kv<"s">("a \"b\"\n"), kv<"p">(static_cast<const void*>(&target)),
                  kv<"pt">(Point{3, 4}), kv<"shade">(Shade::dark), kv<"code">(Code::e),
                  kv<"message">("taken key"));
  SLUICE_DEBUG(app, "debug is below info: not logged {}", 1);
  for (int i = 0; i < 200; ++i) {  // several blocks
    SLUICE_INFO(db, "row {} of {}", i, kv<"user">(fmt::format("user-{}", i % 7)), 200);
  }
  std::thread([] {
    sluice::set_thread_name("worker-7");
    SLUICE_INFO(sluice::get_logger("other"), "from another thread {}", 42);
  }).join();
}

std::vector<std::string> decode_json(const std::string& bytes, std::vector<std::string>& warnings) {
  const sluice::JsonFormatter json;
  std::vector<std::string> lines;
  sluice::detail::binlog::BinaryReader reader(
      [&](const sluice::RecordView& r) {
        lines.emplace_back();
        json.format(r, lines.back());
      },
      [&](const std::string& w) { warnings.push_back(w); });
  reader.feed({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
  reader.finish();
  return lines;
}

bool zstd_magic_at_start(const std::string& bytes) { return bytes.starts_with("\x28\xb5\x2f\xfd"); }

// Whether `bytes` is nothing but closed zstd frames: what `zstd -t` checks.
bool only_closed_frames(const std::string& bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t frame = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
    if (ZSTD_isError(frame)) return false;
    at += frame;
  }
  return !bytes.empty();
}

}  // namespace

TEST_CASE("a binary log decodes to the JSON written live, byte for byte") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "logs/app.slog";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  sluice::BinaryFileOptions options;
  options.block_size = 1024;
  options.service_name = "svc";
  auto binary = std::make_shared<sluice::BinaryFileSink>(path, options);
  sluice::root_logger().add_sink(live);
  sluice::root_logger().add_sink(binary);
  sluice::start();
  log_every_kind();
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();

  const std::string bytes = read_file(path);
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = decode_json(bytes, warnings);
  CHECK(warnings.empty());
  const std::vector<std::string> expected = live->lines();
  REQUIRE(expected.size() == 209);
  REQUIRE(decoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("record " << i);
    CHECK(decoded[i] == expected[i]);
  }
}

// docs/binary-format.md: a logger definition holds the full dotted name, the
// root's included, as Logger::name() gives it ("root"; the spec said "").
TEST_CASE("the root logger is defined in a binary log by its name, root") {
  TempDir dir("sluice-binary-root");
  const fs::path path = dir / "root.slog";
  sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path));
  sluice::start();
  SLUICE_WARNING(sluice::root_logger(), "on the root");
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();

  const std::string bytes = read_file(path);
  // The definition's body: id 0 (the first logger used), then the name as
  // length + bytes.
  CHECK(bytes.find(std::string("\x00\x04root", 6)) != std::string::npos);
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = decode_json(bytes, warnings);
  CHECK(warnings.empty());
  REQUIRE(decoded.size() == 1);
  CHECK(decoded[0].find(R"("logger_name":"root")") != std::string::npos);
}

TEST_CASE("a thread renamed between records, loggers interleaved: decoded as written live") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "names.slog";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  auto binary = std::make_shared<sluice::BinaryFileSink>(path);
  sluice::root_logger().add_sink(live);
  sluice::root_logger().add_sink(binary);
  sluice::start();
  sluice::Logger& a = sluice::get_logger("names.a");
  sluice::Logger& b = sluice::get_logger("names.b");
  std::thread([&] {
    for (const char* name : {"first", "second-name", "third-name-longer", "x"}) {
      sluice::set_thread_name(name);
      // Runs of one logger, and the same logger on both sides of a rename.
      for (int i = 0; i < 2; ++i) SLUICE_INFO(a, "a {}", i);
      for (int i = 0; i < 2; ++i) SLUICE_INFO(b, "b {}", i);
      for (int i = 2; i < 4; ++i) SLUICE_INFO(a, "a {}", i);
      sluice::flush();  // the backend sees each name before the next one
    }
  }).join();
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();

  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = decode_json(read_file(path), warnings);
  CHECK(warnings.empty());
  const std::vector<std::string> expected = live->lines();
  REQUIRE(expected.size() == 24);
  CHECK(expected[23].find("\"thread_name\":\"x\"") != std::string::npos);
  CHECK(decoded == expected);
}

TEST_CASE("a binary file sink appends a second file section that decodes too") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "twice.slog";
  sluice::start();
  for (int run = 0; run < 2; ++run) {
    sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path));
    SLUICE_INFO(sluice::get_logger("run"), "run {}", run);
    sluice::flush();
    sluice::root_logger().clear_sinks();
  }
  sluice::stop();
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = decode_json(read_file(path), warnings);
  CHECK(warnings.empty());
  REQUIRE(decoded.size() == 2);
  CHECK(decoded[1].find("\"message\":\"run 1\"") != std::string::npos);
}

TEST_CASE("a .slog.zst file is compressed, whole up to each flush, and decodes as written live") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "logs/app.slog.zst";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  sluice::BinaryFileOptions options;
  options.block_size = 1024;  // several blocks per frame
  auto binary = std::make_shared<sluice::BinaryFileSink>(path, options);
  sluice::root_logger().add_sink(live);
  sluice::root_logger().add_sink(binary);
  sluice::start();
  log_every_kind();
  sluice::flush();
  // The sink is still open: what it wrote so far is whole frames.
  std::vector<std::string> warnings;
  const std::string so_far = read_file(path);
  CHECK(zstd_magic_at_start(so_far));
  CHECK(sluice::testing::decode_to_json_lines(so_far, warnings).size() == 209);
  CHECK(warnings.empty());
  SLUICE_INFO(sluice::get_logger("app"), "after the flush {}", 1);
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();

  const std::string bytes = read_file(path);
  CHECK(bytes.size() < so_far.size() + 200);  // the last record: a zstd block, then the frame's end
  const std::vector<std::string> decoded = sluice::testing::decode_to_json_lines(bytes, warnings);
  CHECK(warnings.empty());
  const std::vector<std::string> expected = live->lines();
  REQUIRE(expected.size() == 210);
  CHECK(decoded == expected);
}

TEST_CASE("stop() closes a .slog.zst's open frame, and a later start() goes on in a new one") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "app.slog.zst";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  auto binary = std::make_shared<sluice::BinaryFileSink>(path);
  sluice::Logger& log = sluice::get_logger("frames");
  log.add_sink(live);
  log.add_sink(binary);
  sluice::start();
  for (int i = 0; i < 3; ++i) SLUICE_INFO(log, "first run {}", i);
  sluice::flush();
  CHECK_FALSE(only_closed_frames(read_file(path)));  // open, as a running sink keeps it
  sluice::stop();
  CHECK(only_closed_frames(read_file(path)));  // the sink is still alive
  sluice::start();
  for (int i = 0; i < 2; ++i) SLUICE_INFO(log, "second run {}", i);
  sluice::stop();
  const std::string bytes = read_file(path);
  CHECK(only_closed_frames(bytes));
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = sluice::testing::decode_to_json_lines(bytes, warnings);
  log.clear_sinks();
  CHECK(warnings.empty());
  REQUIRE(decoded.size() == 5);
  CHECK(decoded == live->lines());
}

TEST_CASE("a frame that stop() cannot close is reported, and closed by the sink's destructor") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "app.slog.zst";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  auto binary = std::make_shared<sluice::BinaryFileSink>(path);
  std::vector<std::string> reports;
  std::mutex mutex;
  sluice::set_error_handler([&](std::string_view message) {
    std::lock_guard lock(mutex);
    reports.emplace_back(message);
  });
  sluice::Logger& log = sluice::get_logger("frames");
  log.add_sink(live);
  log.add_sink(binary);
  sluice::start();
  SLUICE_INFO(log, "flushed {}", 1);
  sluice::flush();
  {
    sluice::testing::FullDisk full(sluice::testing::fd_of(path));
    sluice::stop();
  }
  const auto errors_at_stop = sluice::stats().sink_errors;
  sluice::set_error_handler(nullptr);
  {
    std::lock_guard lock(mutex);
    REQUIRE(reports.size() == 1);
    CHECK_THAT(reports[0],
               Catch::Matches("binary file sink \"" + path.string() +
                              "\": finish failed: cannot write to \"" + path.string() +
                              "\": No space left on device \\([0-9]+ bytes kept for retry\\)"));
  }
  CHECK(errors_at_stop == 1);
  binary.reset();
  log.clear_sinks();  // the destructor writes the kept frame end
  const std::string bytes = read_file(path);
  CHECK(only_closed_frames(bytes));
  std::vector<std::string> warnings;
  CHECK(sluice::testing::decode_to_json_lines(bytes, warnings) == live->lines());
  CHECK(warnings.empty());
}

TEST_CASE("compression follows the option, and the file name when automatic") {
  TempDir dir("sluice-binary-sink");
  const auto first_bytes = [&](const char* name, sluice::Compression compression) {
    sluice::BinaryFileOptions options;
    options.compression = compression;
    {
      sluice::BinaryFileSink sink(dir / name, options);
      sink.flush();
    }
    return read_file(dir / name);
  };
  CHECK(zstd_magic_at_start(first_bytes("a.slog.zst", sluice::Compression::automatic)));
  CHECK(!zstd_magic_at_start(first_bytes("a.slog", sluice::Compression::automatic)));
  CHECK(!zstd_magic_at_start(first_bytes("b.slog.zst", sluice::Compression::none)));
  CHECK(zstd_magic_at_start(first_bytes("b.slog", sluice::Compression::zstd)));
  // Even without records, each decodes (to nothing) without a warning.
  for (const char* name : {"a.slog.zst", "a.slog", "b.slog.zst", "b.slog"}) {
    std::vector<std::string> warnings;
    CHECK(sluice::testing::decode_to_json_lines(read_file(dir / name), warnings).empty());
    CHECK(warnings.empty());
  }
}

TEST_CASE("a zstd level out of range is refused before the file is created") {
  TempDir dir("sluice-binary-sink");
  sluice::BinaryFileOptions options;
  options.compression_level = 23;
  const fs::path path = dir / "app.slog.zst";
  CHECK_THROWS_WITH(sluice::BinaryFileSink(path, options),
                    "binary file sink \"" + path.string() +
                        "\": zstd compression level 23 is out of range (-131072 to 22)");
  CHECK(!fs::exists(path));
}

TEST_CASE(
    "a compressed sink keeps what it flushed through a full disk, and writes it once it clears") {
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "app.slog.zst";
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  auto binary = std::make_shared<sluice::BinaryFileSink>(path);
  std::vector<std::string> reports;
  std::mutex mutex;
  sluice::set_error_handler([&](std::string_view message) {
    std::lock_guard lock(mutex);
    reports.emplace_back(message);
  });
  sluice::Logger& log = sluice::get_logger("disk");
  log.add_sink(live);
  log.add_sink(binary);
  sluice::start();
  SLUICE_INFO(log, "before {}", 1);
  sluice::flush();
  const std::string before = read_file(path);
  {
    sluice::testing::FullDisk full(sluice::testing::fd_of(path));
    for (int i = 0; i < 50; ++i) SLUICE_INFO(log, "during {}", i);
    sluice::flush();  // the flushed bytes are kept, and the failure reported
    CHECK(read_file(path) == before);
  }
  SLUICE_INFO(log, "after {}", 2);
  sluice::flush();  // the kept bytes first, then the new ones
  sluice::stop();
  log.clear_sinks();
  sluice::set_error_handler(nullptr);
  {
    std::lock_guard lock(mutex);
    REQUIRE(!reports.empty());
    CHECK_THAT(reports[0],
               Catch::Matches("binary file sink \"" + path.string() +
                              "\": flush failed: cannot write to \"" + path.string() +
                              "\": No space left on device \\([0-9]+ bytes kept for retry\\)"));
  }
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded =
      sluice::testing::decode_to_json_lines(read_file(path), warnings);
  CHECK(warnings.empty());
  CHECK(decoded == live->lines());
  CHECK(decoded.size() == 52);
}

namespace {

// The rotated set's files, oldest first: app.slog.N ... app.slog.1 (no
// gap, and no other rotated file beside them).
std::vector<fs::path> rotated_set_oldest_first(const fs::path& dir, const std::string& active) {
  std::vector<fs::path> files;
  for (int index = 1; fs::exists(dir / (active + "." + std::to_string(index) + ".zst")); ++index) {
    files.insert(files.begin(), dir / (active + "." + std::to_string(index) + ".zst"));
  }
  std::size_t rotated = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    rotated += name.starts_with(active + ".") && name != active + ".zst";
  }
  CHECK(rotated == files.size());
  return files;
}

}  // namespace

TEST_CASE("a rotated binary log: every file decodes on its own, the set in order is all of it") {
  for (const bool live_compressed : {false, true}) {
    INFO("live compressed: " << live_compressed);
    TempDir dir("sluice-binary-rotation");
    const std::string name = live_compressed ? "app.slog.zst" : "app.slog";
    auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
    sluice::BinaryFileOptions options;
    options.block_size = 256;
    options.rotation.max_bytes = 700;
    auto binary = std::make_shared<sluice::BinaryFileSink>(dir / name, options);
    sluice::root_logger().add_sink(live);
    sluice::root_logger().add_sink(binary);
    sluice::start();
    // Compressed live, the size is known once zstd gives out its bytes: at
    // flushes, and at frame ends.
    for (int batch = 0; batch < 3; ++batch) {
      log_every_kind();
      sluice::flush();
    }
    sluice::stop();
    sluice::root_logger().clear_sinks();
    binary->wait_for_rotations();

    const std::string base = live_compressed ? "app.slog" : name;
    std::vector<fs::path> files = rotated_set_oldest_first(dir.path(), base);
    REQUIRE(files.size() >= 2);
    files.push_back(dir / name);
    std::vector<std::string> all;
    for (const fs::path& file : files) {
      INFO(file);
      std::vector<std::string> warnings;
      const std::vector<std::string> part =
          sluice::testing::decode_to_json_lines(read_file(file), warnings);
      CHECK(warnings.empty());
      if (file != files.back()) CHECK_FALSE(part.empty());  // the active one may have none yet
      all.insert(all.end(), part.begin(), part.end());
    }
    CHECK(all == live->lines());
    CHECK(all.size() == 3 * 209);
  }
}

TEST_CASE("a binary sink on a daily schedule: one file a day, none without records") {
  TempDir dir("sluice-binary-rotation");
  constexpr std::int64_t kS = 1'000'000'000;
  constexpr std::int64_t kMidnight = 1'795'305'600 * kS;  // 2026-11-22T00:00:00Z
  static constexpr sluice::detail::SourceLocation kTick{"tick {}", "clock.cpp", "run", 3,
                                                        sluice::Level::info};
  sluice::BinaryFileOptions options;
  options.rotation.schedule = sluice::RotationSchedule::daily();
  options.rotation.naming = sluice::RotatedNames::timestamp;
  const auto run = [&](int from, int to, std::int64_t ns) {
    sluice::BinaryFileSink sink(dir / "app.slog", options);
    sluice::testing::RecordFixture record;
    for (int i = from; i < to; ++i) {
      sluice::testing::RecordMeta meta;
      meta.timestamp_ns = ns + i;
      sink.write(record.build<kTick>(meta, i));
    }
    sink.flush();
    sink.wait_for_rotations();
  };
  run(0, 2, kMidnight + 3600 * kS);  // a new file: its first record sets its day
  CHECK(fs::exists(dir / "app.slog"));
  // An appended file belongs to the day of its last write: as if written
  // when its records say.
  const auto written_at = [&](std::int64_t ns) {
    fs::last_write_time(
        dir / "app.slog",
        std::chrono::file_clock::from_sys(
            std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(ns))));
  };
  written_at(kMidnight + 3600 * kS);
  run(2, 3, kMidnight + 7200 * kS);  // appended, the same day: no rotation
  written_at(kMidnight + 7200 * kS);
  run(3, 4, kMidnight + 90'000 * kS);  // the next day
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-23T00-00-00.slog.zst", "app.slog"});
  std::vector<std::string> warnings;
  const auto first_day = sluice::testing::decode_to_json_lines(
      read_file(dir / "app.2026-11-23T00-00-00.slog.zst"), warnings);
  const auto second_day =
      sluice::testing::decode_to_json_lines(read_file(dir / "app.slog"), warnings);
  CHECK(warnings.empty());
  REQUIRE(first_day.size() == 3);
  REQUIRE(second_day.size() == 1);
  CHECK(second_day[0].find("tick 3") != std::string::npos);
}

TEST_CASE("a binary sink whose active file was removed starts the new one with its own header") {
  // The new file takes the removed one's place as a rotated-to file does:
  // preamble and header first, or nothing in it would decode.
  for (const bool live_compressed : {false, true}) {
    INFO("live compressed: " << live_compressed);
    TempDir dir("sluice-binary-rotation");
    const fs::path active = dir / (live_compressed ? "app.slog.zst" : "app.slog");
    static constexpr sluice::detail::SourceLocation kTick{"tick {}", "clock.cpp", "run", 3,
                                                          sluice::Level::info};
    sluice::BinaryFileOptions options;
    options.rotation.schedule = sluice::RotationSchedule::daily();
    options.rotation.compress = false;
    std::vector<std::string> reports;
    sluice::set_error_handler([&](std::string_view message) { reports.emplace_back(message); });
    {
      sluice::BinaryFileSink sink(active, options);
      sluice::testing::RecordFixture record;
      const auto write = [&](int i, std::int64_t ns) {
        sluice::testing::RecordMeta meta;
        meta.timestamp_ns = ns;
        sink.write(record.build<kTick>(meta, i));
      };
      constexpr std::int64_t kDay = 86'400'000'000'000;
      write(0, 1'795'305'600'000'000'000);  // 2026-11-22
      sink.flush();
      fs::remove(active);
      write(1, 1'795'305'600'000'000'000 + kDay);  // the next day: a rotation
      sink.flush();
      sink.wait_for_rotations();
    }
    sluice::set_error_handler(nullptr);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].find("was removed or renamed by another process") != std::string::npos);
    CHECK(dir.names() == std::vector<std::string>{active.filename().string()});
    std::vector<std::string> warnings;
    const auto lines = sluice::testing::decode_to_json_lines(read_file(active), warnings);
    CHECK(warnings.empty());
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("tick 1") != std::string::npos);
  }
}

TEST_CASE(
    "a .slog.zst under a light load: each flush is a zstd block, and a cut after any decodes") {
  // The backend flushes whenever it goes idle: a record every millisecond
  // is a flush per record. The frame stays open across flushes (its window
  // too); a file cut right after a flush, as a killed writer leaves it,
  // decodes every record flushed before, without a warning.
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "light.slog.zst";
  static constexpr sluice::detail::SourceLocation kSite{
      "Iteration: {} int: {} double: {}", "server.cpp", "serve", 12, sluice::Level::info};
  const sluice::JsonFormatter json;
  std::vector<std::string> expected;
  std::vector<std::size_t> flushed;  // the file's size after each flush
  constexpr int kRecords = 200;
  {
    sluice::BinaryFileSink sink(path);
    sluice::testing::RecordFixture record;
    for (int i = 0; i < kRecords; ++i) {
      sluice::testing::RecordMeta meta;
      meta.timestamp_ns += std::int64_t{i} * 1'000'000;
      meta.process_id = static_cast<std::uint32_t>(::getpid());  // the file header's
      const sluice::RecordView& view =
          record.build<kSite>(meta, i, i * 2, static_cast<double>(i) * 0.5);
      expected.emplace_back();
      json.format(view, expected.back());
      sink.write(view);
      sink.flush();
      flushed.push_back(static_cast<std::size_t>(fs::file_size(path)));
    }
    const std::string bytes = read_file(path);
    REQUIRE(bytes.size() == flushed.back());
    for (std::size_t k = 0; k < flushed.size(); ++k) {
      INFO("cut after flush " << k);
      std::vector<std::string> warnings;
      const std::vector<std::string> decoded =
          sluice::testing::decode_to_json_lines(bytes.substr(0, flushed[k]), warnings);
      CHECK(warnings.empty());
      REQUIRE(decoded.size() == k + 1);
      CHECK(std::equal(decoded.begin(), decoded.end(), expected.begin()));
    }
    // A flush per record costs a zstd block: the format 2.0 block's header
    // and definitions are found in the window, its checksum and the
    // record's changing bytes are not (30.6 bytes a record here; a frame
    // per flush cost ~146).
    const double per_record =
        static_cast<double>(flushed.back() - flushed.front()) / static_cast<double>(kRecords - 1);
    CHECK(per_record < 40);
  }
  // Closed: one frame, ended, with its checksum.
  const std::string bytes = read_file(path);
  CHECK(ZSTD_findFrameCompressedSize(bytes.data(), bytes.size()) == bytes.size());
  std::vector<std::string> warnings;
  CHECK(sluice::testing::decode_to_json_lines(bytes, warnings) == expected);
  CHECK(warnings.empty());
}

TEST_CASE("a binary sink whose writer discarded a block defines again what that block defined") {
  // A full disk: the first block that fails is kept for retry (one of
  // almost 16 MiB, the writer's max_pending, which ends its segment), the
  // next does not fit beside it and is discarded. That one started a
  // segment, with the file header, and was the first to use the call site
  // kLost: the block after it must not rely on what it defined.
  static constexpr sluice::detail::SourceLocation kKept{"kept {}", "disk.cpp", "fill", 1,
                                                        sluice::Level::info};
  static constexpr sluice::detail::SourceLocation kLost{"lost {}", "disk.cpp", "drop", 2,
                                                        sluice::Level::warning};
  TempDir dir("sluice-binary-sink");
  const fs::path path = dir / "discard.slog";
  const sluice::JsonFormatter json;
  std::vector<std::string> expected;
  std::vector<std::string> errors;
  {
    sluice::BinaryFileSink sink(path);
    sluice::testing::RecordFixture record;
    sluice::testing::RecordMeta meta;
    meta.process_id = static_cast<std::uint32_t>(::getpid());  // the file header's
    const auto write = [&](const sluice::RecordView& view, bool kept) {
      if (kept) {
        expected.emplace_back();
        json.format(view, expected.back());
      }
      try {
        sink.write(view);
        sink.flush();
      } catch (const sluice::Error& e) {
        errors.emplace_back(e.what());
      }
    };
    write(record.build<kKept>(meta, 1), true);
    {
      sluice::testing::FullDisk full(sluice::testing::fd_of(path));
      const std::string big((std::size_t{16} << 20) - 120, 'x');
      write(record.build<kKept>(meta, big), true);
      write(record.build<kLost>(meta, 2), false);
    }
    write(record.build<kLost>(meta, 3), true);
    write(record.build<kKept>(meta, 4), true);
  }
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::Contains("bytes kept for retry"));
  CHECK_THAT(errors[1], Catch::Contains("1 line ("));
  CHECK_THAT(errors[1], Catch::Contains("bytes) discarded so far"));
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = decode_json(read_file(path), warnings);
  CHECK(warnings.empty());
  CHECK(decoded == expected);
}

TEST_CASE("a binary sink whose rotation cannot flush retries a second later, not at every record") {
  // A full disk when a rotation is due: the flush of the file's last block
  // fails. Tried again at every record, each record would end a block (and
  // a zstd frame) of its own, piling their overhead into the bytes kept for
  // retry until the writer discards records it could have kept.
  static constexpr sluice::detail::SourceLocation kSite{"row {} of {}", "disk.cpp", "fill", 1,
                                                        sluice::Level::info};
  for (const char* name : {"app.slog", "app.slog.zst"}) {
    INFO(name);
    TempDir dir("sluice-binary-rotation");
    const fs::path path = dir / name;
    const sluice::JsonFormatter json;
    std::vector<std::string> expected;
    std::vector<std::string> errors;
    {
      sluice::BinaryFileOptions options;
      options.rotation.max_bytes = 1;  // every record rotates
      sluice::BinaryFileSink sink(path, options);
      sluice::testing::RecordFixture record;
      sluice::testing::RecordMeta meta;
      meta.process_id = static_cast<std::uint32_t>(::getpid());  // the file header's
      const auto write = [&](int i) {
        meta.timestamp_ns += 1000;
        const sluice::RecordView& view = record.build<kSite>(meta, i, 1000);
        expected.emplace_back();
        json.format(view, expected.back());
        try {
          sink.write(view);
        } catch (const sluice::Error& e) {
          errors.emplace_back(e.what());
        }
      };
      write(0);  // rotates: the next record finds a file of its own
      sink.flush();
      {
        sluice::testing::FullDisk full(sluice::testing::fd_of(path));
        for (int i = 1; i <= 1000; ++i) write(i);  // all within a second
      }
      meta.timestamp_ns += 2'000'000'000;
      write(1001);  // a second later: rotated, and everything is written
      sink.flush();
      sink.wait_for_rotations();
    }
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::StartsWith("cannot rotate: cannot write to \"" + path.string() +
                                            "\": No space left on device"));
    std::vector<std::string> all;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      INFO(entry.path());
      std::vector<std::string> warnings;
      const std::vector<std::string> part =
          sluice::testing::decode_to_json_lines(read_file(entry.path()), warnings);
      CHECK(warnings.empty());
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end());
    std::sort(expected.begin(), expected.end());
    CHECK(all == expected);
  }
}
