// A function pointer is not an object pointer: fmt refuses it, and it cannot
// be stored as the 8 bytes of a `const void*`. sluice's static_assert says
// so, instead of a failed cast inside the encoder.
// expect-error: sluice: this type is not loggable
#include <sluice/sluice.hpp>

void handler();

void log_handler(const sluice::Logger& log) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "handler {}", "handler");
#else
  SLUICE_INFO(log, "handler {}", &handler);
#endif
}
