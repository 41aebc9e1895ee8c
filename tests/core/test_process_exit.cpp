// A process that returns from main without stop(): the backend drains at
// exit, so every record reaches the file, in each thread's order; a
// detached thread still logging through the exit does not crash it.

#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "temp_dir.hpp"

extern char** environ;

namespace {

// Runs exit_writer FILE MODE and returns its wait status.
int run_writer(const std::string& file, const char* mode) {
  std::vector<char*> args{const_cast<char*>(SLUICE_EXIT_WRITER), const_cast<char*>(file.c_str()),
                          const_cast<char*>(mode), nullptr};
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, SLUICE_EXIT_WRITER, nullptr, nullptr, args.data(), environ) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
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

// Runs exit_writer FILE MODE, requires a clean exit and reads FILE back.
std::map<std::string, std::vector<std::string>> run_writer_to_exit(const std::string& file,
                                                                   const char* mode) {
  const int status = run_writer(file, mode);
  INFO("wait status " << status);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return read_by_logger(file);
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
