#include "sluice/sinks/console_sink.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "fd_writer.hpp"
#include "os.hpp"

namespace sluice {

namespace {

constexpr std::size_t kBufferSize = 64 * 1024;
// A console that cannot take output (a closed pipe) should not hold much.
constexpr std::size_t kMaxPending = 1024 * 1024;

constexpr std::string_view kReset = "\x1b[0m";

std::string_view color_of(Level level) noexcept {
  switch (level) {
    case Level::trace:
      return "\x1b[90m";  // grey
    case Level::debug:
      return "\x1b[36m";  // cyan
    case Level::info:
      return "\x1b[32m";  // green
    case Level::warning:
      return "\x1b[33m";  // yellow
    case Level::error:
      return "\x1b[31m";  // red
    case Level::critical:
      return "\x1b[1;37;41m";  // bold white on red
    case Level::off:
      break;
  }
  return {};
}

// The terminal conventions for automatic colours: NO_COLOR set to anything
// but "" (no-color.org) turns them off, and so does TERM=dumb, a terminal
// that shows escapes as text (Emacs' shell, some CI logs).
bool environment_allows_color() noexcept {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

bool use_color(ColorMode mode, std::FILE* stream) noexcept {
  switch (mode) {
    case ColorMode::always:
      return true;
    case ColorMode::never:
      return false;
    case ColorMode::automatic:
      return detail::os::is_terminal(stream) && environment_allows_color();
  }
  return false;
}

std::string description_of(const ConsoleOptions& options) {
  if (options.split_by_level) return "console sink (stdout, WARNING and above to stderr)";
  return options.stream == ConsoleOptions::Stream::err ? "console sink (stderr)"
                                                       : "console sink (stdout)";
}

}  // namespace

struct ConsoleSink::State {
  explicit State(const ConsoleOptions& o)
      : options(o),
        out(::fileno(stdout), "stdout", kBufferSize, kMaxPending),
        err(::fileno(stderr), "stderr", kBufferSize, kMaxPending),
        color_out(use_color(o.color, stdout)),
        color_err(use_color(o.color, stderr)) {
    out.report_as(description_of(o));
    err.report_as(description_of(o));
    // The program may point them at a pipe (dup2) later; the backend
    // thread blocks SIGPIPE, the thread that destroys the sink may not.
    out.set_redirectable();
    err.set_redirectable();
  }

  ConsoleOptions options;
  detail::FdWriter out;
  detail::FdWriter err;
  bool color_out;
  bool color_err;
};

ConsoleSink::ConsoleSink(ConsoleOptions options, std::shared_ptr<const Formatter> formatter)
    : FormattedSink(std::move(formatter)), state_(std::make_unique<State>(options)) {}

ConsoleSink::~ConsoleSink() {
  try {
    flush();
  } catch (const std::exception&) {
    // Reported already by the backend's last flush; nobody is left to tell.
  }
}

void ConsoleSink::write(const RecordView& record) {
  State& s = *state_;
  const bool to_err = s.options.split_by_level ? record.level() >= Level::warning
                                               : s.options.stream == ConsoleOptions::Stream::err;
  detail::FdWriter& target = to_err ? s.err : s.out;
  detail::FdWriter& other = to_err ? s.out : s.err;
  // Both streams often end on the same terminal: hand over what the other
  // one holds first, so that records appear in the order they were logged.
  std::exception_ptr other_failed;
  if (other.pending() != 0) {
    try {
      other.flush();
    } catch (const std::exception&) {
      other_failed = std::current_exception();
    }
  }
  const std::string_view text = record.formatted(formatter());
  if (to_err ? s.color_err : s.color_out) {
    target.write_line(text, color_of(record.level()), kReset);
  } else {
    target.write_line(text);
  }
  if (other_failed) std::rethrow_exception(other_failed);
}

void ConsoleSink::flush() {
  std::exception_ptr out_failed;
  try {
    state_->out.flush();
  } catch (const std::exception&) {
    out_failed = std::current_exception();
  }
  state_->err.flush();
  if (out_failed) std::rethrow_exception(out_failed);
}

std::string ConsoleSink::description() const { return description_of(state_->options); }

}  // namespace sluice
