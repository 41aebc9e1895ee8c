// The public runtime calls: thin forwarding to the backend.

#include "sluice/runtime.hpp"

#include <algorithm>

#include "backend.hpp"
#include "os.hpp"
#include "sluice/level.hpp"

namespace sluice {

void start(const Options& options) { detail::Backend::instance().start(options); }
void stop() { detail::Backend::instance().stop(); }
bool running() noexcept { return detail::Backend::instance().running(); }
void flush() { detail::Backend::instance().flush(); }
Stats stats() { return detail::Backend::instance().stats(); }

void set_error_handler(ErrorHandler handler) {
  detail::Backend::instance().errors().set_handler(std::move(handler));
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
