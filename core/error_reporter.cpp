#include "error_reporter.hpp"

#include <cstdio>

namespace sluice::detail {

namespace {
void write_to_stderr(std::string_view message) {
  std::fprintf(stderr, "sluice: %.*s\n", static_cast<int>(message.size()), message.data());
}
}  // namespace

ErrorReporter::ErrorReporter() : handler_(write_to_stderr) {}

ErrorReporter& error_reporter() {
  static auto* reporter = new ErrorReporter;  // intentionally leaked, see header
  return *reporter;
}

void ErrorReporter::set_handler(ErrorHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = handler ? std::move(handler) : ErrorHandler(write_to_stderr);
}

void ErrorReporter::report(const std::string& source, std::string_view message) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  SourceState& state = sources_[source];
  if (state.last != std::chrono::steady_clock::time_point{} &&
      now - state.last < std::chrono::seconds{1}) {
    ++state.suppressed;
    return;
  }
  std::string text = source + ": " + std::string(message);
  if (state.suppressed > 0) {
    text += " (" + std::to_string(state.suppressed) +
            (state.suppressed == 1 ? " similar error suppressed)" : " similar errors suppressed)");
  }
  state.last = now;
  state.suppressed = 0;
  try {
    handler_(text);
  } catch (...) {
    // A failing handler must not take the backend down.
  }
}

}  // namespace sluice::detail
