#pragma once
// Where a RotationSchedule's boundaries fall.

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/rotation.hpp"

namespace sluice::detail {

/// @throws sluice::Error naming `what` if the schedule cannot work (a
/// period of zero, a time of day outside [0, 24 h), an invalid weekday).
void check_schedule(const RotationSchedule& schedule, std::string_view what);

/// The first boundary of `schedule` strictly after `after_ns` (nanoseconds
/// since the Unix epoch), in UTC or in the local time zone; INT64_MAX for
/// Kind::never. In local time a daily rotation stays at its wall-clock time
/// across DST changes (once on the day the clocks go back; at the jump when
/// they skip its time), and every-N rotations happen whenever the clock
/// shows a multiple of N (the repeated hour included).
std::int64_t next_boundary_ns(const RotationSchedule& schedule, bool utc, std::int64_t after_ns);

/// `2026-11-22T00-00-00`: the second of `ns`, in UTC or local time, as
/// rotated file names carry it (no ':' so that every file system takes it).
std::string file_name_stamp(std::int64_t ns, bool utc);

}  // namespace sluice::detail
