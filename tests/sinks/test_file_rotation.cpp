// FileSink with rotation: size and time (the records' own timestamps are the
// injected clock), both namings, compression, retention by count, size and
// age, an injected compression failure, what a restart finishes, and a new
// sink made while an earlier one on its path is still compressing.

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/rotation.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/file_sink.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "error_reports.hpp"
#include "file_compression.hpp"
#include "full_disk.hpp"
#include "record_fixture.hpp"
#include "rotation_path.hpp"
#include "temp_dir.hpp"
#include "zstd_file.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using sluice::testing::ErrorReports;

namespace {

using sluice::FileOptions;
using sluice::FileSink;
using sluice::Level;
using sluice::RotatedNames;
using sluice::RotationSchedule;
using sluice::detail::SourceLocation;
using sluice::testing::read_log;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;
using sluice::testing::TempDir;

constexpr SourceLocation kRequest{"request {}", "api.cpp", "handle", 10, Level::info};
constexpr SourceLocation kBig{"{}", "api.cpp", "handle", 11, Level::info};
constexpr std::int64_t kS = 1'000'000'000;
// 2026-11-22T00:00:00Z
constexpr std::int64_t kMidnight = 1'795'305'600 * kS;

std::shared_ptr<const sluice::Formatter> message_only() {
  return std::make_shared<sluice::PatternFormatter>("{message}");
}

// "request 0".."request 9": 10 bytes a line with the newline.
void write_requests(FileSink& sink, int from, int to, std::int64_t timestamp_ns = kMidnight + kS) {
  RecordFixture record;
  for (int i = from; i < to; ++i) {
    RecordMeta meta;
    meta.timestamp_ns = timestamp_ns;
    sink.write(record.build<kRequest>(meta, i));
  }
}

std::string lines(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i) text += "request " + std::to_string(i) + "\n";
  return text;
}

std::string flush_error(FileSink& sink) {
  try {
    sink.flush();
  } catch (const sluice::Error& e) {
    return e.what();
  }
  return "no error";
}

// Holds the first compression into `<held>` (a .zst.tmp's file name) once
// it is written, before its rename, until release(); and counts the sinks
// that wait for another sink's rotation work (rotation_path.hpp's hooks).
// One at a time.
class RotationGate {
 public:
  explicit RotationGate(std::string held, bool release_when_a_sink_waits = false)
      : held_(std::move(held)), release_when_a_sink_waits_(release_when_a_sink_waits) {
    instance_ = this;
    sluice::detail::set_compressed_hook(&on_compressed);
    sluice::detail::set_path_wait_hook(&on_path_wait);
  }
  ~RotationGate() {
    release();
    sluice::detail::set_compressed_hook(nullptr);
    sluice::detail::set_path_wait_hook(nullptr);
    instance_ = nullptr;
  }
  RotationGate(const RotationGate&) = delete;
  RotationGate& operator=(const RotationGate&) = delete;

  void wait_until_held() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return holding_; });
  }
  /// Returns once a sink waits for another's rotation work, or done() is called.
  void wait_until_a_sink_waits_or_done() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return waits_ != 0 || done_; });
  }
  void done() {
    const std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }
  void release() {
    const std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  int waits() {
    const std::lock_guard lock(mutex_);
    return waits_;
  }

 private:
  static void on_compressed(const fs::path& temporary) {
    RotationGate& gate = *instance_;
    std::unique_lock lock(gate.mutex_);
    if (gate.holding_ || temporary.filename() != gate.held_) return;  // only the first
    gate.holding_ = true;
    gate.changed_.notify_all();
    gate.changed_.wait(lock, [&] { return gate.released_; });
  }
  static void on_path_wait(const fs::path&) {
    RotationGate& gate = *instance_;
    const std::lock_guard lock(gate.mutex_);
    ++gate.waits_;
    if (gate.release_when_a_sink_waits_) gate.released_ = true;
    gate.changed_.notify_all();
  }

  static inline RotationGate* instance_ = nullptr;
  std::string held_;
  bool release_when_a_sink_waits_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool holding_ = false;
  bool released_ = false;
  bool done_ = false;
  int waits_ = 0;
};

}  // namespace

TEST_CASE("size rotation, index names, uncompressed: the newest is .1", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 30;  // three lines
  options.rotation.compress = false;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 8);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1", "app.log.2"});
  CHECK(read_log(dir / "app.log.2") == lines(0, 3));
  CHECK(read_log(dir / "app.log.1") == lines(3, 6));
  CHECK(read_log(dir / "app.log") == lines(6, 8));
}

TEST_CASE("size rotation, compressed: originals go, .zst files hold every byte", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 30;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 10);
    sink.flush();
    sink.wait_for_rotations();
    CHECK(dir.names() ==
          std::vector<std::string>{"app.log", "app.log.1.zst", "app.log.2.zst", "app.log.3.zst"});
  }
  CHECK(read_log(dir / "app.log.3.zst") == lines(0, 3));
  CHECK(read_log(dir / "app.log.2.zst") == lines(3, 6));
  CHECK(read_log(dir / "app.log.1.zst") == lines(6, 9));
  CHECK(read_log(dir / "app.log") == lines(9, 10));
}

TEST_CASE("a line larger than max_bytes gets a file of its own", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 5;
  options.rotation.compress = false;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 3);
    sink.flush();
  }
  CHECK(read_log(dir / "app.log.2") == lines(0, 1));
  CHECK(read_log(dir / "app.log.1") == lines(1, 2));
  CHECK(read_log(dir / "app.log") == lines(2, 3));
}

TEST_CASE("daily rotation by the records' timestamps, timestamp names", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.schedule = RotationSchedule::daily();
  options.rotation.naming = RotatedNames::timestamp;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 2, kMidnight + 10 * 3600 * kS);   // Nov 22, 10:00
    write_requests(sink, 2, 3, kMidnight + 86'399 * kS);      // Nov 22, 23:59:59
    write_requests(sink, 3, 5, kMidnight + 86'400 * kS);      // Nov 23, 00:00:00 exactly
    write_requests(sink, 5, 6, kMidnight + 3 * 86'400 * kS);  // Nov 25 (Nov 24 had none)
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-23T00-00-00.log.zst",
                                                "app.2026-11-24T00-00-00.log.zst", "app.log"});
  CHECK(read_log(dir / "app.2026-11-23T00-00-00.log.zst") == lines(0, 3));
  // Named after the boundary it crossed, the first after the file's start.
  CHECK(read_log(dir / "app.2026-11-24T00-00-00.log.zst") == lines(3, 5));
  CHECK(read_log(dir / "app.log") == lines(5, 6));
}

TEST_CASE("size and time together: whichever comes first, and same-second names get _N",
          "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 20;
  options.rotation.schedule = RotationSchedule::every(1h);
  options.rotation.naming = RotatedNames::timestamp;
  options.rotation.compress = false;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 5, kMidnight + 5 * kS);
    write_requests(sink, 5, 6, kMidnight + 3600 * kS);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-22T00-00-05.log",
                                                "app.2026-11-22T00-00-05_1.log",
                                                "app.2026-11-22T01-00-00.log", "app.log"});
  CHECK(read_log(dir / "app.2026-11-22T00-00-05.log") == lines(0, 2));
  CHECK(read_log(dir / "app.2026-11-22T00-00-05_1.log") == lines(2, 4));
  CHECK(read_log(dir / "app.2026-11-22T01-00-00.log") == lines(4, 5));
  CHECK(read_log(dir / "app.log") == lines(5, 6));
}

TEST_CASE("retention by count keeps the newest backup_count files", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;  // one line a file
  options.rotation.backup_count = 2;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 6);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1.zst", "app.log.2.zst"});
  CHECK(read_log(dir / "app.log.2.zst") == lines(3, 4));
  CHECK(read_log(dir / "app.log.1.zst") == lines(4, 5));
  CHECK(read_log(dir / "app.log") == lines(5, 6));
}

TEST_CASE("retention by total size counts the active file and deletes the oldest", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.compress = false;
  options.rotation.max_total_bytes = 35;  // the active file and two rotated ones
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 7);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1", "app.log.2"});
  CHECK(read_log(dir / "app.log.2") == lines(4, 5));
  CHECK(read_log(dir / "app.log.1") == lines(5, 6));
}

TEST_CASE("retention by age deletes files last written before max_age", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.compress = false;
  options.rotation.max_age = 24h;
  std::ofstream(dir / "app.log.1") << "old\n";
  std::ofstream(dir / "app.log.2") << "older\n";
  fs::last_write_time(dir / "app.log.1", fs::file_time_type::clock::now() - 23h);
  fs::last_write_time(dir / "app.log.2", fs::file_time_type::clock::now() - 25h);
  {
    FileSink sink(dir / "app.log", message_only(), options);
    sink.wait_for_rotations();  // the start applies retention too
    CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1"});
    write_requests(sink, 0, 2);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1", "app.log.2"});
  CHECK(read_log(dir / "app.log.2") == "old\n");
  CHECK(read_log(dir / "app.log.1") == lines(0, 1));
}

TEST_CASE("a failed compression keeps the file, says so, and the next start finishes it",
          "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.naming = RotatedNames::timestamp;
  // The compressor's output name is taken by a directory: its open fails.
  const std::string rotated = "app.2026-11-22T00-00-01.log";
  fs::create_directories(dir / (rotated + ".zst.tmp") / "keep");
  ErrorReports errors;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 2);
    sink.wait_for_rotations();
    CHECK(errors.take() ==
          std::vector<std::string>{"file sink \"" + (dir / "app.log").string() +
                                   "\" (rotation): cannot create \"" + (dir / rotated).string() +
                                   ".zst.tmp\": Is a directory; \"" + (dir / rotated).string() +
                                   "\" stays uncompressed and is compressed at the next start"});
    CHECK(flush_error(sink) == "no error");
  }
  CHECK(read_log(dir / rotated) == lines(0, 1));
  fs::remove_all(dir / (rotated + ".zst.tmp"));
  {
    FileSink sink(dir / "app.log", message_only(), options);
    sink.wait_for_rotations();
  }
  CHECK(errors.take().empty());
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-22T00-00-01.log.zst", "app.log"});
  CHECK(read_log(dir / (rotated + ".zst")) == lines(0, 1));
}

TEST_CASE("a failed compression with index names keeps the order", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  fs::create_directories(dir / "app.2026-11-22T00-00-01.log.zst.tmp" / "keep");
  ErrorReports errors;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 2);
    sink.wait_for_rotations();
    CHECK(errors.take().size() == 1);
    write_requests(sink, 2, 3, kMidnight + 2 * kS);
    sink.wait_for_rotations();
    // The uncompressed one took its place in the order all the same.
    CHECK(dir.names() == std::vector<std::string>{"app.2026-11-22T00-00-01.log.zst.tmp", "app.log",
                                                  "app.log.1.zst", "app.log.2"});
  }
  fs::remove_all(dir / "app.2026-11-22T00-00-01.log.zst.tmp");
  {
    FileSink sink(dir / "app.log", message_only(), options);
    sink.wait_for_rotations();
  }
  CHECK(errors.take().empty());
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1.zst", "app.log.2.zst"});
  CHECK(read_log(dir / "app.log.2.zst") == lines(0, 1));
  CHECK(read_log(dir / "app.log.1.zst") == lines(1, 2));
}

TEST_CASE("restart after a kill mid-rotation: leftovers are finished, nothing lost or doubled",
          "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 1000;
  // The state a kill can leave, every step at once:
  //  - a staged file not yet compressed, with a partial .tmp beside it;
  //  - a staged file whose .zst was complete but the original not yet removed;
  //  - index 1..2 renumbered up to 2..3 but a gap left at 1.
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("app.log.3", "first\n");
  write("app.log.2", "second\n");
  write("app.2026-11-22T00-00-00.log", "third\n");
  write("app.2026-11-22T00-00-00.log.zst.tmp", "partial garbage");
  write("app.2026-11-22T00-00-05.log", "fourth\n");
  sluice::detail::compress_file(dir / "app.2026-11-22T00-00-05.log",
                                dir / "app.2026-11-22T00-00-05.log.zst", 3);
  write("app.log", "active\n");
  ErrorReports errors;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    sink.wait_for_rotations();
  }
  CHECK(errors.take().empty());
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1.zst", "app.log.2.zst",
                                                "app.log.3.zst", "app.log.4.zst"});
  CHECK(read_log(dir / "app.log.4.zst") == "first\n");
  CHECK(read_log(dir / "app.log.3.zst") == "second\n");
  CHECK(read_log(dir / "app.log.2.zst") == "third\n");
  CHECK(read_log(dir / "app.log.1.zst") == "fourth\n");
  CHECK(read_log(dir / "app.log") == "active\n");
}

TEST_CASE("on start: append to the active file, or rotate it first", "[rotation]") {
  const TempDir dir("sluice-rotation");
  std::ofstream(dir / "app.log") << "from before\n";
  FileOptions options;
  options.rotation.max_bytes = 1000;
  options.rotation.compress = false;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 1);
  }
  CHECK(read_log(dir / "app.log") == "from before\n" + lines(0, 1));
  options.rotation.rotate_on_open = true;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 1, 2);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1"});
  CHECK(read_log(dir / "app.log.1") == "from before\n" + lines(0, 1));
  CHECK(read_log(dir / "app.log") == lines(1, 2));
}

TEST_CASE("an appended file rotates by the period of its last write", "[rotation]") {
  const TempDir dir("sluice-rotation");
  std::ofstream(dir / "app.log") << "yesterday\n";
  fs::last_write_time(dir / "app.log", fs::file_time_type::clock::now() - 48h);
  FileOptions options;
  options.rotation.schedule = RotationSchedule::daily();
  options.rotation.compress = false;
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  {
    FileSink sink(dir / "app.log", message_only(), options);
    write_requests(sink, 0, 1, now_ns);
    sink.flush();
    sink.wait_for_rotations();
  }
  CHECK(read_log(dir / "app.log.1") == "yesterday\n");
  CHECK(read_log(dir / "app.log") == lines(0, 1));
}

TEST_CASE("invalid rotation options: exact errors, no file left behind", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.compression_level = 99;
  CHECK_THROWS_WITH(FileSink(dir / "app.log", nullptr, options),
                    "file sink \"" + (dir / "app.log").string() +
                        "\": zstd compression level 99 is out of range (-131072 to 22)");
  options.rotation.compression_level = 3;
  options.rotation.schedule = RotationSchedule::every(0s);
  CHECK_THROWS_WITH(FileSink(dir / "app.log", nullptr, options),
                    "file sink \"" + (dir / "app.log").string() +
                        "\": invalid rotation schedule: the period must be at least one second");
  CHECK(dir.names().empty());
}

TEST_CASE("a rotation that fails is reported and retried a second later, not at every record",
          "[rotation]") {
  const TempDir dir("sluice-rotation");
  const fs::path logs = dir / "logs";
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.compress = false;
  FileSink sink(logs / "app.log", message_only(), options);
  write_requests(sink, 0, 1, kMidnight);
  // Someone deleted the directory: neither the rename nor a new open can work.
  fs::remove_all(logs);
  const auto error_of = [&](int i, std::int64_t ns) {
    try {
      write_requests(sink, i, i + 1, ns);
    } catch (const sluice::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(1, kMidnight) ==
        "cannot rotate: \"" + (logs / "app.log").string() +
            "\" was removed or renamed by another process, and cannot open log file \"" +
            (logs / "app.log").string() +
            "\": No such file or directory; records go where the old file went until a new one "
            "can be opened");
  CHECK(error_of(2, kMidnight + kS / 2) == "no error");  // within the second: not retried
  CHECK(error_of(3, kMidnight + kS) != "no error");      // a second later: retried
  sink.wait_for_rotations();
  CHECK(!fs::exists(logs));
}

TEST_CASE("an active file removed or renamed under a rotating sink: the rotation opens a new one",
          "[rotation]") {
  // rm, or logrotate without copytruncate: the rename that rotates finds no
  // active file. Writing on into the old one lost every record from then on
  // (a removed file) and every rotation failed the same way.
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;  // one line a file
  options.rotation.compress = false;
  ErrorReports errors;
  const fs::path active = dir / "app.log";
  FileSink sink(active, message_only(), options);
  write_requests(sink, 0, 1);
  sink.flush();
  const bool renamed = GENERATE(false, true);
  if (renamed) {
    fs::rename(active, dir / "moved.log");
  } else {
    fs::remove(active);
  }
  write_requests(sink, 1, 2);  // the rotation finds no app.log
  CHECK(errors.take() ==
        std::vector<std::string>{"file sink \"" + active.string() + "\": cannot rotate: \"" +
                                 active.string() +
                                 "\" was removed or renamed by another process (what was "
                                 "written to it since went with it); writing to a new \"" +
                                 active.string() + "\""});
  write_requests(sink, 2, 3);  // and rotation works again
  sink.flush();
  sink.wait_for_rotations();
  CHECK(errors.take().empty());
  CHECK(read_log(dir / "app.log.1") == lines(1, 2));
  CHECK(read_log(active) == lines(2, 3));
  if (renamed) {
    CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1", "moved.log"});
    CHECK(read_log(dir / "moved.log") == lines(0, 1));
  } else {
    CHECK(dir.names() == std::vector<std::string>{"app.log", "app.log.1"});
  }
}

TEST_CASE("a record kept through a failed write still makes its file one to rotate", "[rotation]") {
  // The first record of a file failed to write (a full disk) and was kept
  // for retry; the sink took the file for one without records, so the next
  // day's first record did not rotate it, and the two days shared a file.
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.buffer_size = 1;  // every record to write(2) at once
  options.rotation.schedule = RotationSchedule::daily();
  options.rotation.naming = RotatedNames::timestamp;
  options.rotation.compress = false;
  FileSink sink(dir / "app.log", message_only(), options);
  {
    sluice::testing::FullDisk full(sluice::testing::fd_of(dir / "app.log"));
    CHECK_THROWS_WITH(write_requests(sink, 0, 1, kMidnight + kS),
                      Catch::Contains("No space left on device (10 bytes kept for retry)"));
  }
  write_requests(sink, 1, 2, kMidnight + 86'400 * kS + kS);  // the next day, space back
  sink.flush();
  sink.wait_for_rotations();
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-23T00-00-00.log", "app.log"});
  CHECK(read_log(dir / "app.2026-11-23T00-00-00.log") == lines(0, 1));
  CHECK(read_log(dir / "app.log") == lines(1, 2));
}

TEST_CASE("a rotation whose flush writes again after discarded lines rotates, and reports them",
          "[rotation]") {
  // Under the backoff, a line that finds the kept bytes full (16 MiB) is
  // discarded without a try. The rotation's flush is the next try: it writes
  // what was kept, so the file rotates, and the discarded lines are reported
  // as a recovery, not as a failed rotation.
  const std::string big(std::size_t{4} << 20, 'x');  // 3 fit in the kept bytes
  const TempDir dir("sluice-rotation");
  const fs::path path = dir / "app.log";
  FileOptions options;
  options.buffer_size = 1;  // every record to write(2) at once
  options.rotation.schedule = RotationSchedule::daily();
  options.rotation.naming = RotatedNames::timestamp;
  options.rotation.compress = false;
  ErrorReports reports;
  FileSink sink(path, message_only(), options);
  RecordFixture record;
  RecordMeta day1;
  day1.timestamp_ns = kMidnight + kS;
  {
    sluice::testing::FullDisk full(sluice::testing::fd_of(path));
    for (int line = 1; line <= 8; ++line) {
      CHECK_THROWS_AS(sink.write(record.build<kBig>(day1, big)), sluice::Error);
    }
  }
  sink.write(record.build<kBig>(day1, big));                                  // no try: discarded
  CHECK_NOTHROW(write_requests(sink, 10, 11, kMidnight + 86'400 * kS + kS));  // the next day
  sink.flush();
  sink.wait_for_rotations();
  CHECK(dir.names() == std::vector<std::string>{"app.2026-11-23T00-00-00.log", "app.log"});
  const std::string kept = big + '\n';
  CHECK(read_log(dir / "app.2026-11-23T00-00-00.log") == kept + kept + kept);
  CHECK(read_log(path) == lines(10, 11));
  const std::string name = '"' + path.string() + '"';
  CHECK(reports.take() ==
        std::vector<std::string>{"file sink " + name + ": writing to " + name +
                                 " again after a failure: 6 lines (25165830 bytes) discarded so "
                                 "far"});
}

TEST_CASE("same-second timestamp names never reuse a counter that retention freed", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;  // one line a file
  options.rotation.naming = RotatedNames::timestamp;
  options.rotation.compress = false;
  options.rotation.backup_count = 1;
  {
    FileSink sink(dir / "app.log", message_only(), options);
    for (int i = 0; i < 4; ++i) {
      write_requests(sink, i, i + 1);  // all in the same second
      sink.wait_for_rotations();
    }
  }
  // The newest rotated file (line 2) is the one kept, under a name that
  // sorts after every earlier one of that second.
  REQUIRE(dir.names().size() == 2);
  CHECK(dir.names()[1] == "app.log");
  CHECK(read_log(dir / dir.names()[0]) == lines(2, 3));
  CHECK(read_log(dir / "app.log") == lines(3, 4));
}

TEST_CASE("a new sink on a path waits for the earlier sink's compression there", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;  // one line a file
  const std::string rotated = "app.2026-11-22T00-00-01.log";
  RotationGate gate(rotated + ".zst.tmp");
  ErrorReports errors;
  // Its directory does not exist yet: the sink makes it.
  auto old_sink = std::make_unique<FileSink>(dir / "logs" / "app.log", message_only(), options);
  write_requests(*old_sink, 0, 2);  // "request 0" rotated, "request 1" active
  old_sink->flush();
  gate.wait_until_held();  // its .zst.tmp written, not yet renamed
  CHECK(fs::exists(dir / "logs" / (rotated + ".zst.tmp")));
  // The application stops and starts again, keeping the old sink; the new
  // one spells the path another way (through a symlink).
  fs::create_directory_symlink(dir / "logs", dir / "link");
  std::unique_ptr<FileSink> new_sink;
  std::thread starter([&] {
    new_sink = std::make_unique<FileSink>(dir / "link" / "app.log", message_only(), options);
    new_sink->wait_for_rotations();
    gate.done();
  });
  gate.wait_until_a_sink_waits_or_done();
  gate.release();
  old_sink.reset();  // destroyed while the new one may still wait: no deadlock
  starter.join();
  CHECK(gate.waits() == 1);
  write_requests(*new_sink, 2, 3, kMidnight + 2 * kS);
  new_sink->wait_for_rotations();
  new_sink.reset();
  CHECK(errors.take() == std::vector<std::string>{});
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir / "logs")) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"app.log", "app.log.1.zst", "app.log.2.zst"});
  CHECK(read_log(dir / "logs" / "app.log.2.zst") == lines(0, 1));
  CHECK(read_log(dir / "logs" / "app.log.1.zst") == lines(1, 2));
  CHECK(read_log(dir / "logs" / "app.log") == lines(2, 3));
}

TEST_CASE("sinks on different paths never wait for each other's compression", "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  const std::string rotated = "a.2026-11-22T00-00-01.log";
  // Were a sink to wait for the held compression, the gate lets it go (and
  // the test fails rather than hangs).
  RotationGate gate(rotated + ".zst.tmp", true);
  ErrorReports errors;
  FileSink held(dir / "a.log", message_only(), options);
  write_requests(held, 0, 2);
  gate.wait_until_held();
  {
    // Another set in the same directory, and a.log in another directory:
    // made, rotated and compressed while a.log's compression is held.
    FileSink other_name(dir / "b.log", message_only(), options);
    FileSink other_dir(dir / "sub" / "a.log", message_only(), options);
    write_requests(other_name, 0, 2);
    write_requests(other_dir, 0, 2);
    other_name.wait_for_rotations();
    other_dir.wait_for_rotations();
  }
  CHECK(gate.waits() == 0);
  CHECK(fs::exists(dir / (rotated + ".zst.tmp")));  // still held
  CHECK(read_log(dir / "b.log.1.zst") == lines(0, 1));
  CHECK(read_log(dir / "sub" / "a.log.1.zst") == lines(0, 1));
  gate.release();
  held.wait_for_rotations();
  CHECK(read_log(dir / "a.log.1.zst") == lines(0, 1));
  CHECK(errors.take() == std::vector<std::string>{});
}

TEST_CASE("the error handler may make a sink on the path whose worker reports to it",
          "[rotation]") {
  const TempDir dir("sluice-rotation");
  FileOptions options;
  options.rotation.max_bytes = 10;
  options.rotation.naming = RotatedNames::timestamp;
  // The compressor's output name is taken by a directory: the worker reports.
  const std::string rotated = "app.2026-11-22T00-00-01.log";
  fs::create_directories(dir / (rotated + ".zst.tmp") / "keep");
  std::mutex mutex;
  std::vector<std::string> messages;
  std::unique_ptr<FileSink> made;
  std::promise<void> made_promise;
  std::future<void> made_future = made_promise.get_future();
  std::thread maker;
  bool making = false;
  bool made_in_time = false;
  sluice::set_error_handler([&](std::string_view message) {
    const std::lock_guard lock(mutex);
    messages.emplace_back(message);
    if (std::exchange(making, true)) return;  // the first report only
    // As if the handler made it itself (on the worker's thread, in the
    // handler): on a thread of its own, so that a sink that waits for good
    // fails the test instead of hanging it.
    maker = std::thread([&] {
      made = std::make_unique<FileSink>(dir / "app.log", message_only(), options);
      made_promise.set_value();
    });
    made_in_time = made_future.wait_for(10s) == std::future_status::ready;
  });
  auto sink = std::make_unique<FileSink>(dir / "app.log", message_only(), options);
  write_requests(*sink, 0, 2);
  sink->wait_for_rotations();
  CHECK(made_in_time);
  {
    const std::lock_guard lock(mutex);
    CHECK(making);
  }
  if (maker.joinable()) maker.join();  // once the handler returned, it is made
  CHECK(made != nullptr);
  sink.reset();
  if (made) made->wait_for_rotations();
  made.reset();
  sluice::set_error_handler(nullptr);
  REQUIRE(!messages.empty());
  CHECK(messages.front() == "file sink \"" + (dir / "app.log").string() +
                                "\" (rotation): cannot create \"" + (dir / rotated).string() +
                                ".zst.tmp\": Is a directory; \"" + (dir / rotated).string() +
                                "\" stays uncompressed and is compressed at the next start");
}
