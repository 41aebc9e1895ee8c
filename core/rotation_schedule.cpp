#include "rotation_schedule.hpp"

#include <time.h>

#include <cstdio>
#include <limits>

#include "sluice/error.hpp"

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
  std::int64_t boundary = 0;
  if (utc) {
    boundary = next_on_clock_face(schedule, after);
  } else {
    // The offset at the boundary may differ from the offset now (DST):
    // convert with the offset now, then correct with the one found there.
    const std::int64_t local_boundary = next_on_clock_face(schedule, after + local_offset(after));
    boundary = local_boundary - local_offset(local_boundary - local_offset(after));
    if (boundary <= after) boundary = local_boundary - local_offset(after);
  }
  if (boundary > std::numeric_limits<std::int64_t>::max() / kNsPerSecond) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return boundary * kNsPerSecond;
}

std::string file_name_stamp(std::int64_t ns, bool utc) {
  const ::time_t t = static_cast<::time_t>(floor_div(ns, kNsPerSecond));
  struct tm parts {};
  if ((utc ? ::gmtime_r(&t, &parts) : ::localtime_r(&t, &parts)) == nullptr) return "unknown-time";
  char text[96];  // room for any int fields, so that nothing can truncate
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d-%02d-%02d", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return text;
}

}  // namespace sluice::detail
