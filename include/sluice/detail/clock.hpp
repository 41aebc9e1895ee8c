#pragma once
// The hot-path clock: a raw TSC read where the TSC is invariant, otherwise the
// system clock in nanoseconds. The backend converts ticks to wall time.

#include <atomic>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__) || defined(_M_X64)
#include <x86intrin.h>
#define SLUICE_HAS_TSC 1
#else
#define SLUICE_HAS_TSC 0
#endif

namespace sluice::detail {

enum class ClockSource : std::uint8_t { tsc, system };

/// Chosen by the backend at start, before any thread queue exists.
inline std::atomic<ClockSource> g_clock_source{SLUICE_HAS_TSC ? ClockSource::tsc
                                                              : ClockSource::system};

inline std::uint64_t system_clock_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);  // vDSO: no system call
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

inline std::uint64_t now_ticks(ClockSource source) noexcept {
#if SLUICE_HAS_TSC
  if (source == ClockSource::tsc) return __rdtsc();
#else
  (void)source;
#endif
  return system_clock_ns();
}

inline std::uint64_t now_ticks() noexcept {
  return now_ticks(g_clock_source.load(std::memory_order_relaxed));
}

}  // namespace sluice::detail
