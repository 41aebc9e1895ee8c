#pragma once
// Which clock source stamped a record, told from its ticks alone: for the
// records around a start() that changed the source, which a queue may hold
// stamped with either (docs/design.md, "Clock").

#include <cstdint>
#include <optional>

#include "sluice/detail/clock.hpp"

namespace sluice::detail {

/// Both sources read at one moment. The TSC counts from the machine's reset
/// (about 2.6e14 a day at 3 GHz), the system source in nanoseconds since
/// 1970 (1.8e18 in 2027): far apart, but on a machine up for well over a
/// decade, or whose TSC was set or offset near the Unix time. A stamp taken
/// before that moment is at or below its source's reading (unless the wall
/// clock was stepped back), so which side of the midpoint between the two
/// readings it lies on says which source took it.
class TickSources {
 public:
  /// The readings must be at least this far apart to tell the sources: 2^58,
  /// about 9 years of the system clock's nanoseconds. Half of it is the room
  /// on each side of the midpoint: a stamp of the source that reads higher
  /// is taken for the other's when it is older than that half (4.5 years of
  /// the system clock, 0.9 years of a 5 GHz TSC).
  static constexpr std::uint64_t kMinGap = std::uint64_t{1} << 58;

  TickSources(std::uint64_t tsc_now, std::uint64_t system_now) noexcept
      : tsc_below_(tsc_now < system_now) {
    const std::uint64_t low = tsc_below_ ? tsc_now : system_now;
    const std::uint64_t high = tsc_below_ ? system_now : tsc_now;
    tells_apart_ = high - low >= kMinGap;
    midpoint_ = low + (high - low) / 2;
  }
  static TickSources read_now() noexcept {
    return {now_ticks(ClockSource::tsc), now_ticks(ClockSource::system)};
  }

  /// The source that stamped `ticks`, or nullopt when the readings are too
  /// close to tell (always where there is no TSC: both read the system
  /// clock).
  std::optional<ClockSource> source_of(std::uint64_t ticks) const noexcept {
    if (!tells_apart_) return std::nullopt;
    return (ticks < midpoint_) == tsc_below_ ? ClockSource::tsc : ClockSource::system;
  }

 private:
  bool tsc_below_;
  bool tells_apart_;
  std::uint64_t midpoint_;
};

}  // namespace sluice::detail
