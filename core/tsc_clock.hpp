#pragma once
// Converts the hot path's raw ticks to wall-clock nanoseconds on the backend.

#include <chrono>
#include <cstdint>

#include "sluice/detail/clock.hpp"

namespace sluice::detail {

/// True when the CPU's TSC is invariant (constant rate, not stopped in idle
/// states), so that it can stand in for a clock.
bool tsc_is_invariant() noexcept;

/// Ticks to wall time: wall = base_ns + (ticks - base_ticks) * ns_per_tick.
/// The rate is measured against the system clock over an ever longer
/// baseline, and the base is moved at every resync so that drift between the
/// TSC and NTP-adjusted wall time stays bounded. Backend thread only.
class TickConverter {
 public:
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
  void sample(std::uint64_t& ticks, std::int64_t& ns) const noexcept;

  ClockSource source_ = ClockSource::system;
  double ns_per_tick_ = 1.0;
  std::uint64_t first_ticks_ = 0;
  std::int64_t first_ns_ = 0;
  std::uint64_t base_ticks_ = 0;
  std::int64_t base_ns_ = 0;
  std::uint64_t resync_ticks_ = 0;
  std::uint64_t next_resync_ = 0;
};

}  // namespace sluice::detail
