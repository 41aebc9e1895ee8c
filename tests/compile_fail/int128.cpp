// A 128-bit integer (__int128: an integral type under -std=gnu++20) has no
// kind that holds its 16 bytes. It is refused, not stored as an i64 that
// every reader takes 8 bytes of, misplacing the arguments after it.
// flags: -std=gnu++20
// expect-error: integers wider than 64 bits
#include <sluice/sluice.hpp>

__extension__ using i128 = __int128;

void log_big(const sluice::Logger& log, i128 value) {
#ifdef SLUICE_FIXED
  SLUICE_INFO(log, "{} {}", static_cast<long long>(value), 7);
#else
  SLUICE_INFO(log, "{} {}", value, 7);
#endif
}
