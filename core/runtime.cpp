// The public runtime calls: thin forwarding to the backend.

#include "sluice/runtime.hpp"

#include <algorithm>

#include "backend.hpp"
#include "error_reporter.hpp"
#include "os.hpp"
#include "sluice/level.hpp"

namespace sluice {

void start(const Options& options) { detail::Backend::instance().start(options); }
// With no backend made yet, none ran and no record waits (queues are made
// with it): nothing to do. Making one here could only fail, for want of
// memory, which in running(), noexcept, called std::terminate.
void stop() {
  if (detail::Backend* backend = detail::Backend::if_made()) backend->stop();
}
bool running() noexcept {
  const detail::Backend* backend = detail::Backend::if_made();
  return backend != nullptr && backend->running();
}
void flush() {
  if (detail::Backend* backend = detail::Backend::if_made()) backend->flush();
}
Stats stats() { return detail::Backend::instance().stats(); }

void set_error_handler(ErrorHandler handler) {
  // The reporter's, not the backend's: set first, it hears of a log call
  // that could not allocate the backend.
  detail::error_reporter().set_handler(std::move(handler));
}

void set_thread_name(std::string_view name) {
  detail::os::set_thread_name(name);
  detail::set_thread_queue_name(name);
}

namespace {

// ASCII only, whatever the C locale: under a Turkish one, toupper('i') is
// not 'I'. And no allocation in a noexcept function.
bool equals_upper_case(std::string_view text, std::string_view upper) noexcept {
  return std::equal(text.begin(), text.end(), upper.begin(), upper.end(), [](char c, char u) {
    return (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) == u;
  });
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) noexcept {
  if (equals_upper_case(name, "WARN")) return Level::warning;
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (equals_upper_case(name, level_name(static_cast<Level>(i)))) return static_cast<Level>(i);
  }
  return std::nullopt;
}

}  // namespace sluice
