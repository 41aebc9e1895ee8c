// The public runtime calls: thin forwarding to the backend.

#include "sluice/runtime.hpp"

#include <algorithm>
#include <cctype>

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

std::optional<Level> parse_level(std::string_view name) noexcept {
  std::string upper(name.size(), '\0');
  std::transform(name.begin(), name.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "WARN") return Level::warning;
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (level_name(static_cast<Level>(i)) == upper) return static_cast<Level>(i);
  }
  return std::nullopt;
}

}  // namespace sluice
