// A volatile char array as a field's value is refused the same way as a
// message argument.
// expect-error: sluice: a volatile char array is not loggable
#include <sluice/sluice.hpp>

#include <cstddef>

void log_buffer(const sluice::Logger& log) {
  volatile char buffer[16] = "ready";
#ifdef SLUICE_FIXED
  char copy[sizeof buffer];
  for (std::size_t i = 0; i < sizeof buffer; ++i) copy[i] = buffer[i];
  SLUICE_INFO(log, "state", sluice::kv<"buffer">(copy));
#else
  SLUICE_INFO(log, "state", sluice::kv<"buffer">(buffer));
#endif
}
