#pragma once
// What the library reports through its error handler while an ErrorReports
// lives (from any thread: the backend, rotation workers); the default
// handler again after.

#include <sluice/runtime.hpp>

#include <mutex>
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

}  // namespace sluice::testing
