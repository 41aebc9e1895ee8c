// More arguments than placeholders should be a compile error: the extra
// argument would be encoded on the hot path and never shown.
// expect-error: too_many_arguments_for_the_format_string
#include <sluice/sluice.hpp>

void log_one(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{} {}", 1, 2);
#else
  SLUICE_INFO(log, "{}", 1, 2);
#endif
}
