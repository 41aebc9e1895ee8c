#include "tsc_clock.hpp"

#include <thread>

#if SLUICE_HAS_TSC
#include <cpuid.h>
#endif

namespace sluice::detail {

bool tsc_is_invariant() noexcept {
#if SLUICE_HAS_TSC
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  // GCC declares __get_cpuid_max unsigned, clang int: compare as unsigned.
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000007u) return false;
  __cpuid(0x80000007u, eax, ebx, ecx, edx);
  return (edx & (1u << 8)) != 0;  // "Invariant TSC"
#else
  return false;
#endif
}

void TickConverter::sample(std::uint64_t& ticks, std::int64_t& ns) const noexcept {
  // Bracket the wall-clock read by two tick reads and keep the tightest of a
  // few tries, so that a preemption between them does not skew the pair.
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t before = now_ticks();
    const auto wall = static_cast<std::int64_t>(system_clock_ns());
    const std::uint64_t after = now_ticks();
    if (after - before < best_width) {
      best_width = after - before;
      ticks = before + (after - before) / 2;
      ns = wall;
    }
  }
}

void TickConverter::start(ClockSource source, std::chrono::milliseconds resync_every,
                          std::chrono::microseconds calibration) {
  source_ = source;
  if (source_ == ClockSource::system) return;
  sample(first_ticks_, first_ns_);
  std::this_thread::sleep_for(calibration);
  sample(base_ticks_, base_ns_);
  ns_per_tick_ =
      static_cast<double>(base_ns_ - first_ns_) / static_cast<double>(base_ticks_ - first_ticks_);
  resync_ticks_ = ticks_for_ns(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(resync_every).count()));
  next_resync_ = base_ticks_ + resync_ticks_;
}

void TickConverter::maybe_resync(std::uint64_t now) noexcept {
  if (source_ == ClockSource::system || now < next_resync_) return;
  std::uint64_t ticks = 0;
  std::int64_t ns = 0;
  sample(ticks, ns);
  ns_per_tick_ = static_cast<double>(ns - first_ns_) / static_cast<double>(ticks - first_ticks_);
  base_ticks_ = ticks;
  base_ns_ = ns;
  next_resync_ = ticks + resync_ticks_;
}

}  // namespace sluice::detail
