#pragma once
// Waiting for a child process with a time limit, for tests whose failure
// is a deadlock: the child is killed and the test fails, instead of the
// test hanging.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <thread>

namespace sluice::testing {

/// The child's wait status, or nothing when it had not ended within
/// `limit`: it is then killed with SIGKILL and reaped.
inline std::optional<int> wait_for_child(pid_t child, std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    REQUIRE(done != -1);
    if (done == child) return status;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace sluice::testing
