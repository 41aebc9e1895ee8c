// A char as a dynamic precision, with explicit indices: refused like a bool
// width (fmt accepts it at compile time and throws "precision is not
// integer" when the backend formats the record).
// expect-error: dynamic_width_or_precision_must_be_an_integer_not_bool_or_char
#include <sluice/sluice.hpp>

void log_ratio(const sluice::Logger& log, double ratio, char digits) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{1} {0:.{1}f}", ratio, static_cast<int>(digits));
#else
  SLUICE_INFO(log, "{1} {0:.{1}f}", ratio, digits);
#endif
}
