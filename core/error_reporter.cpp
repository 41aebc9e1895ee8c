#include "error_reporter.hpp"

#include <unistd.h>

#include <string>

#include "fd_writer.hpp"
#include "sluice/error.hpp"
#include "text_util.hpp"

namespace sluice::detail {

namespace {
// Calls of the handler in progress on this thread (a handler that reports
// calls it again).
thread_local int t_handler_calls = 0;

// One report, one line: a reader of stderr line by line (a log shipper,
// `grep`) must not take the rest of a sink's multi-line exception text for
// reports of their own, and a terminal escape in it must not reach the
// terminal. The text can quote a record's or a file's bytes: invalid UTF-8
// and backslashes are escaped too, so that each line reads back to the
// bytes reported. A handler set by the user gets the text unchanged.
std::string on_one_line(std::string_view message) {
  std::string line;
  append_display_escaped(message, ControlBytes::tab_and_named, line);
  return line;
}

// Through FdWriter, not the C stream: a stderr whose reader is gone (`app
// 2>&1 | head`) fails with EPIPE, where a plain write(2) raised SIGPIPE and
// killed the process. The line is then lost: nobody is left to tell.
void write_to_stderr(std::string_view message) {
  try {
    FdWriter err(STDERR_FILENO, "stderr", /*buffer_size=*/0);
    err.write_line(on_one_line(message), "sluice: ", {});
  } catch (const Error&) {
  }
}

// "<source>: <message>", then how many others were held back, if any.
std::string report_text(std::string_view source, std::string_view message,
                        std::uint64_t suppressed) {
  std::string text;
  text.append(source).append(": ").append(message);
  if (suppressed > 0) {
    text.append(" (").append(std::to_string(suppressed));
    text.append(suppressed == 1 ? " similar error suppressed)" : " similar errors suppressed)");
  }
  return text;
}
}  // namespace

ErrorReporter::ErrorReporter(Clock clock)
    : clock_(clock), handler_(std::make_shared<const ErrorHandler>(write_to_stderr)) {}

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
    const auto now = clock_();
    SourceState& state = sources_[source];
    if (state.last != std::chrono::steady_clock::time_point{} && now - state.last < kWindow) {
      ++state.suppressed;
      state.last_suppressed.assign(message);
      return;
    }
    text = report_text(source, message, state.suppressed);
    state.reported(now);
  }
  call_handler(text);
}

void ErrorReporter::report_pending() { report_held_back(false); }

void ErrorReporter::report_all_pending() { report_held_back(true); }

void ErrorReporter::report_held_back(bool whatever_the_window) {
  std::vector<std::string> texts;  // allocates only when there is something
  {
    std::lock_guard lock(sources_mutex_);
    const auto now = clock_();
    for (auto& [source, state] : sources_) {
      if (state.suppressed == 0 || (!whatever_the_window && now - state.last < kWindow)) continue;
      // The last one is the report; the count is of the others.
      texts.push_back(report_text(source, state.last_suppressed, state.suppressed - 1));
      state.reported(now);
    }
  }
  for (const std::string& text : texts) call_handler(text);
}

void ErrorReporter::start_over(Clock clock) {
  std::lock_guard lock(sources_mutex_);
  sources_.clear();
  clock_ = clock;
}

bool ErrorReporter::calling_handler() noexcept { return t_handler_calls > 0; }

void ErrorReporter::call_handler(std::string_view text) {
  std::lock_guard lock(handler_mutex_);
  const std::shared_ptr<const ErrorHandler> handler = handler_;
  ++t_handler_calls;
  try {
    (*handler)(text);
  } catch (...) {
    // A failing handler must not take the backend down.
  }
  --t_handler_calls;
}

}  // namespace sluice::detail
