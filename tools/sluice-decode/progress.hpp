#pragma once
// The progress line on stderr for long runs: records, megabytes read and the
// rate, redrawn in place about twice a second and erased at the end. Shown
// only when enabled (sluice-decode enables it when stderr is a terminal and
// stdout is not, so that it never mixes with records or lands in a file).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace sluice::detail::decode {

class Progress {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kInterval{500};

  /// `bytes_read` is asked only when a line is drawn; `now` is for tests.
  Progress(std::FILE* err, bool enabled, std::function<std::uint64_t()> bytes_read,
           std::function<Clock::time_point()> now = Clock::now);

  /// Counts a record. Cheap: the clock is read every 4096 records.
  void record() {
    if (enabled_ && (++records_ & 4095) == 0) maybe_draw();
  }
  /// Erases the line, if one is shown (before other stderr output, and at
  /// the end).
  void clear();

 private:
  void maybe_draw();

  std::FILE* err_;
  bool enabled_;
  std::function<std::uint64_t()> bytes_read_;
  std::function<Clock::time_point()> now_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  std::uint64_t records_ = 0;
  std::size_t shown_ = 0;  // length of the line on screen
  std::string line_;
};

}  // namespace sluice::detail::decode
