// The most loggers a process can have (a record names its logger in 19
// bits). Nothing empties the process's logger table, so every case fills it
// with the same names ("cap", "cap.<id>"): the first case run makes them,
// a later one in the same process (the binary run whole, in any order) finds
// them made, and either way the table is full with "cap.524287" the last.
// Apart from test_logger so that that one can still be run whole.

#include <catch2/catch.hpp>

#include <string>

#include "capture_fixture.hpp"
#include "drop_warning.hpp"
#include "sluice/detail/call_site.hpp"

using sluice::Level;

namespace {

constexpr std::uint32_t kLoggers = sluice::detail::RecordHeader::kMaxLoggerId + 1;

// Makes "cap" and, after it, "cap.<id>" for every id up to the last, so that
// the table is full. The root, "sluice" and "cap" take the first ids; a
// logger an earlier case of another kind made would take one too, and "cap"
// starts after it. Made already, the names are only looked up.
sluice::Logger& fill_logger_table() {
  sluice::Logger& parent = sluice::get_logger("cap");
  for (std::uint32_t i = parent.id() + 1; i < kLoggers; ++i) {
    sluice::get_logger("cap." + std::to_string(i));
  }
  return parent;
}

}  // namespace

TEST_CASE("loggers up to the most a record can name are made, and the next one is a clear error") {
  // A record's header names its logger in 19 bits: ids 0 to 524,287.
  sluice::Logger& parent = fill_logger_table();
  CHECK(sluice::get_logger("cap." + std::to_string(kLoggers - 1)).id() == kLoggers - 1);
  CHECK_THROWS_WITH(sluice::get_logger("cap.more"),
                    "cannot create logger \"cap.more\": 524288 loggers exist, the most sluice "
                    "supports");
  // The ones made are all there, and so is their parent's level.
  parent.set_level(Level::error);
  CHECK(sluice::get_logger("cap." + std::to_string(kLoggers - 1)).effective_level() ==
        Level::error);
}

TEST_CASE("a program that made the most loggers still hears of its dropped records") {
  // The backend reports drops as a record of the "sluice" logger. Made on
  // first use, that logger could not be made once the program had made the
  // most loggers: get_logger threw on the backend thread, and the process
  // ended in std::terminate.
  sluice::Options options;
  options.queue_capacity = 4096;
  options.queue_policy = sluice::QueuePolicy::drop;
  sluice::testing::CaptureFixture fx(options);
  fill_logger_table();
  REQUIRE_THROWS_AS(sluice::get_logger("cap.more"), sluice::Error);
  SLUICE_INFO(sluice::root_logger(), "{}", std::string(5000, 'x'));  // larger than the queue
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].logger == "sluice");
  CHECK(records[0].message == sluice::testing::drop_warning(1));
}
