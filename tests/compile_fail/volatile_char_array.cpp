// A volatile char array cannot be read as a string in one copy (each byte
// is a volatile read, and it may change between measuring and copying it):
// sluice says so, where before the compiler stopped inside arg_encoding.hpp
// on a std::string_view it could not build from `const volatile char*`.
// expect-error: sluice: a volatile char array is not loggable
#include <sluice/sluice.hpp>

#include <cstddef>

void log_buffer(const sluice::Logger& log) {
  volatile char buffer[16] = "ready";
#ifdef SLUICE_FIXED
  char copy[sizeof buffer];
  for (std::size_t i = 0; i < sizeof buffer; ++i) copy[i] = buffer[i];
  SLUICE_INFO(log, "{}", copy);
#else
  SLUICE_INFO(log, "{}", buffer);
#endif
}
