// Fewer arguments than placeholders is a compile error (fmt's checker).
// expect-error: argument not found
#include <sluice/sluice.hpp>

void log_pair(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{} {}", 1, 2);
#else
  SLUICE_INFO(log, "{} {}", 1);
#endif
}
