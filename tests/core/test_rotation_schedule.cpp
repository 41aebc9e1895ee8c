// Where rotation boundaries fall (UTC and local time, across DST), the
// schedule checks' exact errors, and the stamp rotated files are named with.

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/rotation.hpp>

#include <stdlib.h>  // setenv
#include <time.h>    // tzset

#include <cstdint>
#include <optional>
#include <string>

#include "rotation_schedule.hpp"

namespace {

using namespace std::chrono_literals;
using sluice::RotationSchedule;
using sluice::detail::file_name_stamp;
using sluice::detail::next_boundary_ns;

constexpr std::int64_t kS = 1'000'000'000;
// 2026-11-22T00:00:00Z, a Sunday.
constexpr std::int64_t kSunday = 1'795'305'600 * kS;
constexpr std::int64_t kHour = 3600 * kS;
constexpr std::int64_t kDay = 24 * kHour;

std::string stamp_utc(std::int64_t ns) { return file_name_stamp(ns, true); }

// Sets TZ for one test and restores it after.
class TimeZone {
 public:
  explicit TimeZone(const char* zone) {
    if (const char* old = ::getenv("TZ")) saved_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZone() {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("file_name_stamp: the second, in UTC, without colons", "[rotation]") {
  CHECK(stamp_utc(kSunday) == "2026-11-22T00-00-00");
  CHECK(stamp_utc(kSunday + 13 * kHour + 5 * 60 * kS + 9 * kS + 999'999'999) ==
        "2026-11-22T13-05-09");
}

TEST_CASE("every N: aligned to the clock, strictly after", "[rotation]") {
  const auto every15 = RotationSchedule::every(15min);
  CHECK(stamp_utc(next_boundary_ns(every15, true, kSunday + 10 * kHour + 450 * kS)) ==
        "2026-11-22T10-15-00");
  // Exactly on a boundary: the next one (a record stamped at the boundary
  // belongs to the new file).
  CHECK(next_boundary_ns(every15, true, kSunday + 10 * kHour + 15 * 60 * kS) ==
        kSunday + 10 * kHour + 30 * 60 * kS);
  CHECK(stamp_utc(next_boundary_ns(RotationSchedule::every(1h), true, kSunday + 23 * kHour + 1)) ==
        "2026-11-23T00-00-00");
}

TEST_CASE("daily and weekly at a time of day, UTC", "[rotation]") {
  CHECK(stamp_utc(next_boundary_ns(RotationSchedule::daily(), true, kSunday + 13 * kHour)) ==
        "2026-11-23T00-00-00");
  const auto at_0230 = RotationSchedule::daily(2h, 30min);
  CHECK(stamp_utc(next_boundary_ns(at_0230, true, kSunday + 1 * kHour)) == "2026-11-22T02-30-00");
  CHECK(stamp_utc(next_boundary_ns(at_0230, true, kSunday + 3 * kHour)) == "2026-11-23T02-30-00");
  const auto monday = RotationSchedule::weekly(std::chrono::Monday);
  CHECK(stamp_utc(next_boundary_ns(monday, true, kSunday)) == "2026-11-23T00-00-00");
  // On Monday itself, at the boundary: a week later.
  CHECK(stamp_utc(next_boundary_ns(monday, true, kSunday + kDay)) == "2026-11-30T00-00-00");
  const auto sunday_6 = RotationSchedule::weekly(std::chrono::Sunday, 6h);
  CHECK(stamp_utc(next_boundary_ns(sunday_6, true, kSunday + 5 * kHour)) == "2026-11-22T06-00-00");
  CHECK(next_boundary_ns(RotationSchedule{}, true, kSunday) == INT64_MAX);
}

TEST_CASE("local time: midnight stays midnight across a DST change", "[rotation]") {
  // A POSIX rule rather than a zone name: no time zone database needed.
  const TimeZone zone("EST5EDT,M3.2.0,M11.1.0");
  // 2026-11-01 02:00 EDT -> 01:00 EST. Midnight of Nov 1 is 04:00Z (EDT),
  // of Nov 2 05:00Z (EST).
  constexpr std::int64_t kOct31Noon = 1'793'448'000 * kS;  // 2026-10-31T12:00:00Z
  const std::int64_t nov1 = next_boundary_ns(RotationSchedule::daily(), false, kOct31Noon);
  CHECK(stamp_utc(nov1) == "2026-11-01T04-00-00");
  CHECK(file_name_stamp(nov1, false) == "2026-11-01T00-00-00");
  const std::int64_t nov2 = next_boundary_ns(RotationSchedule::daily(), false, nov1);
  CHECK(stamp_utc(nov2) == "2026-11-02T05-00-00");
  CHECK(nov2 - nov1 == 25 * kHour);
}

TEST_CASE("invalid schedules: exact errors", "[rotation]") {
  const auto error_of = [](const RotationSchedule& s) {
    try {
      sluice::detail::check_schedule(s, "file sink \"a.log\"");
    } catch (const sluice::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(RotationSchedule::every(0s)) ==
        "file sink \"a.log\": invalid rotation schedule: the period must be at least one second");
  CHECK(error_of(RotationSchedule::daily(24h)) ==
        "file sink \"a.log\": invalid rotation schedule: the time of day must be from 00:00 to "
        "23:59");
  CHECK(error_of(RotationSchedule::weekly(std::chrono::weekday{9})) ==
        "file sink \"a.log\": invalid rotation schedule: invalid weekday");
  CHECK(error_of(RotationSchedule::daily(23h, 59min)) == "no error");
}

TEST_CASE(
    "local time: a skipped boundary is at the jump, a repeated one once (daily) or twice "
    "(hourly)",
    "[rotation]") {
  const TimeZone zone("EST5EDT,M3.2.0,M11.1.0");
  const auto local = [](std::int64_t ns) { return file_name_stamp(ns, false); };
  // 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z); 02:30 does not exist.
  constexpr std::int64_t kMar7 = 1'772'841'600 * kS;  // 2026-03-07T00:00:00Z
  const auto at_0230 = RotationSchedule::daily(2h, 30min);
  const std::int64_t skipped = next_boundary_ns(at_0230, false, kMar7 + 12 * kHour);
  CHECK(stamp_utc(skipped) == "2026-03-08T07-00-00");
  CHECK(local(skipped) == "2026-03-08T03-00-00");
  CHECK(local(next_boundary_ns(at_0230, false, skipped)) == "2026-03-09T02-30-00");
  // 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 shows twice.
  constexpr std::int64_t kOct31 = 1'793'404'800 * kS;  // 2026-10-31T00:00:00Z
  const auto at_0130 = RotationSchedule::daily(1h, 30min);
  const std::int64_t first = next_boundary_ns(at_0130, false, kOct31 + 12 * kHour);
  CHECK(stamp_utc(first) == "2026-11-01T05-30-00");  // 01:30 EDT
  CHECK(stamp_utc(next_boundary_ns(at_0130, false, first)) == "2026-11-02T06-30-00");
  const auto hourly = RotationSchedule::every(1h);
  const std::int64_t one_edt = 1'793'509'200 * kS;  // 2026-11-01T05:00:00Z, 01:00 EDT
  const std::int64_t one_est = next_boundary_ns(hourly, false, one_edt);
  CHECK(stamp_utc(one_est) == "2026-11-01T06-00-00");  // 01:00 EST, the hour again
  CHECK(stamp_utc(next_boundary_ns(hourly, false, one_est)) == "2026-11-01T07-00-00");
}
