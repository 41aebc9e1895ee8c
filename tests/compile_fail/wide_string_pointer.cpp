// A pointer to wide or UTF characters is a string that sluice cannot store
// (fmt refuses it in a char format too). It is refused like wchar_t itself,
// not logged as the pointer's address.
// expect-error: sluice: wide and UTF character types are not loggable
#include <sluice/sluice.hpp>

void log_name(const sluice::Logger& log, const wchar_t* wide, const char8_t* utf8) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "name {} {}", static_cast<const void*>(wide), static_cast<const void*>(utf8));
#else
  SLUICE_INFO(log, "name {} {}", wide, utf8);
#endif
}
