#include "tsc_clock.hpp"

#include <ctime>
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

namespace {

std::int64_t read_ns(clockid_t clock) noexcept {
  timespec ts{};
  clock_gettime(clock, &ts);  // vDSO: no system call
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

ClockSample sample_clocks() {
  // Bracket the clock reads by two tick reads and keep the tightest of a
  // few tries, so that a preemption between them does not skew the sample.
  ClockSample best;
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t before = now_ticks();
    const std::int64_t monotonic = read_ns(CLOCK_MONOTONIC);
    const std::int64_t wall = read_ns(CLOCK_REALTIME);
    const std::uint64_t after = now_ticks();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, monotonic, wall};
    }
  }
  return best;
}

void TickConverter::start(ClockSource source, std::chrono::milliseconds resync_every,
                          std::chrono::microseconds calibration) {
  source_ = source;
  if (source_ == ClockSource::system) return;
  first_ = sampler_();
  std::this_thread::sleep_for(calibration);
  const ClockSample now = sampler_();
  measure_rate(now);
  current_ = {now.ticks, now.wall_ns, ns_per_tick_, 0, 0, ns_per_tick_};
  previous_ = current_;
  const auto interval_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(resync_every).count();
  resync_ticks_ = ticks_for_ns(static_cast<std::uint64_t>(interval_ns));
  // 1000 ppm: twice the kernel's largest NTP slew, and far above the error
  // of a rate measured over at least the calibration.
  max_slew_ns_ = interval_ns / 1000;
  next_resync_ = current_.base_ticks + resync_ticks_;
}

void TickConverter::maybe_resync(std::uint64_t now) noexcept {
  if (source_ == ClockSource::system || now < next_resync_) return;
  rebase(sampler_());
  next_resync_ = current_.base_ticks + resync_ticks_;
}

void TickConverter::measure_rate(const ClockSample& now) noexcept {
  // Both differences only grow; a sample too close to the first keeps the
  // rate it has (1.0 before the first measurement).
  const auto elapsed_ns = static_cast<double>(now.monotonic_ns - first_.monotonic_ns);
  const auto elapsed_ticks = static_cast<double>(now.ticks - first_.ticks);
  if (elapsed_ns > 0 && elapsed_ticks > 0) ns_per_tick_ = elapsed_ns / elapsed_ticks;
}

void TickConverter::rebase(const ClockSample& now) noexcept {
  const std::int64_t converted = to_wall_ns(now.ticks);
  const std::int64_t error = now.wall_ns - converted;
  measure_rate(now);
  previous_ = current_;
  if (resync_ticks_ > 0 && error >= -max_slew_ns_ && error <= max_slew_ns_) {
    // Stepping here would move converted times back by up to the error,
    // between records a few ticks apart.
    const double slope =
        ns_per_tick_ + static_cast<double>(error) / static_cast<double>(resync_ticks_);
    const auto slew_ticks = static_cast<std::int64_t>(resync_ticks_);
    current_ = {now.ticks,
                converted,
                slope,
                slew_ticks,
                static_cast<std::int64_t>(static_cast<double>(slew_ticks) * slope),
                ns_per_tick_};
  } else {
    current_ = {now.ticks, now.wall_ns, ns_per_tick_, 0, 0, ns_per_tick_};
  }
}

}  // namespace sluice::detail
