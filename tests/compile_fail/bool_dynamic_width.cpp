// fmt's compile-time check takes a bool or a char for a dynamic width or
// precision (its "integral" types include them), and formatting then throws
// "width is not integer": the record's message became a format error on the
// backend. sluice refuses it at compile time.
// expect-error: dynamic_width_or_precision_must_be_an_integer_not_bool_or_char
#include <sluice/sluice.hpp>

void log_row(const sluice::Logger& log, int id, bool wide) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "[{:{}}]", id, wide ? 8 : 4);
#else
  SLUICE_INFO(log, "[{:{}}]", id, wide);
#endif
}
