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

/// Ticks to wall time: wall = base_ns + (ticks - base_ticks) * ns_per_tick.
/// The rate is measured against CLOCK_MONOTONIC over an ever longer
/// baseline, and the base is moved to CLOCK_REALTIME at every resync, so that
/// drift between the TSC and NTP-adjusted wall time stays bounded and a step
/// of the wall clock (settimeofday, NTP) moves the base, not the rate.
/// Backend thread only.
class TickConverter {
 public:
  /// `sampler` reads the clocks; tests pass their own.
  explicit TickConverter(ClockSampler sampler = &sample_clocks) noexcept : sampler_(sampler) {}
  /// Measures the rate (blocks for about `calibration`).
  void start(ClockSource source, std::chrono::milliseconds resync_every,
             std::chrono::microseconds calibration = std::chrono::microseconds{5000});
  std::int64_t to_wall_ns(std::uint64_t ticks) const noexcept {
    if (source_ == ClockSource::system) return static_cast<std::int64_t>(ticks);
    const auto delta = static_cast<std::int64_t>(ticks - base_ticks_);
    return base_ns_ + static_cast<std::int64_t>(static_cast<double>(delta) * ns_per_tick_);
  }
  /// Ticks in `ns` nanoseconds.
  std::uint64_t ticks_for_ns(std::uint64_t ns) const noexcept {
    if (source_ == ClockSource::system) return ns;
    return static_cast<std::uint64_t>(static_cast<double>(ns) / ns_per_tick_);
  }
  double ns_per_tick() const noexcept { return ns_per_tick_; }
  /// Re-measures if the resync interval has passed since the last one.
  void maybe_resync(std::uint64_t now) noexcept;

 private:
  /// Moves the base to `now` and re-measures the rate since the first sample.
  void rebase(const ClockSample& now) noexcept;

  ClockSampler sampler_;
  ClockSource source_ = ClockSource::system;
  double ns_per_tick_ = 1.0;
  ClockSample first_;
  std::uint64_t base_ticks_ = 0;
  std::int64_t base_ns_ = 0;
  std::uint64_t resync_ticks_ = 0;
  std::uint64_t next_resync_ = 0;
};

}  // namespace sluice::detail
