// sluice::kv fields do not count as format arguments: "{} {}" takes the two
// plain arguments around the field (the fixed variant compiles), and a third
// placeholder finds no argument even though three values are passed.
// expect-error: argument not found
#include <sluice/sluice.hpp>

void log_with_field(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{} {}", 1, sluice::kv<"user_id">(42), "three");
#else
  SLUICE_INFO(log, "{} {} {}", 1, sluice::kv<"user_id">(42), "three");
#endif
}
