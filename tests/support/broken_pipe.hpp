#pragma once
// A pipe whose reader is gone, with SIGPIPE's default action (kill the
// process) in force, as in `app | head` once head has exited: a write to
// write_fd() fails with EPIPE only if the code under test blocks SIGPIPE.
// The destructor puts the old action back; sigpipe_pending() tells whether
// a SIGPIPE was left pending.

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

namespace sluice::testing {

class BrokenPipe {
 public:
  BrokenPipe() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]);
    write_fd_ = fds[1];
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    REQUIRE(::sigaction(SIGPIPE, &default_action, &old_action_) == 0);
  }
  ~BrokenPipe() {
    ::sigaction(SIGPIPE, &old_action_, nullptr);
    ::close(write_fd_);
  }
  BrokenPipe(const BrokenPipe&) = delete;
  BrokenPipe& operator=(const BrokenPipe&) = delete;

  int write_fd() const noexcept { return write_fd_; }
  static bool sigpipe_pending() {
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1;
  }

 private:
  int write_fd_ = -1;
  struct sigaction old_action_ {};
};

}  // namespace sluice::testing
