// SLUICE_COMPILE_LEVEL outside 0..6 (TRACE..OFF) must not compile: 7 (say,
// another library's numbering) silently removed every statement, -1 none.
// expect-error: SLUICE_COMPILE_LEVEL must be 0\.\.6
#ifdef SLUICE_FIXED
#define SLUICE_COMPILE_LEVEL 6
#else
#define SLUICE_COMPILE_LEVEL 7
#endif
#include <sluice/sluice.hpp>

void log_one(const sluice::Logger& log) { SLUICE_CRITICAL(log, "kept only below 7"); }
