#include "error_reporter.hpp"

#include <cstdio>

namespace sluice::detail {

namespace {
void write_to_stderr(std::string_view message) {
  std::fprintf(stderr, "sluice: %.*s\n", static_cast<int>(message.size()), message.data());
}
}  // namespace

ErrorReporter::ErrorReporter() : handler_(std::make_shared<const ErrorHandler>(write_to_stderr)) {}

ErrorReporter& error_reporter() {
  static auto* reporter = new ErrorReporter;  // intentionally leaked, see header
  return *reporter;
}

void ErrorReporter::set_handler(ErrorHandler handler) {
  auto replacement =
      std::make_shared<const ErrorHandler>(handler ? std::move(handler) : write_to_stderr);
  std::lock_guard lock(handler_mutex_);
  handler_.swap(replacement);
  // The old handler, if it is the one running on this thread, lives on in
  // call_handler's copy.
}

void ErrorReporter::report(const std::string& source, std::string_view message) {
  std::string text;
  {
    std::lock_guard lock(sources_mutex_);
    const auto now = std::chrono::steady_clock::now();
    SourceState& state = sources_[source];
    if (state.last != std::chrono::steady_clock::time_point{} &&
        now - state.last < std::chrono::seconds{1}) {
      ++state.suppressed;
      return;
    }
    text = source + ": " + std::string(message);
    if (state.suppressed > 0) {
      text +=
          " (" + std::to_string(state.suppressed) +
          (state.suppressed == 1 ? " similar error suppressed)" : " similar errors suppressed)");
    }
    state.last = now;
    state.suppressed = 0;
  }
  call_handler(text);
}

void ErrorReporter::call_handler(std::string_view text) {
  std::lock_guard lock(handler_mutex_);
  const std::shared_ptr<const ErrorHandler> handler = handler_;
  try {
    (*handler)(text);
  } catch (...) {
    // A failing handler must not take the backend down.
  }
}

}  // namespace sluice::detail
