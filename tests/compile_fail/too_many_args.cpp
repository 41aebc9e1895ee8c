// More arguments than placeholders should be a compile error: the extra
// argument would be encoded on the hot path and never shown.
// expect-error: too many arguments
// disabled: fmt 9's checker accepts unused arguments and sluice adds no check of its own yet
#include <sluice/sluice.hpp>

void log_one(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{} {}", 1, 2);
#else
  SLUICE_INFO(log, "{}", 1, 2);
#endif
}
