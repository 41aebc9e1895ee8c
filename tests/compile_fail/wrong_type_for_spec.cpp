// A presentation type that does not fit the argument's type ({:d} for a
// string) is a compile error.
// expect-error: invalid type specifier
#include <sluice/sluice.hpp>

void log_count(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{:d}", 42);
#else
  SLUICE_INFO(log, "{:d}", "text");
#endif
}
