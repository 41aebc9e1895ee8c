#pragma once
// Converts the hot path's raw ticks to wall-clock nanoseconds on the backend.

#include <chrono>
#include <cstdint>

#include "sluice/detail/clock.hpp"

namespace sluice::detail {

/// True when the CPU's TSC is invariant (constant rate, not stopped in idle
/// states), so that it can stand in for a clock.
bool tsc_is_invariant() noexcept;

/// The clocks read together: the hot path's ticks, CLOCK_MONOTONIC and
/// CLOCK_REALTIME, in nanoseconds.
struct ClockSample {
  std::uint64_t ticks = 0;
  std::int64_t monotonic_ns = 0;
  std::int64_t wall_ns = 0;
};
using ClockSampler = ClockSample (*)();
/// The real clocks: the tightest of a few reads bracketed by tick reads.
ClockSample sample_clocks();

/// Ticks to wall time, one linear segment (see Segment) per resync. The rate is measured against
/// CLOCK_MONOTONIC over an ever longer baseline, so a step of the wall clock
/// (settimeofday, NTP) never reaches it. Every resync starts a segment after
/// comparing the conversion with CLOCK_REALTIME:
/// - a difference of at most 1/1000 of the resync interval (rate error, NTP
///   slewing) is slewed away: the new segment starts where the last one
///   ends and its slope meets the wall clock one interval later (then the
///   measured rate again, in case the next resync is late), so converted
///   times never run backwards;
/// - a larger one is a step of the wall clock, and the new segment steps
///   with it.
/// Ticks from before the current segment convert with the one before it, so
/// a record converted late (a backlog) gets the time it would have got on
/// time, pre-step time included. Backend thread only.
class TickConverter {
 public:
  /// `sampler` reads the clocks; tests pass their own.
  explicit TickConverter(ClockSampler sampler = &sample_clocks) noexcept : sampler_(sampler) {}
  /// Measures the rate (blocks for about `calibration`).
  void start(ClockSource source, std::chrono::milliseconds resync_every,
             std::chrono::microseconds calibration = std::chrono::microseconds{5000});
  std::int64_t to_wall_ns(std::uint64_t ticks) const noexcept {
    if (source_ == ClockSource::system) return static_cast<std::int64_t>(ticks);
    const Segment& segment =
        static_cast<std::int64_t>(ticks - current_.base_ticks) >= 0 ? current_ : previous_;
    return segment.to_wall_ns(ticks);
  }
  /// Ticks in `ns` nanoseconds.
  std::uint64_t ticks_for_ns(std::uint64_t ns) const noexcept {
    if (source_ == ClockSource::system) return ns;
    return static_cast<std::uint64_t>(static_cast<double>(ns) / ns_per_tick_);
  }
  /// The measured rate (the slope without a slew in progress).
  double ns_per_tick() const noexcept { return ns_per_tick_; }
  /// The largest difference from the wall clock that a resync slews (0 with
  /// the system clock): converted times never run back by more, except
  /// where the wall clock itself was stepped back.
  std::int64_t max_slew_ns() const noexcept { return max_slew_ns_; }
  /// Re-measures if the resync interval has passed since the last one.
  void maybe_resync(std::uint64_t now) noexcept;

 private:
  /// Re-measures the rate from the first sample to `now`.
  void measure_rate(const ClockSample& now) noexcept;
  /// Starts a segment at `now`, slewing or stepping towards its wall time.
  void rebase(const ClockSample& now) noexcept;

  /// From base_ticks on: `slope` for `slew_ticks` ticks (the slew, if
  /// any), then the measured `rate`. Before base_ticks: `slope`.
  struct Segment {
    std::uint64_t base_ticks = 0;
    std::int64_t base_ns = 0;
    double slope = 1.0;  // ns per tick
    std::int64_t slew_ticks = 0;
    std::int64_t slew_ns = 0;  // slew_ticks * slope
    double rate = 1.0;

    std::int64_t to_wall_ns(std::uint64_t ticks) const noexcept {
      const auto delta = static_cast<std::int64_t>(ticks - base_ticks);
      if (delta <= slew_ticks) {
        return base_ns + static_cast<std::int64_t>(static_cast<double>(delta) * slope);
      }
      // Past the slew (a late resync): the rate, so that the difference
      // from the wall clock does not keep growing.
      return base_ns + slew_ns +
             static_cast<std::int64_t>(static_cast<double>(delta - slew_ticks) * rate);
    }
  };

  ClockSampler sampler_;
  ClockSource source_ = ClockSource::system;
  double ns_per_tick_ = 1.0;
  ClockSample first_;
  Segment current_;
  Segment previous_;
  std::uint64_t resync_ticks_ = 0;
  std::int64_t max_slew_ns_ = 0;
  std::uint64_t next_resync_ = 0;
};

}  // namespace sluice::detail
