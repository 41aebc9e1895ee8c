// A wide or UTF string literal or array (L"...", u8"...", a wchar_t buffer)
// is text sluice cannot store, as its pointer is: it must be refused with
// the same message, not with the generic "not loggable" one, whose advice
// (copy_loggable, or fmt::format at the call site) does not apply to it.
// expect-error: sluice: wide and UTF character types are not loggable
#include <sluice/sluice.hpp>

void log_name(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "name {} {}", "narrow", "text");
#else
  SLUICE_INFO(log, "name {} {}", L"wide", u8"utf8");
#endif
}
