#include "tsc_clock.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
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
  set_newest(
      0, {now.ticks, now.monotonic_ns, ns_per_tick_, std::numeric_limits<std::int64_t>::max(), 0,
          ns_per_tick_, now.wall_ns - now.monotonic_ns});
  kept_ = 1;
  last_sampled_offset_ = now.wall_ns - now.monotonic_ns;
  const auto interval_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(resync_every).count();
  resync_ticks_ = std::max<std::uint64_t>(1, ticks_for_ns(static_cast<std::uint64_t>(interval_ns)));
  next_resync_ = now.ticks + resync_ticks_;
}

void TickConverter::maybe_resync(std::uint64_t now) noexcept {
  if (source_ == ClockSource::system || now < next_resync_) return;
  const ClockSample sample = sampler_();
  rebase(sample);
  next_resync_ = sample.ticks + resync_ticks_;
}

void TickConverter::set_newest(std::size_t index, const Segment& segment) noexcept {
  history_[index] = segment;
  newest_ = index;
  newest_part_ = {segment.base_ticks, static_cast<std::uint64_t>(segment.slew_ticks),
                  segment.base_ns + segment.offset_ns, segment.slope};
}

void TickConverter::measure_rate(const ClockSample& now) noexcept {
  // Both differences only grow; a sample too close to the first keeps the
  // rate it has (1.0 before the first measurement).
  const auto elapsed_ns = static_cast<double>(now.monotonic_ns - first_.monotonic_ns);
  const auto elapsed_ticks = static_cast<double>(now.ticks - first_.ticks);
  if (elapsed_ns > 0 && elapsed_ticks > 0) ns_per_tick_ = elapsed_ns / elapsed_ticks;
}

void TickConverter::rebase(const ClockSample& now) noexcept {
  const Segment& last = history_[newest_];
  // Against the last sample, not the segment's offset: changes below the
  // threshold were slewed into the monotonic part, and must neither add up
  // to a step nor be counted again in one.
  const std::int64_t sampled_offset = now.wall_ns - now.monotonic_ns;
  const std::int64_t change = sampled_offset - last_sampled_offset_;
  last_sampled_offset_ = sampled_offset;
  std::int64_t offset = last.offset_ns;
  if (change > kStepThresholdNs || change < -kStepThresholdNs) offset += change;  // a step
  const std::int64_t converted = last.to_monotonic_ns(now.ticks);
  // Towards the wall clock, not the monotonic one: an offset change below
  // the threshold is slewed away too.
  const auto error = static_cast<double>(now.wall_ns - offset - converted);
  measure_rate(now);
  const double most = ns_per_tick_ / 2;
  const double correction = std::clamp(error / static_cast<double>(resync_ticks_), -most, most);
  const double slope = ns_per_tick_ + correction;
  const auto slew_ticks = static_cast<std::int64_t>(resync_ticks_);
  kept_ = std::min(kept_ + 1, kHistory);
  set_newest(
      (newest_ + 1) % kHistory,
      {now.ticks, converted, slope, slew_ticks,
       static_cast<std::int64_t>(static_cast<double>(slew_ticks) * slope), ns_per_tick_, offset});
}

}  // namespace sluice::detail
