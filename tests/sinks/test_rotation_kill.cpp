// A process killed (SIGKILL) while it logs, rotates and compresses; the
// next start finishes what it left: every file decompresses whole, no
// temporary or half-done file remains, and the records are 0..N without a
// gap or a duplicate, N at least the last one a flush covered.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "zstd_file.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace {

// Runs rotation_writer DIR MODE; its stdout goes to `out`.
pid_t spawn_writer(const fs::path& dir, const char* mode, const fs::path& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string dir_text = dir.string();
  std::vector<char*> args{const_cast<char*>(SLUICE_ROTATION_WRITER),
                          const_cast<char*>(dir_text.c_str()), const_cast<char*>(mode), nullptr};
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, SLUICE_ROTATION_WRITER, &actions, nullptr, args.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

long last_flushed(const fs::path& out) {
  long last = -1;
  std::FILE* f = std::fopen(out.c_str(), "r");
  REQUIRE(f != nullptr);
  for (long seq = 0; std::fscanf(f, "%ld", &seq) == 1;) last = seq;
  std::fclose(f);
  return last;
}

// Waits until the writer has flushed past `seq` (or 60 s have passed): on a
// loaded machine a fixed delay may kill it before it rotated at all.
void wait_for_progress(const fs::path& out, long seq) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    long last = -1;
    if (std::FILE* f = std::fopen(out.c_str(), "r")) {
      for (long n = 0; std::fscanf(f, "%ld", &n) == 1;) last = n;
      std::fclose(f);
    }
    if (last >= seq) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST_CASE("killed mid-rotation: the next start finishes it, nothing lost or doubled",
          "[rotation]") {
  // Runs that left unfinished work (a .tmp, or a rotated file still under
  // its timestamp name): without any, the test proved nothing about resume.
  int runs_with_leftovers = 0;
  for (const int run_ms : {0, 150, 400}) {
    INFO("killed after " << run_ms << " ms");
    const sluice::testing::TempDir dir("sluice-rotation-kill");
    const fs::path logs = dir / "logs";
    const pid_t writer = spawn_writer(logs, "run", dir / "out.txt");
    // "seq N" lines of ~10 bytes: past 3 files of 64 KiB, then on for a
    // while, so that the kill lands at a different point of a rotation.
    wait_for_progress(dir / "out.txt", 25'000);
    std::this_thread::sleep_for(std::chrono::milliseconds(run_ms));
    ::kill(writer, SIGKILL);
    const int status = wait_for(writer);
    REQUIRE(WIFSIGNALED(status));
    const long flushed = last_flushed(dir / "out.txt");
    REQUIRE(flushed > 0);

    bool leftovers = false;
    for (const auto& entry : fs::directory_iterator(logs)) {
      const std::string name = entry.path().filename();
      leftovers = leftovers || name.ends_with(".tmp") || name.starts_with("app.2");
    }
    runs_with_leftovers += leftovers ? 1 : 0;

    const pid_t finisher = spawn_writer(logs, "finish", dir / "finish.txt");
    const int finished = wait_for(finisher);
    REQUIRE(WIFEXITED(finished));
    REQUIRE(WEXITSTATUS(finished) == 0);

    std::vector<int> seen(static_cast<std::size_t>(flushed) + 1'000'000, 0);
    long highest = -1;
    std::size_t rotated = 0;
    for (const auto& entry : fs::directory_iterator(logs)) {
      const std::string name = entry.path().filename();
      INFO(name);
      // Only the active file and finished, compressed, numbered parts.
      const bool active = name == "app.log";
      CHECK((active || (name.starts_with("app.log.") && name.ends_with(".zst"))));
      rotated += active ? 0 : 1;
      const std::string content = sluice::testing::read_log(entry.path());
      std::size_t start = 0;
      while (start < content.size()) {
        const std::size_t end = content.find('\n', start);
        if (end == std::string::npos) {
          CHECK(active);  // only the active file can end in a cut line
          break;
        }
        long seq = -1;
        REQUIRE(std::sscanf(content.c_str() + start, "seq %ld", &seq) == 1);
        REQUIRE(seq >= 0);
        REQUIRE(static_cast<std::size_t>(seq) < seen.size());
        ++seen[static_cast<std::size_t>(seq)];
        highest = std::max(highest, seq);
        start = end + 1;
      }
    }
    CHECK(rotated > 2);
    CHECK(highest >= flushed);
    std::size_t missing = 0, doubled = 0;
    for (long seq = 0; seq <= highest; ++seq) {
      missing += seen[static_cast<std::size_t>(seq)] == 0;
      doubled += seen[static_cast<std::size_t>(seq)] > 1;
    }
    CHECK(missing == 0);
    CHECK(doubled == 0);
  }
  CHECK(runs_with_leftovers > 0);
}
