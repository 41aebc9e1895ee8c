// TickConverter: ticks to wall-clock nanoseconds.
//
// With the system clock the conversion is the identity, checked exactly.
// With the TSC and the real clocks, start() and a resync measure whatever
// this machine gives, so those cases check only what holds, exactly, for any
// measured rate: the arithmetic between to_wall_ns and ticks_for_ns, ticks
// from before the base, and that maybe_resync changes nothing before its
// interval has passed. The last cases inject the clocks (a ClockSampler)
// and check exact figures: wall-clock steps, and the slew of a small
// difference that keeps converted times from running backwards.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>
#include <utility>
#include <vector>

#include "tick_source.hpp"
#include "tsc_clock.hpp"

namespace {

using namespace std::chrono_literals;
using sluice::detail::ClockSource;
using sluice::detail::TickConverter;

// 2026-11-23T11:50:51.123456789Z, as record_fixture.hpp's records.
constexpr std::uint64_t kWallNs = 1'795'434'651'123'456'789;
constexpr std::uint64_t kMaxNs = std::numeric_limits<std::int64_t>::max();

void check_identity(const TickConverter& clock) {
  for (const std::uint64_t ns : {std::uint64_t{0}, std::uint64_t{1}, kWallNs, kMaxNs}) {
    CHECK(clock.to_wall_ns(ns) == static_cast<std::int64_t>(ns));
    CHECK(clock.ticks_for_ns(ns) == ns);
  }
  CHECK(clock.ns_per_tick() == 1.0);
}

}  // namespace

TEST_CASE("with the system clock, ticks are nanoseconds since the epoch and convert unchanged") {
  SECTION("a converter never started") {
    const TickConverter clock;
    check_identity(clock);
  }
  SECTION("started with the system clock") {
    TickConverter clock;
    clock.start(ClockSource::system, 1000ms);
    check_identity(clock);
  }
}

TEST_CASE("with the system clock, maybe_resync never changes the conversion") {
  TickConverter clock;
  clock.start(ClockSource::system, 0ms);  // due at every call, were it the TSC
  clock.maybe_resync(0);
  clock.maybe_resync(kWallNs);
  clock.maybe_resync(std::numeric_limits<std::uint64_t>::max());
  check_identity(clock);
}

TEST_CASE("stamped_before_step_back: a system-clock tick over the threshold ahead of now") {
  // The backend writes such a record at once instead of waiting out the
  // reorder window for as long as the wall clock was stepped back.
  TickConverter clock;
  clock.start(ClockSource::system, 1000ms);
  const std::uint64_t now = sluice::detail::system_clock_ns();
  CHECK(clock.stamped_before_step_back(now + 3'600'000'000'000));
  CHECK_FALSE(clock.stamped_before_step_back(now));
  CHECK_FALSE(clock.stamped_before_step_back(now - 3'600'000'000'000));
#if SLUICE_HAS_TSC
  // The TSC never goes back: a tick ahead of now is a later one.
  TickConverter tsc;
  tsc.start(ClockSource::tsc, 1h, 1000us);
  CHECK_FALSE(tsc.stamped_before_step_back(~std::uint64_t{0}));
#endif
}

#if SLUICE_HAS_TSC

TEST_CASE("with the TSC, ticks_for_ns is the inverse of to_wall_ns's rate") {
  TickConverter clock;
  clock.start(ClockSource::tsc, 1h, 1000us);
  const double rate = clock.ns_per_tick();
  REQUIRE(rate > 0.0);
  const std::uint64_t t = sluice::detail::now_ticks(ClockSource::tsc);
  for (const std::uint64_t ns :
       {std::uint64_t{1'000'000}, std::uint64_t{1'000'000'000}, std::uint64_t{3'600'000'000'000}}) {
    const std::uint64_t ticks = clock.ticks_for_ns(ns);
    // ticks_for_ns truncates (less than one tick short), to_wall_ns
    // truncates each end (one nanosecond either way).
    const std::int64_t span = clock.to_wall_ns(t + ticks) - clock.to_wall_ns(t);
    CHECK(static_cast<double>(span) <= static_cast<double>(ns) + 2.0);
    CHECK(static_cast<double>(span) >= static_cast<double>(ns) - rate - 2.0);
  }
}

TEST_CASE("with the TSC, ticks from before the calibration convert to earlier times") {
  // A record taken before start() (or before a resync moved the base)
  // converts with a negative offset from the base, not a huge unsigned one.
  const std::uint64_t before = sluice::detail::now_ticks(ClockSource::tsc);
  TickConverter clock;
  clock.start(ClockSource::tsc, 1h, 1000us);
  const std::uint64_t after = sluice::detail::now_ticks(ClockSource::tsc);
  const double rate = clock.ns_per_tick();
  REQUIRE(rate > 0.0);
  REQUIRE(after > before);

  const std::int64_t span = clock.to_wall_ns(after) - clock.to_wall_ns(before);
  CHECK(span > 0);
  const double expected = static_cast<double>(after - before) * rate;
  CHECK(static_cast<double>(span) <= expected + 2.0);
  CHECK(static_cast<double>(span) >= expected - 2.0);
  // And far earlier, a day's worth of ticks before.
  const std::uint64_t day = clock.ticks_for_ns(86'400'000'000'000);
  const std::int64_t earlier = clock.to_wall_ns(before) - clock.to_wall_ns(before - day);
  CHECK(earlier >= 86'400'000'000'000 - 2 - static_cast<std::int64_t>(rate) - 1);
  CHECK(earlier <= 86'400'000'000'000 + 2);
}

TEST_CASE("with the TSC, maybe_resync before its interval has passed changes nothing") {
  TickConverter clock;
  clock.start(ClockSource::tsc, 1h, 1000us);
  const auto snapshot = [&clock](std::uint64_t around) {
    std::vector<std::int64_t> out;
    for (const std::uint64_t t : {around - 1'000'000'000, around, around + 1'000'000'000}) {
      out.push_back(clock.to_wall_ns(t));
    }
    out.push_back(static_cast<std::int64_t>(clock.ticks_for_ns(1'000'000'000)));
    return out;
  };
  const std::uint64_t now = sluice::detail::now_ticks(ClockSource::tsc);
  const double rate = clock.ns_per_tick();
  const std::vector<std::int64_t> before = snapshot(now);

  clock.maybe_resync(0);
  clock.maybe_resync(now);
  clock.maybe_resync(sluice::detail::now_ticks(ClockSource::tsc));  // an hour early
  CHECK(clock.ns_per_tick() == rate);
  CHECK(snapshot(now) == before);
}

TEST_CASE("with the TSC, a resync sets the next one a whole interval after itself") {
  // The deadline is compared with the tick value passed in, so values
  // between the first deadline (base + interval) and the one a resync sets
  // (its sample + interval) tell whether the resync moved it. The reads
  // around start() and the resync bound the two samples.
  TickConverter clock;
  clock.start(ClockSource::tsc, 1h, 1000us);
  const std::uint64_t after_start = sluice::detail::now_ticks(ClockSource::tsc);
  const std::uint64_t interval = clock.ticks_for_ns(3'600'000'000'000);  // at start's rate
  std::this_thread::sleep_for(10ms);  // a gap between the two samples, of any length
  const std::uint64_t before_resync = sluice::detail::now_ticks(ClockSource::tsc);
  // Long past due: re-measures now (what it measures cannot be checked).
  clock.maybe_resync(std::numeric_limits<std::uint64_t>::max());
  REQUIRE(before_resync > after_start);

  const double rate = clock.ns_per_tick();
  REQUIRE(rate > 0.0);
  const std::int64_t at_resync = clock.to_wall_ns(before_resync);
  // Past the first deadline, before the resync's.
  clock.maybe_resync(after_start + interval + (before_resync - after_start) / 2);
  CHECK(clock.ns_per_tick() == rate);
  CHECK(clock.to_wall_ns(before_resync) == at_resync);
}

#endif  // SLUICE_HAS_TSC

namespace {

// Clock samples handed out in order by fake_clocks().
std::vector<sluice::detail::ClockSample> g_samples;
std::size_t g_next_sample = 0;

sluice::detail::ClockSample fake_clocks() { return g_samples.at(g_next_sample++); }

// A converter on the TSC that reads `samples` in order, started (reading the
// first two) with a 1 ms resync interval.
TickConverter started_on(std::vector<sluice::detail::ClockSample> samples) {
  g_samples = std::move(samples);
  g_next_sample = 0;
  TickConverter clock(&fake_clocks);
  clock.start(ClockSource::tsc, 1ms, 0us);
  return clock;
}

}  // namespace

TEST_CASE("a wall-clock step moves converted times at the next resync, never the rate") {
  // 2 ticks per ns; CLOCK_REALTIME is kWallNs ahead of CLOCK_MONOTONIC, then
  // steps back an hour (settimeofday, or NTP stepping) before the first
  // resync and two hours forward before the second.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  constexpr std::int64_t kHour = 3'600'000'000'000;
  TickConverter clock = started_on({{1'000, 0, kWall},
                                    {3'000, 1'000, kWall + 1'000},
                                    {2'003'000, 1'001'000, kWall + 1'001'000 - kHour},
                                    {4'003'000, 2'001'000, kWall + 2'001'000 + kHour}});
  CHECK(clock.ns_per_tick() == 0.5);
  CHECK(clock.to_wall_ns(3'000) == kWall + 1'000);
  CHECK(clock.to_wall_ns(5'000) == kWall + 2'000);
  CHECK(clock.ticks_for_ns(1'000'000) == 2'000'000);

  clock.maybe_resync(2'002'999);  // before the deadline (3,000 + 2,000,000)
  CHECK(g_next_sample == 2);
  clock.maybe_resync(2'003'000);
  CHECK(g_next_sample == 3);
  // Measured against the wall clock the rate would be about -1.8e6.
  CHECK(clock.ns_per_tick() == 0.5);
  CHECK(clock.to_wall_ns(2'003'000) == kWall + 1'001'000 - kHour);
  CHECK(clock.to_wall_ns(2'005'000) == kWall + 1'002'000 - kHour);
  CHECK(clock.ticks_for_ns(1'000'000) == 2'000'000);
  // A record taken before the step, converted after it, keeps its time.
  CHECK(clock.to_wall_ns(2'002'998) == kWall + 1'000'999);
  // And the step back is written as it is, not held at the time before it.
  CHECK(clock.in_order(clock.to_wall_ns(2'003'000), kWall + 1'000'999) ==
        kWall + 1'001'000 - kHour);

  // And two hours forward.
  clock.maybe_resync(4'003'000);
  CHECK(clock.ns_per_tick() == 0.5);
  CHECK(clock.to_wall_ns(4'005'000) == kWall + 2'002'000 + kHour);
  CHECK(clock.to_wall_ns(2'002'998) == kWall + 1'000'999);
  CHECK(clock.to_wall_ns(2'005'000) == kWall + 1'002'000 - kHour);
}

TEST_CASE("the rate is re-measured from the first sample at each resync") {
  // The TSC runs 1% fast against the monotonic clock after calibration.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on(
      {{0, 0, kWall}, {2'000, 1'000, kWall + 1'000}, {4'002'000, 2'000'000, kWall + 2'000'000}});
  CHECK(clock.ns_per_tick() == 0.5);
  clock.maybe_resync(4'002'000);
  CHECK(clock.ns_per_tick() == Approx(2'000'000.0 / 4'002'000.0).epsilon(1e-15));
  // At the old rate the conversion said kWall + 2'001'000 here, 1,000 ns
  // ahead: it goes on from there, and the slew takes the 1,000 ns back.
  CHECK(clock.to_wall_ns(4'002'000) == kWall + 2'001'000);
}

TEST_CASE("a resync slews a small difference from the wall clock: no converted time runs back") {
  // Calibrated at 0.5 ns per tick; by the first resync (2,000,000 ticks
  // later) the wall clock reads 800 ns less than the conversion. Stepping
  // would move every converted time from that tick on back by 800 ns;
  // slewing keeps the conversion continuous and meets the wall clock one
  // interval (2,000,000 ticks) later.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'001'000 - 800},
                                    {4'002'000, 2'001'000, kWall + 2'001'000 - 800}});
  const std::int64_t just_before = clock.to_wall_ns(2'001'999);
  CHECK(just_before == kWall + 1'000'999);

  clock.maybe_resync(2'002'000);
  CHECK(clock.ns_per_tick() == 0.5);
  CHECK(clock.to_wall_ns(2'002'000) == kWall + 1'001'000);
  // A tick from before the resync converts as it did before it.
  CHECK(clock.to_wall_ns(2'001'999) == just_before);
  std::int64_t previous = just_before;
  for (std::uint64_t t = 2'002'000; t <= 4'002'000; t += 1'000) {
    const std::int64_t converted = clock.to_wall_ns(t);
    REQUIRE(converted >= previous);
    previous = converted;
  }
  // Met: one interval on, within the conversion's truncation.
  CHECK(clock.to_wall_ns(4'002'000) >= kWall + 2'001'000 - 800 - 1);
  CHECK(clock.to_wall_ns(4'002'000) <= kWall + 2'001'000 - 800);
  CHECK(clock.ticks_for_ns(1'000'000) == 2'000'000);

  // The next resync finds the two agreeing and ends the slew.
  clock.maybe_resync(4'002'000);
  CHECK(clock.to_wall_ns(4'002'000) >= kWall + 2'001'000 - 800 - 1);
  CHECK(clock.to_wall_ns(4'002'000) <= kWall + 2'001'000 - 800);
  CHECK(clock.to_wall_ns(4'004'000) - clock.to_wall_ns(4'002'000) == 1'000);
}

TEST_CASE("an offset change over the step threshold steps, one at the threshold is slewed") {
  // 1 ms interval, 0.5 ns per tick. The wall clock moves 1,000,001 ns
  // against the monotonic one: a step. 1,000,000 ns: slewed, at most half
  // the rate per tick (the slope 0.75 or 0.25 instead of 0.5).
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  const std::int64_t change = GENERATE(std::int64_t{1'000'001}, std::int64_t{-1'000'001},
                                       std::int64_t{1'000'000}, std::int64_t{-1'000'000});
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'001'000 + change}});
  clock.maybe_resync(2'002'000);
  CHECK(clock.to_wall_ns(2'001'998) == kWall + 1'000'999);
  if (change > TickConverter::kStepThresholdNs || -change > TickConverter::kStepThresholdNs) {
    CHECK(clock.to_wall_ns(2'002'000) == kWall + 1'001'000 + change);
    CHECK(clock.to_wall_ns(2'004'000) == kWall + 1'002'000 + change);
  } else {
    CHECK(clock.to_wall_ns(2'002'000) == kWall + 1'001'000);
    CHECK(clock.to_wall_ns(4'002'000) == kWall + 1'001'000 + (change > 0 ? 1'500'000 : 500'000));
  }
}

TEST_CASE("a calibration 10% off is slewed away, never stepped back") {
  // The calibration pair says 0.55 ns per tick; the TSC really runs at 0.5.
  // By the first resync the conversion is 100,000 ns ahead of both clocks:
  // not a step of the wall clock (its offset from the monotonic clock did
  // not change), so it is slewed over the next intervals.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'100, kWall + 1'100},
                                    {2'002'000, 1'001'000, kWall + 1'001'000},
                                    {4'002'000, 2'001'000, kWall + 2'001'000},
                                    {6'002'000, 3'001'000, kWall + 3'001'000}});
  CHECK(clock.ns_per_tick() == Approx(0.55));
  // Ticks in order, each converted as the backend would: once the resync
  // before it has happened and the next has not.
  std::int64_t previous = clock.to_wall_ns(2'000);
  std::uint64_t t = 2'000;
  for (const std::uint64_t resync : {2'002'000, 4'002'000, 6'002'000, 8'002'000}) {
    for (; t < resync; t += 500) {
      const std::int64_t converted = clock.to_wall_ns(t);
      REQUIRE(converted >= previous);
      previous = converted;
    }
    if (resync < 8'002'000) clock.maybe_resync(resync);
  }
  // Caught up with the wall clock by the third resync.
  const std::int64_t at = clock.to_wall_ns(6'002'000);
  CHECK(at - (kWall + 3'001'000) <= 2);
  CHECK(at - (kWall + 3'001'000) >= -2);
}

TEST_CASE("a tick converts the same however many resyncs later it is converted") {
  // A backlog: records taken in the first resync interval, converted after
  // three more resyncs that slewed -1,000, +1,000 and -1,000 ns.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'000'000},
                                    {4'002'000, 2'001'000, kWall + 2'001'000},
                                    {6'002'000, 3'001'000, kWall + 3'000'000},
                                    {8'002'000, 4'001'000, kWall + 4'001'000}});
  const std::vector<std::uint64_t> ticks = {1'000'000, 2'002'000, 2'002'001, 3'000'000,
                                            4'002'000, 5'000'000, 7'000'000};
  std::vector<std::int64_t> first_seen(ticks.size(), 0);
  for (int resyncs = 0; resyncs <= 4; ++resyncs) {
    if (resyncs > 0) clock.maybe_resync(std::uint64_t{2'000} + 2'000'000 * resyncs);
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      // A tick counts once a resync at or after it has happened.
      if (ticks[i] > std::uint64_t{2'000} + 2'000'000 * resyncs) continue;
      if (first_seen[i] == 0) first_seen[i] = clock.to_wall_ns(ticks[i]);
      CHECK(clock.to_wall_ns(ticks[i]) == first_seen[i]);
    }
  }
}

TEST_CASE("in_order: a record not before its predecessor, unless the wall clock stepped back") {
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall}, {2'000, 1'000, kWall + 1'000}});
  CHECK(clock.in_order(kWall + 10, kWall) == kWall + 10);
  CHECK(clock.in_order(kWall, kWall) == kWall);
  CHECK(clock.in_order(kWall - 10, kWall) == kWall);
  CHECK(clock.in_order(kWall - TickConverter::kStepThresholdNs, kWall) == kWall);
  CHECK(clock.in_order(kWall - TickConverter::kStepThresholdNs - 1, kWall) ==
        kWall - TickConverter::kStepThresholdNs - 1);
}

TEST_CASE("a resync ten intervals late: the slew stopped at its interval's end, no step") {
  // Calibrated at 0.5 ns per tick; the first resync slews +800 ns over the
  // next 2,000,000 ticks. The next resync comes ten intervals late (a
  // backend held up in a slow sink) and finds the wall clock where the
  // measured rate puts it. Had the slewed slope run on, the conversion would
  // be 7,200 ns ahead there.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'001'000 + 800},
                                    {22'002'000, 11'001'000, kWall + 11'001'000 + 800}});
  clock.maybe_resync(2'002'000);
  CHECK(clock.to_wall_ns(2'002'000) == kWall + 1'001'000);
  // The slew ends on the wall clock; past it, the measured rate.
  CHECK(clock.to_wall_ns(4'002'000) >= kWall + 2'001'800 - 1);
  CHECK(clock.to_wall_ns(4'002'000) <= kWall + 2'001'800);
  CHECK(clock.to_wall_ns(4'004'000) - clock.to_wall_ns(4'002'000) == 1'000);
  const std::int64_t before = clock.to_wall_ns(22'001'999);
  CHECK(before >= kWall + 11'001'800 - 2);
  CHECK(before <= kWall + 11'001'800);

  clock.maybe_resync(22'002'000);
  const std::int64_t at = clock.to_wall_ns(22'002'000);
  CHECK(at >= before);
  CHECK(at <= kWall + 11'001'800);
  CHECK(clock.to_wall_ns(22'004'000) - at >= 999);
}

TEST_CASE("offset changes under the threshold neither add up to a step nor count twice in one") {
  // From helper-26's review. The wall clock moves -0.5 ms against the
  // monotonic one, then a further -0.6 ms: each under 1 ms, so both are
  // slewed, and converted times never run back.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'001'000 - 500'000},
                                    {4'002'000, 2'001'000, kWall + 2'001'000 - 1'100'000}});
  clock.maybe_resync(2'002'000);
  const std::int64_t before = clock.to_wall_ns(4'001'999);
  CHECK(before == kWall + 1'500'999);  // slope 0.25: the -0.5 ms slewed away
  clock.maybe_resync(4'002'000);
  CHECK(clock.to_wall_ns(4'002'000) == kWall + 1'501'000);
}

TEST_CASE("a step after a slewed offset change steps by its own size") {
  // The offset moves +0.5 ms (slewed), then the wall clock steps back
  // 1.5 ms between two samples: converted times step by -1.5 ms and land on
  // the wall clock.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  TickConverter clock = started_on({{0, 0, kWall},
                                    {2'000, 1'000, kWall + 1'000},
                                    {2'002'000, 1'001'000, kWall + 1'501'000},
                                    {4'002'000, 2'001'000, kWall + 1'001'000}});
  clock.maybe_resync(2'002'000);
  CHECK(clock.to_wall_ns(4'001'998) == kWall + 2'500'998);  // slope 0.75
  clock.maybe_resync(4'002'000);
  CHECK(clock.to_wall_ns(4'002'000) == kWall + 1'001'000);
  CHECK(clock.to_wall_ns(4'004'000) == kWall + 1'002'000);
}

TEST_CASE("a tick converts the same for kHistory - 1 intervals after its own") {
  // Every resync finds the conversion 100 us behind the wall clock, so each
  // interval after the first is slewed (slope 0.55 against a rate of 0.5).
  // A tick of the second interval keeps its time through the 16 resyncs
  // after its own.
  constexpr auto kWall = static_cast<std::int64_t>(kWallNs);
  std::vector<sluice::detail::ClockSample> samples = {{0, 0, kWall}, {2'000, 1'000, kWall + 1'000}};
  for (std::int64_t k = 1; k <= 17; ++k) {
    const std::int64_t monotonic = 1'000 + 1'000'000 * k;
    samples.push_back({2'000 + 2'000'000 * static_cast<std::uint64_t>(k), monotonic,
                       kWall + monotonic + 100'000});
  }
  TickConverter clock = started_on(std::move(samples));
  clock.maybe_resync(2'002'000);
  const std::int64_t on_time = clock.to_wall_ns(3'002'000);
  CHECK(on_time == kWall + 1'001'000 + 550'000);
  STATIC_REQUIRE(TickConverter::kHistory - 1 == 16);
  for (std::uint64_t k = 2; k <= 17; ++k) {
    clock.maybe_resync(2'000 + 2'000'000 * k);
    CHECK(clock.to_wall_ns(3'002'000) == on_time);
  }
}

TEST_CASE("TickSources: a stamp is the source's whose side of the readings' midpoint it is on") {
  // A TSC up 3 days at 3 GHz and the wall clock of kWallNs: the midpoint is
  // 898,106,125,561,728,394 ticks.
  using sluice::detail::TickSources;
  constexpr std::uint64_t kTsc = 3ull * 86'400 * 3'000'000'000;
  const TickSources sources(kTsc, kWallNs);
  CHECK(sources.source_of(0) == ClockSource::tsc);
  CHECK(sources.source_of(kTsc) == ClockSource::tsc);
  CHECK(sources.source_of(kWallNs) == ClockSource::system);
  CHECK(sources.source_of(kWallNs - 3'600'000'000'000) == ClockSource::system);  // an hour old
  CHECK(sources.source_of(898'106'125'561'728'393) == ClockSource::tsc);
  CHECK(sources.source_of(898'106'125'561'728'394) == ClockSource::system);
  // A TSC that reads above the wall clock (set so, or up for decades): the
  // sides swap.
  const TickSources high_tsc(kWallNs * 2, kWallNs);
  CHECK(high_tsc.source_of(kWallNs * 2) == ClockSource::tsc);
  CHECK(high_tsc.source_of(kWallNs) == ClockSource::system);
  // Closer than kMinGap: not told apart, either way round.
  const std::uint64_t closest = kWallNs - TickSources::kMinGap;
  CHECK(TickSources(closest, kWallNs).source_of(0) == ClockSource::tsc);
  CHECK_FALSE(TickSources(closest + 1, kWallNs).source_of(0).has_value());
  CHECK_FALSE(TickSources(kWallNs + TickSources::kMinGap - 1, kWallNs).source_of(0).has_value());
  CHECK_FALSE(TickSources(kWallNs, kWallNs).source_of(kWallNs).has_value());
}
