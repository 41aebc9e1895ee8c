// A process that returns from main without stop(): the backend drains at
// exit, so every record reaches the file, in each thread's order; a
// detached thread still logging through the exit does not crash it. A
// rotating sink's set is in its final shape once the process has ended
// (every file under its index name, compressed), unless its worker hangs:
// then the exit waits a bounded time, says so on stderr, and leaves the
// rest to the next start.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "binlog_decode.hpp"
#include "child_process.hpp"
#include "fd_writer.hpp"
#include "temp_dir.hpp"
#include "zstd_file.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

// Runs exit_writer FILE MODE and returns its wait status; its stderr goes
// to `err` when one is given.
int run_writer(const std::string& file, const char* mode, const std::string& err = {}) {
  std::vector<char*> args{const_cast<char*>(SLUICE_EXIT_WRITER), const_cast<char*>(file.c_str()),
                          const_cast<char*>(mode), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!err.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = -1;
  const int spawned =
      posix_spawn(&pid, SLUICE_EXIT_WRITER, &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  // A child that hangs is killed rather than hanging the test.
  const std::optional<int> status = sluice::testing::wait_for_child(pid, std::chrono::seconds(60));
  INFO("exit_writer " << mode << " did not end in 60 s");
  REQUIRE(status.has_value());
  return *status;
}

// For each logger, the messages in file order.
std::map<std::string, std::vector<std::string>> read_by_logger(const std::string& file) {
  std::map<std::string, std::vector<std::string>> by_logger;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    REQUIRE(space != std::string::npos);
    by_logger[line.substr(0, space)].push_back(line.substr(space + 1));
  }
  return by_logger;
}

void require_sequence(const std::vector<std::string>& messages, int count) {
  REQUIRE(messages.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) REQUIRE(messages[i] == std::to_string(i));
}

// Runs exit_writer FILE MODE and requires it to exit with `expected`;
// its stderr goes to `err` when one is given.
void run_writer_to_exit_status(const std::string& file, const char* mode, int expected,
                               const std::string& err = {}) {
  const int status = run_writer(file, mode, err);
  INFO("wait status " << status
                      << (err.empty() ? "" : ", stderr: " + sluice::testing::read_bytes(err)));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == expected);
}

// Runs exit_writer FILE MODE and requires a clean exit.
void run_writer_to_clean_exit(const std::string& file, const char* mode,
                              const std::string& err = {}) {
  run_writer_to_exit_status(file, mode, 0, err);
}

// What a fork() child of a running backend says at exit when it logged.
constexpr std::string_view kForkChildNotWritten =
    "sluice: records logged in this process were not written: it is a fork() child of one "
    "whose backend had started (docs/design.md, \"fork()\")\n";

// The same, then reads FILE back.
std::map<std::string, std::vector<std::string>> run_writer_to_exit(const std::string& file,
                                                                   const char* mode) {
  run_writer_to_clean_exit(file, mode);
  return read_by_logger(file);
}

// exit_writer's "seq N" records in its rotation modes.
constexpr int kRotationRecords = 30'000;

// The set's files, oldest first, once every name was checked to be a final
// one: `active`, and `active.1.zst` .. `active.K.zst` without a gap (no
// staging name `app.<stamp>...`, no `*.tmp`, nothing uncompressed).
std::vector<fs::path> final_set_oldest_first(const fs::path& dir, const std::string& active) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  std::ostringstream listing;
  for (const auto& name : names) listing << name << ' ';
  INFO("files: " << listing.str());
  std::vector<fs::path> oldest_first;
  for (std::size_t index = names.size() - 1; index >= 1; --index) {
    const std::string name = active + "." + std::to_string(index) + ".zst";
    REQUIRE(std::count(names.begin(), names.end(), name) == 1);
    oldest_first.push_back(dir / name);
  }
  REQUIRE(std::count(names.begin(), names.end(), active) == 1);
  oldest_first.push_back(dir / active);
  CHECK(oldest_first.size() > 10);  // it rotated many times, through the exit's drain
  return oldest_first;
}

// The messages of a rotated binary set, decoded file by file, oldest first.
std::vector<std::string> binary_messages(const std::vector<fs::path>& files) {
  std::vector<std::string> messages;
  for (const fs::path& file : files) {
    INFO(file);
    std::vector<std::string> warnings;
    for (const std::string& json :
         sluice::testing::decode_to_json_lines(sluice::testing::read_log(file), warnings)) {
      const std::string key = "\"message\":\"";
      const std::size_t start = json.find(key);
      REQUIRE(start != std::string::npos);
      const std::size_t end = json.find('"', start + key.size());
      messages.push_back(json.substr(start + key.size(), end - start - key.size()));
    }
    CHECK(warnings.empty());
  }
  return messages;
}

// The lines of a rotated text set, oldest first.
std::vector<std::string> text_messages(const std::vector<fs::path>& files) {
  std::vector<std::string> messages;
  for (const fs::path& file : files) {
    std::istringstream content(sluice::testing::read_log(file));
    for (std::string line; std::getline(content, line);) messages.push_back(line);
  }
  return messages;
}

void require_seq(const std::vector<std::string>& messages) {
  REQUIRE(messages.size() == static_cast<std::size_t>(kRotationRecords));
  for (int seq = 0; seq < kRotationRecords; ++seq) {
    REQUIRE(messages[static_cast<std::size_t>(seq)] == "seq " + std::to_string(seq));
  }
}

}  // namespace

TEST_CASE("records still queued when main returns are written at exit") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("main.log");
  const auto by_logger = run_writer_to_exit(file, "main");
  REQUIRE(by_logger.size() == 1);
  require_sequence(by_logger.at("main"), 10000);
}

TEST_CASE("a detached thread logging through the exit loses no joined thread's record") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("threads.log");
  const auto by_logger = run_writer_to_exit(file, "threads");
  for (int t = 0; t < 4; ++t) require_sequence(by_logger.at("worker" + std::to_string(t)), 5000);
  // The detached thread's records up to the exit's drain, without a gap.
  const std::vector<std::string>& detached = by_logger.at("detached");
  REQUIRE_FALSE(detached.empty());
  require_sequence(detached, static_cast<int>(detached.size()));
  CHECK(by_logger.size() == 5);
}

TEST_CASE("a rotating binary set is whole and in its final names once the process has exited",
          "[rotation]") {
  sluice::testing::TempDir dir("sluice-exit");
  run_writer_to_clean_exit(dir.file("logs"), "binary-rotation");
  require_seq(binary_messages(final_set_oldest_first(dir / "logs", "app.slog")));
}

TEST_CASE("a rotating text set is whole and in its final names once the process has exited",
          "[rotation]") {
  sluice::testing::TempDir dir("sluice-exit");
  run_writer_to_clean_exit(dir.file("logs"), "text-rotation");
  require_seq(text_messages(final_set_oldest_first(dir / "logs", "app.log")));
}

TEST_CASE("a live-compressed binary log is whole zstd once the process has exited") {
  sluice::testing::TempDir dir("sluice-exit");
  fs::create_directories(dir / "logs");
  run_writer_to_clean_exit(dir.file("logs"), "binary-zstd");
  // read_log() requires the last zstd frame to be closed (what `zstd -t`
  // checks), not only decodable by sluice-decode.
  require_seq(binary_messages({dir / "logs/app.slog.zst"}));
}

TEST_CASE("an exit on the backend thread (an error handler's) closes a .slog.zst's zstd frame") {
  // The exit's stop() there only flushed the sinks: the frame stayed open,
  // and `zstd -t` failed on the file ('premature end').
  sluice::testing::TempDir dir("sluice-exit");
  fs::create_directories(dir / "logs");
  run_writer_to_exit_status(dir.file("logs"), "binary-zstd-handler-exit", 3);
  // read_log() requires the last zstd frame to be closed.
  require_seq(binary_messages({dir / "logs/app.slog.zst"}));
}

TEST_CASE("an exit on the backend thread while stop() finishes the sinks finishes the rest") {
  // stop() finishes the failing sink first; its error handler exits there,
  // and the exit's stop() finished only what had been flushed since: the
  // .slog.zst, next in the list, was left with its frame open.
  sluice::testing::TempDir dir("sluice-exit");
  fs::create_directories(dir / "logs");
  run_writer_to_exit_status(dir.file("logs"), "binary-zstd-finish-exit", 3);
  // read_log() requires the last zstd frame to be closed.
  require_seq(binary_messages({dir / "logs/app.slog.zst"}));
}

TEST_CASE("a fork() child of a running backend never blocks, writes nothing twice, and says so") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("fork.log");
  const std::string err = dir.file("stderr");
  // 23: the child blocked (SIGALRM) or failed.
  run_writer_to_clean_exit(file, "fork-running", err);
  const auto by_logger = read_by_logger(file);
  REQUIRE(by_logger.size() == 1);                 // nothing of the child's
  require_sequence(by_logger.at("parent"), 101);  // each of the parent's once
  CHECK(sluice::testing::read_bytes(err) ==
        "sluice::start: this process is a fork() child of one whose backend had started; the "
        "backend cannot run in it (docs/design.md, \"fork()\")\n" +
            std::string(kForkChildNotWritten));
}

TEST_CASE("a fork() child's child that logged nothing says nothing at exit") {
  // The child logged (its thread's first record made a queue), the
  // grandchild did not: the grandchild took the child's mark for its own,
  // and said too that its records were not written.
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("fork.log");
  const std::string err = dir.file("stderr");
  run_writer_to_clean_exit(file, "fork-twice", err);
  const auto by_logger = read_by_logger(file);
  REQUIRE(by_logger.size() == 1);
  require_sequence(by_logger.at("parent"), 1);
  // One report: the child's.
  CHECK(sluice::testing::read_bytes(err) == kForkChildNotWritten);
}

TEST_CASE("a fork() child whose every record was dropped says so at exit") {
  // Its queue was full at the fork: the record it logged was dropped, the
  // queue's published position never moved, and the child said nothing.
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("fork.log");
  const std::string err = dir.file("stderr");
  run_writer_to_clean_exit(file, "fork-full-queue", err);
  CHECK(read_by_logger(file).count("child") == 0);
  CHECK(sluice::testing::read_bytes(err) == kForkChildNotWritten);
}

TEST_CASE("a fork() child whose parent held the logger registry's lock can use it") {
  // The lock was copied locked into the child, where no thread would ever
  // release it: its first get_logger() hung (killed by its alarm). The
  // backend takes it to route records, so a fork() while logging met it.
  sluice::testing::TempDir dir("sluice-exit");
  run_writer_to_clean_exit(dir.file("unused.log"), "fork-registry-locked");
}

TEST_CASE("a fork() child of a process whose backend never started runs a backend of its own") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("fork.log");
  const std::string err = dir.file("stderr");
  const int status = run_writer(file, "fork-unstarted", err);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto by_logger = read_by_logger(file);
  REQUIRE(by_logger.size() == 2);
  require_sequence(by_logger.at("child"), 100);
  require_sequence(by_logger.at("parent"), 1);
  CHECK(sluice::testing::read_bytes(err).empty());
}

TEST_CASE("a hung rotation worker holds the exit up for a bounded time, and says so",
          "[rotation]") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string err = dir.file("stderr.txt");
  const auto started = std::chrono::steady_clock::now();
  const int status = run_writer(dir.file("logs"), "blocked-rotation", err);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("exit took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                    << " ms");
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  // The bound is 5 s: waited for it, and not much longer.
  CHECK(took >= std::chrono::seconds(5));
  CHECK(took < std::chrono::seconds(30));
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string sink = "file sink " + sluice::detail::quoted(dir / "logs" / "app.log");
  CHECK(text == "sluice: " + sink +
                    " (rotation): rotation work still pending at exit after 5 s; left as it is, "
                    "and finished when a sink next opens the set\n");
}

TEST_CASE("an error handler that exits on a rotation worker's thread does not wait for itself",
          "[rotation]") {
  sluice::testing::TempDir dir("sluice-exit");
  const std::string err = dir.file("stderr.txt");
  const auto started = std::chrono::steady_clock::now();
  const int status = run_writer(dir.file("logs"), "handler-exit", err);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("exit took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                    << " ms");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  // Waiting for its own report, it would have waited out the 5 s bound.
  CHECK(took < std::chrono::seconds(4));
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path in_the_way = dir / "logs" / "app.log.9.zst";
  CHECK(text.starts_with("handler: file sink " + sluice::detail::quoted(dir / "logs" / "app.log") +
                         " (rotation): cannot delete old log file " +
                         sluice::detail::quoted(in_the_way) + ": "));
  CHECK(text.find("still pending") == std::string::npos);
}

TEST_CASE(
    "an error handler that exits on the backend thread exits with its status, sinks flushed") {
  // The exit's stop() runs on the backend thread itself, which it cannot
  // join: std::thread::join threw inside the atexit handler, and
  // std::terminate turned exit(3) into SIGABRT.
  sluice::testing::TempDir dir("sluice-exit");
  const std::string file = dir.file("out.log");
  const std::string err = dir.file("stderr.txt");
  const int status = run_writer(file, "backend-handler-exit", err);
  INFO("wait status " << status);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "handler: throwing sink: write failed: disk on fire\n");
  // What the backend wrote before the failure is on disk.
  require_sequence(read_by_logger(file)["main"], 100);
}
