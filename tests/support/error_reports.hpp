#pragma once
// What the library reports through its error handler while an ErrorReports
// lives (from any thread: the backend, rotation workers); the default
// handler again after.

#include <sluice/runtime.hpp>

#include <cstdint>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::testing {

class ErrorReports {
 public:
  ErrorReports() {
    sluice::set_error_handler([this](std::string_view message) {
      const std::lock_guard lock(mutex_);
      messages_.emplace_back(message);
    });
  }
  ~ErrorReports() { sluice::set_error_handler(nullptr); }
  ErrorReports(const ErrorReports&) = delete;
  ErrorReports& operator=(const ErrorReports&) = delete;

  /// Every report so far.
  std::vector<std::string> messages() const {
    const std::lock_guard lock(mutex_);
    return messages_;
  }
  /// The reports since the last take(), which forgets them.
  std::vector<std::string> take() {
    const std::lock_guard lock(mutex_);
    return std::exchange(messages_, {});
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
};

/// `message` without the count of the similar reports held back before it
/// (" (1 similar error suppressed)", " (3 similar errors suppressed)").
inline std::string without_suppressed_count(const std::string& message) {
  static const std::regex count(R"( \([0-9]+ similar errors? suppressed\)$)");
  return std::regex_replace(message, count, "");
}

/// How many reports `messages` stand for: each one itself, and the similar
/// ones it says were held back. The rate limit loses none, so this is the
/// number of reports made, however the one-second windows fell.
inline std::uint64_t reports_counted(const std::vector<std::string>& messages) {
  static const std::regex count(R"( \(([0-9]+) similar errors? suppressed\)$)");
  std::uint64_t total = 0;
  for (const std::string& message : messages) {
    std::smatch match;
    total += 1 + (std::regex_search(message, match, count) ? std::stoull(match[1].str()) : 0);
  }
  return total;
}

}  // namespace sluice::testing
