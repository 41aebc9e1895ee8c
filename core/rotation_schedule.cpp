#include "rotation_schedule.hpp"

#include <time.h>

#include <algorithm>
#include <limits>

#include "sluice/error.hpp"
#include "text_util.hpp"

namespace sluice::detail {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Seconds east of UTC at `utc_seconds` in the local zone.
std::int64_t local_offset(std::int64_t utc_seconds) {
  const ::time_t t = static_cast<::time_t>(utc_seconds);
  struct tm parts {};
  if (::localtime_r(&t, &parts) == nullptr) return 0;
  return parts.tm_gmtoff;
}

// The boundary after `local` (seconds on the schedule's clock face).
std::int64_t next_on_clock_face(const RotationSchedule& s, std::int64_t local) {
  switch (s.kind) {
    case RotationSchedule::Kind::never:
      break;
    case RotationSchedule::Kind::every: {
      const std::int64_t period = s.period.count();
      return (floor_div(local, period) + 1) * period;
    }
    case RotationSchedule::Kind::daily: {
      std::int64_t b = floor_div(local, kDay) * kDay + s.time_of_day.count();
      if (b <= local) b += kDay;
      return b;
    }
    case RotationSchedule::Kind::weekly: {
      const std::int64_t day = floor_div(local, kDay);
      // 1970-01-01 was a Thursday (c_encoding 4).
      const std::int64_t today = (day % 7 + 7 + 4) % 7;
      const std::int64_t ahead =
          (static_cast<std::int64_t>(s.weekday.c_encoding()) - today + 7) % 7;
      std::int64_t b = (day + ahead) * kDay + s.time_of_day.count();
      if (b <= local) b += 7 * kDay;
      return b;
    }
  }
  return std::numeric_limits<std::int64_t>::max();
}

// The first UTC second after `after` at which the local clock shows the
// schedule's next boundary. Around a DST change two offsets are in play:
// each gives a candidate, valid if the zone really has that offset there.
//   - daily/weekly follow the clock face from `after`: at 01:30 on the day
//     the clocks go back, once (the first time 01:30 shows);
//   - every N follows each offset's face, so an hourly rotation also
//     happens at the repeated 01:00;
//   - a boundary the clock jumps over (02:30 when 02:00 becomes 03:00) is
//     at the jump.
std::int64_t next_local(const RotationSchedule& s, std::int64_t after) {
  const std::int64_t span = s.kind == RotationSchedule::Kind::every   ? s.period.count()
                            : s.kind == RotationSchedule::Kind::daily ? kDay
                                                                      : 7 * kDay;
  const std::int64_t offsets[2] = {local_offset(after), local_offset(after + span + kDay)};
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  std::int64_t low = best, high = std::numeric_limits<std::int64_t>::min();
  for (const std::int64_t offset : offsets) {
    const std::int64_t face =
        (s.kind == RotationSchedule::Kind::every ? after + offset : after + offsets[0]);
    const std::int64_t candidate = next_on_clock_face(s, face) - offset;
    low = std::min(low, candidate);
    high = std::max(high, candidate);
    if (candidate > after && local_offset(candidate) == offset) best = std::min(best, candidate);
  }
  if (best != std::numeric_limits<std::int64_t>::max()) return best;
  // In a gap: the first second with the offset after the jump.
  const std::int64_t target = local_offset(high);
  while (low < high) {
    const std::int64_t middle = low + (high - low) / 2;
    if (local_offset(middle) == target) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return std::max(high, after + 1);
}

}  // namespace

void check_schedule(const RotationSchedule& schedule, std::string_view what) {
  const auto fail = [&](const std::string& why) {
    throw Error(std::string(what) + ": invalid rotation schedule: " + why);
  };
  switch (schedule.kind) {
    case RotationSchedule::Kind::never:
      return;
    case RotationSchedule::Kind::every:
      if (schedule.period.count() <= 0) fail("the period must be at least one second");
      return;
    case RotationSchedule::Kind::weekly:
      if (!schedule.weekday.ok()) fail("invalid weekday");
      [[fallthrough]];
    case RotationSchedule::Kind::daily:
      if (schedule.time_of_day.count() < 0 || schedule.time_of_day.count() >= kDay) {
        fail("the time of day must be from 00:00 to 23:59");
      }
      return;
  }
  fail("unknown kind");
}

std::int64_t next_boundary_ns(const RotationSchedule& schedule, bool utc, std::int64_t after_ns) {
  if (schedule.kind == RotationSchedule::Kind::never)
    return std::numeric_limits<std::int64_t>::max();
  const std::int64_t after = floor_div(after_ns, kNsPerSecond);
  const std::int64_t boundary =
      utc ? next_on_clock_face(schedule, after) : next_local(schedule, after);
  if (boundary > std::numeric_limits<std::int64_t>::max() / kNsPerSecond) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return boundary * kNsPerSecond;
}

std::string file_name_stamp(std::int64_t ns, bool utc) {
  // The formatters' ISO 8601 ("2026-11-22T00:00:00.000000000Z"), cut to the
  // second, with '-' for ':'.
  std::string text;
  append_iso8601(ns, !utc, text);
  text.resize(19);
  std::replace(text.begin(), text.end(), ':', '-');
  return text;
}

}  // namespace sluice::detail
