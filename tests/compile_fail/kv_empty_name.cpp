// A field needs a name: an empty one is how the binary log marks a message
// argument, and the live formatters took kv<""> for one too (the JsonFormatter
// threw on the record, sluice-decode printed the value nowhere).
// expect-error: non-empty name
#include <sluice/sluice.hpp>

void log_with_field(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "fields", sluice::kv<"x">(5), sluice::kv<"y">(6));
#else
  SLUICE_INFO(log, "fields", sluice::kv<"x">(5), sluice::kv<"">(6));
#endif
}
