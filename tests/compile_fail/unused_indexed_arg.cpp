// With explicit indices, an argument no placeholder names is unused just as
// an extra one is: it would be encoded on the hot path and never shown.
// "{1}" names the second argument only.
// expect-error: too_many_arguments_for_the_format_string
#include <sluice/sluice.hpp>

void log_pair(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{1} after {0}", 1, 2);
#else
  SLUICE_INFO(log, "{1}", 1, 2);
#endif
}
