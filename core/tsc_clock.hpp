#pragma once
// Converts the hot path's raw ticks to wall-clock nanoseconds on the backend.

#include <array>
#include <chrono>
#include <cstddef>
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

/// Ticks to wall time, in two parts:
/// - ticks to CLOCK_MONOTONIC: a rate measured over an ever longer baseline,
///   and at every resync a new linear segment that starts where the last one
///   ends and whose slope meets the monotonic clock one interval later (the
///   correction at most half the rate, so the slope stays positive; past the
///   interval, the measured rate). This part never steps, so converted times
///   never run backwards, whatever the calibration's error.
/// - plus the offset of CLOCK_REALTIME from CLOCK_MONOTONIC. NTP slews both
///   clocks alike, so that offset only changes when the wall clock is
///   stepped (settimeofday, NTP stepping). When it changed by more than
///   kStepThresholdNs since the last resync's sample, that is a step, and
///   converted times step by that change from the resync that sees it; a
///   smaller change (two clock reads a few ns apart) is slewed with the rest.
/// The last kHistory segments are kept, so a tick converts the same way for
/// at least kHistory - 1 intervals after its own, however late it is
/// converted (a backlog), pre-step times included. Backend thread only.
class TickConverter {
 public:
  static constexpr std::int64_t kStepThresholdNs = 1'000'000;
  static constexpr std::size_t kHistory = 17;

  /// `sampler` reads the clocks; tests pass their own.
  explicit TickConverter(ClockSampler sampler = &sample_clocks) noexcept : sampler_(sampler) {}
  /// Measures the rate (blocks for about `calibration`). `resync_every` is
  /// between 1 ms and 24 h (Backend::start checks it).
  void start(ClockSource source, std::chrono::milliseconds resync_every,
             std::chrono::microseconds calibration = std::chrono::microseconds{5000});
  std::int64_t to_wall_ns(std::uint64_t ticks) const noexcept {
    if (source_ == ClockSource::system) return static_cast<std::int64_t>(ticks);
    // Nearly every record falls in the newest segment's slewed part: one
    // compare, as cheap as a single linear conversion (the backend converts
    // every record).
    const std::uint64_t delta = ticks - newest_part_.base_ticks;
    if (delta <= newest_part_.ticks) {
      return newest_part_.base_wall_ns +
             static_cast<std::int64_t>(static_cast<double>(delta) * newest_part_.slope);
    }
    return segment_for(ticks).to_wall_ns(ticks);
  }
  /// The wall time to write for a record whose predecessor in tick order
  /// got `previous_ns`: not before it, unless the wall clock was stepped
  /// back (by more than kStepThresholdNs). Only a backlog older than
  /// kHistory - 1 intervals converts a little before its predecessor
  /// otherwise.
  /// (With the system clock, a record in tick order is never before its
  /// predecessor: the ticks are the wall time.)
  static std::int64_t in_order(std::int64_t wall_ns, std::int64_t previous_ns) noexcept {
    return wall_ns < previous_ns && wall_ns >= previous_ns - kStepThresholdNs ? previous_ns
                                                                              : wall_ns;
  }
  /// True when `ticks` is more than kStepThresholdNs after the clock now: a
  /// record stamped before the system clock (CLOCK_REALTIME) was stepped
  /// back. Such a record would otherwise wait out the reorder window for as
  /// long as the step, and hold the records after it in its queue. The TSC
  /// never goes back. Reads the clock itself rather than taking the time a
  /// drain pass began: after a slow sink that time can be older than the
  /// threshold, and a record logged during the pass would pass for one
  /// stamped before a step and skip the reorder window.
  bool stamped_before_step_back(std::uint64_t ticks) const noexcept {
    return source_ == ClockSource::system &&
           ticks > now_ticks(ClockSource::system) + static_cast<std::uint64_t>(kStepThresholdNs);
  }
  /// Ticks in `ns` nanoseconds.
  std::uint64_t ticks_for_ns(std::uint64_t ns) const noexcept {
    if (source_ == ClockSource::system) return ns;
    return static_cast<std::uint64_t>(static_cast<double>(ns) / ns_per_tick_);
  }
  /// The measured rate (the slope without a slew in progress).
  double ns_per_tick() const noexcept { return ns_per_tick_; }
  /// Re-measures if the resync interval has passed since the last one.
  void maybe_resync(std::uint64_t now) noexcept;

 private:
  /// From base_ticks on: `slope` for `slew_ticks` ticks, then `rate`.
  /// Before base_ticks (only for the oldest segment kept, whose predecessor
  /// is gone): `rate`, the better guess than a slew meant for later. The
  /// first segment, calibrated and not slewed, has the rate as its slope for
  /// good (slew_ticks: the largest value).
  struct Segment {
    std::uint64_t base_ticks = 0;
    std::int64_t base_ns = 0;  // CLOCK_MONOTONIC
    double slope = 1.0;        // ns per tick
    std::int64_t slew_ticks = 0;
    std::int64_t slew_ns = 0;  // slew_ticks * slope
    double rate = 1.0;
    std::int64_t offset_ns = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC

    std::int64_t to_monotonic_ns(std::uint64_t ticks) const noexcept {
      const auto delta = static_cast<std::int64_t>(ticks - base_ticks);
      if (delta < 0) return base_ns + static_cast<std::int64_t>(static_cast<double>(delta) * rate);
      if (delta <= slew_ticks) {
        return base_ns + static_cast<std::int64_t>(static_cast<double>(delta) * slope);
      }
      return base_ns + slew_ns +
             static_cast<std::int64_t>(static_cast<double>(delta - slew_ticks) * rate);
    }
    std::int64_t to_wall_ns(std::uint64_t ticks) const noexcept {
      return to_monotonic_ns(ticks) + offset_ns;
    }
  };

  /// The newest segment that starts at or before `ticks`, else the oldest.
  /// The slow path of to_wall_ns: ticks before the newest segment (a
  /// backlog), or past its slew (a late resync).
  const Segment& segment_for(std::uint64_t ticks) const noexcept {
    std::size_t index = newest_;
    for (std::size_t left = kept_; left > 1; --left) {
      if (static_cast<std::int64_t>(ticks - history_[index].base_ticks) >= 0) break;
      index = (index + kHistory - 1) % kHistory;
    }
    return history_[index];
  }
  /// Makes `segment` the newest, and its slewed part the fast path.
  void set_newest(std::size_t index, const Segment& segment) noexcept;
  /// Re-measures the rate from the first sample to `now`.
  void measure_rate(const ClockSample& now) noexcept;
  /// Starts a segment at `now`.
  void rebase(const ClockSample& now) noexcept;

  ClockSampler sampler_;
  ClockSource source_ = ClockSource::system;
  double ns_per_tick_ = 1.0;
  ClockSample first_;
  std::array<Segment, kHistory> history_{};
  std::size_t newest_ = 0;
  std::size_t kept_ = 1;
  std::int64_t last_sampled_offset_ = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC
  // The newest segment's slewed part, [base_ticks, base_ticks + ticks], with
  // the offset folded in: what Segment::to_wall_ns computes there, exactly.
  struct {
    std::uint64_t base_ticks = 0;
    std::uint64_t ticks = 0;
    std::int64_t base_wall_ns = 0;
    double slope = 1.0;
  } newest_part_;
  std::uint64_t resync_ticks_ = 1;
  std::uint64_t next_resync_ = 0;
};

}  // namespace sluice::detail
